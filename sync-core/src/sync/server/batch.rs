//! The `heads-batch` extension: a peer lists (document, heads) for everything it holds; the
//! server compares with its heads index, without loading any document, and names the
//! documents that need an automerge sync. Documents found in sync are subscribed, so later
//! changes are relayed to the peer as with a normal sync.

use super::connection::PeerDoc;
use super::{ConnId, Output, RejectReason, ServerEngine, StoredHeads};
use crate::doc_id::DocumentId;
use crate::sync::access::Access;
use crate::sync::message::{DocHeads, Message};
use automerge::ChangeHash;
use automerge::sync::State;
use std::collections::HashMap;

impl ServerEngine {
    /// A `heads-batch` from a peer that negotiated the extension: ask for the heads index.
    pub(super) fn handle_heads_batch(&mut self, conn: ConnId, docs: Vec<DocHeads>) {
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        if !c.batch_sync || c.pending_batch.is_some() {
            self.fail(conn, None, RejectReason::Unexpected, "unexpected message");
            return;
        }
        let doc_ids = docs.iter().map(|d| d.document_id).collect();
        let identity = c.identity.clone();
        c.pending_batch = Some(docs);
        self.outputs.push(Output::LoadHeads {
            conn,
            identity,
            doc_ids,
        });
    }

    /// Storage answered `LoadHeads` with rows of the heads index: the listed documents it has,
    /// plus any other documents the connection's identity may read.
    pub fn heads_loaded(&mut self, conn: ConnId, rows: Vec<StoredHeads>) {
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        let Some(docs) = c.pending_batch.take() else {
            return;
        };
        let identity = c.identity.clone();
        let mut stored: HashMap<DocumentId, StoredHeads> =
            rows.into_iter().map(|r| (r.doc_id, r)).collect();
        let mut out_of_sync = Vec::new();
        for DocHeads { document_id, heads } in docs {
            let row = stored.remove(&document_id);
            let (server_heads, access) = self.current_heads(&identity, document_id, row);
            // The hashes, or (version 2) their digest, against the server's heads.
            match server_heads {
                Some(ours) if access != Access::Denied && heads.matches(&ours) => {
                    self.subscribe(conn, document_id, ours, access);
                }
                _ => out_of_sync.push(document_id),
            }
        }
        // Documents the peer lacks but may read.
        let mut extra: Vec<DocumentId> = stored
            .into_values()
            .filter(|r| self.policy.access(&identity, &r.doc_id, Some(&r.meta)) != Access::Denied)
            .map(|r| r.doc_id)
            .collect();
        extra.sort();
        out_of_sync.extend(extra);
        // Both ids left out on the wire: the peer knows them from `join`/`peer`.
        let reply = Message::HeadsBatchResult {
            sender_id: String::new(),
            target_id: String::new(),
            out_of_sync,
        };
        self.send(conn, &reply);
    }

    /// The heads to compare against (memory when resident, else the index) and the access.
    fn current_heads(
        &self,
        identity: &crate::sync::access::PeerIdentity,
        doc_id: DocumentId,
        row: Option<StoredHeads>,
    ) -> (Option<Vec<ChangeHash>>, Access) {
        if let Some(entry) = self.docs.get(&doc_id)
            && let Some(doc) = entry.doc.as_ref()
        {
            let mut heads = doc.get_heads();
            heads.sort();
            let access = self.policy.access(identity, &doc_id, entry.meta.as_ref());
            return (entry.meta.as_ref().map(|_| heads), access);
        }
        let Some(row) = row else {
            return (None, Access::Denied);
        };
        let access = self.policy.access(identity, &doc_id, Some(&row.meta));
        let mut heads = row.heads;
        heads.sort();
        (Some(heads), access)
    }

    /// Registers an in-sync document for relay, with a sync state whose shared heads are the
    /// heads both sides hold.
    fn subscribe(
        &mut self,
        conn: ConnId,
        doc_id: DocumentId,
        heads: Vec<ChangeHash>,
        access: Access,
    ) {
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        if c.docs.contains_key(&doc_id) {
            return;
        }
        let mut state = State::new();
        state.shared_heads = heads;
        state.read_only = access == Access::ReadOnly;
        let mut peer_doc = PeerDoc::from_index(state);
        peer_doc.access = access;
        c.docs.insert(doc_id, peer_doc);
        self.doc_peers.entry(doc_id).or_default().insert(conn);
        // Uncommitted changes in memory will reach this peer once they are durable.
        if let Some(entry) = self.docs.get_mut(&doc_id)
            && entry.unpersisted > 0
        {
            entry.dirty.insert(conn);
        }
    }
}
