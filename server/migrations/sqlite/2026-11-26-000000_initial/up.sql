-- Devices that may sync. Only a SHA-256 hash of each token is stored.
CREATE TABLE devices (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP
);

-- One row per Automerge document: the heads index answers "what do you have" without bytes.
CREATE TABLE documents (
    doc_id             TEXT PRIMARY KEY NOT NULL,
    heads              TEXT NOT NULL,
    owner_device_id    TEXT NOT NULL REFERENCES devices (id),
    created_by_device  TEXT NOT NULL REFERENCES devices (id),
    size_bytes         BIGINT NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);
CREATE INDEX documents_owner_idx ON documents (owner_device_id);

-- A document is its latest snapshot plus the change chunks appended after it.
CREATE TABLE doc_chunks (
    id          INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    doc_id      TEXT NOT NULL REFERENCES documents (doc_id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('snapshot', 'incremental')),
    bytes       BLOB NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX doc_chunks_doc_idx ON doc_chunks (doc_id, id);

-- Persisted automerge sync states of peers that announce a storage id.
CREATE TABLE sync_states (
    doc_id      TEXT NOT NULL,
    storage_id  TEXT NOT NULL,
    bytes       BLOB NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (doc_id, storage_id)
);

-- Every accepted change with the device that delivered it and its actor: the audit basis.
CREATE TABLE changes (
    doc_id       TEXT NOT NULL REFERENCES documents (doc_id) ON DELETE CASCADE,
    change_hash  TEXT NOT NULL,
    actor_id     TEXT NOT NULL,
    device_id    TEXT NOT NULL REFERENCES devices (id),
    received_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (doc_id, change_hash)
);
CREATE INDEX changes_device_idx ON changes (device_id);

-- Whatever a device sent that was not accepted, kept for inspection instead of dropped.
CREATE TABLE quarantine (
    id           INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    received_at  TIMESTAMP NOT NULL,
    device_id    TEXT NOT NULL,
    doc_id       TEXT,
    reason       TEXT NOT NULL,
    bytes        BLOB NOT NULL
);
