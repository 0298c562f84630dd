package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

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
		keys, err := query(ctx, s, "known keys", func(r scanner) (string, error) {
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

// Sales lines are inserted salesChunk at a time, in one prepared INSERT statement of
// salesChunk rows, well under SQLite's limit of 32766 variables. (64 to 1024 rows
// measured the same.) Binding a value costs more than its byte (modernc's SQLite locks
// its connection for each call), so a line binds as few as it can: a chunk's lines
// share their source file and their recent flag, which the statement carries as
// constants, and a line's day, account and product go packed in one integer
// (packedKey) that the statement takes apart: 5 values a line instead of 9.
const (
	salesColumns       = 7 // values bound a line
	salesPackedColumns = 5 // ... with the key packed
	salesChunk         = 256
)

// packedKey packs a line's day number (23 bits), account and product row ids (20 bits
// each) into one integer, or reports that they do not fit.
func packedKey(day, account, product int64) (int64, bool) {
	if day < 0 || day >= 1<<23 || account < 0 || account >= 1<<20 || product < 0 || product >= 1<<20 {
		return 0, false
	}
	return day<<40 | account<<20 | product, true
}

// insertSales returns the INSERT statement of n sales lines of the source with row id
// source, recent (0 or 1), their keys packed or not. OR FAIL rather than the default
// ABORT spares SQLite a statement journal, which it would otherwise write for every
// multi-row INSERT inside a transaction so as to undo just that statement (20% faster
// measured); a failing INSERT fails the whole import anyway.
func insertSales(n int, source int64, recent int, packed bool) string {
	const cols = `INSERT OR FAIL INTO sales (day, account, product, quantity, amount, cost, invoice_id, source, recent) `
	if packed {
		row := "(?, ?, ?, ?, ?)"
		return cols + fmt.Sprintf(`SELECT column1 >> 40, (column1 >> 20) & 1048575, column1 & 1048575,
			column2, column3, column4, column5, %d, %d FROM (VALUES `, source, recent) +
			strings.Repeat(row+", ", n-1) + row + ")"
	}
	row := fmt.Sprintf("(%s?, %d, %d)", strings.Repeat("?, ", salesColumns-1), source, recent)
	return cols + `VALUES ` + strings.Repeat(row+", ", n-1) + row
}

// Bulk loads. Maintaining a secondary index row by row costs a random b-tree
// insertion or deletion per line, and dirties most of the index's pages; building it
// again costs one sort of the whole table. A batch drops it (inside its transaction)
// once the lines it has added and deleted reach max(minBulkLines, the table's size /
// bulkDivisor), and builds it again in Commit. Measured on a table of 5 million lines,
// the two cost the same at about 550,000 lines (15 s); 1.2 million lines took 32 s
// maintained and 18 s rebuilt, 300,000 lines 10 s and 13 s.
const (
	minBulkLines = 50_000
	bulkDivisor  = 10
)

// Batch is one import transaction: see domain.ImportBatch. It is not safe for concurrent
// use. AddSale needs the sale's account and product to be stored already, by this batch
// or an earlier one.
type Batch struct {
	conn  *sql.Conn // the writer connection, closed when the batch ends
	tx    *sql.Tx
	stmts map[string]*sql.Stmt   // prepared statements, by SQL
	raw   map[string]driver.Stmt // the same, prepared on the driver's connection (execRaw)
	named []driver.NamedValue    // execRaw's arguments

	// Integer ids of accounts, products and sources, by key.
	accounts keyIDs
	products keyIDs
	sources  map[string]int64
	spans    map[int64]*lineSpan // the sources whose lines the batch read or wrote, by row id
	// accountsBefore says whether the accounts table held any row when the batch put
	// its first account: 0 not asked yet, 1 none, 2 some (see freshAccount).
	accountsBefore int8

	pending map[*bufferedUpsert][]any // buffered rows of keyed tables

	rows       []any                 // buffered sales lines...
	rowsN      int                   // ...so many...
	rowsPacked bool                  // ...salesPackedColumns values each, else salesColumns...
	rowsSource int64                 // ...of the source with this row id...
	rowsRecent int                   // ...and this recent flag
	insert     map[[3]int64]string   // insertSales of a whole chunk, by source, recent, packed
	loads      map[string]*tableLoad // by table: how much this batch wrote to it
	done       bool                  // committed or rolled back
	// rollbackJournal says the batch is a first load through a rollback journal (see
	// firstLoadJournal): when it ends, the connection goes back to WAL mode.
	rollbackJournal bool
	// lines and invoices are sorted copies of the sales lines and invoices the batch
	// adds to a table that held none, for the rebuild pass (see runs); nil otherwise.
	lines           *runs[salesLine]
	invoices        *runs[invoiceLine]
	invoiceAccounts map[int64]bool // the accounts of invoices
	dir             string         // where temporary files go
	// delta is what the batch changed that the read model depends on; nil when Commit
	// is to rebuild the whole read model (a bulk load, a new read-model layout).
	delta *readDelta
}

var _ domain.ImportBatch = (*Batch)(nil)

// tableLoad tracks the rows a batch writes to one table, to drop its secondary indexes
// once the load is big enough to be a bulk load.
type tableLoad struct {
	touched int64    // rows added or deleted so far
	before  int64    // rows in the table when first counted; -1 until then
	bulk    bool     // the table's secondary indexes are dropped...
	indexes []string // ...and these statements create them again
}

// BeginImport starts the write transaction of an import (BEGIN IMMEDIATE). It waits
// for any other write of this process to finish, and for another process's up to the
// busy timeout; then it fails with ECONFLICT and a plain message.
//
// A first load (no sales line stored yet) writes through a rollback journal instead of
// the WAL when no other connection has the file open: see firstLoadJournal.
func (s *Store) BeginImport(ctx context.Context) (domain.ImportBatch, error) {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlite: begin import: %w", err)
	}
	journal, err := s.firstLoadJournal(ctx, conn)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("sqlite: begin import: %w", err)
	}
	b, err := s.begin(ctx, conn)
	if err != nil {
		if journal { // begin gave conn back to the pool, the pool's one writer connection
			if c, cerr := s.w.Conn(context.WithoutCancel(ctx)); cerr == nil {
				walAgain(ctx, c)
				c.Close()
			}
		}
		return nil, err
	}
	b.rollbackJournal = journal
	if err := b.startRuns(ctx, s.dir); err != nil {
		b.Rollback()
		return nil, fmt.Errorf("sqlite: begin import: %w", err)
	}
	return b, nil
}

