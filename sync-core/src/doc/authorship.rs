//! Who wrote what the record shows: for every non-empty leaf of a meeting document, the actor
//! and change that wrote its current value. The server maps actors to the devices and users
//! that first delivered them and flags values written by someone without the right to write
//! that field (the committee's fields from a cell device, the cell's fields from a committee
//! device); see [`FieldOwner`] for which fields belong to whom.

use super::MeetingDoc;
use super::conflicts::to_json;
use super::entries::entries;
use automerge::{
    AutoCommit, Automerge, ChangeHash, ObjId, ObjType, Prop, ROOT, ReadDoc, ScalarValue, Value,
};
use serde::Serialize;
use serde_json::Value as Json;

/// Who may write a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldOwner {
    /// The cell (secretary, deputy): everything not reserved for the committee.
    Cell,
    /// The superior committee: `superiorScore.*`, `returnReason`, and `status` when it holds
    /// `tra_lai`, `da_xac_nhan` or `khoa`.
    Committee,
}

/// Fields fixed by the first change (the server refuses changes to them), so nobody's.
pub const FIXED_FIELDS: [&str; 5] = [
    "schemaVersion",
    "meetingId",
    "cellId",
    "period",
    "meetingType",
];

/// Status values only the committee may set.
pub const COMMITTEE_STATUSES: [&str; 3] = ["tra_lai", "da_xac_nhan", "khoa"];

/// The root fields that can hold a committee field ([`owner_of`]); everything else is the
/// cell's.
const COMMITTEE_ROOTS: [&str; 3] = ["superiorScore", "returnReason", "status"];

/// One leaf value and who wrote it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldAuthorship {
    /// Dotted path, list items by id, as in [`Conflict`](super::Conflict):
    /// `superiorScore.awarded.c1`, `agenda[a1].done`.
    pub path: String,
    /// Whose field it is.
    pub owner: FieldOwner,
    /// The current value as JSON.
    pub value: Json,
    /// Who wrote the current value: one writer for a scalar, every change whose characters
    /// remain for a text.
    pub writers: Vec<Writer>,
}

/// An actor and the change in which it wrote (part of) a value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Writer {
    /// Hex Automerge actor id.
    pub actor: String,
    /// The change holding the operation (`None` only if the document cannot tell).
    #[serde(serialize_with = "hash_hex")]
    pub change: Option<ChangeHash>,
}

fn hash_hex<S: serde::Serializer>(h: &Option<ChangeHash>, s: S) -> Result<S::Ok, S::Error> {
    match h {
        Some(h) => s.serialize_str(&h.to_string()),
        None => s.serialize_none(),
    }
}

impl MeetingDoc {
    /// Every non-empty leaf outside [`FIXED_FIELDS`] with the writers of its current value.
    /// Empty values (`null`, `""`, `false`, empty text, empty maps and lists) claim nothing
    /// and are left out, so the skeleton written by the first change never counts as a score
    /// or a confirmation.
    pub fn field_authors(&self) -> Vec<FieldAuthorship> {
        field_authors(self.inner())
    }

    /// The committee's fields of [`field_authors`](Self::field_authors) only, in the same
    /// order, without reading the cell's fields (the texts, where nearly all the operations
    /// are). For a check that already knows every writer of the document may write the cell's
    /// fields.
    pub fn committee_field_authors(&self) -> Vec<FieldAuthorship> {
        committee_field_authors(self.inner())
    }

    /// The actor and hash of every change in the document, from its change graph (no operation
    /// is read): everyone who can have written a value [`field_authors`](Self::field_authors)
    /// lists.
    pub fn change_authors(&self) -> Vec<Writer> {
        self.inner().change_authors()
    }
}

/// A document whose operations can be traced to their changes: an [`AutoCommit`] being edited
/// or an [`Automerge`] held read-only (the sync engine's copy, [`MeetingSnapshot`]).
///
/// [`MeetingSnapshot`]: super::MeetingSnapshot
pub(crate) trait Traced: ReadDoc {
    /// The change holding operation `id`.
    fn change_of(&self, id: &ObjId) -> Option<ChangeHash>;
    /// The actor and hash of every change, from the change graph.
    fn change_authors(&self) -> Vec<Writer>;
}

impl Traced for AutoCommit {
    fn change_of(&self, id: &ObjId) -> Option<ChangeHash> {
        self.hash_for_opid(id)
    }

    fn change_authors(&self) -> Vec<Writer> {
        // `get_changes_meta` wants `&mut` to close a pending transaction; a clone costs
        // microseconds next to reading the document.
        let mut doc = self.clone();
        doc.get_changes_meta(&[])
            .into_iter()
            .map(meta_writer)
            .collect()
    }
}

