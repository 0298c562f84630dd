package memory

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// DataStore is Incumbent's store of records in this process's memory: what the SQLite
// store keeps in a file, with the same results to the bit (the same orders, the same
// sums in the same order, SQLite's own summation where SQLite sums), so that a test of
// the bot needs neither a database nor the binary. It is safe for concurrent use.
//
// The records are one immutable snapshot (tables), replaced whole by every write: a
// reader takes the current snapshot and is never blocked, and sees the last committed
// state. Writes (an import batch, an objective or offer from chat, digest settings)
// take turns, one at a time, as SQLite's one writer does. A batch copies only the
// tables it writes to, and its commit builds the read model again from the new tables,
// as the SQLite store's does (adapters/sqlite/readmodel.go).
//
// Gradings, scenarios, conversations, digest snapshots and digest deliveries are kept
// apart (state), under a mutex of their own: they are not data the figures read.
type DataStore struct {
	cur   atomic.Pointer[tables]
	write chan struct{} // holds a token while a writer writes
	state state

	importWait time.Duration // how long a write from chat waits; domain.ImportWait when 0
}

// NewDataStore returns an empty store at data version 0.
func NewDataStore() *DataStore {
	s := &DataStore{write: make(chan struct{}, 1)}
	s.cur.Store(newTables())
	return s
}

// The interfaces DataStore implements. teams' ConversationStore and csvimport's Store,
// which memory may not import, are checked by the contract suite's storetest.Store.
var (
	_ domain.Store             = (*DataStore)(nil)
	_ domain.GradingStore      = (*DataStore)(nil)
	_ bot.ObjectiveWriter      = (*DataStore)(nil)
	_ bot.OfferWriter          = (*DataStore)(nil)
	_ bot.PotentialWriter      = (*DataStore)(nil)
	_ bot.ScenarioStore        = (*DataStore)(nil)
	_ bot.DigestSnapshotStore  = (*DataStore)(nil)
	_ bot.DigestSettingsWriter = (*DataStore)(nil)
	_ bot.DigestDeliveryStore  = (*DataStore)(nil)
	_ bot.AlertStore           = (*DataStore)(nil)
)

// lock waits until no other writer writes, or ctx is done.
func (s *DataStore) lock(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case s.write <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *DataStore) unlock() { <-s.write }

// SetImportWait sets how long a write from chat waits for a running import before it
// fails with domain.ErrImporting (domain.ImportWait unless set). Call it before the
// store is used.
func (s *DataStore) SetImportWait(d time.Duration) { s.importWait = d }

// lockWrite is lock for a write from chat: it waits at most the import wait, then fails
// with domain.ErrImporting; it returns ctx's error when ctx ends first.
func (s *DataStore) lockWrite(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	wait := s.importWait
	if wait <= 0 {
		wait = domain.ImportWait
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case s.write <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return domain.ErrImporting
	}
}

// snapshot returns the last committed tables.
func (s *DataStore) snapshot() *tables { return s.cur.Load() }

// update runs change on a copy of the current tables under the write lock and stores
// the copy; it waits for the lock as a write from chat does (lockWrite). change copies whatever table it changes (tables are shared between
// snapshots) and returns an error to leave the store as it was.
func (s *DataStore) update(ctx context.Context, change func(t *tables) error) error {
	if err := s.lockWrite(ctx); err != nil {
		return err
	}
	defer s.unlock()
	t := *s.snapshot()
	if err := change(&t); err != nil {
		return err
	}
	s.cur.Store(&t)
	return nil
}

// tables are one snapshot of every record, with the indexes the reads use and the read
// model of the figures. A snapshot is never changed once stored: a write makes a copy,
// which shares the tables (maps and slices) it does not change.
type tables struct {
	version int64

	territories map[string]domain.Territory
	people      map[string]domain.Person
	accounts    map[string]account // by id
	products    map[string]product // by SKU
	potentials  map[potentialKey]domain.Potential
	opps        map[string]opportunity // by id
	invoices    map[string]domain.Invoice
	commitments map[commitmentKey]domain.Commitment
	rfqs        map[string]rfq // by id
	offers      map[offerKey]domain.CompetitorOffer
	objectives  map[objectiveKey]domain.Objective

	// sales are the sales lines by account (its seq), each account's sorted as SQLite's
	// read index sales_account_product orders them: by product (its seq), day, amount,
	// cost and quantity. Their count, each source's count, and the first and last days.
	sales       map[int64][]line
	salesLines  int64
	sources     map[string]int64 // source file name → id
	sourceLines map[int64]int64  // lines by source id
	salesDays   *[2]int64        // first and last day; nil when there is no line

	// seq numbers records as SQLite's integer ids do: in the order first stored.
	seq struct{ accounts, products, sources, opps, rfqs int64 }

	idx   indexes
	model *readModel
}