// startRuns starts the sorted copies of the sales lines and invoices the batch adds
// (see runs), for the tables that hold none.
func (b *Batch) startRuns(ctx context.Context, dir string) error {
	var noSales, noInvoices bool
	err := b.tx.QueryRowContext(ctx, `SELECT NOT EXISTS (SELECT 1 FROM sales), NOT EXISTS (SELECT 1 FROM invoices)`).
		Scan(&noSales, &noInvoices)
	if err != nil || !keepRuns {
		return err
	}
	b.dir = dir
	if noSales {
		b.lines = newRuns(salesRuns, dir)
	}
	if noInvoices {
		b.invoices = newRuns(invoiceRuns, dir)
	}
	return nil
}

// firstLoadJournal puts the writer connection conn in rollback-journal mode (DELETE)
// when the database holds no sales line, and reports whether it did. In WAL mode every
// page a transaction writes is written twice, to the WAL and then by the checkpoint
// into the file, and the first load writes the whole file (1.2 GB at N=20000: 10 of
// its 43 s). A rollback journal keeps only the pages the transaction changes that
// existed before it, which for a new file are a few, so the load writes each page
// once, as atomically: a failed first load leaves the database as it was. SQLite
// leaves WAL mode only when no other connection has the file open (a server reading
// it, a second store); the mode then stays WAL and the load takes the usual path.
// While the load runs, a reader of another process that opens the file waits for its
// commit (there is nothing to read yet). The batch puts the file back in WAL mode when
// it ends.
func (s *Store) firstLoadJournal(ctx context.Context, conn *sql.Conn) (bool, error) {
	var empty bool
	if err := conn.QueryRowContext(ctx, `SELECT NOT EXISTS (SELECT 1 FROM sales)`).Scan(&empty); err != nil {
		return false, err
	}
	if !empty {
		return false, nil
	}
	// The store's own idle readers have the file open too: close them (the pool opens
	// new ones when asked).
	s.db.SetMaxIdleConns(0)
	s.db.SetMaxIdleConns(s.readers)
	var mode string
	if err := conn.QueryRowContext(ctx, `PRAGMA journal_mode = DELETE`).Scan(&mode); err != nil {
		if busy(err) {
			return false, nil // another connection has the file open
		}
		return false, err
	}
	return mode == "delete", nil
}

// walAgain puts the writer connection conn back in WAL mode after a first load. When
// SQLite refuses (a reader of another process opened the file meanwhile), conn is
// discarded instead: the writer connection that replaces it opens the file in WAL mode
// (writerPragmas), and the committed load stands either way.
func walAgain(ctx context.Context, conn *sql.Conn) {
	var mode string
	err := conn.QueryRowContext(ctx, `PRAGMA journal_mode = WAL`).Scan(&mode)
	if err == nil && mode == "wal" {
		return
	}
	conn.Raw(func(any) error { return driver.ErrBadConn })
}

// begin starts the write transaction of an import on conn, the writer connection; the
// batch closes conn when it ends.
func (s *Store) begin(ctx context.Context, conn *sql.Conn) (*Batch, error) {
	tx, err := conn.BeginTx(ctx, nil)
	if busy(err) {
		conn.Close()
		return nil, domain.Errorf(domain.ECONFLICT, "Another import (or another process writing) holds the database and did not finish within %s: try again when it has.", busyTimeout)
	}
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("sqlite: begin import: %w", err)
	}
	return &Batch{
		conn:     conn,
		tx:       tx,
		stmts:    make(map[string]*sql.Stmt),
		raw:      make(map[string]driver.Stmt),
		accounts: newKeyIDs(),
		products: newKeyIDs(),
		sources:  make(map[string]int64),
		spans:    make(map[int64]*lineSpan),
		pending:  make(map[*bufferedUpsert][]any),
		rows:     make([]any, 0, salesColumns*salesChunk),
		insert:   make(map[[3]int64]string),
		loads:    make(map[string]*tableLoad),
		delta:    newReadDelta(),
	}, nil
}

// stmt returns q prepared in the batch's transaction.
func (b *Batch) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := b.stmts[q]; ok {
		return st, nil
	}
	st, err := b.tx.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	b.stmts[q] = st
	return st, nil
}

