package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/incumbent/incumbent/domain"
)

// Sums per category (SalesByCategory, GapFacts, CompanySalesByCategory, the revenue of
// GradeFacts) read the running totals of sales_series and company_series, two binary
// searches per period done by the database (seriesTotals), as the SQLite store reads
// its account_facts: a market's gap
// reads one row per account and category instead of every line. BestSellers reads two
// running totals of product_running_revenue per product. SalesBySKU aggregates the lines at query time, all periods in
// one pass with FILTER clauses; the potentials, the pipeline and the rest of the grade
// facts are summed at query time too (invoices and RFQs in SQL, per account).

// readTx runs f in a read-only transaction that sees one snapshot.
func (s *Store) readTx(ctx context.Context, f func(tx pgx.Tx) error) error {
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, f)
}

// accountScope returns the condition restricting accounts a to the scope, and its
// parameter ($1).
func accountScope(sc domain.Scope) (string, []any) {
	switch {
	case sc.AccountID != "":
		return "a.account_id = $1", []any{sc.AccountID}
	case sc.Territory != "":
		return "a.territory = $1", []any{sc.Territory}
	}
	return "TRUE", nil
}

// periodSums returns the select list summing revenue, cost, quantity and counting the
// lines of s in each period, and the condition on s.day covering them all. Day numbers
// are integers this package computes, written into the SQL as literals.
func periodSums(periods []domain.Period) (sums, where string) {
	parts := make([]string, 0, 4*len(periods))
	var lo, hi int64
	for i, p := range periods {
		after, through := domain.DayNumber(p.After), domain.DayNumber(p.Through)
		if i == 0 {
			lo, hi = after, through
		}
		lo, hi = min(lo, after), max(hi, through)
		in := fmt.Sprintf("FILTER (WHERE s.day > %d AND s.day <= %d)", after, through)
		parts = append(parts, "SUM(s.amount) "+in, "SUM(s.cost) "+in, "SUM(s.quantity) "+in, "COUNT(*) "+in)
	}
	return strings.Join(parts, ", "), fmt.Sprintf("s.day > %d AND s.day <= %d", lo, hi)
}

