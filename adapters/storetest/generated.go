package storetest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/incumbent/incumbent/domain"
)

// generatedEnd is the last day of the generated company's history.
var generatedEnd = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

// generate loads Generated's company into s, in one import.
func generate(t *testing.T, s Store) {
	t.Helper()
	Load(t, s, Generated(t).Write)
}

// Generated returns a deterministic company of 40 accounts: two years of sales lines
// (to generatedEnd, 2026-11-27) in a file per month, invoices paid early, late or not
// at all, commitments, RFQs, potentials and opportunities. The last accounts have no
// sales, only invoices, commitments or RFQs. Accounts are of three industries, every
// fourth of none.
func Generated(t testing.TB) Fixture {
	t.Helper()
	r := rand.New(rand.NewPCG(7, 11))
	start := generatedEnd.AddDate(-2, 0, 0)
	days := int(generatedEnd.Sub(start).Hours() / 24)
	money := func(max float64) float64 { return math.Round(r.Float64()*max*100) / 100 }
	date := func() time.Time { return start.AddDate(0, 0, r.IntN(days+1)) }
	territories := []string{"East", "North", "West"}
	categories := []string{"Abrasives", "Fasteners", "Gloves", "Welding"}
	industries := []string{"Food", "Mining", "Printing", ""}
	const accounts, products = 40, 14
	var f Fixture
	for _, name := range territories {
		f.Territories = append(f.Territories, domain.Territory{Name: name, Timezone: "UTC", DigestDay: time.Monday, DigestHour: 8})
	}
	for i := range accounts {
		f.Accounts = append(f.Accounts, domain.Account{ID: fmt.Sprintf("C%03d", i), Name: fmt.Sprintf("Customer %d", i),
			Territory: territories[(i*7)%len(territories)], Industry: industries[i%len(industries)], PaymentTermsDays: 30})
	}
	for i := range products {
		f.Products = append(f.Products, domain.Product{SKU: fmt.Sprintf("P-%02d", i), Name: "x", Category: categories[i%len(categories)],
			ListPrice: 10 + float64(i), UnitCost: 5 + float64(i)/2})
	}
	for i := range 3000 {
		d := date()
		qty := float64(1 + r.IntN(20))
		amount := money(500)
		f.Sales = append(f.Sales, domain.Sale{Date: d, AccountID: fmt.Sprintf("C%03d", r.IntN(accounts-4)), SKU: fmt.Sprintf("P-%02d", r.IntN(products)),
			Quantity: qty, Amount: amount, Cost: math.Round(amount*(0.4+0.4*r.Float64())*100) / 100,
			InvoiceID: fmt.Sprintf("INV-%d", i/3), Source: "sales-" + d.Format("2006-01") + ".csv"})
	}
	for i := range 400 {
		d := date()
		inv := domain.Invoice{ID: fmt.Sprintf("INV-%04d", i), AccountID: fmt.Sprintf("C%03d", r.IntN(accounts)),
			InvoiceDate: d, DueDate: d.AddDate(0, 0, 30), Amount: money(2000)}
		if r.IntN(5) > 0 {
			inv.PaidDate = d.AddDate(0, 0, 10+r.IntN(80))
		}
		f.Invoices = append(f.Invoices, inv)
	}
	for i := range 120 {
		m := start.AddDate(0, r.IntN(25), 0)
		f.Commitments = append(f.Commitments, domain.Commitment{AccountID: fmt.Sprintf("C%03d", r.IntN(accounts)), SKU: fmt.Sprintf("P-%02d", r.IntN(products)),
			Period: domain.Month{Year: m.Year(), Month: m.Month()}, CommittedQty: float64(5 + i%30)})
	}
	outcomes := []domain.RFQOutcome{domain.RFQWon, domain.RFQLost, domain.RFQPending, domain.RFQNotInvited}
	for i := range 200 {
		f.RFQs = append(f.RFQs, domain.RFQ{ID: fmt.Sprintf("R-%03d", i), AccountID: fmt.Sprintf("C%03d", r.IntN(accounts)), Date: date(),
			Category: categories[r.IntN(len(categories))], Value: money(1000), Outcome: outcomes[r.IntN(len(outcomes))]})
	}
	for i := range accounts {
		for j, c := range categories {
			if (i+j)%3 == 0 {
				continue
			}
			f.Potentials = append(f.Potentials, domain.Potential{AccountID: fmt.Sprintf("C%03d", i), Category: c,
				AnnualPotential: money(20000), Competitor: []string{"", "Rival"}[j%2]})
		}
	}
	stages := []string{"prospect", "proposal", "Won", "lost", "negotiation"}
	for i := range 60 {
		f.Opps = append(f.Opps, domain.Opportunity{ID: fmt.Sprintf("O-%02d", i), AccountID: fmt.Sprintf("C%03d", r.IntN(accounts)),
			Category: categories[r.IntN(len(categories))], Name: "x", Value: money(5000), Stage: stages[i%len(stages)],
			Probability: float64(r.IntN(11)) / 10})
	}
	return f
}

