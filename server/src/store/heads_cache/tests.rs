//! Unit tests of [`HeadsCache`](super::HeadsCache).

use super::*;

fn id(n: u8) -> DocumentId {
    DocumentId::from_bytes([n; 16])
}

fn cell(code: &str) -> Group {
    Group::Cell(code.into())
}

fn row(n: u8, cell: Option<&str>, owner: &str, head: u8) -> StoredHeads {
    StoredHeads {
        doc_id: id(n),
        heads: vec![ChangeHash([head; 32])],
        meta: DocMeta {
            created_by: Some(PeerIdentity(owner.into())),
            cell: cell.map(Into::into),
        },
    }
}

/// A write by `device` to document `n` (not a creation).
fn write(n: u8, device: &str, cell: Option<&str>, head: u8) -> DocWrite {
    DocWrite {
        doc_id: id(n).to_string(),
        change_bytes: Vec::new(),
        new_heads: vec![ChangeHash([head; 32])],
        changes: Vec::new(),
        device_id: device.into(),
        owner_if_new: None,
        cell_if_new: cell.map(Into::into),
    }
}

fn create(n: u8, device: &str, cell: Option<&str>, head: u8) -> DocWrite {
    DocWrite {
        owner_if_new: Some(device.into()),
        ..write(n, device, cell, head)
    }
}

/// (document, first byte of its head, cell) of a cached group; `None` if not cached.
fn held(cache: &HeadsCache, group: Group) -> Option<Vec<(DocumentId, u8, Option<String>)>> {
    let (rows, missing) = cache.rows_of(&[group]);
    if !missing.is_empty() {
        return None;
    }
    let mut out: Vec<_> = rows
        .iter()
        .map(|r| (r.doc_id, r.heads[0].0[0], r.meta.cell.clone()))
        .collect();
    out.sort();
    Some(out)
}

fn a(n: u8, head: u8) -> (DocumentId, u8, Option<String>) {
    (id(n), head, Some("a".into()))
}

#[test]
fn a_group_read_from_storage_is_served_from_memory_with_later_commits() {
    let cache = HeadsCache::default();
    let groups = vec![cell("a"), cell("empty")];
    assert_eq!(cache.rows_of(&groups).1, groups);
    let generation = cache.generation();
    let rows = [
        row(1, Some("a"), "phone", 10),
        row(2, Some("a"), "tablet", 20),
    ];
    cache.fill(generation, &groups, &rows);
    assert_eq!(held(&cache, cell("a")), Some(vec![a(1, 10), a(2, 20)]));
    assert_eq!(held(&cache, cell("empty")), Some(vec![]));
    cache.committed(&[write(2, "phone", Some("a"), 21)]);
    assert_eq!(held(&cache, cell("a")), Some(vec![a(1, 10), a(2, 21)]));
    let (rows, _) = cache.rows_of(&[cell("a")]);
    let two = rows.iter().find(|r| r.doc_id == id(2)).expect("held");
    assert_eq!(two.meta.created_by, Some(PeerIdentity("tablet".into())));
}

#[test]
fn rows_read_before_a_commit_are_not_kept() {
    let cache = HeadsCache::default();
    let generation = cache.generation();
    // Storage was read, then a commit moved document 1 on before the rows were kept.
    cache.committed(&[write(1, "phone", Some("a"), 11)]);
    cache.fill(generation, &[cell("a")], &[row(1, Some("a"), "phone", 10)]);
    assert_eq!(held(&cache, cell("a")), None, "read from storage again");
}

#[test]
fn a_new_document_joins_the_cached_groups_of_its_cell_and_creator() {
    let cache = HeadsCache::default();
    let mine = Group::CreatedBy("phone".into());
    let groups = [cell("a"), mine.clone()];
    cache.fill(
        cache.generation(),
        &groups,
        &[row(1, Some("a"), "phone", 10)],
    );
    cache.committed(&[
        create(3, "phone", Some("a"), 30),
        create(4, "phone", Some("b"), 40),
    ]);
    assert_eq!(held(&cache, cell("a")), Some(vec![a(1, 10), a(3, 30)]));
    let b4 = (id(4), 40, Some("b".into()));
    assert_eq!(
        held(&cache, mine.clone()),
        Some(vec![a(1, 10), a(3, 30), b4])
    );
    assert_eq!(held(&cache, cell("b")), None);
    cache.committed(&[write(3, "tablet", Some("a"), 31)]);
    assert_eq!(held(&cache, cell("a")), Some(vec![a(1, 10), a(3, 31)]));
    assert_eq!(held(&cache, mine).map(|d| d[1].1), Some(31));
}

#[test]
fn a_cell_given_to_a_cached_document_moves_it_into_that_cell() {
    let cache = HeadsCache::default();
    let mine = Group::CreatedBy("phone".into());
    let groups = [mine.clone(), cell("a")];
    cache.fill(cache.generation(), &groups, &[row(1, None, "phone", 10)]);
    assert_eq!(held(&cache, cell("a")), Some(vec![]));
    cache.committed(&[write(1, "phone", Some("a"), 11)]);
    assert_eq!(held(&cache, cell("a")), Some(vec![a(1, 11)]));
    assert_eq!(held(&cache, mine), Some(vec![a(1, 11)]));
}

#[test]
fn a_write_to_a_document_no_group_holds_makes_its_groups_read_again() {
    let cache = HeadsCache::default();
    let groups = [cell("a"), cell("b"), Group::CreatedBy("phone".into())];
    let rows = [
        row(1, Some("a"), "tablet", 10),
        row(2, Some("b"), "tablet", 20),
    ];
    cache.fill(cache.generation(), &groups, &rows);
    cache.committed(&[write(3, "phone", Some("a"), 30)]);
    assert_eq!(held(&cache, cell("a")), None);
    assert_eq!(held(&cache, Group::CreatedBy("phone".into())), None);
    assert_eq!(
        held(&cache, cell("b")),
        Some(vec![(id(2), 20, Some("b".into()))])
    );
    // Its documents no longer point at it: a write to one changes nothing cached.
    cache.committed(&[write(1, "tablet", None, 12)]);
    assert_eq!(held(&cache, cell("a")), None);
}

#[test]
fn past_its_size_the_cache_starts_over() {
    let cache = HeadsCache::default();
    cache.fill(
        cache.generation(),
        &[cell("a")],
        &[row(1, Some("a"), "phone", 10)],
    );
    let many: Vec<StoredHeads> = (0..MAX_ROWS)
        .map(|n| {
            let mut bytes = [0u8; 16];
            bytes[..8].copy_from_slice(&(n as u64).to_be_bytes());
            StoredHeads {
                doc_id: DocumentId::from_bytes(bytes),
                ..row(0, Some("b"), "phone", 1)
            }
        })
        .collect();
    cache.fill(cache.generation(), &[cell("b")], &many);
    assert_eq!(held(&cache, cell("a")), None);
    assert_eq!(cache.rows_of(&[cell("b")]).0.len(), MAX_ROWS);
}
