//! One meeting's score explanation, from the rows: facts, both sheets criterion by criterion,
//! gates and caps, problems and the lock.

use diesel::prelude::*;
use serde::Serialize;

use super::super::RatingsError;
use super::super::rows::{CriterionRow, FactRow, LockRow, ProblemRow, ScoreRow};
use crate::db::schema::{
    meeting_criteria as cr, meeting_facts as f, meeting_locks as l, meeting_problems as p,
    meeting_scores as s,
};
use crate::db::{DbConnection, with_conn};

/// Everything the score page shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreExplanation {
    /// Meeting facts.
    pub facts: FactRow,
    /// Scores and review state.
    pub score: ScoreRow,
    /// Self sheet, criterion by criterion, with the reason for every point lost.
    pub self_criteria: Vec<CriterionRow>,
    /// Superior sheet.
    pub superior_criteria: Vec<CriterionRow>,
    /// Problems, conflicts, violations, gates and caps.
    pub problems: Vec<ProblemRow>,
    /// The frozen official rating, when locked.
    pub lock: Option<LockRow>,
}

/// The explanation of `doc_id`; `None` when it was never projected.
pub fn score_explanation(
    conn: &mut DbConnection,
    doc_id: &str,
) -> Result<Option<ScoreExplanation>, RatingsError> {
    Ok(with_conn!(conn, |c| {
        let head: Option<(FactRow, ScoreRow)> = f::table
            .inner_join(s::table.on(s::doc_id.eq(f::doc_id)))
            .filter(f::doc_id.eq(doc_id))
            .select((FactRow::as_select(), ScoreRow::as_select()))
            .first(c)
            .optional()?;
        match head {
            None => None,
            Some((facts, score)) => {
                let criteria: Vec<CriterionRow> = cr::table
                    .filter(cr::doc_id.eq(doc_id))
                    .order((cr::sheet.asc(), cr::position.asc()))
                    .select(CriterionRow::as_select())
                    .load(c)?;
                let (self_criteria, superior_criteria) =
                    criteria.into_iter().partition(|r| r.sheet == "self");
                Some(ScoreExplanation {
                    facts,
                    score,
                    self_criteria,
                    superior_criteria,
                    problems: p::table
                        .filter(p::doc_id.eq(doc_id))
                        .order(p::position.asc())
                        .select(ProblemRow::as_select())
                        .load(c)?,
                    lock: l::table
                        .find(doc_id)
                        .select(LockRow::as_select())
                        .first(c)
                        .optional()?,
                })
            }
        }
    }))
}
