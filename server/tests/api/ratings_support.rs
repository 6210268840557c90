//! Shared fixtures of the ratings tests: the demo province in a fresh store, edits of stored
//! meetings through the store, and a dump of every projection row for comparisons.

use std::sync::OnceLock;

use chrono::NaiveDate;
use diesel::prelude::*;
use server::accounts::{credentials, roles, users};
use server::db::schema::{
    meeting_attendance, meeting_cell_months, meeting_cell_years, meeting_criteria, meeting_facts,
    meeting_followups, meeting_locks, meeting_month_totals, meeting_problems, meeting_scores,
    meeting_tasks,
};
use server::db::{DbConnection, DbPool};
use server::demo::{self, DEMO_DEVICE_ID, DemoMeeting, DemoScale};
use server::org::access::Role;
use server::ratings::rebuild::{RebuildReport, rebuild};
use server::ratings::rows::{
    AttendanceRow, CellMonthRow, CriterionRow, FactRow, FollowUpRow, LockRow, ProblemRow, ScoreRow,
    TaskRow,
};
use server::ratings::{NoAuthorshipCheck, ProjectContext, RatingsConfig};
use server::store::{self, ChangeMeta, DocWrite};
use sync_core::doc::{MeetingDoc, MeetingOp, Sheet};
use sync_core::record::MeetingRecord;

use crate::helpers::{Backend, TestDb};

/// The day the demo data is looked at: after November's meetings, with January–September
/// confirmed (and auto-locked 30 days after their month).
pub fn demo_today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).expect("valid date")
}

/// A projection context with the default config.
pub fn ctx(config: &RatingsConfig) -> ProjectContext<'_> {
    ProjectContext {
        config,
        check: &NoAuthorshipCheck,
        today: demo_today(),
    }
}

/// Seeds the small demo province (every committee's first six cells) into `pool`'s store.
pub fn seed_demo(pool: &DbPool) {
    let mut conn = pool.get().expect("connection");
    demo::seed_with(&mut conn, DemoScale::Small).expect("seed demo");
}

/// A new database holding the small demo province as seeded, with nothing projected (copied
/// from a template built once per test process).
pub fn demo_db(backend: Backend) -> TestDb {
    TestDb::from_template(backend, "demo-small", seed_demo)
}

/// A new database holding the small demo province, seeded and projected by [`rebuild_all`]
/// (copied from a template built once per test process).
pub fn projected_demo_db(backend: Backend) -> TestDb {
    TestDb::from_template_on(
        backend,
        "demo-small-projected",
        || demo_db(backend),
        |pool| {
            rebuild_all(&mut pool.get().expect("connection"));
        },
    )
}

/// The small demo province's meetings, as generated (once per test process: generating them
/// costs seconds in a debug build, and a dozen tests on two backends ask).
pub fn demo_meetings() -> &'static [DemoMeeting] {
    static MEETINGS: OnceLock<Vec<DemoMeeting>> = OnceLock::new();
    MEETINGS.get_or_init(|| demo::demo_meetings_at(DemoScale::Small).expect("demo meetings"))
}

/// The small demo province's meetings with `pick(record)` true.
pub fn count_meetings(pick: impl Fn(&DemoMeeting, &MeetingRecord) -> bool) -> usize {
    demo_meetings()
        .iter()
        .filter(|m| pick(m, &m.doc.record().expect("record")))
        .count()
}

/// A device token of a new user holding `role` over the unit `code` (the demo tree must exist).
pub fn token_with_role(pool: &DbPool, role: Role, code: &str) -> String {
    let mut conn = pool.get().expect("connection");
    let username = format!("test.{}.{code}", role.as_str());
    users::create_user(&mut conn, &username, "Người thử", "mật-khẩu-thử").expect("user");
    roles::grant_role(&mut conn, &username, role, code).expect("grant");
    let user = users::user_by_username(&mut conn, &username)
        .expect("query")
        .expect("user exists");
    let (_, token) =
        credentials::enrol_device(&mut conn, &user.id, "thử", chrono::Duration::days(1))
            .expect("enrol");
    token.expose().to_owned()
}

/// Rebuilds every projection with the default config.
pub fn rebuild_all(conn: &mut DbConnection) -> RebuildReport {
    rebuild_with(conn, &RatingsConfig::default())
}

