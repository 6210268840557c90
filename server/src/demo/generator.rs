//! The demo province: committees, cells with rosters, and a year of minutes whose quality follows
//! each cell's profile. Deterministic: the same seed gives the same documents, byte for byte.

use automerge::ActorId;
use rand::{Rng, SeedableRng, rngs::StdRng};
use sync_core::doc::{MeetingDoc, MeetingOp};
use sync_core::doc_id::DocumentId;
use sync_core::record::{AttendanceStatus, MemberCategory, OrgPathEntry};

use super::content::{content, scores};
use super::names::full_name;

/// The province committee: (code, name).
pub(crate) const PROVINCE: (&str, &str) = ("dbt-ninh-binh", "Đảng bộ tỉnh Ninh Bình");
/// Commune committees: (code, name, what their cells are called).
pub(crate) const COMMITTEES: [(&str, &str, &str); 2] = [
    ("du-hoa-lu", "Đảng ủy phường Hoa Lư", "Khu phố"),
    ("du-gia-vien", "Đảng ủy xã Gia Viễn", "Thôn"),
];
const CELLS_PER_COMMITTEE: usize = 6;
/// The demo year's months: January to November 2026.
const MONTHS: std::ops::RangeInclusive<u32> = 1..=11;

/// A cell of the demo province.
#[derive(Debug, Clone)]
pub struct DemoCell {
    /// Org-unit id.
    pub id: String,
    /// Cell name.
    pub name: String,
    /// Parent committee id and name.
    pub committee: (String, String),
    /// 0.0 (struggling) to 1.0 (exemplary): drives attendance, duration, participation, scores.
    pub quality: f64,
    /// Roster: (member id, full name, category).
    pub members: Vec<(String, String, MemberCategory)>,
}

/// One demo meeting document.
#[derive(Debug)]
pub struct DemoMeeting {
    /// The derived id of the regular meeting of (cell, month).
    pub doc_id: DocumentId,
    /// Cell id.
    pub cell_id: String,
    /// `YYYY-MM`.
    pub period: String,
    /// The document.
    pub doc: MeetingDoc,
}

/// The demo cells, in a fixed order.
pub fn demo_cells() -> Vec<DemoCell> {
    let mut rng = StdRng::seed_from_u64(2026);
    let mut cells = Vec::new();
    for (committee_id, committee_name, place) in COMMITTEES {
        for n in 1..=CELLS_PER_COMMITTEE {
            let size = rng.random_range(9..=24);
            let members = (1..=size)
                .map(|i| {
                    let category = match i {
                        _ if i == size => MemberCategory::MienSinhHoat,
                        _ if i + 2 >= size => MemberCategory::DuBi,
                        _ => MemberCategory::ChinhThuc,
                    };
                    (format!("m{i:02}"), full_name(&mut rng), category)
                })
                .collect();
            cells.push(DemoCell {
                id: format!("{committee_id}-cb{n:02}"),
                name: format!("Chi bộ {place} {n}"),
                committee: (committee_id.to_owned(), committee_name.to_owned()),
                // Spread the profiles: a few exemplary, most ordinary, one or two struggling.
                quality: [0.95, 0.8, 0.7, 0.6, 0.45, 0.3][(n - 1) % 6],
                members,
            });
        }
    }
    cells
}

/// Every demo meeting: each cell's regular meetings of 2026 so far; struggling cells miss one.
pub fn demo_meetings() -> anyhow::Result<Vec<DemoMeeting>> {
    let mut out = Vec::new();
    for (index, cell) in demo_cells().iter().enumerate() {
        let mut rng = StdRng::seed_from_u64(1000 + index as u64);
        for month in MONTHS {
            if cell.quality < 0.4 && month == 7 {
                continue; // the struggling cell did not meet in July
            }
            out.push(meeting(cell, month, &mut rng)?);
        }
    }
    Ok(out)
}

fn actor_for(cell: &DemoCell) -> ActorId {
    let mut bytes = [0u8; 16];
    for (i, b) in cell.id.bytes().enumerate() {
        bytes[i % 16] ^= b.wrapping_add(i as u8);
    }
    ActorId::from(bytes)
}

fn meeting(cell: &DemoCell, month: u32, rng: &mut StdRng) -> anyhow::Result<DemoMeeting> {
    let period = format!("2026-{month:02}");
    let (doc_id, genesis) = MeetingDoc::regular_genesis(&cell.id, &period)?;
    let mut doc = MeetingDoc::load(&genesis)?;
    doc.set_actor(actor_for(cell));
    let mut ops = Vec::new();
    header(cell, &period, rng, &mut ops);
    let present = attendance(cell, rng, &mut ops);
    content(cell, month, &present, rng, &mut ops);
    scores(cell, month, rng, &mut ops);
    for op in &ops {
        // The generator only writes fields the schema has; a refusal is a bug in this file.
        doc.apply(op)
            .map_err(|e| anyhow::anyhow!("demo op {op:?} refused: {e}"))?;
    }
    Ok(DemoMeeting {
        doc_id,
        cell_id: cell.id.clone(),
        period,
        doc,
    })
}

pub(super) fn scalar(field: &str, value: impl Into<serde_json::Value>) -> MeetingOp {
    MeetingOp::SetScalar {
        field: field.to_owned(),
        value: value.into(),
    }
}

