//! How many of each connection's messages wait in the engine for storage (their document or
//! their sync state). A server that hands a connection's next frame to the engine only while
//! few of its messages wait, and while its outbound queue has room, keeps what the answers
//! queue up for a slow reader bounded: a peer asking for thousands of documents at once is
//! then answered as fast as it reads (see the server's `ws::outbox::Backlog`).

use std::collections::VecDeque;

use super::doc_state::Inbound;
use super::{ConnId, ServerEngine};
use crate::doc_id::DocumentId;

impl ServerEngine {
    /// Queues `inbound` on the entry of `doc_id` (if there is one), counting it as waiting.
    pub(super) fn enqueue(&mut self, doc_id: DocumentId, inbound: Inbound) {
        let conn = inbound.conn;
        let Some(entry) = self.docs.get_mut(&doc_id) else {
            return;
        };
        entry.inbox.push_back(inbound);
        self.count(conn, 1);
    }

    /// Takes the first message queued on `doc_id`, no longer counting it as waiting.
    pub(super) fn dequeue(&mut self, doc_id: DocumentId) -> Option<Inbound> {
        let inbound = self.docs.get_mut(&doc_id)?.inbox.pop_front()?;
        self.count(inbound.conn, -1);
        Some(inbound)
    }

    /// No longer counts the messages of a forgotten document's `inbox` as waiting.
    pub(super) fn uncount(&mut self, inbox: &VecDeque<Inbound>) {
        for inbound in inbox {
            self.count(inbound.conn, -1);
        }
    }

    fn count(&mut self, conn: ConnId, delta: isize) {
        if let Some(c) = self.conns.get_mut(&conn) {
            c.awaiting = c.awaiting.saturating_add_signed(delta);
            self.awaiting_changed.insert(conn);
        }
    }

    /// Messages of `conn` waiting for storage.
    pub fn awaiting(&self, conn: ConnId) -> usize {
        self.conns.get(&conn).map_or(0, |c| c.awaiting)
    }

    /// The connections whose count of waiting messages changed since the last call, each with
    /// its count now (0 for one that has left).
    pub fn take_awaiting_changes(&mut self) -> Vec<(ConnId, usize)> {
        std::mem::take(&mut self.awaiting_changed)
            .into_iter()
            .map(|conn| (conn, self.awaiting(conn)))
            .collect()
    }
}
