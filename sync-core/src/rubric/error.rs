//! Why a rubric file was rejected.

/// A rubric that cannot be used, with the offending value named.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RubricError {
    /// The TOML did not parse or does not have the rubric's shape.
    #[error("invalid rubric toml: {0}")]
    Toml(String),
    /// The JSON did not parse or does not have the rubric's shape.
    #[error("invalid rubric json: {0}")]
    Json(String),
    /// Id empty or with characters outside `a-z 0-9 - _ .`.
    #[error("rubric id `{0}` must be non-empty lowercase ascii letters, digits, `-`, `_` or `.`")]
    BadId(String),
    /// Version 0.
    #[error("rubric version must be at least 1")]
    BadVersion,
    /// A date that is not `YYYY-MM-DD`.
    #[error("`{field}` is not a date `YYYY-MM-DD`: `{value}`")]
    BadDate {
        /// Field name.
        field: &'static str,
        /// Value found.
        value: String,
    },
    /// `effective_to` before `effective_from`.
    #[error("effective range is empty: `{from}` to `{to}`")]
    EmptyEffectiveRange {
        /// Start.
        from: String,
        /// End.
        to: String,
    },
    /// No meeting type listed, or one listed twice.
    #[error("`meeting_types` must list each type at most once and at least one type")]
    BadMeetingTypes,
    /// Level thresholds out of 0..=100 or not strictly descending.
    #[error(
        "level thresholds must satisfy 100 ≥ tot > kha > trung_binh > 0, got `{tot}`/`{kha}`/`{trung_binh}`"
    )]
    ThresholdsNotDescending {
        /// Tốt threshold.
        tot: f64,
        /// Khá threshold.
        kha: f64,
        /// Trung bình threshold.
        trung_binh: f64,
    },
    /// No scored (non-bonus) group.
    #[error("rubric has no scored group")]
    NoGroups,
    /// A group or criterion id used twice.
    #[error("duplicate id `{0}`")]
    DuplicateId(String),
    /// A group with no criteria.
    #[error("group `{0}` has no criteria")]
    EmptyGroup(String),
    /// A maximum that is not a positive finite number.
    #[error("maximum of `{id}` must be positive and finite, got `{max}`")]
    BadMax {
        /// Group or criterion id.
        id: String,
        /// Value found.
        max: f64,
    },
    /// A group's maximum differs from the sum of its criteria.
    #[error("group `{group}` has max `{max}` but its criteria sum to `{sum}`")]
    GroupMaxMismatch {
        /// Group id.
        group: String,
        /// Declared maximum.
        max: f64,
        /// Sum of the criteria's maxima.
        sum: f64,
    },
    /// Bands of a banded criterion are unusable.
    #[error("bands of `{criterion}`: {problem}")]
    BadBands {
        /// Criterion id.
        criterion: String,
        /// What is wrong.
        problem: String,
    },
    /// Some other rule parameter is out of range.
    #[error("rule of `{criterion}`: {problem}")]
    BadRule {
        /// Criterion id.
        criterion: String,
        /// What is wrong.
        problem: String,
    },
    /// A gate, cap or the roll-up names something unknown or is inconsistent.
    #[error("{0}")]
    BadReference(String),
    /// A gate names a criterion the rubric does not have.
    #[error("gate for `{level}` names unknown criterion `{criterion}`")]
    GateUnknownCriterion {
        /// Gated level code.
        level: &'static str,
        /// Unknown id.
        criterion: String,
    },
}