/// Rebuilds every projection with `config`.
pub fn rebuild_with(conn: &mut DbConnection, config: &RatingsConfig) -> RebuildReport {
    rebuild(conn, ctx(config), |_, _| {}).expect("rebuild")
}

/// A config under which nothing locks by date.
pub fn no_auto_lock() -> RatingsConfig {
    RatingsConfig {
        auto_lock_days: 100_000,
        ..RatingsConfig::default()
    }
}

/// Every projection row, in key order.
#[derive(Debug, PartialEq)]
pub struct Dump {
    pub facts: Vec<FactRow>,
    pub scores: Vec<ScoreRow>,
    pub attendance: Vec<AttendanceRow>,
    pub criteria: Vec<CriterionRow>,
    pub problems: Vec<ProblemRow>,
    pub tasks: Vec<TaskRow>,
    pub follow_ups: Vec<FollowUpRow>,
    pub locks: Vec<LockRow>,
    pub totals: Vec<TotalsRow>,
    pub cell_months: Vec<CellMonthRow>,
    /// Committee, year, cell, name and months (JSON) of each grid row.
    pub cell_years: Vec<(String, i64, String, String, String)>,
}

impl Dump {
    /// Checks that the grid's cell-year rows hold exactly the cell-month rows (the same
    /// percents, bit for bit), one row per cell-year, the first month's name.
    pub fn assert_cell_years_hold_the_cell_months(&self) {
        let mut months = self.cell_months.iter().peekable();
        for (committee, year, cell, name, json) in &self.cell_years {
            let entries = server::ratings::cell_years::parse_months(json).unwrap();
            assert!(!entries.is_empty(), "{cell} {year}: an empty cell-year row");
            for (i, e) in entries.iter().enumerate() {
                let m = months.next().expect("a cell-month for every entry");
                assert_eq!(
                    (&m.committee_id, m.year, &m.cell_id),
                    (committee, *year, cell)
                );
                if i == 0 {
                    assert_eq!(&m.cell_name, name, "the first month's name");
                }
                let expected = (
                    m.month,
                    m.doc_id.as_str(),
                    u8::from(m.valid),
                    m.status.as_str(),
                    m.official_level.as_deref(),
                    m.self_level.as_deref(),
                    m.superior_level.as_deref(),
                    m.self_percent.map(f64::to_bits),
                    m.superior_percent.map(f64::to_bits),
                    u8::from(m.amended_after_lock),
                    m.auto_lock_on.as_deref(),
                );
                let got = (
                    e.0,
                    e.1.as_str(),
                    e.2,
                    e.3.as_ref(),
                    e.4.as_deref(),
                    e.5.as_deref(),
                    e.6.as_deref(),
                    e.7.map(f64::to_bits),
                    e.8.map(f64::to_bits),
                    e.9,
                    e.10.as_deref(),
                );
                assert_eq!(got, expected, "{cell} {year}");
            }
        }
        assert!(
            months.next().is_none(),
            "a cell-month without its cell-year"
        );
    }
}

/// A row of `meeting_month_totals`.
pub type TotalsRow = (
    String,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
);

/// Runs the same diesel code on the concrete connection of either backend.
#[macro_export]
macro_rules! on_conn {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            server::db::DbConnection::Sqlite($c) => $body,
            server::db::DbConnection::Pg($c) => $body,
        }
    };
}

pub fn dump(conn: &mut DbConnection) -> Dump {
    on_conn!(conn, |conn| Dump {
        facts: meeting_facts::table
            .order(meeting_facts::doc_id)
            .select(FactRow::as_select())
            .load(conn)
            .unwrap(),
        scores: meeting_scores::table
            .order(meeting_scores::doc_id)
            .select(ScoreRow::as_select())
            .load(conn)
            .unwrap(),
        attendance: meeting_attendance::table
            .order((meeting_attendance::doc_id, meeting_attendance::member_id))
            .select(AttendanceRow::as_select())
            .load(conn)
            .unwrap(),
        criteria: meeting_criteria::table
            .order((
                meeting_criteria::doc_id,
                meeting_criteria::sheet,
                meeting_criteria::position,
            ))
            .select(CriterionRow::as_select())
            .load(conn)
            .unwrap(),
        problems: meeting_problems::table
            .order((meeting_problems::doc_id, meeting_problems::position))
            .select(ProblemRow::as_select())
            .load(conn)
            .unwrap(),
        tasks: meeting_tasks::table
            .order((meeting_tasks::doc_id, meeting_tasks::position))
            .select(TaskRow::as_select())
            .load(conn)
            .unwrap(),
        follow_ups: meeting_followups::table
            .order((meeting_followups::doc_id, meeting_followups::position))
            .select(FollowUpRow::as_select())
            .load(conn)
            .unwrap(),
        locks: meeting_locks::table
            .order(meeting_locks::doc_id)
            .select(LockRow::as_select())
            .load(conn)
            .unwrap(),
        totals: meeting_month_totals::table
            .order((
                meeting_month_totals::committee_id,
                meeting_month_totals::year,
                meeting_month_totals::month,
            ))
            .load(conn)
            .unwrap(),
        cell_months: meeting_cell_months::table
            .order((
                meeting_cell_months::committee_id,
                meeting_cell_months::year,
                meeting_cell_months::cell_id,
                meeting_cell_months::month,
            ))
            .select(CellMonthRow::as_select())
            .load(conn)
            .unwrap(),
        cell_years: meeting_cell_years::table
            .order((
                meeting_cell_years::committee_id,
                meeting_cell_years::year,
                meeting_cell_years::cell_id,
            ))
            .load(conn)
            .unwrap(),
    })
}

