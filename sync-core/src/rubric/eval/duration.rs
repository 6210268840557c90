//! Duration against the minimum for the meeting type (HD 42-HD/BTCTW: 90 minutes, 120 for a
//! combined regular + thematic session), possibly lower for small cells.

use super::{Outcome, fmt_num};
use crate::record::MeetingRecord;
use crate::rubric::model::DurationRule;

/// The minimum minutes for this record under `rule` (HD 42 defaults when `rule` is `None`), and
/// a note saying where it came from.
pub(in crate::rubric) fn minimum_for(
    rule: Option<&DurationRule>,
    record: &MeetingRecord,
) -> (u32, String) {
    let t = record.meeting_type;
    let default = t.minimum_minutes();
    let Some(rule) = rule else {
        return (default, format!("`{}`", t.code()));
    };
    let size = roster_size(record);
    let sized = rule
        .by_roster_size
        .iter()
        .find(|s| size >= s.min_members && s.max_members.is_none_or(|max| size <= max));
    if let Some(s) = sized
        && let Some(minutes) = s.minimum_minutes.get(t)
    {
        let range = match s.max_members {
            Some(max) => format!("{}–{max}", s.min_members),
            None => format!("≥ {}", s.min_members),
        };
        return (
            minutes,
            format!("`{}`, cell of {size} members ({range})", t.code()),
        );
    }
    (
        rule.minimum_minutes.get(t).unwrap_or(default),
        format!("`{}`", t.code()),
    )
}

/// Members on the roster expected to attend (exempt and special-duty members excluded).
fn roster_size(record: &MeetingRecord) -> u32 {
    let n = record
        .roster
        .values()
        .filter(|e| e.category.expected_to_attend())
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

pub(super) fn evaluate(max: f64, rule: &DurationRule, record: &MeetingRecord) -> Outcome {
    let (minimum, why) = minimum_for(Some(rule), record);
    match record.duration_minutes() {
        None => Outcome {
            points: 0.0,
            reasons: vec![format!(
                "duration unknown (start `{}`, end `{}`): 0 of {}",
                record.started_at,
                record.ended_at,
                fmt_num(max)
            )],
        },
        Some(d) if d < minimum => Outcome {
            points: 0.0,
            reasons: vec![format!(
                "duration (thời lượng) {d} min < minimum {minimum} min for {why}: 0 of {}",
                fmt_num(max)
            )],
        },
        Some(_) => Outcome {
            points: max,
            reasons: Vec::new(),
        },
    }
}
