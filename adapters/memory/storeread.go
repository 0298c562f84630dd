package memory

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// touched names tables a write changed, whose indexes are built again.
type touched uint16

const (
	tTerritories touched = 1 << iota
	tPeople
	tAccounts
	tProducts
	tPotentials
	tOpps
	tInvoices
	tCommitments
	tRFQs
	tOffers
	tObjectives
	tSales
)

// indexes are the tables in the orders the reads return them in, and by account.
type indexes struct {
	territories   []domain.Territory  // by name
	people        []domain.Person     // by email
	accountIDs    []string            // by id
	accountsIn    map[string][]string // by territory: account ids, by id
	accountsBySeq []string            // account ids by seq − 1
	names         map[string][]string // by name key: account ids, by id
	products      []domain.Product    // by SKU
	productsBySeq []domain.Product    // by seq − 1
	potentials    index[domain.Potential]
	opps          index[domain.Opportunity]
	invoices      index[domain.Invoice]
	commitments   index[domain.Commitment]
	rfqs          index[domain.RFQ]
	offers        index[domain.CompetitorOffer] // by account: "" holds the market-wide
	objectives    map[int][]domain.Objective    // by year, by scope and key
}

// index is one table's records in the order of its reads, and where each account's
// are in it.
type index[R any] struct {
	all       []R
	byAccount map[string][]int32 // ascending
}

// newIndex sorts the records of m by compare and finds each account's.
func newIndex[K comparable, V, R any](m map[K]V, record func(V) R, accountOf func(R) string, compare func(a, b R) int) index[R] {
	all := make([]R, 0, len(m))
	for _, v := range m {
		all = append(all, record(v))
	}
	slices.SortFunc(all, compare)
	by := map[string][]int32{}
	for i, r := range all {
		a := accountOf(r)
		by[a] = append(by[a], int32(i))
	}
	return index[R]{all: all, byAccount: by}
}

// same is the record of a table that stores its records as they are.
func same[R any](r R) R { return r }

// accounts returns the records of the accounts, in the index's order.
func (x index[R]) accounts(ids ...string) []R {
	var at []int32
	for _, id := range ids {
		at = append(at, x.byAccount[id]...)
	}
	if len(at) == 0 {
		return nil
	}
	if len(ids) > 1 {
		slices.Sort(at)
	}
	out := make([]R, len(at))
	for j, i := range at {
		out[j] = x.all[i]
	}
	return out
}

// scope returns the records of the scope's accounts, in the index's order (an account
// id wins over a territory, as in SQLite's scopeWhere).
func (x index[R]) scope(t *tables, sc domain.Scope) []R {
	switch {
	case sc.AccountID != "":
		return x.accounts(sc.AccountID)
	case sc.Territory != "":
		return x.accounts(t.idx.accountsIn[sc.Territory]...)
	}
	return slices.Clone(x.all)
}

// reindex builds again the indexes of the tables in what.
func (t *tables) reindex(what touched) {
	x := &t.idx
	if what&tTerritories != 0 {
		x.territories = slices.SortedFunc(maps.Values(t.territories), func(a, b domain.Territory) int { return strings.Compare(a.Name, b.Name) })
	}
	if what&tPeople != 0 {
		x.people = slices.SortedFunc(maps.Values(t.people), func(a, b domain.Person) int { return strings.Compare(a.Email, b.Email) })
	}
	if what&tAccounts != 0 {
		t.indexAccounts()
	}
	if what&tProducts != 0 {
		x.products = make([]domain.Product, 0, len(t.products))
		x.productsBySeq = make([]domain.Product, len(t.products))
		for _, p := range t.products {
			x.products = append(x.products, p.Product)
			x.productsBySeq[p.seq-1] = p.Product
		}
		slices.SortFunc(x.products, func(a, b domain.Product) int { return strings.Compare(a.SKU, b.SKU) })
	}
	if what&tPotentials != 0 {
		x.potentials = newIndex(t.potentials, same, func(p domain.Potential) string { return p.AccountID },
			func(a, b domain.Potential) int {
				return cmp.Or(strings.Compare(a.AccountID, b.AccountID), strings.Compare(a.Category, b.Category))
			})
	}
	if what&tOpps != 0 {
		x.opps = newIndex(t.opps, func(o opportunity) domain.Opportunity { return o.Opportunity },
			func(o domain.Opportunity) string { return o.AccountID },
			func(a, b domain.Opportunity) int { return strings.Compare(a.ID, b.ID) })
	}
	if what&tInvoices != 0 {
		x.invoices = newIndex(t.invoices, same, func(i domain.Invoice) string { return i.AccountID },
			func(a, b domain.Invoice) int { return strings.Compare(a.ID, b.ID) })
	}
	if what&tCommitments != 0 {
		x.commitments = newIndex(t.commitments, same, func(c domain.Commitment) string { return c.AccountID },
			func(a, b domain.Commitment) int {
				return cmp.Or(strings.Compare(a.AccountID, b.AccountID), strings.Compare(a.SKU, b.SKU),
					strings.Compare(a.Period.String(), b.Period.String()))
			})
	}
	if what&tRFQs != 0 {
		x.rfqs = newIndex(t.rfqs, func(r rfq) domain.RFQ { return r.RFQ }, func(r domain.RFQ) string { return r.AccountID },
			func(a, b domain.RFQ) int { return strings.Compare(a.ID, b.ID) })
	}
	if what&tOffers != 0 {
		x.offers = newIndex(t.offers, same, func(o domain.CompetitorOffer) string { return o.AccountID },
			func(a, b domain.CompetitorOffer) int {
				return cmp.Or(strings.Compare(a.Competitor, b.Competitor), strings.Compare(a.SKU, b.SKU),
					strings.Compare(a.AccountID, b.AccountID))
			})
	}
	if what&tObjectives != 0 {
		x.objectives = map[int][]domain.Objective{}
		for _, o := range t.objectives {
			x.objectives[o.Year] = append(x.objectives[o.Year], o)
		}
		for _, os := range x.objectives {
			slices.SortFunc(os, func(a, b domain.Objective) int {
				return cmp.Or(strings.Compare(string(a.Scope), string(b.Scope)), strings.Compare(a.Key, b.Key))
			})
		}
	}
}