// execRaw runs q with args in the batch's transaction, as exec does, but on the driver's
// connection itself, its statement prepared there once: the bulk writes (a statement a
// chunk of 256 sales lines, or 128 keyed rows) spent a tenth of the writer's time in
// database/sql, converting each value it already had in the driver's types, and in the
// driver watching the context of each statement, which a chunk's few milliseconds do
// not need (the import checks it between rows).
func (b *Batch) execRaw(ctx context.Context, q string, args []any) (driver.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	named := b.named[:0]
	for i, a := range args {
		switch a.(type) {
		case int64, float64, string, []byte, bool, nil, time.Time:
		default:
			v, err := driver.DefaultParameterConverter.ConvertValue(a)
			if err != nil {
				return nil, err
			}
			a = v
		}
		named = append(named, driver.NamedValue{Ordinal: i + 1, Value: a})
	}
	b.named = named
	defer clear(named) // let the values be collected
	var res driver.Result
	err := b.conn.Raw(func(dc any) error {
		st, ok := b.raw[q]
		if !ok {
			p, ok := dc.(driver.ConnPrepareContext)
			if !ok {
				return fmt.Errorf("the driver's connection %T prepares no statement", dc)
			}
			var err error
			if st, err = p.PrepareContext(ctx, q); err != nil {
				return err
			}
			b.raw[q] = st
		}
		ex, ok := st.(driver.StmtExecContext)
		if !ok {
			return fmt.Errorf("the driver's statement %T runs no ExecContext", st)
		}
		var err error
		res, err = ex.ExecContext(context.Background(), named)
		return err
	})
	return res, err
}

// exec runs q with args in the batch's transaction.
func (b *Batch) exec(ctx context.Context, q string, args ...any) error {
	st, err := b.stmt(ctx, q)
	if err != nil {
		return err
	}
	_, err = st.ExecContext(ctx, args...)
	return err
}

// id runs q, a query of one integer, with args in the batch's transaction.
func (b *Batch) id(ctx context.Context, q string, args ...any) (int64, error) {
	st, err := b.stmt(ctx, q)
	if err != nil {
		return 0, err
	}
	var id int64
	err = st.QueryRowContext(ctx, args...).Scan(&id)
	return id, err
}

// upsert returns the statement inserting a row of table, or updating the row with the
// same key: the first nkey of cols. With returning, it returns the row's id.
func upsert(table string, nkey int, returning bool, cols ...string) string {
	q := upsertRows(table, nkey, cols, 1)
	if returning {
		q += " RETURNING id"
	}
	return q
}

// upsertRows returns the upsert of n rows of table at once. SQLite applies the rows in
// order, so a key given twice ends with its last values. OR FAIL spares SQLite the
// statement journal of a multi-row statement, as for the sales (see insertSales): the
// invoices of a first load took half the time; a failing statement fails its batch.
func upsertRows(table string, nkey int, cols []string, n int) string {
	set := make([]string, 0, len(cols)-nkey)
	for _, c := range cols[nkey:] {
		set = append(set, c+" = excluded."+c)
	}
	row := "(" + strings.Repeat("?, ", len(cols)-1) + "?)"
	return fmt.Sprintf("INSERT OR FAIL INTO %s (%s) VALUES %s ON CONFLICT (%s) DO UPDATE SET %s",
		table, strings.Join(cols, ", "), strings.Repeat(row+", ", n-1)+row,
		strings.Join(cols[:nkey], ", "), strings.Join(set, ", "))
}

// upsertChunk is how many rows of a large keyed file (invoices, potentials, …) one
// statement upserts: the per-statement cost of database/sql and the driver, paid per row,
// was most of the time of an invoice import.
const upsertChunk = 128

// bufferedUpsert is the upsert of a table whose rows a batch buffers and writes
// upsertChunk at a time.
type bufferedUpsert struct {
	table string
	nkey  int
	cols  []string
	one   string // one row
	chunk string // upsertChunk rows
}

func newBufferedUpsert(table string, nkey int, cols ...string) *bufferedUpsert {
	return &bufferedUpsert{table: table, nkey: nkey, cols: cols,
		one: upsertRows(table, nkey, cols, 1), chunk: upsertRows(table, nkey, cols, upsertChunk)}
}

var (
	upsertTerritory = upsert("territories", 1, false,
		"name", "manager", "digest_channel", "timezone", "digest_day", "digest_hour")
	upsertPerson = upsert("people", 1, false,
		"email", "name", "role", "territory", "slack_user_id", "teams_user_id")
	upsertAccount = upsert("accounts", 1, true,
		"account_id", "name", "territory", "owner", "industry", "aliases", "payment_terms_days", "employees")
	upsertProduct = upsert("products", 1, true,
		"sku", "name", "category", "list_price", "unit_cost", "uses_per_unit", "unit_of_use")
	upsertPotential = newBufferedUpsert("potentials", 2,
		"account_id", "category", "annual_potential", "competitor", "note", "set_by", "set_at")
	upsertOpportunity = newBufferedUpsert("opportunities", 1,
		"opp_id", "account_id", "category", "name", "value", "stage", "probability", "close_date", "competitor", "next_step")
	upsertInvoice = newBufferedUpsert("invoices", 1,
		"invoice_id", "account_id", "invoice_date", "due_date", "amount", "paid_date")
	upsertCommitment = newBufferedUpsert("commitments", 3,
		"account_id", "sku", "period", "committed_qty")
	upsertRFQ = newBufferedUpsert("rfqs", 1,
		"rfq_id", "account_id", "date", "category", "value", "outcome")
	upsertCompetitorOffer = newBufferedUpsert("competitor_offers", 3,
		"competitor", "sku", "account_id", "competitor_product", "price", "uses_per_unit", "change_cost", "weaknesses", "set_by", "set_at")
	upsertObjective = newBufferedUpsert("objectives", 3,
		"scope", "key", "year", "revenue_target", "gp_target", "set_by", "set_at")
)

