use server::store::list_quarantine;

use crate::helpers::{Backend, TestDb};
use crate::on_both_backends;

on_both_backends!(quarantined_bytes_are_kept_with_device_document_and_reason);

async fn quarantined_bytes_are_kept_with_device_document_and_reason(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let garbage = vec![0xff, 0x00, 0x13, 0x37];
    let first = store
        .quarantine("not_cbor", "device-1", None, garbage.clone())
        .await
        .unwrap();
    let second = store
        .quarantine(
            "change_failed_to_apply",
            "device-2",
            Some("doc-9"),
            vec![7; 1000],
        )
        .await
        .unwrap();
    assert!(second > first);

    let mut conn = store.pool().get().unwrap();
    let items = list_quarantine(&mut conn, 10).unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].id, second, "newest first");
    assert_eq!(items[0].doc_id.as_deref(), Some("doc-9"));
    assert_eq!(items[0].reason, "change_failed_to_apply");
    assert_eq!(items[0].bytes.len(), 1000);
    assert_eq!(items[1].device_id, "device-1");
    assert_eq!(items[1].doc_id, None);
    assert_eq!(items[1].bytes, garbage);
}
