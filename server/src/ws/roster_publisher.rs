//! The cells' roster documents, kept equal to the members on record.
//!
//! Who belongs to a cell is decided by the organisation (`server admin roster import`), and the
//! database holds it. Phones need it offline, to prefill a new meeting's roster, so the server
//! mirrors each cell's members into that cell's [`RosterDoc`] (id and first change derived from
//! the cell code) and the field app syncs the document like any other. The publisher writes
//! through the hub as its own device ([`ROSTER_DEVICE_ID`], without a user: the creator-only
//! rule lets it write the rosters it created, and the cell's users read them by the cell
//! recorded from the first change), so the durable commit, the access rule and the push to
//! connected phones are the same as for a phone's edit.
//!
//! A round lists every cell in force today with its members (one query), and visits only the
//! cells whose members differ from what this process last published; the first round after
//! start visits every cell, reading its stored roster and editing only those that differ.

use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::Duration;

use futures::StreamExt;
use sync_core::doc::{RosterDoc, RosterMember};
use sync_core::record::MemberCategory;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::hub::HubHandle;
use super::local_peer::{LocalEditError, edit_as};
use crate::db::{DbConnection, run_blocking};
use crate::org::people::PartyStatus;
use crate::store::Store;

/// The device the server writes roster documents as.
pub const ROSTER_DEVICE_ID: &str = "server-rosters";

/// How long one cell's edit may take through the hub.
const EDIT_TIMEOUT: Duration = Duration::from_secs(30);

/// Cells edited at once (their commits share the hub's group commit).
const CONCURRENCY: usize = 8;

/// Members by member code, for each cell code.
pub type Rosters = BTreeMap<String, BTreeMap<String, RosterMember>>;

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RoundReport {
    /// Cells whose roster was visited (changed since the last round, or never published).
    pub visited: usize,
    /// Cells whose document changed (created or edited).
    pub changed: usize,
    /// Cells that could not be written (retried next round).
    pub failed: usize,
}

/// The publisher's memory: the digest of each cell's members as last published.
#[derive(Debug, Default)]
pub struct RosterPublisher {
    published: HashMap<String, u64>,
}

impl RosterPublisher {
    /// One round: reads every cell's members today and writes the rosters that differ.
    #[tracing::instrument(name = "roster round", skip_all)]
    pub async fn round(&mut self, hub: &HubHandle, store: &Store) -> anyhow::Result<RoundReport> {
        let rosters = run_blocking(store.pool(), |conn| {
            ensure_device(conn)?;
            rosters_today(conn)
        })
        .await?;
        hub.access().note_device_without_user(ROSTER_DEVICE_ID);
        let due: Vec<(String, BTreeMap<String, RosterMember>, u64)> = rosters
            .into_iter()
            .map(|(cell, members)| {
                let digest = digest(&members);
                (cell, members, digest)
            })
            .filter(|(cell, _, digest)| self.published.get(cell) != Some(digest))
            .collect();
        let mut report = RoundReport {
            visited: due.len(),
            ..RoundReport::default()
        };
        let results: Vec<_> = futures::stream::iter(due)
            .map(|(cell, members, digest)| async move {
                let result = publish(hub, store, &cell, &members).await;
                (cell, digest, result)
            })
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        for (cell, digest, result) in results {
            match result {
                Ok(changed) => {
                    report.changed += usize::from(changed);
                    self.published.insert(cell, digest);
                }
                Err(e) => {
                    report.failed += 1;
                    tracing::warn!(cell = %cell, error = %e, "could not publish the cell's roster");
                }
            }
        }
        if report.changed > 0 || report.failed > 0 {
            tracing::info!(?report, "roster documents published");
        }
        Ok(report)
    }
}

