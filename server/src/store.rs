//! Durable storage of documents, sync states, the change audit log and quarantined input.
//!
//! A document is stored as its latest snapshot plus the change chunks appended after it
//! (`doc_chunks`), with a `documents` row holding the heads index, owner and size, so "what
//! does the server have" is answered without reading bytes.
//!
//! Every function in the submodules is blocking and takes `&mut DbConnection`; async code goes
//! through [`Store`], whose methods run them with [`run_blocking`](crate::db::run_blocking) and
//! record storage latency in [`Metrics`](crate::metrics::Metrics).

mod audit;
pub(crate) mod change_runs;
mod commit;
pub mod compaction;
pub mod compactor;
pub mod devices;
mod documents;
mod group_commit;
mod handle;
mod heads;
mod heads_cache;
mod quarantine;
mod sync_state;
mod types;

pub use audit::{ChangeRecord, changes_of};
pub use commit::commit_batch;
pub use documents::{doc_index, documents_owned_by, heads_of, load_document};
pub use group_commit::{GroupCommitError, GroupCommitter};
pub use handle::Store;
pub use heads::{decode_heads, encode_heads};
pub use heads_cache::{Group, HeadsCache};
pub use quarantine::{list_quarantine, quarantine};
pub use sync_state::{
    SyncStateRow, load_sync_state, load_sync_states, save_sync_state, save_sync_states,
};
pub use types::{
    ChangeMeta, ChunkKind, DocIndexEntry, DocSummary, DocWrite, QuarantineRecord, QuarantinedItem,
    StoredDoc,
};

use crate::db::DbError;

/// Errors of the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Pool checkout, blocking task or migration failure.
    #[error(transparent)]
    Db(#[from] DbError),
    /// A query failed.
    #[error("storage query failed")]
    Query(#[from] diesel::result::Error),
    /// A stored heads value could not be parsed.
    #[error("stored heads of document `{doc_id}` are corrupt")]
    CorruptHeads {
        /// The document whose heads column is unreadable.
        doc_id: String,
    },
    /// Stored chunks did not load as an Automerge document.
    #[error("stored chunks of document `{doc_id}` do not load")]
    Automerge {
        /// The document that failed to load.
        doc_id: String,
        /// Automerge's reason.
        #[source]
        source: Box<automerge::AutomergeError>,
    },
}