// newTables returns empty tables.
func newTables() *tables {
	t := &tables{
		territories: map[string]domain.Territory{},
		people:      map[string]domain.Person{},
		accounts:    map[string]account{},
		products:    map[string]product{},
		potentials:  map[potentialKey]domain.Potential{},
		opps:        map[string]opportunity{},
		invoices:    map[string]domain.Invoice{},
		commitments: map[commitmentKey]domain.Commitment{},
		rfqs:        map[string]rfq{},
		offers:      map[offerKey]domain.CompetitorOffer{},
		objectives:  map[objectiveKey]domain.Objective{},
		sales:       map[int64][]line{},
		sources:     map[string]int64{},
		sourceLines: map[int64]int64{},
		model:       &readModel{},
	}
	t.reindex(^touched(0))
	return t
}

// account is an account and its seq (SQLite's accounts.id), with the name keys it is
// found by.
type account struct {
	domain.Account
	seq      int64
	nameKeys []string
}

// product is a product and its seq (SQLite's products.id).
type product struct {
	domain.Product
	seq int64
}

// opportunity and rfq keep the order their rows were first stored (SQLite's rowid),
// the order SQLite sums and reads them in.
type opportunity struct {
	domain.Opportunity
	seq int64
}

type rfq struct {
	domain.RFQ
	seq int64
}

type (
	potentialKey  struct{ account, category string }
	commitmentKey struct {
		account, sku string
		period       domain.Month
	}
	offerKey     struct{ competitor, sku, account string }
	objectiveKey struct {
		scope domain.ObjectiveScope
		key   string
		year  int
	}
)

// line is one sales line: the product's seq, the day number, and the sums.
type line struct {
	product, day, source   int64
	quantity, amount, cost float64
}

// compareLines orders lines as sales_account_product does (after the account).
func compareLines(a, b line) int {
	switch {
	case a.product != b.product:
		return cmpInt(a.product, b.product)
	case a.day != b.day:
		return cmpInt(a.day, b.day)
	case a.amount != b.amount:
		return cmpFloat(a.amount, b.amount)
	case a.cost != b.cost:
		return cmpFloat(a.cost, b.cost)
	}
	return cmpFloat(a.quantity, b.quantity)
}

func cmpInt(a, b int64) int {
	if a < b {
		return -1
	}
	if a > b {
		return 1
	}
	return 0
}

func cmpFloat(a, b float64) int {
	if a < b {
		return -1
	}
	if a > b {
		return 1
	}
	return 0
}

// The values SQLite gives back are not always the values given: these make them so.

// sqlReal is a REAL column's value: SQLite writes a REAL without a fraction as an
// integer, so -0 comes back as 0.
func sqlReal(v float64) float64 {
	if v == 0 {
		return 0
	}
	return v
}

// date is a date column's value: the date of t (in its own location) at midnight UTC,
// as written 'YYYY-MM-DD' and parsed back; zero stays zero.
func date(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return domain.Day(t)
}

