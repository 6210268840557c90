-- The normalised minutes of each projected meeting as JSON (the printable minutes page reads
-- this row; no API query loads an Automerge document). Written by the projector in the same
-- transaction as the other projection rows; NULL record for minutes that did not load.
CREATE TABLE meeting_records (
    doc_id  TEXT PRIMARY KEY NOT NULL REFERENCES meeting_facts (doc_id) ON DELETE CASCADE,
    record  TEXT NOT NULL
);
