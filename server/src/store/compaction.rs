//! Crash-safe compaction: write the new snapshot, then delete the chunks it replaces.
//!
//! [`compact`] does both steps in one transaction. The steps are also public so that a crash
//! between them can be reproduced: after [`insert_snapshot`] alone the document still loads
//! (the snapshot comes first, the old chunks re-apply as duplicates), and [`delete_chunks`]
//! later finishes the job.

use automerge::ChangeHash;
use diesel::prelude::*;

use super::StoreError;
use super::heads::encode_heads;
use super::types::{ChunkKind, now};
use crate::db::schema::{doc_chunks, documents};
use crate::db::{DbConnection, with_conn, write_tx};

diesel::define_sql_function! {
    /// `length(blob)`: bytes in a blob (SQLite `length`, PostgreSQL `length(bytea)`).
    fn length(x: diesel::sql_types::Binary) -> diesel::sql_types::Integer;
}

/// What a compaction did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompactOutcome {
    /// Row id of the new snapshot chunk.
    pub snapshot_id: i64,
    /// Chunks deleted.
    pub deleted: usize,
    /// Stored bytes of the document afterwards.
    pub size_bytes: i64,
}

/// Replaces the chunks `replaces` (ids from [`StoredDoc::chunk_ids`](super::StoredDoc)) with
/// `snapshot` (an `Automerge::save()` of exactly those chunks) in one transaction.
///
/// Only the listed ids are deleted, so chunks committed after the compactor loaded the
/// document survive even if their ids are lower than ones it saw (PostgreSQL sequences do not
/// commit in order). `heads` (the snapshot's heads) replace the stored heads only when the
/// snapshot is then the document's only chunk.
#[tracing::instrument(skip(conn, snapshot, heads, replaces), fields(replaced = replaces.len()))]
pub fn compact(
    conn: &mut DbConnection,
    doc_id: &str,
    snapshot: &[u8],
    heads: &[ChangeHash],
    replaces: &[i64],
) -> Result<CompactOutcome, StoreError> {
    let heads_text = encode_heads(heads);
    write_tx!(conn, |c| {
        let snapshot_id = c.insert_snapshot_row(doc_id, snapshot)?;
        let deleted = c.delete_chunk_rows(doc_id, replaces, snapshot_id)?;
        let remaining: Vec<i32> = doc_chunks::table
            .filter(doc_chunks::doc_id.eq(doc_id))
            .select(length(doc_chunks::bytes))
            .load(c)?;
        let size_bytes: i64 = remaining.iter().map(|n| i64::from(*n)).sum();
        diesel::update(documents::table.find(doc_id))
            .set(documents::size_bytes.eq(size_bytes))
            .execute(c)?;
        if remaining.len() == 1 {
            diesel::update(documents::table.find(doc_id))
                .set(documents::heads.eq(&heads_text))
                .execute(c)?;
        }
        Ok::<_, StoreError>(CompactOutcome {
            snapshot_id,
            deleted,
            size_bytes,
        })
    })
}

/// Step one alone: appends `snapshot` as a snapshot chunk; returns its row id.
pub fn insert_snapshot(
    conn: &mut DbConnection,
    doc_id: &str,
    snapshot: &[u8],
) -> Result<i64, StoreError> {
    with_conn!(conn, |c| c.insert_snapshot_row(doc_id, snapshot))
}

/// Step two alone: deletes the chunks `ids` of `doc_id`, never `keep`; returns how many went.
pub fn delete_chunks(
    conn: &mut DbConnection,
    doc_id: &str,
    ids: &[i64],
    keep: i64,
) -> Result<usize, StoreError> {
    with_conn!(conn, |c| c.delete_chunk_rows(doc_id, ids, keep))
}

/// Document ids with more than `min_chunks` chunks, at most `limit` of them.
pub fn documents_needing_compaction(
    conn: &mut DbConnection,
    min_chunks: i64,
    limit: i64,
) -> Result<Vec<String>, StoreError> {
    let ids = with_conn!(conn, |c| {
        doc_chunks::table
            .group_by(doc_chunks::doc_id)
            .having(diesel::dsl::count_star().gt(min_chunks))
            .select(doc_chunks::doc_id)
            .limit(limit)
            .load::<String>(c)?
    });
    Ok(ids)
}

/// The two compaction steps, implemented for each concrete connection type.
trait ChunkRows {
    fn insert_snapshot_row(&mut self, doc_id: &str, snapshot: &[u8]) -> Result<i64, StoreError>;
    fn delete_chunk_rows(
        &mut self,
        doc_id: &str,
        ids: &[i64],
        keep: i64,
    ) -> Result<usize, StoreError>;
}

macro_rules! impl_chunk_rows {
    ($($conn:ty),*) => {$(
        impl ChunkRows for $conn {
            fn insert_snapshot_row(
                &mut self,
                doc_id: &str,
                snapshot: &[u8],
            ) -> Result<i64, StoreError> {
                Ok(diesel::insert_into(doc_chunks::table)
                    .values((
                        doc_chunks::doc_id.eq(doc_id),
                        doc_chunks::kind.eq(ChunkKind::Snapshot.as_str()),
                        doc_chunks::bytes.eq(snapshot),
                        doc_chunks::created_at.eq(now()),
                    ))
                    .returning(doc_chunks::id)
                    .get_result(self)?)
            }

            fn delete_chunk_rows(
                &mut self,
                doc_id: &str,
                ids: &[i64],
                keep: i64,
            ) -> Result<usize, StoreError> {
                let mut deleted = 0;
                // Bounded `IN` lists: SQLite caps bound parameters per statement.
                for batch in ids.chunks(500) {
                    deleted += diesel::delete(
                        doc_chunks::table
                            .filter(doc_chunks::doc_id.eq(doc_id))
                            .filter(doc_chunks::id.eq_any(batch))
                            .filter(doc_chunks::id.ne(keep)),
                    )
                    .execute(self)?;
                }
                Ok(deleted)
            }
        }
    )*};
}

impl_chunk_rows!(diesel::SqliteConnection, diesel::PgConnection);
