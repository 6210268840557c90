//! Deterministic meeting-shaped Automerge documents and device fleets (performance.md §2).
//!
//! A document is a cell meeting in our schema's shape: 30 attendee maps, 12 collaborative
//! texts where the minutes keep them (the four root texts `lastMonthReview`,
//! `ideologySituation`, `difficulties` and `resolution`, and the `summary` of eight
//! contributions), and the cell's self score against the rubric in force for its date
//! ([`SELF_SCORE_RUBRIC`]). History is N single-edit commits by three actors that rotate every
//! 50 edits and merge pairwise after each block (62% insert a word into a text, 8% delete up
//! to 5 characters, 15% toggle attendance, 8% append a contribution, 7% award the self score's
//! hand-scored criterion). So the server rates, scores, checks authorship of and reads what a
//! real meeting holds, not keys its schema ignores. Every value comes from a seeded RNG, so two runs build identical
//! documents and change hashes.
//!
//! Building a 500-edit history costs milliseconds; a fleet of thousands of documents therefore
//! forks a few full histories ([`Templates`]) and gives every document its own id, its own
//! actor and one identifying change on top, so each document is distinct on the wire and on
//! disk while its size and history length stay those of a real meeting.

use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, Automerge, ObjType, ROOT, ReadDoc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sync_core::doc_id::DocumentId;

/// Members on the roster and the attendance list.
const MEMBERS: usize = 30;
/// The members who chair and record the meeting (always present).
const CHAIR: usize = 0;
const RECORDER: usize = 1;
/// The meeting's root texts.
const ROOT_TEXTS: &[&str] = &[
    "lastMonthReview",
    "ideologySituation",
    "difficulties",
    "resolution",
];
/// Contributions the skeleton holds, each with a text summary.
const CONTRIBUTIONS: usize = 8;
/// Texts the generator types into: the root texts, then the first contributions' summaries.
const TEXTS: usize = ROOT_TEXTS.len() + CONTRIBUTIONS;
/// The rubric the cell scores itself against: the embedded preset in force for the fleet's
/// 2026 meetings, so the server scores every sheet rather than reporting a mismatch.
pub const SELF_SCORE_RUBRIC: &str = "binh-thuan@1";
/// That rubric's criterion awarded by hand, and its maximum points.
const AWARDED_CRITERION: &str = "phe_binh";
const AWARDED_MAX: i64 = 8;
/// Words the generator types.
const WORDS: &[&str] = &[
    "chi bộ",
    "đảng viên",
    "nghị quyết",
    "thảo luận",
    "thống nhất",
    "kiểm điểm",
    "phát biểu",
    "đồng chí",
    "ý kiến",
    "biểu quyết",
    "tháng",
    "nhiệm vụ",
    "kết quả",
    "đề nghị",
];

/// An actor id derived from a seed and a role, 16 bytes like the JS library's.
pub fn actor(seed: u64, role: u64) -> ActorId {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&seed.to_be_bytes());
    bytes[8..].copy_from_slice(&role.to_be_bytes());
    ActorId::from(bytes.as_slice())
}

