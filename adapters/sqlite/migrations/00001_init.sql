-- +goose Up

-- Incumbent's schema: one table per record of DESIGN section 2, keyed as the CSV files
-- are. Dates are TEXT 'YYYY-MM-DD' (NULL when empty), months TEXT 'YYYY-MM', money and
-- quantities REAL. The one exception is sales, see below.

-- meta is one row. data_version is incremented by every committed import and every
-- write from chat; caches key on it. sales_first and sales_last are the day numbers
-- (see sales) of the first and last sales line, NULL when there is none; an import
-- that touches sales sets them.
CREATE TABLE meta (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    data_version INTEGER NOT NULL,
    sales_first  INTEGER,
    sales_last   INTEGER
);
INSERT INTO meta (id, data_version) VALUES (1, 0);

CREATE TABLE territories (
    name           TEXT PRIMARY KEY,
    manager        TEXT NOT NULL DEFAULT '',
    digest_channel TEXT NOT NULL DEFAULT '',
    timezone       TEXT NOT NULL DEFAULT 'UTC',
    digest_day     INTEGER NOT NULL DEFAULT 1, -- time.Weekday: 0 = Sunday
    digest_hour    INTEGER NOT NULL DEFAULT 8
);

CREATE TABLE people (
    email         TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    territory     TEXT NOT NULL DEFAULT '',
    slack_user_id TEXT NOT NULL DEFAULT '',
    teams_user_id TEXT NOT NULL DEFAULT ''
);

-- accounts and products have an integer surrogate key (id) that only the sales table
-- uses, to keep its millions of rows and index entries small.
CREATE TABLE accounts (
    id                 INTEGER PRIMARY KEY,
    account_id         TEXT NOT NULL UNIQUE,
    name               TEXT NOT NULL,
    territory          TEXT NOT NULL,
    owner              TEXT NOT NULL DEFAULT '',
    industry           TEXT NOT NULL DEFAULT '',
    aliases            TEXT NOT NULL DEFAULT '', -- ';'-joined
    payment_terms_days INTEGER NOT NULL DEFAULT 30,
    employees          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX accounts_territory ON accounts (territory, id);

-- account_names indexes every account's id, name and aliases by domain.NameKey (lower
-- case, single spaces), so that an account typed by name is found without reading them
-- all.
CREATE TABLE account_names (
    name_key   TEXT NOT NULL,
    account_id TEXT NOT NULL,
    PRIMARY KEY (name_key, account_id)
) WITHOUT ROWID;
CREATE INDEX account_names_account ON account_names (account_id);

CREATE TABLE products (
    id            INTEGER PRIMARY KEY,
    sku           TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    category      TEXT NOT NULL,
    list_price    REAL NOT NULL,
    unit_cost     REAL NOT NULL,
    uses_per_unit REAL NOT NULL DEFAULT 0,
    unit_of_use   TEXT NOT NULL DEFAULT ''
);

