-- +goose Up

-- invoices_account covers the invoice columns a grade needs.
DROP INDEX invoices_account;
CREATE INDEX invoices_account ON invoices (account_id, invoice_date) INCLUDE (due_date, paid_date, amount);

-- gradings are the stored gradings of a territory, one per as-of date, so that the next
-- grading can say who moved tier since. version is the data version it was computed at.
-- (SQLite's grade_facts read model has no counterpart: GradeFacts is computed at query
-- time.)
CREATE TABLE gradings (
    territory TEXT COLLATE "C" NOT NULL,
    as_of     DATE NOT NULL,
    version   BIGINT NOT NULL,
    PRIMARY KEY (territory, as_of)
);

CREATE TABLE grading_marks (
    territory  TEXT COLLATE "C" NOT NULL,
    as_of      DATE NOT NULL,
    account_id TEXT COLLATE "C" NOT NULL,
    tier       TEXT NOT NULL,
    score      DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (territory, as_of, account_id)
);

-- +goose Down
DROP TABLE grading_marks;
DROP TABLE gradings;
DROP INDEX invoices_account;
CREATE INDEX invoices_account ON invoices (account_id);