// put buffers one row of u's table, writing the buffer when it holds upsertChunk rows.
func (b *Batch) put(ctx context.Context, u *bufferedUpsert, args ...any) error {
	if b.done {
		return sql.ErrTxDone
	}
	buf := append(b.pending[u], args...)
	if len(buf) == upsertChunk*len(u.cols) {
		if err := b.rowsChanged(ctx, u, buf); err != nil {
			return err
		}
		if _, err := b.execRaw(ctx, u.chunk, buf); err != nil {
			return err
		}
		clear(buf)
		buf = buf[:0]
		if err := b.wrote(ctx, u.table, upsertChunk); err != nil {
			return err
		}
	}
	b.pending[u] = buf
	return nil
}

// flushUpserts writes every buffered row. Tables are independent, so their order does
// not matter.
func (b *Batch) flushUpserts(ctx context.Context) error {
	for u := range b.pending {
		if err := b.flushUpsert(ctx, u); err != nil {
			return err
		}
	}
	return nil
}

// flushUpsert writes the buffered rows of u's table.
func (b *Batch) flushUpsert(ctx context.Context, u *bufferedUpsert) error {
	buf := b.pending[u]
	if n := len(buf) / len(u.cols); n > 0 {
		if err := b.rowsChanged(ctx, u, buf); err != nil {
			return fmt.Errorf("write %s: %w", u.table, err)
		}
		if _, err := b.tx.ExecContext(ctx, upsertRows(u.table, u.nkey, u.cols, n), buf...); err != nil {
			return fmt.Errorf("write %s: %w", u.table, err)
		}
	}
	delete(b.pending, u)
	return nil
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

// PutTerritory stores t, replacing the territory of the same name.
func (b *Batch) PutTerritory(ctx context.Context, t domain.Territory) error {
	err := b.exec(ctx, upsertTerritory,
		t.Name, t.Manager, t.DigestChannel, t.Timezone, int(t.DigestDay), t.DigestHour)
	if err != nil {
		return fmt.Errorf("sqlite: put territory %q: %w", t.Name, err)
	}
	return nil
}

// PutPerson stores p, replacing the person with the same email.
func (b *Batch) PutPerson(ctx context.Context, p domain.Person) error {
	err := b.exec(ctx, upsertPerson,
		p.Email, p.Name, string(p.Role), p.Territory, p.SlackUserID, p.TeamsUserID)
	if err != nil {
		return fmt.Errorf("sqlite: put person %q: %w", p.Email, err)
	}
	return nil
}

// PutAccount stores a, replacing the account with the same id.
func (b *Batch) PutAccount(ctx context.Context, a domain.Account) error {
	if err := b.putAccount(ctx, a); err != nil {
		return fmt.Errorf("sqlite: put account %q: %w", a.ID, err)
	}
	return nil
}

func (b *Batch) putAccount(ctx context.Context, a domain.Account) error {
	fresh, err := b.freshAccount(ctx, a.ID)
	if err != nil {
		return err
	}
	var was, wasIndustry string
	stored := false
	if !fresh {
		err := b.tx.QueryRowContext(ctx, `SELECT territory, industry FROM accounts WHERE account_id = ?`, a.ID).Scan(&was, &wasIndustry)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		stored = err == nil
	}
	id, err := b.id(ctx, upsertAccount, a.ID, a.Name, a.Territory, a.Owner, a.Industry,
		strings.Join(a.Aliases, ";"), a.PaymentTermsDays, a.Employees)
	if err != nil {
		return err
	}
	b.accounts.put(a.ID, id)
	switch {
	case b.delta == nil:
	case stored && (was != a.Territory || wasIndustry != a.Industry):
		// The facts are keyed by territory, the industry sums by industry.
		if err := b.accountMoved(ctx, id, wasIndustry, a.Industry); err != nil {
			return err
		}
	case !stored && b.delta.industries != nil:
		b.delta.industries[id] = a.Industry
	}
	if stored {
		if err := b.exec(ctx, `DELETE FROM account_names WHERE account_id = ?`, a.ID); err != nil {
			return err
		}
	}
	var args []any
	for _, n := range append([]string{a.ID, a.Name}, a.Aliases...) {
		if k := domain.NameKey(n); k != "" {
			args = append(args, k, a.ID)
		}
	}
	if len(args) == 0 {
		return nil
	}
	row := "(?, ?)"
	return b.exec(ctx, `INSERT INTO account_names (name_key, account_id) VALUES `+
		strings.Repeat(row+", ", len(args)/2-1)+row+` ON CONFLICT DO NOTHING`, args...)
}

// freshAccount reports whether the account id cannot be stored: the accounts table
// held none when the batch put its first account, and the batch has not put id. A
// first load then writes an account in two statements, not five: it neither reads the
// account back nor deletes its names.
func (b *Batch) freshAccount(ctx context.Context, id string) (bool, error) {
	if b.accountsBefore == 0 {
		var some bool
		if err := b.tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM accounts)`).Scan(&some); err != nil {
			return false, err
		}
		b.accountsBefore = 1
		if some {
			b.accountsBefore = 2
		}
	}
	if b.accountsBefore == 2 {
		return false, nil
	}
	_, put := b.accounts.get(id)
	return !put, nil
}

// PutProduct stores p, replacing the product with the same SKU.
func (b *Batch) PutProduct(ctx context.Context, p domain.Product) error {
	var was string
	var wasCost float64
	err := b.tx.QueryRowContext(ctx, `SELECT category, unit_cost FROM products WHERE sku = ?`, p.SKU).Scan(&was, &wasCost)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: put product %q: %w", p.SKU, err)
	}
	changed := err == nil && (was != p.Category || wasCost != p.UnitCost)
	id, err := b.id(ctx, upsertProduct,
		p.SKU, p.Name, p.Category, p.ListPrice, p.UnitCost, p.UsesPerUnit, p.UnitOfUse)
	if err != nil {
		return fmt.Errorf("sqlite: put product %q: %w", p.SKU, err)
	}
	b.products.put(p.SKU, id)
	if changed && b.delta != nil {
		// The gap facts group by category; the grade facts carry the unit cost of the
		// commitments.
		if err := b.productChanged(ctx, id, p.SKU, was, p.Category, wasCost != p.UnitCost); err != nil {
			return fmt.Errorf("sqlite: put product %q: %w", p.SKU, err)
		}
	}
	return nil
}

// ReplaceSales deletes every sales line imported from the file named source, including
// those added to this batch so far.
func (b *Batch) ReplaceSales(ctx context.Context, source string) error {
	if err := b.replaceSales(ctx, source); err != nil {
		return fmt.Errorf("sqlite: replace sales of %s: %w", source, err)
	}
	return nil
}

func (b *Batch) replaceSales(ctx context.Context, source string) error {
	if err := b.flush(ctx); err != nil {
		return err
	}
	id, err := b.sourceID(ctx, source)
	if err != nil {
		return err
	}
	span, err := b.sourceSpan(ctx, id)
	if err != nil || span.lines == 0 {
		return err
	}
	where, args := `rowid BETWEEN ? AND ? AND source = ?`, []any{span.first, span.last, id}
	n, err := b.id(ctx, `SELECT COUNT(*) FROM sales WHERE `+where, args...)
	if err != nil {
		return err
	}
	if n != span.lines {
		// The row ids moved (see sources in the schema): every line is read for the
		// source's.
		where, args = `source = ?`, []any{id}
		if n, err = b.id(ctx, `SELECT COUNT(*) FROM sales WHERE `+where, args...); err != nil {
			return err
		}
	}
	span.clear()
	if n == 0 {
		return nil
	}
	if err := b.wrote(ctx, "sales", n); err != nil {
		return err
	}
	if b.lines != nil {
		b.lines.drop() // it holds the lines deleted
	}
	if b.delta != nil {
		if err := b.linesRemoved(ctx, where, args); err != nil {
			return err
		}
	}
	return b.exec(ctx, `DELETE FROM sales WHERE `+where, args...)
}

// lineSpan is the run of row ids of a source's sales lines (see sources in the schema):
// lines lines between first and last, none when lines is 0.
type lineSpan struct {
	first, last, lines int64
	changed            bool // to be written to sources
}

// sourceSpan returns the span of the source with row id id.
func (b *Batch) sourceSpan(ctx context.Context, id int64) (*lineSpan, error) {
	if s, ok := b.spans[id]; ok {
		return s, nil
	}
	var first, last sql.NullInt64
	s := &lineSpan{}
	err := b.tx.QueryRowContext(ctx, `SELECT first_line, last_line, lines FROM sources WHERE id = ?`, id).Scan(&first, &last, &s.lines)
	if err != nil {
		return nil, err
	}
	s.first, s.last = first.Int64, last.Int64
	b.spans[id] = s
	return s, nil
}

// add records n lines with row ids from first to last.
func (s *lineSpan) add(first, last, n int64) {
	if s.lines == 0 {
		s.first, s.last = first, last
	}
	s.first, s.last = min(s.first, first), max(s.last, last)
	s.lines += n
	s.changed = true
}

// clear records that the source's lines are deleted.
func (s *lineSpan) clear() { *s = lineSpan{changed: true} }

// linesWritten records the n lines an INSERT of the buffered lines wrote in the span of
// their source. SQLite gives a new row the largest row id + 1 (but past the largest
// integer, which no table reaches: then any), so one INSERT's lines have consecutive
// row ids that end at the last one inserted.
func (b *Batch) linesWritten(ctx context.Context, res driver.Result, n int) error {
	last, err := res.LastInsertId()
	if err != nil {
		return err
	}
	span, err := b.sourceSpan(ctx, b.rowsSource)
	if err != nil {
		return err
	}
	first := last - int64(n) + 1
	if first < 1 || last == math.MaxInt64 {
		first, last = 1, math.MaxInt64 // the whole table
	}
	span.add(first, last, int64(n))
	return nil
}

// writeSpans stores the spans the batch changed.
func (b *Batch) writeSpans(ctx context.Context) error {
	for id, s := range b.spans {
		if !s.changed {
			continue
		}
		first, last := sql.NullInt64{Int64: s.first, Valid: s.lines > 0}, sql.NullInt64{Int64: s.last, Valid: s.lines > 0}
		if err := b.exec(ctx, `UPDATE sources SET first_line = ?, last_line = ?, lines = ? WHERE id = ?`, first, last, s.lines, id); err != nil {
			return err
		}
		s.changed = false
	}
	return nil
}

// AddSale adds one sales line. Lines are buffered and written in multi-row INSERTs.
func (b *Batch) AddSale(ctx context.Context, s domain.Sale) error {
	if b.done {
		return fmt.Errorf("sqlite: add sale: %w", sql.ErrTxDone)
	}
	account, err := b.lookup(ctx, b.accounts, "account", `SELECT id FROM accounts WHERE account_id = ?`, s.AccountID)
	if err != nil {
		return fmt.Errorf("sqlite: add sale: %w", err)
	}
	product, err := b.lookup(ctx, b.products, "product", `SELECT id FROM products WHERE sku = ?`, s.SKU)
	if err != nil {
		return fmt.Errorf("sqlite: add sale: %w", err)
	}
	source, err := b.sourceID(ctx, s.Source)
	if err != nil {
		return fmt.Errorf("sqlite: add sale: source %q: %w", s.Source, err)
	}
	day := domain.DayNumber(s.Date)
	if b.delta != nil {
		if err := b.lineAdded(ctx, account, addedLine{product, day, s.Amount, s.Cost, s.Quantity}); err != nil {
			return fmt.Errorf("sqlite: add sale: %w", err)
		}
	}
	recent := 1 // (see sales_recent in the schema)
	if l := b.loads["sales"]; l != nil && l.bulk {
		recent = 0
	}
	key, packed := packedKey(day, account, product)
	if b.rowsN > 0 && (source != b.rowsSource || recent != b.rowsRecent || packed != b.rowsPacked) {
		if err := b.flush(ctx); err != nil {
			return fmt.Errorf("sqlite: add sale: %w", err)
		}
	}
	b.rowsSource, b.rowsRecent, b.rowsPacked = source, recent, packed
	if b.lines != nil {
		b.lines.add(salesLine{acc: account, prod: product, d: dayTotals{day, s.Amount, s.Cost}, qty: s.Quantity})
	}
	if packed {
		b.rows = append(b.rows, key, s.Quantity, s.Amount, s.Cost, s.InvoiceID)
	} else {
		b.rows = append(b.rows, day, account, product, s.Quantity, s.Amount, s.Cost, s.InvoiceID)
	}
	if b.rowsN++; b.rowsN < salesChunk {
		return nil
	}
	if err := b.flush(ctx); err != nil {
		return fmt.Errorf("sqlite: add sale: %w", err)
	}
	return nil
}

// lookup returns the integer id of the what (an account or product) key, from cache or
// else by q.
func (b *Batch) lookup(ctx context.Context, cache keyIDs, what, q, key string) (int64, error) {
	if id, ok := cache.get(key); ok {
		return id, nil
	}
	id, err := b.id(ctx, q, key)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, domain.Errorf(domain.EINVALID, "A sales line refers to %s %q, which is not stored.", what, key)
	}
	if err != nil {
		return 0, err
	}
	cache.put(key, id)
	return id, nil
}

// keyIDs maps keys (account ids, SKUs) to row ids. A key of up to 15 bytes, as most
// are, is packed into two words with its length: a string key costs a second cache miss
// to compare, and looking up the account and product of each sales line in maps of
// strings was a fifth of the writer's time in the sales file of a first load.
type keyIDs struct {
	short map[[2]uint64]int64
	long  map[string]int64
}

func newKeyIDs() keyIDs {
	return keyIDs{short: map[[2]uint64]int64{}, long: map[string]int64{}}
}

// packKey packs a key of up to 15 bytes.
func packKey(key string) ([2]uint64, bool) {
	var k [2]uint64
	if len(key) > 15 {
		return k, false
	}
	for i := 0; i < len(key); i++ {
		k[i/8] |= uint64(key[i]) << (8 * (i % 8))
	}
	k[1] |= uint64(len(key)) << 56
	return k, true
}

func (m keyIDs) get(key string) (int64, bool) {
	if k, ok := packKey(key); ok {
		id, ok := m.short[k]
		return id, ok
	}
	id, ok := m.long[key]
	return id, ok
}

func (m keyIDs) put(key string, id int64) {
	if k, ok := packKey(key); ok {
		m.short[k] = id
		return
	}
	m.long[key] = id
}

// sourceID returns the id of the source named name, creating it if needed.
func (b *Batch) sourceID(ctx context.Context, name string) (int64, error) {
	if id, ok := b.sources[name]; ok {
		return id, nil
	}
	id, err := b.id(ctx, `INSERT INTO sources (name) VALUES (?)
		ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id`, name)
	if err != nil {
		return 0, err
	}
	b.sources[name] = id
	return id, nil
}

// flush writes the buffered sales lines.
func (b *Batch) flush(ctx context.Context) error {
	n := b.rowsN
	if n == 0 {
		return nil
	}
	var res driver.Result
	var err error
	if n == salesChunk {
		k := [3]int64{b.rowsSource, int64(b.rowsRecent), 0}
		if b.rowsPacked {
			k[2] = 1
		}
		q, ok := b.insert[k]
		if !ok {
			q = insertSales(salesChunk, b.rowsSource, b.rowsRecent, b.rowsPacked)
			b.insert[k] = q
		}
		res, err = b.execRaw(ctx, q, b.rows)
	} else {
		res, err = b.tx.ExecContext(ctx, insertSales(n, b.rowsSource, b.rowsRecent, b.rowsPacked), b.rows...)
	}
	if err != nil {
		return err
	}
	if err := b.linesWritten(ctx, res, n); err != nil {
		return err
	}
	clear(b.rows) // let the values be collected
	b.rows, b.rowsN = b.rows[:0], 0
	return b.wrote(ctx, "sales", int64(n))
}

// wrote records that n rows of table were added or deleted, and drops the table's
// secondary indexes (but sales_recent) when the batch has touched enough of them: at least minBulkLines, and a
// bulkDivisor-th of the table.
func (b *Batch) wrote(ctx context.Context, table string, n int64) error {
	l := b.loads[table]
	if l == nil {
		l = &tableLoad{before: -1}
		b.loads[table] = l
	}
	l.touched += n
	if l.bulk || l.touched < minBulkLines {
		return nil
	}
	if l.before < 0 {
		if err := b.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM "`+table+`"`).Scan(&l.before); err != nil {
			return err
		}
	}
	if l.touched < l.before/bulkDivisor {
		return nil
	}
	names, creates, err := b.indexes(ctx, table)
	if err != nil {
		return err
	}
	for i, name := range names {
		if name == "sales_recent" {
			// Kept: the lines the load adds are not recent, so it costs nothing to
			// keep, where building it again reads the whole table.
			continue
		}
		if _, err := b.tx.ExecContext(ctx, `DROP INDEX "`+name+`"`); err != nil {
			return err
		}
		l.indexes = append(l.indexes, creates[i])
	}
	if table == "sales" {
		// Every line, the recent ones too, goes to sales_account_product when it is
		// built again (see sales_recent in the schema).
		if _, err := b.tx.ExecContext(ctx, `UPDATE sales SET recent = 0 WHERE recent = 1`); err != nil {
			return err
		}
	}
	l.bulk = true
	if table == "sales" {
		b.rebuildAll() // as cheap as updating the read model by so many lines
	}
	return nil
}

