//! [`ChangeGuard`]: a check of received changes against the document they change, run by the
//! [`ServerEngine`](super::ServerEngine) after a peer's changes are applied in memory and
//! before they are persisted, relayed or acknowledged.
//!
//! A refused candidate never becomes durable and nobody ever sees it: the engine drops the
//! in-memory copy (it reloads from storage once the document's other pending commits are
//! done), answers the sender `doc-unavailable` for that document and reports an
//! [`Output::Rejected`](super::Output::Rejected) with
//! [`RejectReason::GuardRefused`](super::RejectReason::GuardRefused), so the server can
//! quarantine the frame.
//!
//! On the document's first changes the guard also says which organisation unit the document
//! belongs to; the engine stores it in [`DocMeta::cell`] and asks the access policy again with
//! it, so a device can only create documents it may write.

use super::access::{DocMeta, PeerIdentity};
use crate::doc_id::DocumentId;
use automerge::{Automerge, ChangeHash};

/// What the guard sees: the document with the candidate changes applied.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    /// The connection's authenticated identity.
    pub peer: &'a PeerIdentity,
    /// The document.
    pub doc_id: &'a DocumentId,
    /// What storage knows about it; `None` when these changes create it.
    pub meta: Option<&'a DocMeta>,
    /// The document with the candidate changes applied (in memory only).
    pub doc: &'a Automerge,
    /// The heads before the candidate changes (empty when they create the document); read the
    /// earlier state with `doc.get_at(.., before)`.
    pub before: &'a [ChangeHash],
}

/// Why a candidate was refused (a fixed, secret-free text for logs and metrics).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct GuardRefusal(pub &'static str);

/// Checks changes before they are accepted. Like [`AccessPolicy`](super::AccessPolicy) it is
/// asked synchronously and must not block.
pub trait ChangeGuard: Send + Sync {
    /// `Ok(cell)` accepts the candidate; on a document's first changes `cell` is stored as the
    /// document's [`DocMeta::cell`] (ignored afterwards). `Err` refuses it.
    fn check(&self, candidate: &Candidate<'_>) -> Result<Option<String>, GuardRefusal>;
}

/// Accepts every change and names no cell (the engine's default).
#[derive(Debug, Clone, Copy, Default)]
pub struct AcceptAll;

impl ChangeGuard for AcceptAll {
    fn check(&self, _candidate: &Candidate<'_>) -> Result<Option<String>, GuardRefusal> {
        Ok(None)
    }
}
