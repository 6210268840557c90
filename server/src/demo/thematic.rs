//! Thematic (chuyên đề) demo meetings with stable ids. sync-core derives ids only for regular
//! meetings, so the demo derives one the same way (namespace + `cell/period/chuyen_de`) and
//! writes the skeleton by copying the regular genesis of the same cell and month with the id and
//! the meeting type replaced, as one change at time 0 by an actor derived from the id.

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, AutoCommit, ObjId, ObjType, ROOT, ReadDoc, ScalarValue, Value};
use sha2::{Digest, Sha256};
use sync_core::doc::{MEETING_NAMESPACE, MeetingDoc};
use sync_core::doc_id::DocumentId;
use sync_core::record::MeetingType;

/// The id and skeleton of the thematic meeting of `cell_id` in `period`.
pub(super) fn thematic_genesis(
    cell_id: &str,
    period: &str,
) -> anyhow::Result<(DocumentId, MeetingDoc)> {
    let code = MeetingType::ChuyenDe.code();
    let id = DocumentId::derive(MEETING_NAMESPACE, &format!("{cell_id}/{period}/{code}"));
    let (_, regular) = MeetingDoc::regular_genesis(cell_id, period)?;
    let source = automerge::Automerge::load(&regular)?;
    let mut digest = Sha256::new();
    digest.update(b"chibo/demo-thematic-actor/v1\0");
    digest.update(id.as_bytes());
    let mut doc = AutoCommit::new().with_actor(ActorId::from(&digest.finalize()[..16]));
    for key in source.keys(&ROOT).collect::<Vec<_>>() {
        let replaced = match key.as_str() {
            "meetingId" => Some(id.to_string()),
            "meetingType" => Some(code.to_owned()),
            _ => None,
        };
        match (replaced, source.get(&ROOT, key.as_str())?) {
            (Some(value), _) => doc.put(ROOT, key.as_str(), value)?,
            (None, Some((value, obj))) => {
                copy_into_map(&source, &mut doc, &ROOT, &key, value, &obj)?
            }
            (None, None) => {}
        }
    }
    doc.commit_with(CommitOptions::default().with_time(0));
    Ok((id, MeetingDoc::from_automerge(doc)?))
}

fn copy_into_map(
    source: &automerge::Automerge,
    doc: &mut AutoCommit,
    parent: &ObjId,
    key: &str,
    value: Value<'_>,
    obj: &ObjId,
) -> anyhow::Result<()> {
    match value {
        Value::Scalar(s) => doc.put(parent, key, s.into_owned())?,
        Value::Object(kind) => {
            let target = doc.put_object(parent, key, kind)?;
            copy_object(source, doc, obj, &target, kind)?;
        }
    }
    Ok(())
}

fn copy_object(
    source: &automerge::Automerge,
    doc: &mut AutoCommit,
    from: &ObjId,
    to: &ObjId,
    kind: ObjType,
) -> anyhow::Result<()> {
    match kind {
        ObjType::Map | ObjType::Table => {
            for key in source.keys(from).collect::<Vec<_>>() {
                if let Some((value, obj)) = source.get(from, key.as_str())? {
                    copy_into_map(source, doc, to, &key, value, &obj)?;
                }
            }
        }
        ObjType::List => {
            for i in 0..source.length(from) {
                match source.get(from, i)? {
                    Some((Value::Scalar(s), _)) => {
                        let s: ScalarValue = s.into_owned();
                        doc.insert(to, i, s)?;
                    }
                    Some((Value::Object(k), obj)) => {
                        let target = doc.insert_object(to, i, k)?;
                        copy_object(source, doc, &obj, &target, k)?;
                    }
                    None => {}
                }
            }
        }
        ObjType::Text => {
            let text = source.text(from)?;
            if !text.is_empty() {
                doc.splice_text(to, 0, 0, &text)?;
            }
        }
    }
    Ok(())
}
