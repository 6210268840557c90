//! Who may read or write which document. The engine asks synchronously, so a policy must be
//! pure: everything it needs (the document's creator, later its organisation) arrives in
//! [`DocMeta`], which the server loads together with the document or its heads.

/// The authenticated identity of a connection (the device id from its credential), never the
/// `senderId` the peer claims.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PeerIdentity(pub String);

/// What the server knows about a stored document besides its content.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocMeta {
    /// The identity whose connection first delivered content for the document.
    pub created_by: Option<PeerIdentity>,
    /// The organisation unit (by code) the document belongs to, named by its first change and
    /// fixed from then on; `None` for documents outside the organisation rule (created by a
    /// device without a user) and for every document of a server without a [`ChangeGuard`](
    /// super::guard::ChangeGuard) that names cells.
    pub cell: Option<String>,
}

/// A policy's verdict for one (peer, document).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Sync both ways.
    ReadWrite,
    /// The peer receives changes; whatever it sends is ignored.
    ReadOnly,
    /// The peer gets `doc-unavailable`, byte for byte what a missing document gets.
    Denied,
}

/// Decides access per (peer identity, document). `meta` is `None` when the document does not
/// exist yet, i.e. when the question is whether the peer may create it.
pub trait AccessPolicy: Send + Sync {
    /// The verdict for `peer` on `doc`.
    fn access(
        &self,
        peer: &PeerIdentity,
        doc: &crate::doc_id::DocumentId,
        meta: Option<&DocMeta>,
    ) -> Access;
}

impl<F> AccessPolicy for F
where
    F: Fn(&PeerIdentity, &crate::doc_id::DocumentId, Option<&DocMeta>) -> Access + Send + Sync,
{
    fn access(
        &self,
        peer: &PeerIdentity,
        doc: &crate::doc_id::DocumentId,
        meta: Option<&DocMeta>,
    ) -> Access {
        self(peer, doc, meta)
    }
}

/// The interim rule: a device may create documents, and read and write only those it created.
#[derive(Debug, Clone, Copy, Default)]
pub struct CreatorOnly;

impl AccessPolicy for CreatorOnly {
    fn access(
        &self,
        peer: &PeerIdentity,
        _doc: &crate::doc_id::DocumentId,
        meta: Option<&DocMeta>,
    ) -> Access {
        match meta {
            None => Access::ReadWrite,
            Some(DocMeta {
                created_by: Some(creator),
                ..
            }) if creator == peer => Access::ReadWrite,
            Some(_) => Access::Denied,
        }
    }
}
