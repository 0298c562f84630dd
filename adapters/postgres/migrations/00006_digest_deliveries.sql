-- +goose Up

-- digest_deliveries records each territory's weekly digest, claimed by the process that
-- sends it: see the SQLite schema of the same version. A claim is one INSERT … ON
-- CONFLICT DO UPDATE … WHERE … RETURNING: PostgreSQL locks the conflicting row and
-- re-checks the WHERE, so of two claims at once one wins. Times are UTC text of a fixed
-- width (2006-01-02T15:04:05.000000000Z), COLLATE "C" so that they compare byte by byte.
CREATE TABLE digest_deliveries (
    territory  TEXT COLLATE "C" NOT NULL,
    week       TEXT COLLATE "C" NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    claimant   TEXT NOT NULL,
    claimed_at TEXT COLLATE "C" NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 1,
    retry_at   TEXT COLLATE "C",
    sent_at    TEXT COLLATE "C",
    last_error TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT '',
    UNIQUE (territory, week)
);

-- +goose Down
DROP TABLE digest_deliveries;
