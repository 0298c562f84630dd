-- +goose Up

-- industry_best_sellers is best_sellers among the accounts of one industry (as stored):
-- each category's best-selling SKU over W for every as-of date from the industry's first
-- sales day to a year after its last (by revenue; ties to the first SKU in order),
-- rebuilt with the rest of the read model, also when an account changes industry. Deal
-- suggestions ask for the SKU an account's peers buy most. Accounts with no industry
-- are left out. day is a day number.
CREATE TABLE industry_best_sellers (
    industry TEXT NOT NULL,
    day      INTEGER NOT NULL,
    category TEXT NOT NULL,
    sku      TEXT NOT NULL,
    PRIMARY KEY (industry, day, category)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE industry_best_sellers;
