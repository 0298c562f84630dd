-- +goose Up

-- Recent lines. A day's file adds a few lines to most accounts; inserted into the
-- covering index sales_account_product, whose pages a bulk load leaves full, nearly
-- every line split a page (a day's 6,572 lines wrote 14,000 pages at N=20000). So the
-- lines an import adds, unless it is a bulk load, are marked recent and indexed apart
-- in sales_recent, a small index; readers of lines in index order read both partial
-- indexes and merge them (UNION ALL … ORDER BY). A bulk load, or recent lines grown to
-- a tenth of the table, folds them into sales_account_product (recent = 0) and builds
-- it again. Both indexes end with recent, which makes them covering for queries that
-- name it (SQLite does not count a partial index's own condition as covered).
ALTER TABLE sales ADD COLUMN recent INTEGER NOT NULL DEFAULT 0;
DROP INDEX sales_account_product;
CREATE INDEX sales_account_product ON sales (account, product, day, amount, cost, quantity, recent) WHERE recent = 0;
CREATE INDEX sales_recent ON sales (account, product, day, amount, cost, quantity, recent) WHERE recent = 1;

-- +goose Down
DROP INDEX sales_recent;
DROP INDEX sales_account_product;
CREATE INDEX sales_account_product ON sales (account, product, day, amount, cost, quantity);
ALTER TABLE sales DROP COLUMN recent;
