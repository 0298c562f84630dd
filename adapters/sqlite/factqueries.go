package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/incumbent/incumbent/domain"
)

// GapFacts reads the scope's account facts (see account_facts in the schema), by
// territory and account in the order they were first stored.
func (s *Store) GapFacts(ctx context.Context, sc domain.Scope, periods []domain.Period) ([]domain.GapFacts, error) {
	// Every territory's rows, in territory order: a territory's rank is given when it
	// first appears and kept, so rowid order is not name order.
	q := `SELECT f.account_id, f.facts, x.lines FROM series_territories t CROSS JOIN account_facts f
		ON f.rowid BETWEEN t.rank << 32 AND (t.rank << 32) + (1 << 32) - 1 LEFT JOIN facts_tail x ON x.account = f.account
		ORDER BY t.territory`
	var args []any
	switch {
	case sc.AccountID != "":
		q = `SELECT f.account_id, f.facts, x.lines FROM account_facts f LEFT JOIN facts_tail x ON x.account = f.account
			WHERE f.account = (SELECT id FROM accounts WHERE account_id = ?)`
		args = []any{sc.AccountID}
	case sc.Territory != "":
		// One range of rowids: see the schema. No ORDER BY: with one, modernc's SQLite
		// copied every row through a sorter (half the time of a territory's read).
		q = `SELECT f.account_id, f.facts, x.lines FROM account_facts f LEFT JOIN facts_tail x ON x.account = f.account
			WHERE f.rowid BETWEEN (SELECT rank << 32 FROM series_territories WHERE territory = ?)
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
	var facts, tail sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&account, &facts, &tail); err != nil {
			return nil, fmt.Errorf("sqlite: gap facts: %w", err)
		}
		all, err := factsWithTail(facts, tail, names)
		if err != nil {
			return nil, fmt.Errorf("sqlite: gap facts of %s: %w", account, err)
		}
		f, err := decodeFacts(account, all, ranges, names)
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
