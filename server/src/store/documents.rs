//! Reading documents and the heads index.

use std::collections::HashMap;

use automerge::ChangeHash;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::StoreError;
use super::heads::decode_heads;
use super::types::{ChunkKind, DocIndexEntry, DocSummary, StoredDoc};
use crate::db::schema::{doc_chunks, documents};
use crate::db::{DbConnection, with_conn};

/// SQLite allows at most 32766 bound parameters; stay well below it per `IN (...)` list.
const IN_LIST_CHUNK: usize = 500;

/// Loads a document's chunks, heads and owner; `None` if it was never stored.
///
/// The index row is read before the chunks, so the chunks cover at least the returned heads
/// even when a commit lands in between.
#[tracing::instrument(skip(conn))]
pub fn load_document(
    conn: &mut DbConnection,
    doc_id: &str,
) -> Result<Option<StoredDoc>, StoreError> {
    let (row, chunks) = with_conn!(conn, |c| {
        let row: Option<(String, String)> = documents::table
            .find(doc_id)
            .select((documents::heads, documents::owner_device_id))
            .first(c)
            .optional()?;
        if row.is_none() {
            return Ok(None);
        }
        let chunks: Vec<(i64, String, Vec<u8>)> = doc_chunks::table
            .filter(doc_chunks::doc_id.eq(doc_id))
            .order(doc_chunks::id.asc())
            .select((doc_chunks::id, doc_chunks::kind, doc_chunks::bytes))
            .load(c)?;
        (row, chunks)
    });
    let Some((heads, owner)) = row else {
        return Ok(None);
    };
    let heads = decode_heads(&heads).ok_or_else(|| corrupt(doc_id))?;
    let (chunk_ids, chunks) = load_order(chunks).into_iter().unzip();
    Ok(Some(StoredDoc {
        chunks,
        chunk_ids,
        heads,
        owner,
    }))
}

/// Puts the latest snapshot first and keeps every other chunk in insertion order.
fn load_order(mut chunks: Vec<(i64, String, Vec<u8>)>) -> Vec<(i64, Vec<u8>)> {
    let snapshot = ChunkKind::Snapshot.as_str();
    if let Some(latest) = chunks.iter().rposition(|(_, kind, _)| kind == snapshot) {
        let snap = chunks.remove(latest);
        chunks.insert(0, snap);
    }
    chunks
        .into_iter()
        .map(|(id, _, bytes)| (id, bytes))
        .collect()
}

/// Heads of each stored document among `doc_ids`, from the index (no chunk bytes are read).
/// Unknown ids are absent from the map.
pub fn heads_of(
    conn: &mut DbConnection,
    doc_ids: &[String],
) -> Result<HashMap<String, Vec<ChangeHash>>, StoreError> {
    Ok(doc_index(conn, doc_ids)?
        .into_iter()
        .map(|(id, entry)| (id, entry.heads))
        .collect())
}

/// Heads and owner of each stored document among `doc_ids` (no chunk bytes are read).
pub fn doc_index(
    conn: &mut DbConnection,
    doc_ids: &[String],
) -> Result<HashMap<String, DocIndexEntry>, StoreError> {
    let mut out = HashMap::with_capacity(doc_ids.len());
    for ids in doc_ids.chunks(IN_LIST_CHUNK) {
        let rows: Vec<(String, String, String)> = with_conn!(&mut *conn, |c| {
            documents::table
                .filter(documents::doc_id.eq_any(ids))
                .select((
                    documents::doc_id,
                    documents::heads,
                    documents::owner_device_id,
                ))
                .load(c)?
        });
        for (doc_id, heads, owner) in rows {
            let heads = decode_heads(&heads).ok_or_else(|| corrupt(&doc_id))?;
            out.insert(doc_id, DocIndexEntry { heads, owner });
        }
    }
    Ok(out)
}

/// Every document owned by `device_id`, with heads and size, ordered by id.
pub fn documents_owned_by(
    conn: &mut DbConnection,
    device_id: &str,
) -> Result<Vec<DocSummary>, StoreError> {
    let rows: Vec<(String, String, i64, NaiveDateTime)> = with_conn!(conn, |c| {
        documents::table
            .filter(documents::owner_device_id.eq(device_id))
            .order(documents::doc_id.asc())
            .select((
                documents::doc_id,
                documents::heads,
                documents::size_bytes,
                documents::updated_at,
            ))
            .load(c)?
    });
    rows.into_iter()
        .map(|(doc_id, heads, size_bytes, updated_at)| {
            let heads = decode_heads(&heads).ok_or_else(|| corrupt(&doc_id))?;
            Ok(DocSummary {
                doc_id,
                heads,
                size_bytes,
                updated_at,
            })
        })
        .collect()
}

fn corrupt(doc_id: &str) -> StoreError {
    StoreError::CorruptHeads {
        doc_id: doc_id.to_owned(),
    }
}