-- sources names the files sales lines were imported from.
CREATE TABLE sources (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

-- sales holds one row per invoice line, millions of them, so it is kept narrow: the
-- account, product and source are the integer ids of accounts, products and sources,
-- and day is the date as a day number (days since 1970-01-01, so 2024-01-01 is 19723),
-- smaller than 'YYYY-MM-DD' text and faster to compare.
--
-- sales_account_product is the one read index. It covers the sums of SalesByCategory
-- and SalesBySKU, and its order is their GROUP BY (account, product), so SQLite
-- aggregates while it scans, without a temporary b-tree: a seek per account for one
-- account or a territory, a full scan of the index for all accounts. (Measured on 5
-- million lines over 3 years and 20,000 accounts, this beat a (day, account, ...) index
-- scanned by date range and then sorted to group, and it is one index to maintain
-- instead of two.) sales_source serves ReplaceSales. An import that touches many lines
-- drops sales_account_product and builds it again before it commits.
CREATE TABLE sales (
    day        INTEGER NOT NULL,
    account    INTEGER NOT NULL,
    product    INTEGER NOT NULL,
    quantity   REAL NOT NULL,
    amount     REAL NOT NULL,
    cost       REAL NOT NULL,
    invoice_id TEXT NOT NULL DEFAULT '',
    source     INTEGER NOT NULL
);
CREATE INDEX sales_account_product ON sales (account, product, day, amount, cost, quantity);
CREATE INDEX sales_source ON sales (source);

CREATE TABLE potentials (
    account_id       TEXT NOT NULL,
    category         TEXT NOT NULL,
    annual_potential REAL NOT NULL,
    competitor       TEXT NOT NULL DEFAULT '',
    note             TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (account_id, category)
);

CREATE TABLE opportunities (
    opp_id      TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL,
    category    TEXT NOT NULL,
    name        TEXT NOT NULL,
    value       REAL NOT NULL,
    stage       TEXT NOT NULL,
    probability REAL NOT NULL DEFAULT 0,
    close_date  TEXT,
    competitor  TEXT NOT NULL DEFAULT '',
    next_step   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX opportunities_account ON opportunities (account_id);

CREATE TABLE invoices (
    invoice_id   TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL,
    invoice_date TEXT NOT NULL,
    due_date     TEXT NOT NULL,
    amount       REAL NOT NULL,
    paid_date    TEXT
) WITHOUT ROWID;
CREATE INDEX invoices_account ON invoices (account_id);

CREATE TABLE commitments (
    account_id    TEXT NOT NULL,
    sku           TEXT NOT NULL,
    period        TEXT NOT NULL, -- 'YYYY-MM'
    committed_qty REAL NOT NULL,
    PRIMARY KEY (account_id, sku, period)
);

CREATE TABLE rfqs (
    rfq_id     TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    date       TEXT NOT NULL,
    category   TEXT NOT NULL,
    value      REAL NOT NULL DEFAULT 0,
    outcome    TEXT NOT NULL
);
CREATE INDEX rfqs_account ON rfqs (account_id);

-- account_id is '' for a market-wide offer (not NULL, so that the key is unique).
CREATE TABLE competitor_offers (
    competitor         TEXT NOT NULL,
    sku                TEXT NOT NULL,
    account_id         TEXT NOT NULL DEFAULT '',
    competitor_product TEXT NOT NULL DEFAULT '',
    price              REAL NOT NULL,
    uses_per_unit      REAL NOT NULL DEFAULT 0,
    change_cost        REAL NOT NULL DEFAULT 0,
    weaknesses         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (competitor, sku, account_id)
);
CREATE INDEX competitor_offers_account ON competitor_offers (account_id);

-- set_by and set_at say who set an objective in chat and when (RFC 3339); both are ''
-- for imported objectives.
CREATE TABLE objectives (
    scope          TEXT NOT NULL,
    key            TEXT NOT NULL,
    year           INTEGER NOT NULL,
    revenue_target REAL NOT NULL,
    gp_target      REAL NOT NULL DEFAULT 0,
    set_by         TEXT NOT NULL DEFAULT '',
    set_at         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (scope, key, year)
);

-- The read model of the gaps, rebuilt by every import that touches sales, potentials,
-- opportunities, a product's category or an account's territory. account_facts holds
-- one row per account with sales, a potential or an open opportunity; its facts blob
-- lists, per category, the potential, the open pipeline and a series: one record per
-- day with sales, little-endian int32 day number, then the float64 running totals of
-- revenue and cost up to and including that day (20 bytes a day). The sum over any
-- period (After, Through] is the running total at Through less the one at After, found
-- by binary search, so a gap over all accounts reads one row per account instead of
-- every line, potential and opportunity. A row's rowid is its territory's rank in
-- series_territories << 32 | the account's id, so that one territory's rows lie together
-- and are read as one range. category_series is the series per category over all
-- accounts: the company-wide rates. Both are rowid tables: their rows are often over a
-- kilobyte, which a WITHOUT ROWID table would spill to overflow pages.
CREATE TABLE account_facts (
    account    INTEGER NOT NULL UNIQUE,
    account_id TEXT NOT NULL,
    facts      BLOB NOT NULL
);

CREATE TABLE series_territories (
    territory TEXT PRIMARY KEY,
    rank      INTEGER NOT NULL
);

CREATE TABLE category_series (
    category TEXT PRIMARY KEY,
    series   BLOB NOT NULL
);

-- +goose Down
DROP TABLE category_series;
DROP TABLE series_territories;
DROP TABLE account_facts;
DROP TABLE account_names;
DROP TABLE objectives;
DROP TABLE competitor_offers;
DROP TABLE rfqs;
DROP TABLE commitments;
DROP TABLE invoices;
DROP TABLE opportunities;
DROP TABLE potentials;
DROP TABLE sales;
DROP TABLE sources;
DROP TABLE products;
DROP TABLE accounts;
DROP TABLE people;
DROP TABLE territories;
DROP TABLE meta;
