use crate::helpers::{Backend, TestDb};
use crate::on_both_backends;

on_both_backends!(sync_states_are_saved_replaced_and_kept_per_peer);

async fn sync_states_are_saved_replaced_and_kept_per_peer(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let mut doc = crate::helpers::edited_doc(1);
    let mut state = automerge::sync::State::new();
    state.shared_heads = doc.get_heads();
    let encoded = state.encode();

    assert_eq!(store.load_sync_state("doc", "peer-a").await.unwrap(), None);
    store
        .save_sync_state("doc", "peer-a", encoded.clone())
        .await
        .unwrap();
    store
        .save_sync_state("doc", "peer-b", vec![1, 2, 3])
        .await
        .unwrap();
    let loaded = store
        .load_sync_state("doc", "peer-a")
        .await
        .unwrap()
        .unwrap();
    let decoded = automerge::sync::State::decode(&loaded).unwrap();
    assert_eq!(decoded.shared_heads, doc.get_heads());

    store
        .save_sync_state("doc", "peer-a", vec![9])
        .await
        .unwrap();
    assert_eq!(
        store.load_sync_state("doc", "peer-a").await.unwrap(),
        Some(vec![9])
    );
    assert_eq!(
        store.load_sync_state("doc", "peer-b").await.unwrap(),
        Some(vec![1, 2, 3])
    );
    assert_eq!(
        store.load_sync_state("other", "peer-a").await.unwrap(),
        None
    );
}
