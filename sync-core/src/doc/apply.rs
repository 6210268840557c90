//! Applying a `MeetingOp`: every check happens before the first write, and each op touches only
//! the objects it names (never a hydrate-then-reconcile of the whole document).

use super::ops::{ListName, MeetingOp, Sheet};
use super::schema::{self, Field, Kind, MEETING};
use super::write::{
    prepare, prepare_key, prepare_map, prepare_points, scalar, write_field, write_map,
};
use super::{OpError, text_ops};
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, ROOT, ReadDoc, ScalarValue, Value};
use serde::Serialize;
use serde_json::{Value as Json, json};

/// Root fields fixed by the document's first change.
const FIXED: &[&str] = &["schemaVersion", "meetingId", "cellId", "period"];

/// Applies `op` to `doc` inside the current transaction. On error the caller rolls back.
pub(crate) fn apply(doc: &mut AutoCommit, op: &MeetingOp) -> Result<(), OpError> {
    match op {
        MeetingOp::SetScalar { field, value } => {
            let (parent, f) = resolve(doc, field)?;
            if matches!(f.kind, Kind::Text) {
                return Err(OpError::WrongOp {
                    field: field.clone(),
                    hint: "use replaceText or spliceText",
                });
            }
            set_scalar(doc, &parent, f, value, field)
        }
        MeetingOp::SpliceText {
            field,
            index,
            delete,
            insert,
        } => {
            let (parent, f) = resolve(doc, field)?;
            text_ops::splice(
                doc,
                &parent,
                text_field(f, field)?,
                *index,
                *delete,
                insert,
                field,
            )
        }
        MeetingOp::ReplaceText { field, value } => {
            let (parent, f) = resolve(doc, field)?;
            text_ops::replace(doc, &parent, text_field(f, field)?, value, field)
        }
        MeetingOp::SetRosterEntry {
            member_id,
            full_name,
            category,
        } => {
            let entry = json!({ "fullName": full_name, "category": category });
            upsert(doc, "roster", schema::ROSTER_ENTRY, member_id, &entry)
        }
        MeetingOp::RemoveRosterEntry { member_id } => remove_keyed(doc, "roster", member_id),
        MeetingOp::MarkAttendance {
            member_id,
            status,
            reason,
            late_min,
        } => {
            let entry = json!({ "status": status, "reason": reason, "lateMin": late_min });
            upsert(doc, "attendance", schema::ATTENDANCE, member_id, &entry)
        }
        MeetingOp::ClearAttendance { member_id } => remove_keyed(doc, "attendance", member_id),
        MeetingOp::AddGuest { item } => add(doc, ListName::Guests, item),
        MeetingOp::AddAgendaItem { item } => add(doc, ListName::Agenda, item),
        MeetingOp::AddDocumentBriefed { item } => add(doc, ListName::DocumentsBriefed, item),
        MeetingOp::AddFollowUp { item } => add(doc, ListName::FollowUps, item),
        MeetingOp::AddContribution { item } => add(doc, ListName::Contributions, item),
        MeetingOp::AddCriticism { item } => add(doc, ListName::Criticism, item),
        MeetingOp::AddTask { item } => add(doc, ListName::Tasks, item),
        MeetingOp::AddVote { item } => add(doc, ListName::Votes, item),
        MeetingOp::AddMembershipAction { item } => add(doc, ListName::MembershipActions, item),
        MeetingOp::UpdateItem {
            list,
            id,
            field,
            value,
        } => {
            let (item, f, path) = item_field(doc, *list, id, field)?;
            match f.kind {
                Kind::Text => {
                    let s = value.as_str().ok_or(OpError::Invalid {
                        field: path.clone(),
                        expected: "a string",
                    })?;
                    text_ops::replace(doc, &item, f, s, &path)
                }
                _ => set_scalar(doc, &item, f, value, &path),
            }
        }
        MeetingOp::SpliceItemText {
            list,
            id,
            field,
            index,
            delete,
            insert,
        } => {
            let (item, f, path) = item_field(doc, *list, id, field)?;
            text_ops::splice(
                doc,
                &item,
                text_field(f, &path)?,
                *index,
                *delete,
                insert,
                &path,
            )
        }
        MeetingOp::RemoveItem { list, id } => {
            let (list_obj, index) = find_item(doc, *list, id)?;
            Ok(doc.delete(&list_obj, index)?)
        }
        MeetingOp::AwardPoints {
            sheet,
            criterion,
            points,
        } => {
            let path = format!("{}.awarded", sheet.key());
            let criterion = prepare_key(criterion, &path)?;
            let points = prepare_points(Some(*points), &format!("{path}.{criterion}"))?;
            let awarded = awarded(doc, *sheet)?;
            Ok(doc.put(&awarded, criterion.as_str(), points)?)
        }
        MeetingOp::RemoveAward { sheet, criterion } => {
            let awarded = awarded(doc, *sheet)?;
            if doc.get(&awarded, criterion.as_str())?.is_none() {
                return Err(OpError::UnknownKey {
                    map: format!("{}.awarded", sheet.key()),
                    key: criterion.clone(),
                });
            }
            Ok(doc.delete(&awarded, criterion.as_str())?)
        }
        MeetingOp::SetSheetField {
            sheet,
            field,
            value,
        } => {
            let path = format!("{}.{field}", sheet.key());
            let (parent, f) = resolve(doc, &path)?;
            match f.kind {
                Kind::Points => Err(OpError::WrongOp {
                    field: path,
                    hint: "use awardPoints",
                }),
                Kind::Text => {
                    let s = value.as_str().ok_or(OpError::Invalid {
                        field: path.clone(),
                        expected: "a string",
                    })?;
                    text_ops::replace(doc, &parent, f, s, &path)
                }
                _ => set_scalar(doc, &parent, f, value, &path),
            }
        }
        MeetingOp::SetOrgPathSnapshot { entries } => {
            let field = schema::field(MEETING, "orgPathSnapshot").ok_or(OpError::UnknownField {
                field: "orgPathSnapshot".into(),
            })?;
            let value = prepare(
                field.kind,
                &serde_json::to_value(entries).map_err(internal)?,
                field.name,
            )?;
            Ok(write_field(doc, &ROOT, field, Some(&value))?)
        }
    }
}

