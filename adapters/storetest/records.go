package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/incumbent/incumbent/domain"
)

// testEmpty checks a new store: no rows, data version 0, no sales dates.
func testEmpty(t *testing.T, open func(t *testing.T) Store) {
	ctx := t.Context()
	s := open(t)
	counts, err := s.RowCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(counts) == 0 {
		t.Error("RowCounts() of a new store is empty, want every table with 0")
	}
	for table, n := range counts {
		if n != 0 {
			t.Errorf("new store: %s has %d rows, want 0", table, n)
		}
	}
	if v, err := s.DataVersion(ctx); err != nil || v != 0 {
		t.Errorf("new store: DataVersion() = %d, %v, want 0", v, err)
	}
	f := NewFixture(t)
	v := Load(t, s, f.Write)
	if v2, err := s.DataVersion(ctx); err != nil || v2 != v {
		t.Errorf("DataVersion() = %d, %v, want %d", v2, err, v)
	}
	got, err := s.FindAccounts(ctx, domain.AllAccounts)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(f.Accounts, got); diff != "" {
		t.Errorf("accounts (-want +got):\n%s", diff)
	}
}

func testRoundTrip(t *testing.T, open func(t *testing.T) Store) {
	s, f := loaded(t, open)
	tests := []struct {
		name string
		find func(context.Context) (any, error)
		want any
	}{
		{"FindTerritories", func(ctx context.Context) (any, error) { return s.FindTerritories(ctx) }, f.Territories},
		{"FindTerritory", func(ctx context.Context) (any, error) { return s.FindTerritory(ctx, "South") }, f.Territories[1]},
		{"FindPeople", func(ctx context.Context) (any, error) { return s.FindPeople(ctx) }, f.People},
		{"FindPerson", func(ctx context.Context) (any, error) { return s.FindPerson(ctx, "rob@example.com") }, f.People[1]},
		{"FindAccounts", func(ctx context.Context) (any, error) { return s.FindAccounts(ctx, domain.AllAccounts) }, f.Accounts},
		{"FindAccount", func(ctx context.Context) (any, error) { return s.FindAccount(ctx, "A1") }, f.Accounts[0]},
		{"FindProducts", func(ctx context.Context) (any, error) { return s.FindProducts(ctx) }, f.Products},
		{"FindPotentials", func(ctx context.Context) (any, error) { return s.FindPotentials(ctx, domain.AllAccounts) }, f.Potentials},
		{"FindOpportunities", func(ctx context.Context) (any, error) { return s.FindOpportunities(ctx, domain.AllAccounts) }, f.Opps},
		{"FindInvoices", func(ctx context.Context) (any, error) { return s.FindInvoices(ctx, domain.AllAccounts) }, f.Invoices},
		{"FindCommitments", func(ctx context.Context) (any, error) { return s.FindCommitments(ctx, domain.AllAccounts) }, f.Commitments},
		{"FindRFQs", func(ctx context.Context) (any, error) { return s.FindRFQs(ctx, domain.AllAccounts) }, f.RFQs},
		{"FindCompetitorOffers", func(ctx context.Context) (any, error) { return s.FindCompetitorOffers(ctx, domain.AllAccounts) },
			[]domain.CompetitorOffer{f.Offers[2], f.Offers[0], f.Offers[1]}},
		{"FindObjectives", func(ctx context.Context) (any, error) { return s.FindObjectives(ctx, 2024) }, f.Objectives[:2]},
		{"FindObjectivesNone", func(ctx context.Context) (any, error) { return s.FindObjectives(ctx, 2023) }, []domain.Objective(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.find(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func testUpsertReplaces(t *testing.T, open func(t *testing.T) Store) {
	ctx := t.Context()
	s, f := loaded(t, open)
	before, err := s.RowCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}

	territory := f.Territories[0]
	territory.Manager = "max@example.com"
	person := f.People[1]
	person.Territory = "South"
	account := f.Accounts[0]
	account.Name, account.Aliases = "Acme Holdings", nil
	product := f.Products[0]
	product.ListPrice = 13
	potential := f.Potentials[0]
	potential.AnnualPotential = 6000
	opp := f.Opps[0]
	opp.Stage, opp.CloseDate = "won", time.Time{}
	invoice := f.Invoices[1]
	invoice.PaidDate = Day(t, "2024-03-20")
	commitment := f.Commitments[0]
	commitment.CommittedQty = 20
	rfq := f.RFQs[0]
	rfq.Outcome = domain.RFQWon
	offer := f.Offers[0]
	offer.Price = 9
	objective := f.Objectives[0]
	objective.RevenueTarget = 12000
	Load(t, s, func(ctx context.Context, b domain.ImportBatch) error {
		for _, err := range []error{
			b.PutTerritory(ctx, territory),
			b.PutPerson(ctx, person),
			b.PutAccount(ctx, account),
			b.PutProduct(ctx, product),
			b.PutPotential(ctx, potential),
			b.PutOpportunity(ctx, opp),
			b.PutInvoice(ctx, invoice),
			b.PutCommitment(ctx, commitment),
			b.PutRFQ(ctx, rfq),
			b.PutCompetitorOffer(ctx, offer),
			b.PutObjective(ctx, objective),
		} {
			if err != nil {
				return err
			}
		}
		return nil
	})

	after, err := s.RowCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("row counts changed by upserts (-before +after):\n%s", diff)
	}
	tests := []struct {
		name string
		find func(context.Context) (any, error)
		want any
	}{
		{"territory", func(ctx context.Context) (any, error) { return s.FindTerritory(ctx, "North") }, territory},
		{"person", func(ctx context.Context) (any, error) { return s.FindPerson(ctx, person.Email) }, person},
		{"account", func(ctx context.Context) (any, error) { return s.FindAccount(ctx, "A1") }, account},
		{"product", func(ctx context.Context) (any, error) {
			ps, err := s.FindProducts(ctx)
			if err != nil {
				return nil, err
			}
			return ps[0], nil
		}, product},
		{"potential", func(ctx context.Context) (any, error) { return s.FindPotentials(ctx, domain.ForAccount("A1")) }, []domain.Potential{potential}},
		{"opportunity", func(ctx context.Context) (any, error) { return s.FindOpportunities(ctx, domain.ForAccount("A1")) }, []domain.Opportunity{opp}},
		{"invoice", func(ctx context.Context) (any, error) { return s.FindInvoices(ctx, domain.ForAccount("B1")) }, []domain.Invoice{invoice}},
		{"commitment", func(ctx context.Context) (any, error) { return s.FindCommitments(ctx, domain.ForAccount("A1")) }, []domain.Commitment{commitment}},
		{"rfq", func(ctx context.Context) (any, error) { return s.FindRFQs(ctx, domain.ForAccount("A1")) }, []domain.RFQ{rfq}},
		{"offer", func(ctx context.Context) (any, error) { return s.FindCompetitorOffers(ctx, domain.ForAccount("A1")) },
			[]domain.CompetitorOffer{offer, f.Offers[1]}},
		{"objective", func(ctx context.Context) (any, error) { return s.FindObjectives(ctx, 2024) }, []domain.Objective{objective, f.Objectives[1]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.find(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func testSetObjective(t *testing.T, open func(t *testing.T) Store) {
	ctx := t.Context()
	s, f := loaded(t, open)
	v0, err := s.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	o := f.Objectives[1]
	o.RevenueTarget, o.SetBy, o.SetAt = 55000, "mia@example.com", time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC)
	if err := s.SetObjective(ctx, o); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindObjectives(ctx, 2024)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]domain.Objective{f.Objectives[0], o}, got); diff != "" {
		t.Errorf("objectives (-want +got):\n%s", diff)
	}
	if v, err := s.DataVersion(ctx); err != nil || v <= v0 {
		t.Errorf("DataVersion() after SetObjective = %d, %v, want > %d", v, err, v0)
	}
	if err := s.SetObjective(ctx, domain.Objective{Scope: "region", Key: "x", Year: 2024}); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("SetObjective(bad scope) error = %v, want code %s", err, domain.EINVALID)
	}
	if err := s.SetObjective(ctx, domain.Objective{Scope: domain.ScopeAccount, Year: 2024}); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("SetObjective(no key) error = %v, want code %s", err, domain.EINVALID)
	}
}

func testDataVersion(t *testing.T, open func(t *testing.T) Store) {
	ctx := t.Context()
	s := open(t)
	f := NewFixture(t)
	var last int64
	for i := range 3 {
		v := Load(t, s, f.Write)
		got, err := s.DataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v <= last || got != v {
			t.Errorf("commit %d: Commit() = %d, DataVersion() = %d, want both > %d", i, v, got, last)
		}
		last = v
	}
}

func testRollback(t *testing.T, open func(t *testing.T) Store) {
	tests := []struct {
		name  string
		lines int
	}{
		{"small", 10},
		{"large", 12_000}, // more than one chunk of any store's buffer
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			s, f := loaded(t, open)
			counts, err := s.RowCounts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			version, err := s.DataVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			jan := []domain.Period{{After: Day(t, "2023-12-31"), Through: Day(t, "2024-01-31")}}
			sales, err := s.SalesBySKU(ctx, domain.AllAccounts, jan)
			if err != nil {
				t.Fatal(err)
			}

			b, err := s.BeginImport(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Write(ctx, b); err != nil {
				t.Fatal(err)
			}
			if err := b.PutAccount(ctx, domain.Account{ID: "Z1", Name: "Zed", Territory: "West"}); err != nil {
				t.Fatal(err)
			}
			if err := b.ReplaceSales(ctx, "sales-2024-01.csv"); err != nil {
				t.Fatal(err)
			}
			for i := range tt.lines {
				sale := f.Sales[i%len(f.Sales)]
				sale.Source = "big.csv"
				if err := b.AddSale(ctx, sale); err != nil {
					t.Fatal(err)
				}
			}
			if err := b.Rollback(); err != nil {
				t.Fatal(err)
			}

			gotCounts, err := s.RowCounts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(counts, gotCounts); diff != "" {
				t.Errorf("row counts after rollback (-before +after):\n%s", diff)
			}
			if v, err := s.DataVersion(ctx); err != nil || v != version {
				t.Errorf("DataVersion() after rollback = %d, %v, want %d", v, err, version)
			}
			gotSales, err := s.SalesBySKU(ctx, domain.AllAccounts, jan)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(sales, gotSales); diff != "" {
				t.Errorf("January's sales after rollback (-before +after):\n%s", diff)
			}
			if _, err := s.FindAccount(ctx, "Z1"); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Errorf("an account of the rolled-back batch: %v, want ENOTFOUND", err)
			}
			if err := b.Rollback(); err != nil {
				t.Errorf("second Rollback() = %v, want nil", err)
			}
			if _, err := b.Commit(ctx); err == nil {
				t.Error("Commit() after Rollback() = nil error, want one")
			}
		})
	}
}

func testReplaceSales(t *testing.T, open func(t *testing.T) Store) {
	ctx := t.Context()
	s, f := loaded(t, open)
	jan := []domain.Period{{After: Day(t, "2023-12-31"), Through: Day(t, "2024-01-31")}}
	Load(t, s, func(ctx context.Context, b domain.ImportBatch) error {
		if err := b.ReplaceSales(ctx, "sales-2024-01.csv"); err != nil {
			return err
		}
		return b.AddSale(ctx, domain.Sale{Date: Day(t, "2024-01-20"), AccountID: "A1", SKU: "G-1",
			Quantity: 3, Amount: 33, Cost: 21, Source: "sales-2024-01.csv"})
	})
	got, err := s.SalesBySKU(ctx, domain.AllAccounts, jan)
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.SalesTotal{{AccountID: "A1", Key: "G-1", Period: 0, Revenue: 33, Cost: 21, Quantity: 3}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("January after replacing its file (-want +got):\n%s", diff)
	}
	counts, err := s.RowCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(len(f.Sales) - 2 + 1); counts["sales"] != want {
		t.Errorf("sales rows = %d, want %d (the other files' lines kept)", counts["sales"], want)
	}

	// Lines added earlier in the same batch are replaced too.
	Load(t, s, func(ctx context.Context, b domain.ImportBatch) error {
		sale := domain.Sale{Date: Day(t, "2024-01-21"), AccountID: "A1", SKU: "G-1",
			Quantity: 1, Amount: 1, Cost: 1, Source: "sales-2024-01.csv"}
		if err := b.AddSale(ctx, sale); err != nil {
			return err
		}
		if err := b.ReplaceSales(ctx, "sales-2024-01.csv"); err != nil {
			return err
		}
		sale.Amount = 5
		return b.AddSale(ctx, sale)
	})
	got, err = s.SalesBySKU(ctx, domain.AllAccounts, jan)
	if err != nil {
		t.Fatal(err)
	}
	want = []domain.SalesTotal{{AccountID: "A1", Key: "G-1", Period: 0, Revenue: 5, Cost: 1, Quantity: 1}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("January after replacing within one batch (-want +got):\n%s", diff)
	}
}

func testScopes(t *testing.T, open func(t *testing.T) Store) {
	s, f := loaded(t, open)
	tests := []struct {
		name  string
		scope domain.Scope
		want  []string // account ids
	}{
		{"account", domain.ForAccount("A2"), []string{"A2"}},
		{"territory", domain.ForTerritory("North"), []string{"A1", "A2"}},
		{"all", domain.AllAccounts, []string{"A1", "A2", "B1"}},
		{"unknown account", domain.ForAccount("Z9"), nil},
		{"unknown territory", domain.ForTerritory("West"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			in := make(map[string]bool)
			for _, id := range tt.want {
				in[id] = true
			}
			accounts, err := s.FindAccounts(ctx, tt.scope)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, a := range accounts {
				ids = append(ids, a.ID)
			}
			if diff := cmp.Diff(tt.want, ids); diff != "" {
				t.Errorf("FindAccounts (-want +got):\n%s", diff)
			}
			potentials, err := s.FindPotentials(ctx, tt.scope)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(filter(f.Potentials, in, func(p domain.Potential) string { return p.AccountID }), potentials); diff != "" {
				t.Errorf("FindPotentials (-want +got):\n%s", diff)
			}
			opps, err := s.FindOpportunities(ctx, tt.scope)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(filter(f.Opps, in, func(o domain.Opportunity) string { return o.AccountID }), opps); diff != "" {
				t.Errorf("FindOpportunities (-want +got):\n%s", diff)
			}
			invoices, err := s.FindInvoices(ctx, tt.scope)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(filter(f.Invoices, in, func(i domain.Invoice) string { return i.AccountID }), invoices); diff != "" {
				t.Errorf("FindInvoices (-want +got):\n%s", diff)
			}
			// Overdue at the dates around each invoice's boundaries: issued, due + 30
			// (not yet more than 30 days late), due + 31, paid.
			for _, inv := range invoices {
				for _, asOf := range []time.Time{inv.InvoiceDate.AddDate(0, 0, -1), inv.DueDate.AddDate(0, 0, 30), inv.DueDate.AddDate(0, 0, 31), inv.PaidDate} {
					if asOf.IsZero() {
						continue
					}
					var want []domain.Invoice
					for _, x := range invoices {
						open := !x.InvoiceDate.After(asOf) && (x.PaidDate.IsZero() || x.PaidDate.After(asOf))
						if open && domain.DayNumber(asOf)-domain.DayNumber(x.DueDate) > 30 {
							want = append(want, x)
						}
					}
					got, err := s.FindOverdueInvoices(ctx, tt.scope, asOf, 30)
					if err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
						t.Errorf("FindOverdueInvoices at %s (-want +got):\n%s", asOf.Format(domain.DateLayout), diff)
					}
				}
			}
			commitments, err := s.FindCommitments(ctx, tt.scope)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(filter(f.Commitments, in, func(c domain.Commitment) string { return c.AccountID }), commitments); diff != "" {
				t.Errorf("FindCommitments (-want +got):\n%s", diff)
			}
			rfqs, err := s.FindRFQs(ctx, tt.scope)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(filter(f.RFQs, in, func(r domain.RFQ) string { return r.AccountID }), rfqs); diff != "" {
				t.Errorf("FindRFQs (-want +got):\n%s", diff)
			}
			totals, err := s.SalesBySKU(ctx, tt.scope, []domain.Period{domain.Window(Day(t, "2024-12-31"))})
			if err != nil {
				t.Fatal(err)
			}
			seen := make(map[string]bool)
			for _, st := range totals {
				seen[st.AccountID] = true
			}
			if diff := cmp.Diff(in, seen); diff != "" {
				t.Errorf("SalesBySKU accounts (-want +got):\n%s", diff)
			}
		})
	}
}

