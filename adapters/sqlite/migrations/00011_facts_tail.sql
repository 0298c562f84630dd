-- +goose Up

-- facts_tail holds, per account, the sales lines imports added after the account's last
-- sales day since its account_facts and grade_facts rows were last written: the nightly
-- file's lines. Appending them to the rows rewrote every touched account's two blobs
-- (most of a day's delta); the tail is a small row instead. Readers continue the blobs
-- with the tail (facts: each category's series; grade facts: the sales series and the
-- commitments' quantities taken), which gives the bytes a rebuild writes.
--   last_day    the account's last sales day (days since 1970-01-01)
--   lines       uint32 count, then per line in read-index order (product, day, amount,
--               cost, quantity): uint16 length + category, int32 product, int32 day,
--               float64 amount, cost, quantity
--   commitments the grade facts' commitments run (no count) with every tail line taken
-- A rebuild of the account deletes its tail; an import folds a tail of more than a few
-- hundred lines into the blobs.
CREATE TABLE facts_tail (
    account     INTEGER PRIMARY KEY,
    last_day    INTEGER NOT NULL,
    lines       BLOB NOT NULL,
    commitments BLOB NOT NULL
);

-- +goose Down
DROP TABLE facts_tail;
