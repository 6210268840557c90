//! W5 dashboard aggregation benchmark (performance.md §5): synthetic projection rows (not
//! documents) for N meetings and the organisation tree they belong to, then p50/p99 of the
//! committee grid (Q1, expected cells from the effective-dated tree, as the API answers it), the
//! national roll-up (Q2), the bottom 50 of a committee-month (Q3) and one cell's 24-month trend
//! (Q4). With `--writes-per-s N`, a second connection makes N rating edits a second on random
//! meetings through the projector's write path (`write_pending`: the rows, the committee-month
//! totals and the grid's cell-months, the edits due together in one transaction) while the
//! queries run, and reports the edits' staleness: from when each edit was due to when its
//! transaction committed (from then on every query shows it).
//!
//! ```sh
//! cargo run --release -p server --bin ratings-bench -- --meetings 100000
//! cargo run --release -p server --bin ratings-bench -- --meetings 1000000 --pg postgres://postgres@127.0.0.1/test
//! cargo run --release -p server --bin ratings-bench -- --meetings 100000 --writes-per-s 1000
//! ```
//! SQLite runs in a temporary file; PostgreSQL in a fresh database `ratings_bench_<pid>` created
//! next to the one in the URL and dropped afterwards.

mod scratch_db;
mod writes;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{NaiveDate, NaiveDateTime};
use clap::Parser;
use diesel::prelude::*;
use rand::{Rng, SeedableRng, rngs::StdRng};
use scratch_db::{Cleanup, fresh_pg};
use server::db::schema::{meeting_facts, meeting_scores, org_unit_versions, org_units};
use server::db::{DatabaseUrl, DbConnection, PoolOptions};
use server::ratings::expected::TreeCells;
use server::ratings::queries;
use server::ratings::rows::{FactRow, ScoreRow};
use server::startup::open_database_blocking;

/// Benchmark flags.
#[derive(Debug, Parser)]
struct Args {
    /// Meetings to generate (24 months each for `meetings / 24` cells, 300 cells a committee).
    #[arg(long, default_value_t = 100_000)]
    meetings: usize,
    /// PostgreSQL URL; SQLite in a temporary file when absent.
    #[arg(long)]
    pg: Option<String>,
    /// Timed runs per query.
    #[arg(long, default_value_t = 200)]
    runs: usize,
    /// Keep the database afterwards (its URL is printed), e.g. to `EXPLAIN ANALYZE` the queries.
    #[arg(long)]
    keep: bool,
    /// Time the queries on this kept database (same `--meetings`) instead of seeding a new one,
    /// so two builds can be compared on identical data, alternating.
    #[arg(long, conflicts_with = "pg")]
    reuse: Option<String>,
    /// Rating edits a second made on a second connection while the queries run (0: none).
    #[arg(long, default_value_t = 0)]
    writes_per_s: u32,
}

const CELLS_PER_COMMITTEE: usize = 300;
const MONTHS: usize = 24;
const ROWS_PER_INSERT: usize = 1000;

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if let Some(url) = &args.reuse {
        return run(&args, url);
    }
    let (url, cleanup) = match &args.pg {
        Some(base) => fresh_pg(base)?,
        None => {
            let path =
                std::env::temp_dir().join(format!("ratings-bench-{}.db", std::process::id()));
            let _ = std::fs::remove_file(&path);
            (format!("sqlite://{}", path.display()), Cleanup::File(path))
        }
    };
    let result = run(&args, &url);
    if args.keep {
        println!("kept the database: {url}");
    } else {
        cleanup.run();
    }
    result
}

