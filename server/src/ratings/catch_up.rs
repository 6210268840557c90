//! Documents whose projection is missing or older than the stored document: what the projector
//! must (re)project when the server starts. A document stored without passing through the hub
//! (the demo seed, a restore, a crash between the durable commit and its projection) is
//! projected on the next start instead of waiting for `server admin rebuild-projections`.

use diesel::prelude::*;

use crate::db::{DbConnection, with_conn};

use super::RatingsError;

/// Ids of stored documents with no projection row or a projection of other heads (roster
/// documents have no row and are listed too; the projector skips them cheaply).
pub fn unprojected_documents(conn: &mut DbConnection) -> Result<Vec<String>, RatingsError> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        doc_id: String,
    }
    let rows: Vec<Row> = with_conn!(&mut *conn, |c| {
        diesel::sql_query(
            "SELECT d.doc_id FROM documents d \
             LEFT JOIN meeting_facts f ON f.doc_id = d.doc_id \
             WHERE f.doc_id IS NULL OR f.heads <> d.heads \
             ORDER BY d.doc_id",
        )
        .load(c)?
    });
    Ok(rows.into_iter().map(|r| r.doc_id).collect())
}
