//! Concurrent writes to one key: Automerge keeps every value and shows one. `find` walks all maps
//! and lists and reports each key holding more than one value, with the author of each.

use super::entries::{Entry, entries};
use automerge::{ObjId, ObjType, ROOT, ReadDoc, ScalarValue, Value};
use serde::Serialize;
use serde_json::Value as Json;

/// A key with more than one concurrent value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Conflict {
    /// Dotted path, list items by id: `startedAt`, `selfScore.awarded.c1`, `agenda[a1].done`.
    pub path: String,
    /// Every value, the one the record shows first.
    pub values: Vec<ConflictValue>,
}

/// One of the concurrent values and who wrote it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConflictValue {
    /// The value as JSON (objects are expanded, Text as a string).
    pub value: Json,
    /// Hex Automerge actor id of the device that wrote it.
    pub actor: String,
}

/// Every conflict in `doc`.
pub(crate) fn find<D: ReadDoc>(doc: &D) -> Vec<Conflict> {
    let mut out = Vec::new();
    walk(doc, &ROOT, ObjType::Map, "", &mut out);
    out
}

fn walk<D: ReadDoc>(doc: &D, obj: &ObjId, kind: ObjType, path: &str, out: &mut Vec<Conflict>) {
    for entry in entries(doc, obj, kind, path) {
        if entry.conflict {
            push_conflict(doc, obj, &entry, out);
        }
        if let Value::Object(child_kind) = entry.value {
            walk(doc, &entry.id, child_kind, &entry.path, out);
        }
    }
}

/// Every value of `entry`'s key, the one the record shows (the range's) first.
fn push_conflict<D: ReadDoc>(doc: &D, obj: &ObjId, entry: &Entry, out: &mut Vec<Conflict>) {
    let Ok(all) = doc.get_all(obj, entry.prop.clone()) else {
        return;
    };
    if all.len() < 2 {
        return;
    }
    let mut values: Vec<ConflictValue> = all
        .iter()
        .map(|(v, id)| ConflictValue {
            value: to_json(doc, v, id),
            actor: actor(id),
        })
        .collect();
    if let Some(pos) = all.iter().position(|(_, id)| *id == entry.id) {
        values.swap(0, pos);
    }
    out.push(Conflict {
        path: entry.path.clone(),
        values,
    });
}

fn actor(id: &ObjId) -> String {
    match id {
        ObjId::Id(_, actor, _) => actor.to_hex_string(),
        ObjId::Root => String::new(),
    }
}

/// Any value as JSON.
pub(crate) fn to_json<D: ReadDoc>(doc: &D, value: &Value<'_>, id: &ObjId) -> Json {
    match value {
        Value::Scalar(s) => scalar_json(s),
        Value::Object(ObjType::Text) => Json::String(doc.text(id).unwrap_or_default()),
        Value::Object(ObjType::List) => Json::Array(
            (0..doc.length(id))
                .filter_map(|i| doc.get(id, i).ok().flatten())
                .map(|(v, child)| to_json(doc, &v, &child))
                .collect(),
        ),
        Value::Object(ObjType::Map | ObjType::Table) => Json::Object(
            doc.keys(id)
                .filter_map(|k| {
                    doc.get(id, k.as_str())
                        .ok()
                        .flatten()
                        .map(|(v, child)| (k, v, child))
                })
                .map(|(k, v, child)| (k, to_json(doc, &v, &child)))
                .collect(),
        ),
    }
}

fn scalar_json(s: &ScalarValue) -> Json {
    match s {
        ScalarValue::Str(s) => Json::String(s.to_string()),
        ScalarValue::Int(n) | ScalarValue::Timestamp(n) => Json::from(*n),
        ScalarValue::Uint(n) => Json::from(*n),
        ScalarValue::F64(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
        ScalarValue::Counter(c) => Json::from(i64::from(c)),
        ScalarValue::Boolean(b) => Json::Bool(*b),
        ScalarValue::Bytes(b) => Json::from(b.clone()),
        ScalarValue::Null | ScalarValue::Unknown { .. } => Json::Null,
    }
}
