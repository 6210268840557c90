//! A cell's roster as its own document: members keyed by member id. Its id and first change are
//! derived from the cell id, like the regular meeting's, so devices that create it offline agree.

use super::apply::{map_at, remove_in, upsert_in};
use super::genesis::{genesis_actor, skeleton};
use super::schema::{ROSTER_DOC, ROSTER_MEMBER};
use super::write::{prepare_key, prepare_map};
use super::{
    Conflict, DocError, OpError, ROSTER_NAMESPACE, check_version, conflicts, load_automerge, read,
};
use crate::doc_id::DocumentId;
use crate::record::{MemberCategory, SCHEMA_VERSION};
use automerge::transaction::CommitOptions;
use automerge::{ActorId, AutoCommit, ChangeHash, ROOT};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The roster of one cell.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RosterRecord {
    /// Version of the layout.
    pub schema_version: u64,
    /// The cell's org-unit id.
    pub cell_id: String,
    /// Members keyed by member id.
    pub members: BTreeMap<String, RosterMember>,
}

/// One member of a roster.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RosterMember {
    /// Full name as written.
    pub full_name: String,
    /// Category (chính thức, dự bị, ...).
    pub category: MemberCategory,
    /// Family name (họ), when split by hand.
    pub ho: Option<String>,
    /// Middle name (tên đệm), when split by hand.
    pub ten_dem: Option<String>,
    /// Given name (tên), when split by hand.
    pub ten: Option<String>,
}

impl RosterRecord {
    /// The ops that make this roster's members exactly `members`: a [`RosterOp::SetMember`]
    /// for each member missing or written differently (after text normalisation, as the doc
    /// stores them), a [`RosterOp::RemoveMember`] for each member not in `members`; none when
    /// they already match. A name part given as `None` is not compared (`SetMember` leaves it
    /// as it is). How a server mirrors the roster it keeps elsewhere into the document.
    pub fn ops_towards(&self, members: &BTreeMap<String, RosterMember>) -> Vec<RosterOp> {
        let norm = |s: &Option<String>| {
            s.as_deref()
                .map(crate::text::normalize)
                .filter(|s| !s.is_empty())
        };
        let mut ops = Vec::new();
        for (id, want) in members {
            let want = RosterMember {
                full_name: crate::text::normalize(&want.full_name),
                category: want.category,
                ho: norm(&want.ho),
                ten_dem: norm(&want.ten_dem),
                ten: norm(&want.ten),
            };
            let same = self.members.get(id).is_some_and(|have| {
                have.full_name == want.full_name
                    && have.category == want.category
                    && [
                        (&have.ho, &want.ho),
                        (&have.ten_dem, &want.ten_dem),
                        (&have.ten, &want.ten),
                    ]
                    .iter()
                    .all(|(have, want)| want.is_none() || have == want)
            });
            if !same {
                ops.push(RosterOp::SetMember {
                    member_id: id.clone(),
                    full_name: want.full_name,
                    category: want.category,
                    ho: want.ho,
                    ten_dem: want.ten_dem,
                    ten: want.ten,
                });
            }
        }
        for id in self.members.keys().filter(|id| !members.contains_key(*id)) {
            ops.push(RosterOp::RemoveMember {
                member_id: id.clone(),
            });
        }
        ops
    }
}

/// One edit of a roster document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum RosterOp {
    /// Adds a member or updates the given fields of an existing one in place.
    SetMember {
        /// Member id (the map key).
        member_id: String,
        /// Full name as written.
        full_name: String,
        /// Roster category.
        category: MemberCategory,
        /// Family name, when split by hand.
        #[serde(default)]
        ho: Option<String>,
        /// Middle name, when split by hand.
        #[serde(default)]
        ten_dem: Option<String>,
        /// Given name, when split by hand.
        #[serde(default)]
        ten: Option<String>,
    },
    /// Removes a member.
    RemoveMember {
        /// Member id.
        member_id: String,
    },
}

/// A cell's roster as an Automerge document.
#[derive(Debug, Clone)]
pub struct RosterDoc {
    doc: AutoCommit,
}

impl RosterDoc {
    /// The id and the deterministic genesis change of `cell_id`'s roster.
    pub fn genesis(cell_id: &str) -> Result<(DocumentId, Vec<u8>), DocError> {
        let (cell_id, _) = super::genesis::check_params(cell_id, "2000-01")?;
        let id = DocumentId::derive(ROSTER_NAMESPACE, &cell_id);
        let record = RosterRecord {
            schema_version: SCHEMA_VERSION,
            cell_id,
            members: BTreeMap::new(),
        };
        let mut doc = skeleton(&record, ROSTER_DOC, genesis_actor(&id))?;
        Ok((id, doc.save()))
    }

