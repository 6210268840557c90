//! Quality levels (xếp loại) and the percentage thresholds that separate them.

use serde::{Deserialize, Serialize};

/// Quality level of one meeting or one year. Ordered worst to best, so `Level::Tot > Level::Kha`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Kém (poor).
    Kem,
    /// Trung bình (average).
    TrungBinh,
    /// Khá (good).
    Kha,
    /// Tốt (very good).
    Tot,
}

impl Level {
    /// All levels, best first.
    pub const BEST_FIRST: [Level; 4] = [Level::Tot, Level::Kha, Level::TrungBinh, Level::Kem];

    /// The snake_case code used in rubric files and JSON (`tot`, `kha`, `trung_binh`, `kem`).
    pub fn code(self) -> &'static str {
        match self {
            Level::Tot => "tot",
            Level::Kha => "kha",
            Level::TrungBinh => "trung_binh",
            Level::Kem => "kem",
        }
    }

    /// The Vietnamese label printed on score sheets.
    pub fn label(self) -> &'static str {
        match self {
            Level::Tot => "Tốt",
            Level::Kha => "Khá",
            Level::TrungBinh => "Trung bình",
            Level::Kem => "Kém",
        }
    }

    /// The next level down; `Kem` stays `Kem`.
    pub fn below(self) -> Level {
        match self {
            Level::Tot => Level::Kha,
            Level::Kha => Level::TrungBinh,
            Level::TrungBinh | Level::Kem => Level::Kem,
        }
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.label(), self.code())
    }
}

/// Lowest percentage of the applicable maximum for each level; below `trung_binh` is Kém.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelThresholds {
    /// Tốt from this percentage (e.g. 90).
    pub tot: f64,
    /// Khá from this percentage (e.g. 70).
    pub kha: f64,
    /// Trung bình from this percentage (e.g. 50).
    pub trung_binh: f64,
}

/// Percentages are compared with this slack so that sums of fractional points (e.g. 3 × 1/3)
/// that land on a threshold are not pushed below it by rounding.
pub(crate) const EPSILON: f64 = 1e-9;

impl LevelThresholds {
    /// The level of a percentage of the applicable maximum.
    pub fn level_of(&self, percent: f64) -> Level {
        let p = percent + EPSILON;
        if p >= self.tot {
            Level::Tot
        } else if p >= self.kha {
            Level::Kha
        } else if p >= self.trung_binh {
            Level::TrungBinh
        } else {
            Level::Kem
        }
    }

    /// The threshold of a level (`None` for Kém, which has no lower bound).
    pub fn threshold(&self, level: Level) -> Option<f64> {
        match level {
            Level::Tot => Some(self.tot),
            Level::Kha => Some(self.kha),
            Level::TrungBinh => Some(self.trung_binh),
            Level::Kem => None,
        }
    }
}
