//! The audit log's rows: an actor's changes in one delivery as one run of consecutive seqs,
//! their hashes packed 32 bytes each in seq order (`change_runs`).
//!
//! An actor's changes reach a document in seq order (each depends on the one before), so what
//! a document holds of an actor is seqs `1..=n`, and a delivery adds the next ones. A new
//! 500-edit meeting from three actors is three rows instead of ~440.

use std::collections::HashMap;

use automerge::ChangeHash;

use super::types::ChangeMeta;

/// One actor's changes of one delivery, consecutive seqs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Run<'a> {
    /// The actor id, hex.
    pub actor: &'a str,
    /// The first change's seq.
    pub seq_from: u64,
    /// The last change's seq.
    pub seq_to: u64,
    /// The changes' hashes, 32 bytes each, in seq order.
    pub hashes: Vec<u8>,
}

impl Run<'_> {
    /// How many changes the run holds.
    pub fn len(&self) -> usize {
        self.hashes.len() / HASH_LEN
    }
}

const HASH_LEN: usize = 32;

/// The runs to record for `changes` (in causal order), leaving out every change whose seq is
/// at or below its actor's last recorded one (`recorded`: actor → seq): a change delivered
/// again is recorded once, with its first delivery.
pub(crate) fn runs_of<'a>(
    changes: &'a [ChangeMeta],
    recorded: &HashMap<String, u64>,
) -> Vec<Run<'a>> {
    let mut runs: Vec<Run<'a>> = Vec::new();
    // The index in `runs` of each actor's newest run.
    let mut newest: HashMap<&str, usize> = HashMap::new();
    for change in changes {
        let actor = change.actor.as_str();
        if recorded.get(actor).is_some_and(|&last| change.seq <= last) {
            continue;
        }
        if let Some(run) = newest.get(actor).map(|&i| &mut runs[i]) {
            if change.seq <= run.seq_to {
                continue;
            }
            if change.seq == run.seq_to + 1 {
                run.seq_to = change.seq;
                run.hashes.extend_from_slice(&change.hash.0);
                continue;
            }
        }
        newest.insert(actor, runs.len());
        runs.push(Run {
            actor,
            seq_from: change.seq,
            seq_to: change.seq,
            hashes: change.hash.0.to_vec(),
        });
    }
    runs
}

/// The hashes packed in a run's `hashes` column, in order (a trailing partial hash, which
/// this server never writes, is ignored).
pub(crate) fn unpack_hashes(packed: &[u8]) -> impl Iterator<Item = ChangeHash> + '_ {
    packed.chunks_exact(HASH_LEN).map(|h| {
        let mut bytes = [0; HASH_LEN];
        bytes.copy_from_slice(h);
        ChangeHash(bytes)
    })
}

/// A seq as stored (BIGINT); seqs beyond `i64::MAX` do not occur in practice and saturate.
pub(crate) fn seq_column(seq: u64) -> i64 {
    i64::try_from(seq).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(actor: &str, seq: u64) -> ChangeMeta {
        let mut hash = [0; HASH_LEN];
        hash[0] = seq as u8;
        hash[1] = actor.as_bytes()[0];
        ChangeMeta {
            hash: ChangeHash(hash),
            actor: actor.to_owned(),
            seq,
        }
    }

    #[test]
    fn interleaved_actors_make_one_run_each() {
        let changes = vec![
            change("a", 1),
            change("b", 1),
            change("a", 2),
            change("b", 2),
            change("a", 3),
        ];
        let runs = runs_of(&changes, &HashMap::new());
        assert_eq!(runs.len(), 2);
        assert_eq!(
            (runs[0].actor, runs[0].seq_from, runs[0].seq_to),
            ("a", 1, 3)
        );
        assert_eq!(
            (runs[1].actor, runs[1].seq_from, runs[1].seq_to),
            ("b", 1, 2)
        );
        let a: Vec<ChangeHash> = unpack_hashes(&runs[0].hashes).collect();
        assert_eq!(a, vec![changes[0].hash, changes[2].hash, changes[4].hash]);
        assert_eq!(runs[0].len(), 3);
    }

    #[test]
    fn changes_already_recorded_are_left_out() {
        let changes = vec![change("a", 3), change("a", 4), change("b", 1)];
        let recorded = HashMap::from([("a".to_owned(), 3), ("b".to_owned(), 1)]);
        let runs = runs_of(&changes, &recorded);
        assert_eq!(runs.len(), 1);
        assert_eq!(
            (runs[0].actor, runs[0].seq_from, runs[0].seq_to),
            ("a", 4, 4)
        );
    }

    #[test]
    fn a_gap_in_seqs_starts_a_new_run_and_a_repeat_is_dropped() {
        let changes = vec![change("a", 1), change("a", 1), change("a", 3)];
        let runs = runs_of(&changes, &HashMap::new());
        let spans: Vec<(u64, u64)> = runs.iter().map(|r| (r.seq_from, r.seq_to)).collect();
        assert_eq!(spans, vec![(1, 1), (3, 3)]);
    }

    #[test]
    fn a_partial_trailing_hash_is_ignored() {
        let mut packed = vec![7; HASH_LEN];
        packed.extend_from_slice(&[1, 2, 3]);
        assert_eq!(unpack_hashes(&packed).count(), 1);
    }
}
