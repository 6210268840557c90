//! [`edit_as`]: an in-process sync peer, so the server can edit a stored document (a meeting, a
//! cell's roster) as a device, through the hub, exactly as a phone does. The edit arrives as a sync message on a
//! connection whose identity is the device, so the engine's access rule, the [`CellGuard`]
//! (`super::guard`), the actor registration, the durable commit, the ratings projector and
//! the push to every connected phone all happen on the same path as a synced change.

use std::time::{Duration, Instant};

use automerge::{ActorId, AutoCommit, Automerge};
use sync_core::doc::{DocError, MeetingDoc, RosterDoc};
use sync_core::doc_id::DocumentId;
use sync_core::sync::{ClientEngine, ClientEvent, ConnId};

use super::hub::{Command, HubHandle};
use super::outbox::{Inbox, Outbound, outbox};

/// Why an edit through the hub did not happen.
#[derive(Debug, thiserror::Error)]
pub enum LocalEditError<E: std::fmt::Display> {
    /// The hub does not have the document or will not share it with the device.
    #[error("the document is not available to this device")]
    Unavailable,
    /// The edit itself refused (bad input, wrong state); nothing was sent.
    #[error("{0}")]
    Refused(E),
    /// The stored document is not of the kind edited (not a meeting, say).
    #[error("the document is not of the kind edited: {0}")]
    WrongKind(String),
    /// The hub stopped, closed the connection or did not answer in time.
    #[error("the sync hub did not complete the edit: {0}")]
    Hub(String),
}

/// A document kind the server edits through [`edit_as`].
pub trait LocalDoc: Sized {
    /// Wraps a document fetched from the hub, checking it is of this kind.
    fn wrap(doc: AutoCommit) -> Result<Self, DocError>;
    /// The Automerge document.
    fn automerge(&mut self) -> &mut AutoCommit;
}

impl LocalDoc for MeetingDoc {
    fn wrap(doc: AutoCommit) -> Result<Self, DocError> {
        MeetingDoc::from_automerge(doc)
    }
    fn automerge(&mut self) -> &mut AutoCommit {
        self.inner_mut()
    }
}

impl LocalDoc for RosterDoc {
    fn wrap(doc: AutoCommit) -> Result<Self, DocError> {
        RosterDoc::from_automerge(doc)
    }
    fn automerge(&mut self) -> &mut AutoCommit {
        self.inner_mut()
    }
}

/// Fetches `doc_id` through the hub as `device_id`, applies `edit` to it with a fresh actor and
/// pushes the resulting change; returns once the server holds it durably (the client is in
/// sync). With a `genesis` (a deterministic first change, as [`RosterDoc::genesis`] makes), the
/// peer starts from it, so the hub creates the document if it has none. `edit` returning `Err`
/// sends nothing; an edit that changes nothing sends nothing either. A change the engine
/// refuses (no write access, guard refusal) never reaches the in-sync state and ends as
/// [`LocalEditError::Hub`].
pub async fn edit_as<D, F, E>(
    hub: &HubHandle,
    device_id: &str,
    doc_id: DocumentId,
    genesis: Option<&[u8]>,
    timeout: Duration,
    edit: F,
) -> Result<(), LocalEditError<E>>
where
    D: LocalDoc,
    F: FnOnce(&mut D) -> Result<(), E>,
    E: std::fmt::Display,
{
    let deadline = Instant::now() + timeout;
    let mut peer = Peer::connect(hub, device_id)?;
    let mut client = ClientEngine::new(format!("server-edit-{}", peer.conn.0), None);
    match genesis {
        Some(bytes) => {
            let doc =
                Automerge::load(bytes).map_err(|e| LocalEditError::WrongKind(e.to_string()))?;
            client.insert_doc(doc_id, doc);
        }
        None => client.want(doc_id),
    }
    client.connect();
    peer.pump(&mut client, doc_id, deadline).await?;

    let bytes = client
        .doc(&doc_id)
        .map(|d| d.save())
        .ok_or(LocalEditError::Unavailable)?;
    let loaded = AutoCommit::load(&bytes).map_err(|e| LocalEditError::WrongKind(e.to_string()))?;
    let mut doc = D::wrap(loaded).map_err(|e| LocalEditError::WrongKind(e.to_string()))?;
    doc.automerge().set_actor(ActorId::random());
    let before = doc.automerge().get_heads();
    edit(&mut doc).map_err(LocalEditError::Refused)?;
    let changes: Vec<automerge::Change> = doc.automerge().get_changes(&before);
    if changes.is_empty() {
        return Ok(());
    }
    let held = client.doc_mut(&doc_id).ok_or(LocalEditError::Unavailable)?;
    held.apply_changes(changes)
        .map_err(|e| LocalEditError::Hub(e.to_string()))?;
    client.local_change(doc_id);
    peer.pump(&mut client, doc_id, deadline).await
}

