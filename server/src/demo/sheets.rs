//! The score sheets and the review of a demo meeting: the cell's self score and submission, and
//! the committee's superior score with its decision (confirm, return with a reason, lock).

use rand::{Rng, rngs::StdRng};
use sync_core::doc::{MeetingOp, Sheet};
use sync_core::rubric::{self, Rule};

use super::generator::{DemoCell, RETURN_REASONS, scalar, text};
use super::province::Profile;

/// Where a demo meeting's review stands on the demo's "today" (26 November 2026).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Review {
    /// Still a draft at the cell.
    Draft,
    /// Submitted, waiting in the committee's queue.
    Submitted,
    /// Confirmed with the superior score.
    Confirmed,
    /// Confirmed and locked by the committee.
    Locked,
    /// Returned to the cell with a reason.
    Returned(&'static str),
}

impl Review {
    /// Whether the cell submitted the minutes.
    pub(crate) fn submitted(&self) -> bool {
        !matches!(self, Review::Draft)
    }
}

/// Committees that already worked through part of October's queue (the others have not).
const QUICK_COMMITTEES: [&str; 3] = ["du-tam-diep", "du-kim-son", "du-co-quan-tinh"];

/// The review of `cell`'s meeting in `month`: January–September confirmed (the first quarter
/// locked by Tam Điệp's committee); October submitted, partly confirmed by the quicker
/// committees, and returned for struggling cells; November submitted by the better cells,
/// still drafts at the others.
pub(crate) fn review_of(cell: &DemoCell, month: u32, rng: &mut StdRng) -> Review {
    let committee = cell.committee.0.as_str();
    match month {
        ..=3 if committee == "du-tam-diep" => Review::Locked,
        ..=9 => Review::Confirmed,
        10 => match cell.profile {
            Profile::Struggling => Review::Returned(RETURN_REASONS[rng.random_range(0..3)]),
            Profile::Weak if rng.random_bool(0.3) => {
                Review::Returned(RETURN_REASONS[rng.random_range(0..3)])
            }
            _ if QUICK_COMMITTEES.contains(&committee) && rng.random_bool(0.5) => Review::Confirmed,
            _ => Review::Submitted,
        },
        _ => match cell.profile {
            Profile::Exemplary | Profile::Typical if rng.random_bool(0.7) => Review::Submitted,
            _ => Review::Draft,
        },
    }
}

/// The cell's self score (honest for exemplary cells, generous for typical ones, the maximum
/// for weak and struggling ones) and, unless a draft, the submission.
pub(crate) fn self_sheet(
    cell: &DemoCell,
    review: &Review,
    rng: &mut StdRng,
    ops: &mut Vec<MeetingOp>,
) {
    let Some(rubric) = rubric::preset("binh-thuan") else {
        return;
    };
    ops.push(MeetingOp::SetSheetField {
        sheet: Sheet::SelfScore,
        field: "rubricId".into(),
        value: rubric.key().into(),
    });
    ops.push(MeetingOp::SetSheetField {
        sheet: Sheet::SelfScore,
        field: "votedByMembers".into(),
        value: true.into(),
    });
    for criterion in awarded(&rubric) {
        let share = match cell.profile {
            Profile::Exemplary => (cell.quality + rng.random_range(-0.02..0.06)).min(1.0),
            Profile::Typical => (cell.quality + 0.2 + rng.random_range(-0.05..0.1)).min(1.0),
            Profile::Weak | Profile::Struggling => 1.0,
        };
        ops.push(MeetingOp::AwardPoints {
            sheet: Sheet::SelfScore,
            criterion: criterion.id.clone(),
            points: (criterion.max * share.max(0.0)).round(),
        });
    }
    if review.submitted() {
        ops.push(scalar("status", "da_gui"));
    }
}

/// What the committee member writes: the superior score and the decision; nothing for a draft
/// or a meeting still in the queue.
pub(crate) fn committee_ops(cell: &DemoCell, review: &Review, rng: &mut StdRng) -> Vec<MeetingOp> {
    let mut ops = Vec::new();
    let status = match review {
        Review::Draft | Review::Submitted => return ops,
        Review::Returned(reason) => {
            ops.push(text("returnReason", reason));
            ops.push(scalar("status", "tra_lai"));
            return ops;
        }
        Review::Confirmed => "da_xac_nhan",
        Review::Locked => "khoa",
    };
    let Some(rubric) = rubric::preset("binh-thuan") else {
        return ops;
    };
    ops.push(MeetingOp::SetSheetField {
        sheet: Sheet::Superior,
        field: "rubricId".into(),
        value: rubric.key().into(),
    });
    for criterion in awarded(&rubric) {
        let share = (cell.quality + rng.random_range(-0.1..0.1)).clamp(0.0, 1.0);
        ops.push(MeetingOp::AwardPoints {
            sheet: Sheet::Superior,
            criterion: criterion.id.clone(),
            points: (criterion.max * share).round(),
        });
    }
    ops.push(scalar("status", status));
    ops
}

fn awarded(rubric: &rubric::Rubric) -> Vec<&rubric::Criterion> {
    rubric
        .spec()
        .groups
        .iter()
        .flat_map(|g| &g.criteria)
        .filter(|c| matches!(c.rule, Rule::Awarded))
        .collect()
}