/// A document id derived from a seed, stable across runs.
pub fn doc_id(seed: u64, index: u64) -> DocumentId {
    let mut rng = StdRng::seed_from_u64(seed ^ index.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let mut bytes: [u8; 16] = rng.random();
    // UUIDv4 layout, as automerge-repo generates.
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    DocumentId::from_bytes(bytes)
}

/// The empty meeting: attendance, texts, contributions and the self score.
fn skeleton(
    doc: &mut impl Transactable,
    rng: &mut StdRng,
) -> Result<(), automerge::AutomergeError> {
    doc.put(ROOT, "schemaVersion", 1)?;
    doc.put(ROOT, "meetingType", "thuong_ky")?;
    let topic = doc.put_object(ROOT, "topic", ObjType::Text)?;
    doc.splice_text(&topic, 0, 0, "Sinh hoạt chi bộ thường kỳ")?;
    doc.put(ROOT, "chairMemberId", format!("m{CHAIR}"))?;
    doc.put(ROOT, "recorderMemberId", format!("m{RECORDER}"))?;
    let roster = doc.put_object(ROOT, "roster", ObjType::Map)?;
    for m in 0..MEMBERS {
        let member = doc.put_object(&roster, format!("m{m}"), ObjType::Map)?;
        let name = doc.put_object(&member, "fullName", ObjType::Text)?;
        doc.splice_text(&name, 0, 0, &format!("Đảng viên {m}"))?;
        doc.put(&member, "category", "chinh_thuc")?;
    }
    let attendance = doc.put_object(ROOT, "attendance", ObjType::Map)?;
    for m in 0..MEMBERS {
        let member = doc.put_object(&attendance, format!("m{m}"), ObjType::Map)?;
        doc.put(&member, "status", "co_mat")?;
        doc.put_object(&member, "reason", ObjType::Text)?;
        doc.put(&member, "lateMin", 0)?;
    }
    for key in ROOT_TEXTS {
        let text = doc.put_object(ROOT, *key, ObjType::Text)?;
        doc.splice_text(&text, 0, 0, &paragraph(rng))?;
    }
    let list = doc.put_object(ROOT, "contributions", ObjType::List)?;
    for i in 0..CONTRIBUTIONS {
        let summary = contribution(doc, &list, i, rng)?;
        doc.splice_text(&summary, 0, 0, &paragraph(rng))?;
    }
    let sheet = doc.put_object(ROOT, "selfScore", ObjType::Map)?;
    doc.put(&sheet, "rubricId", SELF_SCORE_RUBRIC)?;
    doc.put(&sheet, "scoredBy", format!("m{RECORDER}"))?;
    doc.put(&sheet, "votedByMembers", true)?;
    let awarded = doc.put_object(&sheet, "awarded", ObjType::Map)?;
    doc.put(&awarded, AWARDED_CRITERION, 0.0)?;
    Ok(())
}

/// About 1,500 bytes of words.
fn paragraph(rng: &mut StdRng) -> String {
    let mut body = String::new();
    while body.len() < 1_500 {
        body.push_str(WORDS[rng.random_range(0..WORDS.len())]);
        body.push(' ');
    }
    body
}

/// A new contribution at `at` of `list` (its own random id, a speaker); returns its empty
/// summary text.
fn contribution(
    doc: &mut impl Transactable,
    list: &automerge::ObjId,
    at: usize,
    rng: &mut StdRng,
) -> Result<automerge::ObjId, automerge::AutomergeError> {
    let item = doc.insert_object(list, at, ObjType::Map)?;
    doc.put(&item, "id", format!("k{:016x}", rng.random::<u64>()))?;
    doc.put(
        &item,
        "memberId",
        format!("m{}", rng.random_range(0..MEMBERS)),
    )?;
    doc.put_object(&item, "summary", ObjType::Text)
}

/// The `index`th text the generator types into (see [`TEXTS`]).
fn text_obj(
    doc: &impl ReadDoc,
    index: usize,
) -> Result<Option<automerge::ObjId>, automerge::AutomergeError> {
    if let Some(key) = ROOT_TEXTS.get(index) {
        return Ok(root_obj(doc, key));
    }
    let Some(list) = root_obj(doc, "contributions") else {
        return Ok(None);
    };
    let Some((_, item)) = doc.get(&list, index - ROOT_TEXTS.len())? else {
        return Ok(None);
    };
    Ok(doc.get(&item, "summary")?.map(|(_, text)| text))
}

/// The id of a root-level object.
fn root_obj(doc: &impl ReadDoc, key: &str) -> Option<automerge::ObjId> {
    doc.get(ROOT, key).ok().flatten().map(|(_, id)| id)
}

/// One realistic edit (see the module docs for the mix).
pub fn edit(
    doc: &mut impl Transactable,
    rng: &mut StdRng,
) -> Result<(), automerge::AutomergeError> {
    let roll = rng.random_range(0..100u32);
    if roll < 70 {
        let Some(text) = text_obj(doc, rng.random_range(0..TEXTS))? else {
            return Ok(());
        };
        let len = doc.length(&text);
        if roll < 62 || len < 10 {
            let word = WORDS[rng.random_range(0..WORDS.len())];
            doc.splice_text(&text, rng.random_range(0..=len), 0, &format!("{word} "))?;
        } else {
            let del = rng.random_range(1..=5usize);
            doc.splice_text(&text, rng.random_range(0..=len - del), del as isize, "")?;
        }
    } else if roll < 85 {
        let Some(attendance) = root_obj(doc, "attendance") else {
            return Ok(());
        };
        let key = format!("m{}", rng.random_range(RECORDER + 1..MEMBERS));
        let Some((_, member)) = doc.get(&attendance, key)? else {
            return Ok(());
        };
        let present =
            matches!(doc.get(&member, "status")?, Some((v, _)) if v.as_str() == Some("co_mat"));
        doc.put(
            &member,
            "status",
            if present { "vang_co_ly_do" } else { "co_mat" },
        )?;
        // An excused absence names its reason; attendance clears it.
        if let Some((_, reason)) = doc.get(&member, "reason")? {
            let len = doc.length(&reason);
            let text = if present { "đi công tác" } else { "" };
            doc.splice_text(&reason, 0, len as isize, text)?;
        }
    } else if roll < 93 {
        let Some(list) = root_obj(doc, "contributions") else {
            return Ok(());
        };
        let at = doc.length(&list);
        let summary = contribution(doc, &list, at, rng)?;
        doc.splice_text(&summary, 0, 0, WORDS[rng.random_range(0..WORDS.len())])?;
    } else {
        let Some(sheet) = root_obj(doc, "selfScore") else {
            return Ok(());
        };
        let Some((_, awarded)) = doc.get(&sheet, "awarded")? else {
            return Ok(());
        };
        let points = rng.random_range(0..=AWARDED_MAX) as f64;
        doc.put(&awarded, AWARDED_CRITERION, points)?;
    }
    Ok(())
}

/// A meeting with `edits` single-edit commits by three rotating actors.
pub fn meeting(seed: u64, edits: usize) -> anyhow::Result<AutoCommit> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut base = AutoCommit::new().with_actor(actor(seed, 0));
    skeleton(&mut base, &mut rng)?;
    base.commit();
    let mut actors: Vec<AutoCommit> = (1..=3)
        .map(|r| base.fork().with_actor(actor(seed, r)))
        .collect();
    for block in 0..edits.div_ceil(50) {
        let k = block % 3;
        for _ in 0..50.min(edits - block * 50) {
            edit(&mut actors[k], &mut rng)?;
            actors[k].commit();
        }
        let (a, b) = (k, (k + 1) % 3);
        let mut from = actors[a].fork();
        actors[b].merge(&mut from)?;
    }
    let mut merged = actors.remove(0);
    for mut other in actors {
        merged.merge(&mut other)?;
    }
    Ok(merged)
}