fn run(args: &Args, url: &str) -> anyhow::Result<()> {
    let url = DatabaseUrl::parse(url)?;
    let options = PoolOptions {
        max_size: 2,
        ..PoolOptions::default()
    };
    let pool = open_database_blocking(&url, options)?;
    let mut conn = pool.get().context("connection")?;
    let cells = args.meetings.div_ceil(MONTHS);
    let committees = cells.div_ceil(CELLS_PER_COMMITTEE);
    println!(
        "backend {:?}: {} meetings, {cells} cells, {committees} committees, {MONTHS} months",
        url.backend(),
        args.meetings
    );
    if args.reuse.is_none() {
        let started = Instant::now();
        seed(&mut conn, args.meetings)?;
        seed_tree(&mut conn, cells, committees)?;
        println!("seeded rows in {:.1?}", started.elapsed());
        let started = Instant::now();
        server::ratings::refresh_all_totals(&mut conn)?;
        println!(
            "full rebuild of the committee-month totals and grid cell-months in {:.1?}",
            started.elapsed()
        );
        analyze(&mut conn)?;
    }

    let stop = Arc::new(AtomicBool::new(false));
    let writer = (args.writes_per_s > 0).then(|| {
        let (pool, stop, rate) = (pool.clone(), stop.clone(), args.writes_per_s);
        let meetings = args.meetings;
        std::thread::spawn(move || writes::write_ratings(&pool, rate, meetings, &stop))
    });
    let mut rng = StdRng::seed_from_u64(5);
    let as_of = NaiveDate::from_ymd_opt(2026, 12, 31).context("date")?;
    let mut q1 = Vec::new();
    let mut q2 = Vec::new();
    let mut q3 = Vec::new();
    let mut q4 = Vec::new();
    for _ in 0..args.runs {
        let committee = format!("c{:04}", rng.random_range(0..committees));
        let year = 2025 + rng.random_range(0..2_i64);
        let t = Instant::now();
        let grid = queries::grid(&mut conn, &TreeCells, &committee, year, as_of)?;
        q1.push(t.elapsed());
        anyhow::ensure!(!grid.rows.is_empty(), "empty grid");
        let t = Instant::now();
        let national = queries::national_rollup(&mut conn, year)?;
        q2.push(t.elapsed());
        anyhow::ensure!(!national.is_empty(), "empty roll-up");
        let t = Instant::now();
        let month = rng.random_range(1..=12);
        let bottom = queries::bottom_cells(&mut conn, &committee, year, month, 50)?;
        q3.push(t.elapsed());
        anyhow::ensure!(!bottom.is_empty(), "empty bottom list");
        let cell = format!("cell{:06}", rng.random_range(0..cells));
        let t = Instant::now();
        let trend = queries::cell_trend(&mut conn, &cell, "2025-01", "2026-12")?;
        q4.push(t.elapsed());
        anyhow::ensure!(!trend.is_empty(), "empty trend");
    }
    stop.store(true, Ordering::SeqCst);
    if let Some(writer) = writer {
        let (mut staleness, elapsed) = writer
            .join()
            .map_err(|_| anyhow::anyhow!("the writer panicked"))??;
        println!(
            "rating edits during the queries: {} in {:.1?} ({:.0}/s, asked {}/s)",
            staleness.len(),
            elapsed,
            staleness.len() as f64 / elapsed.as_secs_f64().max(1e-9),
            args.writes_per_s
        );
        report("staleness (edit due -> committed)", &mut staleness);
    }
    report("Q1 committee grid (cells x 12 months)", &mut q1);
    report("Q2 national roll-up (maintained totals)", &mut q2);
    report("Q3 bottom 50 of a committee-month", &mut q3);
    report("Q4 one cell's 24-month trend", &mut q4);
    Ok(())
}

fn report(name: &str, samples: &mut [Duration]) {
    samples.sort();
    let at = |p: f64| samples[((samples.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "{name:<42} p50 {:>9.3} ms  p99 {:>9.3} ms  ({} runs)",
        at(0.50).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        samples.len()
    );
}

/// The level of a percentage under the synthetic rubric.
pub(crate) fn level_of(percent: f64) -> &'static str {
    match percent {
        p if p >= 90.0 => "tot",
        p if p >= 70.0 => "kha",
        p if p >= 50.0 => "trung_binh",
        _ => "kem",
    }
}

/// Writes `meetings` synthetic fact and score rows in batches.
fn seed(conn: &mut DbConnection, meetings: usize) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(2026);
    let mut facts = Vec::with_capacity(ROWS_PER_INSERT);
    let mut scores = Vec::with_capacity(ROWS_PER_INSERT);
    for i in 0..meetings {
        let (fact, score) = meeting_rows(i, &mut rng);
        facts.push(fact);
        scores.push(score);
        if facts.len() == ROWS_PER_INSERT || i + 1 == meetings {
            insert(conn, &facts, &scores)?;
            facts.clear();
            scores.clear();
        }
    }
    Ok(())
}

