//! Writing schema-shaped JSON into the document: first `prepare` checks and normalises a value
//! completely (so a bad operation changes nothing), then `write_*` creates the Automerge objects.

use super::OpError;
use super::schema::{self, Field, Kind};
use crate::text::normalize;
use automerge::transaction::Transactable;
use automerge::{AutoCommit, AutomergeError, ObjId, ObjType, ScalarValue};
use serde_json::{Map, Value as Json};

/// Checks and normalises `value` for a field of `kind`; `path` names the field in errors.
pub(crate) fn prepare(kind: Kind, value: &Json, path: &str) -> Result<Json, OpError> {
    let bad = |expected: &'static str| OpError::Invalid {
        field: path.to_owned(),
        expected,
    };
    Ok(match kind {
        Kind::Text => Json::String(normalize(value.as_str().ok_or_else(|| bad("a string"))?)),
        Kind::Str(check) => {
            let s = normalize(value.as_str().ok_or_else(|| bad("a string"))?);
            schema::check(check, &s).map_err(bad)?;
            Json::String(s)
        }
        Kind::Bool => Json::Bool(value.as_bool().ok_or_else(|| bad("a boolean"))?),
        Kind::U32 => Json::from(
            value
                .as_u64()
                .filter(|n| *n <= u64::from(u32::MAX))
                .ok_or_else(|| bad("a whole number"))?,
        ),
        Kind::U64 => Json::from(value.as_u64().ok_or_else(|| bad("a whole number"))?),
        Kind::Map(fields) | Kind::OptMap(fields) => match value {
            Json::Null if matches!(kind, Kind::OptMap(_)) => Json::Object(Map::new()),
            _ => Json::Object(prepare_map(fields, value, path)?),
        },
        Kind::List(fields) | Kind::Snapshot(fields) => {
            let items = value.as_array().ok_or_else(|| bad("a list"))?;
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                out.push(Json::Object(prepare_map(
                    fields,
                    item,
                    &format!("{path}[{i}]"),
                )?));
            }
            Json::Array(out)
        }
        Kind::Keyed(fields) => {
            let map = value.as_object().ok_or_else(|| bad("a map"))?;
            let mut out = Map::new();
            for (key, entry) in map {
                let key = prepare_key(key, path)?;
                let here = format!("{path}.{key}");
                out.insert(key, Json::Object(prepare_map(fields, entry, &here)?));
            }
            Json::Object(out)
        }
        Kind::Points => {
            let map = value.as_object().ok_or_else(|| bad("a map"))?;
            let mut out = Map::new();
            for (key, points) in map {
                let key = prepare_key(key, path)?;
                let here = format!("{path}.{key}");
                out.insert(key, Json::from(prepare_points(points.as_f64(), &here)?));
            }
            Json::Object(out)
        }
    })
}

/// Checks every key of `value` against `fields`; unknown keys are errors.
pub(crate) fn prepare_map(
    fields: &'static [Field],
    value: &Json,
    path: &str,
) -> Result<Map<String, Json>, OpError> {
    let map = value.as_object().ok_or_else(|| OpError::Invalid {
        field: path.to_owned(),
        expected: "a map",
    })?;
    let mut out = Map::new();
    for (key, v) in map {
        let here = super::read::join(path, key);
        let field = schema::field(fields, key).ok_or(OpError::UnknownField {
            field: here.clone(),
        })?;
        if v.is_null() && !matches!(field.kind, Kind::OptMap(_)) {
            continue;
        }
        out.insert(key.clone(), prepare(field.kind, v, &here)?);
    }
    Ok(out)
}

/// A normalised map key that is an identifier.
pub(crate) fn prepare_key(key: &str, path: &str) -> Result<String, OpError> {
    let key = normalize(key);
    if schema::is_id(&key) {
        Ok(key)
    } else {
        Err(OpError::Invalid {
            field: format!("{path}.{key}"),
            expected: "an identifier",
        })
    }
}

