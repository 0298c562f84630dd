-- +goose Up

-- industry_product_series is product_series among the accounts of one industry (as
-- stored; accounts with no industry are left out): the best sellers of an industry at
-- any as-of date, for deal suggestions. Rebuilt with the other series, also when an
-- account changes industry; filled here from the lines already stored.
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

-- +goose Down
DROP TABLE industry_product_series;
