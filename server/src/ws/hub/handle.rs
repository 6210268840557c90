//! The hub's end for connections: the [`Command`]s a socket sends and the cloneable
//! [`HubHandle`] that sends them, with the shared inbound budget and connection numbers.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use sync_core::sync::ConnId;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, oneshot};

use crate::org::access::LiveAccess;
use crate::ws::config::HubConfig;
use crate::ws::outbox::{InHub, Outbox};

/// A request from a connection (or from shutdown) to the hub.
pub(in crate::ws) enum Command {
    /// A socket was authenticated and upgraded.
    Connect {
        conn: ConnId,
        device_id: String,
        outbox: Outbox,
    },
    /// A frame arrived; `permit` holds its bytes against the hub's inbound budget
    /// until the engine has taken it; `in_hub` (a socket's) counts it against the
    /// connection's unanswered messages until the hub has carried out what it caused.
    Frame {
        conn: ConnId,
        bytes: Vec<u8>,
        received: Instant,
        permit: OwnedSemaphorePermit,
        in_hub: Option<InHub>,
    },
    /// The socket ended.
    Disconnect { conn: ConnId },
    /// Stop: disconnect everyone, commit what is queued, then answer.
    Shutdown { done: oneshot::Sender<()> },
}

/// Cloneable access to the hub for the WebSocket handlers.
#[derive(Debug, Clone)]
pub struct HubHandle {
    pub(super) commands: mpsc::UnboundedSender<Command>,
    /// Bytes of received frames waiting for the hub, over all connections.
    pub(super) inbound: Arc<Semaphore>,
    pub(super) next_conn: Arc<AtomicU64>,
    pub(super) config: Arc<HubConfig>,
    pub(super) access: LiveAccess,
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Connect { conn, .. } => write!(f, "Connect({})", conn.0),
            Self::Frame { conn, bytes, .. } => {
                write!(f, "Frame({}, {} bytes)", conn.0, bytes.len())
            }
            Self::Disconnect { conn } => write!(f, "Disconnect({})", conn.0),
            Self::Shutdown { .. } => f.write_str("Shutdown"),
        }
    }
}

impl HubHandle {
    /// The hub's limits and timers.
    pub fn config(&self) -> &HubConfig {
        &self.config
    }

    /// The live access rule (tree, devices, roles) the engine decides with.
    pub fn access(&self) -> &LiveAccess {
        &self.access
    }

    /// The shared budget of received frames not yet taken by the hub.
    pub(in crate::ws) fn inbound(&self) -> &Arc<Semaphore> {
        &self.inbound
    }

    /// A fresh connection number.
    pub(in crate::ws) fn next_conn(&self) -> ConnId {
        ConnId(self.next_conn.fetch_add(1, Ordering::Relaxed))
    }

    /// Sends `command`; `false` if the hub has stopped.
    pub(in crate::ws) fn send(&self, command: Command) -> bool {
        self.commands.send(command).is_ok()
    }
}
