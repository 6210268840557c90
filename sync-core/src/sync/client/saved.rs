//! The sync states a client keeps between sessions: `sync::State::encode()` per server
//! storage id and document, looked up without building a key per document.

use crate::doc_id::DocumentId;
use std::collections::HashMap;

/// Encoded sync states by server storage id, then document.
#[derive(Debug, Default)]
pub(super) struct SavedStates(HashMap<String, HashMap<DocumentId, Vec<u8>>>);

impl SavedStates {
    /// The state saved for `doc_id` with the server whose storage id is `server`.
    pub(super) fn get(&self, server: &str, doc_id: &DocumentId) -> Option<&[u8]> {
        self.0.get(server)?.get(doc_id).map(Vec::as_slice)
    }

    /// Saves (or replaces) the state of `doc_id` with `server`.
    pub(super) fn insert(&mut self, server: &str, doc_id: DocumentId, state: Vec<u8>) {
        match self.0.get_mut(server) {
            Some(docs) => {
                docs.insert(doc_id, state);
            }
            None => {
                self.0
                    .insert(server.to_owned(), HashMap::from([(doc_id, state)]));
            }
        }
    }
}
