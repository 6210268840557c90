//! The demo generator's tests: the province's shape, determinism, validity and variety.

use super::*;
use std::sync::OnceLock;
use sync_core::rubric;

/// The small province, generated once for the tests that only read it (a generation takes
/// seconds in a debug build).
fn small_province() -> &'static [DemoMeeting] {
    static MEETINGS: OnceLock<Vec<DemoMeeting>> = OnceLock::new();
    MEETINGS.get_or_init(|| demo_meetings_at(DemoScale::Small).unwrap())
}

#[test]
fn the_full_province_has_a_few_hundred_cells_under_six_committees() {
    let cells = demo_cells();
    assert!((200..=300).contains(&cells.len()), "{}", cells.len());
    let committees: std::collections::BTreeSet<_> =
        cells.iter().map(|c| c.committee.0.clone()).collect();
    assert_eq!(committees.len(), 6);
    for profile in [
        Profile::Exemplary,
        Profile::Typical,
        Profile::Weak,
        Profile::Struggling,
    ] {
        assert!(cells.iter().filter(|c| c.profile == profile).count() >= 10);
    }
    // What the seed writes must be unique across the whole province: unit codes, cell
    // names under a committee and secretaries' logins.
    let unique = |what: &str, keys: Vec<String>| {
        let set: std::collections::BTreeSet<&String> = keys.iter().collect();
        assert_eq!(set.len(), keys.len(), "{what} repeat");
    };
    unique("cell ids", cells.iter().map(|c| c.id.clone()).collect());
    unique(
        "cell names within a committee",
        cells
            .iter()
            .map(|c| format!("{}/{}", c.committee.0, c.name))
            .collect(),
    );
    unique(
        "secretaries",
        cells.iter().map(|c| c.secretary.clone()).collect(),
    );
    // The small province is the first six cells of every committee, unchanged.
    let small = demo_cells_at(DemoScale::Small);
    assert_eq!(small.len(), 36);
    for cell in &small {
        let full = cells.iter().find(|c| c.id == cell.id).unwrap();
        assert_eq!((full.quality, &full.members), (cell.quality, &cell.members));
    }
}

#[test]
fn the_demo_province_is_deterministic_and_every_meeting_reads_back() {
    let a = small_province();
    let mut b = demo_meetings_at(DemoScale::Small).unwrap();
    assert_eq!(a.len(), b.len());
    let regular = a
        .iter()
        .filter(|m| {
            m.doc.record().unwrap().meeting_type == sync_core::record::MeetingType::ThuongKy
        })
        .count();
    assert_eq!(regular, 36 * 11 - 6, "every cb06 skips July");
    assert!(a.len() > regular, "and there are thematic meetings");
    for (x, y) in a.iter().zip(b.iter_mut()) {
        assert_eq!(x.doc_id, y.doc_id);
        let record = x.doc.record().unwrap();
        assert_eq!(record.cell_id, x.cell_id);
        assert_eq!(record.period, x.period);
        assert_eq!(record.meeting_id, x.doc_id.to_string());
        assert!(!record.attendance.is_empty());
        assert_eq!(
            y.doc.heads(),
            MeetingDoc::load(&y.doc.save()).unwrap().heads()
        );
        // The cell's part loads alone, as delivered.
        assert_eq!(
            MeetingDoc::load(&x.cell_bytes)
                .unwrap()
                .record()
                .unwrap()
                .cell_id,
            x.cell_id
        );
    }
}

#[test]
fn every_demo_meeting_of_the_full_province_passes_validation() {
    let meetings = demo_meetings().unwrap();
    let ids: std::collections::BTreeSet<String> =
        meetings.iter().map(|m| m.doc_id.to_string()).collect();
    assert_eq!(ids.len(), meetings.len(), "document ids repeat");
    for meeting in meetings {
        let record = meeting.doc.record().unwrap();
        let errors: Vec<_> = sync_core::validate::validate(&record)
            .into_iter()
            .filter(|p| p.severity == sync_core::validate::Severity::Error)
            .collect();
        assert!(
            errors.is_empty(),
            "{} {}: {errors:?}",
            meeting.cell_id,
            meeting.period
        );
    }
}

#[test]
fn demo_cells_get_varied_levels_and_rate_themselves_above_the_committee() {
    let rubric = rubric::preset("binh-thuan").unwrap();
    let records: Vec<_> = small_province()
        .iter()
        .map(|m| m.doc.record().unwrap())
        .collect();
    let levels: std::collections::BTreeSet<_> = records
        .iter()
        .map(|r| rubric::score(&rubric, r, &r.superior_score).level)
        .collect();
    assert!(levels.len() >= 3, "{levels:?}");
    let total = |sheet| -> f64 {
        records
            .iter()
            .filter(|r| !r.superior_score.awarded.is_empty())
            .map(|r| {
                let s = if sheet {
                    &r.self_score
                } else {
                    &r.superior_score
                };
                s.awarded.values().sum::<f64>()
            })
            .sum()
    };
    assert!(total(true) > total(false) * 1.1, "self-score inflation");
}
