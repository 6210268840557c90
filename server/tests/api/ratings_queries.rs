//! The read side over the demo province: grid, aggregates, roll-up, members, follow-ups.

use server::ratings::RatingsConfig;
use server::ratings::expected::KnownCells;
use server::ratings::project_stored;
use server::ratings::queries::{
    self, Bucket, MonthState, Scope, TaskScope, grid, member_absences, overdue_tasks, stats,
};
use sync_core::doc::{ListName, MeetingOp};
use sync_core::record::AttendanceStatus;
use sync_core::rubric::{Level, MonthDue};

use crate::helpers::Backend;
use crate::on_both_backends;
use crate::ratings_support::{
    ctx, demo_db, demo_doc_id, demo_meetings, demo_today, edit_stored, load_meeting,
    projected_demo_db, rebuild_all,
};

on_both_backends!(
    the_grid_shows_the_struggling_cells_july_as_missing_and_recent_months_unconfirmed,
    self_scores_run_above_the_committees_and_the_gap_is_largest_for_weak_cells,
    the_year_rolls_up_by_the_rubric_with_a_missing_month_counting_against_it,
    members_are_flagged_for_long_excused_runs_and_three_unexcused_months,
    tasks_without_a_done_follow_up_next_month_are_overdue,
);

async fn the_grid_shows_the_struggling_cells_july_as_missing_and_recent_months_unconfirmed(
    backend: Backend,
) {
    let db = projected_demo_db(backend);
    let pool = db.pool();
    let mut conn = pool.get().unwrap();
    let grid = grid(&mut conn, &KnownCells, "du-hoa-lu", 2026, demo_today()).unwrap();
    assert_eq!(grid.rows.len(), 6);
    let names: Vec<&str> = grid.rows.iter().map(|r| r.cell_name.as_str()).collect();
    assert_eq!(names[0], "Chi bộ Khu phố 1");
    let weak = grid
        .rows
        .iter()
        .find(|r| r.cell_id == "du-hoa-lu-cb06")
        .unwrap();
    assert_eq!(weak.months[6].state, MonthState::Missing, "July");
    assert_eq!(weak.months[6].doc_id, None);
    assert_eq!(weak.months[11].state, MonthState::Future, "December");
    for row in &grid.rows {
        for m in &row.months[..9] {
            assert!(
                matches!(
                    m.state,
                    MonthState::Rated | MonthState::Invalid | MonthState::Missing
                ),
                "{} {}: {:?}",
                row.cell_id,
                m.month,
                m.state
            );
            if m.state == MonthState::Rated {
                assert!(m.level.is_some() && m.locked, "Jan–Sep are locked by date");
            }
        }
        for m in &row.months[9..11] {
            assert!(matches!(
                m.state,
                MonthState::Unconfirmed | MonthState::Invalid
            ));
            assert!(m.self_level.is_some() && m.level.is_none() && !m.locked);
        }
    }
    let strong = grid
        .rows
        .iter()
        .find(|r| r.cell_id == "du-hoa-lu-cb01")
        .unwrap();
    assert!(strong.months.iter().all(|m| m.state != MonthState::Missing));
}

