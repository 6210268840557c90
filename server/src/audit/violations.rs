//! [`violations`]: values of a meeting written by someone without the right to write them.

use std::collections::{BTreeSet, HashMap};

use automerge::ChangeHash;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use sync_core::doc::{FieldOwner, MeetingRead, Writer};

use super::AuditError;
use crate::accounts::roles::roles_of_user_at;
use crate::db::schema::{actors, change_runs};
use crate::db::{DbConnection, with_conn};
use crate::org::access::{Access, decide};
use crate::org::units::ancestry_as_of;
use crate::store::change_runs::unpack_hashes;

/// Why a value does not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ViolationReason {
    /// A committee field written by a device whose user (or device without a user) had no
    /// committee rights over the cell when the change was received.
    NotCommittee,
    /// A cell field written by a device whose user could not write the cell's documents (e.g.
    /// a committee member), or by a device without a user that did not create the document.
    NotCell,
    /// The actor was never registered (the change did not arrive through this server).
    UnknownActor,
}

/// A value that is kept in the document but must not count.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Violation {
    /// Dotted field path (`superiorScore.awarded.c1`, `status`, `attendance.m1.status`).
    pub path: String,
    /// Whose field it is.
    pub owner: FieldOwner,
    /// The value as the record shows it.
    pub value: serde_json::Value,
    /// The writing actor (hex).
    pub actor: String,
    /// The change that wrote it (hex), when known.
    pub change: Option<String>,
    /// The device that first delivered the actor's changes.
    pub device_id: Option<String>,
    /// That device's user.
    pub user_id: Option<String>,
    /// Why it does not count.
    pub reason: ViolationReason,
}

/// Every value of the stored meeting `doc_id` (whose current content is `doc`) that does not
/// count, in document order. Committee fields (`superiorScore.*`, `returnReason`, `status`
/// when `tra_lai`/`da_xac_nhan`/`khoa`) count only when written by a user holding, when the
/// change was received, a role with `can_write_committee_fields` over the document's cell;
/// every other field only when written by a user who could then write the cell's documents
/// (or by the device without a user that created the document). Empty values claim nothing
/// and are never listed. The ratings projection must leave every listed path out.
pub fn violations(
    conn: &mut DbConnection,
    doc_id: &str,
    doc: &dyn MeetingRead,
) -> Result<Vec<Violation>, AuditError> {
    let cell_code = match crate::org::access::documents::cell_of(conn, doc_id)? {
        Some(code) => code,
        None => {
            doc.record()
                .map_err(|_| AuditError::NotAMeeting(doc_id.to_owned()))?
                .cell_id
        }
    };
    let tree = ancestry_as_of(conn, &cell_code, chrono::Utc::now().date_naive())?;
    let cell_unit = tree.by_code(&cell_code).map(|u| u.id.clone());
    let owner = crate::store::doc_index(conn, &[doc_id.to_owned()])?
        .remove(doc_id)
        .map(|e| e.owner);
    let authors = doc.change_authors();
    let registered = actors_of(conn, doc_id, &authors)?;
    // A verdict depends on the actor and on when the change arrived, not on the change itself:
    // the changes of one upload share their arrival time, so a document of hundreds of changes
    // asks for the writers' roles once per actor and upload, not once per change.
    let mut verdicts: HashMap<(String, Option<NaiveDateTime>), Verdict> = HashMap::new();
    let mut verdict_of = |conn: &mut DbConnection, actor: &str, change: Option<&ChangeHash>| {
        let at = registered.received_at(actor, change);
        let key = (actor.to_owned(), at);
        if let Some(v) = verdicts.get(&key) {
            return Ok::<_, AuditError>(v.clone());
        }
        let v = judge(
            conn,
            &registered,
            actor,
            at,
            cell_unit.as_deref(),
            &tree,
            owner.as_deref(),
        )?;
        verdicts.insert(key, v.clone());
        Ok(v)
    };
    // Every value was written by one of the document's changes. When each of their writers
    // (as of each change's arrival, and as first seen) may write the cell's fields, none of
    // the cell's fields can be listed: only the committee's are read, which leaves out the
    // texts, where nearly all of a meeting's operations are.
    let mut cell_writers_only = true;
    for w in &authors {
        for change in [w.change.as_ref(), None] {
            let rights = verdict_of(conn, &w.actor, change)?.rights;
            cell_writers_only &= rights.is_some_and(|r| r.cell);
        }
        if !cell_writers_only {
            break;
        }
    }
    let fields = match cell_writers_only {
        true => doc.committee_field_authors(),
        false => doc.field_authors(),
    };
    let mut out = Vec::new();
    for field in fields {
        for writer in &field.writers {
            let verdict = verdict_of(conn, &writer.actor, writer.change.as_ref())?;
            let reason = match (field.owner, &verdict.rights) {
                (_, None) => Some(ViolationReason::UnknownActor),
                (FieldOwner::Committee, Some(r)) if !r.committee => {
                    Some(ViolationReason::NotCommittee)
                }
                (FieldOwner::Cell, Some(r)) if !r.cell => Some(ViolationReason::NotCell),
                _ => None,
            };
            if let Some(reason) = reason {
                out.push(Violation {
                    path: field.path.clone(),
                    owner: field.owner,
                    value: field.value.clone(),
                    actor: writer.actor.clone(),
                    change: writer.change.map(|h| h.to_string()),
                    device_id: verdict.device_id.clone(),
                    user_id: verdict.user_id.clone(),
                    reason,
                });
                break;
            }
        }
    }
    Ok(out)
}

