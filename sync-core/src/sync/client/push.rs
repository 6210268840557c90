//! One-round-trip push: when the shared heads of the last sync with this server are known,
//! the first message of a session already carries every change made since, instead of waiting
//! for the server's heads and Bloom filter (performance.md §4.5, W7).
//!
//! Sending a change the server already has costs bytes only (automerge ignores duplicates); a
//! change the server cannot apply yet (it lost history) is queued there and the normal exchange
//! that follows repairs it.

use automerge::sync::{ChunkList, Message, MessageVersion, State};
use automerge::{Automerge, ChangeHash, ReadDoc};

/// The changes made since `state`'s shared heads, if the session has not heard from the server
/// yet (its heads are unknown) and those shared heads are all in `doc`.
fn unsent_since_shared(doc: &Automerge, state: &State) -> Vec<automerge::Change> {
    let shared = &state.shared_heads;
    if state.their_heads.is_some()
        || state.read_only
        || shared.is_empty()
        || !doc.get_missing_deps(shared).is_empty()
        || doc.get_heads() == *shared
    {
        return Vec::new();
    }
    doc.get_changes(shared)
        .into_iter()
        .filter(|c| !state.sent_hashes.contains(&c.hash()))
        .collect()
}

/// Whether `doc`, whose heads are `heads`, has changes the server has not seen, by the shared
/// heads saved in `state`.
pub(super) fn has_unsent_changes(doc: &Automerge, heads: &[ChangeHash], state: &State) -> bool {
    let shared = &state.shared_heads;
    !shared.is_empty() && heads != shared.as_slice() && doc.get_missing_deps(shared).is_empty()
}

/// Adds to a session's first `message` the changes made since the last sync (see the module
/// docs) and records them as sent.
pub(super) fn attach_unsent_changes(doc: &Automerge, state: &mut State, message: &mut Message) {
    if !message.changes.is_empty() {
        return;
    }
    let changes = unsent_since_shared(doc, state);
    if changes.is_empty() {
        return;
    }
    let hashes: Vec<ChangeHash> = changes.iter().map(automerge::Change::hash).collect();
    message.changes = match message.version {
        // v1: one change per chunk (receivers check each chunk as a change).
        MessageVersion::V1 => ChunkList::from(
            changes
                .iter()
                .map(|c| c.raw_bytes().to_vec())
                .collect::<Vec<_>>(),
        ),
        // v2: one chunk; the concatenated changes load as one incremental save.
        MessageVersion::V2 => ChunkList::from(
            changes
                .iter()
                .flat_map(|c| c.raw_bytes().iter().copied())
                .collect::<Vec<u8>>(),
        ),
    };
    state.sent_hashes.extend(hashes);
}

/// Whether a reply to the server can be left unsent: we are in sync with the heads it just
/// named and the reply would carry no change and ask for none (it only acknowledges).
pub(super) fn is_bare_acknowledgement(reply: &Message, in_sync: bool) -> bool {
    in_sync && reply.changes.is_empty() && reply.need.is_empty()
}
