//! A sans-IO engine speaking the automerge-repo v1 wire protocol.
//!
//! - [`message`] and [`codec`]: every v1 message as typed data and its CBOR form, as the JS
//!   library (cbor-x) writes it.
//! - [`server`]: [`ServerEngine`], the receiving side of many connections and documents. The
//!   server process feeds it frames and storage results and carries out its [`Output`]s.
//! - [`client`]: [`ClientEngine`], the initiating side, for Rust devices, the test fleet and
//!   benchmarks.
//! - [`access`]: the hook that decides what a peer may read or write.
//! - [`guard`]: the hook that checks received changes against the document before they are
//!   persisted or shown to anyone.
//!
//! Nothing here opens a socket, spawns a task, reads a clock or draws a random number.
#![warn(missing_docs)]

pub mod access;
pub mod client;
pub mod codec;
pub mod guard;
pub mod message;
pub mod server;

pub use access::{Access, AccessPolicy, CreatorOnly, DocMeta, PeerIdentity};
pub use client::{ClientEngine, ClientError, ClientEvent};
pub use codec::{CodecError, decode, encode};
pub use guard::{AcceptAll, Candidate, ChangeGuard, GuardRefusal};
pub use message::{
    BatchHeads, DocHeads, DocMessage, Message, PROTOCOL_V1, PeerMetadata, heads_digest,
};
pub use server::{
    ChangeMeta, ConnId, LoadedDoc, Output, PersistItem, RejectReason, ServerConfig, ServerEngine,
    StoredHeads, Ticket,
};