/// What a writer could write.
#[derive(Debug, Clone, Copy)]
struct Rights {
    cell: bool,
    committee: bool,
}

#[derive(Debug, Clone)]
struct Verdict {
    device_id: Option<String>,
    user_id: Option<String>,
    /// `None`: unknown actor.
    rights: Option<Rights>,
}

/// An actor's registration and when each of the document's changes was received.
struct Registered {
    actors: HashMap<String, (String, Option<String>, NaiveDateTime)>,
    arrivals: Arrivals,
}

/// When the document's changes reached the server.
enum Arrivals {
    /// Every change of each listed actor arrived at the one time given (the usual case: an
    /// actor's changes to a document come in one upload).
    PerActor(HashMap<String, NaiveDateTime>),
    /// Change by change, for documents where some actor's changes came at different times or
    /// are not all recorded.
    PerChange(HashMap<ChangeHash, NaiveDateTime>),
}

impl Registered {
    /// When `change` of `actor` reached the server: its own arrival time, else when the actor
    /// was first seen; `None` for an actor that was never registered.
    fn received_at(&self, actor: &str, change: Option<&ChangeHash>) -> Option<NaiveDateTime> {
        let (_, _, first_seen) = self.actors.get(actor)?;
        let arrived = change.and_then(|h| match &self.arrivals {
            Arrivals::PerActor(by_actor) => by_actor.get(actor),
            Arrivals::PerChange(by_change) => by_change.get(h),
        });
        Some(arrived.copied().unwrap_or(*first_seen))
    }
}

/// The registration of the document's actors and when its changes (`authors`, every change
/// of the document) arrived. Reads one row per actor and arrival time; only when an actor's
/// changes arrived at several times, or some of them have no record, one row per change.
fn actors_of(
    conn: &mut DbConnection,
    doc_id: &str,
    authors: &[Writer],
) -> Result<Registered, AuditError> {
    type ActorRow = (String, String, Option<String>, NaiveDateTime);
    let mut in_doc: HashMap<&str, i64> = HashMap::new();
    for w in authors {
        *in_doc.entry(w.actor.as_str()).or_default() += 1;
    }
    let (rows, arrivals): (Vec<ActorRow>, Arrivals) = with_conn!(conn, |c| {
        let groups: Vec<(String, NaiveDateTime, i32)> = change_runs::table
            .filter(change_runs::doc_id.eq(doc_id))
            .select((
                change_runs::actor_id,
                change_runs::received_at,
                change_runs::change_count,
            ))
            .load(c)?;
        // actor → (its changes' arrival times, how many changes)
        let mut by_actor: HashMap<String, (BTreeSet<NaiveDateTime>, i64)> = HashMap::new();
        for (actor, at, count) in groups {
            let e = by_actor.entry(actor).or_default();
            e.0.insert(at);
            e.1 += i64::from(count);
        }
        let whole = by_actor.iter().all(|(actor, (times, count))| {
            times.len() == 1 && in_doc.get(actor.as_str()) == Some(count)
        });
        let actor_ids: Vec<&String> = by_actor.keys().collect();
        let rows = actors::table
            .filter(actors::actor_id.eq_any(actor_ids))
            .select((
                actors::actor_id,
                actors::device_id,
                actors::user_id,
                actors::first_seen,
            ))
            .load(c)?;
        let arrivals = if whole {
            Arrivals::PerActor(
                by_actor
                    .into_iter()
                    .filter_map(|(a, (times, _))| Some((a, times.first().copied()?)))
                    .collect(),
            )
        } else {
            let received: Vec<(Vec<u8>, NaiveDateTime)> = change_runs::table
                .filter(change_runs::doc_id.eq(doc_id))
                .select((change_runs::hashes, change_runs::received_at))
                .load(c)?;
            Arrivals::PerChange(
                received
                    .iter()
                    .flat_map(|(hashes, at)| unpack_hashes(hashes).map(move |h| (h, *at)))
                    .collect(),
            )
        };
        (rows, arrivals)
    });
    Ok(Registered {
        actors: rows
            .into_iter()
            .map(|(a, d, u, t)| (a, (d, u, t)))
            .collect(),
        arrivals,
    })
}

/// What `actor` could write with the roles its user held at `at` (when its change arrived).
fn judge(
    conn: &mut DbConnection,
    registered: &Registered,
    actor: &str,
    at: Option<NaiveDateTime>,
    cell_unit: Option<&str>,
    tree: &crate::org::OrgTree,
    doc_owner: Option<&str>,
) -> Result<Verdict, AuditError> {
    let (Some((device_id, user_id, _)), Some(at)) = (registered.actors.get(actor), at) else {
        return Ok(Verdict {
            device_id: None,
            user_id: None,
            rights: None,
        });
    };
    let rights = match (user_id, cell_unit) {
        // The creator-only rule: the creating device writes like the cell, never the committee.
        (None, _) => Rights {
            cell: doc_owner == Some(device_id.as_str()),
            committee: false,
        },
        (Some(_), None) => Rights {
            cell: false,
            committee: false,
        },
        (Some(user), Some(unit)) => {
            let roles: Vec<_> = roles_of_user_at(conn, user, at)?
                .iter()
                .map(|h| h.grant())
                .collect();
            let decision = decide(&roles, unit, tree);
            Rights {
                cell: decision.access == Access::ReadWrite,
                committee: decision.can_write_committee_fields,
            }
        }
    };
    Ok(Verdict {
        device_id: Some(device_id.clone()),
        user_id: user_id.clone(),
        rights: Some(rights),
    })
}
