//! The documents waiting for the projector, and its pace per document: a document projected
//! less than [`MIN_INTERVAL`] ago waits until that long after its last projection.
//!
//! A meeting synced every few dozen milliseconds (a secretary and a deputy typing while online)
//! would otherwise be loaded and projected after every commit: W3's 100 pushes to one
//! 5,000-edit document cost 100 loads of it. Paced, it is projected about four times a second
//! at most, and its rating is never more than the interval plus one projection late.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use super::Notice;

/// The least time between two projections of one document.
pub const MIN_INTERVAL: Duration = Duration::from_millis(250);

/// Notified documents not projected yet.
#[derive(Debug, Default)]
pub(super) struct Waiting {
    /// Each waiting document with its earliest waiting commit.
    ids: BTreeMap<String, Instant>,
    /// When each document was last projected (entries older than the interval are dropped).
    last: HashMap<String, Instant>,
    /// Notices taken in since the last time nothing was waiting.
    notices: usize,
    /// The highest notice number taken in.
    seq: u64,
}

impl Waiting {
    /// Takes in one commit's documents.
    pub(super) fn add(&mut self, notice: Notice) {
        self.notices += 1;
        self.seq = self.seq.max(notice.seq);
        for id in notice.ids {
            self.ids.entry(id).or_insert(notice.at);
        }
    }

    /// When the first waiting document may be projected (`now` or earlier for one that may go
    /// at once); `None` when nothing waits.
    pub(super) fn next_due(&self, now: Instant) -> Option<Instant> {
        self.ids.keys().map(|id| self.due(id, now)).min()
    }

    /// Removes and returns at most `limit` of the documents that may be projected at `now`,
    /// those waiting longest first, each with its earliest waiting commit, and counts them as
    /// projected at `now`.
    pub(super) fn take_due(&mut self, now: Instant, limit: usize) -> Vec<(String, Instant)> {
        self.last
            .retain(|_, at| now.saturating_duration_since(*at) < MIN_INTERVAL);
        let mut due: Vec<(Instant, &String)> = self
            .ids
            .iter()
            .filter(|(id, _)| self.due(id, now) <= now)
            .map(|(id, since)| (*since, id))
            .collect();
        due.sort_unstable();
        let due: Vec<String> = due
            .into_iter()
            .take(limit)
            .map(|(_, id)| id.clone())
            .collect();
        due.into_iter()
            .filter_map(|id| {
                let since = self.ids.remove(&id)?;
                self.last.insert(id.clone(), now);
                Some((id, since))
            })
            .collect()
    }

    /// When nothing waits any more: the highest notice number taken in and how many notices
    /// were settled since the last report. `None` while a document waits (or nothing new came).
    pub(super) fn settled(&mut self) -> Option<(u64, usize)> {
        if !self.ids.is_empty() || self.notices == 0 {
            return None;
        }
        Some((self.seq, std::mem::take(&mut self.notices)))
    }

    fn due(&self, id: &str, now: Instant) -> Instant {
        self.last.get(id).map_or(now, |at| *at + MIN_INTERVAL)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice(seq: u64, ids: &[&str], at: Instant) -> Notice {
        Notice {
            seq,
            ids: ids.iter().map(|s| (*s).to_owned()).collect(),
            at,
        }
    }

    #[test]
    fn a_document_projected_less_than_the_interval_ago_waits_and_the_others_go_at_once() {
        let t0 = Instant::now();
        let mut w = Waiting::default();
        w.add(notice(1, &["a"], t0));
        assert_eq!(w.next_due(t0), Some(t0));
        assert_eq!(w.take_due(t0, usize::MAX), vec![("a".to_owned(), t0)]);
        assert_eq!(w.settled(), Some((1, 1)));

        let t1 = t0 + Duration::from_millis(40);
        w.add(notice(2, &["a", "b"], t1));
        w.add(notice(3, &["a"], t1 + Duration::from_millis(5)));
        // b was never projected: it goes now; a waits for the interval after t0.
        assert_eq!(w.take_due(t1, usize::MAX), vec![("b".to_owned(), t1)]);
        assert_eq!(w.settled(), None, "a still waits");
        assert_eq!(w.next_due(t1), Some(t0 + MIN_INTERVAL));
        assert!(
            w.take_due(t0 + MIN_INTERVAL - Duration::from_millis(1), usize::MAX)
                .is_empty()
        );
        // Due: projected once for both commits, with the earlier commit's time.
        assert_eq!(
            w.take_due(t0 + MIN_INTERVAL, usize::MAX),
            vec![("a".to_owned(), t1)]
        );
        assert_eq!(w.settled(), Some((3, 2)));
        assert_eq!(w.settled(), None, "reported once");
        assert_eq!(w.next_due(t0 + MIN_INTERVAL), None);
    }

    #[test]
    fn a_document_quiet_for_the_interval_goes_at_once_again() {
        let t0 = Instant::now();
        let mut w = Waiting::default();
        w.add(notice(1, &["a"], t0));
        w.take_due(t0, usize::MAX);
        let later = t0 + MIN_INTERVAL + Duration::from_millis(1);
        w.add(notice(2, &["a"], later));
        assert_eq!(w.take_due(later, usize::MAX), vec![("a".to_owned(), later)]);
        assert!(w.last.len() == 1, "older marks are dropped");
    }

    #[test]
    fn a_limited_take_gives_the_longest_waiting_documents_first() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut w = Waiting::default();
        w.add(notice(1, &["c"], t0));
        w.add(notice(2, &["a"], t0 + ms(10)));
        w.add(notice(3, &["b", "c"], t0 + ms(20)));
        let now = t0 + ms(30);
        assert_eq!(
            w.take_due(now, 2),
            vec![("c".to_owned(), t0), ("a".to_owned(), t0 + ms(10))],
            "by earliest waiting commit, not by id"
        );
        assert_eq!(w.settled(), None, "b still waits");
        assert_eq!(w.take_due(now, 2), vec![("b".to_owned(), t0 + ms(20))]);
        assert_eq!(w.settled(), Some((3, 3)));
    }
}
