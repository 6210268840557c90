//! `server serve --demo`: a realistic, deterministic demo province, seeded on first start.
//!
//! Ninh Bình province with six committees under it (five wards and communes and the province
//! agencies' committee) and about 230 cells, with the minutes of 2026's meetings so far: regular
//! meetings every month and thematic ones each quarter, of varied quality (exemplary, typical,
//! weak and struggling cells; missed months; late starts, short meetings, unexcused absences;
//! self scores above the committee's). January–September are confirmed (Tam Điệp locked its
//! first quarter), October waits in the committees' queues with some minutes returned, November
//! is partly submitted. See [`generator`] and [`sheets`].
//!
//! Every meeting is written as it would be synced: the cell's part (minutes, self score,
//! submission) by the cell secretary's device and actor, the committee's part (superior score,
//! confirmation, return or lock) by the committee member's device and actor, each device
//! registered to its user, so the authorship rule finds nothing to flag. Document ids are
//! derived from (cell, month, type), so seeding twice finds them already there.
//!
//! The organisation tree, a committee member for the province and each committee, a secretary
//! for every cell, and the demo logins ([`DEMO_USERS`]) are created too. Each start also issues
//! a fresh token for the demo device `demo-secretary` (the device of `bithu.hoalu1`, secretary
//! of `du-hoa-lu-cb01`) and prints it so a newcomer can sync at once.

mod content;
mod generator;
mod names;
mod org;
mod province;
mod sheets;
mod thematic;

use std::collections::HashSet;

use anyhow::Context;
use diesel::Connection;

use crate::auth::DeviceToken;
use crate::db::DbConnection;
use crate::store::{self, ChangeMeta, DocWrite};

pub use generator::{
    DemoCell, DemoMeeting, DemoScale, demo_cells, demo_cells_at, demo_meetings, demo_meetings_at,
};
pub use org::{DEMO_USERS, DemoUser};
pub use province::Profile;

/// The demo device: `bithu.hoalu1`'s, which wrote `du-hoa-lu-cb01`'s minutes.
pub const DEMO_DEVICE_ID: &str = "demo-secretary";

/// Meetings per store transaction.
const MEETINGS_PER_BATCH: usize = 128;

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

/// Seeds the full demo province (idempotent) and rotates the demo device's token.
pub fn seed(conn: &mut DbConnection) -> anyhow::Result<DemoSummary> {
    seed_with(conn, DemoScale::Full)
}

/// Seeds the demo province at `scale` (idempotent) and rotates the demo device's token.
pub fn seed_with(conn: &mut DbConnection, scale: DemoScale) -> anyhow::Result<DemoSummary> {
    let token = DeviceToken::generate();
    store::devices::upsert_device_with_id(conn, DEMO_DEVICE_ID, "Demo secretary", &token.hash())
        .context("could not register the demo device")?;
    // One transaction: thousands of people and units, one durable commit instead of one each.
    conn.transaction(|conn| org::seed_org(conn, scale))
        .context("could not seed the demo organisation")?;

    let meetings = demo_meetings_at(scale).context("could not build the demo minutes")?;
    let secretary_of: std::collections::HashMap<String, String> = demo_cells_at(scale)
        .into_iter()
        .map(|c| (c.id, c.secretary))
        .collect();
    let ids: Vec<String> = meetings.iter().map(|m| m.doc_id.to_string()).collect();
    let existing = store::doc_index(conn, &ids)?;
    let mut written = 0;
    let mut todo: Vec<DemoMeeting> = meetings
        .into_iter()
        .filter(|m| !existing.contains_key(&m.doc_id.to_string()))
        .collect();
    for batch in todo.chunks_mut(MEETINGS_PER_BATCH) {
        // The cells' parts first, then the committees' (which build on them).
        let mut cell_writes = Vec::new();
        let mut committee_writes = Vec::new();
        for meeting in batch.iter_mut() {
            let secretary = secretary_of
                .get(&meeting.cell_id)
                .with_context(|| format!("no secretary for `{}`", meeting.cell_id))?;
            let (cell, committee) = writes_of(meeting, secretary)?;
            cell_writes.push(cell);
            committee_writes.extend(committee);
        }
        cell_writes.extend(committee_writes);
        store::commit_batch(conn, &cell_writes).context("could not store the demo minutes")?;
        written += batch.len();
    }
    Ok(DemoSummary {
        token,
        documents_written: written,
        documents_total: ids.len(),
    })
}

/// The store writes of one meeting: the cell's part delivered by its secretary's device and,
/// when the committee reviewed it, the committee's part delivered by the committee member's.
fn writes_of(
    meeting: &mut DemoMeeting,
    secretary: &str,
) -> anyhow::Result<(DocWrite, Option<DocWrite>)> {
    let inner = meeting.doc.inner_mut();
    let later: Vec<_> = inner.get_changes(&meeting.cell_heads);
    let later_hashes: HashSet<_> = later.iter().map(|c| c.hash()).collect();
    let cell_changes: Vec<ChangeMeta> = inner
        .get_changes(&[])
        .into_iter()
        .filter(|c| !later_hashes.contains(&c.hash()))
        .map(|c| ChangeMeta::of(&c))
        .collect();
    let committee_changes: Vec<ChangeMeta> = later.iter().map(ChangeMeta::of).collect();
    let doc_id = meeting.doc_id.to_string();
    let cell = DocWrite {
        doc_id: doc_id.clone(),
        change_bytes: std::mem::take(&mut meeting.cell_bytes),
        new_heads: meeting.cell_heads.clone(),
        changes: cell_changes,
        device_id: org::device_of(secretary),
        owner_if_new: None,
        cell_if_new: Some(meeting.cell_id.clone()),
    };
    if !meeting.reviewed {
        return Ok((cell, None));
    }
    let province = province::COMMITTEES
        .iter()
        .find(|c| c.code == meeting.committee_id)
        .with_context(|| format!("unknown committee `{}`", meeting.committee_id))?;
    let committee = DocWrite {
        doc_id,
        change_bytes: inner.save_after(&meeting.cell_heads),
        new_heads: inner.get_heads(),
        changes: committee_changes,
        device_id: org::device_of(&org::member_of(province.short)),
        owner_if_new: None,
        cell_if_new: None,
    };
    Ok((cell, Some(committee)))
}
