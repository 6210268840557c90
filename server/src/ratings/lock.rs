//! The review workflow as the projection reads it (domain.md §7.4, DHIS2-style approval):
//! `nhap` (draft) → `da_gui` (submitted) → `tra_lai` (returned, with a reason) → `da_xac_nhan`
//! (confirmed with the superior score) → `khoa` (locked by the committee, or automatically
//! `auto_lock_days` after the period's last day while confirmed).
//!
//! Only a confirmed or locked meeting has an official rating. When a meeting becomes locked its
//! official fields are frozen in `meeting_locks`; later edits are stored and projected, but the
//! row is marked `amended_after_lock` and keeps the frozen official rating until the committee
//! reopens the meeting by moving it back to `da_gui`, `tra_lai` or `nhap`.

use chrono::NaiveDate;

use super::rows::{LockRow, Projection, ScoreRow};

/// Why a meeting with this status and scores counts as locked on `today`, if it does:
/// `status` or `auto`.
pub fn lock_reason(status: &str, score: &ScoreRow, today: NaiveDate) -> Option<&'static str> {
    match status {
        "khoa" => Some("status"),
        "da_xac_nhan"
            if score
                .auto_lock_on
                .as_deref()
                .is_some_and(|d| d <= iso(today).as_str()) =>
        {
            Some("auto")
        }
        _ => None,
    }
}

/// True when the status takes the meeting out of review (the committee reopened it).
pub fn is_reopened(status: &str) -> bool {
    !matches!(status, "da_xac_nhan" | "khoa")
}

/// `YYYY-MM-DD`.
pub fn iso(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// A version of a meeting as the workflow sees it.
#[derive(Debug, Clone, Copy)]
pub struct Version<'a> {
    /// Review status code.
    pub status: &'a str,
    /// Heads of the version.
    pub heads: &'a str,
    /// When it was stored.
    pub stored_at: chrono::NaiveDateTime,
    /// Its scores.
    pub score: &'a ScoreRow,
}

/// Freezes the official fields of a version.
pub fn freeze(v: Version<'_>, reason: &str) -> LockRow {
    LockRow {
        doc_id: v.score.doc_id.clone(),
        reason: reason.to_owned(),
        heads: v.heads.to_owned(),
        fingerprint: v.score.fingerprint.clone(),
        official_total: v.score.official_total,
        official_percent: v.score.official_percent,
        official_level: v.score.official_level.clone(),
        locked_at: v.stored_at,
    }
}

fn locked_version(v: Version<'_>, today: NaiveDate) -> Option<LockRow> {
    lock_reason(v.status, v.score, today).map(|r| freeze(v, r))
}

/// What the lock logic decided for a new projection.
#[derive(Debug, Clone, PartialEq)]
pub enum LockChange {
    /// No lock before or after.
    None,
    /// A lock row is created from this (old or new) version.
    Created(LockRow),
    /// The existing lock stays.
    Kept(LockRow),
    /// The committee reopened the meeting: the lock row goes.
    Reopened,
}

/// Applies the workflow to `new` given the previous row and lock; edits `new`'s official fields
/// and `amended_after_lock`.
pub fn apply(
    old: Option<Version<'_>>,
    lock: Option<LockRow>,
    new: &mut Projection,
    today: NaiveDate,
) -> LockChange {
    let (lock, created) = match lock {
        Some(l) => (Some(l), false),
        // The previous version was already locked (e.g. auto-locked by date with nobody
        // projecting since): that version is the official one, not this edit.
        None => match old.and_then(|o| locked_version(o, today)) {
            Some(l) => (Some(l), true),
            None => {
                let v = Version {
                    status: &new.fact.status,
                    heads: &new.fact.heads,
                    stored_at: new.fact.projected_at,
                    score: &new.score,
                };
                (locked_version(v, today), true)
            }
        },
    };
    let Some(lock) = lock else {
        return LockChange::None;
    };
    if is_reopened(&new.fact.status) {
        return if created {
            LockChange::None
        } else {
            LockChange::Reopened
        };
    }
    let score = &mut new.score;
    score.official_total = lock.official_total;
    score.official_percent = lock.official_percent;
    score.official_level.clone_from(&lock.official_level);
    score.amended_after_lock = score.fingerprint != lock.fingerprint;
    if created {
        LockChange::Created(lock)
    } else {
        LockChange::Kept(lock)
    }
}
