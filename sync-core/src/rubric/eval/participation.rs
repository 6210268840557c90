//! Participation: distinct members present who spoke, over members present, banded.

use super::{Ctx, Outcome, fmt_num};
use crate::rubric::model::ParticipationRule;
use crate::rubric::share::band_for;

pub(super) fn evaluate(max: f64, rule: &ParticipationRule, ctx: &Ctx<'_>) -> Outcome {
    let present = ctx.attendance.present;
    let speakers = ctx.record.speaker_count();
    if present == 0 {
        return Outcome {
            points: 0.0,
            reasons: vec![format!(
                "nobody present: participation 0 of {}",
                fmt_num(max)
            )],
        };
    }
    let last = rule.bands.len().saturating_sub(1);
    let index = band_for(&rule.bands, speakers, present).unwrap_or(last);
    let points = rule.bands.get(index).map_or(0.0, |b| b.points);
    let mut reasons = Vec::new();
    if points < max {
        let above = index.checked_sub(1).and_then(|i| rule.bands.get(i));
        let band = rule
            .bands
            .get(index)
            .map(|b| b.describe(above))
            .unwrap_or_default();
        reasons.push(format!(
            "{speakers} of {present} present spoke (đảng viên phát biểu) = {}%, {band}: {} of {}",
            fmt_num(f64::from(speakers) * 100.0 / f64::from(present)),
            fmt_num(points),
            fmt_num(max)
        ));
    }
    Outcome { points, reasons }
}