/// Finds the parent map and schema field of `a` or `a.b`.
fn resolve(doc: &AutoCommit, path: &str) -> Result<(ObjId, Field), OpError> {
    let unknown = || OpError::UnknownField {
        field: path.to_owned(),
    };
    let mut parts = path.split('.');
    let first = parts.next().ok_or_else(unknown)?;
    let root_field = schema::field(MEETING, first).ok_or_else(unknown)?;
    match (parts.next(), parts.next()) {
        (None, _) => {
            if FIXED.contains(&first) || !is_leaf(root_field.kind) {
                return Err(OpError::NotWritable {
                    field: path.to_owned(),
                });
            }
            Ok((ROOT, root_field))
        }
        (Some(second), None) => {
            let (Kind::Map(fields) | Kind::OptMap(fields)) = root_field.kind else {
                return Err(unknown());
            };
            let f = schema::field(fields, second).ok_or_else(unknown)?;
            Ok((map_at(doc, &ROOT, first)?, f))
        }
        _ => Err(unknown()),
    }
}

fn is_leaf(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Text | Kind::Str(_) | Kind::Bool | Kind::U32 | Kind::U64
    )
}

fn text_field(f: Field, path: &str) -> Result<Field, OpError> {
    match f.kind {
        Kind::Text => Ok(f),
        _ => Err(OpError::WrongOp {
            field: path.to_owned(),
            hint: "not a Text field; use setScalar",
        }),
    }
}

fn set_scalar(
    doc: &mut AutoCommit,
    parent: &ObjId,
    f: Field,
    value: &Json,
    path: &str,
) -> Result<(), OpError> {
    if !is_leaf(f.kind) || f.name == "id" {
        return Err(OpError::NotWritable {
            field: path.to_owned(),
        });
    }
    let value = prepare(f.kind, value, path)?;
    Ok(doc.put(parent, f.name, scalar(f.kind, Some(&value)))?)
}

/// The map object stored at `key` of `parent`.
pub(crate) fn map_at(doc: &AutoCommit, parent: &ObjId, key: &str) -> Result<ObjId, OpError> {
    match doc.get(parent, key)? {
        Some((Value::Object(ObjType::Map), id)) => Ok(id),
        _ => Err(OpError::Shape {
            field: key.to_owned(),
            expected: "a map",
        }),
    }
}

fn list_at(doc: &AutoCommit, key: &str) -> Result<ObjId, OpError> {
    match doc.get(ROOT, key)? {
        Some((Value::Object(ObjType::List), id)) => Ok(id),
        _ => Err(OpError::Shape {
            field: key.to_owned(),
            expected: "a list",
        }),
    }
}

fn awarded(doc: &AutoCommit, sheet: Sheet) -> Result<ObjId, OpError> {
    let sheet_obj = map_at(doc, &ROOT, sheet.key())?;
    map_at(doc, &sheet_obj, "awarded")
}

fn list_fields(list: ListName) -> &'static [Field] {
    match schema::field(MEETING, list.key()).map(|f| f.kind) {
        Some(Kind::List(fields)) => fields,
        _ => &[],
    }
}

/// The list object and the index of the item whose `id` is `id`.
fn find_item(doc: &AutoCommit, list: ListName, id: &str) -> Result<(ObjId, usize), OpError> {
    let list_obj = list_at(doc, list.key())?;
    for index in 0..doc.length(&list_obj) {
        if let Some((Value::Object(ObjType::Map), item)) = doc.get(&list_obj, index)?
            && item_id(doc, &item).as_deref() == Some(id)
        {
            return Ok((list_obj, index));
        }
    }
    Err(OpError::UnknownItem {
        list,
        id: id.to_owned(),
    })
}

