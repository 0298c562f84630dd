package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// readDelta is what a batch changed that the read model depends on, so that Commit
// rebuilds the facts of the accounts it touched and updates the company's summaries by
// the lines it added and removed, instead of rebuilding everything (issue 38). A batch
// whose delta grows past what is cheaper to rebuild whole drops it (Batch.delta nil).
type readDelta struct {
	rebuild    map[int64]bool  // account row ids whose facts are rebuilt from their lines
	accountIDs map[string]bool // the same, named by account id (keyed files' rows)
	// added are the lines added to each account; the facts of an account with no
	// other change are brought up to date from them alone when they all fall after
	// its last sales day (see appendLines).
	added map[int64][]addedLine
	// removed are the stored lines the batch deleted, per account: an account whose
	// removed and added lines are the same (a file imported again) is left as it is.
	removed    map[int64][]addedLine
	categories map[string]bool // categories whose company series is rewritten
	sums       *sumsDelta      // the sales lines added and removed
	// industries is every account's industry by row id, loaded when first needed and
	// kept current by PutAccount: a sales line counts in its account's industry.
	industries map[int64]string
}

func newReadDelta() *readDelta {
	return &readDelta{rebuild: map[int64]bool{}, accountIDs: map[string]bool{}, added: map[int64][]addedLine{}, removed: map[int64][]addedLine{},
		categories: map[string]bool{}, sums: newSumsDelta()}
}

// empty reports whether the batch changed nothing the read model depends on.
func (d *readDelta) empty() bool {
	return len(d.rebuild) == 0 && len(d.added) == 0 && len(d.removed) == 0 && len(d.accountIDs) == 0 && len(d.categories) == 0 && d.sums.empty()
}

// rebuildAll drops the delta: Commit rebuilds the whole read model.
func (b *Batch) rebuildAll() { b.delta = nil }

// industryOf returns the industry of the account with row id account.
func (b *Batch) industryOf(ctx context.Context, account int64) (string, error) {
	d := b.delta
	if d.industries == nil {
		d.industries = map[int64]string{}
		rows, err := b.tx.QueryContext(ctx, `SELECT id, industry FROM accounts`)
		if err != nil {
			return "", err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var ind string
			if err := rows.Scan(&id, &ind); err != nil {
				return "", err
			}
			d.industries[id] = ind
		}
		if err := rows.Err(); err != nil {
			return "", err
		}
	}
	return d.industries[account], nil
}

// lineAdded records a sales line added.
func (b *Batch) lineAdded(ctx context.Context, account int64, l addedLine) error {
	ind, err := b.industryOf(ctx, account)
	if err != nil {
		return err
	}
	b.delta.added[account] = append(b.delta.added[account], l)
	b.delta.sums.add(ind, 1, l.day, l.product, l.amount, l.cost)
	return nil
}

// linesRemoved records the sales lines where (with args) holds, about to be deleted.
func (b *Batch) linesRemoved(ctx context.Context, where string, args []any) error {
	rows, err := b.tx.QueryContext(ctx, `SELECT day, account, product, amount, cost, quantity FROM sales WHERE `+where, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var account int64
		var l addedLine
		if err := rows.Scan(&l.day, &account, &l.product, &l.amount, &l.cost, &l.quantity); err != nil {
			return err
		}
		ind, err := b.industryOf(ctx, account)
		if err != nil {
			return err
		}
		b.delta.removed[account] = append(b.delta.removed[account], l)
		b.delta.sums.add(ind, -1, l.day, l.product, l.amount, l.cost)
	}
	return rows.Err()
}

// settleRemoved decides, for each account that lost lines, whether it gained the same
// ones back (the same file imported again: its facts stay as they are) or is to be
// rebuilt.
func (d *readDelta) settleRemoved() {
	for account, removed := range d.removed {
		added := d.added[account]
		if len(added) == len(removed) {
			slices.SortFunc(added, compareLines)
			slices.SortFunc(removed, compareLines)
			if slices.Equal(added, removed) {
				delete(d.added, account)
				continue
			}
		}
		d.rebuild[account] = true
	}
	clear(d.removed)
}

// eachLine calls f with each sales line q (day, account, product, amount, cost)
// returns.
func (b *Batch) eachLine(ctx context.Context, q string, arg any, f func(day, account, product int64, amount, cost float64) error) error {
	rows, err := b.tx.QueryContext(ctx, q, arg)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var day, account, product int64
		var amount, cost float64
		if err := rows.Scan(&day, &account, &product, &amount, &cost); err != nil {
			return err
		}
		if err := f(day, account, product, amount, cost); err != nil {
			return err
		}
	}
	return rows.Err()
}

// accountMoved records that the account with row id account changed territory or
// industry: its facts move, and its lines count in its new industry.
func (b *Batch) accountMoved(ctx context.Context, account int64, fromIndustry, toIndustry string) error {
	b.delta.rebuild[account] = true
	if fromIndustry == toIndustry {
		return nil
	}
	if _, err := b.industryOf(ctx, account); err != nil {
		return err
	}
	b.delta.industries[account] = toIndustry
	if err := b.flush(ctx); err != nil { // its buffered lines counted in the old industry
		return err
	}
	return b.eachLine(ctx, `SELECT day, account, product, amount, cost FROM sales WHERE recent = 0 AND account = ?1
		UNION ALL SELECT day, account, product, amount, cost FROM sales WHERE recent = 1 AND account = ?1`, account,
		func(day, _, product int64, amount, cost float64) error {
			b.delta.sums.move(fromIndustry, toIndustry, day, product, amount)
			return nil
		})
}

