//! Evaluation of one criterion: whether it applies and how many points it earns, with a reason
//! for every point lost. Computed rules live in the submodules, one per rule kind.

mod attendance;
mod awarded;
mod duration;
mod facts;
mod participation;

use super::fmt_num;
use super::model::{AppliesWhen, Criterion, Rule};
use super::score::ScoreProblem;
use crate::record::{AttendanceSummary, MeetingRecord, ScoreSheet};

pub(super) use duration::minimum_for;
pub(super) use facts::check_fact;

/// What the evaluation of a criterion needs, computed once per score.
pub(super) struct Ctx<'a> {
    pub record: &'a MeetingRecord,
    pub attendance: AttendanceSummary,
    pub sheet: &'a ScoreSheet,
}

/// Points earned by one criterion and why points were lost.
pub(super) struct Outcome {
    pub points: f64,
    pub reasons: Vec<String>,
}

impl Outcome {
    fn full(max: f64) -> Outcome {
        Outcome {
            points: max,
            reasons: Vec::new(),
        }
    }
}

/// `Ok` when the criterion applies to the record, `Err(reason)` when it drops out.
pub(super) fn applies(when: Option<&AppliesWhen>, record: &MeetingRecord) -> Result<(), String> {
    let Some(when) = when else { return Ok(()) };
    if !when.meeting_types.is_empty() && !when.meeting_types.contains(&record.meeting_type) {
        let types: Vec<&str> = when.meeting_types.iter().map(|t| t.code()).collect();
        return Err(format!(
            "not applicable (không áp dụng): only for {} meetings, this is `{}`",
            types.join("/"),
            record.meeting_type.code()
        ));
    }
    if let Some(fact) = when.fact
        && let Err(why) = check_fact(fact, record, 1)
    {
        return Err(format!("not applicable (không áp dụng): {why}"));
    }
    Ok(())
}

/// Evaluates an applicable criterion. Points are always within `0 ..= max`.
pub(super) fn evaluate(c: &Criterion, ctx: &Ctx<'_>, problems: &mut Vec<ScoreProblem>) -> Outcome {
    let mut outcome = match &c.rule {
        Rule::Awarded => awarded::evaluate(c, ctx.sheet, problems),
        Rule::Attendance(rule) => attendance::evaluate(c.max, rule, ctx),
        Rule::Duration(rule) => duration::evaluate(c.max, rule, ctx.record),
        Rule::Participation(rule) => participation::evaluate(c.max, rule, ctx),
        Rule::Facts(rule) => facts::evaluate(c.max, rule, ctx.record),
    };
    outcome.points = outcome.points.clamp(0.0, c.max);
    if outcome.points < c.max && outcome.reasons.is_empty() {
        // Every rule writes its reasons; this guards the promise that no point is lost silently.
        outcome.reasons.push(format!(
            "{} of {} ({} lost)",
            fmt_num(outcome.points),
            fmt_num(c.max),
            fmt_num(c.max - outcome.points)
        ));
    }
    outcome
}
