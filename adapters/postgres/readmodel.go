package postgres

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
)

// The read model of the sales (sales_series, company_series, product_day_sums,
// industry_product_day_sums, their running revenue product_running_revenue and
// industry_product_running_revenue, and meta's first and last sales days: see the
// schema) is
// kept current by each import, in its transaction, from what the import changed: the
// lines it deleted (summed into sales_gone by ReplaceSales before they go), the lines it
// added (sales_load), the accounts it moved to another industry and the products it
// moved to another category. A large change (more lines deleted and added than a tenth
// of those stored) or an empty read model with lines stored rebuilds it all from the
// lines instead. Either way the read model is the same, to the cent: the summaries and
// the company series are exact sums, the same bits whatever the order of the lines, and
// an account's series appended to holds the running totals a rebuild computes, the same
// additions in the same order but for the lines of one day. Tables are emptied with
// DELETE, not TRUNCATE, which would block readers until the import commits.

// fullRebuildShare is the share of the lines stored that a batch may delete and add
// and still keep the read model current from the change; past it, the read model is
// rebuilt from every line.
const fullRebuildShare = 10 // a tenth

// deleteSales deletes the stored lines of the source id. While the batch may still
// keep the read model current from the change, the lines are counted first, and summed
// into sales_gone as they are deleted.
func (b *Batch) deleteSales(ctx context.Context, source int64) error {
	if !b.full {
		var n int64
		if err := b.tx.QueryRow(ctx, `SELECT count(*) FROM sales WHERE source = $1`, source).Scan(&n); err != nil {
			return err
		}
		if n == 0 { // a new file
			return nil
		}
		if err := b.change(ctx, n); err != nil {
			return err
		}
	}
	if b.full {
		tag, err := b.tx.Exec(ctx, `DELETE FROM sales WHERE source = $1`, source)
		if err != nil {
			return err
		}
		b.touched = b.touched || tag.RowsAffected() > 0
		return nil
	}
	if !b.gone {
		_, err := b.tx.Exec(ctx, `CREATE TEMPORARY TABLE sales_gone (account BIGINT, product BIGINT, day INTEGER,
			revenue NUMERIC, cost NUMERIC, lines BIGINT) ON COMMIT DROP`)
		if err != nil {
			return err
		}
		b.gone = true
	}
	tag, err := b.tx.Exec(ctx, `WITH gone AS (DELETE FROM sales WHERE source = $1 RETURNING account, product, day, amount, cost)
		INSERT INTO sales_gone SELECT account, product, day, SUM(amount::numeric), SUM(cost::numeric), COUNT(*)
		FROM gone GROUP BY account, product, day`, source)
	if err != nil {
		return err
	}
	b.touched = b.touched || tag.RowsAffected() > 0
	return nil
}

// change counts n more lines deleted or added by the batch, and marks the read model
// for a full rebuild once they pass fullRebuildShare of the lines stored before the
// batch, or when none are stored or the summaries are empty.
func (b *Batch) change(ctx context.Context, n int64) error {
	b.changed += n
	if b.full {
		return nil
	}
	if b.stored < 0 {
		// The planner's count of the lines (ANALYZE after every full rebuild) is close
		// enough, and costs nothing to read; it is -1 for a table never analyzed.
		err := b.tx.QueryRow(ctx, `SELECT CASE WHEN EXISTS (SELECT 1 FROM product_day_sums)
			THEN GREATEST(reltuples, 0)::bigint ELSE 0 END FROM pg_class WHERE oid = 'sales'::regclass`).Scan(&b.stored)
		if err != nil {
			return err
		}
	}
	b.full = b.stored == 0 || b.changed*fullRebuildShare > b.stored
	return nil
}

// updateReadModel brings the read model up to date with the batch's changes, which
// are in place (the lines added are in sales).
func (b *Batch) updateReadModel(ctx context.Context) error {
	if err := b.change(ctx, 0); err != nil {
		return err
	}
	if b.full {
		return b.rebuildReadModel(ctx)
	}
	return b.applyDelta(ctx)
}

