-- +goose Up

-- Offers recorded from chat say who recorded them and when (RFC 3339); both are '' for
-- imported offers.
ALTER TABLE competitor_offers ADD COLUMN set_by TEXT NOT NULL DEFAULT '';
ALTER TABLE competitor_offers ADD COLUMN set_at TEXT NOT NULL DEFAULT '';

-- best_sellers is the company's best-selling SKU of each category over W for every
-- as-of date from the first sales day to a year after the last (by revenue; ties to the
-- first SKU in order), rebuilt with the rest of the read model: deal suggestions read
-- one date's 25-odd rows instead of every SKU's sales. day is a day number.
CREATE TABLE best_sellers (
    day      INTEGER NOT NULL,
    category TEXT NOT NULL,
    sku      TEXT NOT NULL,
    PRIMARY KEY (day, category)
) WITHOUT ROWID;

-- scenarios are priced trades saved from chat. data is the scenario as JSON (terms,
-- concession ledger, the deal as priced, the as-of date); the columns beside it are
-- what scenarios are found by.
CREATE TABLE scenarios (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    parent_id  INTEGER REFERENCES scenarios (id),
    account_id TEXT NOT NULL,
    author     TEXT NOT NULL,
    channel    TEXT NOT NULL DEFAULT '',
    thread     TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    data       TEXT NOT NULL
);
CREATE INDEX scenarios_account ON scenarios (account_id);

-- +goose Down
DROP TABLE scenarios;
DROP TABLE best_sellers;
ALTER TABLE competitor_offers DROP COLUMN set_at;
ALTER TABLE competitor_offers DROP COLUMN set_by;
