//! Carrying out the engine's outputs.

use std::collections::HashSet;

use sync_core::sync::{ConnId, Output};
use tokio::sync::mpsc;

use super::super::committer::Batch;
use super::super::loader::LoadOp;
use super::super::storage::{self, StorageResult, SyncStateOp};
use super::{HubState, reasons};

/// What one drain of the outputs did, for the "converged" heuristic.
#[derive(Debug, Default)]
pub(super) struct Round {
    /// Connections that were sent a frame.
    sent_to: HashSet<ConnId>,
    /// Storage work, a refusal or a close happened.
    busy: bool,
}

impl Round {
    /// Nothing was sent to `conn` and nothing is pending.
    pub(super) fn is_quiet_for(&self, conn: ConnId) -> bool {
        !self.busy && !self.sent_to.contains(&conn)
    }
}

impl HubState {
    /// Drains `poll_outputs` until the engine has nothing more to say (carrying out an output,
    /// e.g. a close, can produce more), then tells each connection's reader how many of its
    /// messages wait for storage and updates the residency gauges.
    pub(super) fn run_outputs(&mut self) -> Round {
        let mut round = Round::default();
        loop {
            let outputs = self.engine.poll_outputs();
            if outputs.is_empty() {
                break;
            }
            for output in outputs {
                self.carry_out(output, &mut round);
            }
        }
        for (conn, waiting) in self.engine.take_awaiting_changes() {
            if let Some(entry) = self.conns.get(&conn) {
                entry.outbox.set_awaiting(waiting);
            }
        }
        self.metrics
            .set_documents_resident(self.engine.resident_docs(), self.engine.resident_bytes());
        round
    }

    fn carry_out(&mut self, output: Output, round: &mut Round) {
        match output {
            Output::Send { conn, bytes } => {
                round.sent_to.insert(conn);
                self.send(conn, bytes);
            }
            Output::Close { conn, reason } => {
                round.busy = true;
                tracing::debug!(conn = conn.0, reason, "closing connection");
                self.close(conn, reason);
            }
            Output::LoadDoc { doc_id } => {
                round.busy = true;
                self.load(LoadOp::Doc(doc_id));
            }
            Output::LoadDocHeads { doc_id } => {
                round.busy = true;
                self.load(LoadOp::Heads(doc_id));
            }
            Output::LoadSyncState {
                conn,
                doc_id,
                storage_id,
            } => {
                round.busy = true;
                let _ = self.sync_states.send(SyncStateOp::Load {
                    conn,
                    doc_id,
                    storage_id,
                });
            }
            Output::SaveSyncState {
                doc_id,
                storage_id,
                bytes,
            } => {
                let _ = self.sync_states.send(SyncStateOp::Save {
                    doc_id,
                    storage_id,
                    bytes,
                });
            }
            Output::LoadHeads {
                conn,
                identity,
                doc_ids,
            } => {
                round.busy = true;
                let access = self.engine_access.clone();
                storage::load_heads(&self.store, &access, conn, identity, doc_ids, &self.results);
            }
            Output::Persist { ticket, items } => {
                round.busy = true;
                if self.commits.send(Batch { ticket, items }).is_err() {
                    self.engine.persist_failed(ticket);
                }
            }
            Output::Rejected {
                conn,
                doc_id,
                reason,
            } => {
                round.busy = true;
                let code = reasons::code(&reason);
                self.metrics.rejected(code);
                let device_id = self.conns.get(&conn).map(|c| c.device_id.clone());
                tracing::info!(conn = conn.0, device.id = ?device_id, reason = code, "refused input");
                let frame = match &self.current {
                    Some((current, bytes)) if *current == conn => Some(bytes.clone()),
                    _ => None,
                };
                if reasons::quarantines(&reason)
                    && let (Some(bytes), Some(device_id)) = (frame, device_id)
                {
                    storage::quarantine(&self.store, code, device_id, doc_id, bytes);
                }
            }
            Output::DocEvicted { .. } => {}
        }
    }

    /// Hands a load to the loader threads; if they are gone (they only end with the hub), the
    /// engine hears of a failed load rather than waiting for it.
    fn load(&mut self, op: LoadOp) {
        if let Err(mpsc::error::SendError(op)) = self.loads.send(op) {
            let result = match op {
                LoadOp::Doc(doc_id) => StorageResult::DocLoaded {
                    doc_id,
                    result: Err(()),
                },
                LoadOp::Heads(doc_id) => StorageResult::DocHeadsLoaded { doc_id, row: None },
            };
            let _ = self.results.send(result);
        }
    }

    /// Queues a frame for `conn`; a peer whose queue is over budget is not reading and is
    /// dropped at once, so the server's memory stays bounded.
    fn send(&mut self, conn: ConnId, bytes: Vec<u8>) {
        let Some(entry) = self.conns.get_mut(&conn) else {
            return;
        };
        if let Some(since) = entry.waiting_since.take() {
            self.metrics.observe_sync_latency(since.elapsed());
        }
        if self.batch_answer == Some(conn) && reasons::is_all_in_sync(&bytes) {
            // The batched extension found every document in sync: converged in one round trip.
            self.metrics.device_converged(&entry.device_id);
        }
        if entry.outbox.push(bytes).is_err() {
            tracing::warn!(conn = conn.0, device.id = %entry.device_id, "peer is not reading; disconnecting");
            self.metrics.rejected("slow_consumer");
            if let Some(entry) = self.conns.remove(&conn) {
                entry.outbox.kill();
            }
            self.engine.disconnect(conn);
        }
    }
}