// indexAccounts indexes the accounts by id, territory, seq and name key.
func (t *tables) indexAccounts() {
	x := &t.idx
	x.accountIDs = slices.Sorted(maps.Keys(t.accounts))
	x.accountsIn = map[string][]string{}
	x.accountsBySeq = make([]string, len(t.accounts))
	x.names = map[string][]string{}
	for _, id := range x.accountIDs {
		a := t.accounts[id]
		x.accountsIn[a.Territory] = append(x.accountsIn[a.Territory], id)
		x.accountsBySeq[a.seq-1] = id
		for _, k := range a.nameKeys {
			x.names[k] = append(x.names[k], id)
		}
	}
}

// nameKeys returns the keys an account is found by: its id's, name's and aliases' (see
// domain.NameKey), each once.
func nameKeys(a domain.Account) []string {
	var keys []string
	for _, n := range append([]string{a.ID, a.Name}, a.Aliases...) {
		if k := domain.NameKey(n); k != "" && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	return keys
}

// FindTerritories returns every territory, by name.
func (s *DataStore) FindTerritories(context.Context) ([]domain.Territory, error) {
	return slices.Clone(s.snapshot().idx.territories), nil
}

// FindTerritory returns the territory named name.
func (s *DataStore) FindTerritory(_ context.Context, name string) (domain.Territory, error) {
	t, ok := s.snapshot().territories[name]
	if !ok {
		return t, domain.Errorf(domain.ENOTFOUND, "There is no territory %q.", name)
	}
	return t, nil
}

// FindPeople returns every person, by email.
func (s *DataStore) FindPeople(context.Context) ([]domain.Person, error) {
	return slices.Clone(s.snapshot().idx.people), nil
}

// FindPerson returns the person with the email.
func (s *DataStore) FindPerson(_ context.Context, email string) (domain.Person, error) {
	p, ok := s.snapshot().people[email]
	if !ok {
		return p, domain.Errorf(domain.ENOTFOUND, "There is no person with the email %q.", email)
	}
	return p, nil
}

// accountsOf returns the accounts with the ids, in their order.
func accountsOf(t *tables, ids []string) []domain.Account {
	var out []domain.Account
	for _, id := range ids {
		if a, ok := t.accounts[id]; ok {
			out = append(out, copyAccount(a.Account))
		}
	}
	return out
}

// copyAccount returns a with aliases of its own.
func copyAccount(a domain.Account) domain.Account {
	a.Aliases = slices.Clone(a.Aliases)
	return a
}

// FindAccounts returns the accounts of the scope, by id.
func (s *DataStore) FindAccounts(_ context.Context, sc domain.Scope) ([]domain.Account, error) {
	t := s.snapshot()
	switch {
	case sc.AccountID != "":
		return accountsOf(t, []string{sc.AccountID}), nil
	case sc.Territory != "":
		return accountsOf(t, t.idx.accountsIn[sc.Territory]), nil
	}
	return accountsOf(t, t.idx.accountIDs), nil
}

// FindAccount returns the account with the id.
func (s *DataStore) FindAccount(_ context.Context, id string) (domain.Account, error) {
	a, ok := s.snapshot().accounts[id]
	if !ok {
		return domain.Account{}, domain.Errorf(domain.ENOTFOUND, "There is no account with the id %q.", id)
	}
	return copyAccount(a.Account), nil
}

// FindAccountsByName returns the accounts whose id, name or an alias has the name key
// key (see domain.NameKey), by id.
func (s *DataStore) FindAccountsByName(_ context.Context, key string) ([]domain.Account, error) {
	t := s.snapshot()
	return accountsOf(t, t.idx.names[key]), nil
}

// FindProducts returns every product, by SKU.
func (s *DataStore) FindProducts(context.Context) ([]domain.Product, error) {
	return slices.Clone(s.snapshot().idx.products), nil
}

// FindPotentials returns the potentials of the scope's accounts, by account and category.
func (s *DataStore) FindPotentials(_ context.Context, sc domain.Scope) ([]domain.Potential, error) {
	t := s.snapshot()
	return t.idx.potentials.scope(t, sc), nil
}

// FindOpportunities returns the opportunities of the scope's accounts, by id.
func (s *DataStore) FindOpportunities(_ context.Context, sc domain.Scope) ([]domain.Opportunity, error) {
	t := s.snapshot()
	return t.idx.opps.scope(t, sc), nil
}

// FindInvoices returns the invoices of the scope's accounts, by id.
func (s *DataStore) FindInvoices(_ context.Context, sc domain.Scope) ([]domain.Invoice, error) {
	t := s.snapshot()
	return t.idx.invoices.scope(t, sc), nil
}

// FindOverdueInvoices returns the scope's invoices open at asOf (issued by then, not
// paid by then) and more than minDaysLate days past due, by id. Dates compare as the
// days they are in their own locations, as SQLite's text dates do.
func (s *DataStore) FindOverdueInvoices(_ context.Context, sc domain.Scope, asOf time.Time, minDaysLate int) ([]domain.Invoice, error) {
	t := s.snapshot()
	day, dueBefore := domain.DayNumber(asOf), domain.DayNumber(asOf.AddDate(0, 0, -minDaysLate))
	var out []domain.Invoice
	for _, i := range t.idx.invoices.scope(t, sc) {
		if domain.DayNumber(i.InvoiceDate) <= day && domain.DayNumber(i.DueDate) < dueBefore &&
			(i.PaidDate.IsZero() || domain.DayNumber(i.PaidDate) > day) {
			out = append(out, i)
		}
	}
	return out, nil
}

// FindCommitments returns the commitments of the scope's accounts, by account, SKU and
// period.
func (s *DataStore) FindCommitments(_ context.Context, sc domain.Scope) ([]domain.Commitment, error) {
	t := s.snapshot()
	return t.idx.commitments.scope(t, sc), nil
}

// FindRFQs returns the RFQs of the scope's accounts, by id.
func (s *DataStore) FindRFQs(_ context.Context, sc domain.Scope) ([]domain.RFQ, error) {
	t := s.snapshot()
	return t.idx.rfqs.scope(t, sc), nil
}

// FindCompetitorOffers returns the offers made to the scope's accounts and every
// market-wide offer, by competitor, SKU and account (market-wide first).
func (s *DataStore) FindCompetitorOffers(_ context.Context, sc domain.Scope) ([]domain.CompetitorOffer, error) {
	t := s.snapshot()
	x := t.idx.offers
	switch {
	case sc.AccountID != "":
		return x.accounts(sc.AccountID, ""), nil
	case sc.Territory != "":
		return x.accounts(append(slices.Clone(t.idx.accountsIn[sc.Territory]), "")...), nil
	}
	return slices.Clone(x.all), nil
}

// FindObjectives returns the objectives of the year, by scope and key.
func (s *DataStore) FindObjectives(_ context.Context, year int) ([]domain.Objective, error) {
	return slices.Clone(s.snapshot().idx.objectives[year]), nil
}

// Known returns the territory names, people's emails, account ids and products stored.
func (s *DataStore) Known(context.Context) (domain.KnownKeys, error) {
	t := s.snapshot()
	k := domain.KnownKeys{
		Territories: make(map[string]bool, len(t.territories)),
		People:      make(map[string]bool, len(t.people)),
		Accounts:    make(map[string]bool, len(t.accounts)),
		Products:    make(map[string]domain.Product, len(t.products)),
		ChatIDs:     make(map[string]string),
	}
	for name := range t.territories {
		k.Territories[name] = true
	}
	for id := range t.accounts {
		k.Accounts[id] = true
	}
	for sku, p := range t.products {
		k.Products[sku] = p.Product
	}
	for _, p := range t.idx.people {
		k.People[p.Email] = true
		if p.SlackUserID != "" {
			k.ChatIDs[domain.ChatIDKey("slack_user_id", p.SlackUserID)] = p.Email
		}
		if p.TeamsUserID != "" {
			k.ChatIDs[domain.ChatIDKey("teams_user_id", p.TeamsUserID)] = p.Email
		}
	}
	return k, nil
}