// indexes returns the names and CREATE statements of table's secondary indexes.
func (b *Batch) indexes(ctx context.Context, table string) (names, creates []string, err error) {
	rows, err := b.tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_schema
		WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name`, table)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var name, create string
		if err := rows.Scan(&name, &create); err != nil {
			return nil, nil, err
		}
		names, creates = append(names, name), append(creates, create)
	}
	return names, creates, rows.Err()
}

// foldRecent folds the recent sales lines into sales_account_product (see
// sales_recent in the schema) when they are at least minBulkLines and a bulkDivisor-th
// of the table: it drops the index, marks the lines, and builds it again.
func (b *Batch) foldRecent(ctx context.Context) error {
	if l := b.loads["sales"]; l != nil && l.bulk {
		return nil // folded when the indexes were dropped
	}
	var recent, top int64
	if err := b.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sales WHERE recent = 1`).Scan(&recent); err != nil {
		return err
	}
	if recent < minBulkLines {
		return nil
	}
	// The largest rowid stands for the table's size: counting its lines would read
	// every one.
	if err := b.tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(rowid), 0) FROM sales`).Scan(&top); err != nil {
		return err
	}
	if recent < top/bulkDivisor {
		return nil
	}
	var create string
	if err := b.tx.QueryRowContext(ctx, `SELECT sql FROM sqlite_schema WHERE name = 'sales_account_product'`).Scan(&create); err != nil {
		return err
	}
	for _, q := range []string{`DROP INDEX sales_account_product`, `UPDATE sales SET recent = 0 WHERE recent = 1`, create} {
		if _, err := b.tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// PutPotential stores p, replacing the potential of the same account and category.
func (b *Batch) PutPotential(ctx context.Context, p domain.Potential) error {
	err := b.put(ctx, upsertPotential, potentialArgs(p)...)
	if err != nil {
		return fmt.Errorf("sqlite: put potential %q/%q: %w", p.AccountID, p.Category, err)
	}
	return nil
}

// PutOpportunity stores o, replacing the opportunity with the same id.
func (b *Batch) PutOpportunity(ctx context.Context, o domain.Opportunity) error {
	err := b.put(ctx, upsertOpportunity, o.ID, o.AccountID, o.Category, o.Name, o.Value,
		o.Stage, o.Probability, dateArg(o.CloseDate), o.Competitor, o.NextStep)
	if err != nil {
		return fmt.Errorf("sqlite: put opportunity %q: %w", o.ID, err)
	}
	return nil
}

// DeleteOpportunity removes the opportunity with the id, if there is one, after the
// opportunities buffered before it are written; the facts of its account are rebuilt.
func (b *Batch) DeleteOpportunity(ctx context.Context, id string) error {
	if b.done {
		return fmt.Errorf("sqlite: delete opportunity %q: %w", id, sql.ErrTxDone)
	}
	if err := b.flushUpsert(ctx, upsertOpportunity); err != nil {
		return fmt.Errorf("sqlite: delete opportunity %q: %w", id, err)
	}
	var account string
	err := b.tx.QueryRowContext(ctx, `DELETE FROM opportunities WHERE opp_id = ? RETURNING account_id`, id).Scan(&account)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sqlite: delete opportunity %q: %w", id, err)
	}
	if b.delta != nil {
		b.delta.accountIDs[account] = true
	}
	return nil
}

// PutInvoice stores i, replacing the invoice with the same id.
func (b *Batch) PutInvoice(ctx context.Context, i domain.Invoice) error {
	if b.invoices != nil && b.invoices.valid {
		if err := b.copyInvoice(ctx, i); err != nil {
			return fmt.Errorf("sqlite: put invoice %q: %w", i.ID, err)
		}
	}
	err := b.put(ctx, upsertInvoice, i.ID, i.AccountID, dateArg(i.InvoiceDate),
		dateArg(i.DueDate), i.Amount, dateArg(i.PaidDate))
	if err != nil {
		return fmt.Errorf("sqlite: put invoice %q: %w", i.ID, err)
	}
	return nil
}

// copyInvoice adds i to the sorted copy of the invoices, or gives the copy up when
// i's dates would not read back as grade_facts reads them (see textDay).
func (b *Batch) copyInvoice(ctx context.Context, i domain.Invoice) error {
	account, err := b.lookup(ctx, b.accounts, "account", `SELECT id FROM accounts WHERE account_id = ?`, i.AccountID)
	if err != nil {
		if domain.ErrorCode(err) == domain.EINVALID {
			b.invoices.drop() // (the import fails on it)
			return nil
		}
		return err
	}
	paid := int64(openInvoice)
	if !i.PaidDate.IsZero() {
		paid = domain.DayNumber(i.PaidDate)
	}
	for _, t := range []time.Time{i.InvoiceDate, i.DueDate, i.PaidDate} {
		if y := t.Year(); !t.IsZero() && (y < 1000 || y > 9999) {
			b.invoices.drop()
			return nil
		}
	}
	if b.invoiceAccounts == nil {
		b.invoiceAccounts = map[int64]bool{}
	}
	b.invoiceAccounts[account] = true
	b.invoices.add(invoiceLine{acc: account, invoice: int32(domain.DayNumber(i.InvoiceDate)),
		due: int32(domain.DayNumber(i.DueDate)), paid: int32(paid), amount: i.Amount})
	return nil
}

// PutCommitment stores c, replacing the commitment of the same account, SKU and period.
func (b *Batch) PutCommitment(ctx context.Context, c domain.Commitment) error {
	err := b.put(ctx, upsertCommitment, c.AccountID, c.SKU, c.Period.String(), c.CommittedQty)
	if err != nil {
		return fmt.Errorf("sqlite: put commitment %q/%q/%s: %w", c.AccountID, c.SKU, c.Period, err)
	}
	return nil
}

// PutRFQ stores r, replacing the RFQ with the same id.
func (b *Batch) PutRFQ(ctx context.Context, r domain.RFQ) error {
	err := b.put(ctx, upsertRFQ, r.ID, r.AccountID, dateArg(r.Date), r.Category, r.Value, string(r.Outcome))
	if err != nil {
		return fmt.Errorf("sqlite: put RFQ %q: %w", r.ID, err)
	}
	return nil
}

// PutCompetitorOffer stores o, replacing the offer of the same competitor, SKU and
// account (empty for a market-wide offer).
func (b *Batch) PutCompetitorOffer(ctx context.Context, o domain.CompetitorOffer) error {
	err := b.put(ctx, upsertCompetitorOffer, offerArgs(o)...)
	if err != nil {
		return fmt.Errorf("sqlite: put competitor offer %q/%q/%q: %w", o.Competitor, o.SKU, o.AccountID, err)
	}
	return nil
}

// PutObjective stores o, replacing the objective of the same scope, key and year.
func (b *Batch) PutObjective(ctx context.Context, o domain.Objective) error {
	if err := b.put(ctx, upsertObjective, objectiveArgs(o)...); err != nil {
		return fmt.Errorf("sqlite: put objective %s %q %d: %w", o.Scope, o.Key, o.Year, err)
	}
	return nil
}

// Commit writes the buffered lines, builds again any index dropped for a bulk load,
// brings the read model up to date (the facts of the accounts the batch touched and
// the company's summaries, or all of it after a bulk load), increments the data
// version and commits. It returns the new data version. On error the batch is rolled
// back.
func (b *Batch) Commit(ctx context.Context) (version int64, err error) {
	if b.done {
		return 0, fmt.Errorf("sqlite: commit import: %w", sql.ErrTxDone)
	}
	b.done = true
	defer b.end(ctx)
	defer func() {
		if err != nil {
			b.tx.Rollback()
			err = fmt.Errorf("sqlite: commit import: %w", err)
		}
	}()
	if err := b.flush(ctx); err != nil {
		return 0, err
	}
	if err := b.flushUpserts(ctx); err != nil {
		return 0, err
	}
	if err := b.writeSpans(ctx); err != nil {
		return 0, err
	}
	var creates []string // the indexes to build again
	for _, l := range b.loads {
		creates = append(creates, l.indexes...)
	}
	rebuilt := false
	if b.delta == nil && b.lines != nil && b.lines.finish() {
		// The rebuild merges sorted runs, and builds the indexes meanwhile (see
		// writeFacts).
		if err := b.rebuildReadModel(ctx, creates); err != nil {
			return 0, fmt.Errorf("rebuild read model: %w", err)
		}
		creates, rebuilt = nil, true
	}
	if err := b.createIndexes(ctx, creates); err != nil {
		return 0, err
	}
	if err := b.foldRecent(ctx); err != nil {
		return 0, err
	}
	switch {
	case rebuilt:
	case b.delta == nil:
		if err := b.rebuildReadModel(ctx, nil); err != nil {
			return 0, fmt.Errorf("rebuild read model: %w", err)
		}
	case !b.delta.empty():
		if err := b.updateReadModel(ctx); err != nil {
			return 0, fmt.Errorf("update read model: %w", err)
		}
	}
	v, err := bumpVersion(ctx, b.tx)
	if err != nil {
		return 0, err
	}
	if err := b.tx.Commit(); err != nil {
		return 0, err
	}
	return v, nil
}

// createIndexes runs the CREATE INDEX statements creates.
func (b *Batch) createIndexes(ctx context.Context, creates []string) error {
	for _, create := range creates {
		if _, err := b.tx.ExecContext(ctx, create); err != nil {
			return err
		}
	}
	return nil
}

// Rollback discards the batch. It does nothing after Commit or Rollback, so it may be
// deferred.
func (b *Batch) Rollback() error {
	if b.done {
		return nil
	}
	b.done = true
	defer b.end(context.Background())
	if err := b.tx.Rollback(); err != nil {
		return fmt.Errorf("sqlite: roll back import: %w", err)
	}
	return nil
}

// end gives the writer connection back, in WAL mode again after a first load.
func (b *Batch) end(ctx context.Context) {
	if len(b.raw) > 0 {
		b.conn.Raw(func(any) error {
			for _, st := range b.raw {
				st.Close()
			}
			return nil
		})
	}
	if b.lines != nil {
		b.lines.close()
	}
	if b.invoices != nil {
		b.invoices.close()
	}
	if b.rollbackJournal {
		walAgain(context.WithoutCancel(ctx), b.conn)
	}
	b.conn.Close()
}

// busyTimeout is how long a write waits for another process's (busy_timeout).
const busyTimeout = 5 * time.Second

// busy reports whether err is SQLite's SQLITE_BUSY (or one of its extended codes):
// another connection held the write lock past the busy timeout.
func busy(err error) bool {
	var c interface{ Code() int }
	return errors.As(err, &c) && c.Code()&0xff == 5
}
