//! The hub's answer to the ratings projector: copies of the documents its engine holds, so a
//! document just accepted is rated without loading its stored bytes again.

use sync_core::doc_id::DocumentId;

use super::HubState;
use crate::ratings::projector::{COPY_BUDGET, CopyRequest};

impl HubState {
    /// Answers the projector with copies of the asked documents the engine holds.
    pub(super) fn copy_resident(&self, request: CopyRequest) {
        let ids: Vec<Option<DocumentId>> = request
            .doc_ids
            .iter()
            .map(|id| DocumentId::parse(id).ok())
            .collect();
        let held: Vec<DocumentId> = ids.iter().flatten().copied().collect();
        let mut copies = self.engine.resident_copies(&held, COPY_BUDGET).into_iter();
        let answer = ids
            .iter()
            .map(|id| id.and_then(|_| copies.next().flatten()))
            .collect();
        let _ = request.reply.send(answer);
    }
}
