//! Score sheets and the review status. The self score and the superior score are two sheets of
//! the same shape, stored apart; totals and levels are always computed by `crate::rubric`, never
//! stored, so they cannot go stale.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Points awarded by one scorer against one rubric.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ScoreSheet {
    /// `id@version` of the rubric, e.g. `phu-tho-2019@1`; empty when not scored yet.
    pub rubric_id: String,
    /// Points awarded per criterion id, for criteria the scorer awards by hand.
    pub awarded: BTreeMap<String, f64>,
    /// Member (self score) or committee user (superior score) who scored.
    pub scored_by: String,
    /// The cell voted to adopt this score (self score).
    pub voted_by_members: bool,
    /// When the superior committee confirmed, `YYYY-MM-DDTHH:MM`.
    pub confirmed_at: String,
    pub comment: String,
}

/// Review state of the minutes (trạng thái).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    /// Draft (nháp).
    #[default]
    Nhap,
    /// Submitted by the cell (đã gửi).
    DaGui,
    /// Returned by the committee with a reason (trả lại).
    TraLai,
    /// Confirmed by the committee (đã xác nhận).
    DaXacNhan,
    /// Locked after the period closed (khóa).
    Khoa,
}
