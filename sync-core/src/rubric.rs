//! The rubric engine: turns a meeting record and a score sheet into points, a percentage and a
//! quality level (Tốt / Khá / Trung bình / Kém), explaining every point lost.
//!
//! A rubric is data (TOML or JSON; see `sync-core/rubrics/` for the embedded presets and
//! domain.md §3, §8(b), §9 for the sources). It has groups of criteria with maxima; criteria are
//! either *awarded* by the scorer (read from the [`ScoreSheet`](crate::record::ScoreSheet)) or
//! *computed* from the record (attendance, duration, participation, recorded facts). Criteria may
//! apply only when something happened, in which case they drop out of the applicable maximum and
//! the level is computed on the percentage of what applied. Gates (a level needs full marks on
//! named criteria) and caps (a condition limits the level) then adjust the level. Monthly levels
//! roll up into a yearly level with [`rollup_year`].
//!
//! ```
//! use sync_core::{record::MeetingRecord, rubric};
//! let rubric = rubric::preset("phu-tho-2019").unwrap();
//! let record = MeetingRecord::default();
//! let self_score = rubric::score(&rubric, &record, &record.self_score);
//! assert_eq!(self_score.rubric, "phu-tho-2019@1");
//! ```

mod adjust;
mod check;
mod error;
mod eval;
mod level;
mod model;
mod presets;
mod rollup;
mod rollup_note;
mod score;
mod share;

pub use error::RubricError;
pub use level::{Level, LevelThresholds};
pub use model::{
    AppliesWhen, AttendanceRule, Cap, CapCondition, Criterion, DurationRule, Fact, FactScoring,
    FactsRule, Gate, Group, MinimumMinutes, ParticipationRule, RubricSpec, Rule, SizeRule,
};
pub use presets::{preset, presets};
pub use rollup::{
    MissingMonth, MonthDue, MonthEntry, RollupNote, RollupRule, YearRollup, YearRule, rollup_year,
    rollup_year_due,
};
pub use score::{CapApplied, CriterionScore, GateFailure, GroupScore, Score, ScoreProblem, score};
pub use share::{Band, Share};

use crate::record::MeetingType;
use serde::{Deserialize, Serialize};

/// A validated rubric. The only way to get one is through [`Rubric::new`], [`Rubric::from_toml`],
/// [`Rubric::from_json`] or deserialisation, all of which validate; so a `Rubric` in hand has
/// unique ids, group maxima equal to their criteria's sums, descending thresholds and gates and
/// caps that name real criteria.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RubricSpec", into = "RubricSpec")]
pub struct Rubric(RubricSpec);

impl Rubric {
    /// Validates a spec.
    pub fn new(spec: RubricSpec) -> Result<Rubric, RubricError> {
        check::check(spec).map(Rubric)
    }

    /// Parses and validates a TOML rubric.
    pub fn from_toml(text: &str) -> Result<Rubric, RubricError> {
        let spec: RubricSpec =
            toml::from_str(text).map_err(|e| RubricError::Toml(e.to_string()))?;
        Rubric::new(spec)
    }

    /// Parses and validates a JSON rubric (the same field names as TOML).
    pub fn from_json(text: &str) -> Result<Rubric, RubricError> {
        let spec: RubricSpec =
            serde_json::from_str(text).map_err(|e| RubricError::Json(e.to_string()))?;
        Rubric::new(spec)
    }

    /// The validated data.
    pub fn spec(&self) -> &RubricSpec {
        &self.0
    }

    /// The rubric id, e.g. `phu-tho-2019`.
    pub fn id(&self) -> &str {
        &self.0.id
    }

    /// The version.
    pub fn version(&self) -> u32 {
        self.0.version
    }

    /// `id@version`, the name written into score sheets.
    pub fn key(&self) -> String {
        format!("{}@{}", self.0.id, self.0.version)
    }

    /// Sum of the maxima of the scored (non-bonus) groups.
    pub fn max(&self) -> f64 {
        self.0
            .groups
            .iter()
            .filter(|g| !g.bonus)
            .map(|g| g.max)
            .sum()
    }

    /// The criterion with this id and its group.
    pub fn criterion(&self, id: &str) -> Option<(&Group, &Criterion)> {
        self.0
            .groups
            .iter()
            .find_map(|g| g.criteria.iter().find(|c| c.id == id).map(|c| (g, c)))
    }

    /// The rule of the first duration criterion, used by the `duration_below_minimum` cap.
    pub fn duration_rule(&self) -> Option<&DurationRule> {
        self.0
            .groups
            .iter()
            .flat_map(|g| &g.criteria)
            .find_map(|c| match &c.rule {
                Rule::Duration(rule) => Some(rule),
                _ => None,
            })
    }

    /// True when the rubric scores `meeting_type` on `date` (`YYYY-MM-DD`, assumed valid).
    pub fn applies_to(&self, meeting_type: MeetingType, date: &str) -> bool {
        self.0.meeting_types.contains(&meeting_type)
            && self.0.effective_from.as_str() <= date
            && self.0.effective_to.as_deref().is_none_or(|to| date <= to)
    }
}

impl TryFrom<RubricSpec> for Rubric {
    type Error = RubricError;

    fn try_from(spec: RubricSpec) -> Result<Self, Self::Error> {
        Rubric::new(spec)
    }
}

impl From<Rubric> for RubricSpec {
    fn from(rubric: Rubric) -> Self {
        rubric.0
    }
}

/// Picks the rubric for a meeting: among `rubrics` that list `meeting_type` and are in effect on
/// `date` (`YYYY-MM-DD`), the one that took effect last (then the highest version). `None` when
/// the date is invalid or nothing applies.
pub fn select<'a>(
    rubrics: &'a [Rubric],
    meeting_type: MeetingType,
    date: &str,
) -> Option<&'a Rubric> {
    crate::text::parse_date(date)?;
    rubrics
        .iter()
        .filter(|r| r.applies_to(meeting_type, date))
        .max_by(|a, b| {
            (a.0.effective_from.as_str(), a.0.version)
                .cmp(&(b.0.effective_from.as_str(), b.0.version))
        })
}

/// Formats a number of points or a percentage without float noise: `20`, `2.5`, `83.33`.
pub(crate) fn fmt_num(x: f64) -> String {
    let text = format!("{x:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}
