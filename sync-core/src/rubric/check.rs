//! Validation of a [`RubricSpec`]: everything [`super::Rubric`] promises is checked here once,
//! so scoring never meets an inconsistent rubric.

use super::error::RubricError;
use super::model::{CapCondition, Criterion, RubricSpec, Rule};
use super::share::Band;
use std::collections::HashSet;

const SLACK: f64 = 1e-9;

/// Checks `spec` and normalises its texts (NFC, Đ homoglyphs).
pub(super) fn check(mut spec: RubricSpec) -> Result<RubricSpec, RubricError> {
    let id_ok = !spec.id.is_empty()
        && spec
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b));
    if !id_ok {
        return Err(RubricError::BadId(spec.id));
    }
    if spec.version == 0 {
        return Err(RubricError::BadVersion);
    }
    check_dates(&spec)?;
    let mut types = spec.meeting_types.clone();
    types.sort_by_key(|t| t.code());
    types.dedup();
    if types.is_empty() || types.len() != spec.meeting_types.len() {
        return Err(RubricError::BadMeetingTypes);
    }
    let l = spec.levels;
    let ordered = l.tot <= 100.0 && l.tot > l.kha && l.kha > l.trung_binh && l.trung_binh > 0.0;
    // NaN fails every comparison, and the chain bounds all three within 0..=100.
    if !ordered {
        return Err(RubricError::ThresholdsNotDescending {
            tot: l.tot,
            kha: l.kha,
            trung_binh: l.trung_binh,
        });
    }
    if !spec.groups.iter().any(|g| !g.bonus) {
        return Err(RubricError::NoGroups);
    }
    if let Some(cap) = spec.bonus_cap
        && !(cap.is_finite() && cap >= 0.0)
    {
        return Err(RubricError::BadReference(format!(
            "`bonus_cap` must be a non-negative number, got `{cap}`"
        )));
    }
    check_groups(&spec)?;
    check_gates_and_caps(&spec)?;
    if let Some(rollup) = &spec.rollup {
        rollup.check().map_err(RubricError::BadReference)?;
    }
    normalise_texts(&mut spec);
    Ok(spec)
}

fn check_dates(spec: &RubricSpec) -> Result<(), RubricError> {
    let from = &spec.effective_from;
    if crate::text::parse_date(from).is_none() {
        return Err(RubricError::BadDate {
            field: "effective_from",
            value: from.clone(),
        });
    }
    if let Some(to) = &spec.effective_to {
        if crate::text::parse_date(to).is_none() {
            return Err(RubricError::BadDate {
                field: "effective_to",
                value: to.clone(),
            });
        }
        // Valid ISO dates compare correctly as strings.
        if to < from {
            return Err(RubricError::EmptyEffectiveRange {
                from: from.clone(),
                to: to.clone(),
            });
        }
    }
    Ok(())
}

fn check_groups(spec: &RubricSpec) -> Result<(), RubricError> {
    let mut ids = HashSet::new();
    for group in &spec.groups {
        if !ids.insert(group.id.as_str()) {
            return Err(RubricError::DuplicateId(group.id.clone()));
        }
        if group.criteria.is_empty() {
            return Err(RubricError::EmptyGroup(group.id.clone()));
        }
        check_max(&group.id, group.max)?;
        let mut sum = 0.0;
        for criterion in &group.criteria {
            if !ids.insert(criterion.id.as_str()) {
                return Err(RubricError::DuplicateId(criterion.id.clone()));
            }
            check_max(&criterion.id, criterion.max)?;
            check_rule(criterion)?;
            sum += criterion.max;
        }
        if (sum - group.max).abs() > SLACK {
            return Err(RubricError::GroupMaxMismatch {
                group: group.id.clone(),
                max: group.max,
                sum,
            });
        }
    }
    Ok(())
}

fn check_max(id: &str, max: f64) -> Result<(), RubricError> {
    if max.is_finite() && max > 0.0 {
        Ok(())
    } else {
        Err(RubricError::BadMax {
            id: id.to_owned(),
            max,
        })
    }
}

