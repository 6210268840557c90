//! [`history`]: every change of a document with who delivered it and what it changed;
//! [`record_at`]: the meeting as it was at earlier heads.

use std::collections::HashMap;
use std::str::FromStr;

use automerge::{Automerge, ChangeHash, Patch, PatchAction, Prop, ReadDoc};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use sync_core::doc::MeetingDoc;
use sync_core::record::MeetingRecord;

use super::AuditError;
use crate::db::schema::actors;
use crate::db::{DbConnection, with_conn};

/// Most patch lines listed per change (the rest are counted).
const MAX_SUMMARY: usize = 50;

/// One change of a document.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    /// Change hash, hex.
    pub hash: String,
    /// Actor, hex.
    pub actor: String,
    /// The actor's sequence number.
    pub seq: u64,
    /// Parent changes, hex.
    pub deps: Vec<String>,
    /// The time the author's device put on the change (seconds since the epoch; 0 if none).
    pub time: i64,
    /// The device that delivered it to this server (`None` if it was never recorded).
    pub device_id: Option<String>,
    /// The user of the device that first delivered the actor.
    pub user_id: Option<String>,
    /// When the server accepted it (UTC).
    pub received_at: Option<NaiveDateTime>,
    /// What it changed, from the automerge diff between its parents and itself.
    pub summary: ChangeSummary,
}

/// What one change did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeSummary {
    /// Lines such as `put superiorScore.awarded.c1 = 9.0`, `splice resolution[0] "Dự thảo "`.
    pub edits: Vec<String>,
    /// Edits beyond those listed.
    pub more: usize,
}

/// Loads the stored document `doc_id` (`None` if it does not exist).
pub fn load_doc(conn: &mut DbConnection, doc_id: &str) -> Result<Option<Automerge>, AuditError> {
    let Some(stored) = crate::store::load_document(conn, doc_id)? else {
        return Ok(None);
    };
    Automerge::load(&stored.concat())
        .map(Some)
        .map_err(|_| AuditError::NotAMeeting(doc_id.to_owned()))
}

/// Every change of `doc` (stored as `doc_id`) in causal order, with who delivered it, when,
/// and what it changed.
pub fn history(
    conn: &mut DbConnection,
    doc_id: &str,
    doc: &Automerge,
) -> Result<Vec<HistoryEntry>, AuditError> {
    let recorded: HashMap<String, crate::store::ChangeRecord> =
        crate::store::changes_of(conn, doc_id)?
            .into_iter()
            .map(|r| (r.hash.clone(), r))
            .collect();
    let actor_ids: Vec<String> = recorded.values().map(|r| r.actor.clone()).collect();
    let users: HashMap<String, Option<String>> = with_conn!(conn, |c| {
        actors::table
            .filter(actors::actor_id.eq_any(&actor_ids))
            .select((actors::actor_id, actors::user_id))
            .load::<(String, Option<String>)>(c)?
    })
    .into_iter()
    .collect();
    Ok(doc
        .get_changes(&[])
        .into_iter()
        .map(|change| {
            let hash = change.hash();
            let actor = change.actor_id().to_hex_string();
            let record = recorded.get(&hash.to_string());
            let deps: Vec<ChangeHash> = change.deps().to_vec();
            HistoryEntry {
                hash: hash.to_string(),
                seq: change.seq(),
                deps: deps.iter().map(ToString::to_string).collect(),
                time: change.timestamp(),
                device_id: record.map(|r| r.device_id.clone()),
                user_id: users.get(&actor).cloned().flatten(),
                received_at: record.map(|r| r.received_at),
                summary: summarise(&doc.diff(&deps, &[hash])),
                actor,
            }
        })
        .collect())
}

/// The meeting as it was at `heads` (hex hashes). Unknown heads are an error.
pub fn record_at(doc: &Automerge, heads: &[String]) -> Result<MeetingRecord, AuditError> {
    let mut parsed = Vec::with_capacity(heads.len());
    for h in heads {
        let hash =
            ChangeHash::from_str(h.trim()).map_err(|_| AuditError::UnknownHeads(h.clone()))?;
        if doc.get_change_by_hash(&hash).is_none() {
            return Err(AuditError::UnknownHeads(h.clone()));
        }
        parsed.push(hash);
    }
    let past = doc
        .fork_at(&parsed)
        .map_err(|_| AuditError::UnknownHeads(heads.join(",")))?;
    let bytes = past.save();
    let meeting = MeetingDoc::load(&bytes).map_err(|_| AuditError::NotAMeeting(heads.join(",")))?;
    meeting
        .record()
        .map_err(|_| AuditError::NotAMeeting(heads.join(",")))
}

fn summarise(patches: &[Patch]) -> ChangeSummary {
    let edits: Vec<String> = patches.iter().map(line).collect();
    let more = edits.len().saturating_sub(MAX_SUMMARY);
    ChangeSummary {
        edits: edits.into_iter().take(MAX_SUMMARY).collect(),
        more,
    }
}

fn line(patch: &Patch) -> String {
    let mut path = String::new();
    for (_, prop) in &patch.path {
        push_prop(&mut path, prop);
    }
    let at = |p: &mut String, prop: Prop| {
        push_prop(p, &prop);
        std::mem::take(p)
    };
    match &patch.action {
        PatchAction::PutMap { key, value, .. } => {
            format!(
                "put {} = {}",
                at(&mut path, Prop::Map(key.clone())),
                show(&value.0)
            )
        }
        PatchAction::PutSeq { index, value, .. } => {
            format!(
                "put {} = {}",
                at(&mut path, Prop::Seq(*index)),
                show(&value.0)
            )
        }
        PatchAction::Insert { index, values } => {
            format!(
                "insert {} ({} items)",
                at(&mut path, Prop::Seq(*index)),
                values.len()
            )
        }
        PatchAction::SpliceText { index, value, .. } => {
            format!(
                "splice {} {:?}",
                at(&mut path, Prop::Seq(*index)),
                value.make_string()
            )
        }
        PatchAction::Increment { prop, value } => {
            format!("increment {} by {value}", at(&mut path, prop.clone()))
        }
        PatchAction::Conflict { prop } => format!("conflict {}", at(&mut path, prop.clone())),
        PatchAction::DeleteMap { key } => {
            format!("delete {}", at(&mut path, Prop::Map(key.clone())))
        }
        PatchAction::DeleteSeq { index, length } => {
            format!(
                "delete {} ({length} items)",
                at(&mut path, Prop::Seq(*index))
            )
        }
        PatchAction::Mark { marks } => format!("mark {path} ({} marks)", marks.len()),
    }
}

fn push_prop(path: &mut String, prop: &Prop) {
    match prop {
        Prop::Map(k) if path.is_empty() => path.push_str(k),
        Prop::Map(k) => {
            path.push('.');
            path.push_str(k);
        }
        Prop::Seq(i) => path.push_str(&format!("[{i}]")),
    }
}

fn show(value: &automerge::Value<'_>) -> String {
    match value {
        automerge::Value::Object(kind) => format!("{kind:?}").to_lowercase(),
        automerge::Value::Scalar(s) => s.to_string(),
    }
}
