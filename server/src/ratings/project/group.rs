//! Writing the projections of a group of documents, each statement covering them all (one
//! round trip per statement on PostgreSQL, whatever the group's size): the previous rows are
//! read at once, the review workflow and the totals' differences are computed per document,
//! then the rows are replaced and the grid's cell-months and lock rows brought up to date; the
//! grid's cell-year rows are recomputed once for the whole transaction.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::Pending;
use crate::ratings::cell_years::CellYearKey;
use crate::ratings::lock::{self, LockChange};
use crate::ratings::rows::{CellMonthRow, FactRow, Projection, ScoreRow};
use crate::ratings::totals::{CellMonthKey, MonthKey, MonthTotals};
use crate::ratings::write::{GROUP_DOCUMENTS, RowWriter};

/// Writes `pending` inside a write transaction, group by group (each group's documents
/// distinct, so each document's previous rows are read before its group writes), then the
/// maintained totals and the cell-years the groups touched. Returns each item's lock decision.
pub(super) fn write_all(
    c: &mut impl RowWriter,
    pending: &mut [Pending],
    today: NaiveDate,
) -> diesel::QueryResult<Vec<LockChange>> {
    let mut totals = MonthDeltas::default();
    let mut cell_years = BTreeSet::new();
    let mut changes = Vec::with_capacity(pending.len());
    let mut rest = pending;
    while !rest.is_empty() {
        let (group, tail) = rest.split_at_mut(distinct_prefix(rest));
        changes.extend(write_group(c, group, today, &mut totals, &mut cell_years)?);
        rest = tail;
    }
    c.add_totals(&totals.0)?;
    c.refresh_cell_years(&cell_years.iter().collect::<Vec<_>>())?;
    Ok(changes)
}

/// The length of the longest prefix of `pending` that names no document twice (at most
/// [`GROUP_DOCUMENTS`]).
fn distinct_prefix(pending: &[Pending]) -> usize {
    let mut seen = BTreeSet::new();
    pending
        .iter()
        .take(GROUP_DOCUMENTS)
        .take_while(|p| seen.insert(p.doc_id()))
        .count()
}

/// Replaces the rows of distinct documents, each statement covering them all: reads the
/// previous rows, applies the review workflow to each against its own, deletes and inserts,
/// then brings the grid's cell-months and the lock rows up to date.
fn write_group(
    c: &mut impl RowWriter,
    group: &mut [Pending],
    today: NaiveDate,
    totals: &mut MonthDeltas,
    cell_years: &mut BTreeSet<CellYearKey>,
) -> diesel::QueryResult<Vec<LockChange>> {
    let ids: Vec<String> = group.iter().map(|p| p.doc_id().to_owned()).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut previous = c.previous(&ids)?;
    let mut changes = Vec::with_capacity(group.len());
    let mut moves = Vec::new();
    for (item, doc_id) in group.iter_mut().zip(&ids) {
        let (old, lock) = previous.remove(*doc_id).unwrap_or_default();
        if let Some((fact, score)) = &old {
            totals.count(fact, score, -1);
        }
        let old_key = old.as_ref().and_then(|(f, _)| cell_month_key(f));
        let Pending::Rows(projection) = item else {
            moves.push(CellMonthMove {
                doc_id,
                old: old_key,
                new: None,
                row: None,
            });
            changes.push(LockChange::None);
            continue;
        };
        let version = old.as_ref().map(|(f, s)| lock::Version {
            status: &f.status,
            heads: &f.heads,
            stored_at: f.projected_at,
            score: s,
        });
        changes.push(lock::apply(version, lock, projection, today));
        totals.count(&projection.fact, &projection.score, 1);
        moves.push(CellMonthMove {
            doc_id,
            old: old_key,
            new: cell_month_key(&projection.fact),
            row: CellMonthRow::of(&projection.fact, &projection.score),
        });
    }
    c.delete_rows(&ids)?;
    let projections: Vec<&Projection> = group
        .iter()
        .filter_map(|p| match p {
            Pending::Rows(p) => Some(p.as_ref()),
            Pending::Remove(_) => None,
        })
        .collect();
    c.insert_rows(&projections)?;
    update_cell_months(c, &moves)?;
    for m in &moves {
        for (committee, year, _, cell) in m.old.iter().chain(&m.new) {
            cell_years.insert((committee.clone(), *year, cell.clone()));
        }
    }
    let (mut put, mut reopened) = (Vec::new(), Vec::new());
    for (change, doc_id) in changes.iter().zip(&ids) {
        match change {
            LockChange::Created(l) => put.push(l),
            LockChange::Reopened => reopened.push(*doc_id),
            LockChange::None | LockChange::Kept(_) => {}
        }
    }
    c.put_locks(&put)?;
    c.delete_locks(&reopened)?;
    Ok(changes)
}

