//! Scoring a record against a rubric with one score sheet. The self score and the superior
//! score are two calls with the two sheets; nothing here is stored.

use super::adjust;
use super::eval::{self, Ctx};
use super::level::{EPSILON, Level};
use super::model::Rule;
use super::{Rubric, fmt_num};
use crate::record::{MeetingRecord, ScoreSheet};
use serde::Serialize;

/// The score of one meeting under one rubric and one sheet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    /// `id@version` of the rubric.
    pub rubric: String,
    /// Points counted: scored criteria plus bonus (after the bonus cap), never above
    /// `applicable_max`.
    pub total: f64,
    /// Maximum of the scored groups.
    pub max: f64,
    /// Maximum of the criteria that applied to this meeting.
    pub applicable_max: f64,
    /// Bonus points counted (after the bonus cap).
    pub bonus: f64,
    /// `total / applicable_max × 100`.
    pub percent: f64,
    /// Final level after gates and caps.
    pub level: Level,
    /// Level from the percentage alone.
    pub level_before_gates_and_caps: Level,
    /// Every criterion, in sheet order.
    pub criteria: Vec<CriterionScore>,
    /// Every group, in sheet order.
    pub groups: Vec<GroupScore>,
    /// Gates that dropped the level.
    pub gates_failed: Vec<GateFailure>,
    /// Caps that lowered the level.
    pub caps_applied: Vec<CapApplied>,
    /// Problems with the sheet or the rubric pairing.
    pub problems: Vec<ScoreProblem>,
}

/// Points of one criterion, with a reason for every point lost.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionScore {
    /// Criterion id.
    pub id: String,
    /// Group id.
    pub group: String,
    /// Criterion title.
    pub title: String,
    /// Points earned (0 when not applicable).
    pub points: f64,
    /// Criterion maximum.
    pub max: f64,
    /// False when the criterion dropped out for this meeting.
    pub applicable: bool,
    /// Rule kind (`awarded`, `attendance`, `duration`, `participation`, `facts`).
    pub kind: &'static str,
    /// Part of a bonus group.
    pub bonus: bool,
    /// Why points were lost (or why it does not apply); empty at full marks.
    pub reasons: Vec<String>,
}

/// Points of one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupScore {
    /// Group id.
    pub id: String,
    /// Group title.
    pub title: String,
    /// Points earned (for a bonus group, before the bonus cap).
    pub points: f64,
    /// Group maximum.
    pub max: f64,
    /// Maximum of the criteria that applied.
    pub applicable_max: f64,
    /// Bonus group.
    pub bonus: bool,
}

/// A gate that dropped the level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GateFailure {
    /// The gated level the meeting reached by points.
    pub level: Level,
    /// Gate criteria short of their maximum.
    pub criteria: Vec<String>,
    /// The level after the drop.
    pub dropped_to: Level,
    /// Explanation.
    pub reason: String,
}

/// A cap that lowered the level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CapApplied {
    /// The best level allowed.
    pub at_most: Level,
    /// Explanation naming the condition and the facts.
    pub reason: String,
}

/// Something wrong with the sheet, reported but never fatal: the score is computed anyway with
/// clamped values.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum ScoreProblem {
    /// Awarded above the criterion's maximum; counted as the maximum.
    PointsAboveMax {
        /// Criterion id.
        criterion: String,
        /// Value in the sheet.
        awarded: f64,
        /// Maximum.
        max: f64,
    },
    /// Awarded a negative value; counted as 0.
    NegativePoints {
        /// Criterion id.
        criterion: String,
        /// Value in the sheet.
        awarded: f64,
    },
    /// Awarded NaN or infinity; counted as 0.
    NotANumber {
        /// Criterion id.
        criterion: String,
    },
    /// The sheet names a criterion the rubric does not have; ignored.
    UnknownCriterion {
        /// Id in the sheet.
        criterion: String,
    },
    /// The sheet awards a criterion computed from the record; ignored.
    ComputedCriterion {
        /// Criterion id.
        criterion: String,
    },
    /// The sheet awards a criterion that does not apply to this meeting; ignored.
    NotApplicable {
        /// Criterion id.
        criterion: String,
    },
    /// The sheet says it was scored with another rubric.
    RubricMismatch {
        /// `rubric_id` of the sheet.
        sheet: String,
        /// `id@version` used here.
        rubric: String,
    },
    /// Nothing applied, so no percentage exists; the level is Kém.
    NothingApplicable,
    /// The rubric does not list this meeting type; the score is computed anyway.
    MeetingTypeNotCovered {
        /// Meeting type code of the record.
        meeting_type: &'static str,
    },
    /// The meeting date is outside the rubric's effective dates; the score is computed anyway.
    OutsideEffectiveDates {
        /// Meeting date (start date, else scheduled date).
        date: String,
    },
}