// approx compares sums added up in different orders.
var approx = cmpopts.EquateApprox(1e-12, 1e-6)

// testGeneratedSales checks the category sums (SalesByCategory, GapFacts,
// CompanySalesByCategory) against the SKU sums of the same lines, and the gap facts'
// potentials and pipeline against the records.
func testGeneratedSales(t *testing.T, open func(t *testing.T) Store) {
	ctx := t.Context()
	s := open(t)
	generate(t, s)
	products, err := s.FindProducts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	category := map[string]string{}
	for _, p := range products {
		category[p.SKU] = p.Category
	}
	periods := []domain.Period{
		domain.Window(generatedEnd),
		{After: generatedEnd.AddDate(0, -3, 0), Through: generatedEnd},
		{After: generatedEnd.AddDate(-1, -3, 0), Through: generatedEnd.AddDate(-1, 0, 0)},
		domain.Window(generatedEnd.AddDate(0, -7, -11)),
	}
	for _, sc := range []domain.Scope{domain.AllAccounts, domain.ForTerritory("North"), domain.ForAccount("C003"), domain.ForAccount("C039")} {
		bySKU, err := s.SalesBySKU(ctx, sc, periods)
		if err != nil {
			t.Fatal(err)
		}
		type key struct {
			account, category string
			period            int
		}
		sums := map[key]*domain.SalesTotal{}
		company := map[key]*domain.SalesTotal{}
		for _, x := range bySKU {
			for k, m := range map[key]map[key]*domain.SalesTotal{
				{x.AccountID, category[x.Key], x.Period}: sums,
				{"", category[x.Key], x.Period}:          company,
			} {
				if m[k] == nil {
					m[k] = &domain.SalesTotal{AccountID: k.account, Key: k.category, Period: k.period}
				}
				m[k].Revenue += x.Revenue
				m[k].Cost += x.Cost
			}
		}
		var want []domain.SalesTotal
		for _, v := range sums {
			want = append(want, *v)
		}
		byKey := cmpopts.SortSlices(func(a, b domain.SalesTotal) bool {
			return a.AccountID+"\x00"+a.Key < b.AccountID+"\x00"+b.Key || a.AccountID == b.AccountID && a.Key == b.Key && a.Period < b.Period
		})
		got, err := s.SalesByCategory(ctx, sc, periods)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got, approx, byKey, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%+v: SalesByCategory (-SKU sums +got):\n%s", sc, diff)
		}
		facts, err := s.GapFacts(ctx, sc, periods)
		if err != nil {
			t.Fatal(err)
		}
		var factSales []domain.SalesTotal
		for _, f := range facts {
			factSales = append(factSales, f.Sales...)
		}
		if diff := cmp.Diff(want, factSales, approx, byKey, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%+v: GapFacts sales (-SKU sums +got):\n%s", sc, diff)
		}
		// Potentials and open pipeline of the scope.
		potentials, err := s.FindPotentials(ctx, sc)
		if err != nil {
			t.Fatal(err)
		}
		for i := range potentials {
			potentials[i].Note = ""
		}
		opps, err := s.FindOpportunities(ctx, sc)
		if err != nil {
			t.Fatal(err)
		}
		var gotPotentials []domain.Potential
		var gotPipelines []domain.Pipeline
		for _, f := range facts {
			gotPotentials = append(gotPotentials, f.Potentials...)
			gotPipelines = append(gotPipelines, f.Pipelines...)
		}
		byAccountCategory := cmpopts.SortSlices(func(a, b domain.Potential) bool {
			return a.AccountID < b.AccountID || a.AccountID == b.AccountID && a.Category < b.Category
		})
		if diff := cmp.Diff(potentials, gotPotentials, byAccountCategory, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%+v: GapFacts potentials (-records +got):\n%s", sc, diff)
		}
		pipelines := domain.SumPipelines(opps)
		byPipeline := cmpopts.SortSlices(func(a, b domain.Pipeline) bool {
			return a.AccountID < b.AccountID || a.AccountID == b.AccountID && a.Category < b.Category
		})
		if diff := cmp.Diff(pipelines, gotPipelines, byPipeline, approx, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%+v: GapFacts pipelines (-records +got):\n%s", sc, diff)
		}
		// Within each account's facts, categories come sorted.
		for _, f := range facts {
			if !slices.IsSortedFunc(f.Sales, func(a, b domain.SalesTotal) int {
				if a.Key != b.Key {
					return cmpString(a.Key, b.Key)
				}
				return a.Period - b.Period
			}) {
				t.Errorf("%s: sales not by category and period: %+v", f.AccountID, f.Sales)
			}
		}
		if sc == domain.AllAccounts {
			var want []domain.SalesTotal
			for _, v := range company {
				want = append(want, *v)
			}
			got, err := s.CompanySalesByCategory(ctx, periods)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got, approx, byKey); diff != "" {
				t.Errorf("CompanySalesByCategory (-SKU sums +got):\n%s", diff)
			}
		}
	}
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// testBestSellers checks BestSellers against every SKU's sales summed from the lines,
// at dates inside, at the ends of and after the history.
func testBestSellers(t *testing.T, open func(t *testing.T) Store) {
	ctx := t.Context()
	s := open(t)
	if got, err := s.BestSellers(ctx, generatedEnd); err != nil || len(got) != 0 {
		t.Errorf("empty store: BestSellers() = %v, %v, want none", got, err)
	}
	generate(t, s)
	end := generatedEnd
	for _, asOf := range []time.Time{end, end.AddDate(0, -5, 3), end.AddDate(0, 6, 0), end.AddDate(-1, 0, 0), end.AddDate(-2, 0, 0), end.AddDate(2, 0, 0)} {
		want := ReferenceBestSellers(t, s, asOf)
		got, err := s.BestSellers(ctx, asOf)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("as of %s (-lines +BestSellers):\n%s", asOf.Format(domain.DateLayout), diff)
		}
	}
}

