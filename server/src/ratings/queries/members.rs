//! Members' absences across a year, with the two flags of the rules (domain.md §5.3): more than
//! 3 consecutive excused absences (HD 12-HD/BTCTW quality criterion) and 3 months without a valid
//! reason in the year (Charter Điều 8: proposal to remove the member).

use diesel::prelude::*;
use serde::Serialize;

use super::super::RatingsError;
use crate::db::schema::{meeting_attendance as a, meeting_facts as f};
use crate::db::{DbConnection, with_conn};

/// Excused absences in a row above this are flagged.
pub const MAX_CONSECUTIVE_EXCUSED: u32 = 3;
/// Months with an unexcused absence in a year at which removal is proposed.
pub const UNEXCUSED_MONTHS_LIMIT: u32 = 3;

/// One member's year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberAbsences {
    /// Member id.
    pub member_id: String,
    /// Full name (latest).
    pub full_name: String,
    /// Meetings where the member was expected.
    pub meetings: u32,
    /// Present.
    pub present: u32,
    /// Absent with a reason.
    pub excused: u32,
    /// Absent without a reason (or not recorded).
    pub unexcused: u32,
    /// Longest run of excused absences in consecutive meetings.
    pub longest_excused_run: u32,
    /// Distinct months with an unexcused absence.
    pub unexcused_months: Vec<String>,
    /// `consecutive_excused_over_3`, `unexcused_3_months`.
    pub flags: Vec<String>,
}

/// Absences of every member of `cell_id` in `year`, over valid minutes, sorted by given name.
pub fn member_absences(
    conn: &mut DbConnection,
    cell_id: &str,
    year: i64,
) -> Result<Vec<MemberAbsences>, RatingsError> {
    let rows: Vec<(String, String, String, String)> = with_conn!(conn, |c| {
        a::table
            .inner_join(f::table.on(f::doc_id.eq(a::doc_id)))
            .filter(f::cell_id.eq(cell_id))
            .filter(f::year.eq(year))
            .filter(f::valid.eq(true))
            .order((a::member_id.asc(), f::period.asc(), f::doc_id.asc()))
            .select((a::member_id, a::full_name, a::status, f::period))
            .load(c)?
    });
    let mut out: Vec<MemberAbsences> = Vec::new();
    let mut run = 0;
    for (member_id, full_name, status, period) in rows {
        if out.last().is_none_or(|m| m.member_id != member_id) {
            run = 0;
            out.push(MemberAbsences {
                member_id: member_id.clone(),
                full_name: String::new(),
                meetings: 0,
                present: 0,
                excused: 0,
                unexcused: 0,
                longest_excused_run: 0,
                unexcused_months: Vec::new(),
                flags: Vec::new(),
            });
        }
        let Some(m) = out.last_mut() else { continue };
        m.full_name = full_name;
        match status.as_str() {
            "mien" => continue,
            "co_mat" => {
                m.present += 1;
                run = 0;
            }
            "vang_co_ly_do" => {
                m.excused += 1;
                run += 1;
                m.longest_excused_run = m.longest_excused_run.max(run);
            }
            _ => {
                m.unexcused += 1;
                run = 0;
                if !m.unexcused_months.contains(&period) {
                    m.unexcused_months.push(period);
                }
            }
        }
        m.meetings += 1;
    }
    out.retain(|m| m.meetings > 0);
    for m in &mut out {
        if m.longest_excused_run > MAX_CONSECUTIVE_EXCUSED {
            m.flags.push("consecutive_excused_over_3".into());
        }
        if m.unexcused_months.len() >= UNEXCUSED_MONTHS_LIMIT as usize {
            m.flags.push("unexcused_3_months".into());
        }
    }
    sync_core::text::sort_by_given_name(&mut out, |m| m.full_name.as_str());
    Ok(out)
}
