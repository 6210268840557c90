//! Table definitions shared by both backends.
//!
//! Only portable SQL types appear here (`Text`, `BigInt`, `Binary`, `Timestamp`), so one
//! schema serves SQLite and PostgreSQL; the two migration trees create matching tables.

diesel::table! {
    /// Devices allowed to sync; tokens are stored as SHA-256 hex digests.
    devices (id) {
        id -> Text,
        name -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// One row per document: heads index, ownership and size, no bytes.
    documents (doc_id) {
        doc_id -> Text,
        heads -> Text,
        owner_device_id -> Text,
        created_by_device -> Text,
        size_bytes -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Snapshot and incremental chunks of a document, in insertion order.
    doc_chunks (id) {
        id -> BigInt,
        doc_id -> Text,
        kind -> Text,
        bytes -> Binary,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Persisted automerge sync states keyed by document and the peer's storage id.
    sync_states (doc_id, storage_id) {
        doc_id -> Text,
        storage_id -> Text,
        bytes -> Binary,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Every accepted change, with the delivering device and the change's actor.
    changes (doc_id, change_hash) {
        doc_id -> Text,
        change_hash -> Text,
        actor_id -> Text,
        device_id -> Text,
        received_at -> Timestamp,
    }
}

diesel::table! {
    /// Input that was refused, kept with the reason instead of being dropped.
    quarantine (id) {
        id -> BigInt,
        received_at -> Timestamp,
        device_id -> Text,
        doc_id -> Nullable<Text>,
        reason -> Text,
        bytes -> Binary,
    }
}

diesel::joinable!(doc_chunks -> documents (doc_id));
diesel::joinable!(changes -> documents (doc_id));
diesel::allow_tables_to_appear_in_same_query!(
    devices,
    documents,
    doc_chunks,
    sync_states,
    changes,
    quarantine,
);