/// The server side of the in-process connection.
struct Peer {
    hub: HubHandle,
    conn: ConnId,
    inbox: Inbox,
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.hub.send(Command::Disconnect { conn: self.conn });
    }
}

impl Peer {
    fn connect<E: std::fmt::Display>(
        hub: &HubHandle,
        device_id: &str,
    ) -> Result<Self, LocalEditError<E>> {
        let conn = hub.next_conn();
        let (outbox, inbox) = outbox(hub.config().outbound_budget_bytes);
        if !hub.send(Command::Connect {
            conn,
            device_id: device_id.to_owned(),
            outbox,
        }) {
            return Err(LocalEditError::Hub("the hub has stopped".into()));
        }
        Ok(Self {
            hub: hub.clone(),
            conn,
            inbox,
        })
    }

    /// Exchanges frames until `doc_id` is in sync (or unavailable, or the deadline passes).
    async fn pump<E: std::fmt::Display>(
        &mut self,
        client: &mut ClientEngine,
        doc_id: DocumentId,
        deadline: Instant,
    ) -> Result<(), LocalEditError<E>> {
        loop {
            for frame in client.poll_frames() {
                self.send(frame).await?;
            }
            for event in client.poll_events() {
                match event {
                    ClientEvent::InSync(id) if id == doc_id => return Ok(()),
                    ClientEvent::Unavailable(id) if id == doc_id => {
                        return Err(LocalEditError::Unavailable);
                    }
                    ClientEvent::ServerError(e) => return Err(LocalEditError::Hub(e)),
                    _ => {}
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            let next = tokio::time::timeout(left, self.inbox.rx.recv()).await;
            match next {
                Err(_) => return Err(LocalEditError::Hub("timed out".into())),
                Ok(None) => return Err(LocalEditError::Hub("connection dropped".into())),
                Ok(Some(Outbound::Close(reason))) => {
                    return Err(LocalEditError::Hub(reason.to_owned()));
                }
                Ok(Some(Outbound::Frame(bytes))) => {
                    self.inbox.written(bytes.len());
                    client
                        .receive(&bytes)
                        .map_err(|e| LocalEditError::Hub(e.to_string()))?;
                }
            }
        }
    }

    async fn send<E: std::fmt::Display>(&self, bytes: Vec<u8>) -> Result<(), LocalEditError<E>> {
        let weight = bytes.len().min(self.hub.config().inbound_budget_bytes);
        let weight = u32::try_from(weight).unwrap_or(u32::MAX);
        let permit = self
            .hub
            .inbound()
            .clone()
            .acquire_many_owned(weight)
            .await
            .map_err(|_| LocalEditError::Hub("the hub has stopped".into()))?;
        if self.hub.send(Command::Frame {
            conn: self.conn,
            bytes,
            received: Instant::now(),
            permit,
            // It reads its own replies as they come; nothing to bound.
            in_hub: None,
        }) {
            Ok(())
        } else {
            Err(LocalEditError::Hub("the hub has stopped".into()))
        }
    }
}
