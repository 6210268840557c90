//! Reading a document into JSON by walking the schema tables. Every string field accepts both an
//! Automerge `Text` object and a scalar string (JS clients may write either); numbers accept
//! `Int`, `Uint` and integral `F64`; `null` and missing keys read as the record's default.
//! Keys the schema does not know are ignored, so newer clients can add fields.

use super::DocError;
use super::schema::{Check, Field, Kind};
use automerge::{ObjId, ObjType, ReadDoc, ScalarValue, Value};
use serde_json::{Map, Value as Json};

/// Reads the map `obj` laid out as `fields`; `path` names it in errors.
pub(crate) fn read_map<D: ReadDoc>(
    doc: &D,
    obj: &ObjId,
    fields: &'static [Field],
    path: &str,
) -> Result<Map<String, Json>, DocError> {
    // One pass over the map (a `get` per field seeks each key from the start of the object),
    // then the fields in schema order, so the first bad field is the one reported.
    let mut present: Vec<Option<(Value<'static>, ObjId)>> = vec![None; fields.len()];
    for item in doc.map_range(obj, ..) {
        if let Some(slot) = fields.iter().position(|f| f.name == item.key) {
            let id = item.id();
            present[slot] = Some((item.value.into_value(), id));
        }
    }
    let mut out = Map::new();
    for (field, value) in fields.iter().zip(present) {
        let Some((value, id)) = value else { continue };
        let here = join(path, field.name);
        if let Some(json) = read_value(doc, value, &id, field.kind, &here)? {
            out.insert(field.name.to_owned(), json);
        }
    }
    Ok(out)
}

fn read_value<D: ReadDoc>(
    doc: &D,
    value: Value<'_>,
    id: &ObjId,
    kind: Kind,
    path: &str,
) -> Result<Option<Json>, DocError> {
    if matches!(&value, Value::Scalar(s) if matches!(s.as_ref(), ScalarValue::Null)) {
        return Ok(None);
    }
    let json = match kind {
        Kind::Text => Json::String(read_string(doc, &value, id, path)?),
        Kind::Str(check) => {
            let s = read_string(doc, &value, id, path)?;
            // Enum codes must be known for the record to exist; other checks are left to
            // `crate::validate`, which reports them as problems instead of refusing the document.
            if let Check::Code(is_known) = check
                && !is_known(&s)
            {
                return Err(wrong(path, &format!("unknown code `{s}`")));
            }
            Json::String(s)
        }
        Kind::Bool => match scalar(&value) {
            Some(ScalarValue::Boolean(b)) => Json::Bool(*b),
            _ => return Err(wrong(path, "expected a boolean")),
        },
        Kind::U32 => Json::from(read_uint(&value, path, u64::from(u32::MAX))?),
        Kind::U64 => Json::from(read_uint(&value, path, u64::MAX)?),
        Kind::Map(fields) => Json::Object(read_map(
            doc,
            &object(&value, id, ObjType::Map, path)?,
            fields,
            path,
        )?),
        Kind::OptMap(fields) => {
            let map = read_map(doc, &object(&value, id, ObjType::Map, path)?, fields, path)?;
            if map.is_empty() {
                return Ok(None);
            }
            Json::Object(map)
        }
        Kind::List(fields) | Kind::Snapshot(fields) => {
            let list = object(&value, id, ObjType::List, path)?;
            let mut items = Vec::new();
            for item in doc.list_range(&list, ..) {
                let here = format!("{path}[{}]", item.index);
                let item_id = item.id();
                let item_obj = object(&item.value.into_value(), &item_id, ObjType::Map, &here)?;
                items.push(Json::Object(read_map(doc, &item_obj, fields, &here)?));
            }
            Json::Array(items)
        }
        Kind::Keyed(fields) => {
            let map = object(&value, id, ObjType::Map, path)?;
            let mut out = Map::new();
            for item in doc.map_range(&map, ..) {
                let here = join(path, &item.key);
                let item_id = item.id();
                let entry = object(&item.value.into_value(), &item_id, ObjType::Map, &here)?;
                let fields = read_map(doc, &entry, fields, &here)?;
                out.insert(item.key.into_owned(), Json::Object(fields));
            }
            Json::Object(out)
        }
        Kind::Points => {
            let map = object(&value, id, ObjType::Map, path)?;
            let mut out = Map::new();
            for item in doc.map_range(&map, ..) {
                let here = join(path, &item.key);
                let points = read_f64(&item.value.into_value(), &here)?;
                out.insert(item.key.into_owned(), Json::from(points));
            }
            Json::Object(out)
        }
    };
    Ok(Some(json))
}

/// `Text` object or scalar string.
fn read_string<D: ReadDoc>(
    doc: &D,
    value: &Value<'_>,
    id: &ObjId,
    path: &str,
) -> Result<String, DocError> {
    match value {
        Value::Object(ObjType::Text) => doc.text(id).map_err(|e| wrong(path, &e.to_string())),
        Value::Scalar(s) => match s.as_ref() {
            ScalarValue::Str(s) => Ok(s.to_string()),
            _ => Err(wrong(path, "expected a string")),
        },
        Value::Object(_) => Err(wrong(path, "expected a string")),
    }
}

fn scalar<'a>(value: &'a Value<'_>) -> Option<&'a ScalarValue> {
    match value {
        Value::Scalar(s) => Some(s.as_ref()),
        Value::Object(_) => None,
    }
}

fn read_uint(value: &Value<'_>, path: &str, max: u64) -> Result<u64, DocError> {
    let n = match scalar(value) {
        Some(ScalarValue::Uint(n)) => Some(*n),
        Some(ScalarValue::Int(n)) => u64::try_from(*n).ok(),
        // JS numbers arrive as F64 when a client wrote e.g. 3.0; only whole values are counts.
        // as: the value is whole, finite and within 0..=2^53, so the conversion is exact.
        Some(ScalarValue::F64(f))
            if f.fract() == 0.0 && (0.0..=9.007_199_254_740_992e15).contains(f) =>
        {
            Some(*f as u64)
        }
        _ => None,
    };
    n.filter(|n| *n <= max)
        .ok_or_else(|| wrong(path, &format!("expected a whole number up to {max}")))
}

/// A finite number of points.
pub(crate) fn read_f64(value: &Value<'_>, path: &str) -> Result<f64, DocError> {
    // as: points are small; i64/u64 → f64 rounding beyond 2^53 is irrelevant here.
    let f = match scalar(value) {
        Some(ScalarValue::F64(f)) => Some(*f),
        Some(ScalarValue::Int(n)) => Some(*n as f64),
        Some(ScalarValue::Uint(n)) => Some(*n as f64),
        _ => None,
    };
    f.filter(|f| f.is_finite())
        .ok_or_else(|| wrong(path, "expected a finite number"))
}

fn object(value: &Value<'_>, id: &ObjId, want: ObjType, path: &str) -> Result<ObjId, DocError> {
    match value {
        Value::Object(t) if *t == want => Ok(id.clone()),
        _ => Err(wrong(path, &format!("expected a {}", obj_name(want)))),
    }
}

fn obj_name(t: ObjType) -> &'static str {
    match t {
        ObjType::Map | ObjType::Table => "map",
        ObjType::List => "list",
        ObjType::Text => "text",
    }
}

/// `a.b`, or `b` at the root.
pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn wrong(path: &str, what: &str) -> DocError {
    DocError::Shape {
        path: path.to_owned(),
        reason: what.to_owned(),
    }
}
