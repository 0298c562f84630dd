-- +goose Up

-- digest_deliveries records each territory's weekly digest: one row per territory and
-- week (the local date of the scheduled day, YYYY-MM-DD), claimed by the process that
-- sends it. The row is what makes a digest go out once when several processes share
-- the database: a claim is one INSERT … ON CONFLICT DO UPDATE … WHERE … RETURNING, so
-- of two claims at once one wins. status is pending (claimed, being built or sent),
-- sent, or failed (claimed again at retry_at; given up when retry_at is NULL).
-- attempts counts the claims. Times are UTC, written with a fixed width
-- (2006-01-02T15:04:05.000000000Z) so that they compare as text. detail says where the
-- digest went (channel, message timestamp). Not data the figures read: writing here
-- does not change the data version.
CREATE TABLE digest_deliveries (
    territory  TEXT NOT NULL,
    week       TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    claimant   TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 1,
    retry_at   TEXT,
    sent_at    TEXT,
    last_error TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT '',
    UNIQUE (territory, week)
);

-- +goose Down
DROP TABLE digest_deliveries;
