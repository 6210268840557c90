//! Follow-up: each task a resolution assigned, with the status reported in the cell's next
//! month's meeting, and the overdue ones. A follow-up answers a task when it names the task's id
//! (and, if it names one, the meeting) or repeats the task's text.

use chrono::NaiveDate;
use diesel::QueryableByName;
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};
use serde::Serialize;

use super::super::RatingsError;
use super::super::lock::iso;
use super::placeholders;
use crate::db::{DbConnection, with_conn};

/// Which tasks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskScope {
    /// One cell's tasks.
    Cell(String),
    /// Tasks of the cells under one committee.
    Committee(String),
    /// Every task.
    All,
}

/// A task and its status in the next month's meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, QueryableByName)]
pub struct TaskFollowUp {
    /// The meeting that assigned the task.
    #[diesel(sql_type = Text)]
    pub doc_id: String,
    /// Cell id.
    #[diesel(sql_type = Text)]
    pub cell_id: String,
    /// Cell name.
    #[diesel(sql_type = Text)]
    pub cell_name: String,
    /// Committee id.
    #[diesel(sql_type = Text)]
    pub committee_id: String,
    /// Period of the assigning meeting.
    #[diesel(sql_type = Text)]
    pub period: String,
    /// Task id.
    #[diesel(sql_type = Text)]
    pub task_id: String,
    /// The task.
    #[diesel(sql_type = Text)]
    pub task: String,
    /// Assignee name.
    #[diesel(sql_type = Text)]
    pub assignee_name: String,
    /// Due date `YYYY-MM-DD` (empty if none).
    #[diesel(sql_type = Text)]
    pub due: String,
    /// Status reported next month (`da_hoan_thanh`, ...), `None` when not reported (or no
    /// meeting next month).
    #[diesel(sql_type = Nullable<Text>)]
    pub follow_status: Option<String>,
}

const SELECT: &str = "
SELECT t.doc_id AS doc_id, t.cell_id AS cell_id, f.cell_name AS cell_name,
  f.committee_id AS committee_id, t.period AS period, t.task_id AS task_id, t.task AS task,
  t.assignee_name AS assignee_name, t.due AS due,
  (SELECT u.status FROM meeting_followups u
    WHERE u.cell_id = t.cell_id AND u.period = t.follow_period
      AND ((u.source_task_id <> '' AND u.source_task_id = t.task_id
            AND (u.source_meeting_id = '' OR u.source_meeting_id = t.doc_id))
           OR u.item = t.task)
    ORDER BY u.position LIMIT 1) AS follow_status
FROM meeting_tasks t JOIN meeting_facts f ON f.doc_id = t.doc_id
WHERE f.valid {scope} {extra}
ORDER BY t.cell_id, t.period, t.position";

/// Tasks of `scope` assigned in `year`, each with the next month's status.
pub fn task_follow_ups(
    conn: &mut DbConnection,
    scope: &TaskScope,
    year: i64,
) -> Result<Vec<TaskFollowUp>, RatingsError> {
    run(conn, scope, "AND f.year = ?", &year.to_string())
}

/// Tasks of `scope` due before `as_of` that the next meeting did not report done.
pub fn overdue_tasks(
    conn: &mut DbConnection,
    scope: &TaskScope,
    as_of: NaiveDate,
) -> Result<Vec<TaskFollowUp>, RatingsError> {
    let rows = run(conn, scope, "AND t.due <> '' AND t.due < ?", &iso(as_of))?;
    Ok(rows
        .into_iter()
        .filter(|t| t.follow_status.as_deref() != Some("da_hoan_thanh"))
        .collect())
}

fn run(
    conn: &mut DbConnection,
    scope: &TaskScope,
    extra: &str,
    extra_value: &str,
) -> Result<Vec<TaskFollowUp>, RatingsError> {
    let (scope_sql, key) = match scope {
        TaskScope::Cell(id) => ("AND t.cell_id = ?", Some(id.clone())),
        TaskScope::Committee(id) => ("AND f.committee_id = ?", Some(id.clone())),
        TaskScope::All => ("", None),
    };
    // The extra filter is either the year (bound as an integer) or a date (bound as text).
    let sql = SELECT
        .replace("{scope}", scope_sql)
        .replace("{extra}", extra);
    let sql = placeholders(conn.backend(), &sql);
    let year: Option<i64> = extra
        .contains("f.year")
        .then(|| extra_value.parse().unwrap_or(0));
    Ok(with_conn!(conn, |c| {
        let q = diesel::sql_query(&sql).into_boxed();
        let q = match &key {
            Some(k) => q.bind::<Text, _>(k.clone()),
            None => q,
        };
        let q = match year {
            Some(y) => q.bind::<diesel::sql_types::BigInt, _>(y),
            None => q.bind::<Text, _>(extra_value.to_owned()),
        };
        q.load::<TaskFollowUp>(c)?
    }))
}
