//! `join` → `peer`, and the rules around it.

use super::{ConnId, Output, RejectReason, ServerEngine};
use crate::sync::message::{Message, PROTOCOL_V1, PeerMetadata};

impl ServerEngine {
    /// The first message of a connection: it must be a `join` offering protocol "1".
    pub(super) fn handle_join(&mut self, conn: ConnId, message: Message) {
        let Message::Join {
            sender_id,
            supported_protocol_versions,
            peer_metadata,
        } = message
        else {
            self.fail(conn, None, RejectReason::NotJoined, "expected join");
            return;
        };
        if !supported_protocol_versions.iter().any(|v| v == PROTOCOL_V1) {
            self.fail(
                conn,
                None,
                RejectReason::UnsupportedVersion,
                "unsupported protocol version",
            );
            return;
        }
        let meta = peer_metadata.unwrap_or_default();
        let batch_sync = self.config.batch_sync && meta.batch_sync;
        let Some(identity) = self.conns.get(&conn).map(|c| c.identity.clone()) else {
            return;
        };

        // As the JS server does: a second join with the same senderId (here: also the same
        // authenticated identity) replaces the older connection.
        let older: Vec<ConnId> = self
            .conns
            .iter()
            .filter(|(id, c)| {
                **id != conn && c.identity == identity && c.peer_id() == Some(sender_id.as_str())
            })
            .map(|(id, _)| *id)
            .collect();
        for old in older {
            self.outputs.push(Output::Close {
                conn: old,
                reason: "replaced by a newer connection",
            });
            self.drop_conn(old, true);
        }

        if let Some(c) = self.conns.get_mut(&conn) {
            c.peer_id = Some(sender_id.clone());
            c.storage_id = meta.storage_id.filter(|_| !meta.is_ephemeral);
            c.batch_sync = batch_sync;
        }
        let reply = Message::Peer {
            sender_id: self.config.peer_id.clone(),
            target_id: sender_id,
            selected_protocol_version: PROTOCOL_V1.to_owned(),
            peer_metadata: Some(PeerMetadata {
                storage_id: self.config.storage_id.clone(),
                is_ephemeral: false,
                batch_sync,
                // This server reads digests whenever it batches.
                heads_digest: batch_sync,
            }),
        };
        self.send(conn, &reply);
    }
}
