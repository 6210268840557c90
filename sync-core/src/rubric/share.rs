//! Shares (attendance rate, share of attendees who spoke) and the bands that turn them into
//! points.
//!
//! A threshold is written either as a percentage (`85`, `95.5`) or as an exact fraction
//! (`"1/3"`). Fractions matter: "speakers ≥ ⅓ of those present" must hold for 10 of 30, which
//! `33.33` would not express exactly. Comparisons are done by cross-multiplying integers' `f64`
//! images, so 12/15 against 80% is exact.

use serde::{Deserialize, Serialize};

/// A threshold share: a percentage or a fraction. Written as a number (percent) or a string
/// `"n/q"` in files.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Share {
    /// A percentage, 0 ..= 100.
    Percent(f64),
    /// An exact fraction `numerator / denominator`, e.g. `"1/3"`; the denominator is not 0.
    Fraction(u32, u32),
}

impl Serialize for Share {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Share::Percent(p) => s.serialize_f64(*p),
            Share::Fraction(n, q) => s.serialize_str(&format!("{n}/{q}")),
        }
    }
}

impl<'de> Deserialize<'de> for Share {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Share, D::Error> {
        d.deserialize_any(ShareVisitor)
    }
}

struct ShareVisitor;

impl serde::de::Visitor<'_> for ShareVisitor {
    type Value = Share;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a percentage (number) or a fraction like \"1/3\"")
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Share, E> {
        Ok(Share::Percent(v))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Share, E> {
        // Percentages are small; i64 → f64 is exact for them.
        Ok(Share::Percent(v as f64))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Share, E> {
        Ok(Share::Percent(v as f64))
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Share, E> {
        let parsed = text.split_once('/').and_then(|(n, q)| {
            Some((n.trim().parse::<u32>().ok()?, q.trim().parse::<u32>().ok()?))
        });
        match parsed {
            Some((n, q)) if q > 0 => Ok(Share::Fraction(n, q)),
            _ => Err(E::custom(format!(
                "share `{text}` is not a fraction like `1/3`"
            ))),
        }
    }
}

impl Share {
    /// (numerator, denominator) with `numerator / denominator` the share as a fraction of 1.
    fn ratio(self) -> (f64, f64) {
        match self {
            Share::Percent(p) => (p, 100.0),
            Share::Fraction(n, q) => (f64::from(n), f64::from(q)),
        }
    }

    /// The share as a percentage.
    pub fn percent(self) -> f64 {
        let (n, q) = self.ratio();
        n * 100.0 / q
    }

    /// True when the share is within 0 ..= 100%.
    pub fn is_valid(self) -> bool {
        let p = self.percent();
        p.is_finite() && (0.0..=100.0).contains(&p)
    }

    /// `count / total ≥ self` (false when `total` is 0).
    pub fn reached_by(self, count: u32, total: u32) -> bool {
        let (n, q) = self.ratio();
        total > 0 && f64::from(count) * q >= n * f64::from(total)
    }

    /// `count / total > self` (false when `total` is 0).
    pub fn exceeded_by(self, count: u32, total: u32) -> bool {
        let (n, q) = self.ratio();
        total > 0 && f64::from(count) * q > n * f64::from(total)
    }
}

impl std::fmt::Display for Share {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Share::Percent(p) => write!(f, "{}%", super::fmt_num(*p)),
            Share::Fraction(n, q) => write!(f, "{n}/{q}"),
        }
    }
}

/// One band: when the share reaches its bound, the criterion earns `points`. Bands are listed
/// best first and the first that matches wins; a band with no bound matches everything
/// ("otherwise") and may only come last.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// Matches when the share is at least this (≥).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<Share>,
    /// Matches when the share is strictly above this (>).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub above: Option<Share>,
    /// Points earned in this band.
    pub points: f64,
}

impl Band {
    /// True when `count / total` falls in this band.
    pub fn matches(&self, count: u32, total: u32) -> bool {
        match (self.at_least, self.above) {
            (Some(s), _) => s.reached_by(count, total),
            (None, Some(s)) => s.exceeded_by(count, total),
            (None, None) => true,
        }
    }

    /// The band's lower bound as a percentage (0 for "otherwise"), used to check ordering.
    pub(crate) fn bound_percent(&self) -> f64 {
        self.at_least.or(self.above).map_or(0.0, Share::percent)
    }

    /// "≥ 95%", "> 85%" or, for the catch-all band, the negation of the band above it
    /// ("≤ 85%"), so a reason reads like the rule a committee member knows.
    pub fn describe(&self, band_above: Option<&Band>) -> String {
        match (self.at_least, self.above, band_above) {
            (Some(s), _, _) => format!("≥ {s}"),
            (None, Some(s), _) => format!("> {s}"),
            (None, None, Some(prev)) => match (prev.at_least, prev.above) {
                (Some(s), _) => format!("< {s}"),
                (None, Some(s)) => format!("≤ {s}"),
                (None, None) => "otherwise".to_owned(),
            },
            (None, None, None) => "any share".to_owned(),
        }
    }
}

/// Index of the first band that matches `count / total`, if any.
pub fn band_for(bands: &[Band], count: u32, total: u32) -> Option<usize> {
    bands.iter().position(|b| b.matches(count, total))
}
