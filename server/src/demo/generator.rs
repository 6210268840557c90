//! The demo province's cells and meetings. Each meeting is written in two parts, as it happens:
//! the cell's secretary writes the minutes, the self score and the submission with the cell's
//! actor; the committee member writes the superior score and confirms, returns or locks with the
//! committee's actor. Deterministic: the same seed gives the same documents, byte for byte.

use automerge::{ActorId, ChangeHash};
use rand::{Rng, SeedableRng, rngs::StdRng};
use sync_core::doc::{MeetingDoc, MeetingOp};
use sync_core::doc_id::DocumentId;
use sync_core::record::{AttendanceStatus, CellType, MemberCategory};

use super::content::{content, header};
use super::names::full_name;
use super::province::{AGENCIES, COMMITTEES, Committee, Profile, profile_of};
use super::sheets::{committee_ops, review_of, self_sheet};
use super::thematic::thematic_genesis;

/// The demo year's months: January to November 2026.
const MONTHS: std::ops::RangeInclusive<u32> = 1..=11;

/// How much of the province to seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoScale {
    /// Every committee with all its cells (`server serve --demo`).
    Full,
    /// Every committee with its first six cells: the same users, profiles and first cells as
    /// the full province, for tests that seed it many times.
    Small,
}

impl DemoScale {
    fn cells_of(self, committee: &Committee) -> usize {
        match self {
            Self::Full => committee.cells,
            Self::Small => committee.cells.min(6),
        }
    }
}

/// A cell of the demo province.
#[derive(Debug, Clone)]
pub struct DemoCell {
    /// Org-unit id, `<committee>-cbNN`.
    pub id: String,
    /// Cell name.
    pub name: String,
    /// Parent committee id and name.
    pub committee: (String, String),
    /// 0.0 (struggling) to 1.0 (exemplary): drives attendance, duration, participation, scores.
    pub quality: f64,
    /// How the cell meets and rates itself.
    pub profile: Profile,
    /// The first month (2026) the cell exists: 1, or later for a cell founded during the year.
    pub founded: u32,
    /// The username of the cell's secretary.
    pub secretary: String,
    /// Roster: (member id, full name, category).
    pub members: Vec<(String, String, MemberCategory)>,
    /// Residential (a place's cells) or agency (the provincial agencies' committee).
    pub cell_type: CellType,
}

/// One demo meeting document.
#[derive(Debug)]
pub struct DemoMeeting {
    /// The derived id of the meeting of (cell, month, type).
    pub doc_id: DocumentId,
    /// Cell id.
    pub cell_id: String,
    /// Committee id.
    pub committee_id: String,
    /// `YYYY-MM`.
    pub period: String,
    /// The document as it is after both parts.
    pub doc: MeetingDoc,
    /// Heads after the cell's part (genesis, minutes, self score, submission).
    pub cell_heads: Vec<ChangeHash>,
    /// The document saved after the cell's part: what the secretary's device delivered.
    pub cell_bytes: Vec<u8>,
    /// Whether the committee wrote anything after the cell's part.
    pub reviewed: bool,
}

/// The member code (party card number, the roster key) of the `i`th member of `cell_id`:
/// `du-hoa-lu-cb01-m05`. Unique in the province, as the server's member list requires.
pub fn member_code(cell_id: &str, i: usize) -> String {
    format!("{cell_id}-m{i:02}")
}

/// The secretary's username of the `n`th cell of `committee` (`bithu.hoalu1`).
pub(crate) fn secretary_of(committee: &Committee, n: usize) -> String {
    format!("bithu.{}{n}", committee.short)
}

/// The demo cells at `scale`, in a fixed order (committee by committee).
pub fn demo_cells_at(scale: DemoScale) -> Vec<DemoCell> {
    let mut cells = Vec::new();
    for (c, committee) in COMMITTEES.iter().enumerate() {
        let mut rng = StdRng::seed_from_u64(2026 + c as u64);
        for n in 1..=scale.cells_of(committee) {
            let (quality, profile) = profile_of(n, &mut rng);
            let big = committee.place.is_none();
            let size = if big {
                rng.random_range(14..=32)
            } else {
                rng.random_range(9..=24)
            };
            let cell_id = format!("{}-cb{n:02}", committee.code);
            let members = (1..=size)
                .map(|i| {
                    let category = match i {
                        _ if i == size => MemberCategory::MienSinhHoat,
                        _ if i + 2 >= size => MemberCategory::DuBi,
                        _ => MemberCategory::ChinhThuc,
                    };
                    (member_code(&cell_id, i), full_name(&mut rng), category)
                })
                .collect();
            let name = match committee.place {
                Some(place) => format!("Chi bộ {place} {n}"),
                None => format!("Chi bộ {}", AGENCIES[(n - 1) % AGENCIES.len()]),
            };
            // The last residential cell of Hoa Lư and Kim Sơn was split off in April 2026.
            let founded = match committee.code {
                "du-hoa-lu" | "du-kim-son" if n == committee.cells && n > 6 => 4,
                _ => 1,
            };
            cells.push(DemoCell {
                id: cell_id,
                name,
                committee: (committee.code.to_owned(), committee.name.to_owned()),
                quality,
                profile,
                founded,
                secretary: secretary_of(committee, n),
                members,
                cell_type: if big {
                    CellType::CoQuan
                } else {
                    CellType::ThonToDanPho
                },
            });
        }
    }
    cells
}