fn check_rule(c: &Criterion) -> Result<(), RubricError> {
    let bad = |problem: String| RubricError::BadRule {
        criterion: c.id.clone(),
        problem,
    };
    match &c.rule {
        Rule::Awarded => Ok(()),
        Rule::Attendance(rule) => {
            check_bands(c, &rule.bands)?;
            let d = rule.deduct_per_unexcused;
            if !(d.is_finite() && d >= 0.0) {
                return Err(bad(format!(
                    "`deduct_per_unexcused` must be ≥ 0, got `{d}`"
                )));
            }
            Ok(())
        }
        Rule::Participation(rule) => check_bands(c, &rule.bands),
        Rule::Duration(rule) => {
            for size in &rule.by_roster_size {
                if size.max_members.is_some_and(|max| max < size.min_members) {
                    return Err(bad(format!(
                        "roster size range `{}..={:?}` is empty",
                        size.min_members, size.max_members
                    )));
                }
            }
            Ok(())
        }
        Rule::Facts(rule) => {
            let mut seen = HashSet::new();
            if rule.facts.is_empty() {
                return Err(bad("`facts` is empty".to_owned()));
            }
            match rule.facts.iter().find(|f| !seen.insert(**f)) {
                Some(f) => Err(bad(format!("fact `{f:?}` listed twice"))),
                None => Ok(()),
            }
        }
    }
}

fn check_bands(c: &Criterion, bands: &[Band]) -> Result<(), RubricError> {
    let bad = |problem: String| RubricError::BadBands {
        criterion: c.id.clone(),
        problem,
    };
    if bands.is_empty() {
        return Err(bad("no bands".to_owned()));
    }
    let mut previous: Option<&Band> = None;
    for (i, band) in bands.iter().enumerate() {
        if band.at_least.is_some() && band.above.is_some() {
            return Err(bad(format!(
                "band {} sets both `at_least` and `above`",
                i + 1
            )));
        }
        if band.at_least.or(band.above).is_none() && i + 1 != bands.len() {
            return Err(bad(format!("catch-all band {} must be the last", i + 1)));
        }
        if let Some(share) = band.at_least.or(band.above)
            && !share.is_valid()
        {
            return Err(bad(format!(
                "band {} bound `{share}` is outside 0..100%",
                i + 1
            )));
        }
        if !(band.points.is_finite() && band.points >= 0.0 && band.points <= c.max + SLACK) {
            return Err(bad(format!(
                "band {} gives `{}` points, outside 0..=`{}`",
                i + 1,
                band.points,
                c.max
            )));
        }
        if let Some(prev) = previous {
            let lower = band.bound_percent() < prev.bound_percent()
                || (band.bound_percent() == prev.bound_percent()
                    && prev.at_least.is_none()
                    && band.at_least.is_some());
            let catch_all = band.at_least.or(band.above).is_none();
            if !(lower || catch_all) || band.points > prev.points {
                return Err(bad(format!(
                    "band {} is not below band {}: list bands best first",
                    i + 1,
                    i
                )));
            }
        }
        previous = Some(band);
    }
    Ok(())
}

fn check_gates_and_caps(spec: &RubricSpec) -> Result<(), RubricError> {
    let scored: HashSet<&str> = spec
        .groups
        .iter()
        .flat_map(|g| g.criteria.iter().map(|c| c.id.as_str()))
        .collect();
    for gate in &spec.gates {
        if gate.level == super::Level::Kem {
            return Err(RubricError::BadReference(
                "a gate cannot guard `kem`".to_owned(),
            ));
        }
        if gate.criteria.is_empty() {
            return Err(RubricError::BadReference(format!(
                "gate for `{}` names no criteria",
                gate.level.code()
            )));
        }
        if let Some(unknown) = gate.criteria.iter().find(|c| !scored.contains(c.as_str())) {
            return Err(RubricError::GateUnknownCriterion {
                level: gate.level.code(),
                criterion: unknown.clone(),
            });
        }
    }
    for cap in &spec.caps {
        match &cap.when {
            CapCondition::CriterionShort(id) if !scored.contains(id.as_str()) => {
                return Err(RubricError::BadReference(format!(
                    "cap names unknown criterion `{id}`"
                )));
            }
            CapCondition::AttendanceAtMost(share) if !share.is_valid() => {
                return Err(RubricError::BadReference(format!(
                    "cap attendance share `{share}` is outside 0..100%"
                )));
            }
            _ => {}
        }
    }
    Ok(())
}

fn normalise_texts(spec: &mut RubricSpec) {
    use crate::text::normalize;
    spec.title = normalize(&spec.title);
    spec.source = normalize(&spec.source);
    for group in &mut spec.groups {
        group.title = normalize(&group.title);
        for criterion in &mut group.criteria {
            criterion.title = normalize(&criterion.title);
        }
    }
}
