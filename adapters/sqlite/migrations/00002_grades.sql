-- +goose Up

-- grade_facts is the read model of the grades, rebuilt with account_facts by every import
-- that touches sales, invoices, commitments, RFQs, products or an account's territory.
-- One row per account with any of those; rowid as in account_facts. Its facts blob is
-- four runs of little-endian records, each run led by a uint32 count:
--   the account's sales over all categories as a series (see account_facts);
--   invoices: int32 invoice day, int32 due day, int32 paid day (-2147483648 when
--     open), float64 amount (20 bytes);
--   commitments: int32 month (year × 12 + month − 1), float64 committed quantity,
--     float64 quantity taken (sold of that SKU to that account in that month), float64
--     unit cost of the SKU (28 bytes);
--   RFQs: int32 day, uint8 outcome (0 won, 1 lost, 2 pending, 3 not_invited) (5 bytes).
-- A whole book's grades read it once, at any as-of date, without touching the invoices.
CREATE TABLE grade_facts (
    account    INTEGER NOT NULL UNIQUE,
    account_id TEXT NOT NULL,
    facts      BLOB NOT NULL
);

-- invoices_account covers the invoice columns a grade needs (an index of a WITHOUT ROWID
-- table also holds its key, invoice_id): the read-model rebuild reads each account's
-- invoices as one range of the index instead of holding two million in memory, and
-- FindInvoices of an account never touches the table.
DROP INDEX invoices_account;
CREATE INDEX invoices_account ON invoices (account_id, invoice_date, due_date, paid_date, amount);

-- read_model is the version of the read model's layout that the stored read model was
-- built with; a store opened by a newer build whose layout differs rebuilds it.
ALTER TABLE meta ADD COLUMN read_model INTEGER NOT NULL DEFAULT 1;

-- gradings are the stored gradings of a territory, one per as-of date, so that the next
-- grading can say who moved tier since. version is the data version it was computed at.
CREATE TABLE gradings (
    territory TEXT NOT NULL,
    as_of     TEXT NOT NULL,
    version   INTEGER NOT NULL,
    PRIMARY KEY (territory, as_of)
);

CREATE TABLE grading_marks (
    territory  TEXT NOT NULL,
    as_of      TEXT NOT NULL,
    account_id TEXT NOT NULL,
    tier       TEXT NOT NULL,
    score      REAL NOT NULL,
    PRIMARY KEY (territory, as_of, account_id)
) WITHOUT ROWID;

-- +goose Down
DROP INDEX invoices_account;
CREATE INDEX invoices_account ON invoices (account_id);
DROP TABLE grading_marks;
DROP TABLE gradings;
ALTER TABLE meta DROP COLUMN read_model;
DROP TABLE grade_facts;
