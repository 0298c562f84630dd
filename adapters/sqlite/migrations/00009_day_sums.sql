-- +goose Up

-- The company-wide summaries an import keeps current from what it changed (issue 38),
-- instead of recomputing them from every sales line. Money is in integer millionths
-- (math.Round(amount × 1e6) per line), so that a sum does not depend on the order of
-- its terms: an import that changed a day's lines adds and subtracts those lines, and
-- its sums equal those of a rebuild from scratch exactly.
--
-- day_sums is one row per day with sales: per product sold that day (by products.id),
-- little-endian int32 product, int32 lines, int64 revenue, int64 cost (24 bytes a
-- product, by product). The company's category series, the best sellers of any window
-- and the first and last sales days are computed from it.
CREATE TABLE day_sums (
    day  INTEGER PRIMARY KEY,
    sums BLOB NOT NULL
);

-- industry_day_sums is the revenue of day_sums among the accounts of one industry (as
-- stored; accounts with no industry are left out): per product with revenue that day,
-- int32 product, int64 revenue (12 bytes a product, by product). An industry's best
-- sellers over a window read a year of its rows; the wallet's peer statistics will read
-- them too.
CREATE TABLE industry_day_sums (
    industry TEXT NOT NULL,
    day      INTEGER NOT NULL,
    sums     BLOB NOT NULL,
    PRIMARY KEY (industry, day)
);

-- The best sellers are now computed from these at read time (cached with the data
-- version), so an import no longer writes a row per day and category.
DROP TABLE best_sellers;
DROP TABLE industry_best_sellers;

-- +goose Down
CREATE TABLE industry_best_sellers (
    industry  TEXT NOT NULL,
    category  TEXT NOT NULL,
    first_day INTEGER NOT NULL,
    last_day  INTEGER NOT NULL,
    sku       TEXT NOT NULL,
    PRIMARY KEY (industry, category, first_day)
) WITHOUT ROWID;
CREATE TABLE best_sellers (
    day      INTEGER NOT NULL,
    category TEXT NOT NULL,
    sku      TEXT NOT NULL,
    PRIMARY KEY (day, category)
) WITHOUT ROWID;
DROP TABLE industry_day_sums;
DROP TABLE day_sums;
