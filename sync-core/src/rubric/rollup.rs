//! The yearly roll-up: monthly levels of a year's regular meetings → the year's level.
//!
//! Phú Thọ (domain.md §3.2 A, §5.3): year Tốt = every regular meeting Khá or better and at least
//! 7 Tốt. Counts the source does not give stay unset (`at_least_count` absent) and the roll-up
//! then answers "undetermined" instead of guessing. A month with no rated meeting counts as the
//! rubric's `missing_month` level (Kém by default, domain.md §8(b)) or is ignored.

use super::Rubric;
use super::level::Level;
pub use super::rollup_note::RollupNote;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Roll-up configuration of a rubric.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RollupRule {
    /// How a month without a rated meeting counts.
    #[serde(default)]
    pub missing_month: MissingMonth,
    /// Rules, best level first; the first that holds gives the year's level.
    #[serde(default)]
    pub rules: Vec<YearRule>,
    /// Level when no rule holds; undetermined when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otherwise: Option<Level>,
}

/// How a missing month counts: a level code (`"kem"`) or `"ignore"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum MissingMonth {
    /// Counts as this level.
    CountAs(Level),
    /// Left out of the roll-up.
    Ignore,
}

impl Default for MissingMonth {
    fn default() -> Self {
        MissingMonth::CountAs(Level::Kem)
    }
}

impl TryFrom<String> for MissingMonth {
    type Error = String;

    fn try_from(code: String) -> Result<Self, Self::Error> {
        if code == "ignore" {
            return Ok(MissingMonth::Ignore);
        }
        Level::BEST_FIRST
            .into_iter()
            .find(|l| l.code() == code)
            .map(MissingMonth::CountAs)
            .ok_or_else(|| {
                format!("`missing_month` must be a level code or `ignore`, got `{code}`")
            })
    }
}

impl From<MissingMonth> for String {
    fn from(m: MissingMonth) -> String {
        match m {
            MissingMonth::CountAs(level) => level.code().to_owned(),
            MissingMonth::Ignore => "ignore".to_owned(),
        }
    }
}

/// The year reaches `level` when every counted month is at least `all_at_least` and at least
/// `at_least_count` months are at `count_level` or better.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearRule {
    /// The year's level when the rule holds.
    pub level: Level,
    /// Every counted month must be at least this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all_at_least: Option<Level>,
    /// Level counted by `at_least_count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count_level: Option<Level>,
    /// Months needed at `count_level` or better; absent = the source does not say (undetermined).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least_count: Option<u32>,
}

impl RollupRule {
    /// Checks the rule list: best first, one rule per level, counts within a year.
    pub(super) fn check(&self) -> Result<(), String> {
        for pair in self.rules.windows(2) {
            if let [a, b] = pair
                && a.level <= b.level
            {
                return Err(format!(
                    "roll-up rules must be best level first, each level once: `{}` before `{}`",
                    a.level.code(),
                    b.level.code()
                ));
            }
        }
        for rule in &self.rules {
            if rule.at_least_count.is_some_and(|n| n > 12) {
                return Err(format!(
                    "roll-up rule `{}` needs more than 12 months",
                    rule.level.code()
                ));
            }
            if rule.at_least_count.is_some() && rule.count_level.is_none() {
                return Err(format!(
                    "roll-up rule `{}` has a count but no `count_level`",
                    rule.level.code()
                ));
            }
        }
        Ok(())
    }
}

/// Whether a cell owes a meeting for a month of the year being rolled up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MonthDue {
    /// The cell owes a meeting: without a rated one, the rubric's `missing_month` applies.
    #[default]
    Due,
    /// The cell was not under the committee then (founded later, dissolved or moved): a month
    /// without a meeting is left out, never counted against the cell.
    NotExpected,
    /// Not over yet: a month without a meeting is left out and the roll-up is provisional.
    Future,
}

/// One month of the roll-up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthEntry {
    /// `YYYY-MM`.
    pub period: String,
    /// Level given for the month, if any.
    pub level: Option<Level>,
    /// Level it counts as (`None`: ignored).
    pub counted_as: Option<Level>,
    /// Whether the cell owed a meeting that month.
    pub due: MonthDue,
}

/// The year's level, or why it cannot be determined.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearRollup {
    /// `id@version` of the rubric.
    pub rubric: String,
    /// The year, from the periods given.
    pub year: Option<i64>,
    /// The year's level; `None` when undetermined.
    pub level: Option<Level>,
    /// Why the level is undetermined.
    pub undetermined: Option<String>,
    /// All twelve months, in order.
    pub months: Vec<MonthEntry>,
    /// Counted months per level.
    pub counts: BTreeMap<Level, u32>,
    /// How each rule was decided, best level first, in English (the same as `notes`).
    pub reasons: Vec<String>,
    /// How each rule was decided, best level first, as data a client words in its language.
    pub notes: Vec<RollupNote>,
    /// Periods that were malformed, of another year or repeated (ignored).
    pub problems: Vec<String>,
    /// Whether months of the year are still to come ([`MonthDue::Future`] without a level): the
    /// level is that of the months so far, not the year's.
    pub provisional: bool,
}

/// Rolls up monthly levels (`(YYYY-MM, level)`, `None` = no rated meeting) into the year's
/// level under `rubric`'s roll-up rule. The year is that of the first valid period; months of the
/// year that are not listed count as missing.
pub fn rollup_year<S: AsRef<str>>(rubric: &Rubric, months: &[(S, Option<Level>)]) -> YearRollup {
    rollup_year_due(rubric, months, |_| MonthDue::Due)
}