/// The stored document `doc_id`, loaded.
pub fn load_meeting(conn: &mut DbConnection, doc_id: &str) -> MeetingDoc {
    let stored = store::load_document(conn, doc_id).unwrap().expect("stored");
    MeetingDoc::load(&stored.concat()).expect("meeting loads")
}

/// Applies `ops` to the stored meeting and commits the new changes through the store, as the
/// sync layer would.
pub fn edit_stored(conn: &mut DbConnection, doc_id: &str, ops: &[MeetingOp]) {
    let mut doc = load_meeting(conn, doc_id);
    let before = doc.heads();
    for op in ops {
        doc.apply(op).expect("op applies");
    }
    let inner = doc.inner_mut();
    let changes = inner
        .get_changes(&before)
        .iter()
        .map(ChangeMeta::of)
        .collect();
    let write = DocWrite {
        doc_id: doc_id.to_owned(),
        change_bytes: inner.save_after(&before),
        new_heads: doc.heads(),
        changes,
        device_id: DEMO_DEVICE_ID.to_owned(),
        owner_if_new: None,
        cell_if_new: None,
    };
    store::commit_batch(conn, &[write]).expect("commit");
}

/// Stores raw bytes as a new document.
pub fn store_raw(conn: &mut DbConnection, doc_id: &str, bytes: Vec<u8>) {
    let write = DocWrite {
        doc_id: doc_id.to_owned(),
        change_bytes: bytes,
        new_heads: Vec::new(),
        changes: Vec::new(),
        device_id: DEMO_DEVICE_ID.to_owned(),
        owner_if_new: None,
        cell_if_new: None,
    };
    store::commit_batch(conn, &[write]).expect("commit raw");
}

/// The demo meeting document id of `cell` in `period`.
pub fn demo_doc_id(cell: &str, period: &str) -> String {
    MeetingDoc::regular_genesis(cell, period)
        .expect("genesis")
        .0
        .to_string()
}

pub fn scalar(field: &str, value: impl Into<serde_json::Value>) -> MeetingOp {
    MeetingOp::SetScalar {
        field: field.to_owned(),
        value: value.into(),
    }
}

/// A projection context on a given day.
pub struct ProjectContextAt<'a> {
    config: &'a RatingsConfig,
    today: NaiveDate,
}

impl<'a> ProjectContextAt<'a> {
    pub fn new(config: &'a RatingsConfig, y: i32, m: u32, d: u32) -> Self {
        Self {
            config,
            today: NaiveDate::from_ymd_opt(y, m, d).expect("valid date"),
        }
    }

    pub fn ctx(&self) -> ProjectContext<'a> {
        ProjectContext {
            config: self.config,
            check: &NoAuthorshipCheck,
            today: self.today,
        }
    }
}

/// Zero points on every criterion of the committee's sheet (the demo's rubric).
pub fn zero_superior_points() -> Vec<MeetingOp> {
    sync_core::rubric::preset("binh-thuan")
        .unwrap()
        .spec()
        .groups
        .iter()
        .flat_map(|g| g.criteria.iter().map(|c| c.id.clone()))
        .map(|criterion| MeetingOp::AwardPoints {
            sheet: Sheet::Superior,
            criterion,
            points: 0.0,
        })
        .collect()
}
