-- +goose Up

-- CRM sync (issue 39). sync_state holds, per CRM, what its sync keeps between runs
-- (domain.SyncState as JSON: the watermark, the CRM ids of the synced accounts, the last
-- run's outcome). sync_runs is digest_deliveries for a CRM's scheduled run: claimed by
-- the process that runs it, so that a run happens once across replicas. Neither is data
-- the figures read: writing here does not change the data version.
CREATE TABLE sync_state (
    crm   TEXT PRIMARY KEY,
    state TEXT NOT NULL
);

CREATE TABLE sync_runs (
    crm        TEXT NOT NULL,
    slot       TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    claimant   TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 1,
    retry_at   TEXT,
    sent_at    TEXT,
    last_error TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT '',
    UNIQUE (crm, slot)
);

-- +goose Down
DROP TABLE sync_runs;
DROP TABLE sync_state;
