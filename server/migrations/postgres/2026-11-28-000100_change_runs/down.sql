CREATE TABLE changes (
    doc_id       TEXT NOT NULL REFERENCES documents (doc_id) ON DELETE CASCADE,
    change_hash  TEXT NOT NULL,
    actor_id     TEXT NOT NULL,
    device_id    TEXT NOT NULL REFERENCES devices (id),
    received_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (doc_id, change_hash)
);
CREATE INDEX changes_device_idx ON changes (device_id);

INSERT INTO changes (doc_id, change_hash, actor_id, device_id, received_at)
SELECT r.doc_id, encode(substring(r.hashes FROM 1 + 32 * i FOR 32), 'hex'), r.actor_id,
       r.device_id, r.received_at
FROM change_runs r, generate_series(0, r.change_count - 1) AS i
ON CONFLICT DO NOTHING;

DROP TABLE change_runs;