/// Runs a round now and then every `every`, until `stop` turns true.
pub fn spawn(
    hub: HubHandle,
    store: Store,
    every: Duration,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut publisher = RosterPublisher::default();
        loop {
            // Stopping mid-round is safe: an edit not yet committed is simply not made.
            tokio::select! {
                result = publisher.round(&hub, &store) => {
                    if let Err(e) = result {
                        tracing::warn!(error = %e, "roster round failed");
                    }
                }
                _ = stop.changed() => return,
            }
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = stop.changed() => return,
            }
            if *stop.borrow() {
                return;
            }
        }
    })
}

/// Makes the cell's roster document hold exactly `members`; true if it changed. A stored roster
/// that already holds them is only read (after a restart, most are), not edited through the hub.
async fn publish(
    hub: &HubHandle,
    store: &Store,
    cell: &str,
    members: &BTreeMap<String, RosterMember>,
) -> anyhow::Result<bool> {
    let (doc_id, genesis) = RosterDoc::genesis(cell)?;
    if let Some(stored) = store.load_document(&doc_id.to_string()).await? {
        let record = RosterDoc::load(&stored.concat()).and_then(|doc| doc.record());
        if record.is_ok_and(|r| r.ops_towards(members).is_empty()) {
            return Ok(false);
        }
    }
    let mut changed = false;
    let edit = |doc: &mut RosterDoc| -> Result<(), anyhow::Error> {
        let before = doc.heads();
        for op in doc.record()?.ops_towards(members) {
            doc.apply(&op)?;
        }
        changed = doc.heads() != before;
        Ok(())
    };
    match edit_as(
        hub,
        ROSTER_DEVICE_ID,
        doc_id,
        Some(&genesis),
        EDIT_TIMEOUT,
        edit,
    )
    .await
    {
        Ok(()) => Ok(changed),
        Err(LocalEditError::Unavailable) => Err(anyhow::anyhow!(
            "the hub does not let the server write this roster (made by another device?)"
        )),
        Err(e) => Err(anyhow::anyhow!(e.to_string())),
    }
}

/// Every cell in force today (none left out, so an emptied cell's roster empties too) with
/// its members in force today.
fn rosters_today(conn: &mut DbConnection) -> anyhow::Result<Rosters> {
    let today = chrono::Utc::now().date_naive();
    let tree = crate::org::units::tree_as_of(conn, today)?;
    let mut rosters: Rosters = tree
        .walk()
        .into_iter()
        .filter(|u| u.kind.is_cell())
        .map(|u| (u.code.clone(), BTreeMap::new()))
        .collect();
    for member in crate::org::people::all_members(conn, today)? {
        let Some(roster) = rosters.get_mut(&member.unit_code) else {
            continue;
        };
        let name = &member.person.name;
        let part = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        roster.insert(
            member.person.member_code.clone(),
            RosterMember {
                full_name: name.full(),
                category: match member.person.status {
                    PartyStatus::ChinhThuc => MemberCategory::ChinhThuc,
                    PartyStatus::DuBi => MemberCategory::DuBi,
                },
                ho: part(&name.ho),
                ten_dem: part(&name.ten_dem),
                ten: part(&name.ten),
            },
        );
    }
    Ok(rosters)
}

/// Registers the publisher's device (with a token nobody holds) if it is not there.
fn ensure_device(conn: &mut DbConnection) -> anyhow::Result<()> {
    let active = crate::accounts::credentials::credential_by_id(conn, ROSTER_DEVICE_ID)?
        .is_some_and(|c| c.device.is_active());
    if !active {
        let token = crate::auth::DeviceToken::generate();
        crate::store::devices::upsert_device_with_id(
            conn,
            ROSTER_DEVICE_ID,
            "Server: cell rosters",
            &token.hash(),
        )?;
    }
    Ok(())
}

fn digest(members: &BTreeMap<String, RosterMember>) -> u64 {
    let mut h = DefaultHasher::new();
    for (id, m) in members {
        (id, &m.full_name, m.category, &m.ho, &m.ten_dem, &m.ten).hash(&mut h);
    }
    h.finish()
}
