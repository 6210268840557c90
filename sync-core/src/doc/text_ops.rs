//! Editing Text fields: splices in Unicode code points and minimal-diff replacement, both keeping
//! the whole field NFC (a splice can join a base letter and a combining mark that were apart).

use super::OpError;
use super::schema::Field;
use crate::text::{is_normalized, normalize};
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, ScalarValue, Value};

/// The Text object of `field` in `parent`. A scalar string written by another client is turned
/// into a Text with the same content; a missing field is created.
fn text_obj(
    doc: &mut AutoCommit,
    parent: &ObjId,
    field: Field,
    path: &str,
) -> Result<ObjId, OpError> {
    let existing = match doc.get(parent, field.name)? {
        Some((Value::Object(ObjType::Text), id)) => return Ok(id),
        Some((Value::Scalar(s), _)) => match s.as_ref() {
            ScalarValue::Str(s) => s.to_string(),
            ScalarValue::Null => String::new(),
            _ => {
                return Err(OpError::Shape {
                    field: path.to_owned(),
                    expected: "text",
                });
            }
        },
        None => String::new(),
        Some(_) => {
            return Err(OpError::Shape {
                field: path.to_owned(),
                expected: "text",
            });
        }
    };
    let id = doc.put_object(parent, field.name, ObjType::Text)?;
    if !existing.is_empty() {
        doc.splice_text(&id, 0, 0, &existing)?;
    }
    Ok(id)
}

/// Splices `insert` (normalised) at code point `index`, deleting `delete` code points.
pub(crate) fn splice(
    doc: &mut AutoCommit,
    parent: &ObjId,
    field: Field,
    index: usize,
    delete: usize,
    insert: &str,
    path: &str,
) -> Result<(), OpError> {
    // Check the range before creating anything, so a bad splice changes nothing.
    let current = match doc.get(parent, field.name)? {
        Some((Value::Object(ObjType::Text), id)) => doc.text(&id)?,
        Some((Value::Scalar(s), _)) => s.as_str().unwrap_or("").to_owned(),
        _ => String::new(),
    };
    let len = current.chars().count();
    let end = index.checked_add(delete).filter(|end| *end <= len);
    let Some(end) = end else {
        return Err(OpError::OutOfRange {
            field: path.to_owned(),
            index,
            delete,
            len,
        });
    };
    let insert = normalize(insert);
    let text = text_obj(doc, parent, field, path)?;
    let before: String = current.chars().take(index).collect();
    let after: String = current.chars().skip(end).collect();
    let combined = format!("{before}{insert}{after}");
    // Indices are code points; a document whose Automerge build counts another unit (a
    // feature of the automerge crate) gets the same result through a whole-field diff.
    let code_points = doc.text_encoding() == automerge::TextEncoding::UnicodeCodePoint;
    if code_points && is_normalized(&combined) {
        let del = isize::try_from(delete).map_err(|_| OpError::OutOfRange {
            field: path.to_owned(),
            index,
            delete,
            len,
        })?;
        doc.splice_text(&text, index, del, &insert)?;
    } else {
        doc.update_text(&text, normalize(&combined))?;
    }
    Ok(())
}

/// Replaces the content with `value` (normalised) through a minimal character diff.
pub(crate) fn replace(
    doc: &mut AutoCommit,
    parent: &ObjId,
    field: Field,
    value: &str,
    path: &str,
) -> Result<(), OpError> {
    let text = text_obj(doc, parent, field, path)?;
    doc.update_text(&text, normalize(value))?;
    Ok(())
}
