-- +goose Up

-- CRM sync (issue 39): see the SQLite schema of the same tables. sync_runs is claimed
-- as digest_deliveries is.
CREATE TABLE sync_state (
    crm   TEXT PRIMARY KEY,
    state TEXT NOT NULL
);

CREATE TABLE sync_runs (
    crm        TEXT COLLATE "C" NOT NULL,
    slot       TEXT COLLATE "C" NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    claimant   TEXT NOT NULL,
    claimed_at TEXT COLLATE "C" NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 1,
    retry_at   TEXT COLLATE "C",
    sent_at    TEXT COLLATE "C",
    last_error TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT '',
    UNIQUE (crm, slot)
);

-- +goose Down
DROP TABLE sync_runs;
DROP TABLE sync_state;
