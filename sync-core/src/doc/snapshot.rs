//! Reading a meeting without editing it: [`MeetingRead`], implemented by the edited
//! [`MeetingDoc`] and by [`MeetingSnapshot`], a read-only wrapper of a plain [`Automerge`]
//! document (the server's copy of what its sync engine holds, rated without loading the
//! stored bytes again).

use super::authorship::{self, Traced};
use super::{Conflict, DocError, FieldAuthorship, MeetingDoc, Writer, conflicts, meeting_of};
use crate::record::MeetingRecord;
use automerge::{Automerge, ChangeHash, ROOT, ReadDoc};

/// What reading a meeting document needs: the record, its conflicts, who wrote what.
pub trait MeetingRead {
    /// Reads the whole document as a record; errors name the field path.
    fn record(&self) -> Result<MeetingRecord, DocError>;
    /// Every field with concurrent values, each with its author.
    fn conflicts(&self) -> Vec<Conflict>;
    /// See [`MeetingDoc::field_authors`].
    fn field_authors(&self) -> Vec<FieldAuthorship>;
    /// See [`MeetingDoc::committee_field_authors`].
    fn committee_field_authors(&self) -> Vec<FieldAuthorship>;
    /// See [`MeetingDoc::change_authors`].
    fn change_authors(&self) -> Vec<Writer>;
    /// The current heads.
    fn current_heads(&self) -> Vec<ChangeHash>;
    /// The root `cellId` as written (normalised), readable even when the record is not.
    fn raw_cell_id(&self) -> Option<String>;
}

impl MeetingRead for MeetingDoc {
    fn record(&self) -> Result<MeetingRecord, DocError> {
        MeetingDoc::record(self)
    }

    fn conflicts(&self) -> Vec<Conflict> {
        MeetingDoc::conflicts(self)
    }

    fn field_authors(&self) -> Vec<FieldAuthorship> {
        MeetingDoc::field_authors(self)
    }

    fn committee_field_authors(&self) -> Vec<FieldAuthorship> {
        MeetingDoc::committee_field_authors(self)
    }

    fn change_authors(&self) -> Vec<Writer> {
        MeetingDoc::change_authors(self)
    }

    fn current_heads(&self) -> Vec<ChangeHash> {
        // `get_heads` wants `&mut` to close a pending transaction.
        self.inner().clone().get_heads()
    }

    fn raw_cell_id(&self) -> Option<String> {
        raw_cell_id(self.inner())
    }
}

/// A meeting held as a plain [`Automerge`] document, read and never written.
#[derive(Debug, Clone)]
pub struct MeetingSnapshot {
    doc: Automerge,
}

impl MeetingSnapshot {
    /// Wraps `doc` if it reads as a meeting, with the record the check read (as
    /// [`MeetingDoc::load_with_record`] does); otherwise the error and the document back.
    pub fn new(
        doc: Automerge,
    ) -> Result<(MeetingSnapshot, MeetingRecord), (DocError, Box<Automerge>)> {
        match meeting_of(&doc) {
            Ok(record) => Ok((MeetingSnapshot { doc }, record)),
            Err(e) => Err((e, Box::new(doc))),
        }
    }
}

impl MeetingRead for MeetingSnapshot {
    fn record(&self) -> Result<MeetingRecord, DocError> {
        super::meeting_record_of(&self.doc)
    }

    fn conflicts(&self) -> Vec<Conflict> {
        conflicts::find(&self.doc)
    }

    fn field_authors(&self) -> Vec<FieldAuthorship> {
        authorship::field_authors(&self.doc)
    }

    fn committee_field_authors(&self) -> Vec<FieldAuthorship> {
        authorship::committee_field_authors(&self.doc)
    }

    fn change_authors(&self) -> Vec<Writer> {
        Traced::change_authors(&self.doc)
    }

    fn current_heads(&self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    fn raw_cell_id(&self) -> Option<String> {
        raw_cell_id(&self.doc)
    }
}

/// The root `cellId` of any Automerge document as a normalised string, if it holds one: what
/// a document that is not a meeting (or not a valid one) says about its cell.
pub fn raw_cell_id<D: ReadDoc>(doc: &D) -> Option<String> {
    match doc.get(ROOT, "cellId").ok()?? {
        (automerge::Value::Scalar(s), _) => match s.as_ref() {
            automerge::ScalarValue::Str(text) => Some(crate::text::normalize(text)),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{MeetingOp, Sheet};
    use automerge::ActorId;
    use serde_json::json;

    fn edited_meeting() -> MeetingDoc {
        let (_, genesis) = MeetingDoc::regular_genesis("CB-001", "2026-10").expect("genesis");
        let mut doc = MeetingDoc::load(&genesis)
            .expect("load")
            .with_actor(ActorId::from([0xaa; 16]));
        let mut other = doc.fork().with_actor(ActorId::from([0xbb; 16]));
        doc.apply(&MeetingOp::ReplaceText {
            field: "location".into(),
            value: "Hội trường thôn".into(),
        })
        .expect("location");
        doc.apply(&MeetingOp::AwardPoints {
            sheet: Sheet::Superior,
            criterion: "c1".into(),
            points: 8.0,
        })
        .expect("superior points");
        // Two devices set the same field: a conflict both readers must report.
        for (d, at) in [
            (&mut doc, "2026-10-03T08:00"),
            (&mut other, "2026-10-03T08:30"),
        ] {
            d.apply(&MeetingOp::SetScalar {
                field: "startedAt".into(),
                value: json!(at),
            })
            .expect("startedAt");
        }
        doc.merge(&mut other).expect("merge");
        doc
    }

    #[test]
    fn a_snapshot_reads_what_the_edited_document_reads() {
        let mut doc = edited_meeting();
        let plain = Automerge::load(&doc.save()).expect("plain load");
        let (snapshot, record) = MeetingSnapshot::new(plain).expect("a meeting");
        let doc: &dyn MeetingRead = &doc;
        let snap: &dyn MeetingRead = &snapshot;
        assert_eq!(record, doc.record().expect("record"));
        assert_eq!(snap.record(), doc.record());
        assert!(!doc.conflicts().is_empty(), "the fixture has a conflict");
        assert_eq!(snap.conflicts(), doc.conflicts());
        assert!(!doc.field_authors().is_empty());
        assert!(!doc.committee_field_authors().is_empty());
        assert_eq!(snap.field_authors(), doc.field_authors());
        assert_eq!(
            snap.committee_field_authors(),
            doc.committee_field_authors()
        );
        assert_eq!(snap.change_authors(), doc.change_authors());
        assert_eq!(snap.current_heads(), doc.current_heads());
        assert_eq!(snap.raw_cell_id().as_deref(), Some("CB-001"));
        assert_eq!(snap.raw_cell_id(), doc.raw_cell_id());
    }

    #[test]
    fn a_document_that_is_not_a_meeting_is_handed_back() {
        let (_, roster) = crate::doc::RosterDoc::genesis("CB-001").expect("roster");
        let plain = Automerge::load(&roster).expect("plain load");
        let heads = plain.get_heads();
        let (_, back) = MeetingSnapshot::new(plain).expect_err("a roster is no meeting");
        assert_eq!(back.get_heads(), heads);
    }
}
