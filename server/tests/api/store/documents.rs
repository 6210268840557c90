use automerge::AutoCommit;
use automerge::ReadDoc;
use automerge::transaction::Transactable;
use server::store::DocWrite;

use crate::helpers::{Backend, TestDb, change_meta, create_device, edited_doc};
use crate::on_both_backends;

on_both_backends!(
    committed_changes_load_back_as_the_same_document,
    one_batch_commits_many_documents_and_heads_come_from_the_index,
    a_failing_batch_writes_nothing,
    every_accepted_change_is_recorded_with_its_device_and_actor,
);

fn sorted(mut heads: Vec<automerge::ChangeHash>) -> Vec<automerge::ChangeHash> {
    heads.sort();
    heads
}

async fn committed_changes_load_back_as_the_same_document(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (device, _) = create_device(store.pool(), "cell");
    let mut doc = edited_doc(3);
    let first = doc.save();
    let heads1 = doc.get_heads();
    let write = DocWrite {
        doc_id: "doc-1".to_owned(),
        change_bytes: first,
        new_heads: heads1.clone(),
        changes: change_meta(&mut doc, &[]),
        device_id: device.id.clone(),
        owner_if_new: None,
        cell_if_new: None,
    };
    store.commit_batch(vec![write]).await.unwrap();

    // A second, incremental write on top.
    doc.put(automerge::ROOT, "chair", "Nguyễn Văn A").unwrap();
    doc.commit();
    let increment = doc.save_after(&heads1);
    let heads2 = doc.get_heads();
    let write = DocWrite {
        doc_id: "doc-1".to_owned(),
        change_bytes: increment,
        new_heads: heads2.clone(),
        changes: change_meta(&mut doc, &heads1),
        device_id: device.id.clone(),
        owner_if_new: None,
        cell_if_new: None,
    };
    store.commit_batch(vec![write]).await.unwrap();

    let stored = store.load_document("doc-1").await.unwrap().expect("stored");
    assert_eq!(stored.chunks.len(), 2);
    assert_eq!(stored.owner, device.id);
    assert_eq!(sorted(stored.heads.clone()), sorted(heads2.clone()));
    let mut loaded = AutoCommit::load(&stored.concat()).unwrap();
    assert_eq!(sorted(loaded.get_heads()), sorted(heads2));
    let (chair, _) = loaded.get(automerge::ROOT, "chair").unwrap().unwrap();
    assert_eq!(chair.as_str(), Some("Nguyễn Văn A"));

    assert!(store.load_document("never-stored").await.unwrap().is_none());
}

async fn one_batch_commits_many_documents_and_heads_come_from_the_index(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (writer, _) = create_device(store.pool(), "writer");
    let (owner, _) = create_device(store.pool(), "owner");
    let mut writes = Vec::new();
    let mut expected = std::collections::HashMap::new();
    for i in 0..5 {
        let mut doc = edited_doc(i);
        let doc_id = format!("doc-{i}");
        expected.insert(doc_id.clone(), sorted(doc.get_heads()));
        writes.push(DocWrite {
            doc_id,
            change_bytes: doc.save(),
            new_heads: doc.get_heads(),
            changes: change_meta(&mut doc, &[]),
            device_id: writer.id.clone(),
            owner_if_new: Some(owner.id.clone()),
            cell_if_new: None,
        });
    }
    store.commit_batch(writes).await.unwrap();

    let ids: Vec<String> = (0..7).map(|i| format!("doc-{i}")).collect();
    let heads = store.heads_of(ids.clone()).await.unwrap();
    assert_eq!(heads.len(), 5, "unknown documents are absent");
    for (doc_id, h) in &heads {
        assert_eq!(&sorted(h.clone()), &expected[doc_id]);
    }
    let index = store.doc_index(ids).await.unwrap();
    assert!(index.values().all(|e| e.owner == owner.id));

    let owned = store.documents_owned_by(&owner.id).await.unwrap();
    assert_eq!(owned.len(), 5);
    assert!(owned.iter().all(|d| d.size_bytes > 0));
    assert!(
        store
            .documents_owned_by(&writer.id)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn a_failing_batch_writes_nothing(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (device, _) = create_device(store.pool(), "cell");
    let mut good = edited_doc(1);
    let mut other = edited_doc(2);
    let writes = vec![
        DocWrite {
            doc_id: "good".to_owned(),
            change_bytes: good.save(),
            new_heads: good.get_heads(),
            changes: change_meta(&mut good, &[]),
            device_id: device.id.clone(),
            owner_if_new: None,
            cell_if_new: None,
        },
        // Unknown device: the foreign key fails, so the whole transaction must roll back.
        DocWrite {
            doc_id: "bad".to_owned(),
            change_bytes: other.save(),
            new_heads: other.get_heads(),
            changes: change_meta(&mut other, &[]),
            device_id: "no-such-device".to_owned(),
            owner_if_new: None,
            cell_if_new: None,
        },
    ];
    assert!(store.commit_batch(writes).await.is_err());
    assert!(store.load_document("good").await.unwrap().is_none());
    assert!(
        store
            .heads_of(vec!["good".to_owned()])
            .await
            .unwrap()
            .is_empty()
    );
}

async fn every_accepted_change_is_recorded_with_its_device_and_actor(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (device, _) = create_device(store.pool(), "cell");
    let mut doc = edited_doc(2);
    let metas = change_meta(&mut doc, &[]);
    assert_eq!(metas.len(), 3);
    let write = DocWrite {
        doc_id: "audited".to_owned(),
        change_bytes: doc.save(),
        new_heads: doc.get_heads(),
        changes: metas.clone(),
        device_id: device.id.clone(),
        owner_if_new: None,
        cell_if_new: None,
    };
    // Delivered twice (a reconnect): recorded once.
    store.commit_batch(vec![write.clone()]).await.unwrap();
    let mut again = write;
    again.change_bytes = Vec::new();
    store.commit_batch(vec![again]).await.unwrap();

    let mut conn = store.pool().get().unwrap();
    let rows = server::store::changes_of(&mut conn, "audited").unwrap();
    assert_eq!(rows.len(), 3);
    let actor = doc.get_actor().to_hex_string();
    for meta in &metas {
        let row = rows
            .iter()
            .find(|r| r.hash == meta.hash.to_string())
            .expect("recorded");
        assert_eq!(row.actor, actor);
        assert_eq!(row.device_id, device.id);
    }
}
