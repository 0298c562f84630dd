// Package sqlite is Incumbent's embedded store: every record of the CSV exports in one
// SQLite file, read by the computations through domain.Store and written by the CSV
// import in one transaction. It uses modernc.org/sqlite, so it needs no cgo.
//
// The file is in WAL mode so that an import never blocks the readers: a Store holds one
// pool of read-only connections and a single writer connection, which serialises the
// writes of this process; BEGIN IMMEDIATE and a busy timeout serialise them with other
// processes.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// migrations holds the schema, one goose SQL file per version.
//
// Migrations run with goose: it is maintained, reads its migrations from an embedded
// fs.FS, keeps the applied versions in a table of the database itself, and is the same
// mechanism the PostgreSQL adapter will use, where its advisory-lock session locker
// keeps replicas that start together from migrating twice.
//
//go:embed migrations/*.sql
var migrations embed.FS

// Connection settings. Every connection waits up to 5 s for a lock held by another
// process. The writer begins its transactions with BEGIN IMMEDIATE, puts the file in WAL
// mode, keeps synchronous NORMAL (in WAL, a power loss may lose the last commits but
// never corrupts the file), lets index builds sort on up to 4 threads, and truncates the
// WAL a large import leaves behind to 64 MiB. Its 16 MiB page cache is a measured
// choice: a larger one made CREATE INDEX slower. Readers are query-only and read the
// file through SQLite's page cache, not a memory map: a 1 GiB map made the scan of all
// accounts' sales ~10% faster, but every page a process had touched counted in its
// resident memory (760 MB to build every territory's digest at N=20000, against 210 MB
// without), and a server must stay small (docs/PERFORMANCE.md).
const (
	writerPragmas = "_txlock=immediate" +
		"&_pragma=busy_timeout(5000)" +
		"&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(NORMAL)" +
		"&_pragma=threads(4)" +
		"&_pragma=cache_size(-16384)" +
		"&_pragma=journal_size_limit(67108864)"
	readerPragmas = "_pragma=busy_timeout(5000)" +
		"&_pragma=cache_size(-8192)" +
		"&_pragma=mmap_size(0)" +
		"&_pragma=query_only(1)"
)

// Store is the SQLite store. It is safe for concurrent use.
type Store struct {
	db *sql.DB // read-only connections
	w  *sql.DB // the one writer connection

	importWait time.Duration // how long a write from chat waits; domain.ImportWait when 0
	readers    int           // the most connections db keeps open
	dir        string        // the file's directory, for an import's temporary files
}

// The interfaces Store implements. The ones another adapter declares (teams'
// ConversationStore, csvimport's Store) are checked where cmd/incumbent wires them.
var (
	_ domain.Store             = (*Store)(nil)
	_ domain.GradingStore      = (*Store)(nil)
	_ bot.ObjectiveWriter      = (*Store)(nil)
	_ bot.OfferWriter          = (*Store)(nil)
	_ bot.PotentialWriter      = (*Store)(nil)
	_ bot.ScenarioStore        = (*Store)(nil)
	_ bot.DigestSnapshotStore  = (*Store)(nil)
	_ bot.DigestSettingsWriter = (*Store)(nil)
	_ bot.DigestDeliveryStore  = (*Store)(nil)
	_ bot.AlertStore           = (*Store)(nil)
)

// Open opens the SQLite file at path, creating it if needed, and brings its schema up to
// date.
func Open(ctx context.Context, path string) (*Store, error) {
	w, err := sql.Open("sqlite", dsn(path, writerPragmas))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	if err := migrate(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: migrate %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", dsn(path, readerPragmas))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	// Reads are CPU-bound, and each connection keeps a page cache of its own (up to
	// cache_size): more connections than twice the CPUs only add memory. Beyond them a
	// query waits for a connection; a burst of commands then queues instead of growing
	// the process (docs/PERFORMANCE.md, "Load").
	readers := max(4, 2*runtime.GOMAXPROCS(0))
	db.SetMaxOpenConns(readers)
	db.SetMaxIdleConns(readers)
	if err := db.PingContext(ctx); err != nil {
		w.Close()
		db.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	st := &Store{db: db, w: w, readers: readers, dir: fileDir(path)}
	if err := st.upgradeReadModel(ctx); err != nil {
		st.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return st, nil
}

// upgradeReadModel rebuilds the read model when it was built with another layout than
// this build's (a file imported by an earlier version): the new tables would be empty
// until the next import otherwise.
func (s *Store) upgradeReadModel(ctx context.Context) error {
	var layout int
	var data bool
	err := s.w.QueryRowContext(ctx, `SELECT read_model, EXISTS (SELECT 1 FROM accounts) FROM meta`).Scan(&layout, &data)
	if err != nil {
		return fmt.Errorf("read model layout: %w", err)
	}
	if layout == readModelLayout {
		return nil
	}
	if !data {
		_, err := s.w.ExecContext(ctx, `UPDATE meta SET read_model = ?`, readModelLayout)
		return err
	}
	batch, err := s.BeginImport(ctx)
	if err != nil {
		return err
	}
	b := batch.(*Batch)
	defer b.Rollback()
	b.rebuildAll()
	if _, err := b.Commit(ctx); err != nil {
		return fmt.Errorf("rebuild the read model: %w", err)
	}
	return nil
}

// fileDir returns the directory of the database file at path, "" (the system's
// temporary directory) for an in-memory database or a URI.
func fileDir(path string) string {
	if path == "" || strings.HasPrefix(path, ":memory:") || strings.HasPrefix(path, "file:") {
		return ""
	}
	return filepath.Dir(path)
}

// dsn returns the file: URI of path with the driver parameters in query.
func dsn(path, query string) string {
	r := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")
	return "file:" + r.Replace(path) + "?" + query
}

// migrate applies the pending migrations.
func migrate(ctx context.Context, db *sql.DB) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return err
	}
	_, err = p.Up(ctx)
	return err
}

// Close closes the store's connections.
func (s *Store) Close() error {
	err := s.db.Close()
	if werr := s.w.Close(); err == nil {
		err = werr
	}
	return err
}

// DataVersion returns the data version: it increases with every committed write.
func (s *Store) DataVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := s.db.QueryRowContext(ctx, `SELECT data_version FROM meta`).Scan(&v); err != nil {
		return 0, fmt.Errorf("sqlite: data version: %w", err)
	}
	return v, nil
}

