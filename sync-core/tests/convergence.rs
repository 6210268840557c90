//! 2–5 replicas start from one regular-meeting genesis, apply random typed operations, then sync
//! pairwise in random order through automerge's sync protocol (messages encoded and decoded as on
//! a wire) until quiescent. All must end with identical heads and records; added items survive
//! unless some replica removed them; concurrent scalar writes show as conflicts.

use automerge::ActorId;
use automerge::sync::{Message, State, SyncDoc};
use proptest::prelude::*;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use sync_core::doc::{ListName, MeetingDoc, MeetingOp, Sheet};
use sync_core::record::{AttendanceStatus, Contribution, Task, Vote};

/// An op with the facts the assertions need.
#[derive(Debug, Clone)]
enum Step {
    Attend(u8, u8),
    Contribute,
    Task,
    Vote,
    Remove(u8, u8),
    Start(u8),
    Points(u8, u8),
    Type(u8, String),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0u8..6, 0u8..3).prop_map(|(m, s)| Step::Attend(m, s)),
        Just(Step::Contribute),
        Just(Step::Task),
        Just(Step::Vote),
        (0u8..3, 0u8..=255).prop_map(|(l, i)| Step::Remove(l, i)),
        (0u8..60).prop_map(Step::Start),
        (0u8..3, 0u8..11).prop_map(|(c, p)| Step::Points(c, p)),
        (0u8..2, "[a-zđ ]{0,6}").prop_map(|(i, s)| Step::Type(i, s)),
    ]
}

const LISTS: [ListName; 3] = [ListName::Contributions, ListName::Tasks, ListName::Votes];

/// Turns a step into an op for replica `r`; item ids are unique per replica and step.
fn op(step: &Step, r: usize, n: usize, doc: &MeetingDoc) -> Option<MeetingOp> {
    let id = |kind: &str| format!("{kind}-{r}-{n}");
    Some(match step {
        Step::Attend(m, s) => MeetingOp::MarkAttendance {
            member_id: format!("m{m}"),
            status: [
                AttendanceStatus::CoMat,
                AttendanceStatus::VangCoLyDo,
                AttendanceStatus::VangKhongLyDo,
            ][usize::from(*s)],
            reason: String::new(),
            late_min: 0,
        },
        Step::Contribute => MeetingOp::AddContribution {
            item: Contribution {
                id: id("c"),
                member_id: "m1".into(),
                item_ref: String::new(),
                summary: "ý kiến".into(),
            },
        },
        Step::Task => MeetingOp::AddTask {
            item: Task {
                id: id("t"),
                task: "việc".into(),
                ..Task::default()
            },
        },
        Step::Vote => MeetingOp::AddVote {
            item: Vote {
                id: id("v"),
                in_favour: 3,
                ..Vote::default()
            },
        },
        Step::Remove(l, i) => {
            // Remove an item this replica can see, picked by the step's number.
            let record = doc.record().ok()?;
            let list = LISTS[usize::from(*l)];
            let ids: Vec<String> = match list {
                ListName::Contributions => record.contributions.into_iter().map(|c| c.id).collect(),
                ListName::Tasks => record.tasks.into_iter().map(|t| t.id).collect(),
                _ => record.votes.into_iter().map(|v| v.id).collect(),
            };
            if ids.is_empty() {
                return None;
            }
            MeetingOp::RemoveItem {
                list,
                id: ids[usize::from(*i) % ids.len()].clone(),
            }
        }
        Step::Start(min) => MeetingOp::SetScalar {
            field: "startedAt".into(),
            value: json!(format!("2025-11-03T08:{min:02}")),
        },
        Step::Points(c, p) => MeetingOp::AwardPoints {
            sheet: Sheet::SelfScore,
            criterion: format!("k{c}"),
            points: f64::from(*p),
        },
        Step::Type(i, s) => MeetingOp::SpliceText {
            field: "resolution".into(),
            index: usize::from(*i).min(doc.record().ok()?.resolution.chars().count()),
            delete: 0,
            insert: s.clone(),
        },
    })
}

fn ids(doc: &MeetingDoc) -> BTreeSet<String> {
    let r = doc.record().unwrap();
    let mut out = BTreeSet::new();
    out.extend(r.contributions.into_iter().map(|c| c.id));
    out.extend(r.tasks.into_iter().map(|t| t.id));
    out.extend(r.votes.into_iter().map(|v| v.id));
    out.extend(r.attendance.into_keys());
    out
}