/// [`rollup_year`] where `due(month)` (1–12) tells which months the cell owed a meeting for: a
/// month without a rated meeting counts as missing only when it was [`MonthDue::Due`]. A level
/// given for a month that was not due still counts (the cell met).
pub fn rollup_year_due<S: AsRef<str>>(
    rubric: &Rubric,
    months: &[(S, Option<Level>)],
    due: impl Fn(u32) -> MonthDue,
) -> YearRollup {
    let mut out = YearRollup {
        rubric: rubric.key(),
        year: None,
        level: None,
        undetermined: None,
        months: Vec::new(),
        counts: BTreeMap::new(),
        reasons: Vec::new(),
        notes: Vec::new(),
        problems: Vec::new(),
        provisional: false,
    };
    let mut given: [Option<Option<Level>>; 12] = [None; 12];
    for (period, level) in months {
        let period = period.as_ref();
        let Some((y, m)) = parse_period(period) else {
            out.problems
                .push(format!("period `{period}` is not `YYYY-MM`"));
            continue;
        };
        let year = *out.year.get_or_insert(y);
        let slot = usize::try_from(m - 1).ok().and_then(|i| given.get_mut(i));
        match slot {
            _ if y != year => out
                .problems
                .push(format!("period `{period}` is not in {year}")),
            Some(slot @ None) => *slot = Some(*level),
            Some(Some(_)) => out
                .problems
                .push(format!("period `{period}` given twice; first kept")),
            None => out.problems.push(format!("period `{period}` has no month")),
        }
    }
    let Some(year) = out.year else {
        out.undetermined = Some("no valid month given".to_owned());
        return out;
    };
    let Some(rule) = &rubric.spec().rollup else {
        out.undetermined = Some("undetermined: rubric has no yearly roll-up rule".to_owned());
        return out;
    };
    for (month, level) in (1..=12).zip(given.iter()) {
        let level = level.flatten();
        let due = due(month);
        let counted_as = match (level, due, rule.missing_month) {
            (Some(l), _, _) => Some(l),
            (None, MonthDue::Due, MissingMonth::CountAs(l)) => Some(l),
            (None, MonthDue::Due, MissingMonth::Ignore) => None,
            (None, MonthDue::NotExpected | MonthDue::Future, _) => None,
        };
        out.provisional |= level.is_none() && due == MonthDue::Future;
        if let Some(l) = counted_as {
            *out.counts.entry(l).or_default() += 1;
        }
        out.months.push(MonthEntry {
            period: format!("{year:04}-{month:02}"),
            level,
            counted_as,
            due,
        });
    }
    decide(rule, &mut out);
    let left_out = |due: MonthDue| {
        out.months
            .iter()
            .filter(|m| m.level.is_none() && m.due == due)
            .map(|m| m.period.clone())
            .collect::<Vec<_>>()
    };
    let (not_expected, future) = (left_out(MonthDue::NotExpected), left_out(MonthDue::Future));
    if !not_expected.is_empty() {
        out.notes.push(RollupNote::NotExpected {
            months: not_expected,
        });
    }
    if !future.is_empty() {
        out.notes.push(RollupNote::Provisional { months: future });
    }
    out.reasons = out.notes.iter().map(RollupNote::english).collect();
    out
}

fn parse_period(p: &str) -> Option<(i64, u32)> {
    let (y, m) = p.split_once('-')?;
    if y.len() != 4 || m.len() != 2 || !(y.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let m: u32 = m.parse().ok()?;
    (1..=12).contains(&m).then_some((y.parse().ok()?, m))
}

fn decide(rule: &RollupRule, out: &mut YearRollup) {
    for r in &rule.rules {
        if let Some(floor) = r.all_at_least {
            let below: Vec<MonthEntry> = out
                .months
                .iter()
                .filter(|m| m.counted_as.is_some_and(|l| l < floor))
                .cloned()
                .collect();
            if !below.is_empty() {
                out.notes.push(RollupNote::Below {
                    level: r.level,
                    floor,
                    months: below,
                });
                continue;
            }
        }
        if let Some(count_level) = r.count_level {
            let have = out
                .months
                .iter()
                .filter(|m| m.counted_as.is_some_and(|l| l >= count_level))
                .count();
            let Some(need) = r.at_least_count else {
                let note = RollupNote::CountNotConfigured {
                    level: r.level,
                    count_level,
                    have: u32::try_from(have).unwrap_or(u32::MAX),
                };
                out.undetermined = Some(note.english());
                out.notes.push(note);
                return;
            };
            if have < usize::try_from(need).unwrap_or(usize::MAX) {
                out.notes.push(RollupNote::TooFew {
                    level: r.level,
                    need,
                    count_level,
                    have: u32::try_from(have).unwrap_or(u32::MAX),
                });
                continue;
            }
        }
        out.notes.push(RollupNote::Holds { level: r.level });
        out.level = Some(r.level);
        return;
    }
    match rule.otherwise {
        Some(level) => {
            out.notes.push(RollupNote::Otherwise { level });
            out.level = Some(level);
        }
        None => {
            out.undetermined = Some(RollupNote::NoLevel.english());
            out.notes.push(RollupNote::NoLevel);
        }
    }
}
