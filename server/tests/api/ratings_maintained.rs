//! The maintained aggregates (committee-month totals, the grid's cell-months and cell-years)
//! written by difference equal those recomputed from the rows, on both backends.

use server::ratings::rows::Projection;
use server::ratings::{Pending, pending_stored, project_stored, refresh_all_totals, write_pending};

use crate::helpers::Backend;
use crate::on_both_backends;
use crate::ratings_support::{
    ctx, demo_doc_id, demo_today, dump, edit_stored, no_auto_lock, projected_demo_db, scalar,
    zero_superior_points,
};

on_both_backends!(
    totals_and_grid_rows_maintained_by_difference_equal_those_recomputed_from_the_rows,
);

async fn totals_and_grid_rows_maintained_by_difference_equal_those_recomputed_from_the_rows(
    backend: Backend,
) {
    let db = projected_demo_db(backend);
    let pool = db.pool();
    let mut conn = pool.get().unwrap();
    let config = no_auto_lock();
    let before = dump(&mut conn);
    // The committee's score lowered (another level, another superior sum); minutes broken (no
    // longer valid: out of the averages); a confirmed meeting sent back (no official level).
    let scored = demo_doc_id("du-gia-vien-cb02", "2026-08");
    edit_stored(&mut conn, &scored, &zero_superior_points());
    let broken = demo_doc_id("du-hoa-lu-cb02", "2026-05");
    edit_stored(&mut conn, &broken, &[scalar("chairMemberId", "")]);
    let reopened = demo_doc_id("du-gia-vien-cb01", "2026-03");
    edit_stored(&mut conn, &reopened, &[scalar("status", "da_gui")]);
    // A regular meeting turned thematic: the grid's cell-month no longer shows it.
    let thematic = demo_doc_id("du-hoa-lu-cb03", "2026-04");
    edit_stored(&mut conn, &thematic, &[scalar("meetingType", "chuyen_de")]);
    for id in [&scored, &broken, &thematic] {
        project_stored(&mut conn, id, ctx(&config)).unwrap();
    }
    // One transaction: a document twice (the second subtracts the first), one edited, one
    // removed (its committee-month counts one meeting less) and one removed then put back.
    let removed = demo_doc_id("du-gia-vien-cb04", "2026-02");
    let back = demo_doc_id("du-hoa-lu-cb01", "2026-06");
    let pending = |conn: &mut _, id: &str| pending_stored(conn, id, None, ctx(&config)).unwrap();
    // And two regular meetings of one new cell-month, the later id first: the grid shows the
    // first by id whatever the order they come in.
    let Pending::Rows(template) = pending(&mut conn, &back) else {
        panic!("a meeting");
    };
    // And an earlier month of that cell-year under another name: the grid row takes the name
    // of its first month.
    let mut renamed = moved_to_2030(&template, "zz-renamed");
    (renamed.fact.month, renamed.fact.period) = (Some(2), "2030-02".to_owned());
    renamed.fact.cell_name = "Chi bộ đổi tên".to_owned();
    let round = vec![
        pending(&mut conn, &scored),
        pending(&mut conn, &reopened),
        pending(&mut conn, &scored),
        Pending::Remove(removed.clone()),
        Pending::Remove(back.clone()),
        pending(&mut conn, &back),
        Pending::Rows(Box::new(moved_to_2030(&template, "zz-second"))),
        Pending::Rows(Box::new(moved_to_2030(&template, "zz-first"))),
        Pending::Rows(Box::new(renamed)),
    ];
    write_pending(&mut conn, round, demo_today()).unwrap();
    let maintained = dump(&mut conn);
    assert_ne!(
        maintained.totals, before.totals,
        "the edits changed the totals"
    );
    assert!(maintained.facts.iter().all(|f| f.doc_id != removed));
    let shown = |rows: &crate::ratings_support::Dump, id: &str| {
        rows.cell_months.iter().any(|m| m.doc_id == id)
    };
    assert!(shown(&before, &thematic) && !shown(&maintained, &thematic));
    assert!(shown(&before, &removed) && !shown(&maintained, &removed));
    assert!(shown(&maintained, &back) && shown(&maintained, &scored));
    assert!(shown(&maintained, "zz-first") && !shown(&maintained, "zz-second"));

    refresh_all_totals(&mut conn).unwrap();
    let recomputed = dump(&mut conn);
    assert_eq!(recomputed.totals, maintained.totals);
    assert_eq!(recomputed.cell_months, maintained.cell_months);
    assert_eq!(recomputed.cell_years, maintained.cell_years);
    maintained.assert_cell_years_hold_the_cell_months();
    let year_2030: Vec<_> = maintained
        .cell_years
        .iter()
        .filter(|y| y.1 == 2030)
        .collect();
    assert_eq!(year_2030.len(), 1);
    assert_eq!(year_2030[0].3, "Chi bộ đổi tên", "its first month's name");
}

/// The rows of `p` as those of another document, `doc_id`, held in the same month of 2030.
fn moved_to_2030(p: &Projection, doc_id: &str) -> Projection {
    let mut p = p.clone();
    let id = || doc_id.to_owned();
    p.fact.doc_id = id();
    p.fact.year = Some(2030);
    p.fact.period = format!("2030{}", &p.fact.period[4..]);
    p.score.doc_id = id();
    p.attendance.iter_mut().for_each(|r| r.doc_id = id());
    p.criteria.iter_mut().for_each(|r| r.doc_id = id());
    p.problems.iter_mut().for_each(|r| r.doc_id = id());
    p.tasks.iter_mut().for_each(|r| r.doc_id = id());
    p.follow_ups.iter_mut().for_each(|r| r.doc_id = id());
    p.record.iter_mut().for_each(|r| r.doc_id = id());
    p
}
