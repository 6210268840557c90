//! Attendance: present over expected members (exempt and special-duty members excluded,
//! HD 12-HD/BTCTW), banded, then unexcused absences move the meeting to the lowest band or cost
//! points, as the rubric says.

use super::{Ctx, Outcome, fmt_num};
use crate::record::AttendanceStatus;
use crate::rubric::model::AttendanceRule;
use crate::rubric::share::band_for;

pub(super) fn evaluate(max: f64, rule: &AttendanceRule, ctx: &Ctx<'_>) -> Outcome {
    let s = ctx.attendance;
    if s.expected == 0 {
        return Outcome {
            points: 0.0,
            reasons: vec![format!(
                "no member expected to attend (roster empty): attendance unknown, 0 of {}",
                fmt_num(max)
            )],
        };
    }
    let rate = format!(
        "attendance (tỷ lệ dự họp) {}% ({}/{})",
        fmt_num(s.rate() * 100.0),
        s.present,
        s.expected
    );
    let mut reasons = Vec::new();
    let last = rule.bands.len().saturating_sub(1);
    let mut index = band_for(&rule.bands, s.present, s.expected).unwrap_or(last);
    let mut points = rule.bands.get(index).map_or(0.0, |b| b.points);
    if points < max {
        let above = index.checked_sub(1).and_then(|i| rule.bands.get(i));
        let band = rule
            .bands
            .get(index)
            .map(|b| b.describe(above))
            .unwrap_or_default();
        reasons.push(format!(
            "{rate} {band}: {} of {}",
            fmt_num(points),
            fmt_num(max)
        ));
    }
    let unexcused = s.absent_unexcused;
    if unexcused > 0 {
        let who = unexcused_names(ctx);
        if rule.unexcused_to_lowest_band && index != last {
            index = last;
            points = rule.bands.get(index).map_or(0.0, |b| b.points);
            reasons.clear();
            reasons.push(format!(
                "{rate}, but {unexcused} unexcused absence(s) (vắng không lý do: {who}) → lowest band: {} of {}",
                fmt_num(points),
                fmt_num(max)
            ));
        }
        if rule.deduct_per_unexcused > 0.0 {
            let cut = rule.deduct_per_unexcused * f64::from(unexcused);
            let after = (points - cut).max(0.0);
            reasons.push(format!(
                "−{} per unexcused absence × {unexcused} (vắng không lý do: {who}): {} − {} = {} of {}",
                fmt_num(rule.deduct_per_unexcused),
                fmt_num(points),
                fmt_num(cut),
                fmt_num(after),
                fmt_num(max)
            ));
            points = after;
        }
    }
    Outcome { points, reasons }
}

/// Names of the expected members absent without reason (or not accounted for), roster order.
fn unexcused_names(ctx: &Ctx<'_>) -> String {
    let r = ctx.record;
    let names: Vec<&str> = r
        .roster
        .iter()
        .filter(|(_, e)| e.category.expected_to_attend())
        .filter(|(id, _)| {
            matches!(
                r.attendance.get(*id).map(|a| a.status),
                Some(AttendanceStatus::VangKhongLyDo) | None
            )
        })
        .map(|(id, e)| {
            if e.full_name.is_empty() {
                id.as_str()
            } else {
                e.full_name.as_str()
            }
        })
        .collect();
    names.join(", ")
}
