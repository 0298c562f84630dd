package postgres

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/incumbent/incumbent/domain"
)

// Known returns the territory names, people's emails, account ids and products stored.
func (s *Store) Known(ctx context.Context) (domain.KnownKeys, error) {
	k := domain.KnownKeys{
		Territories: make(map[string]bool),
		People:      make(map[string]bool),
		Accounts:    make(map[string]bool),
		Products:    make(map[string]domain.Product),
	}
	for _, q := range []struct {
		sql string
		set map[string]bool
	}{
		{`SELECT name FROM territories`, k.Territories},
		{`SELECT email FROM people`, k.People},
		{`SELECT account_id FROM accounts`, k.Accounts},
	} {
		keys, err := query(ctx, s, "known keys", func(r pgx.Row) (string, error) {
			var key string
			err := r.Scan(&key)
			return key, err
		}, q.sql)
		if err != nil {
			return domain.KnownKeys{}, err
		}
		for _, key := range keys {
			q.set[key] = true
		}
	}
	products, err := s.FindProducts(ctx)
	if err != nil {
		return domain.KnownKeys{}, err
	}
	for _, p := range products {
		k.Products[p.SKU] = p
	}
	people, err := s.FindPeople(ctx)
	if err != nil {
		return domain.KnownKeys{}, err
	}
	k.ChatIDs = make(map[string]string)
	for _, p := range people {
		if p.SlackUserID != "" {
			k.ChatIDs[domain.ChatIDKey("slack_user_id", p.SlackUserID)] = p.Email
		}
		if p.TeamsUserID != "" {
			k.ChatIDs[domain.ChatIDKey("teams_user_id", p.TeamsUserID)] = p.Email
		}
	}
	return k, nil
}

// Sales lines are buffered and copied into the sales table salesChunk at a time (COPY,
// inside the import's transaction); rows of keyed tables are buffered, deduplicated by
// key (the last one wins) and copied upsertChunk at a time into a temporary staging
// table, from which one INSERT … SELECT … ON CONFLICT DO UPDATE upserts them.
const (
	salesChunk  = 10_000
	upsertChunk = 5_000
)

var salesColumns = []string{"day", "account", "product", "quantity", "amount", "cost", "invoice_id", "source"}

// keyed is a table whose rows are upserted by key: the first nkey of cols.
type keyed struct {
	table string
	nkey  int
	cols  []string
	one   string // the upsert of one row, $1…
}

func newKeyed(table string, nkey int, cols ...string) *keyed {
	params := make([]string, len(cols))
	for i := range cols {
		params[i] = fmt.Sprintf("$%d", i+1)
	}
	k := &keyed{table: table, nkey: nkey, cols: cols}
	k.one = fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s) ON CONFLICT (%s) DO UPDATE SET %s",
		table, strings.Join(cols, ", "), strings.Join(params, ", "), strings.Join(cols[:nkey], ", "), k.set())
	return k
}

// set is the SET list of the upsert: every column but the key from excluded.
func (k *keyed) set() string {
	set := make([]string, 0, len(k.cols)-k.nkey)
	for _, c := range k.cols[k.nkey:] {
		set = append(set, c+" = excluded."+c)
	}
	return strings.Join(set, ", ")
}

// staging is the name of the temporary table k's rows are copied into.
func (k *keyed) staging() string { return "staging_" + k.table }

var (
	upsertPotential = newKeyed("potentials", 2,
		"account_id", "category", "annual_potential", "competitor", "note", "set_by", "set_at")
	upsertOpportunity = newKeyed("opportunities", 1,
		"opp_id", "account_id", "category", "name", "value", "stage", "probability", "close_date", "competitor", "next_step")
	upsertInvoice = newKeyed("invoices", 1,
		"invoice_id", "account_id", "invoice_date", "due_date", "amount", "paid_date")
	upsertCommitment = newKeyed("commitments", 3,
		"account_id", "sku", "period", "committed_qty")
	upsertRFQ = newKeyed("rfqs", 1,
		"rfq_id", "account_id", "date", "category", "value", "outcome")
	upsertCompetitorOffer = newKeyed("competitor_offers", 3,
		"competitor", "sku", "account_id", "competitor_product", "price", "uses_per_unit", "change_cost", "weaknesses", "set_by", "set_at")
	upsertObjective = newKeyed("objectives", 3,
		"scope", "key", "year", "revenue_target", "gp_target", "set_by", "set_at")
)

