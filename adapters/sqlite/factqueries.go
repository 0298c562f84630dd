package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// GapFacts reads the scope's account facts (see account_facts in the schema), by
// territory and account in the order they were first stored.
func (s *Store) GapFacts(ctx context.Context, sc domain.Scope, periods []domain.Period) ([]domain.GapFacts, error) {
	q := `SELECT account_id, facts FROM account_facts`
	var args []any
	switch {
	case sc.AccountID != "":
		q += ` WHERE account = (SELECT id FROM accounts WHERE account_id = ?)`
		args = []any{sc.AccountID}
	case sc.Territory != "":
		// One range of rowids: see the schema. No ORDER BY: with one, modernc's SQLite
		// copied every row through a sorter (half the time of a territory's read).
		q += ` WHERE rowid BETWEEN (SELECT rank << 32 FROM series_territories WHERE territory = ?)
			AND (SELECT (rank << 32) + (1 << 32) - 1 FROM series_territories WHERE territory = ?)`
		args = []any{sc.Territory, sc.Territory}
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: gap facts: %w", err)
	}
	defer rows.Close()
	ranges := dayRanges(periods)
	names := map[string]string{}
	var out []domain.GapFacts
	var account string
	var facts sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&account, &facts); err != nil {
			return nil, fmt.Errorf("sqlite: gap facts: %w", err)
		}
		f, err := decodeFacts(account, facts, ranges, names)
		if err != nil {
			return nil, fmt.Errorf("sqlite: gap facts of %s: %w", account, err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: gap facts: %w", err)
	}
	return out, nil
}

// SalesByCategory sums the scope's sales per account, product category and period from
// the account facts the last import built. Groups with no line in a period are left
// out. The totals come by territory, account (in the order accounts were first stored),
// category and period.
func (s *Store) SalesByCategory(ctx context.Context, sc domain.Scope, periods []domain.Period) ([]domain.SalesTotal, error) {
	if len(periods) == 0 {
		return nil, nil
	}
	facts, err := s.GapFacts(ctx, sc, periods)
	if err != nil {
		return nil, err
	}
	var out []domain.SalesTotal
	for _, f := range facts {
		out = append(out, f.Sales...)
	}
	return out, nil
}

// CompanySalesByCategory sums every account's sales per product category and period;
// AccountID is empty in the totals.
func (s *Store) CompanySalesByCategory(ctx context.Context, periods []domain.Period) ([]domain.SalesTotal, error) {
	return s.companySales(ctx, "category", `SELECT category, series FROM category_series ORDER BY category`, periods)
}

// IndustryBestSellers returns the best-selling SKU of each category over W of asOf
// among the accounts of the industry, from industry_best_sellers.
func (s *Store) IndustryBestSellers(ctx context.Context, industry string, asOf time.Time) (map[string]string, error) {
	day := domain.DayNumber(asOf)
	rows, err := s.db.QueryContext(ctx, `SELECT category, sku FROM industry_best_sellers
		WHERE industry = ? AND first_day <= ? AND last_day >= ?`, industry, day, day)
	if err != nil {
		return nil, fmt.Errorf("sqlite: industry best sellers: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var c, sku string
		if err := rows.Scan(&c, &sku); err != nil {
			return nil, fmt.Errorf("sqlite: industry best sellers: %w", err)
		}
		out[c] = sku
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: industry best sellers: %w", err)
	}
	return out, nil
}

// BestSellers returns the company's best-selling SKU of each category over W of asOf,
// from best_sellers.
func (s *Store) BestSellers(ctx context.Context, asOf time.Time) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT category, sku FROM best_sellers WHERE day = ?`, domain.DayNumber(asOf))
	if err != nil {
		return nil, fmt.Errorf("sqlite: best sellers: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var c, sku string
		if err := rows.Scan(&c, &sku); err != nil {
			return nil, fmt.Errorf("sqlite: best sellers: %w", err)
		}
		out[c] = sku
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: best sellers: %w", err)
	}
	return out, nil
}

func (s *Store) companySales(ctx context.Context, by, q string, periods []domain.Period) ([]domain.SalesTotal, error) {
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("sqlite: company sales by %s: %w", by, err)
	}
	defer rows.Close()
	ranges := dayRanges(periods)
	var out []domain.SalesTotal
	var category string
	var series sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&category, &series); err != nil {
			return nil, fmt.Errorf("sqlite: company sales by %s: %w", by, err)
		}
		out = periodTotals(out, "", category, series, ranges)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: company sales by %s: %w", by, err)
	}
	return out, nil
}
