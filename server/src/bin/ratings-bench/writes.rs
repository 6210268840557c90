//! The rating edits of `--writes-per-s`: written as the projector writes, while the queries run.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::NaiveDate;
use rand::{Rng, SeedableRng, rngs::StdRng};
use server::db::DbPool;
use server::ratings::Pending;
use server::ratings::projector::WRITE_BATCH;
use server::ratings::rows::Projection;

use crate::{level_of, meeting_rows};

/// Makes `rate` rating edits a second until `stop`: each a new superior score (and level) for a
/// random meeting. Written as the projector writes: the edits due by the time the previous
/// transaction ended (at most its `WRITE_BATCH`) share one transaction. Returns each edit's
/// staleness (due → committed) and the time the edits took.
pub(crate) fn write_ratings(
    pool: &DbPool,
    rate: u32,
    meetings: usize,
    stop: &AtomicBool,
) -> anyhow::Result<(Vec<Duration>, Duration)> {
    let mut conn = pool.get().context("writer connection")?;
    let mut rng = StdRng::seed_from_u64(7);
    // Before every synthetic meeting's auto-lock date, so each edit changes the official level.
    let today = NaiveDate::from_ymd_opt(2025, 1, 1).context("date")?;
    let interval = Duration::from_secs_f64(1.0 / f64::from(rate));
    let started = Instant::now();
    let due = |k: usize| -> anyhow::Result<Instant> { Ok(started + interval * u32::try_from(k)?) };
    let mut staleness = Vec::new();
    while !stop.load(Ordering::SeqCst) {
        let made = staleness.len();
        if let Some(wait) = due(made)?.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        let now = Instant::now();
        let mut batch = Vec::new();
        while batch.len() < WRITE_BATCH && due(made + batch.len())? <= now {
            batch.push(Pending::Rows(Box::new(edit(&mut rng, meetings))));
        }
        let n = batch.len();
        server::ratings::write_pending(&mut conn, batch, today)?;
        for k in made..made + n {
            staleness.push(due(k)?.elapsed());
        }
    }
    Ok((staleness, started.elapsed()))
}

/// A new superior score (and level) for a random meeting.
fn edit(rng: &mut StdRng, meetings: usize) -> Projection {
    let i = rng.random_range(0..meetings);
    let (fact, mut score) = meeting_rows(i, &mut StdRng::seed_from_u64(i as u64));
    let superior: f64 = rng.random_range(40.0..100.0);
    let level = Some(level_of(superior).to_owned());
    score.superior_total = Some(superior);
    score.superior_percent = Some(superior);
    score.superior_level = level.clone();
    score.official_total = Some(superior);
    score.official_percent = Some(superior);
    score.official_level = level;
    Projection {
        fact,
        score,
        attendance: Vec::new(),
        criteria: Vec::new(),
        problems: Vec::new(),
        tasks: Vec::new(),
        follow_ups: Vec::new(),
        record: None,
    }
}