// testIndustryBestSellers checks IndustryBestSellers against every SKU's sales among
// each industry's accounts summed from the lines, at dates inside, at the ends of and
// after the history, and again after accounts change industry with no sales line
// imported.
func testIndustryBestSellers(t *testing.T, open func(t *testing.T) Store) {
	ctx := t.Context()
	s := open(t)
	if got, err := s.IndustryBestSellers(ctx, "Food", generatedEnd); err != nil || len(got) != 0 {
		t.Errorf("empty store: IndustryBestSellers() = %v, %v, want none", got, err)
	}
	generate(t, s)
	check := func(when string) {
		t.Helper()
		end := generatedEnd
		for _, asOf := range []time.Time{end, end.AddDate(0, -5, 3), end.AddDate(0, 6, 0), end.AddDate(-1, 0, 0), end.AddDate(-2, 0, 0), end.AddDate(2, 0, 0)} {
			for _, ind := range []string{"Food", "Mining", "Printing", "Textiles"} {
				want := ReferenceIndustryBestSellers(t, s, ind, asOf)
				got, err := s.IndustryBestSellers(ctx, ind, asOf)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("%s: %s as of %s (-lines +IndustryBestSellers):\n%s", when, ind, asOf.Format(domain.DateLayout), diff)
				}
			}
		}
	}
	check("generated")
	accounts, err := s.FindAccounts(ctx, domain.AllAccounts)
	if err != nil {
		t.Fatal(err)
	}
	Load(t, s, func(ctx context.Context, b domain.ImportBatch) error {
		for _, a := range accounts {
			if a.Industry == "Food" || a.Industry == "" {
				a.Industry = "Textiles"
				if err := b.PutAccount(ctx, a); err != nil {
					return err
				}
			}
		}
		return nil
	})
	check("after a change of industry")
}