// buffer is the rows of one keyed table waiting to be written, by key.
type buffer struct {
	rows [][]any
	at   map[string]int // index in rows, by key
}

// Batch is one import transaction: see domain.ImportBatch. It is not safe for
// concurrent use. AddSale needs the sale's account and product to be stored already, by
// this batch or an earlier one.
type Batch struct {
	tx pgx.Tx

	// Integer ids of accounts, products and sources, by key; cached names the tables
	// ("account", "product") whose every id is in the map.
	accounts map[string]int64
	products map[string]int64
	sources  map[string]int64
	cached   map[string]bool

	sales   []saleRow          // buffered sales lines
	spare   []saleRow          // the buffer of the copy in progress, once it is over
	copying chan copied        // the copy of sales lines in progress; nil when none
	touched bool               // sales lines were added or deleted
	loading bool               // sales_load exists: lines wait there until Commit
	pending map[*keyed]*buffer // buffered rows of keyed tables
	staged  map[*keyed]bool    // staging tables created
	done    bool               // committed or rolled back

	// What the batch changed, for the read model's upkeep (readmodel.go): the stored
	// accounts it moved to another industry and products to another category, with the
	// industry or category each had before; the sales lines deleted and added so far;
	// the lines stored before the batch (-1 until read).
	moved         map[int64]string
	recategorised map[int64]string
	changed       int64
	stored        int64
	full          bool // the read model is rebuilt from every line
	gone          bool // sales_gone exists: the sums of the lines deleted

	pool    *pgxpool.Pool   // for ANALYZE after the commit
	written map[string]bool // the tables written, to ANALYZE after the commit
}

var _ domain.ImportBatch = (*Batch)(nil)

// BeginImport starts the transaction of an import. It locks the meta row, so it waits
// for any other import, from this process or another, to finish: two imports replacing
// the lines of the same file at once would otherwise both keep their lines (a DELETE
// does not see the lines of a transaction that commits while it waits). Readers are
// not blocked.
func (s *Store) BeginImport(ctx context.Context) (domain.ImportBatch, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: begin import: %w", err)
	}
	if _, err := tx.Exec(ctx, `SELECT data_version FROM meta FOR UPDATE`); err != nil {
		tx.Rollback(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("postgres: begin import: %w", err)
	}
	return &Batch{
		tx:       tx,
		accounts: make(map[string]int64),
		products: make(map[string]int64),
		sources:  make(map[string]int64),
		cached:   make(map[string]bool),
		pending:  make(map[*keyed]*buffer),
		staged:   make(map[*keyed]bool),
		pool:     s.pool,
		written:  make(map[string]bool),

		moved:         make(map[int64]string),
		recategorised: make(map[int64]string),
		stored:        -1,
	}, nil
}

func objectiveArgs(o domain.Objective) []any {
	setAt := ""
	if !o.SetAt.IsZero() {
		setAt = o.SetAt.UTC().Format(time.RFC3339Nano)
	}
	return []any{string(o.Scope), o.Key, o.Year, o.RevenueTarget, o.GPTarget, o.SetBy, setAt}
}

func potentialArgs(p domain.Potential) []any {
	setAt := ""
	if !p.SetAt.IsZero() {
		setAt = p.SetAt.UTC().Format(time.RFC3339Nano)
	}
	return []any{p.AccountID, p.Category, p.AnnualPotential, p.Competitor, p.Note, p.SetBy, setAt}
}

func offerArgs(o domain.CompetitorOffer) []any {
	setAt := ""
	if !o.SetAt.IsZero() {
		setAt = o.SetAt.UTC().Format(time.RFC3339Nano)
	}
	return []any{o.Competitor, o.SKU, o.AccountID, o.CompetitorProduct, o.Price, o.UsesPerUnit, o.ChangeCost, o.Weaknesses, o.SetBy, setAt}
}

