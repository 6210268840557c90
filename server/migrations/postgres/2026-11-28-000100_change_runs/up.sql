-- The audit log as runs: one row per actor per delivery, holding that delivery's changes of
-- the actor (consecutive seqs) as 32-byte hashes, instead of one row per change. A new
-- 500-edit meeting from three actors is 3 rows of ~4.7 KB in all, where it was ~440 rows of
-- ~300 bytes each with their key index (about ten times the document's own 12.6 KB).
CREATE TABLE change_runs (
    id            BIGSERIAL PRIMARY KEY NOT NULL,
    doc_id        TEXT NOT NULL REFERENCES documents (doc_id) ON DELETE CASCADE,
    actor_id      TEXT NOT NULL,
    device_id     TEXT NOT NULL REFERENCES devices (id),
    received_at   TIMESTAMP NOT NULL,
    -- The run's first and last seq of the actor; NULL for runs carried over from the
    -- per-change log, whose seqs were not recorded.
    seq_from      BIGINT,
    seq_to        BIGINT,
    change_count  INTEGER NOT NULL,
    -- change_count hashes of 32 bytes, in seq order.
    hashes        BYTEA NOT NULL
);
-- The last recorded seq of each actor of a document (a delivery skips what it holds), and
-- never the same run twice.
CREATE UNIQUE INDEX change_runs_doc_actor_seq ON change_runs (doc_id, actor_id, seq_to);
CREATE INDEX change_runs_device_idx ON change_runs (device_id);

INSERT INTO change_runs (doc_id, actor_id, device_id, received_at, change_count, hashes)
SELECT doc_id, actor_id, device_id, received_at, count(*),
       decode(string_agg(change_hash, '' ORDER BY change_hash), 'hex')
FROM changes
GROUP BY doc_id, actor_id, device_id, received_at;

DROP TABLE changes;
