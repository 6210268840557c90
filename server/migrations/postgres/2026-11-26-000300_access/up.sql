-- The organisation unit (by code) a document belongs to, named by its first change and never
-- changed afterwards; NULL for documents created by a device without a user.
ALTER TABLE documents ADD COLUMN cell_id TEXT;
CREATE INDEX documents_cell_idx ON documents (cell_id);

-- Every Automerge actor, registered to the device (and its user) that first delivered a change
-- by it. Written in the commit transaction that stores that change.
CREATE TABLE actors (
    actor_id    TEXT PRIMARY KEY NOT NULL,
    device_id   TEXT NOT NULL REFERENCES devices (id),
    user_id     TEXT REFERENCES users (id),
    first_seen  TIMESTAMP NOT NULL
);
CREATE INDEX actors_user_idx ON actors (user_id);
