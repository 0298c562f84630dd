// Package postgres is Incumbent's store for several replicas: every record of the CSV
// exports in PostgreSQL, read by the computations through domain.Store and written by
// the CSV import in one transaction. It uses pgx through a pgxpool connection pool.
//
// It behaves as the SQLite store (adapters/sqlite) does, which the contract suite of
// adapters/storetest checks against both. Its schema is the SQLite one, migration for
// migration, with a smaller read model: the running totals of each account's sales per
// category, exact day sums per product and their running revenue, kept current in SQL by
// each import from what it changed (readmodel.go); the other sums are computed at query
// time.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// migrations holds the schema, one goose SQL file per version, numbered as the SQLite
// store's.
//
//go:embed migrations/*.sql
var migrations embed.FS

// Store is the PostgreSQL store. It is safe for concurrent use, and any number of
// processes may share one database.
type Store struct {
	pool *pgxpool.Pool

	importWait time.Duration // how long a write from chat waits; domain.ImportWait when 0
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

// Open connects to the database at url (postgres://…; pgx's parameters such as
// pool_max_conns and search_path apply) and brings its schema up to date. Migrations
// hold a PostgreSQL advisory lock, so replicas starting together migrate once.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse the database URL: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: migrate: %w", err)
	}
	return &Store{pool: pool}, nil
}

// migrate applies the pending migrations under goose's session advisory lock.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	// Replicas that lose the race for the lock retry every second (goose's default is
	// every 5 s) until the winner has migrated, for up to 5 minutes. The lock is the
	// schema's own: replicas of one deployment share it, while deployments (or tests)
	// in other schemas of the same database do not wait for each other's migrations.
	var schema string
	if err := pool.QueryRow(ctx, `SELECT COALESCE(current_schema(), '')`).Scan(&schema); err != nil {
		return err
	}
	h := fnv.New64a()
	h.Write([]byte(schema))
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300),
		lock.WithLockID(lock.DefaultLockID^int64(h.Sum64()>>1)))
	if err != nil {
		return err
	}
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys,
		goose.WithDisableGlobalRegistry(true), goose.WithSessionLocker(locker))
	if err != nil {
		return err
	}
	_, err = p.Up(ctx)
	return err
}

// Close closes the store's connections.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgres: ping: %w", err)
	}
	return nil
}

// DataVersion returns the data version: it increases with every committed write.
func (s *Store) DataVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := s.pool.QueryRow(ctx, `SELECT data_version FROM meta`).Scan(&v); err != nil {
		return 0, fmt.Errorf("postgres: data version: %w", err)
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
	rows, err := s.pool.Query(ctx, strings.Join(parts, " UNION ALL "))
	if err != nil {
		return nil, fmt.Errorf("postgres: row counts: %w", err)
	}
	counts := make(map[string]int64, len(tables))
	var t string
	var n int64
	_, err = pgx.ForEachRow(rows, []any{&t, &n}, func() error {
		counts[t] = n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: row counts: %w", err)
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
	err = s.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, upsertObjective.one, objectiveArgs(o)...)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: set objective: %w", err)
	}
	return nil
}

// SetPotential stores p, a potential set from chat (p.SetBy and p.SetAt say who set it
// and when), replacing the potential of the same account and category, and increments
// the data version; gaps read potentials from the table, so they see it at once.
// ENOTFOUND when there is no such account.
func (s *Store) SetPotential(ctx context.Context, p domain.Potential) error {
	if err := domain.CheckPotential(p); err != nil {
		return err
	}
	err := s.write(ctx, func(tx pgx.Tx) error {
		var found bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM accounts WHERE account_id = $1)`, p.AccountID).Scan(&found); err != nil {
			return err
		}
		if !found {
			return domain.Errorf(domain.ENOTFOUND, "There is no account %q.", p.AccountID)
		}
		_, err := tx.Exec(ctx, upsertPotential.one, potentialArgs(p)...)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: set potential %q/%q: %w", p.AccountID, p.Category, err)
	}
	return nil
}

// RecordCompetitorOffer stores an offer recorded from chat (o.SetBy and o.SetAt say who
// and when), replacing the offer of the same competitor, SKU and account, and increments
// the data version so that every gap and deal sees it at once.
func (s *Store) RecordCompetitorOffer(ctx context.Context, o domain.CompetitorOffer) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, upsertCompetitorOffer.one, offerArgs(o)...)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: record competitor offer: %w", err)
	}
	return nil
}

// write runs f in a transaction that also increments the data version (chatWrite).
func (s *Store) write(ctx context.Context, f func(tx pgx.Tx) error) error {
	return s.chatWrite(ctx, func(tx pgx.Tx) error {
		if err := f(tx); err != nil {
			return err
		}
		_, err := bumpVersion(ctx, tx)
		return err
	})
}

// SetImportWait sets how long a write from chat waits for the locks of a running import
// before it fails with domain.ErrImporting (domain.ImportWait unless set). Call it
// before the store is used.
func (s *Store) SetImportWait(d time.Duration) { s.importWait = d }

// lockNotAvailable is PostgreSQL's SQLSTATE of a lock_timeout that expired.
const lockNotAvailable = "55P03"

// chatWrite runs f, a write from chat, in a transaction whose lock_timeout is the import
// wait: a lock an import holds (the meta row, which every import locks, or a row it
// wrote) is waited for that long, then the write fails with domain.ErrImporting.
func (s *Store) chatWrite(ctx context.Context, f func(tx pgx.Tx) error) error {
	wait := s.importWait
	if wait <= 0 {
		wait = domain.ImportWait
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, fmt.Sprintf("SET LOCAL lock_timeout = %d", max(1, wait.Milliseconds()))); err != nil {
			return err
		}
		return f(tx)
	})
	if pe, ok := errors.AsType[*pgconn.PgError](err); ok && pe.Code == lockNotAvailable {
		return domain.ErrImporting
	}
	return err
}

// bumpVersion increments the data version in tx and returns the new one. The row lock
// it takes also orders concurrent writers.
func bumpVersion(ctx context.Context, tx pgx.Tx) (int64, error) {
	var v int64
	err := tx.QueryRow(ctx, `UPDATE meta SET data_version = data_version + 1 RETURNING data_version`).Scan(&v)
	return v, err
}

// notFound maps pgx.ErrNoRows to an ENOTFOUND error saying msg.
func notFound(err error, msg string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.Errorf(domain.ENOTFOUND, "%s", msg)
	}
	return err
}

// fromDayNumber is the date of a day number (days since 1970-01-01, see
// domain.DayNumber): how sales dates are stored.
func fromDayNumber(n int64) time.Time { return time.Unix(n*86400, 0).UTC() }

// dateArg is a date parameter: NULL when zero.
func dateArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return domain.Day(t)
}
