//! Read side: every dashboard view as SQL over the projection rows (never a document load).
//!
//! Status words used in responses: a month of a cell is `rated` (official level present),
//! `unconfirmed` (a meeting exists but the committee has not confirmed it), `invalid` (the
//! minutes failed to load or validate), `missing` (no meeting although the cell is expected) or
//! `future` (after the as-of date). A meeting is `locked` when its status is `khoa` or when it is
//! confirmed and its `auto_lock_on` date is on or before the as-of date.

mod cell;
mod explain;
mod followups;
mod grid;
mod members;
mod minutes;
mod stats;
mod trend;

pub use cell::{CellMonth, CellYear, cell_year};
pub use explain::{ScoreExplanation, score_explanation};
pub use followups::{TaskFollowUp, TaskScope, overdue_tasks, task_follow_ups};
pub use grid::{Grid, GridCell, GridRow, MonthState, grid};
pub use members::{MemberAbsences, member_absences};
pub use minutes::{Minutes, minutes};
pub use stats::{Bucket, Scope, StatRow, stats};
pub use trend::{
    BottomCell, CellRollup, NationalRow, QueueItem, Rollup, TrendPoint, bottom_cells, cell_trend,
    national_rollup, queue, rollup,
};

use crate::db::Backend;

/// Rewrites `?` placeholders to `$1, $2, ...` for PostgreSQL; SQLite takes `?` as written.
/// The query texts here contain no `?` inside string literals.
pub(crate) fn placeholders(backend: Backend, sql: &str) -> String {
    match backend {
        Backend::Sqlite => sql.to_owned(),
        Backend::Postgres => {
            let mut out = String::with_capacity(sql.len() + 8);
            let mut n = 0;
            for ch in sql.chars() {
                if ch == '?' {
                    n += 1;
                    out.push('$');
                    out.push_str(&n.to_string());
                } else {
                    out.push(ch);
                }
            }
            out
        }
    }
}

/// Regular meeting types: the ones that count as the month's meeting (thường kỳ, kết hợp).
pub const REGULAR_TYPES: [&str; 2] = ["thuong_ky", "ket_hop"];

/// `YYYY-MM` of a date.
pub(crate) fn period_of(date: chrono::NaiveDate) -> String {
    date.format("%Y-%m").to_string()
}