// ReferenceIndustryBestSellers computes the best-selling SKU of each category over the
// window of asOf among the accounts of the industry from every SKU's sales
// (SalesBySKU), by revenue, ties to the first SKU in order: what IndustryBestSellers
// must agree with.
func ReferenceIndustryBestSellers(t testing.TB, s domain.Store, industry string, asOf time.Time) map[string]string {
	t.Helper()
	ctx := t.Context()
	products, err := s.FindProducts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	category := map[string]string{}
	for _, p := range products {
		category[p.SKU] = p.Category
	}
	accounts, err := s.FindAccounts(ctx, domain.AllAccounts)
	if err != nil {
		t.Fatal(err)
	}
	of := map[string]bool{}
	for _, a := range accounts {
		of[a.ID] = a.Industry == industry
	}
	sales, err := s.SalesBySKU(ctx, domain.AllAccounts, []domain.Period{domain.Window(asOf)})
	if err != nil {
		t.Fatal(err)
	}
	bySKU := map[string]float64{}
	for _, x := range sales {
		if of[x.AccountID] {
			bySKU[x.Key] += x.Revenue
		}
	}
	skus := make([]string, 0, len(bySKU))
	for sku := range bySKU {
		skus = append(skus, sku)
	}
	slices.Sort(skus)
	want, top := map[string]string{}, map[string]float64{}
	for _, sku := range skus {
		c := category[sku]
		if r := bySKU[sku]; r > top[c]+1e-9 {
			want[c], top[c] = sku, r
		}
	}
	return want
}

// ReferenceBestSellers computes the company's best-selling SKU of each category over the
// window of asOf from every SKU's sales (SalesBySKU), by revenue, ties to the first SKU
// in order: what BestSellers must agree with.
func ReferenceBestSellers(t testing.TB, s domain.Store, asOf time.Time) map[string]string {
	t.Helper()
	ctx := t.Context()
	products, err := s.FindProducts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	category := map[string]string{}
	for _, p := range products {
		category[p.SKU] = p.Category
	}
	sales, err := s.SalesBySKU(ctx, domain.AllAccounts, []domain.Period{domain.Window(asOf)})
	if err != nil {
		t.Fatal(err)
	}
	bySKU := map[string]float64{}
	for _, x := range sales {
		bySKU[x.Key] += x.Revenue
	}
	skus := make([]string, 0, len(bySKU))
	for sku := range bySKU {
		skus = append(skus, sku)
	}
	slices.Sort(skus)
	want, top := map[string]string{}, map[string]float64{}
	for _, sku := range skus {
		c := category[sku]
		if r := bySKU[sku]; r > top[c]+1e-9 {
			want[c], top[c] = sku, r
		}
	}
	return want
}