/// `n` new local edits on a held document, each its own change, by `actor`.
pub fn local_edits(doc: &mut Automerge, actor: ActorId, seed: u64, n: usize) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(seed);
    doc.set_actor(actor);
    for _ in 0..n {
        let mut tx = doc.transaction();
        edit(&mut tx, &mut rng)?;
        tx.commit();
    }
    Ok(())
}

/// A few full histories that fleet documents fork from (see the module docs).
pub struct Templates {
    histories: Vec<Automerge>,
}

impl Templates {
    /// `count` histories of `edits` edits each, from seeds `seed..seed + count`.
    pub fn new(seed: u64, edits: usize, count: usize) -> anyhow::Result<Self> {
        let histories = (0..count as u64)
            .map(|i| meeting(seed + i, edits).map(|mut d| d.document().clone()))
            .collect::<anyhow::Result<_>>()?;
        Ok(Self { histories })
    }

    /// Document number `index` of a fleet: its id and content (a template plus one change that
    /// names its cell and month).
    pub fn doc(&self, seed: u64, index: u64) -> anyhow::Result<(DocumentId, Automerge)> {
        let id = doc_id(seed, index);
        let mut doc = self.histories[index as usize % self.histories.len()].clone();
        doc.set_actor(actor(seed ^ 0x5eed, index));
        let mut tx = doc.transaction();
        tx.put(ROOT, "cellId", format!("cell-{}", index / 12))?;
        let month = index % 12 + 1;
        tx.put(ROOT, "period", format!("2026-{month:02}"))?;
        tx.put(ROOT, "scheduledDate", format!("2026-{month:02}-03"))?;
        tx.put(ROOT, "startedAt", format!("2026-{month:02}-03T08:00"))?;
        tx.put(ROOT, "endedAt", format!("2026-{month:02}-03T10:00"))?;
        tx.commit();
        Ok((id, doc))
    }
}

/// Bytes of the standalone changes `doc` has beyond `since`: the "raw" size of an edit burst.
pub fn raw_change_bytes(doc: &Automerge, since: &[automerge::ChangeHash]) -> usize {
    doc.get_changes(since)
        .iter()
        .map(|c| c.raw_bytes().len())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fleet_document_is_a_meeting_to_our_schema_and_its_bare_history_is_not() {
        let templates = Templates::new(7, 60, 1).unwrap();
        let (_, doc) = templates.doc(7, 13).unwrap();
        let (_, record) = sync_core::doc::MeetingDoc::load_with_record(&doc.save()).unwrap();
        assert_eq!(record.cell_id, "cell-1");
        assert_eq!(record.period, "2026-02");
        // The generator types into the record's own texts, which the server reads and rates.
        assert!(record.resolution.len() >= 1_500);
        assert!(record.difficulties.len() >= 1_500);
        assert!(record.contributions.len() >= CONTRIBUTIONS);
        assert!(
            record.contributions[..CONTRIBUTIONS]
                .iter()
                .all(|c| c.summary.len() >= 1_500 && !c.id.is_empty())
        );
        // …and valid minutes, so the server scores them rather than listing problems.
        let problems = sync_core::validate::validate(&record);
        assert!(!sync_core::validate::has_errors(&problems), "{problems:?}");
        // The self score names the rubric in force and is scored by it without problems.
        assert_eq!(record.self_score.rubric_id, SELF_SCORE_RUBRIC);
        let rubric = sync_core::rubric::preset("binh-thuan").expect("embedded preset");
        let score = sync_core::rubric::score(&rubric, &record, &record.self_score);
        assert_eq!(score.rubric, SELF_SCORE_RUBRIC);
        assert!(score.problems.is_empty(), "{:?}", score.problems);
        assert!(score.total > 0.0);
        // Without the change naming its cell and month, the server rates it as minutes that
        // failed to load: every workload must use `Templates::doc`.
        let bare = meeting(7, 60).unwrap().save();
        assert!(sync_core::doc::MeetingDoc::load(&bare).is_err());
    }
}
