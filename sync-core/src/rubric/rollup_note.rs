//! [`RollupNote`]: one step of the yearly roll-up's decision, as data, and its English wording
//! (the roll-up's `reasons`).

use super::level::Level;
use super::rollup::{MonthDue, MonthEntry};
use serde::Serialize;

fn describe(m: &MonthEntry) -> String {
    match (m.level, m.counted_as) {
        (Some(l), _) => format!("{} {}", m.period, l.label()),
        (None, None) if m.due != MonthDue::Due => format!("{} not due", m.period),
        (None, Some(l)) => format!("{} missing → {}", m.period, l.label()),
        (None, None) => format!("{} missing", m.period),
    }
}

/// One step of the roll-up's decision, as data: clients word it in their own language
/// ([`RollupNote::english`] is the English wording of [`YearRollup::reasons`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RollupNote {
    /// Not `level`: every counted month must be at least `floor`; these are below.
    Below {
        /// The level ruled out.
        level: Level,
        /// The floor of its rule.
        floor: Level,
        /// The months below it (a missing month with the level it counts as).
        months: Vec<MonthEntry>,
    },
    /// Not `level`: it needs `need` months at `count_level` or better; the year has `have`.
    TooFew {
        /// The level ruled out.
        level: Level,
        /// Months needed.
        need: u32,
        /// The level they must reach.
        count_level: Level,
        /// Months that do.
        have: u32,
    },
    /// The rubric gives no count for `level`'s rule (its source does not say how many months
    /// at `count_level` it needs): the year is undetermined.
    CountNotConfigured {
        /// The level whose rule has no count.
        level: Level,
        /// The level its months must reach.
        count_level: Level,
        /// Months that do.
        have: u32,
    },
    /// No rule holds and the rubric names no `otherwise` level: the year is undetermined.
    NoLevel,
    /// Every condition of `level`'s rule holds: the year's level.
    Holds {
        /// The year's level.
        level: Level,
    },
    /// No rule holds: the rubric's `otherwise` level.
    Otherwise {
        /// The year's level.
        level: Level,
    },
    /// Months left out: the cell was not under the committee then.
    NotExpected {
        /// `YYYY-MM`.
        months: Vec<String>,
    },
    /// Months still to come: the level is that of the months so far.
    Provisional {
        /// `YYYY-MM`.
        months: Vec<String>,
    },
}

impl RollupNote {
    /// The note in English.
    pub fn english(&self) -> String {
        let months = |ms: &[String]| ms.join(", ");
        match self {
            RollupNote::Below {
                level,
                floor,
                months,
            } => format!(
                "not {}: every month must be ≥ {}; below: {}",
                level.label(),
                floor.label(),
                months.iter().map(describe).collect::<Vec<_>>().join(", ")
            ),
            RollupNote::TooFew {
                level,
                need,
                count_level,
                have,
            } => format!(
                "not {}: needs ≥ {need} months ≥ {}, has {have}",
                level.label(),
                count_level.label()
            ),
            RollupNote::CountNotConfigured {
                level,
                count_level,
                have,
            } => format!(
                "undetermined: rule count not configured ({} needs ? months ≥ {}; this year has {have})",
                level.label(),
                count_level.label()
            ),
            RollupNote::NoLevel => {
                "undetermined: no rule holds and no `otherwise` level is configured".to_owned()
            }
            RollupNote::Holds { level } => format!("{}: every condition holds", level.label()),
            RollupNote::Otherwise { level } => format!("no rule holds: {}", level.label()),
            RollupNote::NotExpected { months: m } => format!(
                "left out, the cell was not under the committee: {}",
                months(m)
            ),
            RollupNote::Provisional { months: m } => {
                format!("provisional, months still to come: {}", months(m))
            }
        }
    }
}