/// The rows of synthetic meeting `i` (its cell, month and committee follow from `i`).
pub(crate) fn meeting_rows(i: usize, rng: &mut StdRng) -> (FactRow, ScoreRow) {
    let cell = i / MONTHS;
    let m = i % MONTHS;
    let (year, month) = (2025 + (m / 12) as i64, (m % 12 + 1) as i64);
    let committee = cell / CELLS_PER_COMMITTEE;
    let doc_id = format!("d{i:08}");
    let quality: f64 = rng.random_range(40.0..100.0);
    let superior = quality - rng.random_range(0.0..10.0);
    let fact = FactRow {
        doc_id: doc_id.clone(),
        valid: true,
        load_error: None,
        cell_id: format!("cell{cell:06}"),
        cell_name: format!("Chi bộ {cell}"),
        committee_id: format!("c{committee:04}"),
        committee_name: format!("Đảng ủy {committee}"),
        root_id: "root".into(),
        root_name: "Tỉnh".into(),
        period: format!("{year}-{month:02}"),
        year: Some(year),
        quarter: Some((month - 1) / 3 + 1),
        month: Some(month),
        meeting_type: "thuong_ky".into(),
        scheduled_date: format!("{year}-{month:02}-03"),
        held_on: Some(format!("{year}-{month:02}-03")),
        held_on_scheduled_day: rng.random_bool(0.7),
        duration_min: Some(rng.random_range(60..140)),
        expected: 20,
        present: rng.random_range(14..=20),
        absent_excused: 1,
        absent_unexcused: 0,
        attendance_rate: rng.random_range(0.7..1.0),
        speaker_count: 6,
        status: "da_xac_nhan".into(),
        return_reason: String::new(),
        minutes_adopted: true,
        heads: String::new(),
        projected_at: NaiveDateTime::default(),
    };
    let score = ScoreRow {
        doc_id,
        rubric_key: Some("phu-tho-2019@1".into()),
        self_total: Some(quality),
        self_percent: Some(quality),
        self_level: Some(level_of(quality).into()),
        superior_total: Some(superior),
        superior_percent: Some(superior),
        superior_level: Some(level_of(superior).into()),
        official_total: Some(superior),
        official_percent: Some(superior),
        official_level: Some(level_of(superior).into()),
        auto_lock_on: Some(format!("{year}-{month:02}-28")),
        amended_after_lock: false,
        problem_count: 0,
        violation_count: 0,
        conflict_count: 0,
        fingerprint: String::new(),
    };
    (fact, score)
}

/// The tree of the synthetic rows: a root, the committees and their cells, in force since 2024.
fn seed_tree(conn: &mut DbConnection, cells: usize, committees: usize) -> anyhow::Result<()> {
    let since = NaiveDate::from_ymd_opt(2024, 1, 1).context("date")?;
    let now = NaiveDateTime::default();
    // (id = code, kind, name, parent)
    let mut units: Vec<(String, &str, String, Option<String>)> =
        vec![("root".into(), "dang_bo_tinh", "Tỉnh".into(), None)];
    for c in 0..committees {
        let code = format!("c{c:04}");
        units.push((code, "dang_uy", format!("Đảng ủy {c}"), Some("root".into())));
    }
    for cell in 0..cells {
        let parent = format!("c{:04}", cell / CELLS_PER_COMMITTEE);
        units.push((
            format!("cell{cell:06}"),
            "chi_bo",
            format!("Chi bộ {cell}"),
            Some(parent),
        ));
    }
    for chunk in units.chunks(ROWS_PER_INSERT) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(code, kind, _, _)| {
                (
                    org_units::id.eq(code),
                    org_units::code.eq(code),
                    org_units::kind.eq(*kind),
                    org_units::created_at.eq(now),
                )
            })
            .collect();
        let versions: Vec<_> = chunk
            .iter()
            .map(|(code, _, name, parent)| {
                (
                    org_unit_versions::unit_id.eq(code),
                    org_unit_versions::name.eq(name),
                    org_unit_versions::name_key.eq(name),
                    org_unit_versions::parent_id.eq(parent.as_ref()),
                    org_unit_versions::valid_from.eq(since),
                    org_unit_versions::recorded_at.eq(now),
                )
            })
            .collect();
        match conn {
            DbConnection::Sqlite(c) => c.transaction(|c| {
                diesel::insert_into(org_units::table)
                    .values(&rows)
                    .execute(c)?;
                diesel::insert_into(org_unit_versions::table)
                    .values(&versions)
                    .execute(c)
            }),
            DbConnection::Pg(c) => c.transaction(|c| {
                diesel::insert_into(org_units::table)
                    .values(&rows)
                    .execute(c)?;
                diesel::insert_into(org_unit_versions::table)
                    .values(&versions)
                    .execute(c)
            }),
        }?;
    }
    Ok(())
}

fn insert(conn: &mut DbConnection, facts: &[FactRow], scores: &[ScoreRow]) -> anyhow::Result<()> {
    match conn {
        DbConnection::Sqlite(c) => c.transaction(|c| {
            diesel::insert_into(meeting_facts::table)
                .values(facts)
                .execute(c)?;
            diesel::insert_into(meeting_scores::table)
                .values(scores)
                .execute(c)
        }),
        DbConnection::Pg(c) => c.transaction(|c| {
            diesel::insert_into(meeting_facts::table)
                .values(facts)
                .execute(c)?;
            diesel::insert_into(meeting_scores::table)
                .values(scores)
                .execute(c)
        }),
    }?;
    Ok(())
}

fn analyze(conn: &mut DbConnection) -> anyhow::Result<()> {
    match conn {
        DbConnection::Sqlite(c) => diesel::sql_query("ANALYZE").execute(c),
        DbConnection::Pg(c) => diesel::sql_query("ANALYZE").execute(c),
    }?;
    Ok(())
}
