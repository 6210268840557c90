//! Criteria awarded by the scorer: the value in the score sheet, clamped to `0 ..= max`.

use super::{Outcome, fmt_num};
use crate::record::ScoreSheet;
use crate::rubric::model::Criterion;
use crate::rubric::score::ScoreProblem;

pub(super) fn evaluate(
    c: &Criterion,
    sheet: &ScoreSheet,
    problems: &mut Vec<ScoreProblem>,
) -> Outcome {
    let max = c.max;
    let Some(&value) = sheet.awarded.get(&c.id) else {
        return Outcome {
            points: 0.0,
            reasons: vec![format!("not scored yet (chưa chấm): 0 of {}", fmt_num(max))],
        };
    };
    if !value.is_finite() {
        problems.push(ScoreProblem::NotANumber {
            criterion: c.id.clone(),
        });
        return Outcome {
            points: 0.0,
            reasons: vec![format!(
                "awarded value is not a number: 0 of {}",
                fmt_num(max)
            )],
        };
    }
    if value < 0.0 {
        problems.push(ScoreProblem::NegativePoints {
            criterion: c.id.clone(),
            awarded: value,
        });
        return Outcome {
            points: 0.0,
            reasons: vec![format!(
                "awarded {} is negative, counted as 0: 0 of {}",
                fmt_num(value),
                fmt_num(max)
            )],
        };
    }
    if value > max {
        problems.push(ScoreProblem::PointsAboveMax {
            criterion: c.id.clone(),
            awarded: value,
            max,
        });
        return Outcome::full(max);
    }
    let mut outcome = Outcome::full(value);
    if value < max {
        outcome.reasons.push(format!(
            "scorer awarded (điểm chấm) {} of {}",
            fmt_num(value),
            fmt_num(max)
        ));
    }
    outcome
}
