-- Organisation units: a stable id and code; everything that changes over time lives in versions.
CREATE TABLE org_units (
    id          TEXT PRIMARY KEY NOT NULL,
    code        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);

-- Effective-dated (name, parent) of a unit: valid from valid_from (inclusive) until valid_to
-- (exclusive, NULL = still valid). Renames, moves, merges and splits add rows and close the
-- previous one; they never rewrite an earlier period.
CREATE TABLE org_unit_versions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    unit_id     TEXT NOT NULL REFERENCES org_units (id),
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    parent_id   TEXT REFERENCES org_units (id),
    valid_from  DATE NOT NULL,
    valid_to    DATE,
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX org_unit_versions_unit_idx ON org_unit_versions (unit_id, valid_from);
CREATE INDEX org_unit_versions_parent_idx ON org_unit_versions (parent_id);

-- Party members. member_code is the stable key rosters are matched on (e.g. the card number).
CREATE TABLE people (
    id            TEXT PRIMARY KEY NOT NULL,
    member_code   TEXT NOT NULL UNIQUE,
    ho            TEXT NOT NULL,
    ten_dem       TEXT NOT NULL,
    ten           TEXT NOT NULL,
    party_status  TEXT NOT NULL CHECK (party_status IN ('chinh_thuc', 'du_bi')),
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

-- A member's cell over time (valid_to exclusive, NULL = current).
CREATE TABLE memberships (
    id          INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    person_id   TEXT NOT NULL REFERENCES people (id),
    unit_id     TEXT NOT NULL REFERENCES org_units (id),
    valid_from  DATE NOT NULL,
    valid_to    DATE
);
CREATE INDEX memberships_person_idx ON memberships (person_id, valid_from);
CREATE INDEX memberships_unit_idx ON memberships (unit_id);

-- Accounts. password_hash is an argon2id PHC string.
CREATE TABLE users (
    id             TEXT PRIMARY KEY NOT NULL,
    username       TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    person_id      TEXT REFERENCES people (id),
    created_at     TIMESTAMP NOT NULL,
    disabled_at    TIMESTAMP
);

-- Roles scoped to a unit; a revoked role keeps its row (revoked_at) so the history and the
-- revocation watcher can see it.
CREATE TABLE user_roles (
    id          INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id),
    role        TEXT NOT NULL CHECK (role IN ('cell_secretary', 'cell_deputy', 'committee_member', 'administrator')),
    unit_id     TEXT NOT NULL REFERENCES org_units (id),
    granted_at  TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP
);
CREATE INDEX user_roles_user_idx ON user_roles (user_id);
CREATE INDEX user_roles_revoked_idx ON user_roles (revoked_at);

-- Devices enrolled by a login belong to a user and expire; operator-created devices have neither.
ALTER TABLE devices ADD COLUMN user_id TEXT REFERENCES users (id);
ALTER TABLE devices ADD COLUMN expires_at TIMESTAMP;
CREATE INDEX devices_user_idx ON devices (user_id);
CREATE INDEX devices_revoked_idx ON devices (revoked_at);