// put buffers one row of k's table, replacing a buffered row with the same key, and
// writes the buffer when it holds upsertChunk rows.
func (b *Batch) put(ctx context.Context, k *keyed, args ...any) error {
	if b.done {
		return pgx.ErrTxClosed
	}
	buf := b.pending[k]
	if buf == nil {
		buf = &buffer{at: make(map[string]int)}
		b.pending[k] = buf
	}
	var sb strings.Builder
	for _, a := range args[:k.nkey] {
		fmt.Fprint(&sb, a)
		sb.WriteByte(0)
	}
	key := sb.String()
	if i, ok := buf.at[key]; ok {
		buf.rows[i] = args
		return nil
	}
	buf.at[key] = len(buf.rows)
	buf.rows = append(buf.rows, args)
	if len(buf.rows) < upsertChunk {
		return nil
	}
	return b.flushKeyed(ctx, k)
}

// flushKeyed copies the buffered rows of k's table into its staging table and upserts
// them from there.
func (b *Batch) flushKeyed(ctx context.Context, k *keyed) error {
	buf := b.pending[k]
	if buf == nil || len(buf.rows) == 0 {
		return nil
	}
	if err := b.settle(); err != nil {
		return err
	}
	if !b.staged[k] {
		_, err := b.tx.Exec(ctx, fmt.Sprintf(`CREATE TEMPORARY TABLE %s (LIKE %s INCLUDING DEFAULTS) ON COMMIT DROP`, k.staging(), k.table))
		if err != nil {
			return fmt.Errorf("stage %s: %w", k.table, err)
		}
		b.staged[k] = true
	}
	b.written[k.table] = true
	if _, err := b.tx.CopyFrom(ctx, pgx.Identifier{k.staging()}, k.cols, pgx.CopyFromRows(buf.rows)); err != nil {
		return fmt.Errorf("copy %s: %w", k.table, err)
	}
	cols := strings.Join(k.cols, ", ")
	q := fmt.Sprintf(`INSERT INTO %s (%s) SELECT %s FROM %s ON CONFLICT (%s) DO UPDATE SET %s`,
		k.table, cols, cols, k.staging(), strings.Join(k.cols[:k.nkey], ", "), k.set())
	if _, err := b.tx.Exec(ctx, q); err != nil {
		return fmt.Errorf("write %s: %w", k.table, err)
	}
	if _, err := b.tx.Exec(ctx, `TRUNCATE `+k.staging()); err != nil {
		return fmt.Errorf("write %s: %w", k.table, err)
	}
	buf.rows = buf.rows[:0]
	clear(buf.at)
	return nil
}

// PutTerritory stores t, replacing the territory of the same name.
func (b *Batch) PutTerritory(ctx context.Context, t domain.Territory) error {
	if err := b.settle(); err != nil {
		return fmt.Errorf("postgres: put territory %q: %w", t.Name, err)
	}
	_, err := b.tx.Exec(ctx, `INSERT INTO territories (name, manager, digest_channel, timezone, digest_day, digest_hour)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO UPDATE SET manager = excluded.manager,
		digest_channel = excluded.digest_channel, timezone = excluded.timezone, digest_day = excluded.digest_day,
		digest_hour = excluded.digest_hour`,
		t.Name, t.Manager, t.DigestChannel, t.Timezone, int(t.DigestDay), t.DigestHour)
	if err != nil {
		return fmt.Errorf("postgres: put territory %q: %w", t.Name, err)
	}
	return nil
}

// PutPerson stores p, replacing the person with the same email.
func (b *Batch) PutPerson(ctx context.Context, p domain.Person) error {
	if err := b.settle(); err != nil {
		return fmt.Errorf("postgres: put person %q: %w", p.Email, err)
	}
	_, err := b.tx.Exec(ctx, `INSERT INTO people (email, name, role, territory, slack_user_id, teams_user_id)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (email) DO UPDATE SET name = excluded.name, role = excluded.role,
		territory = excluded.territory, slack_user_id = excluded.slack_user_id, teams_user_id = excluded.teams_user_id`,
		p.Email, p.Name, string(p.Role), p.Territory, p.SlackUserID, p.TeamsUserID)
	if err != nil {
		return fmt.Errorf("postgres: put person %q: %w", p.Email, err)
	}
	return nil
}

