package memory

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/incumbent/incumbent/domain"
)

// errBatchDone is what a batch answers once committed or rolled back.
var errBatchDone = errors.New("memory: the import batch is already committed or rolled back")

// Batch is one import transaction: see domain.ImportBatch. It holds the store's write
// lock from BeginImport to Commit or Rollback, and writes into a copy of the tables
// that readers do not see until Commit. It is not safe for concurrent use.
type Batch struct {
	s    *DataStore
	t    tables  // the copy being written
	own  touched // the tables of t copied already (the others are the snapshot's)
	done bool

	// Sales lines: those added, by source id, and the sources whose stored lines are
	// replaced (deleted at Commit).
	added    map[int64][]addedLine
	replaced map[int64]bool
	// salesTouched is set when a line is added or deleted; rebuild when potentials,
	// opportunities, invoices, commitments or RFQs are written, a stored product
	// changes category or unit cost, or a stored account changes territory or industry.
	// Either rebuilds the read model at Commit, as the SQLite store does.
	salesTouched, rebuild bool
}

var _ domain.ImportBatch = (*Batch)(nil)

// addedLine is a line added by the batch, with its account's seq.
type addedLine struct {
	account int64
	line
}

// BeginImport starts an import: it waits until no other write is under way (or ctx is
// done), and returns the batch that writes it.
func (s *DataStore) BeginImport(ctx context.Context) (domain.ImportBatch, error) {
	if err := s.lock(ctx); err != nil {
		return nil, fmt.Errorf("memory: begin import: %w", err)
	}
	return &Batch{s: s, t: *s.snapshot(), added: map[int64][]addedLine{}, replaced: map[int64]bool{}}, nil
}

// write readies table (one bit of touched) of the batch's copy for writing: the first
// time, clone copies it.
func (b *Batch) write(table touched, clone func()) error {
	if b.done {
		return errBatchDone
	}
	if b.own&table == 0 {
		clone()
		b.own |= table
	}
	return nil
}

// PutTerritory stores t, replacing the territory of the same name.
func (b *Batch) PutTerritory(_ context.Context, t domain.Territory) error {
	if err := b.write(tTerritories, func() { b.t.territories = maps.Clone(b.t.territories) }); err != nil {
		return err
	}
	b.t.territories[t.Name] = t
	return nil
}

// PutPerson stores p, replacing the person with the same email.
func (b *Batch) PutPerson(_ context.Context, p domain.Person) error {
	if err := b.write(tPeople, func() { b.t.people = maps.Clone(b.t.people) }); err != nil {
		return err
	}
	b.t.people[p.Email] = p
	return nil
}

// PutAccount stores a, replacing the account with the same id (which keeps its seq).
func (b *Batch) PutAccount(_ context.Context, a domain.Account) error {
	if err := b.write(tAccounts, func() { b.t.accounts = maps.Clone(b.t.accounts) }); err != nil {
		return err
	}
	a.Aliases = joinedAliases(a.Aliases)
	was, ok := b.t.accounts[a.ID]
	if ok && (was.Territory != a.Territory || was.Industry != a.Industry) {
		b.rebuild = true // the facts are by territory, the best sellers by industry
	}
	if !ok {
		b.t.seq.accounts++
		was.seq = b.t.seq.accounts
	}
	b.t.accounts[a.ID] = account{Account: a, seq: was.seq, nameKeys: nameKeys(a)}
	return nil
}

// PutProduct stores p, replacing the product with the same SKU (which keeps its seq).
func (b *Batch) PutProduct(_ context.Context, p domain.Product) error {
	if err := b.write(tProducts, func() { b.t.products = maps.Clone(b.t.products) }); err != nil {
		return err
	}
	p.ListPrice, p.UnitCost, p.UsesPerUnit = sqlReal(p.ListPrice), sqlReal(p.UnitCost), sqlReal(p.UsesPerUnit)
	was, ok := b.t.products[p.SKU]
	if ok && (was.Category != p.Category || was.UnitCost != p.UnitCost) {
		b.rebuild = true // the gap facts group by category; commitments carry the unit cost
	}
	if !ok {
		b.t.seq.products++
		was.seq = b.t.seq.products
	}
	b.t.products[p.SKU] = product{Product: p, seq: was.seq}
	return nil
}