/// Scores `record` under `rubric` with the points in `sheet`.
pub fn score(rubric: &Rubric, record: &MeetingRecord, sheet: &ScoreSheet) -> Score {
    let spec = rubric.spec();
    let key = rubric.key();
    let mut problems = sheet_problems(rubric, sheet, &key);
    pairing_problems(rubric, record, &mut problems);
    let ctx = Ctx {
        record,
        attendance: record.attendance_summary(),
        sheet,
    };
    let mut criteria = Vec::new();
    let mut groups = Vec::new();
    for group in &spec.groups {
        let (mut points, mut applicable_max) = (0.0, 0.0);
        for c in &group.criteria {
            let (applicable, outcome) = match eval::applies(c.applies_when.as_ref(), record) {
                Ok(()) => (true, eval::evaluate(c, &ctx, &mut problems)),
                Err(why) => {
                    if sheet.awarded.contains_key(&c.id) {
                        problems.push(ScoreProblem::NotApplicable {
                            criterion: c.id.clone(),
                        });
                    }
                    (
                        false,
                        eval::Outcome {
                            points: 0.0,
                            reasons: vec![why],
                        },
                    )
                }
            };
            if applicable {
                points += outcome.points;
                applicable_max += c.max;
            }
            criteria.push(CriterionScore {
                id: c.id.clone(),
                group: group.id.clone(),
                title: c.title.clone(),
                points: outcome.points,
                max: c.max,
                applicable,
                kind: c.rule.kind(),
                bonus: group.bonus,
                reasons: outcome.reasons,
            });
        }
        groups.push(GroupScore {
            id: group.id.clone(),
            title: group.title.clone(),
            points,
            max: group.max,
            applicable_max,
            bonus: group.bonus,
        });
    }
    let scored = |bonus: bool| groups.iter().filter(move |g| g.bonus == bonus);
    let base: f64 = scored(false).map(|g| g.points).sum();
    let applicable_max: f64 = scored(false).map(|g| g.applicable_max).sum();
    let raw_bonus: f64 = scored(true).map(|g| g.points).sum();
    let bonus = spec.bonus_cap.map_or(raw_bonus, |cap| raw_bonus.min(cap));
    let total = (base + bonus).min(applicable_max);
    let percent = if applicable_max > EPSILON {
        total / applicable_max * 100.0
    } else {
        problems.push(ScoreProblem::NothingApplicable);
        0.0
    };
    let level_before = spec.levels.level_of(percent);
    let (level, gates_failed, caps_applied) =
        adjust::apply(rubric, record, &ctx.attendance, &criteria, level_before);
    Score {
        rubric: key,
        total,
        max: rubric.max(),
        applicable_max,
        bonus,
        percent,
        level,
        level_before_gates_and_caps: level_before,
        criteria,
        groups,
        gates_failed,
        caps_applied,
        problems,
    }
}

fn pairing_problems(rubric: &Rubric, record: &MeetingRecord, problems: &mut Vec<ScoreProblem>) {
    let t = record.meeting_type;
    if !rubric.spec().meeting_types.contains(&t) {
        problems.push(ScoreProblem::MeetingTypeNotCovered {
            meeting_type: t.code(),
        });
    }
    let date = record.held_on().unwrap_or(&record.scheduled_date);
    if crate::text::parse_date(date).is_some()
        && !rubric.applies_to(t, date)
        && rubric.spec().meeting_types.contains(&t)
    {
        problems.push(ScoreProblem::OutsideEffectiveDates {
            date: date.to_owned(),
        });
    }
}

fn sheet_problems(rubric: &Rubric, sheet: &ScoreSheet, key: &str) -> Vec<ScoreProblem> {
    let mut problems = Vec::new();
    if !sheet.rubric_id.is_empty() && sheet.rubric_id != key {
        problems.push(ScoreProblem::RubricMismatch {
            sheet: sheet.rubric_id.clone(),
            rubric: key.to_owned(),
        });
    }
    for id in sheet.awarded.keys() {
        match rubric.criterion(id) {
            None => problems.push(ScoreProblem::UnknownCriterion {
                criterion: id.clone(),
            }),
            Some((_, c)) if !matches!(c.rule, Rule::Awarded) => {
                problems.push(ScoreProblem::ComputedCriterion {
                    criterion: id.clone(),
                });
            }
            Some(_) => {}
        }
    }
    problems
}

impl Score {
    /// One line per criterion that lost points, `id: reason; reason`, for logs and the CLI.
    pub fn explain(&self) -> Vec<String> {
        self.criteria
            .iter()
            .filter(|c| !c.reasons.is_empty())
            .map(|c| {
                format!(
                    "{} ({} of {}): {}",
                    c.id,
                    fmt_num(c.points),
                    fmt_num(c.max),
                    c.reasons.join("; ")
                )
            })
            .collect()
    }
}