    /// Loads a saved roster; wrong shapes are errors, never panics.
    pub fn load(bytes: &[u8]) -> Result<RosterDoc, DocError> {
        Self::from_automerge(load_automerge(bytes)?)
    }

    /// Wraps a document received by other means, checking its shape.
    pub fn from_automerge(doc: AutoCommit) -> Result<RosterDoc, DocError> {
        let doc = RosterDoc { doc };
        // A roster has its `members` map from its first change; a meeting does not.
        if automerge::ReadDoc::get(&doc.doc, ROOT, "members")?.is_none() {
            return Err(DocError::Shape {
                path: "members".into(),
                reason: "missing".into(),
            });
        }
        doc.record()?;
        Ok(doc)
    }

    /// Applies one op as one change; on error nothing changes.
    pub fn apply(&mut self, op: &RosterOp) -> Result<(), OpError> {
        self.doc.commit();
        let result = apply(&mut self.doc, op);
        match result {
            Ok(()) => {
                self.doc.commit_with(CommitOptions::default());
            }
            Err(_) => {
                self.doc.rollback();
            }
        }
        result
    }

    /// Reads the roster.
    pub fn record(&self) -> Result<RosterRecord, DocError> {
        roster_record_of(&self.doc)
    }

    /// Every field with concurrent values.
    pub fn conflicts(&self) -> Vec<Conflict> {
        conflicts::find(&self.doc)
    }

    /// The whole document, compressed.
    pub fn save(&mut self) -> Vec<u8> {
        self.doc.save()
    }

    /// The changes since the last `save` or `save_incremental`.
    pub fn save_incremental(&mut self) -> Vec<u8> {
        self.doc.save_incremental()
    }

    /// A copy with a fresh random actor (another device).
    pub fn fork(&mut self) -> RosterDoc {
        RosterDoc {
            doc: self.doc.fork(),
        }
    }

    /// Current heads.
    pub fn heads(&mut self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    /// This document, writing as `actor` from now on.
    pub fn with_actor(self, actor: ActorId) -> RosterDoc {
        RosterDoc {
            doc: self.doc.with_actor(actor),
        }
    }

    /// Merges another copy's changes into this one.
    pub fn merge(&mut self, other: &mut RosterDoc) -> Result<Vec<ChangeHash>, DocError> {
        Ok(self.doc.merge(&mut other.doc)?)
    }

    /// The Automerge document (for the sync engine).
    pub fn inner(&self) -> &AutoCommit {
        &self.doc
    }

    /// The Automerge document, mutable (for the sync engine).
    pub fn inner_mut(&mut self) -> &mut AutoCommit {
        &mut self.doc
    }
}

fn apply(doc: &mut AutoCommit, op: &RosterOp) -> Result<(), OpError> {
    let members = map_at(doc, &ROOT, "members")?;
    match op {
        RosterOp::SetMember {
            member_id,
            full_name,
            category,
            ho,
            ten_dem,
            ten,
        } => {
            let key = prepare_key(member_id, "members")?;
            let entry = serde_json::json!({
                "fullName": full_name, "category": category, "ho": ho, "tenDem": ten_dem, "ten": ten,
            });
            let values = prepare_map(ROSTER_MEMBER, &entry, &format!("members.{key}"))?;
            upsert_in(doc, &members, "members", ROSTER_MEMBER, &key, &values)
        }
        RosterOp::RemoveMember { member_id } => remove_in(doc, &members, "members", member_id),
    }
}

/// Reads a roster record out of any Automerge reader (see [`RosterDoc::record`]).
pub(crate) fn roster_record_of<D: automerge::ReadDoc>(doc: &D) -> Result<RosterRecord, DocError> {
    check_version(doc)?;
    let map = read::read_map(doc, &ROOT, ROSTER_DOC, "")?;
    let mut record: RosterRecord =
        serde_json::from_value(serde_json::Value::Object(map)).map_err(|e| DocError::Shape {
            path: String::new(),
            reason: e.to_string(),
        })?;
    // Name parts are Text objects created empty; empty means "not split by hand".
    for m in record.members.values_mut() {
        for part in [&mut m.ho, &mut m.ten_dem, &mut m.ten] {
            if part.as_deref() == Some("") {
                *part = None;
            }
        }
    }
    Ok(record)
}