impl Traced for Automerge {
    fn change_of(&self, id: &ObjId) -> Option<ChangeHash> {
        self.hash_for_opid(id)
    }

    fn change_authors(&self) -> Vec<Writer> {
        self.get_changes_meta(&[])
            .into_iter()
            .map(meta_writer)
            .collect()
    }
}

fn meta_writer(m: automerge::ChangeMetadata<'_>) -> Writer {
    Writer {
        actor: m.actor.to_hex_string(),
        change: Some(m.hash),
    }
}

/// [`MeetingDoc::field_authors`] of any traced document.
pub(crate) fn field_authors<D: Traced>(doc: &D) -> Vec<FieldAuthorship> {
    let mut out = Vec::new();
    walk(doc, &ROOT, ObjType::Map, "", &|_| true, &mut out);
    out
}

/// [`MeetingDoc::committee_field_authors`] of any traced document.
pub(crate) fn committee_field_authors<D: Traced>(doc: &D) -> Vec<FieldAuthorship> {
    let mut out = Vec::new();
    let committee_root = |k: &str| COMMITTEE_ROOTS.contains(&k);
    walk(doc, &ROOT, ObjType::Map, "", &committee_root, &mut out);
    out.retain(|f| f.owner == FieldOwner::Committee);
    out
}

fn walk<D: Traced>(
    doc: &D,
    obj: &ObjId,
    kind: ObjType,
    path: &str,
    keep_root: &dyn Fn(&str) -> bool,
    out: &mut Vec<FieldAuthorship>,
) {
    for entry in entries(doc, obj, kind, path) {
        if let Prop::Map(key) = &entry.prop
            && path.is_empty()
            && (FIXED_FIELDS.contains(&key.as_str()) || !keep_root(key))
        {
            continue;
        }
        match entry.value {
            Value::Object(ObjType::Text) => {
                let writers = text_writers(doc, &entry.id);
                if !writers.is_empty() {
                    let value = Json::String(doc.text(&entry.id).unwrap_or_default());
                    push(out, entry.path, value, writers);
                }
            }
            Value::Object(child_kind) => {
                walk(doc, &entry.id, child_kind, &entry.path, keep_root, out)
            }
            Value::Scalar(s) if !is_empty(&s) => {
                let value = to_json(doc, &Value::Scalar(s), &entry.id);
                let writers = vec![writer(doc, &entry.id)];
                push(out, entry.path, value, writers);
            }
            Value::Scalar(_) => {}
        }
    }
}

fn push(out: &mut Vec<FieldAuthorship>, path: String, value: Json, writers: Vec<Writer>) {
    let owner = owner_of(&path, &value);
    out.push(FieldAuthorship {
        path,
        owner,
        value,
        writers,
    });
}

/// Whose field `path` is, given its value (only `status` depends on it).
pub fn owner_of(path: &str, value: &Json) -> FieldOwner {
    let top = path.split(['.', '[']).next().unwrap_or_default();
    match top {
        "superiorScore" | "returnReason" => FieldOwner::Committee,
        "status"
            if value
                .as_str()
                .is_some_and(|v| COMMITTEE_STATUSES.contains(&v)) =>
        {
            FieldOwner::Committee
        }
        _ => FieldOwner::Cell,
    }
}

fn is_empty(s: &ScalarValue) -> bool {
    match s {
        ScalarValue::Null => true,
        ScalarValue::Str(s) => s.is_empty(),
        ScalarValue::Boolean(b) => !b,
        _ => false,
    }
}

fn writer<D: Traced>(doc: &D, id: &ObjId) -> Writer {
    Writer {
        actor: actor_hex(id),
        change: doc.change_of(id),
    }
}

/// The distinct writers of the characters a text holds now, in order of first appearance. Each
/// character is its own operation: its change is looked up, but an actor is written out in hex
/// only once per distinct (actor, change), not once per character.
fn text_writers<D: Traced>(doc: &D, text: &ObjId) -> Vec<Writer> {
    let mut seen: Vec<(usize, Option<ChangeHash>)> = Vec::new();
    let mut writers: Vec<Writer> = Vec::new();
    for item in doc.list_range(text, ..) {
        let id = item.id();
        let actor = match &id {
            ObjId::Id(_, _, index) => *index,
            ObjId::Root => usize::MAX,
        };
        let key = (actor, doc.change_of(&id));
        if !seen.contains(&key) {
            seen.push(key);
            writers.push(Writer {
                actor: actor_hex(&id),
                change: key.1,
            });
        }
    }
    writers
}

fn actor_hex(id: &ObjId) -> String {
    match id {
        ObjId::Id(_, actor, _) => actor.to_hex_string(),
        ObjId::Root => String::new(),
    }
}