// sourceID returns the id of the source named name, storing it if needed.
func (b *Batch) sourceID(name string) (int64, error) {
	if b.done {
		return 0, errBatchDone
	}
	if id, ok := b.t.sources[name]; ok {
		return id, nil
	}
	// The sources are copied here, the lines at Commit.
	if err := b.write(tSales, func() { b.t.sources = maps.Clone(b.t.sources) }); err != nil {
		return 0, err
	}
	b.t.seq.sources++
	b.t.sources[name] = b.t.seq.sources
	return b.t.seq.sources, nil
}

// ReplaceSales deletes every sales line imported from the file named source, including
// those added to this batch so far.
func (b *Batch) ReplaceSales(_ context.Context, source string) error {
	id, err := b.sourceID(source)
	if err != nil {
		return fmt.Errorf("memory: replace sales of %s: %w", source, err)
	}
	n := len(b.added[id])
	if !b.replaced[id] {
		n += int(b.t.sourceLines[id])
	}
	if n == 0 {
		return nil
	}
	delete(b.added, id)
	if b.t.sourceLines[id] > 0 {
		b.replaced[id] = true
	}
	b.salesTouched = true
	return nil
}

// AddSale adds one sales line. Its account and product must be stored already, by this
// batch or an earlier one.
func (b *Batch) AddSale(_ context.Context, s domain.Sale) error {
	if b.done {
		return fmt.Errorf("memory: add sale: %w", errBatchDone)
	}
	a, ok := b.t.accounts[s.AccountID]
	if !ok {
		return fmt.Errorf("memory: add sale: %w", domain.Errorf(domain.EINVALID, "A sales line refers to account %q, which is not stored.", s.AccountID))
	}
	p, ok := b.t.products[s.SKU]
	if !ok {
		return fmt.Errorf("memory: add sale: %w", domain.Errorf(domain.EINVALID, "A sales line refers to product %q, which is not stored.", s.SKU))
	}
	src, err := b.sourceID(s.Source)
	if err != nil {
		return fmt.Errorf("memory: add sale: source %q: %w", s.Source, err)
	}
	b.added[src] = append(b.added[src], addedLine{account: a.seq, line: line{
		product: p.seq, day: domain.DayNumber(s.Date), source: src,
		quantity: sqlReal(s.Quantity), amount: sqlReal(s.Amount), cost: sqlReal(s.Cost),
	}})
	b.salesTouched = true
	return nil
}

// put stores one keyed record of a table the read model carries.
func put[K comparable, V any](b *Batch, table touched, m *map[K]V, key K, v V) error {
	if err := b.write(table, func() { *m = maps.Clone(*m) }); err != nil {
		return err
	}
	(*m)[key] = v
	switch table {
	case tPotentials, tOpps, tInvoices, tCommitments, tRFQs:
		b.rebuild = true // the account facts or the grade facts carry them
	}
	return nil
}

// PutPotential stores p, replacing the potential of the same account and category.
func (b *Batch) PutPotential(_ context.Context, p domain.Potential) error {
	p.AnnualPotential, p.SetAt = sqlReal(p.AnnualPotential), instant(p.SetAt)
	return put(b, tPotentials, &b.t.potentials, potentialKey{p.AccountID, p.Category}, p)
}

// PutOpportunity stores o, replacing the opportunity with the same id (which keeps the
// place it was first stored at).
func (b *Batch) PutOpportunity(_ context.Context, o domain.Opportunity) error {
	o.Value, o.Probability, o.CloseDate = sqlReal(o.Value), sqlReal(o.Probability), date(o.CloseDate)
	was, ok := b.t.opps[o.ID]
	if !ok {
		b.t.seq.opps++
		was.seq = b.t.seq.opps
	}
	return put(b, tOpps, &b.t.opps, o.ID, opportunity{Opportunity: o, seq: was.seq})
}

// DeleteOpportunity removes the opportunity with the id, if there is one.
func (b *Batch) DeleteOpportunity(_ context.Context, id string) error {
	if b.done {
		return fmt.Errorf("memory: delete opportunity: %w", errBatchDone)
	}
	if _, ok := b.t.opps[id]; !ok {
		return nil
	}
	if err := b.write(tOpps, func() { b.t.opps = maps.Clone(b.t.opps) }); err != nil {
		return err
	}
	delete(b.t.opps, id)
	b.rebuild = true
	return nil
}

// PutInvoice stores i, replacing the invoice with the same id.
func (b *Batch) PutInvoice(_ context.Context, i domain.Invoice) error {
	i.InvoiceDate, i.DueDate, i.PaidDate, i.Amount = date(i.InvoiceDate), date(i.DueDate), date(i.PaidDate), sqlReal(i.Amount)
	return put(b, tInvoices, &b.t.invoices, i.ID, i)
}

