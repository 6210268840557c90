use automerge::transaction::Transactable;
use automerge::{AutoCommit, ChangeHash, ROOT, ReadDoc};
use server::store::compaction::{delete_chunks, insert_snapshot};
use server::store::compactor::{CompactorConfig, compact_document, compact_round};
use server::store::{DocWrite, Store, load_document};

use crate::helpers::{Backend, TestDb, change_meta, create_device};
use crate::on_both_backends;

on_both_backends!(
    compaction_folds_chunks_into_one_snapshot_with_the_same_content,
    a_crash_between_snapshot_insert_and_delete_leaves_a_loadable_document,
    a_compaction_round_only_touches_documents_with_many_chunks,
);

fn sorted(mut heads: Vec<ChangeHash>) -> Vec<ChangeHash> {
    heads.sort();
    heads
}

/// Stores `doc_id` as `edits` separate incremental chunks; returns the live document.
async fn store_in_chunks(store: &Store, device: &str, doc_id: &str, edits: usize) -> AutoCommit {
    let mut doc = AutoCommit::new();
    let mut heads: Vec<ChangeHash> = Vec::new();
    for i in 0..edits {
        doc.put(ROOT, format!("k{i}"), format!("giá trị {i}"))
            .unwrap();
        doc.commit();
        store
            .commit_batch(vec![write(&mut doc, doc_id, device, &heads)])
            .await
            .unwrap();
        heads = doc.get_heads();
    }
    doc
}

fn write(doc: &mut AutoCommit, doc_id: &str, device: &str, since: &[ChangeHash]) -> DocWrite {
    DocWrite {
        doc_id: doc_id.to_owned(),
        change_bytes: doc.save_after(since),
        new_heads: doc.get_heads(),
        changes: change_meta(doc, since),
        device_id: device.to_owned(),
        owner_if_new: None,
        cell_if_new: None,
    }
}

fn assert_same_document(stored: &server::store::StoredDoc, doc: &mut AutoCommit) {
    let mut loaded = AutoCommit::load(&stored.concat()).expect("stored chunks load");
    assert_eq!(sorted(loaded.get_heads()), sorted(doc.get_heads()));
    assert_eq!(loaded.keys(ROOT).count(), doc.keys(ROOT).count());
}

async fn compaction_folds_chunks_into_one_snapshot_with_the_same_content(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (device, _) = create_device(store.pool(), "cell");
    let mut doc = store_in_chunks(&store, &device.id, "doc", 6).await;
    let before = store.load_document("doc").await.unwrap().unwrap();
    assert_eq!(before.chunks.len(), 6);

    assert!(compact_document(&store, "doc").await.unwrap());
    let after = store.load_document("doc").await.unwrap().unwrap();
    assert_eq!(after.chunks.len(), 1);
    assert_same_document(&after, &mut doc);
    assert_eq!(sorted(after.heads.clone()), sorted(doc.get_heads()));
    let owned = store.documents_owned_by(&device.id).await.unwrap();
    assert_eq!(
        owned[0].size_bytes,
        i64::try_from(after.chunks[0].len()).unwrap()
    );

    assert!(
        !compact_document(&store, "doc").await.unwrap(),
        "one chunk: nothing to do"
    );
}

async fn a_crash_between_snapshot_insert_and_delete_leaves_a_loadable_document(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (device, _) = create_device(store.pool(), "cell");
    let mut doc = store_in_chunks(&store, &device.id, "doc", 5).await;
    let loaded = store.load_document("doc").await.unwrap().unwrap();
    let snapshot = AutoCommit::load(&loaded.concat()).unwrap().save();

    // Step one only, as if the process died before the delete.
    let mut conn = store.pool().get().unwrap();
    let snapshot_id = insert_snapshot(&mut conn, "doc", &snapshot).unwrap();
    drop(conn);
    let half_done = store.load_document("doc").await.unwrap().unwrap();
    assert_eq!(half_done.chunks.len(), 6);
    assert_eq!(
        half_done.chunk_ids[0], snapshot_id,
        "the snapshot loads first"
    );
    assert_same_document(&half_done, &mut doc);

    // A write lands meanwhile; it must survive the delete.
    let heads = doc.get_heads();
    doc.put(ROOT, "late", "muộn").unwrap();
    doc.commit();
    store
        .commit_batch(vec![write(&mut doc, "doc", &device.id, &heads)])
        .await
        .unwrap();

    // Step two, after "restart".
    let mut conn = store.pool().get().unwrap();
    let deleted = delete_chunks(&mut conn, "doc", &loaded.chunk_ids, snapshot_id).unwrap();
    assert_eq!(deleted, 5);
    let done = load_document(&mut conn, "doc").unwrap().unwrap();
    assert_eq!(done.chunks.len(), 2, "snapshot + the late write");
    assert_same_document(&done, &mut doc);
    let reloaded = AutoCommit::load(&done.concat()).unwrap();
    let (late, _) = reloaded.get(ROOT, "late").unwrap().unwrap();
    assert_eq!(late.as_str(), Some("muộn"));
}

async fn a_compaction_round_only_touches_documents_with_many_chunks(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (device, _) = create_device(store.pool(), "cell");
    let mut busy = store_in_chunks(&store, &device.id, "busy", 5).await;
    let _quiet = store_in_chunks(&store, &device.id, "quiet", 2).await;
    let config = CompactorConfig {
        interval: std::time::Duration::from_secs(3600),
        min_chunks: 3,
        docs_per_round: 10,
    };
    assert_eq!(compact_round(&store, config).await.unwrap(), 1);
    let busy_after = store.load_document("busy").await.unwrap().unwrap();
    assert_eq!(busy_after.chunks.len(), 1);
    assert_same_document(&busy_after, &mut busy);
    assert_eq!(
        store
            .load_document("quiet")
            .await
            .unwrap()
            .unwrap()
            .chunks
            .len(),
        2
    );
    assert_eq!(compact_round(&store, config).await.unwrap(), 0);
}