// PutAccount stores a, replacing the account with the same id, and its names.
func (b *Batch) PutAccount(ctx context.Context, a domain.Account) error {
	if b.done {
		return fmt.Errorf("postgres: put account %q: %w", a.ID, pgx.ErrTxClosed)
	}
	keys := []string{} // not nil: an empty array, not NULL
	for _, n := range append([]string{a.ID, a.Name}, a.Aliases...) {
		if k := domain.NameKey(n); k != "" {
			keys = append(keys, k)
		}
	}
	if err := b.settle(); err != nil {
		return fmt.Errorf("postgres: put account %q: %w", a.ID, err)
	}
	b.written["accounts"], b.written["account_names"] = true, true
	var id int64
	var was *string
	err := b.tx.QueryRow(ctx, `WITH old AS (SELECT industry FROM accounts WHERE account_id = $1), account AS (
			INSERT INTO accounts (account_id, name, territory, owner, industry, aliases, payment_terms_days, employees)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (account_id) DO UPDATE SET name = excluded.name, territory = excluded.territory,
				owner = excluded.owner, industry = excluded.industry, aliases = excluded.aliases,
				payment_terms_days = excluded.payment_terms_days, employees = excluded.employees
			RETURNING id
		), gone AS (
			DELETE FROM account_names WHERE account_id = $1 AND name_key <> ALL ($9::text[])
		), names AS (
			INSERT INTO account_names (name_key, account_id) SELECT DISTINCT k, $1 FROM unnest($9::text[]) AS k
			ON CONFLICT DO NOTHING
		)
		SELECT id, (SELECT industry FROM old) FROM account`,
		a.ID, a.Name, a.Territory, a.Owner, a.Industry, strings.Join(a.Aliases, ";"), a.PaymentTermsDays, a.Employees, keys).Scan(&id, &was)
	if err != nil {
		return fmt.Errorf("postgres: put account %q: %w", a.ID, err)
	}
	if _, ok := b.moved[id]; !ok && was != nil && *was != a.Industry {
		b.moved[id] = *was
	}
	b.accounts[a.ID] = id
	return nil
}

// PutProduct stores p, replacing the product with the same SKU.
func (b *Batch) PutProduct(ctx context.Context, p domain.Product) error {
	if b.done {
		return fmt.Errorf("postgres: put product %q: %w", p.SKU, pgx.ErrTxClosed)
	}
	if err := b.settle(); err != nil {
		return fmt.Errorf("postgres: put product %q: %w", p.SKU, err)
	}
	b.written["products"] = true
	// The CTE old sees the product as it was before the upsert (every part of one
	// statement sees the same snapshot).
	var id int64
	var was *string
	err := b.tx.QueryRow(ctx, `WITH old AS (SELECT category FROM products WHERE sku = $1), product AS (
			INSERT INTO products (sku, name, category, list_price, unit_cost, uses_per_unit, unit_of_use)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (sku) DO UPDATE SET name = excluded.name,
			category = excluded.category, list_price = excluded.list_price, unit_cost = excluded.unit_cost,
			uses_per_unit = excluded.uses_per_unit, unit_of_use = excluded.unit_of_use RETURNING id
		)
		SELECT id, (SELECT category FROM old) FROM product`,
		p.SKU, p.Name, p.Category, p.ListPrice, p.UnitCost, p.UsesPerUnit, p.UnitOfUse).Scan(&id, &was)
	if err != nil {
		return fmt.Errorf("postgres: put product %q: %w", p.SKU, err)
	}
	if _, ok := b.recategorised[id]; !ok && was != nil && *was != p.Category {
		b.recategorised[id] = *was
	}
	b.products[p.SKU] = id
	return nil
}

// ReplaceSales deletes every sales line imported from the file named source, including
// those added to this batch so far.
func (b *Batch) ReplaceSales(ctx context.Context, source string) error {
	if err := b.replaceSales(ctx, source); err != nil {
		return fmt.Errorf("postgres: replace sales of %s: %w", source, err)
	}
	return nil
}

func (b *Batch) replaceSales(ctx context.Context, source string) error {
	if err := b.flushSales(ctx); err != nil {
		return err
	}
	if err := b.settle(); err != nil {
		return err
	}
	id, err := b.sourceID(ctx, source)
	if err != nil {
		return err
	}
	if err := b.deleteSales(ctx, id); err != nil {
		return err
	}
	if b.loading { // lines of the same source this batch loaded earlier
		if _, err := b.tx.Exec(ctx, `DELETE FROM sales_load WHERE source = $1`, id); err != nil {
			return err
		}
	}
	return nil
}