// productChanged records that a stored product changed category (every account that
// bought it, and both categories' series) or unit cost (the accounts with commitments
// on it).
func (b *Batch) productChanged(ctx context.Context, product int64, sku, fromCategory, toCategory string, costChanged bool) error {
	var qs []string
	var args []any
	if fromCategory != toCategory {
		b.delta.categories[fromCategory], b.delta.categories[toCategory] = true, true
		if err := b.flush(ctx); err != nil {
			return err
		}
		qs, args = append(qs, `SELECT DISTINCT account FROM sales WHERE product = ?`), append(args, product)
	}
	if costChanged {
		qs = append(qs, `SELECT a.id FROM commitments c JOIN accounts a ON a.account_id = c.account_id WHERE c.sku = ?`)
		args = append(args, sku)
	}
	for i, q := range qs {
		rows, err := b.tx.QueryContext(ctx, q, args[i])
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			b.delta.rebuild[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// accountColumn is, for the keyed tables the read model reads, the column of the
// account a row belongs to. The first column of each is the first of its key.
var accountColumn = map[*bufferedUpsert]int{
	upsertPotential: 0, upsertOpportunity: 1, upsertInvoice: 1, upsertCommitment: 0, upsertRFQ: 1,
}

// rowsChanged records the accounts of the buffered rows of u's table (len(u.cols)
// values each) that differ from the stored rows with their keys, or have none, and
// the accounts the stored rows belonged to: so that a nightly full invoices.csv with
// nothing new rebuilds nothing.
func (b *Batch) rowsChanged(ctx context.Context, u *bufferedUpsert, buf []any) error {
	acc, ok := accountColumn[u]
	if b.delta == nil || !ok {
		return nil
	}
	n := len(u.cols)
	firsts := map[string]bool{}
	for i := 0; i < len(buf); i += n {
		firsts[fmt.Sprint(buf[i])] = true
	}
	q := `SELECT ` + strings.Join(u.cols, ", ") + ` FROM ` + u.table + ` WHERE ` + u.cols[0] +
		` IN (SELECT value FROM json_each(?))`
	st, err := b.stmt(ctx, q)
	if err != nil {
		return err
	}
	rows, err := st.QueryContext(ctx, jsonList(slices.Collect(maps.Keys(firsts))))
	if err != nil {
		return err
	}
	defer rows.Close()
	stored := map[string][]any{}
	for rows.Next() {
		vals := make([]any, n)
		ptrs := make([]any, n)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		stored[rowKey(vals[:u.nkey])] = vals
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i := 0; i < len(buf); i += n {
		row := buf[i : i+n]
		old, ok := stored[rowKey(row[:u.nkey])]
		if ok && sameRow(old, row) {
			continue
		}
		b.delta.accountIDs[fmt.Sprint(row[acc])] = true
		if ok {
			b.delta.accountIDs[fmt.Sprint(old[acc])] = true
		}
	}
	return nil
}

// rowKey joins key values into one map key.
func rowKey(vals []any) string {
	var sb strings.Builder
	for _, v := range vals {
		fmt.Fprint(&sb, v)
		sb.WriteByte(0)
	}
	return sb.String()
}

// sameRow reports whether a stored row (as scanned) holds the values of a buffered one.
func sameRow(stored, row []any) bool {
	for i, v := range row {
		if !sameValue(stored[i], v) {
			return false
		}
	}
	return true
}

func sameValue(stored, v any) bool {
	num := func(x any) (float64, bool) {
		switch x := x.(type) {
		case int:
			return float64(x), true
		case int64:
			return float64(x), true
		case float64:
			return x, true
		}
		return 0, false
	}
	if a, ok := num(stored); ok {
		b, ok := num(v)
		return ok && a == b
	}
	switch s := stored.(type) {
	case nil:
		return v == nil
	case []byte:
		t, ok := v.(string)
		return ok && string(s) == t
	case string:
		t, ok := v.(string)
		return ok && s == t
	}
	return false
}

// touchedAccounts returns the row ids of the accounts whose facts are to be rebuilt
// from their lines, named by row id or by account id, in order.
func (b *Batch) touchedAccounts(ctx context.Context) ([]int64, error) {
	ids := maps.Clone(b.delta.rebuild)
	if len(b.delta.accountIDs) > 0 {
		st, err := b.stmt(ctx, `SELECT id FROM accounts WHERE account_id = ?`)
		if err != nil {
			return nil, err
		}
		for a := range b.delta.accountIDs {
			var id int64
			err := st.QueryRowContext(ctx, a).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				continue // a row of an account not stored is refused by the importer's checks
			}
			if err != nil {
				return nil, err
			}
			ids[id] = true
		}
	}
	return slices.Sorted(maps.Keys(ids)), nil
}