pub(super) fn text(field: &str, value: &str) -> MeetingOp {
    MeetingOp::ReplaceText {
        field: field.to_owned(),
        value: value.to_owned(),
    }
}

fn header(cell: &DemoCell, period: &str, rng: &mut StdRng, ops: &mut Vec<MeetingOp>) {
    let q = cell.quality;
    ops.push(MeetingOp::SetOrgPathSnapshot {
        entries: vec![
            OrgPathEntry {
                unit_id: PROVINCE.0.into(),
                name: PROVINCE.1.into(),
            },
            OrgPathEntry {
                unit_id: cell.committee.0.clone(),
                name: cell.committee.1.clone(),
            },
            OrgPathEntry {
                unit_id: cell.id.clone(),
                name: cell.name.clone(),
            },
        ],
    });
    ops.push(text("cellName", &cell.name));
    // Good cells meet on the 3rd; others sometimes slip by a few days.
    let day = if rng.random_bool(q.max(0.2)) {
        3
    } else {
        rng.random_range(4..=9)
    };
    let duration = if rng.random_bool(q) {
        rng.random_range(90..=130)
    } else {
        rng.random_range(55..90)
    };
    let start_min = if rng.random_bool(0.5) {
        8 * 60
    } else {
        19 * 60 + 30
    };
    let end_min = start_min + duration;
    ops.push(scalar(
        "startedAt",
        format!(
            "{period}-{day:02}T{:02}:{:02}",
            start_min / 60,
            start_min % 60
        ),
    ));
    ops.push(scalar(
        "endedAt",
        format!("{period}-{day:02}T{:02}:{:02}", end_min / 60, end_min % 60),
    ));
    ops.push(text(
        "location",
        &format!("Nhà văn hóa {}", cell.name.trim_start_matches("Chi bộ ")),
    ));
    ops.push(scalar("chairMemberId", "m01"));
    ops.push(scalar("chairRole", "bi_thu"));
    ops.push(scalar("recorderMemberId", "m02"));
    if rng.random_bool(q) {
        ops.push(scalar("preparation.preparedByMemberId", "m01"));
        ops.push(scalar(
            "preparation.chiUyMeetingDate",
            format!("{period}-01"),
        ));
        ops.push(scalar("preparation.draftResolution", true));
        ops.push(scalar("preparation.noticeSentAt", format!("{period}-01")));
        ops.push(scalar(
            "preparation.materialsPostedAt",
            format!("{period}-02"),
        ));
        ops.push(scalar("preparation.postedOnStdvdt", true));
    }
}

/// Marks everyone's attendance; returns the members present.
fn attendance<'a>(cell: &'a DemoCell, rng: &mut StdRng, ops: &mut Vec<MeetingOp>) -> Vec<&'a str> {
    let mut present = Vec::new();
    for (id, name, category) in &cell.members {
        ops.push(MeetingOp::SetRosterEntry {
            member_id: id.clone(),
            full_name: name.clone(),
            category: *category,
        });
        let (status, reason) = if *category == MemberCategory::MienSinhHoat {
            (
                AttendanceStatus::Mien,
                "Miễn sinh hoạt theo quyết định của cấp ủy",
            )
        } else if id == "m01" || id == "m02" || rng.random_bool(0.8 + 0.2 * cell.quality) {
            (AttendanceStatus::CoMat, "")
        } else if rng.random_bool(0.6 + 0.4 * cell.quality) {
            (
                AttendanceStatus::VangCoLyDo,
                ["Đi công tác", "Ốm", "Việc gia đình"][rng.random_range(0..3)],
            )
        } else {
            (AttendanceStatus::VangKhongLyDo, "")
        };
        if status == AttendanceStatus::CoMat {
            present.push(id.as_str());
        }
        ops.push(MeetingOp::MarkAttendance {
            member_id: id.clone(),
            status,
            reason: reason.to_owned(),
            late_min: 0,
        });
    }
    present
}

#[cfg(test)]
mod tests {
    use super::*;
    use sync_core::rubric;

    #[test]
    fn the_demo_province_is_deterministic_and_every_meeting_reads_back() {
        let a = demo_meetings().unwrap();
        let mut b = demo_meetings().unwrap();
        assert_eq!(a.len(), 12 * 11 - 2, "two struggling cells skip July");
        for (x, y) in a.iter().zip(b.iter_mut()) {
            assert_eq!(x.doc_id, y.doc_id);
            let record = x.doc.record().unwrap();
            assert_eq!(record.cell_id, x.cell_id);
            assert_eq!(record.period, x.period);
            assert!(!record.attendance.is_empty());
            assert_eq!(
                y.doc.heads(),
                MeetingDoc::load(&y.doc.save()).unwrap().heads()
            );
        }
    }

    #[test]
    fn every_demo_meeting_passes_validation() {
        for meeting in demo_meetings().unwrap() {
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
    fn demo_cells_get_varied_levels() {
        let rubric = rubric::preset("binh-thuan").unwrap();
        let levels: std::collections::BTreeSet<_> = demo_meetings()
            .unwrap()
            .iter()
            .map(|m| {
                let r = m.doc.record().unwrap();
                rubric::score(&rubric, &r, &r.self_score).level
            })
            .collect();
        assert!(levels.len() >= 3, "{levels:?}");
    }
}