/// Runs the sync protocol between `a` and `b` until neither has anything to send.
fn sync_pair(a: &mut MeetingDoc, b: &mut MeetingDoc) {
    let (mut sa, mut sb) = (State::new(), State::new());
    for _ in 0..64 {
        let to_b = a
            .inner_mut()
            .sync()
            .generate_sync_message(&mut sa)
            .map(Message::encode);
        let to_a = b
            .inner_mut()
            .sync()
            .generate_sync_message(&mut sb)
            .map(Message::encode);
        if to_b.is_none() && to_a.is_none() {
            return;
        }
        if let Some(m) = to_b {
            b.inner_mut()
                .sync()
                .receive_sync_message(&mut sb, Message::decode(&m).unwrap())
                .unwrap();
        }
        if let Some(m) = to_a {
            a.inner_mut()
                .sync()
                .receive_sync_message(&mut sa, Message::decode(&m).unwrap())
                .unwrap();
        }
    }
    panic!("sync did not quiesce");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn replicas_that_sync_in_any_order_converge(
        scripts in proptest::collection::vec(proptest::collection::vec(step(), 0..12), 2..=5),
        order in proptest::collection::vec((0usize..5, 0usize..5), 4..20),
    ) {
        let (_, genesis) = MeetingDoc::regular_genesis("cell-1", "2025-11").unwrap();
        let mut replicas: Vec<MeetingDoc> = (0..scripts.len())
            .map(|r| MeetingDoc::load(&genesis).unwrap().with_actor(ActorId::from([r as u8 + 1; 16])))
            .collect();
        let mut added = BTreeSet::new();
        let mut removed = BTreeSet::new();
        // Scalar path → the last value each replica wrote there. Replicas edit before any sync,
        // so writes by different replicas to one path are concurrent.
        let mut scalars: BTreeMap<String, Vec<serde_json::Value>> = BTreeMap::new();
        for (r, script) in scripts.iter().enumerate() {
            let doc = &mut replicas[r];
            let mut mine: BTreeMap<String, serde_json::Value> = BTreeMap::new();
            for (n, s) in script.iter().enumerate() {
                let Some(op) = op(s, r, n, doc) else { continue };
                doc.apply(&op).unwrap();
                match &op {
                    MeetingOp::AddContribution { item } => { added.insert(item.id.clone()); }
                    MeetingOp::AddTask { item } => { added.insert(item.id.clone()); }
                    MeetingOp::AddVote { item } => { added.insert(item.id.clone()); }
                    MeetingOp::MarkAttendance { member_id, .. } => { added.insert(member_id.clone()); }
                    MeetingOp::RemoveItem { id, .. } => { removed.insert(id.clone()); }
                    MeetingOp::SetScalar { field, value } => { mine.insert(field.clone(), value.clone()); }
                    MeetingOp::AwardPoints { criterion, points, .. } => {
                        mine.insert(format!("selfScore.awarded.{criterion}"), json!(points));
                    }
                    _ => {}
                }
            }
            for (path, value) in mine {
                scalars.entry(path).or_default().push(value);
            }
        }
        let n = replicas.len();
        let mut pairs: Vec<(usize, usize)> = order.into_iter().map(|(a, b)| (a % n, b % n)).filter(|(a, b)| a != b).collect();
        // Then a ring twice, so every replica has heard from every other.
        for _ in 0..2 {
            pairs.extend((0..n).map(|i| (i, (i + 1) % n)));
        }
        for (i, j) in pairs {
            let (lo, hi) = (i.min(j), i.max(j));
            let (left, right) = replicas.split_at_mut(hi);
            sync_pair(&mut left[lo], &mut right[0]);
        }
        let heads = replicas[0].heads();
        let record = replicas[0].record().unwrap();
        for d in replicas.iter_mut().skip(1) {
            prop_assert_eq!(&d.heads(), &heads);
            prop_assert_eq!(&d.record().unwrap(), &record);
        }
        let present = ids(&replicas[0]);
        for id in &added {
            prop_assert!(present.contains(id) || removed.contains(id), "lost {}", id);
        }
        for id in &present {
            prop_assert!(!removed.contains(id) || id.starts_with('m'), "removed {} came back", id);
        }
        // Concurrent scalar writes by two or more replicas show as one conflict holding each
        // replica's value; a path written by one replica shows no conflict.
        let conflicts: BTreeMap<String, Vec<serde_json::Value>> = replicas[0]
            .conflicts()
            .into_iter()
            .map(|c| (c.path, c.values.into_iter().map(|v| v.value).collect()))
            .filter(|(path, _)| path == "startedAt" || path.starts_with("selfScore."))
            .collect();
        for (path, written) in &scalars {
            match conflicts.get(path) {
                Some(seen) => {
                    prop_assert!(written.len() >= 2, "{} conflicts with one writer", path);
                    let mut seen: Vec<String> = seen.iter().map(|v| v.to_string()).collect();
                    let mut written: Vec<String> = written.iter().map(|v| v.to_string()).collect();
                    seen.sort();
                    written.sort();
                    prop_assert_eq!(seen, written);
                }
                None => prop_assert!(written.len() < 2, "concurrent writes to {} lost", path),
            }
        }
        for path in conflicts.keys() {
            prop_assert!(scalars.contains_key(path), "conflict at {} nobody wrote", path);
        }
    }
}