async fn self_scores_run_above_the_committees_and_the_gap_is_largest_for_weak_cells(
    backend: Backend,
) {
    let db = projected_demo_db(backend);
    let pool = db.pool();
    let mut conn = pool.get().unwrap();
    let committee = stats(
        &mut conn,
        &Scope::Committee("du-gia-vien".into()),
        2026,
        Bucket::Year,
    )
    .unwrap();
    let year = &committee[0];
    assert_eq!(year.bucket, 2026);
    assert!(year.meetings >= 60, "{year:?}");
    let (own, superior) = (
        year.avg_self_percent.unwrap(),
        year.avg_superior_percent.unwrap(),
    );
    assert!(own > superior, "{own} vs {superior}");
    assert!(year.avg_gap.unwrap() > 1.0, "{year:?}");
    assert!(
        year.self_tot > year.tot,
        "more Tốt by self score than confirmed"
    );
    let mut gap = |cell: &str| {
        let rows = stats(&mut conn, &Scope::Cell(cell.into()), 2026, Bucket::Year).unwrap();
        rows[0].avg_gap.unwrap()
    };
    assert!(gap("du-gia-vien-cb06") > gap("du-gia-vien-cb01"));

    let months = stats(
        &mut conn,
        &Scope::Committee("du-hoa-lu".into()),
        2026,
        Bucket::Month,
    )
    .unwrap();
    assert_eq!(months.len(), 11);
    assert_eq!(months[6].bucket, 7);
    assert_eq!(months[6].held, 5, "one cell missed July");
    assert_eq!(months[0].held, 6);
    let levels = months[0].tot + months[0].kha + months[0].trung_binh + months[0].kem;
    assert_eq!(
        levels + months[0].invalid,
        6,
        "every January meeting is rated or invalid"
    );
    assert!(months[10].unconfirmed > 0 && months[10].tot + months[10].kha == 0);
    // The national view (maintained totals) agrees with the grouped rows.
    let national = queries::national_rollup(&mut conn, 2026).unwrap();
    let hoa_lu_july = national
        .iter()
        .find(|r| r.committee_id == "du-hoa-lu" && r.month == 7)
        .unwrap();
    assert_eq!(hoa_lu_july.meetings, months[6].meetings);
    assert_eq!(hoa_lu_july.tot, months[6].tot);
    assert_eq!(hoa_lu_july.kha, months[6].kha);
    let quarters = stats(&mut conn, &Scope::All, 2026, Bucket::Quarter).unwrap();
    assert_eq!(quarters.len(), 4);
    assert!(
        quarters.iter().all(|q| q.thematic > 0),
        "exemplary cells hold a thematic meeting every quarter"
    );
    assert!(quarters[0].avg_duration_min.unwrap() > 60.0);
    assert!(quarters[0].on_scheduled_day > 0);
}

async fn the_year_rolls_up_by_the_rubric_with_a_missing_month_counting_against_it(
    backend: Backend,
) {
    let db = projected_demo_db(backend);
    let pool = db.pool();
    let mut conn = pool.get().unwrap();
    let config = RatingsConfig::default();
    let today = demo_today();
    let rollup = queries::rollup(
        &mut conn,
        &KnownCells,
        Some("du-hoa-lu"),
        2026,
        today,
        &config,
    )
    .unwrap();
    assert_eq!(rollup.cells.len(), 6);
    let weak = rollup
        .cells
        .iter()
        .find(|c| c.cell_id == "du-hoa-lu-cb06")
        .unwrap();
    let weak = weak.rollup.as_ref().unwrap();
    assert_eq!(weak.months[6].level, None, "July is missing");
    assert_eq!(weak.months[6].counted_as, Some(Level::Kem));
    assert_ne!(weak.level, Some(Level::Tot));
    // Seen in November, December is still to come: left out, and the year is provisional.
    assert_eq!(weak.months[11].due, MonthDue::Future);
    assert_eq!(weak.months[11].counted_as, None);
    assert!(weak.provisional);
    // The same roll-up is what the cell's year view shows.
    let year = queries::cell_year(
        &mut conn,
        &KnownCells,
        "du-hoa-lu-cb06",
        2026,
        demo_today(),
        &config,
    )
    .unwrap();
    assert_eq!(year.rollup.as_ref(), Some(weak));
    assert_eq!(year.months[6], MonthState::Missing);
    assert_eq!(
        year.meetings.len(),
        10,
        "a struggling cell holds no thematic meeting"
    );
    assert_eq!(year.quarters.len(), 4);
    // A cell's meetings within a month are in the order they were held, not by id.
    let busy = queries::cell_year(
        &mut conn,
        &KnownCells,
        "du-hoa-lu-cb01",
        2026,
        demo_today(),
        &config,
    )
    .unwrap();
    let order: Vec<(String, bool, Option<String>)> = busy
        .meetings
        .iter()
        .map(|m| (m.period.clone(), m.held_on.is_none(), m.held_on.clone()))
        .collect();
    let mut by_day = order.clone();
    by_day.sort();
    assert_eq!(order, by_day);
    assert!(
        busy.meetings
            .windows(2)
            .any(|w| w[0].period == w[1].period && w[0].held_on != w[1].held_on),
        "a month with two meetings held on different days"
    );
}