// AddSale adds one sales line. Lines are buffered and copied in chunks.
func (b *Batch) AddSale(ctx context.Context, s domain.Sale) error {
	if b.done {
		return fmt.Errorf("postgres: add sale: %w", pgx.ErrTxClosed)
	}
	account, err := b.lookup(ctx, b.accounts, "account", `SELECT account_id, id FROM accounts`, s.AccountID)
	if err != nil {
		return fmt.Errorf("postgres: add sale: %w", err)
	}
	product, err := b.lookup(ctx, b.products, "product", `SELECT sku, id FROM products`, s.SKU)
	if err != nil {
		return fmt.Errorf("postgres: add sale: %w", err)
	}
	source, err := b.sourceID(ctx, s.Source)
	if err != nil {
		return fmt.Errorf("postgres: add sale: source %q: %w", s.Source, err)
	}
	b.sales = append(b.sales, saleRow{int32(domain.DayNumber(s.Date)), account, product, s.Quantity, s.Amount, s.Cost, s.InvoiceID, source})
	b.changed++
	if len(b.sales) < salesChunk {
		return nil
	}
	if err := b.flushSales(ctx); err != nil {
		return fmt.Errorf("postgres: add sale: %w", err)
	}
	return nil
}

// lookup returns the integer id of the what (an account or product) key, from cache.
// The first key not in the cache loads every stored key and id of the table q selects
// them from: one query instead of one per account of the file (2,586 in a day's file
// at N=20000).
func (b *Batch) lookup(ctx context.Context, cache map[string]int64, what, q, key string) (int64, error) {
	if id, ok := cache[key]; ok {
		return id, nil
	}
	if !b.cached[what] {
		if err := b.settle(); err != nil {
			return 0, err
		}
		rows, err := b.tx.Query(ctx, q)
		if err != nil {
			return 0, err
		}
		var k string
		var id int64
		if _, err := pgx.ForEachRow(rows, []any{&k, &id}, func() error { cache[k] = id; return nil }); err != nil {
			return 0, err
		}
		b.cached[what] = true
		if id, ok := cache[key]; ok {
			return id, nil
		}
	}
	return 0, domain.Errorf(domain.EINVALID, "A sales line refers to %s %q, which is not stored.", what, key)
}

// sourceID returns the id of the source named name, creating it if needed.
func (b *Batch) sourceID(ctx context.Context, name string) (int64, error) {
	if id, ok := b.sources[name]; ok {
		return id, nil
	}
	if err := b.settle(); err != nil {
		return 0, err
	}
	var id int64
	err := b.tx.QueryRow(ctx, `INSERT INTO sources (name) VALUES ($1)
		ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id`, name).Scan(&id)
	if err != nil {
		return 0, err
	}
	b.sources[name] = id
	return id, nil
}

// flushSales starts copying the buffered sales lines into the sales table, and returns:
// the next lines are read and checked while these are copied. Every other use of the
// transaction settles the copy first.
func (b *Batch) flushSales(ctx context.Context) error {
	if len(b.sales) == 0 {
		return nil
	}
	if err := b.settle(); err != nil {
		return err
	}
	if !b.loading {
		// The lines go first into a table without indexes, and into sales sorted by the
		// index's key at commit: copying them straight into the indexed table, in the
		// file's date order, cost a random index insert per line.
		if _, err := b.tx.Exec(ctx, `CREATE TEMPORARY TABLE sales_load (LIKE sales) ON COMMIT DROP`); err != nil {
			return err
		}
		b.loading = true
	}
	rows, done := b.sales, make(chan copied, 1)
	b.sales, b.spare, b.copying = b.spare[:0], nil, done
	go func() {
		_, err := b.tx.CopyFrom(ctx, pgx.Identifier{"sales_load"}, salesColumns, &saleRows{rows: rows, i: -1, vals: make([]any, len(salesColumns))})
		done <- copied{rows: rows, err: err}
	}()
	b.touched = true
	return nil
}

