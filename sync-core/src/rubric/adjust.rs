//! Caps and gates: the level from the percentage is first limited by caps (conditions such as
//! "any unexcused absence → at most Khá"), then each gate of the level reached must hold (full
//! marks on its criteria) or the level drops one step, repeatedly. A gate criterion that does
//! not apply to the meeting counts as satisfied.

use super::Rubric;
use super::eval::minimum_for;
use super::fmt_num;
use super::level::{EPSILON, Level};
use super::model::CapCondition;
use super::score::{CapApplied, CriterionScore, GateFailure};
use crate::record::{AttendanceSummary, MeetingRecord};

pub(super) fn apply(
    rubric: &Rubric,
    record: &MeetingRecord,
    attendance: &AttendanceSummary,
    criteria: &[CriterionScore],
    start: Level,
) -> (Level, Vec<GateFailure>, Vec<CapApplied>) {
    let mut level = start;
    let mut caps = Vec::new();
    for cap in &rubric.spec().caps {
        if let Some(why) = cap_holds(&cap.when, rubric, record, attendance, criteria)
            && level > cap.at_most
        {
            level = cap.at_most;
            caps.push(CapApplied {
                at_most: cap.at_most,
                reason: format!("{why}: level at most {}", cap.at_most.label()),
            });
        }
    }
    let mut gates = Vec::new();
    'drop: loop {
        for gate in rubric.spec().gates.iter().filter(|g| g.level == level) {
            let short: Vec<String> = gate
                .criteria
                .iter()
                .filter_map(|id| criteria.iter().find(|c| &c.id == id))
                .filter(|c| c.applicable && c.points + EPSILON < c.max)
                .map(|c| c.id.clone())
                .collect();
            if !short.is_empty() {
                let details: Vec<String> = short
                    .iter()
                    .filter_map(|id| criteria.iter().find(|c| &c.id == id))
                    .map(|c| format!("{} {} of {}", c.id, fmt_num(c.points), fmt_num(c.max)))
                    .collect();
                let dropped_to = level.below();
                gates.push(GateFailure {
                    level,
                    criteria: short,
                    dropped_to,
                    reason: format!(
                        "{} needs full marks on {}; short: {} → {}",
                        level.label(),
                        gate.criteria.join(", "),
                        details.join(", "),
                        dropped_to.label()
                    ),
                });
                level = dropped_to;
                continue 'drop;
            }
        }
        break;
    }
    (level, gates, caps)
}

/// `Some(explanation)` when the condition holds for this meeting.
fn cap_holds(
    when: &CapCondition,
    rubric: &Rubric,
    record: &MeetingRecord,
    s: &AttendanceSummary,
    criteria: &[CriterionScore],
) -> Option<String> {
    match when {
        CapCondition::AttendanceAtMost(share) => {
            if s.expected == 0 {
                return Some("attendance unknown (no member expected)".to_owned());
            }
            (!share.exceeded_by(s.present, s.expected)).then(|| {
                format!(
                    "attendance {}% ({}/{}) ≤ {share}",
                    fmt_num(s.rate() * 100.0),
                    s.present,
                    s.expected
                )
            })
        }
        CapCondition::AnyUnexcusedAbsence => (s.absent_unexcused > 0).then(|| {
            format!(
                "{} unexcused absence(s) (vắng không lý do)",
                s.absent_unexcused
            )
        }),
        CapCondition::DurationBelowMinimum => {
            let (minimum, why) = minimum_for(rubric.duration_rule(), record);
            match record.duration_minutes() {
                None => Some("duration unknown".to_owned()),
                Some(d) if d < minimum => Some(format!(
                    "duration {d} min < minimum {minimum} min for {why}"
                )),
                Some(_) => None,
            }
        }
        CapCondition::CriterionShort(id) => criteria
            .iter()
            .find(|c| &c.id == id && c.applicable && c.points + EPSILON < c.max)
            .map(|c| format!("{} {} of {}", c.id, fmt_num(c.points), fmt_num(c.max))),
    }
}