async fn members_are_flagged_for_long_excused_runs_and_three_unexcused_months(backend: Backend) {
    let db = demo_db(backend);
    let pool = db.pool();
    let mut conn = pool.get().unwrap();
    let cell = "du-hoa-lu-cb01";
    let mark = |member: &str, status, reason: &str| MeetingOp::MarkAttendance {
        member_id: member.into(),
        status,
        reason: reason.into(),
        late_min: 0,
    };
    // Every meeting of the cell, regular and thematic, in month order.
    let meetings: Vec<(u32, String)> = demo_meetings()
        .iter()
        .filter(|m| m.cell_id == cell)
        .map(|m| (m.period[5..].parse().unwrap(), m.doc_id.to_string()))
        .collect();
    let thematic_feb_to_may = meetings
        .iter()
        .filter(|(month, id)| {
            (2..=5).contains(month) && *id != demo_doc_id(cell, &format!("2026-{month:02}"))
        })
        .count();
    for (month, id) in &meetings {
        let (month, id) = (*month, id.clone());
        let mut ops = Vec::new();
        // Both members are present except: m05 excused Feb–May, m06 unexcused Jun, Aug, Sep.
        ops.push(match month {
            2..=5 => mark(&format!("{cell}-m05"), AttendanceStatus::VangCoLyDo, "Ốm"),
            _ => mark(&format!("{cell}-m05"), AttendanceStatus::CoMat, ""),
        });
        ops.push(match month {
            6 | 8 | 9 => mark(&format!("{cell}-m06"), AttendanceStatus::VangKhongLyDo, ""),
            _ => mark(&format!("{cell}-m06"), AttendanceStatus::CoMat, ""),
        });
        // Fewer present than the demo's vote count would make the minutes invalid.
        if !load_meeting(&mut conn, &id)
            .record()
            .unwrap()
            .votes
            .is_empty()
        {
            ops.push(MeetingOp::RemoveItem {
                list: ListName::Votes,
                id: "v1".into(),
            });
        }
        edit_stored(&mut conn, &id, &ops);
    }
    rebuild_all(&mut conn);
    let members = member_absences(&mut conn, cell, 2026).unwrap();
    let get = |id: &str| members.iter().find(|m| m.member_id == id).unwrap().clone();
    let m05 = get(&format!("{cell}-m05"));
    assert_eq!(m05.longest_excused_run as usize, 4 + thematic_feb_to_may);
    assert_eq!(m05.flags, vec!["consecutive_excused_over_3".to_owned()]);
    let m06 = get(&format!("{cell}-m06"));
    assert_eq!(m06.unexcused_months, vec!["2026-06", "2026-08", "2026-09"]);
    assert_eq!(m06.flags, vec!["unexcused_3_months".to_owned()]);
    let chair = get(&format!("{cell}-m01"));
    assert!(chair.flags.is_empty() && chair.present == chair.meetings);
    assert_eq!(chair.meetings as usize, meetings.len());
    // Ordered by given name.
    let mut expected = members.clone();
    sync_core::text::sort_by_given_name(&mut expected, |m| m.full_name.as_str());
    assert_eq!(members, expected);
    // The projector path gives the same as a rebuild for an edited meeting.
    let config = RatingsConfig::default();
    let id = demo_doc_id(cell, "2026-03");
    project_stored(&mut conn, &id, ctx(&config)).unwrap();
    assert_eq!(member_absences(&mut conn, cell, 2026).unwrap(), members);
}

async fn tasks_without_a_done_follow_up_next_month_are_overdue(backend: Backend) {
    let db = projected_demo_db(backend);
    let pool = db.pool();
    let mut conn = pool.get().unwrap();
    let scope = TaskScope::Committee("du-hoa-lu".into());
    let overdue = overdue_tasks(&mut conn, &scope, demo_today()).unwrap();
    assert!(
        overdue
            .iter()
            .all(|t| t.follow_status.as_deref() != Some("da_hoan_thanh"))
    );
    assert!(overdue.iter().all(|t| t.due.as_str() < "2026-11-26"));
    // The weak cell did not meet in July: June's task was never followed up.
    let june = overdue
        .iter()
        .find(|t| t.cell_id == "du-hoa-lu-cb06" && t.period == "2026-06")
        .expect("June task of the weak cell is overdue");
    assert_eq!(june.follow_status, None);
    // November's tasks were due on the 25th; no December meeting yet.
    assert!(overdue.iter().any(|t| t.period == "2026-11"));
    // Reported tasks carry next month's status.
    let all = queries::task_follow_ups(&mut conn, &scope, 2026).unwrap();
    let reported = all.iter().filter(|t| t.follow_status.is_some()).count();
    assert!(reported > 40, "{reported}");
    assert!(all.len() > overdue.len());
    // Nothing is overdue before the first due date.
    let early = chrono::NaiveDate::from_ymd_opt(2026, 1, 20).unwrap();
    assert!(overdue_tasks(&mut conn, &scope, early).unwrap().is_empty());
}