/// The cells of the full province.
pub fn demo_cells() -> Vec<DemoCell> {
    demo_cells_at(DemoScale::Full)
}

/// Every meeting of the full province.
pub fn demo_meetings() -> anyhow::Result<Vec<DemoMeeting>> {
    demo_meetings_at(DemoScale::Full)
}

/// Every demo meeting at `scale`: each cell's regular meetings of 2026 so far (struggling cells
/// miss some months; cb06 of every committee misses July only) and its thematic meetings
/// (exemplary cells one a quarter, others now and then).
pub fn demo_meetings_at(scale: DemoScale) -> anyhow::Result<Vec<DemoMeeting>> {
    let mut out = Vec::new();
    for cell in demo_cells_at(scale) {
        let cell = &cell;
        // Seeded by the cell's id, so a cell has the same meetings at every scale.
        let seed = cell.id.bytes().fold(1000_u64, |h, b| {
            h.wrapping_mul(131).wrapping_add(u64::from(b))
        });
        let mut rng = StdRng::seed_from_u64(seed);
        let skipped: Vec<u32> = match cell.profile {
            Profile::Struggling if cell.id.ends_with("-cb06") => vec![7],
            Profile::Struggling => {
                let a = rng.random_range(2..=10);
                let b = rng.random_range(2..=10);
                vec![a, b]
            }
            _ => Vec::new(),
        };
        let thematic_chance = match cell.profile {
            Profile::Exemplary => 1.0,
            Profile::Typical => 0.5,
            Profile::Weak => 0.2,
            Profile::Struggling => 0.0,
        };
        for month in MONTHS {
            if month < cell.founded || skipped.contains(&month) {
                continue;
            }
            out.push(meeting(cell, month, false, &mut rng)?);
            // A thematic meeting in the middle month of each quarter (and November for Q4).
            if matches!(month, 2 | 5 | 8 | 11) && rng.random_bool(thematic_chance) {
                out.push(meeting(cell, month, true, &mut rng)?);
            }
        }
    }
    Ok(out)
}

/// The actor of a cell's secretary device.
fn actor_for(cell: &DemoCell) -> ActorId {
    let mut bytes = [0u8; 16];
    for (i, b) in cell.id.bytes().enumerate() {
        bytes[i % 16] ^= b.wrapping_add(i as u8);
    }
    ActorId::from(bytes)
}

/// The actor of a committee member's device.
pub(crate) fn committee_actor(committee_id: &str) -> ActorId {
    let mut bytes = [0xA5u8; 16];
    for (i, b) in committee_id.bytes().enumerate() {
        bytes[i % 16] ^= b.wrapping_mul(31).wrapping_add(i as u8);
    }
    ActorId::from(bytes)
}

fn meeting(
    cell: &DemoCell,
    month: u32,
    thematic: bool,
    rng: &mut StdRng,
) -> anyhow::Result<DemoMeeting> {
    let period = format!("2026-{month:02}");
    let (doc_id, mut doc) = if thematic {
        thematic_genesis(&cell.id, &period)?
    } else {
        let (id, genesis) = MeetingDoc::regular_genesis(&cell.id, &period)?;
        (id, MeetingDoc::load(&genesis)?)
    };
    doc.set_actor(actor_for(cell));
    let review = review_of(cell, month, rng);
    let mut ops = Vec::new();
    header(cell, &period, thematic, rng, &mut ops);
    let present = attendance(cell, rng, &mut ops);
    content(cell, month, &present, rng, &mut ops);
    self_sheet(cell, &review, rng, &mut ops);
    apply_all(&mut doc, &ops)?;
    let cell_heads = doc.heads();
    let cell_bytes = doc.save();
    let committee = committee_ops(cell, &review, rng);
    let reviewed = !committee.is_empty();
    if reviewed {
        doc.set_actor(committee_actor(&cell.committee.0));
        apply_all(&mut doc, &committee)?;
    }
    Ok(DemoMeeting {
        doc_id,
        cell_id: cell.id.clone(),
        committee_id: cell.committee.0.clone(),
        period,
        doc,
        cell_heads,
        cell_bytes,
        reviewed,
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

fn apply_all(doc: &mut MeetingDoc, ops: &[MeetingOp]) -> anyhow::Result<()> {
    for op in ops {
        // The generator only writes fields the schema has; a refusal is a bug in this module.
        doc.apply(op)
            .map_err(|e| anyhow::anyhow!("demo op {op:?} refused: {e}"))?;
    }
    Ok(())
}

/// Marks everyone's attendance; returns the members present.
fn attendance<'a>(cell: &'a DemoCell, rng: &mut StdRng, ops: &mut Vec<MeetingOp>) -> Vec<&'a str> {
    let mut present = Vec::new();
    for (i, (id, name, category)) in cell.members.iter().enumerate() {
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
        } else if i < 2 || rng.random_bool(0.8 + 0.2 * cell.quality) {
            // The first two members chair and record the meeting: always there.
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

/// A reason the committee gives when it returns minutes.
pub(crate) const RETURN_REASONS: [&str; 3] = [
    "Biên bản chưa ghi đủ ý kiến thảo luận của đảng viên; đề nghị bổ sung và gửi lại.",
    "Chưa có kết quả biểu quyết nghị quyết; đề nghị chi bộ bổ sung.",
    "Tự chấm điểm cao hơn kết quả thực tế; đề nghị chi bộ chấm lại theo hướng dẫn.",
];

#[cfg(test)]
mod tests;