// scanTotals reads rows of an account, a key and periodSums' columns into totals, one
// per period with a line.
func scanTotals(rows pgx.Rows, periods int, add func(domain.SalesTotal)) error {
	defer rows.Close()
	var account, key string
	vals := make([]*float64, 3*periods)
	counts := make([]int64, periods)
	dest := make([]any, 2+4*periods)
	dest[0], dest[1] = &account, &key
	for i := range periods {
		dest[2+4*i], dest[3+4*i], dest[4+4*i], dest[5+4*i] = &vals[3*i], &vals[3*i+1], &vals[3*i+2], &counts[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		for i := range periods {
			if counts[i] == 0 {
				continue
			}
			add(domain.SalesTotal{AccountID: account, Key: key, Period: i,
				Revenue: *vals[3*i], Cost: *vals[3*i+1], Quantity: *vals[3*i+2]})
		}
	}
	return rows.Err()
}

// SalesBySKU sums the scope's sales lines per account, SKU and period. Groups with no
// line in a period are left out. The totals come by account (in the order accounts
// were first stored), then SKU, then period.
func (s *Store) SalesBySKU(ctx context.Context, sc domain.Scope, periods []domain.Period) ([]domain.SalesTotal, error) {
	if len(periods) == 0 {
		return nil, nil
	}
	where, args := accountScope(sc)
	sums, days := periodSums(periods)
	rows, err := s.pool.Query(ctx, `SELECT a.account_id, p.sku, `+sums+`
		FROM sales s JOIN accounts a ON a.id = s.account JOIN products p ON p.id = s.product
		WHERE `+days+` AND `+where+`
		GROUP BY a.id, p.sku ORDER BY a.id, p.sku`, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: sales by SKU: %w", err)
	}
	var out []domain.SalesTotal
	if err := scanTotals(rows, len(periods), func(t domain.SalesTotal) { out = append(out, t) }); err != nil {
		return nil, fmt.Errorf("postgres: sales by SKU: %w", err)
	}
	return out, nil
}

// SalesByCategory sums the scope's sales per account, product category and period, in
// the order of GapFacts: by territory, account (in the order accounts were first
// stored), category and period.
func (s *Store) SalesByCategory(ctx context.Context, sc domain.Scope, periods []domain.Period) ([]domain.SalesTotal, error) {
	if len(periods) == 0 {
		return nil, nil
	}
	var out []domain.SalesTotal
	err := s.readTx(ctx, func(tx pgx.Tx) error {
		return salesByCategory(ctx, tx, sc, periods, func(t domain.SalesTotal) { out = append(out, t) })
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: sales by category: %w", err)
	}
	return out, nil
}

func salesByCategory(ctx context.Context, tx pgx.Tx, sc domain.Scope, periods []domain.Period, add func(domain.SalesTotal)) error {
	where, args := accountScope(sc)
	return seriesTotals(ctx, tx, "a.account_id, x.category", "sales_series x JOIN accounts a ON a.id = x.account",
		where, "a.territory, a.id, x.category", args, dayRanges(periods), add)
}

// CompanySalesByCategory sums every account's sales per product category and period;
// AccountID is empty in the totals.
func (s *Store) CompanySalesByCategory(ctx context.Context, periods []domain.Period) ([]domain.SalesTotal, error) {
	if len(periods) == 0 {
		return nil, nil
	}
	var out []domain.SalesTotal
	err := seriesTotals(ctx, s.pool, "'', x.category", "company_series x", "TRUE", "x.category", nil, dayRanges(periods),
		func(t domain.SalesTotal) { out = append(out, t) })
	if err != nil {
		return nil, fmt.Errorf("postgres: company sales by category: %w", err)
	}
	return out, nil
}

// dayRanges returns the periods as day numbers (After, Through].
func dayRanges(periods []domain.Period) [][2]int64 {
	out := make([][2]int64, len(periods))
	for i, p := range periods {
		out[i] = [2]int64{domain.DayNumber(p.After), domain.DayNumber(p.Through)}
	}
	return out
}

// querier is a transaction or the pool.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// seriesTotals sums running-total series (sales_series or company_series, named x in
// from) in the database: for each of its rows and each
// period (After, Through], the running totals at Through less those at After, found by
// width_bucket's binary search of the sorted days (the number of days ≤ a day; 0 before
// the first, whose total is 0). Only the periods with a day in them are returned, as
// SalesTotals whose AccountID and Key are the two columns keys selects, in order's order
// and then by period. The series never leave the server: at N=20000 the grade facts'
// sales read 84,000 rows of arrays in 610 ms when they were sent to be searched here,
// and take 160 ms so. The subtraction is the same float64 one either way.
func seriesTotals(ctx context.Context, q querier, keys, from, where, order string, args []any, periods [][2]int64, add func(domain.SalesTotal)) error {
	if len(periods) == 0 {
		return nil
	}
	after, through := make([]int32, len(periods)), make([]int32, len(periods))
	for i, p := range periods {
		after[i], through[i] = int32(p[0]), int32(p[1])
	}
	n := len(args)
	// Each row's two searches are written once, in the lateral subquery: written out in
	// every expression, the product series' day arrays (large enough to be compressed
	// out of line) were fetched and decompressed once per use. The best sellers at
	// N=20000 took 27 ms so in psql, and take 9.5 ms.
	sql := fmt.Sprintf(`SELECT %s, per.i - 1,
			COALESCE(x.revenue[w.through], 0) - COALESCE(x.revenue[w.after], 0),
			COALESCE(x.cost[w.through], 0) - COALESCE(x.cost[w.after], 0)
		FROM %s CROSS JOIN unnest($%d::int4[], $%d::int4[]) WITH ORDINALITY AS per(after, through, i)
		CROSS JOIN LATERAL (SELECT width_bucket(per.through, x.days) AS through, width_bucket(per.after, x.days) AS after) w
		WHERE (%s) AND w.through > w.after
		ORDER BY %s, per.i`, keys, from, n+1, n+2, where, order)
	rows, err := q.Query(ctx, sql, append(args, after, through)...)
	if err != nil {
		return err
	}
	var t domain.SalesTotal
	_, err = pgx.ForEachRow(rows, []any{&t.AccountID, &t.Key, &t.Period, &t.Revenue, &t.Cost}, func() error {
		add(t)
		return nil
	})
	return err
}

// GapFacts returns, for each account of the scope with sales lines, a potential or an
// open opportunity, its sales per category over the periods, its potentials and its
// open pipeline per category; by territory, then account (in the order accounts were
// first stored), each list by category. It reads one snapshot.
func (s *Store) GapFacts(ctx context.Context, sc domain.Scope, periods []domain.Period) ([]domain.GapFacts, error) {
	var out []domain.GapFacts
	err := s.readTx(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = gapFacts(ctx, tx, sc, periods)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: gap facts: %w", err)
	}
	return out, nil
}

func gapFacts(ctx context.Context, tx pgx.Tx, sc domain.Scope, periods []domain.Period) ([]domain.GapFacts, error) {
	where, args := accountScope(sc)
	// The scope's accounts with any sales line, potential or open opportunity.
	rows, err := tx.Query(ctx, `SELECT a.account_id FROM accounts a WHERE `+where+` AND (
			EXISTS (SELECT 1 FROM sales_series c WHERE c.account = a.id)
			OR EXISTS (SELECT 1 FROM potentials p WHERE p.account_id = a.account_id)
			OR EXISTS (SELECT 1 FROM opportunities o WHERE o.account_id = a.account_id AND lower(o.stage) NOT IN ('won', 'lost')))
		ORDER BY a.territory, a.id`, args...)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, nil
	}
	out := make([]domain.GapFacts, len(ids))
	at := make(map[string]*domain.GapFacts, len(ids))
	for i, id := range ids {
		out[i].AccountID = id
		at[id] = &out[i]
	}
	if len(periods) > 0 {
		err := salesByCategory(ctx, tx, sc, periods, func(t domain.SalesTotal) {
			if f := at[t.AccountID]; f != nil {
				f.Sales = append(f.Sales, t)
			}
		})
		if err != nil {
			return nil, err
		}
	}
	rows, err = tx.Query(ctx, `SELECT p.account_id, p.category, p.annual_potential, p.competitor
		FROM potentials p JOIN accounts a ON a.account_id = p.account_id
		WHERE `+where+` ORDER BY p.account_id, p.category`, args...)
	if err != nil {
		return nil, err
	}
	var p domain.Potential
	_, err = pgx.ForEachRow(rows, []any{&p.AccountID, &p.Category, &p.AnnualPotential, &p.Competitor}, func() error {
		if f := at[p.AccountID]; f != nil {
			f.Potentials = append(f.Potentials, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// numeric sums: the same bits whatever the order of the rows (see gradeFacts).
	rows, err = tx.Query(ctx, `SELECT o.account_id, o.category, SUM(o.value::numeric)::float8,
			SUM((o.value * o.probability)::numeric)::float8
		FROM opportunities o JOIN accounts a ON a.account_id = o.account_id
		WHERE `+where+` AND lower(o.stage) NOT IN ('won', 'lost')
		GROUP BY o.account_id, o.category ORDER BY o.account_id, o.category`, args...)
	if err != nil {
		return nil, err
	}
	var pl domain.Pipeline
	_, err = pgx.ForEachRow(rows, []any{&pl.AccountID, &pl.Category, &pl.Value, &pl.Weighted}, func() error {
		if f := at[pl.AccountID]; f != nil && (pl.Value != 0 || pl.Weighted != 0) {
			f.Pipelines = append(f.Pipelines, pl)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// BestSellers returns the company's best-selling SKU of each category over W of asOf,
// by revenue (ties to the first SKU in order); categories without sales in W are left
// out. It reads product_running_revenue.
func (s *Store) BestSellers(ctx context.Context, asOf time.Time) (map[string]string, error) {
	out, err := bestSellers(ctx, s, "product_running_revenue", "TRUE", nil, asOf)
	if err != nil {
		return nil, fmt.Errorf("postgres: best sellers: %w", err)
	}
	return out, nil
}

// IndustryBestSellers returns the best-selling SKU of each category over W of asOf
// among the accounts of the industry, by revenue (ties to the first SKU in order);
// categories they bought none of in W are left out. It reads
// industry_product_running_revenue.
func (s *Store) IndustryBestSellers(ctx context.Context, industry string, asOf time.Time) (map[string]string, error) {
	out, err := bestSellers(ctx, s, "industry_product_running_revenue", "r.industry = $3", []any{industry}, asOf)
	if err != nil {
		return nil, fmt.Errorf("postgres: industry best sellers: %w", err)
	}
	return out, nil
}

// bestSellers returns the SKU of each category with the highest revenue over W of
// asOf, the first in order of those with the same, in the running revenue of running
// (a table of running totals per product and day, r) whose rows where selects ($3… are
// args). A product's revenue over W is its last running total on or before W's end
// less its last on or before W's start: two probes of the (…, product, day) index per
// product. The sums are exact, so equal revenues are equal: no tolerance is needed. A
// category whose best revenue is not above zero is left out, as the other stores leave
// it.
func bestSellers(ctx context.Context, s *Store, running, where string, args []any, asOf time.Time) (map[string]string, error) {
	w := domain.NewDayWindow(asOf)
	// Joined, not a scalar subquery: that is evaluated once for the filter and again
	// for the sort. An industry takes 8–10 ms at N=20000.
	last := func(day string) string {
		return `(SELECT r.revenue FROM ` + running + ` r WHERE ` + where + ` AND r.product = p.id AND r.day <= ` + day +
			` ORDER BY r.day DESC LIMIT 1)`
	}
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT ON (p.category) p.category, p.sku
		FROM products p
		CROSS JOIN LATERAL `+last("$2")+` through
		LEFT JOIN LATERAL `+last("$1")+` after ON TRUE
		CROSS JOIN LATERAL (SELECT through.revenue - COALESCE(after.revenue, 0) AS revenue) d
		WHERE d.revenue > 0
		ORDER BY p.category, d.revenue DESC, p.sku`, append([]any{w.After, w.Through}, args...)...)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	var category, sku string
	_, err = pgx.ForEachRow(rows, []any{&category, &sku}, func() error {
		out[category] = sku
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GradeFacts returns the grade facts at asOf of every account with sales lines,
// invoices, commitments or RFQs, by territory and account, summed from the records in
// one snapshot: sales, invoices and RFQs dated in W, the older invoices still open at
// asOf, and the commitment months wholly in W with the quantities taken in them.
func (s *Store) GradeFacts(ctx context.Context, asOf time.Time) ([]domain.GradeFacts, error) {
	var out []domain.GradeFacts
	err := s.readTx(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = gradeFacts(ctx, tx, asOf)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: grade facts: %w", err)
	}
	return out, nil
}

func gradeFacts(ctx context.Context, tx pgx.Tx, asOf time.Time) ([]domain.GradeFacts, error) {
	w := domain.NewDayWindow(asOf)
	rows, err := tx.Query(ctx, `SELECT a.account_id FROM accounts a WHERE
			EXISTS (SELECT 1 FROM sales_series c WHERE c.account = a.id)
			OR EXISTS (SELECT 1 FROM invoices i WHERE i.account_id = a.account_id)
			OR EXISTS (SELECT 1 FROM commitments c WHERE c.account_id = a.account_id)
			OR EXISTS (SELECT 1 FROM rfqs r WHERE r.account_id = a.account_id)
		ORDER BY a.territory, a.id`)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	out := make([]domain.GradeFacts, len(ids))
	at := make(map[string]*domain.GradeFacts, len(ids))
	for i, id := range ids {
		out[i].AccountID = id
		at[id] = &out[i]
	}
	err = seriesTotals(ctx, tx, "a.account_id, x.category", "sales_series x JOIN accounts a ON a.id = x.account", "TRUE",
		"a.account_id, x.category", nil, [][2]int64{{w.After, w.Through}}, func(t domain.SalesTotal) {
			if f := at[t.AccountID]; f != nil {
				f.Revenue += t.Revenue
				f.Cost += t.Cost
			}
		})
	if err != nil {
		return nil, err
	}

	for _, add := range []func(context.Context, pgx.Tx, domain.DayWindow, map[string]*domain.GradeFacts) error{
		addInvoiceFacts, addCommitmentFacts, addRFQFacts,
	} {
		if err := add(ctx, tx, w, at); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// addInvoiceFacts adds to each account's facts its invoices, summed here rather than sent
// row by row (a million a year at N=20000): what domain.GradeFacts.AddInvoice adds for
// each, those dated in W and the older ones still open at the as-of date, an invoice paid
// after it counting as open on it. The contract suite holds the two to the same sums.
// The sums are numeric, which adds exactly: a float8 sum depends on the order of its
// rows, which a parallel plan or a synchronized scan changes from one run to the next.
func addInvoiceFacts(ctx context.Context, tx pgx.Tx, w domain.DayWindow, at map[string]*domain.GradeFacts) error {
	after, through := fromDayNumber(w.After), fromDayNumber(w.Through)
	var account string
	var invoiced, earlierOpen, lateAmountDays, financedAmountDays float64
	rows, err := tx.Query(ctx, `SELECT account_id,
			COALESCE(SUM(amount::numeric) FILTER (WHERE invoice_date > $1), 0)::float8,
			COALESCE(SUM(amount::numeric) FILTER (WHERE invoice_date <= $1), 0)::float8,
			SUM((amount * GREATEST(0, LEAST(COALESCE(paid_date, $2::date), $2::date) - due_date))::numeric)::float8,
			SUM((amount * GREATEST(0, LEAST(COALESCE(paid_date, $2::date), $2::date) - GREATEST(due_date, $1::date)))::numeric)::float8
		FROM invoices WHERE invoice_date <= $2 AND (invoice_date > $1 OR paid_date IS NULL OR paid_date > $2)
		GROUP BY account_id`, after, through)
	if err != nil {
		return err
	}
	_, err = pgx.ForEachRow(rows, []any{&account, &invoiced, &earlierOpen, &lateAmountDays, &financedAmountDays}, func() error {
		if f := at[account]; f != nil {
			f.Invoiced, f.EarlierOpen, f.LateAmountDays, f.FinancedAmountDays = invoiced, earlierOpen, lateAmountDays, financedAmountDays
		}
		return nil
	})
	return err
}

// addCommitmentFacts adds the commitment months whose whole month lies in W, with the
// quantity taken in each (domain.GradeFacts.AddCommitment).
func addCommitmentFacts(ctx context.Context, tx pgx.Tx, w domain.DayWindow, at map[string]*domain.GradeFacts) error {
	var account string
	var period string
	var committed, unitCost, taken float64
	rows, err := tx.Query(ctx, `SELECT c.account_id, c.period, c.committed_qty, COALESCE(p.unit_cost, 0),
			COALESCE((SELECT SUM(s.quantity) FROM sales s
				WHERE s.account = a.id AND s.product = p.id AND s.day >= m.first AND s.day <= m.last), 0)
		FROM commitments c
		JOIN accounts a ON a.account_id = c.account_id
		LEFT JOIN products p ON p.sku = c.sku
		CROSS JOIN LATERAL (SELECT to_date(c.period, 'YYYY-MM') - DATE '1970-01-01' AS first,
			(to_date(c.period, 'YYYY-MM') + INTERVAL '1 month')::date - DATE '1970-01-01' - 1 AS last) m
		WHERE m.first > $1 AND m.last <= $2`, w.After, w.Through)
	if err != nil {
		return err
	}
	_, err = pgx.ForEachRow(rows, []any{&account, &period, &committed, &unitCost, &taken}, func() error {
		m, err := domain.ParseMonth(period)
		if err != nil {
			return err
		}
		if f := at[account]; f != nil {
			f.AddCommitment(w, m, committed, taken, unitCost)
		}
		return nil
	})
	return err
}

// addRFQFacts adds the RFQs of W, counted by outcome here (domain.GradeFacts.AddRFQ's
// sums).
func addRFQFacts(ctx context.Context, tx pgx.Tx, w domain.DayWindow, at map[string]*domain.GradeFacts) error {
	after, through := fromDayNumber(w.After), fromDayNumber(w.Through)
	var account string
	var won, lost, pending, notInvited int
	rows, err := tx.Query(ctx, `SELECT account_id, COUNT(*) FILTER (WHERE outcome = $3), COUNT(*) FILTER (WHERE outcome = $4),
			COUNT(*) FILTER (WHERE outcome = $5), COUNT(*) FILTER (WHERE outcome = $6)
		FROM rfqs WHERE date > $1 AND date <= $2 GROUP BY account_id`, after, through,
		string(domain.RFQWon), string(domain.RFQLost), string(domain.RFQPending), string(domain.RFQNotInvited))
	if err != nil {
		return err
	}
	_, err = pgx.ForEachRow(rows, []any{&account, &won, &lost, &pending, &notInvited}, func() error {
		if f := at[account]; f != nil {
			f.Won, f.Lost, f.Pending, f.NotInvited = won, lost, pending, notInvited
		}
		return nil
	})
	return err
}
