//! The cell each stored document belongs to (`documents.cell_id`), read for the access rule,
//! and the heads index rows the sync engine decides with, each read in one query per chunk.

use std::collections::HashMap;

use automerge::ChangeHash;
use diesel::prelude::*;

use crate::db::schema::document_cells as dc;
use crate::db::{DbConnection, with_conn};
use crate::store::{StoreError, decode_heads};

/// SQLite allows at most 32766 bound parameters; stay well below it per `IN (...)` list.
const IN_LIST_CHUNK: usize = 500;

/// A stored document as the sync engine decides on it: its heads index row and its cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellDocument {
    /// The document.
    pub doc_id: String,
    /// Its committed heads.
    pub heads: Vec<ChangeHash>,
    /// Its creator device.
    pub owner: String,
    /// Its cell (unit code), if any.
    pub cell: Option<String>,
}

/// The columns [`CellDocument`] is read from, and their values.
const COLUMNS: (dc::doc_id, dc::heads, dc::owner_device_id, dc::cell_id) =
    (dc::doc_id, dc::heads, dc::owner_device_id, dc::cell_id);
type Row = (String, String, String, Option<String>);

fn cell_document((doc_id, heads, owner, cell): Row) -> Result<CellDocument, StoreError> {
    let heads = decode_heads(&heads).ok_or_else(|| StoreError::CorruptHeads {
        doc_id: doc_id.clone(),
    })?;
    Ok(CellDocument {
        doc_id,
        heads,
        owner,
        cell,
    })
}

/// The cell of each stored document among `doc_ids` (absent: not stored; `None`: no cell).
pub fn cells_of(
    conn: &mut DbConnection,
    doc_ids: &[String],
) -> Result<HashMap<String, Option<String>>, StoreError> {
    let mut out = HashMap::with_capacity(doc_ids.len());
    for ids in doc_ids.chunks(IN_LIST_CHUNK) {
        let rows: Vec<(String, Option<String>)> = with_conn!(&mut *conn, |c| {
            dc::table
                .filter(dc::doc_id.eq_any(ids))
                .select((dc::doc_id, dc::cell_id))
                .load(c)?
        });
        out.extend(rows);
    }
    Ok(out)
}

/// The cell of one stored document (`None` if it has none or is not stored).
pub fn cell_of(conn: &mut DbConnection, doc_id: &str) -> Result<Option<String>, StoreError> {
    Ok(cells_of(conn, &[doc_id.to_owned()])?
        .remove(doc_id)
        .flatten())
}

/// Those of `doc_ids` that are stored, in no particular order.
pub fn documents_by_id(
    conn: &mut DbConnection,
    doc_ids: &[String],
) -> Result<Vec<CellDocument>, StoreError> {
    let mut out = Vec::with_capacity(doc_ids.len());
    for ids in doc_ids.chunks(IN_LIST_CHUNK) {
        let rows: Vec<Row> = with_conn!(&mut *conn, |c| {
            dc::table
                .filter(dc::doc_id.eq_any(ids))
                .select(COLUMNS)
                .load(c)?
        });
        for row in rows {
            out.push(cell_document(row)?);
        }
    }
    Ok(out)
}

/// Every stored document of the cells `cell_codes`, ordered by id.
pub fn documents_of_cells(
    conn: &mut DbConnection,
    cell_codes: &[String],
) -> Result<Vec<CellDocument>, StoreError> {
    let mut out = Vec::new();
    for codes in cell_codes.chunks(IN_LIST_CHUNK) {
        let rows: Vec<Row> = with_conn!(&mut *conn, |c| {
            dc::table
                .filter(dc::cell_id.eq_any(codes))
                .select(COLUMNS)
                .load(c)?
        });
        for row in rows {
            out.push(cell_document(row)?);
        }
    }
    out.sort_by(|a, b| a.doc_id.cmp(&b.doc_id));
    Ok(out)
}

/// Every stored document `device_id` created, ordered by id.
pub fn documents_created_by(
    conn: &mut DbConnection,
    device_id: &str,
) -> Result<Vec<CellDocument>, StoreError> {
    let rows: Vec<Row> = with_conn!(conn, |c| {
        dc::table
            .filter(dc::owner_device_id.eq(device_id))
            .order(dc::doc_id.asc())
            .select(COLUMNS)
            .load(c)?
    });
    rows.into_iter().map(cell_document).collect()
}
