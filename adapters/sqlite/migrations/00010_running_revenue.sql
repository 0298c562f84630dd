-- +goose Up

-- running_revenue and industry_running_revenue are the running totals of the revenue of
-- day_sums and industry_day_sums: per day with sales, each product's revenue from the
-- first day up to and including that day (int32 product, int64 revenue; products whose
-- total is 0 left out). The revenue of any window is the difference of two rows, so the
-- best sellers of a date read two rows. A delta rewrites them from its first changed
-- day on: one row a day for the nightly file.
CREATE TABLE running_revenue (
    day  INTEGER PRIMARY KEY,
    sums BLOB NOT NULL
);
CREATE TABLE industry_running_revenue (
    industry TEXT NOT NULL,
    day      INTEGER NOT NULL,
    sums     BLOB NOT NULL,
    PRIMARY KEY (industry, day)
);

-- +goose Down
DROP TABLE industry_running_revenue;
DROP TABLE running_revenue;
