//! The cell a new document names, read straight from the server's `Automerge` (no copy).
//!
//! A server checking a device's first changes used to `save()` the document and load it again
//! as an `AutoCommit` to read it as a [`MeetingDoc`](super::MeetingDoc): two whole-document
//! passes per upload, as much CPU as applying the upload itself.

use super::roster::roster_record_of;
use super::{DocError, meeting_record_of};
use automerge::{ROOT, ReadDoc};

/// The `cellId` of a document that reads as a meeting (a record with a `period`) or, failing
/// that, as a roster (a `members` map and a record); `None` if it is neither. The same rule as
/// [`MeetingDoc::from_automerge`](super::MeetingDoc::from_automerge) then
/// [`RosterDoc::from_automerge`](super::RosterDoc::from_automerge), without building either.
pub fn cell_of_new_document<D: ReadDoc>(doc: &D) -> Option<String> {
    match meeting_record_of(doc) {
        Ok(meeting) if !meeting.period.is_empty() => Some(meeting.cell_id),
        _ => roster_cell(doc).ok().flatten(),
    }
}

fn roster_cell<D: ReadDoc>(doc: &D) -> Result<Option<String>, DocError> {
    if doc.get(ROOT, "members")?.is_none() {
        return Ok(None);
    }
    Ok(Some(roster_record_of(doc)?.cell_id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{MeetingDoc, RosterDoc};
    use automerge::Automerge;
    use automerge::transaction::Transactable;

    #[test]
    fn a_meeting_names_its_cell() {
        let (_, genesis) = MeetingDoc::regular_genesis("chi-bo-7", "2025-11").unwrap();
        let doc = Automerge::load(&genesis).unwrap();
        assert_eq!(cell_of_new_document(&doc).as_deref(), Some("chi-bo-7"));
    }

    #[test]
    fn a_roster_names_its_cell() {
        let (_, genesis) = RosterDoc::genesis("chi-bo-8").unwrap();
        let doc = Automerge::load(&genesis).unwrap();
        assert_eq!(cell_of_new_document(&doc).as_deref(), Some("chi-bo-8"));
    }

    #[test]
    fn a_document_of_another_shape_names_none() {
        let mut doc = automerge::AutoCommit::new();
        doc.put(ROOT, "cellId", "chi-bo-9").unwrap();
        doc.put(ROOT, "period", "2025-11").unwrap();
        assert_eq!(cell_of_new_document(doc.document()), None);
    }
}
