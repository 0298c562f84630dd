-- +goose Up

-- Daily alerts to each rep (issue 40 §2): see the SQLite schema of the same tables.
-- alert_deliveries is claimed as digest_deliveries is; times are UTC text of a fixed
-- width, COLLATE "C" so that they compare byte by byte.
CREATE TABLE alert_settings (
    email     TEXT PRIMARY KEY,
    hour      INTEGER NOT NULL CHECK (hour BETWEEN 0 AND 23),
    off       BOOLEAN NOT NULL DEFAULT FALSE,
    territory BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE alert_states (
    email TEXT PRIMARY KEY,
    day   TEXT NOT NULL,
    keys  TEXT NOT NULL
);

CREATE TABLE alert_deliveries (
    person     TEXT COLLATE "C" NOT NULL,
    day        TEXT COLLATE "C" NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    claimant   TEXT NOT NULL,
    claimed_at TEXT COLLATE "C" NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 1,
    retry_at   TEXT COLLATE "C",
    sent_at    TEXT COLLATE "C",
    last_error TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT '',
    UNIQUE (person, day)
);

-- +goose Down
DROP TABLE alert_deliveries;
DROP TABLE alert_states;
DROP TABLE alert_settings;