// PutCommitment stores c, replacing the commitment of the same account, SKU and period.
func (b *Batch) PutCommitment(_ context.Context, c domain.Commitment) error {
	c.CommittedQty = sqlReal(c.CommittedQty)
	return put(b, tCommitments, &b.t.commitments, commitmentKey{c.AccountID, c.SKU, c.Period}, c)
}

// PutRFQ stores r, replacing the RFQ with the same id (which keeps the place it was
// first stored at).
func (b *Batch) PutRFQ(_ context.Context, r domain.RFQ) error {
	r.Date, r.Value = date(r.Date), sqlReal(r.Value)
	was, ok := b.t.rfqs[r.ID]
	if !ok {
		b.t.seq.rfqs++
		was.seq = b.t.seq.rfqs
	}
	return put(b, tRFQs, &b.t.rfqs, r.ID, rfq{RFQ: r, seq: was.seq})
}

// PutCompetitorOffer stores o, replacing the offer of the same competitor, SKU and
// account (empty for a market-wide offer).
func (b *Batch) PutCompetitorOffer(_ context.Context, o domain.CompetitorOffer) error {
	if err := b.write(tOffers, func() { b.t.offers = maps.Clone(b.t.offers) }); err != nil {
		return err
	}
	putOffer(b.t.offers, o)
	return nil
}

// PutObjective stores o, replacing the objective of the same scope, key and year.
func (b *Batch) PutObjective(_ context.Context, o domain.Objective) error {
	if err := b.write(tObjectives, func() { b.t.objectives = maps.Clone(b.t.objectives) }); err != nil {
		return err
	}
	putObjective(b.t.objectives, o)
	return nil
}

// Commit applies the sales lines, builds the indexes of the tables written and the read
// model again, increments the data version and makes the tables the store's. It returns
// the new data version. On error the batch is rolled back.
func (b *Batch) Commit(context.Context) (int64, error) {
	if b.done {
		return 0, fmt.Errorf("memory: commit import: %w", errBatchDone)
	}
	b.done = true
	defer b.s.unlock()
	t := &b.t
	if b.salesTouched {
		b.applySales()
	}
	t.reindex(b.own)
	if b.salesTouched || b.rebuild {
		m, err := buildReadModel(t)
		if err != nil {
			return 0, fmt.Errorf("memory: commit import: rebuild read model: %w", err)
		}
		t.model = m
	}
	t.version++
	next := *t // not &b.t, which would keep the batch from the garbage collector
	b.s.cur.Store(&next)
	return next.version, nil
}

// Rollback discards the batch. It does nothing after Commit or Rollback, so it may be
// deferred.
func (b *Batch) Rollback() error {
	if b.done {
		return nil
	}
	b.done = true
	b.s.unlock()
	return nil
}

// applySales deletes the lines of the replaced sources, adds the batch's lines and
// counts them again.
func (b *Batch) applySales() {
	t := &b.t
	sales := maps.Clone(t.sales)
	if len(b.replaced) > 0 {
		for acc, lines := range sales {
			if !slices.ContainsFunc(lines, func(l line) bool { return b.replaced[l.source] }) {
				continue
			}
			kept := slices.DeleteFunc(slices.Clone(lines), func(l line) bool { return b.replaced[l.source] })
			if len(kept) == 0 {
				delete(sales, acc)
			} else {
				sales[acc] = kept
			}
		}
	}
	counts := maps.Clone(t.sourceLines)
	for src := range b.replaced {
		delete(counts, src)
	}
	byAccount := map[int64][]line{}
	for src, lines := range b.added {
		counts[src] += int64(len(lines))
		for _, l := range lines {
			byAccount[l.account] = append(byAccount[l.account], l.line)
		}
	}
	for acc, lines := range byAccount {
		all := append(slices.Clip(sales[acc]), lines...) // a new array: the snapshot's is shared
		slices.SortFunc(all, compareLines)
		sales[acc] = all
	}
	b.added = nil
	t.sales, t.sourceLines, t.salesLines, t.salesDays = sales, counts, 0, nil
	for _, n := range counts {
		t.salesLines += n
	}
	for _, lines := range sales {
		for _, l := range lines {
			if t.salesDays == nil {
				t.salesDays = &[2]int64{l.day, l.day}
			}
			t.salesDays[0], t.salesDays[1] = min(t.salesDays[0], l.day), max(t.salesDays[1], l.day)
		}
	}
	b.own |= tSales
}
