-- +goose Up

-- digest_snapshots are what each territory's weekly digest keeps (totals and the tier of
-- every graded account), so that the next digest can say what changed. week is the
-- local date the digest was due (YYYY-MM-DD); data is the domain.DigestSnapshot as JSON;
-- created_at is RFC 3339. A digest sent again for the same week replaces its snapshot.
CREATE TABLE digest_snapshots (
    territory  TEXT NOT NULL,
    week       TEXT NOT NULL,
    data       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (territory, week)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE digest_snapshots;
