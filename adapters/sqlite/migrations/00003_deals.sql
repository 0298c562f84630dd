-- +goose Up

-- Offers recorded from chat say who recorded them and when (RFC 3339); both are '' for
-- imported offers.
ALTER TABLE competitor_offers ADD COLUMN set_by TEXT NOT NULL DEFAULT '';
ALTER TABLE competitor_offers ADD COLUMN set_at TEXT NOT NULL DEFAULT '';

-- product_series is the company's sales series per SKU (over every account, as
-- category_series per category), rebuilt with the rest of the read model: the best
-- seller of a category over any window, for deal suggestions.
CREATE TABLE product_series (
    sku    TEXT PRIMARY KEY,
    series BLOB NOT NULL
);

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
DROP TABLE product_series;
ALTER TABLE competitor_offers DROP COLUMN set_at;
ALTER TABLE competitor_offers DROP COLUMN set_by;
