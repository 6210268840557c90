//! `server serve --demo`: a realistic, deterministic demo data set, seeded on first start.
//!
//! Two commune party committees with six cells each and the minutes of 2026's meetings so far,
//! of varied quality (good, ordinary and struggling cells; a missed month; late starts, short
//! meetings, unexcused absences), built with sync-core's typed operations exactly as a device
//! would build them, and stored through the same store as synced documents. Document ids of
//! regular meetings are derived from (cell, month), so seeding twice finds them already there.
//!
//! The organisation tree (province → two commune committees → twelve cells) and three demo logins
//! ([`DEMO_USERS`]) are created too. Each start also issues a fresh token for the demo device `demo-secretary`, which owns the demo
//! documents, and prints it so a newcomer can sync at once.

mod content;
mod generator;
mod names;
mod org;

use anyhow::Context;

use crate::auth::DeviceToken;
use crate::db::DbConnection;
use crate::store::{self, ChangeMeta, DocWrite};

pub use generator::{DemoCell, DemoMeeting, demo_cells, demo_meetings};
pub use org::{DEMO_USERS, DemoUser};

/// The demo device that owns the demo documents.
pub const DEMO_DEVICE_ID: &str = "demo-secretary";

/// What seeding did.
#[derive(Debug)]
pub struct DemoSummary {
    /// A token of the demo device, valid until the next `--demo` start.
    pub token: DeviceToken,
    /// Documents written now (0 when the data set was already there).
    pub documents_written: usize,
    /// Documents of the data set in all.
    pub documents_total: usize,
}

/// Seeds the demo data set (idempotent) and rotates the demo device's token.
pub fn seed(conn: &mut DbConnection) -> anyhow::Result<DemoSummary> {
    let token = DeviceToken::generate();
    store::devices::upsert_device_with_id(conn, DEMO_DEVICE_ID, "Demo secretary", &token.hash())
        .context("could not register the demo device")?;

    org::seed_org(conn).context("could not seed the demo organisation")?;
    let meetings = demo_meetings().context("could not build the demo minutes")?;
    let ids: Vec<String> = meetings.iter().map(|m| m.doc_id.to_string()).collect();
    let existing = store::doc_index(conn, &ids)?;
    let mut writes = Vec::new();
    for mut meeting in meetings
        .into_iter()
        .filter(|m| !existing.contains_key(&m.doc_id.to_string()))
    {
        let inner = meeting.doc.inner_mut();
        let changes = inner
            .get_changes(&[])
            .iter()
            .map(|c| ChangeMeta {
                hash: c.hash(),
                actor: c.actor_id().to_hex_string(),
            })
            .collect();
        writes.push(DocWrite {
            doc_id: meeting.doc_id.to_string(),
            change_bytes: meeting.doc.save(),
            new_heads: meeting.doc.heads(),
            changes,
            device_id: DEMO_DEVICE_ID.to_owned(),
            owner_if_new: None,
            cell_if_new: meeting.doc.record().ok().map(|r| r.cell_id),
        });
    }
    for batch in writes.chunks(64) {
        store::commit_batch(conn, batch).context("could not store the demo minutes")?;
    }
    Ok(DemoSummary {
        token,
        documents_written: writes.len(),
        documents_total: ids.len(),
    })
}