// tables lists the tables RowCounts counts.
var tables = []string{
	"territories", "people", "accounts", "products", "sources", "sales", "potentials",
	"opportunities", "invoices", "commitments", "rfqs", "competitor_offers", "objectives",
}

// RowCounts returns the number of rows of every table, by table name, read in one
// snapshot.
func (s *Store) RowCounts(ctx context.Context) (map[string]int64, error) {
	parts := make([]string, len(tables))
	for i, t := range tables {
		parts[i] = fmt.Sprintf("SELECT '%s', COUNT(*) FROM %s", t, t)
	}
	rows, err := s.db.QueryContext(ctx, strings.Join(parts, " UNION ALL "))
	if err != nil {
		return nil, fmt.Errorf("sqlite: row counts: %w", err)
	}
	defer rows.Close()
	counts := make(map[string]int64, len(tables))
	for rows.Next() {
		var t string
		var n int64
		if err := rows.Scan(&t, &n); err != nil {
			return nil, fmt.Errorf("sqlite: row counts: %w", err)
		}
		counts[t] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: row counts: %w", err)
	}
	return counts, nil
}

// SetObjective stores o, replacing the objective of the same scope, key and year, and
// increments the data version. Chat uses it; o.SetBy and o.SetAt say who set it when.
func (s *Store) SetObjective(ctx context.Context, o domain.Objective) error {
	o, err := domain.CheckObjective(o)
	if err != nil {
		return err
	}
	conn, err := s.writer(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: set objective: %w", err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: set objective: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, upsertObjective.one, objectiveArgs(o)...); err != nil {
		return fmt.Errorf("sqlite: set objective: %w", err)
	}
	if _, err := bumpVersion(ctx, tx); err != nil {
		return fmt.Errorf("sqlite: set objective: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: set objective: %w", err)
	}
	return nil
}

// RecordCompetitorOffer stores an offer recorded from chat (o.SetBy and o.SetAt say who
// and when), replacing the offer of the same competitor, SKU and account, and increments
// the data version so that every gap and deal sees it at once.
func (s *Store) RecordCompetitorOffer(ctx context.Context, o domain.CompetitorOffer) error {
	conn, err := s.writer(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: record competitor offer: %w", err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: record competitor offer: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, upsertCompetitorOffer.one, offerArgs(o)...); err != nil {
		return fmt.Errorf("sqlite: record competitor offer: %w", err)
	}
	if _, err := bumpVersion(ctx, tx); err != nil {
		return fmt.Errorf("sqlite: record competitor offer: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: record competitor offer: %w", err)
	}
	return nil
}

// SetImportWait sets how long a write from chat waits for the writer connection, held
// by a running import, before it fails with domain.ErrImporting (domain.ImportWait
// unless set). Call it before the store is used.
func (s *Store) SetImportWait(d time.Duration) { s.importWait = d }

// writer returns the writer connection for a write from chat, waiting for it at most
// the import wait: then it fails with domain.ErrImporting. When ctx ends first, it
// returns ctx's error. The caller closes the connection.
func (s *Store) writer(ctx context.Context) (*sql.Conn, error) {
	wait := s.importWait
	if wait <= 0 {
		wait = domain.ImportWait
	}
	wctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	conn, err := s.w.Conn(wctx)
	if err != nil && ctx.Err() == nil && wctx.Err() != nil {
		return nil, domain.ErrImporting
	}
	return conn, err
}

// bumpVersion increments the data version in tx and returns the new one.
func bumpVersion(ctx context.Context, tx *sql.Tx) (int64, error) {
	var v int64
	err := tx.QueryRowContext(ctx,
		`UPDATE meta SET data_version = data_version + 1 RETURNING data_version`).Scan(&v)
	return v, err
}

// Dates other than sales days are stored as 'YYYY-MM-DD' text, NULL when zero.

func dateArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format(domain.DateLayout)
}

func parseDate(s sql.NullString) (time.Time, error) {
	if !s.Valid || s.String == "" {
		return time.Time{}, nil
	}
	return time.Parse(domain.DateLayout, s.String)
}

// fromDayNumber is the date of a day number (days since 1970-01-01, see
// domain.DayNumber): how sales dates are stored.
func fromDayNumber(n int64) time.Time { return time.Unix(n*86400, 0).UTC() }
