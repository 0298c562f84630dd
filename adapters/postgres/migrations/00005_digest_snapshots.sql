-- +goose Up

-- digest_snapshots are what each territory's weekly digest keeps, so that the next
-- digest can say what changed. week is the local date the digest was due (YYYY-MM-DD);
-- data is the domain.DigestSnapshot as JSON; created_at is RFC 3339.
CREATE TABLE digest_snapshots (
    territory  TEXT COLLATE "C" NOT NULL,
    week       TEXT COLLATE "C" NOT NULL,
    data       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (territory, week)
);

-- +goose Down
DROP TABLE digest_snapshots;
