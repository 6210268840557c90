use server::store::{DocWrite, GroupCommitError, GroupCommitter};

use crate::helpers::{Backend, TestDb, change_meta, create_device, edited_doc};
use crate::on_both_backends;

on_both_backends!(
    concurrent_writes_through_the_group_committer_are_all_durable_when_acknowledged,
    a_bad_write_fails_alone_and_the_others_in_its_batch_commit,
);

fn write_for(doc_id: &str, device: &str, edits: usize) -> DocWrite {
    let mut doc = edited_doc(edits);
    DocWrite {
        doc_id: doc_id.to_owned(),
        change_bytes: doc.save(),
        new_heads: doc.get_heads(),
        changes: change_meta(&mut doc, &[]),
        device_id: device.to_owned(),
        owner_if_new: None,
        cell_if_new: None,
    }
}

async fn concurrent_writes_through_the_group_committer_are_all_durable_when_acknowledged(
    backend: Backend,
) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (device, _) = create_device(store.pool(), "cell");
    let (committer, task) = GroupCommitter::spawn(store.clone(), 8);
    let mut handles = Vec::new();
    for i in 0..30 {
        let committer = committer.clone();
        let write = write_for(&format!("doc-{i}"), &device.id, i % 4);
        handles.push(tokio::spawn(async move { committer.commit(write).await }));
    }
    for handle in handles {
        handle.await.unwrap().unwrap();
    }
    let ids: Vec<String> = (0..30).map(|i| format!("doc-{i}")).collect();
    assert_eq!(store.heads_of(ids).await.unwrap().len(), 30);

    drop(committer);
    task.await.unwrap(); // the writer ends once every handle is gone
}

async fn a_bad_write_fails_alone_and_the_others_in_its_batch_commit(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (device, _) = create_device(store.pool(), "cell");
    let (committer, _task) = GroupCommitter::spawn(store.clone(), 16);
    let good = write_for("good", &device.id, 1);
    let bad = write_for("bad", "unknown-device", 1);
    let also_good = write_for("also-good", &device.id, 2);
    let (a, b, c) = tokio::join!(
        committer.commit(good),
        committer.commit(bad),
        committer.commit(also_good)
    );
    a.unwrap();
    assert!(matches!(b, Err(GroupCommitError::Store(_))));
    c.unwrap();
    let heads = store
        .heads_of(vec!["good".into(), "bad".into(), "also-good".into()])
        .await
        .unwrap();
    assert!(heads.contains_key("good") && heads.contains_key("also-good"));
    assert!(!heads.contains_key("bad"));
}
