-- +goose Up

-- industry_best_sellers is best_sellers among the accounts of one industry (as stored):
-- each category's best-selling SKU over W for every as-of date from the industry's first
-- sales day to a year after its last (by revenue; ties to the first SKU in order), as
-- runs of days (first_day to last_day, day numbers) with the same best seller: a row a
-- day would be some 40 times larger. Rebuilt with the rest of the read model, also when
-- an account changes industry. Deal suggestions ask for the SKU an account's peers buy
-- most. Accounts with no industry are left out.
CREATE TABLE industry_best_sellers (
    industry  TEXT NOT NULL,
    category  TEXT NOT NULL,
    first_day INTEGER NOT NULL,
    last_day  INTEGER NOT NULL,
    sku       TEXT NOT NULL,
    PRIMARY KEY (industry, category, first_day)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE industry_best_sellers;