/// Points must be finite and between 0 and 1,000.
pub(crate) fn prepare_points(points: Option<f64>, path: &str) -> Result<f64, OpError> {
    points
        .filter(|p| p.is_finite() && (0.0..=1000.0).contains(p))
        .ok_or_else(|| OpError::Invalid {
            field: path.to_owned(),
            expected: "points between 0 and 1000",
        })
}

/// Writes every field of `fields` into the map `obj`, taking values from `values` and the
/// record's defaults for the rest. The order of writes is the order of `fields`, so the same
/// input always produces the same operations (genesis depends on it).
pub(crate) fn write_map(
    doc: &mut AutoCommit,
    obj: &ObjId,
    fields: &'static [Field],
    values: &Map<String, Json>,
) -> Result<(), AutomergeError> {
    for field in fields {
        write_field(doc, obj, *field, values.get(field.name))?;
    }
    Ok(())
}

/// Writes one (prepared) field, or its default when `value` is `None`.
pub(crate) fn write_field(
    doc: &mut AutoCommit,
    obj: &ObjId,
    field: Field,
    value: Option<&Json>,
) -> Result<(), AutomergeError> {
    let key = field.name;
    match field.kind {
        Kind::Text => {
            let text = doc.put_object(obj, key, ObjType::Text)?;
            let s = value.and_then(Json::as_str).unwrap_or("");
            if !s.is_empty() {
                doc.splice_text(&text, 0, 0, s)?;
            }
        }
        Kind::Str(_) | Kind::Bool | Kind::U32 | Kind::U64 => {
            doc.put(obj, key, scalar(field.kind, value))?;
        }
        Kind::Map(fields) | Kind::OptMap(fields) => {
            let map = doc.put_object(obj, key, ObjType::Map)?;
            match value.and_then(Json::as_object) {
                // An optional map stays empty (reads as `None`) until something is written.
                None if matches!(field.kind, Kind::OptMap(_)) => {}
                None => write_map(doc, &map, fields, &Map::new())?,
                Some(values) if values.is_empty() && matches!(field.kind, Kind::OptMap(_)) => {}
                Some(values) => write_map(doc, &map, fields, values)?,
            }
        }
        Kind::List(fields) | Kind::Snapshot(fields) => {
            let list = doc.put_object(obj, key, ObjType::List)?;
            for (i, item) in value
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                let item_obj = doc.insert_object(&list, i, ObjType::Map)?;
                write_map(
                    doc,
                    &item_obj,
                    fields,
                    item.as_object().unwrap_or(&Map::new()),
                )?;
            }
        }
        Kind::Keyed(fields) => {
            let map = doc.put_object(obj, key, ObjType::Map)?;
            for (k, entry) in value.and_then(Json::as_object).into_iter().flatten() {
                let entry_obj = doc.put_object(&map, k.as_str(), ObjType::Map)?;
                write_map(
                    doc,
                    &entry_obj,
                    fields,
                    entry.as_object().unwrap_or(&Map::new()),
                )?;
            }
        }
        Kind::Points => {
            let map = doc.put_object(obj, key, ObjType::Map)?;
            for (k, points) in value.and_then(Json::as_object).into_iter().flatten() {
                doc.put(&map, k.as_str(), points.as_f64().unwrap_or(0.0))?;
            }
        }
    }
    Ok(())
}

/// The scalar for a (prepared) value of a scalar kind; the record's default when absent.
pub(crate) fn scalar(kind: Kind, value: Option<&Json>) -> ScalarValue {
    match kind {
        Kind::Bool => ScalarValue::Boolean(value.and_then(Json::as_bool).unwrap_or(false)),
        Kind::U32 | Kind::U64 => {
            let n = value.and_then(Json::as_u64).unwrap_or(0);
            // JS reads both as numbers; `Int` is what JS itself writes for whole numbers.
            i64::try_from(n).map_or(ScalarValue::Uint(n), ScalarValue::Int)
        }
        _ => ScalarValue::Str(value.and_then(Json::as_str).unwrap_or("").into()),
    }
}
