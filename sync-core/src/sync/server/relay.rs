//! Relaying `ephemeral` messages (presence and the like) between peers of a document.

use super::{ConnId, ServerEngine};
use crate::sync::access::Access;
use crate::sync::message::Message;

impl ServerEngine {
    /// Relays an `ephemeral` message to the other connections syncing its document.
    pub(super) fn relay_ephemeral(&mut self, conn: ConnId, message: Message) {
        let Message::Ephemeral {
            sender_id,
            document_id,
            count,
            session_id,
            data,
            ..
        } = message
        else {
            return;
        };
        let allowed = self
            .conns
            .get(&conn)
            .and_then(|c| c.docs.get(&document_id))
            .is_some_and(|p| p.state.is_some() && p.access == Access::ReadWrite);
        if !allowed {
            return;
        }
        let targets: Vec<(ConnId, String)> = self
            .doc_peers
            .get(&document_id)
            .into_iter()
            .flatten()
            .filter(|c| **c != conn)
            .filter_map(|c| Some((*c, self.conns.get(c)?.peer_id.clone()?)))
            .collect();
        for (target, target_id) in targets {
            let relayed = Message::Ephemeral {
                sender_id: sender_id.clone(),
                target_id,
                document_id,
                count,
                session_id: session_id.clone(),
                data: data.clone(),
            };
            self.send(target, &relayed);
        }
    }
}
