-- +goose Up

-- An import keeps the read model of the sales current from the lines it changed rather
-- than rebuilding it from every line (issue 38; see adapters/postgres/readmodel.go).
-- product_day_sums and industry_product_day_sums are the sums of the sales lines per
-- product and day, and per industry of the account (as stored; accounts of no industry
-- are left out), product and day, with the number of lines. The sums are NUMERIC, which
-- adds exactly: an import adds the lines it wrote and subtracts those it replaced, and
-- the result does not depend on the order of either. Rows whose lines reach 0 are
-- deleted (the partial indexes find them). product_running_revenue and
-- industry_product_running_revenue hold, for each row of the day sums, the product's
-- revenue from its first day through that day (in the industry): the best sellers take
-- a window's revenue as the running total at its end less the one at its start, two
-- index probes per product. company_series is recomputed from product_day_sums, and
-- sales_first and sales_last are their first and last day: product_series and
-- industry_product_series go. Filled here from the lines already stored.
CREATE TABLE product_day_sums (
    product BIGINT NOT NULL,
    day     INTEGER NOT NULL,
    revenue NUMERIC NOT NULL,
    cost    NUMERIC NOT NULL,
    lines   BIGINT NOT NULL,
    PRIMARY KEY (product, day)
);
CREATE INDEX product_day_sums_day ON product_day_sums (day);
CREATE INDEX product_day_sums_empty ON product_day_sums (product) WHERE lines = 0;

CREATE TABLE industry_product_day_sums (
    industry TEXT COLLATE "C" NOT NULL,
    product  BIGINT NOT NULL,
    day      INTEGER NOT NULL,
    revenue  NUMERIC NOT NULL,
    cost     NUMERIC NOT NULL,
    lines    BIGINT NOT NULL,
    PRIMARY KEY (industry, day, product)
);
CREATE INDEX industry_product_day_sums_empty ON industry_product_day_sums (industry) WHERE lines = 0;

INSERT INTO industry_product_day_sums (industry, product, day, revenue, cost, lines)
SELECT a.industry, s.product, s.day, SUM(s.amount::numeric), SUM(s.cost::numeric), COUNT(*)
FROM sales s JOIN accounts a ON a.id = s.account
WHERE a.industry <> ''
GROUP BY a.industry, s.product, s.day
ORDER BY a.industry, s.day, s.product;

INSERT INTO product_day_sums (product, day, revenue, cost, lines)
SELECT product, day, SUM(revenue), SUM(cost), SUM(lines)
FROM (
    SELECT product, day, revenue, cost, lines FROM industry_product_day_sums
    UNION ALL
    SELECT s.product, s.day, s.amount::numeric, s.cost::numeric, 1
    FROM sales s JOIN accounts a ON a.id = s.account WHERE a.industry = ''
) x
GROUP BY product, day
ORDER BY day, product;

CREATE TABLE product_running_revenue (
    product BIGINT NOT NULL,
    day     INTEGER NOT NULL,
    revenue NUMERIC NOT NULL,
    PRIMARY KEY (product, day)
);

CREATE TABLE industry_product_running_revenue (
    industry TEXT COLLATE "C" NOT NULL,
    product  BIGINT NOT NULL,
    day      INTEGER NOT NULL,
    revenue  NUMERIC NOT NULL,
    PRIMARY KEY (industry, product, day)
);

INSERT INTO product_running_revenue (product, day, revenue)
SELECT product, day, SUM(revenue) OVER (PARTITION BY product ORDER BY day)
FROM product_day_sums;

INSERT INTO industry_product_running_revenue (industry, product, day, revenue)
SELECT industry, product, day, SUM(revenue) OVER (PARTITION BY industry, product ORDER BY day)
FROM industry_product_day_sums;

-- company_series is now the running totals of product_day_sums' exact sums.
DELETE FROM company_series;
INSERT INTO company_series (category, days, revenue, cost)
SELECT category, array_agg(day ORDER BY day), array_agg(revenue::float8 ORDER BY day), array_agg(cost::float8 ORDER BY day)
FROM (
    SELECT p.category, d.day, SUM(SUM(d.revenue)) OVER w AS revenue, SUM(SUM(d.cost)) OVER w AS cost
    FROM product_day_sums d JOIN products p ON p.id = d.product
    GROUP BY p.category, d.day
    WINDOW w AS (PARTITION BY p.category ORDER BY d.day)
) x
GROUP BY category;

DROP TABLE product_series;
DROP TABLE industry_product_series;

-- +goose Down
CREATE TABLE product_series (
    product BIGINT PRIMARY KEY,
    days    INTEGER[] NOT NULL,
    revenue DOUBLE PRECISION[] NOT NULL,
    cost    DOUBLE PRECISION[] NOT NULL
);
INSERT INTO product_series (product, days, revenue, cost)
SELECT product, array_agg(day ORDER BY day), array_agg(revenue ORDER BY day), array_agg(cost ORDER BY day)
FROM (
    SELECT product, day, SUM(SUM(amount)) OVER w AS revenue, SUM(SUM(cost)) OVER w AS cost
    FROM sales GROUP BY product, day
    WINDOW w AS (PARTITION BY product ORDER BY day)
) d
GROUP BY product;

CREATE TABLE industry_product_series (
    industry TEXT COLLATE "C" NOT NULL,
    product  BIGINT NOT NULL,
    days     INTEGER[] NOT NULL,
    revenue  DOUBLE PRECISION[] NOT NULL,
    cost     DOUBLE PRECISION[] NOT NULL,
    PRIMARY KEY (industry, product)
);
INSERT INTO industry_product_series (industry, product, days, revenue, cost)
SELECT industry, product, array_agg(day ORDER BY day), array_agg(revenue ORDER BY day), array_agg(cost ORDER BY day)
FROM (
    SELECT a.industry, s.product, s.day, SUM(SUM(s.amount)) OVER w AS revenue, SUM(SUM(s.cost)) OVER w AS cost
    FROM sales s JOIN accounts a ON a.id = s.account
    WHERE a.industry <> ''
    GROUP BY a.industry, s.product, s.day
    WINDOW w AS (PARTITION BY a.industry, s.product ORDER BY s.day)
) d
GROUP BY industry, product;

DROP TABLE industry_product_running_revenue;
DROP TABLE product_running_revenue;
DROP TABLE industry_product_day_sums;
DROP TABLE product_day_sums;