/// The `id` of a list item, scalar or Text.
pub(crate) fn item_id<D: ReadDoc>(doc: &D, item: &ObjId) -> Option<String> {
    match doc.get(item, "id").ok()?? {
        (Value::Scalar(s), _) => match s.as_ref() {
            ScalarValue::Str(s) => Some(s.to_string()),
            _ => None,
        },
        (Value::Object(ObjType::Text), text) => doc.text(&text).ok(),
        _ => None,
    }
}

fn item_field(
    doc: &AutoCommit,
    list: ListName,
    id: &str,
    field: &str,
) -> Result<(ObjId, Field, String), OpError> {
    let path = format!("{}[{id}].{field}", list.key());
    let f = schema::field(list_fields(list), field).ok_or(OpError::UnknownField {
        field: path.clone(),
    })?;
    if f.name == "id" {
        return Err(OpError::NotWritable { field: path });
    }
    let (list_obj, index) = find_item(doc, list, id)?;
    match doc.get(&list_obj, index)? {
        Some((Value::Object(ObjType::Map), item)) => Ok((item, f, path)),
        _ => Err(OpError::Shape {
            field: path,
            expected: "a map",
        }),
    }
}

fn add<T: Serialize>(doc: &mut AutoCommit, list: ListName, item: &T) -> Result<(), OpError> {
    let fields = list_fields(list);
    let value = prepare_map(
        fields,
        &serde_json::to_value(item).map_err(internal)?,
        list.key(),
    )?;
    let id = value.get("id").and_then(Json::as_str).unwrap_or("");
    if id.is_empty() {
        return Err(OpError::Invalid {
            field: format!("{}.id", list.key()),
            expected: "an identifier",
        });
    }
    if find_item(doc, list, id).is_ok() {
        return Err(OpError::DuplicateItem {
            list,
            id: id.to_owned(),
        });
    }
    let list_obj = list_at(doc, list.key())?;
    let end = doc.length(&list_obj);
    let item_obj = doc.insert_object(&list_obj, end, ObjType::Map)?;
    Ok(write_map(doc, &item_obj, fields, &value)?)
}

/// Creates the entry `key` of the keyed map `map`, or updates its fields in place so that
/// concurrent edits of other fields of an existing entry survive.
fn upsert(
    doc: &mut AutoCommit,
    map: &str,
    fields: &'static [Field],
    key: &str,
    entry: &Json,
) -> Result<(), OpError> {
    let key = prepare_key(key, map)?;
    let values = prepare_map(fields, entry, &format!("{map}.{key}"))?;
    let map_obj = map_at(doc, &ROOT, map)?;
    upsert_in(doc, &map_obj, map, fields, &key, &values)
}

/// `upsert` for an already prepared entry in the map object `map_obj` (named `map`).
pub(crate) fn upsert_in(
    doc: &mut AutoCommit,
    map_obj: &ObjId,
    map: &str,
    fields: &'static [Field],
    key: &str,
    values: &serde_json::Map<String, Json>,
) -> Result<(), OpError> {
    let path = format!("{map}.{key}");
    match doc.get(map_obj, key)? {
        Some((Value::Object(ObjType::Map), existing)) => {
            for f in fields {
                let Some(v) = values.get(f.name) else {
                    continue;
                };
                match f.kind {
                    Kind::Text => {
                        text_ops::replace(doc, &existing, *f, v.as_str().unwrap_or(""), &path)?
                    }
                    _ => doc.put(&existing, f.name, scalar(f.kind, Some(v)))?,
                }
            }
            Ok(())
        }
        _ => {
            let entry_obj = doc.put_object(map_obj, key, ObjType::Map)?;
            Ok(write_map(doc, &entry_obj, fields, values)?)
        }
    }
}

fn remove_keyed(doc: &mut AutoCommit, map: &str, key: &str) -> Result<(), OpError> {
    let map_obj = map_at(doc, &ROOT, map)?;
    remove_in(doc, &map_obj, map, key)
}

/// Deletes `key` from the map object `map_obj` (named `map`); an error if it is absent.
pub(crate) fn remove_in(
    doc: &mut AutoCommit,
    map_obj: &ObjId,
    map: &str,
    key: &str,
) -> Result<(), OpError> {
    let map_obj = map_obj.clone();
    if doc.get(&map_obj, key)?.is_none() {
        return Err(OpError::UnknownKey {
            map: map.to_owned(),
            key: key.to_owned(),
        });
    }
    Ok(doc.delete(&map_obj, key)?)
}

fn internal(e: serde_json::Error) -> OpError {
    OpError::Invalid {
        field: e.to_string(),
        expected: "a serialisable value",
    }
}