// rebuildReadModel rebuilds the read model from every sales line. The product sums are
// summed from the industry sums and the lines of the accounts of no industry: a second
// pass over every line, or a temporary table of the sums for both, cost 15 s more at
// N=20000. The industry sums are keyed and written by day within an industry: a new
// day's rows then lie together (a day's file upserted them in 70 ms at N=20000, and in
// 590 keyed by product). The running revenue is summed from the day sums.
func (b *Batch) rebuildReadModel(ctx context.Context) error {
	for _, q := range []string{
		`DELETE FROM industry_product_day_sums`,
		rebuildIndustryDaySums,
		`DELETE FROM product_day_sums`,
		rebuildDaySums,
		`DELETE FROM industry_product_running_revenue`,
		`INSERT INTO industry_product_running_revenue (industry, product, day, revenue)
			SELECT industry, product, day, SUM(revenue) OVER (PARTITION BY industry, product ORDER BY day)
			FROM industry_product_day_sums`,
		`DELETE FROM product_running_revenue`,
		`INSERT INTO product_running_revenue (product, day, revenue)
			SELECT product, day, SUM(revenue) OVER (PARTITION BY product ORDER BY day) FROM product_day_sums`,
		`DELETE FROM sales_series`,
		fmt.Sprintf(rebuildSalesSeries, "TRUE"),
		`DELETE FROM company_series`,
		fmt.Sprintf(rebuildCompanySeries, "TRUE"),
		updateSalesDates,
	} {
		if _, err := b.tx.Exec(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// rebuildIndustryDaySums fills industry_product_day_sums from the sales lines.
const rebuildIndustryDaySums = `INSERT INTO industry_product_day_sums (industry, product, day, revenue, cost, lines)
	SELECT a.industry, s.product, s.day, SUM(s.amount::numeric), SUM(s.cost::numeric), COUNT(*)
	FROM sales s JOIN accounts a ON a.id = s.account
	WHERE a.industry <> ''
	GROUP BY a.industry, s.product, s.day
	ORDER BY a.industry, s.day, s.product`

// rebuildDaySums fills product_day_sums from industry_product_day_sums and the lines of
// the accounts of no industry (none, often: then the lines are not read).
const rebuildDaySums = `INSERT INTO product_day_sums (product, day, revenue, cost, lines)
	SELECT product, day, SUM(revenue), SUM(cost), SUM(lines)
	FROM (
		SELECT product, day, revenue, cost, lines FROM industry_product_day_sums
		UNION ALL
		SELECT s.product, s.day, s.amount::numeric, s.cost::numeric, 1
		FROM sales s JOIN accounts a ON a.id = s.account WHERE a.industry = ''
	) x
	GROUP BY product, day
	ORDER BY day, product`

// rebuildSalesSeries rebuilds sales_series for the accounts s (sales) the condition %s
// selects, from their lines.
const rebuildSalesSeries = `INSERT INTO sales_series (account, category, days, revenue, cost)
	SELECT account, category, array_agg(day ORDER BY day), array_agg(revenue ORDER BY day), array_agg(cost ORDER BY day)
	FROM (
		SELECT s.account, p.category, s.day,
			SUM(SUM(s.amount)) OVER w AS revenue, SUM(SUM(s.cost)) OVER w AS cost
		FROM sales s JOIN products p ON p.id = s.product
		WHERE %s
		GROUP BY s.account, p.category, s.day
		WINDOW w AS (PARTITION BY s.account, p.category ORDER BY s.day)
	) d
	GROUP BY account, category`

// rebuildCompanySeries rebuilds company_series for the categories of products p the
// condition %s selects, from product_day_sums: running totals of exact sums.
const rebuildCompanySeries = `INSERT INTO company_series (category, days, revenue, cost)
	SELECT category, array_agg(day ORDER BY day), array_agg(revenue::float8 ORDER BY day), array_agg(cost::float8 ORDER BY day)
	FROM (
		SELECT p.category, d.day, SUM(SUM(d.revenue)) OVER w AS revenue, SUM(SUM(d.cost)) OVER w AS cost
		FROM product_day_sums d JOIN products p ON p.id = d.product
		WHERE %s
		GROUP BY p.category, d.day
		WINDOW w AS (PARTITION BY p.category ORDER BY d.day)
	) x
	GROUP BY category`

// updateSalesDates records the first and last sales days (NULL without lines).
const updateSalesDates = `UPDATE meta SET (sales_first, sales_last) = (SELECT MIN(day), MAX(day) FROM product_day_sums)`

// applyDelta updates the read model from the batch's changes: the summaries by the
// lines deleted and added, and by the lines of the accounts moved to another industry;
// the series of the accounts and categories the change reaches.
func (b *Batch) applyDelta(ctx context.Context) error {
	// sales_delta is the change per account, product and day: the lines added less
	// those deleted.
	var parts []string
	if b.loading {
		parts = append(parts, `SELECT account, product, day, amount::numeric AS revenue, cost::numeric AS cost, 1::bigint AS lines FROM sales_load`)
	}
	if b.gone {
		parts = append(parts, `SELECT account, product, day, -revenue, -cost, -lines FROM sales_gone`)
	}
	if len(parts) == 0 {
		parts = append(parts, `SELECT 0::bigint, 0::bigint, 0, 0::numeric, 0::numeric, 0::bigint WHERE FALSE`)
	}
	if b.loading { // the planner's statistics of the lines added, for the joins below
		if _, err := b.tx.Exec(ctx, `ANALYZE sales_load`); err != nil {
			return fmt.Errorf("sum the change: %w", err)
		}
	}
	_, err := b.tx.Exec(ctx, `CREATE TEMPORARY TABLE sales_delta ON COMMIT DROP AS
		SELECT account, product, day, SUM(revenue) AS revenue, SUM(cost) AS cost, SUM(lines) AS lines
		FROM (`+strings.Join(parts, " UNION ALL ")+`) d(account, product, day, revenue, cost, lines)
		GROUP BY account, product, day`)
	if err != nil {
		return fmt.Errorf("sum the change: %w", err)
	}
	moved, was := slices.Collect(maps.Keys(b.moved)), []string{}
	for _, id := range moved {
		was = append(was, b.moved[id])
	}
	// running_from and industry_running_from are the first day of each product's (and
	// industry's) day sums the change wrote: its running revenue is rewritten from it.
	for _, q := range []string{
		`CREATE TEMPORARY TABLE running_from (product BIGINT, first INTEGER) ON COMMIT DROP`,
		`CREATE TEMPORARY TABLE industry_running_from (industry TEXT COLLATE "C", product BIGINT, first INTEGER) ON COMMIT DROP`,
	} {
		if _, err := b.tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("summaries: %w", err)
		}
	}
	if _, err := b.tx.Exec(ctx, addDaySums); err != nil {
		return fmt.Errorf("product sums: %w", err)
	}
	if _, err := b.tx.Exec(ctx, addIndustryDaySums, moved, was); err != nil {
		return fmt.Errorf("industry sums: %w", err)
	}
	for _, q := range []string{
		`DELETE FROM product_day_sums WHERE lines = 0`,
		`DELETE FROM industry_product_day_sums WHERE lines = 0`,
		// The planner cannot tell how many days follow a product's first changed one,
		// guesses hundreds, and compiles the rewrite (JIT, 20–250 ms) for a few rows.
		`ANALYZE running_from, industry_running_from`,
		`SET LOCAL jit = off`,
		// A product whose first day changed follows the last day stored before the
		// batch (meta's, until the end of applyDelta) has no running revenue to delete.
		`DELETE FROM product_running_revenue r USING running_from c
			WHERE r.product = c.product AND r.day >= c.first AND c.first <= (SELECT sales_last FROM meta)`,
		rewriteRunning,
		`DELETE FROM industry_product_running_revenue r USING industry_running_from c
			WHERE r.industry = c.industry AND r.product = c.product AND r.day >= c.first
			AND c.first <= (SELECT sales_last FROM meta)`,
		rewriteIndustryRunning,
		`SET LOCAL jit TO DEFAULT`,
	} {
		if _, err := b.tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("summaries: %w", err)
		}
	}
	if err := b.updateSalesSeries(ctx); err != nil {
		return fmt.Errorf("account series: %w", err)
	}
	if err := b.updateCompanySeries(ctx); err != nil {
		return fmt.Errorf("company series: %w", err)
	}
	if _, err := b.tx.Exec(ctx, updateSalesDates); err != nil {
		return fmt.Errorf("sales dates: %w", err)
	}
	return nil
}

// addDaySums adds sales_delta to product_day_sums, and records in running_from the
// first day each product's sums changed.
const addDaySums = `WITH written AS (
		INSERT INTO product_day_sums AS t (product, day, revenue, cost, lines)
		SELECT product, day, SUM(revenue), SUM(cost), SUM(lines) FROM sales_delta GROUP BY product, day
		ON CONFLICT (product, day) DO UPDATE
		SET revenue = t.revenue + excluded.revenue, cost = t.cost + excluded.cost, lines = t.lines + excluded.lines
		RETURNING product, day
	)
	INSERT INTO running_from SELECT product, MIN(day) FROM written GROUP BY product`

// rewriteRunning writes the running revenue of the products of running_from from their
// first day there on (their rows from it deleted): the running total before it (0 when
// none) plus the day sums through each day, the same exact sums a rebuild makes. A new
// day's file appends one row per product sold that day. The day sums are probed per
// product (OFFSET 0 keeps the subquery from being joined by a scan of them all).
const rewriteRunning = `INSERT INTO product_running_revenue (product, day, revenue)
	SELECT c.product, d.day, COALESCE(s.revenue, 0) + SUM(d.revenue) OVER (PARTITION BY c.product ORDER BY d.day)
	FROM running_from c
	CROSS JOIN LATERAL (SELECT d.day, d.revenue FROM product_day_sums d
		WHERE d.product = c.product AND d.day >= c.first OFFSET 0) d
	LEFT JOIN LATERAL (SELECT r.revenue FROM product_running_revenue r
		WHERE r.product = c.product AND r.day < c.first ORDER BY r.day DESC LIMIT 1) s ON TRUE`

// rewriteIndustryRunning is rewriteRunning for industry_running_from. The industry's
// day sums, keyed by day (a new day's rows are written together), are read once per
// industry from its first changed day, not once per product.
const rewriteIndustryRunning = `INSERT INTO industry_product_running_revenue (industry, product, day, revenue)
	SELECT d.industry, d.product, d.day,
		COALESCE(s.revenue, 0) + SUM(d.revenue) OVER (PARTITION BY d.industry, d.product ORDER BY d.day)
	FROM (SELECT industry, MIN(first) AS first FROM industry_running_from GROUP BY industry) i
	CROSS JOIN LATERAL (SELECT d.industry, d.product, d.day, d.revenue FROM industry_product_day_sums d
		WHERE d.industry = i.industry AND d.day >= i.first OFFSET 0) d
	JOIN industry_running_from c ON c.industry = d.industry AND c.product = d.product AND d.day >= c.first
	LEFT JOIN LATERAL (SELECT r.revenue FROM industry_product_running_revenue r
		WHERE r.industry = c.industry AND r.product = c.product AND r.day < c.first ORDER BY r.day DESC LIMIT 1) s ON TRUE`

// addIndustryDaySums adds sales_delta to industry_product_day_sums, and moves the lines
// of the accounts $1, whose industries before the batch were $2, from those industries
// to their industries now. An account moved has the change of its lines counted in its
// industry before the batch, all its lines (after the batch) taken out of it and put
// into its industry now: its lines before the batch leave the first, its lines after
// reach the second. The first day each industry's product's sums changed goes into
// industry_running_from.
const addIndustryDaySums = `WITH moved AS (SELECT * FROM unnest($1::bigint[], $2::text[]) AS m(account, industry)),
	written AS (INSERT INTO industry_product_day_sums AS t (industry, product, day, revenue, cost, lines)
	SELECT industry, product, day, SUM(revenue), SUM(cost), SUM(lines)
	FROM (
		SELECT COALESCE(m.industry, a.industry), d.product, d.day, d.revenue, d.cost, d.lines
		FROM sales_delta d JOIN accounts a ON a.id = d.account LEFT JOIN moved m ON m.account = d.account
		UNION ALL
		SELECT m.industry, s.product, s.day, -s.amount::numeric, -s.cost::numeric, -1
		FROM moved m JOIN sales s ON s.account = m.account
		UNION ALL
		SELECT a.industry, s.product, s.day, s.amount::numeric, s.cost::numeric, 1
		FROM moved m JOIN accounts a ON a.id = m.account JOIN sales s ON s.account = m.account
	) x(industry, product, day, revenue, cost, lines)
	WHERE industry <> ''
	GROUP BY industry, product, day
	ON CONFLICT (industry, day, product) DO UPDATE
	SET revenue = t.revenue + excluded.revenue, cost = t.cost + excluded.cost, lines = t.lines + excluded.lines
	RETURNING industry, product, day)
	INSERT INTO industry_running_from SELECT industry, product, MIN(day) FROM written GROUP BY industry, product`

// updateSalesSeries updates the series of the accounts whose lines changed. An account
// whose lines were only added, each on a day after the last of its series in the
// line's category, has the new days' running totals appended to its series (the
// running total of its last day plus the new days' sums, in day order: the same
// additions a rebuild makes). The others are rebuilt from their lines: those with lines
// deleted or added on an earlier day, and those that bought a product moved to another
// category.
func (b *Batch) updateSalesSeries(ctx context.Context) error {
	var parts []string
	var args []any
	if b.gone {
		parts = append(parts, `SELECT account FROM sales_gone`)
	}
	if b.loading {
		// Lines after the last day stored (meta's, until the end of applyDelta) need no
		// look at the series: a new day's file has none of the others.
		parts = append(parts, `SELECT l.account FROM sales_load l JOIN products p ON p.id = l.product
			JOIN sales_series x ON x.account = l.account AND x.category = p.category
			WHERE l.day <= (SELECT sales_last FROM meta) AND l.day <= x.days[cardinality(x.days)]`)
	}
	if len(b.recategorised) > 0 {
		parts = append(parts, `SELECT account FROM sales WHERE product = ANY ($1::bigint[])`)
		args = append(args, slices.Collect(maps.Keys(b.recategorised)))
	}
	if len(parts) == 0 {
		parts = append(parts, `SELECT 0::bigint AS account WHERE FALSE`)
	}
	rebuilt := strings.Join(parts, " UNION ")
	if _, err := b.tx.Exec(ctx, `CREATE TEMPORARY TABLE series_rebuilt ON COMMIT DROP AS `+rebuilt, args...); err != nil {
		return err
	}
	for _, q := range []string{
		`ANALYZE series_rebuilt`,
		`DELETE FROM sales_series WHERE account IN (SELECT account FROM series_rebuilt)`,
		fmt.Sprintf(rebuildSalesSeries, "s.account IN (SELECT account FROM series_rebuilt)"),
	} {
		if _, err := b.tx.Exec(ctx, q); err != nil {
			return err
		}
	}
	if !b.loading {
		return nil
	}
	_, err := b.tx.Exec(ctx, appendSalesSeries)
	return err
}

// appendSalesSeries appends to the series of the accounts with lines in sales_load and
// not in series_rebuilt the running totals of the days of those lines, all after the
// series' last day: the series' last running totals are the seed of the window's sums,
// and left out of what is appended.
const appendSalesSeries = `WITH added AS (
		SELECT l.account, p.category, l.day, SUM(l.amount) AS revenue, SUM(l.cost) AS cost
		FROM sales_load l JOIN products p ON p.id = l.product
		WHERE l.account NOT IN (SELECT account FROM series_rebuilt)
		GROUP BY l.account, p.category, l.day
	), running AS (
		SELECT account, category, day, seed, SUM(revenue) OVER w AS revenue, SUM(cost) OVER w AS cost
		FROM (
			SELECT account, category, day, FALSE AS seed, revenue, cost FROM added
			UNION ALL
			SELECT x.account, x.category, x.days[n], TRUE, x.revenue[n], x.cost[n]
			FROM sales_series x CROSS JOIN LATERAL (SELECT cardinality(x.days) AS n) c
			WHERE (x.account, x.category) IN (SELECT account, category FROM added)
		) d
		WINDOW w AS (PARTITION BY account, category ORDER BY day)
	)
	INSERT INTO sales_series AS x (account, category, days, revenue, cost)
	SELECT account, category, array_agg(day ORDER BY day), array_agg(revenue ORDER BY day), array_agg(cost ORDER BY day)
	FROM running WHERE NOT seed
	GROUP BY account, category
	ON CONFLICT (account, category) DO UPDATE
	SET days = x.days || excluded.days, revenue = x.revenue || excluded.revenue, cost = x.cost || excluded.cost`

// updateCompanySeries brings company_series up to date for the categories whose sums
// changed: those of the products with lines deleted or added, and both categories of a
// product moved to another. A category whose changed days all come after the last day
// of its series (a new day's file) has the new days' running totals appended; the others
// are recomputed from product_day_sums.
func (b *Batch) updateCompanySeries(ctx context.Context) error {
	products := slices.Collect(maps.Keys(b.recategorised))
	was := []string{}
	for _, id := range products {
		was = append(was, b.recategorised[id])
	}
	rows, err := b.tx.Query(ctx, `SELECT c.category, bool_and(COALESCE(c.first > x.days[cardinality(x.days)], FALSE))
		FROM (
			SELECT p.category, MIN(d.day) AS first FROM sales_delta d JOIN products p ON p.id = d.product GROUP BY p.category
			UNION ALL SELECT category, NULL FROM products WHERE id = ANY ($1::bigint[])
			UNION ALL SELECT unnest($2::text[]), NULL
		) c LEFT JOIN company_series x ON x.category = c.category
		GROUP BY c.category`, products, was)
	if err != nil {
		return err
	}
	var appended, recomputed []string
	var category string
	var after bool
	_, err = pgx.ForEachRow(rows, []any{&category, &after}, func() error {
		if after {
			appended = append(appended, category)
		} else {
			recomputed = append(recomputed, category)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(recomputed) > 0 {
		if _, err := b.tx.Exec(ctx, `DELETE FROM company_series WHERE category = ANY ($1::text[])`, recomputed); err != nil {
			return err
		}
		if _, err := b.tx.Exec(ctx, fmt.Sprintf(rebuildCompanySeries, "p.category = ANY ($1::text[])"), recomputed); err != nil {
			return err
		}
	}
	if len(appended) > 0 {
		if _, err := b.tx.Exec(ctx, appendCompanySeries, appended); err != nil {
			return err
		}
	}
	return nil
}

// appendCompanySeries appends to the series of the categories $1 the running totals of
// the days of product_day_sums after each series' last day. The seed of the window's
// sums is the series' last running total read back as numeric: a float8 holds a sum
// of cents of up to 15 digits (below ten thousand billion) closely enough to be read
// back exactly, so the totals appended are those a recomputation writes.
const appendCompanySeries = `WITH last AS (
		SELECT x.category, x.days[n] AS day, x.revenue[n]::numeric AS revenue, x.cost[n]::numeric AS cost
		FROM company_series x CROSS JOIN LATERAL (SELECT cardinality(x.days) AS n) c
		WHERE x.category = ANY ($1::text[])
	), running AS (
		SELECT category, day, seed, SUM(revenue) OVER w AS revenue, SUM(cost) OVER w AS cost
		FROM (
			SELECT p.category, d.day, FALSE AS seed, SUM(d.revenue) AS revenue, SUM(d.cost) AS cost
			FROM product_day_sums d JOIN products p ON p.id = d.product JOIN last l ON l.category = p.category
			WHERE d.day > (SELECT MIN(day) FROM last) AND d.day > l.day
			GROUP BY p.category, d.day
			UNION ALL
			SELECT category, day, TRUE, revenue, cost FROM last
		) d
		WINDOW w AS (PARTITION BY category ORDER BY day)
	)
	UPDATE company_series x
	SET days = x.days || a.days, revenue = x.revenue || a.revenue, cost = x.cost || a.cost
	FROM (
		SELECT category, array_agg(day ORDER BY day) AS days, array_agg(revenue::float8 ORDER BY day) AS revenue,
			array_agg(cost::float8 ORDER BY day) AS cost
		FROM running WHERE NOT seed GROUP BY category
	) a
	WHERE x.category = a.category`
