CREATE TABLE changes (
    doc_id       TEXT NOT NULL REFERENCES documents (doc_id) ON DELETE CASCADE,
    change_hash  TEXT NOT NULL,
    actor_id     TEXT NOT NULL,
    device_id    TEXT NOT NULL REFERENCES devices (id),
    received_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (doc_id, change_hash)
);
CREATE INDEX changes_device_idx ON changes (device_id);

WITH RECURSIVE each_change (run, i) AS (
    SELECT id, 0 FROM change_runs
    UNION ALL
    SELECT run, i + 1 FROM each_change
    JOIN change_runs ON change_runs.id = each_change.run
    WHERE i + 1 < change_runs.change_count
)
INSERT OR IGNORE INTO changes (doc_id, change_hash, actor_id, device_id, received_at)
SELECT r.doc_id, lower(hex(substr(r.hashes, 1 + 32 * e.i, 32))), r.actor_id, r.device_id,
       r.received_at
FROM each_change e JOIN change_runs r ON r.id = e.run;

DROP TABLE change_runs;