// instant is a time written in RFC 3339 and parsed back: in UTC; zero stays zero.
func instant(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

// joinedAliases are aliases written ';'-joined and read back split.
func joinedAliases(aliases []string) []string {
	joined := strings.Join(aliases, ";")
	if joined == "" {
		return nil
	}
	return strings.Split(joined, ";")
}

// DataVersion returns the data version: it increases with every committed write.
func (s *DataStore) DataVersion(context.Context) (int64, error) {
	return s.snapshot().version, nil
}

// RowCounts returns the number of records of every table, by SQLite's table names.
func (s *DataStore) RowCounts(context.Context) (map[string]int64, error) {
	t := s.snapshot()
	return map[string]int64{
		"territories":       int64(len(t.territories)),
		"people":            int64(len(t.people)),
		"accounts":          int64(len(t.accounts)),
		"products":          int64(len(t.products)),
		"sources":           int64(len(t.sources)),
		"sales":             t.salesLines,
		"potentials":        int64(len(t.potentials)),
		"opportunities":     int64(len(t.opps)),
		"invoices":          int64(len(t.invoices)),
		"commitments":       int64(len(t.commitments)),
		"rfqs":              int64(len(t.rfqs)),
		"competitor_offers": int64(len(t.offers)),
		"objectives":        int64(len(t.objectives)),
	}, nil
}

// SetObjective stores o, replacing the objective of the same scope, key and year, and
// increments the data version. Chat uses it; o.SetBy and o.SetAt say who set it when.
func (s *DataStore) SetObjective(ctx context.Context, o domain.Objective) error {
	o, err := domain.CheckObjective(o)
	if err != nil {
		return err
	}
	err = s.update(ctx, func(t *tables) error {
		t.objectives = maps.Clone(t.objectives)
		putObjective(t.objectives, o)
		t.reindex(tObjectives)
		t.version++
		return nil
	})
	if err != nil {
		return fmt.Errorf("memory: set objective: %w", err)
	}
	return nil
}

// RecordCompetitorOffer stores an offer recorded from chat (o.SetBy and o.SetAt say who
// and when), replacing the offer of the same competitor, SKU and account, and increments
// the data version so that every gap and deal sees it at once.
func (s *DataStore) RecordCompetitorOffer(ctx context.Context, o domain.CompetitorOffer) error {
	err := s.update(ctx, func(t *tables) error {
		t.offers = maps.Clone(t.offers)
		putOffer(t.offers, o)
		t.reindex(tOffers)
		t.version++
		return nil
	})
	if err != nil {
		return fmt.Errorf("memory: record competitor offer: %w", err)
	}
	return nil
}

// SetPotential stores p, a potential set from chat (p.SetBy and p.SetAt say who set it
// and when), replacing the potential of the same account and category, and increments
// the data version. The account's gap facts take it at once, as the SQLite store's do
// (its category's entry rewritten, or added with no sales); an account without gap facts
// yet has the read model built again. ENOTFOUND when there is no such account.
func (s *DataStore) SetPotential(ctx context.Context, p domain.Potential) error {
	if err := domain.CheckPotential(p); err != nil {
		return err
	}
	err := s.update(ctx, func(t *tables) error {
		if _, ok := t.accounts[p.AccountID]; !ok {
			return domain.Errorf(domain.ENOTFOUND, "There is no account %q.", p.AccountID)
		}
		t.potentials = maps.Clone(t.potentials)
		putPotential(t.potentials, p)
		t.reindex(tPotentials)
		if m, ok := t.model.withPotential(t.potentials[potentialKey{p.AccountID, p.Category}]); ok {
			t.model = m
		} else {
			m, err := buildReadModel(t)
			if err != nil {
				return err
			}
			t.model = m
		}
		t.version++
		return nil
	})
	if err != nil {
		return fmt.Errorf("memory: set potential: %w", err)
	}
	return nil
}

// SetDigestSettings changes the digest schedule of the territory named t.Name: its
// channel, time zone, day and hour (its manager is left as it is). It does not change the
// data version: the figures do not read it. ENOTFOUND when there is no such territory.
func (s *DataStore) SetDigestSettings(ctx context.Context, t domain.Territory) error {
	if err := domain.CheckDigestSettings(t); err != nil {
		return err
	}
	return s.update(ctx, func(tb *tables) error {
		was, ok := tb.territories[t.Name]
		if !ok {
			return domain.Errorf(domain.ENOTFOUND, "There is no territory %q.", t.Name)
		}
		was.DigestChannel, was.Timezone, was.DigestDay, was.DigestHour = t.DigestChannel, t.Timezone, t.DigestDay, t.DigestHour
		tb.territories = maps.Clone(tb.territories)
		tb.territories[t.Name] = was
		tb.reindex(tTerritories)
		return nil
	})
}

// putPotential, putObjective and putOffer store a record as SQLite's upsert does.
func putPotential(m map[potentialKey]domain.Potential, p domain.Potential) {
	p.AnnualPotential, p.SetAt = sqlReal(p.AnnualPotential), instant(p.SetAt)
	m[potentialKey{p.AccountID, p.Category}] = p
}

func putObjective(m map[objectiveKey]domain.Objective, o domain.Objective) {
	o.RevenueTarget, o.GPTarget, o.SetAt = sqlReal(o.RevenueTarget), sqlReal(o.GPTarget), instant(o.SetAt)
	m[objectiveKey{o.Scope, o.Key, o.Year}] = o
}

func putOffer(m map[offerKey]domain.CompetitorOffer, o domain.CompetitorOffer) {
	o.Price, o.UsesPerUnit, o.ChangeCost, o.SetAt = sqlReal(o.Price), sqlReal(o.UsesPerUnit), sqlReal(o.ChangeCost), instant(o.SetAt)
	m[offerKey{o.Competitor, o.SKU, o.AccountID}] = o
}

// state is what the store keeps beside the records.
type state struct {
	mu            sync.Mutex
	gradings      map[gradingKey]grading
	scenarios     []storedScenario // scenario id i+1 at i
	conversations map[[2]string]storedConversation
	snapshots     map[string]map[string][]byte         // territory → week → JSON
	deliveries    map[[2]string]*domain.DigestDelivery // digests: territory, week
	alerts        map[[2]string]*domain.DigestDelivery // alerts: person, day
	syncs         map[[2]string]*domain.DigestDelivery // CRM sync runs: crm, slot
	syncStates    map[string][]byte                    // CRM → domain.SyncState as JSON
	alertSettings map[string]domain.AlertSettings      // by email, lower case
	alertStates   map[string]domain.AlertState         // by email, lower case
}