/// A document's rows moved from cell-month `old` to `new` (either may be none) and, when it
/// now is a regular meeting of `new`, the grid row it would be shown as.
struct CellMonthMove<'a> {
    doc_id: &'a str,
    old: Option<CellMonthKey>,
    new: Option<CellMonthKey>,
    row: Option<CellMonthRow>,
}

/// Keeps the grid's cell-month rows equal to a recomputation after a group's rows were
/// written. The shown meeting is the first regular one by document id, so: a cell-month whose
/// shown meeting moved away or stopped being a regular meeting is recomputed (from the rows as
/// now written); then each cell-month is offered its smallest newly written regular meeting,
/// which takes the place of the one shown if it comes first. Any other write leaves the row.
fn update_cell_months(
    c: &mut impl RowWriter,
    moves: &[CellMonthMove<'_>],
) -> diesel::QueryResult<()> {
    let mut offers: BTreeMap<&CellMonthKey, &CellMonthRow> = BTreeMap::new();
    for m in moves {
        let left = m.old.as_ref().filter(|old| Some(*old) != m.new.as_ref());
        let not_regular = m.new.as_ref().filter(|_| m.row.is_none());
        for key in left.into_iter().chain(not_regular) {
            if c.shown_in_cell_month(key)?.as_deref() == Some(m.doc_id) {
                c.refresh_cell_month(key)?;
            }
        }
        if let (Some(row), Some(key)) = (&m.row, &m.new) {
            let first = offers.entry(key).or_insert(row);
            if row.doc_id < first.doc_id {
                *first = row;
            }
        }
    }
    let offers: Vec<&CellMonthRow> = offers.into_values().collect();
    c.offer_cell_months(&offers)
}

/// The cell-month a meeting's rows belong to, if it has a period.
fn cell_month_key(fact: &FactRow) -> Option<CellMonthKey> {
    let (year, month) = (fact.year?, fact.month?);
    Some((fact.committee_id.clone(), year, month, fact.cell_id.clone()))
}

/// The difference the writes of a transaction make to each committee-month's maintained
/// totals, added once at its end.
#[derive(Default)]
struct MonthDeltas(BTreeMap<MonthKey, MonthTotals>);

impl MonthDeltas {
    /// Adds (`sign` 1) or subtracts (`sign` -1) a meeting's rows, if it has a period.
    fn count(&mut self, fact: &FactRow, score: &ScoreRow, sign: i64) {
        let (Some(year), Some(month)) = (fact.year, fact.month) else {
            return;
        };
        self.0
            .entry((fact.committee_id.clone(), year, month))
            .or_default()
            .count(fact, score, sign);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn removals(ids: &[&str]) -> Vec<Pending> {
        ids.iter()
            .map(|id| Pending::Remove((*id).to_owned()))
            .collect()
    }

    #[test]
    fn a_group_ends_before_a_document_named_again() {
        assert_eq!(distinct_prefix(&removals(&["a", "b", "a", "c"])), 2);
        assert_eq!(distinct_prefix(&removals(&["a", "a"])), 1);
        assert_eq!(distinct_prefix(&removals(&["a", "b", "c"])), 3);
        assert_eq!(distinct_prefix(&[]), 0);
    }

    #[test]
    fn a_group_holds_at_most_the_documents_one_statement_can_bind() {
        let ids: Vec<String> = (0..GROUP_DOCUMENTS + 7).map(|i| format!("d{i}")).collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        assert_eq!(distinct_prefix(&removals(&ids)), GROUP_DOCUMENTS);
    }
}