// ReferenceGradeFacts computes every account's grade facts at asOf from the records
// themselves, through domain.GradeInput: what GradeFacts must agree with. Accounts
// without data are left out.
func ReferenceGradeFacts(t *testing.T, s Store, asOf time.Time) map[string]domain.GradeFacts {
	t.Helper()
	ctx := t.Context()
	accounts, err := s.FindAccounts(ctx, domain.AllAccounts)
	if err != nil {
		t.Fatal(err)
	}
	invoices, err := s.FindInvoices(ctx, domain.AllAccounts)
	if err != nil {
		t.Fatal(err)
	}
	commitments, err := s.FindCommitments(ctx, domain.AllAccounts)
	if err != nil {
		t.Fatal(err)
	}
	rfqs, err := s.FindRFQs(ctx, domain.AllAccounts)
	if err != nil {
		t.Fatal(err)
	}
	products, err := s.FindProducts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sales, err := s.SalesBySKU(ctx, domain.AllAccounts, []domain.Period{domain.Window(asOf)})
	if err != nil {
		t.Fatal(err)
	}
	unitCost := map[string]float64{}
	for _, p := range products {
		unitCost[p.SKU] = p.UnitCost
	}
	in := map[string]*domain.GradeInput{}
	for _, a := range accounts {
		in[a.ID] = &domain.GradeInput{Account: a, AsOf: asOf}
	}
	for _, x := range sales {
		in[x.AccountID].Revenue += x.Revenue
		in[x.AccountID].Cost += x.Cost
	}
	for _, x := range invoices {
		in[x.AccountID].Invoices = append(in[x.AccountID].Invoices, x)
	}
	for _, x := range rfqs {
		in[x.AccountID].RFQs = append(in[x.AccountID].RFQs, x)
	}
	// Quantities taken: the account's sales of the SKU in the month.
	months := map[domain.Month]bool{}
	for _, c := range commitments {
		months[c.Period] = true
	}
	for m := range months {
		p := domain.Period{After: m.First().AddDate(0, 0, -1), Through: m.Last()}
		taken, err := s.SalesBySKU(ctx, domain.AllAccounts, []domain.Period{p})
		if err != nil {
			t.Fatal(err)
		}
		qty := map[[2]string]float64{}
		for _, x := range taken {
			qty[[2]string{x.AccountID, x.Key}] += x.Quantity
		}
		for _, c := range commitments {
			if c.Period == m {
				in[c.AccountID].Commitments = append(in[c.AccountID].Commitments, domain.CommitmentTaken{
					Commitment: c, Taken: qty[[2]string{c.AccountID, c.SKU}], UnitCost: unitCost[c.SKU]})
			}
		}
	}
	out := map[string]domain.GradeFacts{}
	for id, x := range in {
		if f := x.Facts(); f.HasData() {
			out[id] = f
		}
	}
	return out
}

// GradeFactsByAccount returns s's grade facts at asOf of the accounts with data, by
// account.
func GradeFactsByAccount(t *testing.T, s Store, asOf time.Time) map[string]domain.GradeFacts {
	t.Helper()
	facts, err := s.GradeFacts(t.Context(), asOf)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]domain.GradeFacts{}
	for _, f := range facts {
		if _, dup := out[f.AccountID]; dup {
			t.Errorf("GradeFacts(%s) returns %s twice", asOf.Format(domain.DateLayout), f.AccountID)
		}
		if f.HasData() {
			out[f.AccountID] = f
		}
	}
	return out
}

// testGradeFactsMatchRecords checks GradeFacts against the records on the generated
// company at several as-of dates: the end, a past date whose invoices were paid later,
// and one whose window holds only part of the history.
func testGradeFactsMatchRecords(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	generate(t, s)
	end := generatedEnd
	for _, asOf := range []time.Time{end, end.AddDate(0, -4, -3), end.AddDate(-1, 0, 0)} {
		want := ReferenceGradeFacts(t, s, asOf)
		got := GradeFactsByAccount(t, s, asOf)
		if len(want) < 35 {
			t.Fatalf("as of %s: only %d accounts with data", asOf.Format(domain.DateLayout), len(want))
		}
		if diff := cmp.Diff(want, got, approx); diff != "" {
			t.Errorf("as of %s (-records +GradeFacts):\n%s", asOf.Format(domain.DateLayout), diff)
		}
	}
}