// copied is the end of a copy of sales lines: its buffer, for the next lines, and its
// error.
type copied struct {
	rows []saleRow
	err  error
}

// settle waits for the copy of sales lines in progress, if any, and returns its error.
func (b *Batch) settle() error {
	if b.copying == nil {
		return nil
	}
	c := <-b.copying
	b.copying, b.spare = nil, c.rows[:0]
	if c.err != nil {
		return fmt.Errorf("copy sales lines: %w", c.err)
	}
	return nil
}

// saleRow is one buffered sales line, in salesColumns' order.
type saleRow struct {
	day                    int32
	account, product       int64
	quantity, amount, cost float64
	invoiceID              string
	source                 int64
}

// saleRows feeds buffered lines to COPY, one reused slice of values for every row
// (pgx encodes a row before asking for the next): a slice per line was 5 million
// allocations for the sales of the benchmark set.
type saleRows struct {
	rows []saleRow
	i    int
	vals []any
}

func (r *saleRows) Next() bool { r.i++; return r.i < len(r.rows) }

func (r *saleRows) Values() ([]any, error) {
	s := &r.rows[r.i]
	r.vals[0], r.vals[1], r.vals[2], r.vals[3] = s.day, s.account, s.product, s.quantity
	r.vals[4], r.vals[5], r.vals[6], r.vals[7] = s.amount, s.cost, s.invoiceID, s.source
	return r.vals, nil
}

func (r *saleRows) Err() error { return nil }

// PutPotential stores p, replacing the potential of the same account and category.
func (b *Batch) PutPotential(ctx context.Context, p domain.Potential) error {
	err := b.put(ctx, upsertPotential, potentialArgs(p)...)
	if err != nil {
		return fmt.Errorf("postgres: put potential %q/%q: %w", p.AccountID, p.Category, err)
	}
	return nil
}

// PutOpportunity stores o, replacing the opportunity with the same id.
func (b *Batch) PutOpportunity(ctx context.Context, o domain.Opportunity) error {
	err := b.put(ctx, upsertOpportunity, o.ID, o.AccountID, o.Category, o.Name, o.Value,
		o.Stage, o.Probability, dateArg(o.CloseDate), o.Competitor, o.NextStep)
	if err != nil {
		return fmt.Errorf("postgres: put opportunity %q: %w", o.ID, err)
	}
	return nil
}

// DeleteOpportunity removes the opportunity with the id, if there is one, after the
// opportunities buffered before it are written.
func (b *Batch) DeleteOpportunity(ctx context.Context, id string) error {
	if b.done {
		return fmt.Errorf("postgres: delete opportunity %q: %w", id, pgx.ErrTxClosed)
	}
	if err := b.flushKeyed(ctx, upsertOpportunity); err != nil {
		return fmt.Errorf("postgres: delete opportunity %q: %w", id, err)
	}
	if _, err := b.tx.Exec(ctx, `DELETE FROM opportunities WHERE opp_id = $1`, id); err != nil {
		return fmt.Errorf("postgres: delete opportunity %q: %w", id, err)
	}
	b.written["opportunities"] = true
	return nil
}

// PutInvoice stores i, replacing the invoice with the same id.
func (b *Batch) PutInvoice(ctx context.Context, i domain.Invoice) error {
	err := b.put(ctx, upsertInvoice, i.ID, i.AccountID, dateArg(i.InvoiceDate),
		dateArg(i.DueDate), i.Amount, dateArg(i.PaidDate))
	if err != nil {
		return fmt.Errorf("postgres: put invoice %q: %w", i.ID, err)
	}
	return nil
}

// PutCommitment stores c, replacing the commitment of the same account, SKU and period.
func (b *Batch) PutCommitment(ctx context.Context, c domain.Commitment) error {
	err := b.put(ctx, upsertCommitment, c.AccountID, c.SKU, c.Period.String(), c.CommittedQty)
	if err != nil {
		return fmt.Errorf("postgres: put commitment %q/%q/%s: %w", c.AccountID, c.SKU, c.Period, err)
	}
	return nil
}

