//! Costs of a typical minutes document (30 members, 12 agenda items, 20 contributions) and of a
//! 5,000-edit history by 3 actors: create, edit, save, load, merge, record.

use automerge::ActorId;
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use std::hint::black_box;
use sync_core::doc::{MeetingDoc, MeetingOp, Sheet};
use sync_core::record::{AgendaItem, AttendanceStatus, Contribution, MemberCategory};

fn typical() -> MeetingDoc {
    let (_, g) = MeetingDoc::regular_genesis("cell-1", "2025-11").unwrap();
    let mut d = MeetingDoc::load(&g)
        .unwrap()
        .with_actor(ActorId::from([1u8; 16]));
    for m in 0..30 {
        d.apply(&MeetingOp::SetRosterEntry {
            member_id: format!("m{m}"),
            full_name: format!("Nguyễn Văn Thành {m}"),
            category: MemberCategory::ChinhThuc,
        })
        .unwrap();
        d.apply(&MeetingOp::MarkAttendance {
            member_id: format!("m{m}"),
            status: if m % 10 == 9 {
                AttendanceStatus::VangCoLyDo
            } else {
                AttendanceStatus::CoMat
            },
            reason: if m % 10 == 9 {
                "Đi công tác".into()
            } else {
                String::new()
            },
            late_min: 0,
        })
        .unwrap();
    }
    for a in 0..12 {
        d.apply(&MeetingOp::AddAgendaItem {
            item: AgendaItem {
                id: format!("a{a}"),
                title: format!("Nội dung thứ {a}"),
                ..AgendaItem::default()
            },
        })
        .unwrap();
    }
    for c in 0..20 {
        d.apply(&MeetingOp::AddContribution {
            item: Contribution {
                id: format!("c{c}"),
                member_id: format!("m{c}"),
                item_ref: format!("a{}", c % 12),
                summary:
                    "Đồng chí phát biểu nhất trí với dự thảo nghị quyết, đề nghị bổ sung nhiệm vụ"
                        .into(),
            },
        })
        .unwrap();
    }
    d.apply(&MeetingOp::ReplaceText {
        field: "resolution".into(),
        value: "Chi bộ thống nhất nghị quyết tháng 11.".repeat(5),
    })
    .unwrap();
    d
}

fn history() -> MeetingDoc {
    let (_, g) = MeetingDoc::regular_genesis("cell-1", "2025-11").unwrap();
    let mut actors: Vec<MeetingDoc> = (0..3u8)
        .map(|a| {
            MeetingDoc::load(&g)
                .unwrap()
                .with_actor(ActorId::from([a + 1; 16]))
        })
        .collect();
    for i in 0..5000usize {
        let a = i % 3;
        // Every value differs from the one it replaces: Automerge drops a put of an equal value,
        // and the history must really hold 5,000 changes.
        let op = match i % 4 {
            0 => MeetingOp::SpliceText {
                field: "resolution".into(),
                index: 0,
                delete: 0,
                insert: "x".into(),
            },
            1 => MeetingOp::SetScalar {
                field: "startedAt".into(),
                value: json!(format!("2025-11-03T{:02}:{:02}", (i / 60) % 24, i % 60)),
            },
            2 => MeetingOp::AwardPoints {
                sheet: Sheet::SelfScore,
                criterion: format!("k{}", i % 7),
                points: f64::from(u32::try_from(i % 997).unwrap_or(0)) / 10.0,
            },
            _ => MeetingOp::MarkAttendance {
                member_id: format!("m{}", i % 30),
                status: AttendanceStatus::CoMat,
                reason: String::new(),
                late_min: u32::try_from(i).unwrap_or(0),
            },
        };
        actors[a].apply(&op).unwrap();
        if i % 100 == 99 {
            let (left, right) = actors.split_at_mut(a + 1);
            if let Some(next) = right.first_mut() {
                left[a].merge(next).unwrap();
                next.merge(&mut left[a]).unwrap();
            } else {
                let (first, rest) = left.split_at_mut(1);
                first[0].merge(&mut rest[rest.len() - 1]).unwrap();
            }
        }
    }
    let mut d = actors.remove(0);
    for other in &mut actors {
        d.merge(other).unwrap();
    }
    d
}

fn bench(c: &mut Criterion) {
    c.bench_function("typical/create", |b| b.iter(|| black_box(typical())));
    let mut doc = typical();
    let bytes = doc.save();
    eprintln!("typical minutes: {} bytes saved", bytes.len());
    c.bench_function("typical/edit_one_op", |b| {
        b.iter_batched_ref(
            || doc.fork(),
            |d| {
                d.apply(&MeetingOp::AwardPoints {
                    sheet: Sheet::SelfScore,
                    criterion: "k1".into(),
                    points: 3.0,
                })
                .unwrap()
            },
            criterion::BatchSize::SmallInput,
        )
    });
    c.bench_function("typical/save", |b| b.iter(|| black_box(doc.save())));
    c.bench_function("typical/load", |b| {
        b.iter(|| black_box(MeetingDoc::load(&bytes).unwrap()))
    });
    c.bench_function("typical/record", |b| {
        b.iter(|| black_box(doc.record().unwrap()))
    });
    // The projector lists every conflict of each meeting it rates.
    c.bench_function("typical/conflicts", |b| {
        b.iter(|| black_box(doc.conflicts()))
    });
    let record = doc.record().unwrap();
    let rubric = sync_core::rubric::preset("phu-tho-2019").unwrap();
    c.bench_function("typical/score", |b| {
        b.iter(|| {
            black_box(sync_core::rubric::score(
                &rubric,
                &record,
                &record.self_score,
            ))
        })
    });
    c.bench_function("typical/validate", |b| {
        b.iter(|| black_box(sync_core::validate::validate(&record)))
    });
    let mut left = doc.fork();
    let mut right = doc.fork();
    for i in 0..20 {
        left.apply(&MeetingOp::SpliceText {
            field: "resolution".into(),
            index: 0,
            delete: 0,
            insert: format!("L{i}"),
        })
        .unwrap();
        right
            .apply(&MeetingOp::AwardPoints {
                sheet: Sheet::SelfScore,
                criterion: format!("k{i}"),
                points: 1.0,
            })
            .unwrap();
    }
    c.bench_function("typical/merge_two_diverged", |b| {
        b.iter_batched_ref(
            || (left.fork(), right.fork()),
            |(l, r)| l.merge(r).unwrap(),
            criterion::BatchSize::SmallInput,
        )
    });
    let mut big = history();
    let big_bytes = big.save();
    eprintln!(
        "5,000-edit history: {} changes, {} bytes saved",
        big.inner_mut().get_changes(&[]).len(),
        big_bytes.len()
    );
    c.bench_function("history5000/save", |b| b.iter(|| black_box(big.save())));
    c.bench_function("history5000/load", |b| {
        b.iter(|| black_box(MeetingDoc::load(&big_bytes).unwrap()))
    });
    c.bench_function("history5000/record", |b| {
        b.iter(|| black_box(big.record().unwrap()))
    });
    c.bench_function("history5000/conflicts", |b| {
        b.iter(|| black_box(big.conflicts()))
    });
    // The server's authorship check walks every value's writers on each projection.
    c.bench_function("history5000/field_authors", |b| {
        b.iter(|| black_box(big.field_authors()))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