// testGradeFactsRebuild checks that an import of invoices, commitments or RFQs alone,
// or of a product's new unit cost, shows in the grade facts.
func testGradeFactsRebuild(t *testing.T, open func(t *testing.T) Store) {
	s, _ := loaded(t, open)
	asOf := Day(t, "2024-06-30")
	check := func(when string) {
		t.Helper()
		if diff := cmp.Diff(ReferenceGradeFacts(t, s, asOf), GradeFactsByAccount(t, s, asOf), cmpopts.EquateApprox(1e-12, 1e-9)); diff != "" {
			t.Errorf("%s (-records +GradeFacts):\n%s", when, diff)
		}
	}
	check("after the first import")
	a1 := GradeFactsByAccount(t, s, asOf)["A1"]
	// A1 took 11 of the 12 gloves it committed to in January 2024.
	if a1.Committed != 12 || a1.Strayed != 1 || a1.ShortCost != 7.25 || a1.Pending != 1 || a1.LateAmountDays != 100*15 {
		t.Errorf("A1 = %+v", a1)
	}

	Load(t, s, func(ctx context.Context, b domain.ImportBatch) error {
		return b.PutInvoice(ctx, domain.Invoice{ID: "I-9", AccountID: "A2", InvoiceDate: Day(t, "2024-03-01"), DueDate: Day(t, "2024-03-31"), Amount: 40})
	})
	check("after an invoice")
	Load(t, s, func(ctx context.Context, b domain.ImportBatch) error {
		return b.PutRFQ(ctx, domain.RFQ{ID: "R9", AccountID: "A2", Date: Day(t, "2024-03-02"), Category: "Masks", Outcome: domain.RFQWon})
	})
	check("after an RFQ")
	Load(t, s, func(ctx context.Context, b domain.ImportBatch) error {
		return b.PutCommitment(ctx, domain.Commitment{AccountID: "A2", SKU: "M-1", Period: domain.Month{Year: 2024, Month: time.February}, CommittedQty: 20})
	})
	check("after a commitment")
	Load(t, s, func(ctx context.Context, b domain.ImportBatch) error {
		return b.PutProduct(ctx, domain.Product{SKU: "G-1", Name: "Nitrile gloves", Category: "Gloves", ListPrice: 12.5, UnitCost: 8, UsesPerUnit: 100, UnitOfUse: "pair"})
	})
	check("after a new unit cost")
	if got := GradeFactsByAccount(t, s, asOf)["A1"].ShortCost; got != 8 {
		t.Errorf("A1 short cost after the unit cost changed = %v, want 8", got)
	}
	a2 := GradeFactsByAccount(t, s, asOf)["A2"]
	if a2.Invoiced != 40 || a2.Won != 1 || a2.Committed != 20 || a2.Strayed != 5 {
		t.Errorf("A2 = %+v", a2)
	}

	// Invoices dated before W count when they are still open at the as-of date (unpaid,
	// or paid after it), their late days all on the score and only those inside W,
	// (2023-06-30, 2024-06-30], on the financing.
	Load(t, s, func(ctx context.Context, b domain.ImportBatch) error {
		return errors.Join(
			b.PutInvoice(ctx, domain.Invoice{ID: "I-10", AccountID: "A2", InvoiceDate: Day(t, "2023-01-01"), DueDate: Day(t, "2023-01-31"), Amount: 100}),
			b.PutInvoice(ctx, domain.Invoice{ID: "I-11", AccountID: "A2", InvoiceDate: Day(t, "2023-02-01"), DueDate: Day(t, "2023-03-03"),
				PaidDate: Day(t, "2023-05-01"), Amount: 70}),
			b.PutInvoice(ctx, domain.Invoice{ID: "I-12", AccountID: "A2", InvoiceDate: Day(t, "2023-03-01"), DueDate: Day(t, "2023-03-31"),
				PaidDate: Day(t, "2024-08-01"), Amount: 50}))
	})
	check("after old invoices")
	a2 = GradeFactsByAccount(t, s, asOf)["A2"]
	// I-9 is 91 days late on 2024-06-30, I-10 516 days and I-12 457; the last two are
	// late on all 366 days of W.
	want := domain.GradeFacts{Invoiced: 40, EarlierOpen: 150, LateAmountDays: 40*91 + 100*516 + 50*457, FinancedAmountDays: 40*91 + 150*366}
	got := domain.GradeFacts{Invoiced: a2.Invoiced, EarlierOpen: a2.EarlierOpen, LateAmountDays: a2.LateAmountDays, FinancedAmountDays: a2.FinancedAmountDays}
	if got != want {
		t.Errorf("A2 invoices = %+v, want %+v", got, want)
	}
}
