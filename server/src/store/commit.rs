//! Group commit: many documents' new changes in one transaction.

use std::collections::HashMap;

use diesel::dsl::max;
use diesel::prelude::*;

use super::StoreError;
use super::change_runs::{runs_of, seq_column};
use super::heads::encode_heads;
use super::types::{ChunkKind, DocWrite, now};
use crate::db::schema::{
    actors, change_runs, device_credentials, doc_chunks, document_cells, documents,
};
use crate::db::{DbConnection, write_tx};

/// Audit runs per INSERT statement: 8 bound values each, far below SQLite's 32,766 and
/// PostgreSQL's 65,535 parameters per statement.
const RUN_ROWS_PER_INSERT: usize = 500;

/// Writes every [`DocWrite`] in ONE transaction: creates missing document rows (owner =
/// `owner_if_new`, else the delivering device), updates heads, size and time, appends the
/// change bytes as an incremental chunk and records each change with its device and actor.
///
/// The document's cell is recorded once (`cell_if_new`, only while it has none), and every
/// change's actor not seen before is registered to the delivering device and its user
/// (`actors`), in the same transaction as the change.
///
/// Either everything is durable when this returns `Ok`, or nothing was written. Re-delivered
/// changes are recorded once (the audit log keeps the first delivery): the log holds one row
/// per actor per delivery (see [`change_runs`](super::change_runs)).
///
/// Callers must serialise writes to the same document (the last write's heads win); writes to
/// different documents may run concurrently.
#[tracing::instrument(skip_all, fields(docs = writes.len()))]
pub fn commit_batch(conn: &mut DbConnection, writes: &[DocWrite]) -> Result<(), StoreError> {
    if writes.is_empty() {
        return Ok(());
    }
    let now = now();
    write_tx!(conn, |c| {
        for w in writes {
            let heads = encode_heads(&w.new_heads);
            let added = i64::try_from(w.change_bytes.len()).unwrap_or(i64::MAX);
            let owner = w.owner_if_new.as_deref().unwrap_or(&w.device_id);
            // Insert-if-absent then update: race-free on PostgreSQL (the conflict waits for
            // the other writer) and a single code path for new and existing documents.
            let created = diesel::insert_into(documents::table)
                .values((
                    documents::doc_id.eq(&w.doc_id),
                    documents::heads.eq(&heads),
                    documents::owner_device_id.eq(owner),
                    documents::created_by_device.eq(&w.device_id),
                    documents::size_bytes.eq(0_i64),
                    documents::updated_at.eq(now),
                ))
                .on_conflict_do_nothing()
                .execute(c)?;
            diesel::update(documents::table.find(&w.doc_id))
                .set((
                    documents::heads.eq(&heads),
                    documents::size_bytes.eq(documents::size_bytes + added),
                    documents::updated_at.eq(now),
                ))
                .execute(c)?;
            if let Some(cell) = &w.cell_if_new {
                diesel::update(
                    document_cells::table
                        .find(&w.doc_id)
                        .filter(document_cells::cell_id.is_null()),
                )
                .set(document_cells::cell_id.eq(cell))
                .execute(c)?;
            }
            if !w.change_bytes.is_empty() {
                diesel::insert_into(doc_chunks::table)
                    .values((
                        doc_chunks::doc_id.eq(&w.doc_id),
                        doc_chunks::kind.eq(ChunkKind::Incremental.as_str()),
                        doc_chunks::bytes.eq(&w.change_bytes),
                        doc_chunks::created_at.eq(now),
                    ))
                    .execute(c)?;
            }
            // The actors' last recorded seqs matter only for a document that existed: a
            // new one has none.
            let recorded: HashMap<String, u64> = if created == 0 && !w.changes.is_empty() {
                change_runs::table
                    .filter(change_runs::doc_id.eq(&w.doc_id))
                    .group_by(change_runs::actor_id)
                    .select((change_runs::actor_id, max(change_runs::seq_to)))
                    .load::<(String, Option<i64>)>(c)?
                    .into_iter()
                    .filter_map(|(actor, seq)| Some((actor, u64::try_from(seq?).ok()?)))
                    .collect()
            } else {
                HashMap::new()
            };
            let runs = runs_of(&w.changes, &recorded);
            for slice in runs.chunks(RUN_ROWS_PER_INSERT) {
                let rows: Vec<_> = slice
                    .iter()
                    .map(|run| {
                        (
                            change_runs::doc_id.eq(&w.doc_id),
                            change_runs::actor_id.eq(run.actor),
                            change_runs::device_id.eq(&w.device_id),
                            change_runs::received_at.eq(now),
                            change_runs::seq_from.eq(Some(seq_column(run.seq_from))),
                            change_runs::seq_to.eq(Some(seq_column(run.seq_to))),
                            change_runs::change_count
                                .eq(i32::try_from(run.len()).unwrap_or(i32::MAX)),
                            change_runs::hashes.eq(&run.hashes),
                        )
                    })
                    .collect();
                diesel::insert_into(change_runs::table)
                    .values(rows)
                    .execute(c)?;
            }
            if !w.changes.is_empty() {
                let user: Option<Option<String>> = device_credentials::table
                    .find(&w.device_id)
                    .select(device_credentials::user_id)
                    .first(c)
                    .optional()?;
                let user = user.flatten();
                let mut seen: Vec<&str> = Vec::new();
                for change in &w.changes {
                    if seen.contains(&change.actor.as_str()) {
                        continue;
                    }
                    seen.push(&change.actor);
                    diesel::insert_into(actors::table)
                        .values((
                            actors::actor_id.eq(&change.actor),
                            actors::device_id.eq(&w.device_id),
                            actors::user_id.eq(&user),
                            actors::first_seen.eq(now),
                        ))
                        .on_conflict_do_nothing()
                        .execute(c)?;
                }
            }
        }
        Ok::<(), StoreError>(())
    })
}