// filter returns the records of rs whose account is in accounts, nil when none.
func filter[R any](rs []R, accounts map[string]bool, account func(R) string) []R {
	var out []R
	for _, r := range rs {
		if accounts[account(r)] {
			out = append(out, r)
		}
	}
	return out
}

func testFindCompetitorOffers(t *testing.T, open func(t *testing.T) Store) {
	s, f := loaded(t, open)
	marketWide, toA1, toB1 := f.Offers[0], f.Offers[1], f.Offers[2]
	tests := []struct {
		name  string
		scope domain.Scope
		want  []domain.CompetitorOffer
	}{
		{"account", domain.ForAccount("A1"), []domain.CompetitorOffer{marketWide, toA1}},
		{"account without offers", domain.ForAccount("A2"), []domain.CompetitorOffer{marketWide}},
		{"territory", domain.ForTerritory("South"), []domain.CompetitorOffer{toB1, marketWide}},
		{"all", domain.AllAccounts, []domain.CompetitorOffer{toB1, marketWide, toA1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.FindCompetitorOffers(t.Context(), tt.scope)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func testNotFound(t *testing.T, open func(t *testing.T) Store) {
	s, _ := loaded(t, open)
	tests := []struct {
		name string
		find func(context.Context) error
	}{
		{"territory", func(ctx context.Context) error { _, err := s.FindTerritory(ctx, "West"); return err }},
		{"person", func(ctx context.Context) error { _, err := s.FindPerson(ctx, "nobody@example.com"); return err }},
		{"account", func(ctx context.Context) error { _, err := s.FindAccount(ctx, "Z9"); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.find(t.Context())
			if domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Errorf("error = %v, want code %s", err, domain.ENOTFOUND)
			}
			if msg := domain.ErrorMessage(err); msg == "" || msg == "Internal error." {
				t.Errorf("message = %q, want a human one", msg)
			}
		})
	}
}

func testKnown(t *testing.T, open func(t *testing.T) Store) {
	s, f := loaded(t, open)
	got, err := s.Known(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := domain.KnownKeys{
		Territories: map[string]bool{"North": true, "South": true},
		People:      map[string]bool{"mia@example.com": true, "rob@example.com": true},
		Accounts:    map[string]bool{"A1": true, "A2": true, "B1": true},
		Products:    map[string]domain.Product{"G-1": f.Products[0], "G-2": f.Products[1], "M-1": f.Products[2]},
		ChatIDs:     map[string]string{"slack_user_id:u1": "mia@example.com", "teams_user_id:29:abc": "rob@example.com"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func testAddSaleUnknown(t *testing.T, open func(t *testing.T) Store) {
	s, _ := loaded(t, open)
	tests := []struct {
		name string
		sale domain.Sale
	}{
		{"account", domain.Sale{Date: Day(t, "2024-01-01"), AccountID: "Z9", SKU: "G-1", Source: "x.csv"}},
		{"product", domain.Sale{Date: Day(t, "2024-01-01"), AccountID: "A1", SKU: "Z-9", Source: "x.csv"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			b, err := s.BeginImport(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer b.Rollback()
			if err := b.AddSale(ctx, tt.sale); domain.ErrorCode(err) != domain.EINVALID {
				t.Errorf("AddSale() error = %v, want code %s", err, domain.EINVALID)
			}
		})
	}
}

// testWriteDoesNotBlockReads reads while an import holds its write transaction.
func testWriteDoesNotBlockReads(t *testing.T, open func(t *testing.T) Store) {
	ctx := t.Context()
	s, f := loaded(t, open)
	b, err := s.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Rollback()
	a := f.Accounts[0]
	a.Name = "Renamed"
	if err := b.PutAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	readCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	got, err := s.FindAccount(readCtx, "A1")
	if err != nil {
		t.Fatalf("read during import: %v", err)
	}
	if got.Name != f.Accounts[0].Name {
		t.Errorf("read during import saw %q, want the committed %q", got.Name, f.Accounts[0].Name)
	}
}

func testFindAccountsByName(t *testing.T, open func(t *testing.T) Store) {
	ctx := t.Context()
	s, _ := loaded(t, open)
	for _, tt := range []struct {
		key  string
		want []string
	}{
		{"acme", []string{"A1"}},      // name
		{"acme corp", []string{"A1"}}, // alias "ACME Corp"
		{"a1", []string{"A1"}},        // id, any case
		{"gamma", []string{"B1"}},
		{"nobody", nil},
	} {
		got, err := s.FindAccountsByName(ctx, tt.key)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, a := range got {
			ids = append(ids, a.ID)
		}
		if diff := cmp.Diff(tt.want, ids); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.key, diff)
		}
	}
	// Renaming an account replaces its names.
	Load(t, s, func(ctx context.Context, b domain.ImportBatch) error {
		return b.PutAccount(ctx, domain.Account{ID: "B1", Name: "Delta", Territory: "South"})
	})
	if got, _ := s.FindAccountsByName(ctx, "gamma"); len(got) != 0 {
		t.Errorf("the old name still finds %v", got)
	}
	// An account put twice in the first batch of an empty store keeps its last names.
	empty := open(t)
	Load(t, empty, func(ctx context.Context, b domain.ImportBatch) error {
		if err := b.PutAccount(ctx, domain.Account{ID: "C1", Name: "Old Name", Territory: "North"}); err != nil {
			return err
		}
		return b.PutAccount(ctx, domain.Account{ID: "C1", Name: "New Name", Territory: "North", Aliases: []string{"newco"}})
	})
	for key, want := range map[string]int{"old name": 0, "new name": 1, "newco": 1, "c1": 1} {
		if got, err := empty.FindAccountsByName(ctx, key); err != nil || len(got) != want {
			t.Errorf("in the empty store, %q finds %v (%v), want %d account", key, got, err, want)
		}
	}
}

// testConcurrentImports runs imports of the same sales file at once: they take turns,
// so the file's lines are in the store once, not once per import.
func testConcurrentImports(t *testing.T, open func(t *testing.T) Store) {
	ctx := t.Context()
	s, _ := loaded(t, open)
	const imports, lines = 4, 50
	var wg sync.WaitGroup
	for range imports {
		wg.Go(func() {
			b, err := s.BeginImport(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			defer b.Rollback()
			if err := b.ReplaceSales(ctx, "sales-2025.csv"); err != nil {
				t.Error(err)
				return
			}
			for i := range lines {
				err := b.AddSale(ctx, domain.Sale{Date: Day(t, "2025-01-01").AddDate(0, 0, i), AccountID: "A2", SKU: "M-1",
					Quantity: 1, Amount: 10, Cost: 5, Source: "sales-2025.csv"})
				if err != nil {
					t.Error(err)
					return
				}
			}
			if _, err := b.Commit(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	got, err := s.SalesBySKU(ctx, domain.ForAccount("A2"), []domain.Period{{After: Day(t, "2024-12-31"), Through: Day(t, "2025-12-31")}})
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.SalesTotal{{AccountID: "A2", Key: "M-1", Revenue: 10 * lines, Cost: 5 * lines, Quantity: lines}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("after %d imports of one file at once (-want +got):\n%s", imports, diff)
	}
}