// PutRFQ stores r, replacing the RFQ with the same id.
func (b *Batch) PutRFQ(ctx context.Context, r domain.RFQ) error {
	err := b.put(ctx, upsertRFQ, r.ID, r.AccountID, dateArg(r.Date), r.Category, r.Value, string(r.Outcome))
	if err != nil {
		return fmt.Errorf("postgres: put RFQ %q: %w", r.ID, err)
	}
	return nil
}

// PutCompetitorOffer stores o, replacing the offer of the same competitor, SKU and
// account (empty for a market-wide offer).
func (b *Batch) PutCompetitorOffer(ctx context.Context, o domain.CompetitorOffer) error {
	if err := b.put(ctx, upsertCompetitorOffer, offerArgs(o)...); err != nil {
		return fmt.Errorf("postgres: put competitor offer %q/%q/%q: %w", o.Competitor, o.SKU, o.AccountID, err)
	}
	return nil
}

// PutObjective stores o, replacing the objective of the same scope, key and year.
func (b *Batch) PutObjective(ctx context.Context, o domain.Objective) error {
	if err := b.put(ctx, upsertObjective, objectiveArgs(o)...); err != nil {
		return fmt.Errorf("postgres: put objective %s %q %d: %w", o.Scope, o.Key, o.Year, err)
	}
	return nil
}

// Commit writes the buffered rows, brings the read model of the sales up to date with
// what the batch changed (readmodel.go), increments the data version and commits. It
// returns the new data version. On error the batch is rolled back.
func (b *Batch) Commit(ctx context.Context) (version int64, err error) {
	if b.done {
		return 0, fmt.Errorf("postgres: commit import: %w", pgx.ErrTxClosed)
	}
	b.done = true
	defer func() {
		if err != nil {
			b.tx.Rollback(context.WithoutCancel(ctx))
			err = fmt.Errorf("postgres: commit import: %w", err)
		}
	}()
	if err := b.flushSales(ctx); err != nil {
		return 0, err
	}
	if err := b.settle(); err != nil {
		return 0, err
	}
	if b.loading {
		if _, err := b.tx.Exec(ctx, `INSERT INTO sales SELECT * FROM sales_load ORDER BY account, product, day`); err != nil {
			return 0, fmt.Errorf("sales lines into place: %w", err)
		}
	}
	for k := range b.pending {
		if err := b.flushKeyed(ctx, k); err != nil {
			return 0, err
		}
	}
	if b.touched || len(b.moved) > 0 || len(b.recategorised) > 0 {
		if err := b.updateReadModel(ctx); err != nil {
			return 0, fmt.Errorf("update the read model of the sales: %w", err)
		}
	}
	v, err := bumpVersion(ctx, b.tx)
	if err != nil {
		return 0, err
	}
	if err := b.tx.Commit(ctx); err != nil {
		return 0, err
	}
	b.analyze(ctx)
	return v, nil
}

// analyze refreshes the planner's statistics of the tables the import wrote, once it
// has committed: a bulk load changes them wholesale, and with autovacuum off or behind,
// the plans of the grade and gap queries go wrong (the commitments' quantities taken
// took 530 ms at N=20000 before ANALYZE and 145 ms after). It is an optimisation, not
// part of the import: a failure (the import's context ended, the database went away)
// leaves the statistics to autovacuum and the import committed.
func (b *Batch) analyze(ctx context.Context) {
	if b.full { // a delta changes too little for the statistics to matter
		for _, t := range []string{"sales", "sales_series", "company_series", "product_day_sums", "industry_product_day_sums",
			"product_running_revenue", "industry_product_running_revenue"} {
			b.written[t] = true
		}
	}
	if len(b.written) == 0 {
		return
	}
	tables := slices.Sorted(maps.Keys(b.written))
	b.pool.Exec(ctx, `ANALYZE `+strings.Join(tables, ", "))
}

// Rollback discards the batch. It does nothing after Commit or Rollback, so it may be
// deferred.
func (b *Batch) Rollback() error {
	if b.done {
		return nil
	}
	b.done = true
	b.settle() // a copy in progress ends first; its error does not matter now
	// Rollback takes no context (domain.ImportBatch): it must run even when the
	// import's context was cancelled.
	if err := b.tx.Rollback(context.Background()); err != nil {
		return fmt.Errorf("postgres: roll back import: %w", err)
	}
	return nil
}
