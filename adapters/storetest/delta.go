package storetest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/incumbent/incumbent/domain"
)

// deltaDay is the day of the delta's new sales file: the day after the generated history.
var deltaDay = generatedEnd.AddDate(0, 0, 1)

// Sources the delta writes: a new day's file, and a month's file replaced.
const (
	deltaNewSource      = "sales-2026-11-28.csv"
	deltaReplacedSource = "sales-2026-10.csv"
)

// delta is a second import into a store holding a base company: write is the batch,
// final the company it leaves, touched the accounts whose records it changes, with why.
type delta struct {
	write   func(ctx context.Context, b domain.ImportBatch) error
	final   Fixture
	touched reasons
}

// reasons are why the delta touches each account, by account.
type reasons map[string]string

// add records why as a reason the delta touches the account id, once.
func (r reasons) add(id, why string) {
	switch {
	case r[id] == "":
		r[id] = why
	case !strings.Contains(r[id], why):
		r[id] += "; " + why
	}
}

// deltaBase returns the generated company with one more product, P-90, that only two
// accounts bought: moving it to another category touches those two alone.
func deltaBase(t testing.TB) Fixture {
	f := Generated(t)
	f.Products = append(f.Products, domain.Product{SKU: "P-90", Name: "rare", Category: "Abrasives", ListPrice: 40, UnitCost: 22})
	for _, s := range []struct{ day, account string }{{"2025-03-10", "C001"}, {"2026-09-05", "C030"}, {"2026-09-18", "C030"}} {
		d := Day(t, s.day)
		f.Sales = append(f.Sales, domain.Sale{Date: d, AccountID: s.account, SKU: "P-90", Quantity: 2, Amount: 81.4, Cost: 44.02,
			InvoiceID: "INV-R-" + s.day, Source: "sales-" + d.Format("2006-01") + ".csv"})
	}
	return f
}

// newDelta returns the delta applied to base: a new day's sales file for a few accounts;
// a month's file replaced, some lines changed and some removed; an invoice paid; a
// potential changed; an opportunity won; an account moved to another territory and one
// to another industry (two: one of none); a product moved to another category and one with commitments
// given a new unit cost.
func newDelta(base Fixture) delta {
	final := Fixture{
		Territories: base.Territories, People: base.People, Offers: base.Offers, Objectives: base.Objectives,
		RFQs: base.RFQs, Commitments: base.Commitments,
		Accounts: slices.Clone(base.Accounts), Products: slices.Clone(base.Products), Invoices: slices.Clone(base.Invoices),
		Potentials: slices.Clone(base.Potentials), Opps: slices.Clone(base.Opps),
	}
	touched := reasons{}
	replaced, fresh := deltaSales(base.Sales, touched)
	for _, s := range base.Sales {
		if s.Source != deltaReplacedSource {
			final.Sales = append(final.Sales, s)
		}
	}
	final.Sales = append(append(final.Sales, replaced...), fresh...)

	var accounts []domain.Account
	for i, a := range final.Accounts {
		switch a.ID {
		case "C003":
			final.Accounts[i].Territory = "West"
			if a.Territory == "West" {
				final.Accounts[i].Territory = "East"
			}
			touched.add(a.ID, "moved to territory "+final.Accounts[i].Territory)
		case "C006", "C007": // C007, of no industry, has lines in the replaced file
			final.Accounts[i].Industry = map[string]string{"C006": "Mining", "C007": "Food"}[a.ID]
			touched.add(a.ID, fmt.Sprintf("moved from industry %q to %s", a.Industry, final.Accounts[i].Industry))
		default:
			continue
		}
		accounts = append(accounts, final.Accounts[i])
	}
	costly := base.Commitments[0].SKU // a product with commitments
	var products []domain.Product
	for i, p := range final.Products {
		switch p.SKU {
		case "P-90":
			final.Products[i].Category = "Welding"
		case costly:
			final.Products[i].UnitCost += 3.5
		default:
			continue
		}
		products = append(products, final.Products[i])
	}
	for _, s := range base.Sales {
		if s.SKU == "P-90" {
			touched.add(s.AccountID, "bought P-90, moved to another category")
		}
	}
	for _, c := range base.Commitments {
		if c.SKU == costly {
			touched.add(c.AccountID, "commitment on "+costly+", whose unit cost changed")
		}
	}
	paid := slices.IndexFunc(final.Invoices, func(i domain.Invoice) bool { return i.PaidDate.IsZero() })
	final.Invoices[paid].PaidDate = final.Invoices[paid].InvoiceDate.AddDate(0, 0, 40)
	touched.add(final.Invoices[paid].AccountID, "invoice "+final.Invoices[paid].ID+" paid")
	final.Potentials[0].AnnualPotential += 1234.5
	touched.add(final.Potentials[0].AccountID, "potential changed")
	won := slices.IndexFunc(final.Opps, func(o domain.Opportunity) bool { return o.Stage == "prospect" })
	final.Opps[won].Stage = "Won"
	touched.add(final.Opps[won].AccountID, "opportunity "+final.Opps[won].ID+" won")

	write := func(ctx context.Context, b domain.ImportBatch) error {
		var errs []error
		for _, a := range accounts {
			errs = append(errs, b.PutAccount(ctx, a))
		}
		for _, p := range products {
			errs = append(errs, b.PutProduct(ctx, p))
		}
		for _, file := range []struct {
			source string
			lines  []domain.Sale
		}{{deltaReplacedSource, replaced}, {deltaNewSource, fresh}} {
			errs = append(errs, b.ReplaceSales(ctx, file.source))
			for _, s := range file.lines {
				errs = append(errs, b.AddSale(ctx, s))
			}
		}
		errs = append(errs, b.PutInvoice(ctx, final.Invoices[paid]), b.PutPotential(ctx, final.Potentials[0]),
			b.PutOpportunity(ctx, final.Opps[won]))
		return errors.Join(errs...)
	}
	return delta{write: write, final: final, touched: touched}
}

// deltaSales returns the lines of the delta's two files: the replaced month's, every
// fourth removed and every third changed, and the new day's, for five accounts. It
// records the accounts whose lines change in touched.
func deltaSales(base []domain.Sale, touched reasons) (replaced, fresh []domain.Sale) {
	n := 0
	for _, s := range base {
		if s.Source != deltaReplacedSource {
			continue
		}
		touched.add(s.AccountID, "lines in the replaced "+deltaReplacedSource)
		n++
		switch {
		case n%4 == 0:
			continue
		case n%3 == 0:
			s.Amount = math.Round(s.Amount*110) / 100
			s.Cost = math.Round(s.Cost*105) / 100
			s.Quantity++
		}
		replaced = append(replaced, s)
	}
	// C023 has no line in the replaced file: its lines are only added (the others have).
	for i, id := range []string{"C001", "C002", "C023", "C031", "C033"} {
		for j := range 3 {
			amount := 100 + float64(17*i+j) + 0.37
			fresh = append(fresh, domain.Sale{Date: deltaDay, AccountID: id, SKU: fmt.Sprintf("P-%02d", (i*5+j*3)%14),
				Quantity: float64(1 + i + j), Amount: amount, Cost: math.Round(amount*60) / 100,
				InvoiceID: fmt.Sprintf("INV-N%d", i), Source: deltaNewSource})
		}
		touched.add(id, "lines in the new "+deltaNewSource)
	}
	return replaced, fresh
}

// figures are everything a store computes from its records that a delta must leave as
// a full rebuild would: per account, and company-wide.
type figures struct {
	Accounts map[string]accountFigures
	// Gaps are the gap facts of all accounts and of each territory, by scope.
	Gaps map[string][]domain.GapFacts
	// Company, BestSellers and IndustryBestSellers are by as-of date (and industry).
	Company             []domain.SalesTotal
	BestSellers         map[string]map[string]string
	IndustryBestSellers map[string]map[string]string
	First, Last         time.Time
}

// accountFigures are one account's figures: its gap facts, its sales per category and
// SKU over deltaPeriods, and its grade facts at each of deltaGradeDates.
type accountFigures struct {
	Gap        []domain.GapFacts
	ByCategory []domain.SalesTotal
	BySKU      []domain.SalesTotal
	Grades     map[string]domain.GradeFacts
}

// deltaPeriods are the periods the figures are summed over: the window of the delta's
// day, its last quarter, the replaced month, a quarter a year earlier and the new day.
func deltaPeriods(t testing.TB) []domain.Period {
	return []domain.Period{
		domain.Window(deltaDay),
		{After: deltaDay.AddDate(0, -3, 0), Through: deltaDay},
		{After: Day(t, "2026-09-30"), Through: Day(t, "2026-10-31")},
		{After: deltaDay.AddDate(-1, -3, 0), Through: deltaDay.AddDate(-1, 0, 0)},
		{After: generatedEnd, Through: deltaDay},
	}
}

// deltaAsOf returns the as-of dates of the best sellers; the grade facts use the first
// two.
func deltaAsOf(t testing.TB) []time.Time {
	return []time.Time{deltaDay, generatedEnd.AddDate(0, -1, -7), generatedEnd, Day(t, "2026-10-31"),
		Day(t, "2025-11-28"), deltaDay.AddDate(2, 0, 0)}
}

// snapshot reads s's figures.
func snapshot(t *testing.T, s Store) figures {
	t.Helper()
	ctx := t.Context()
	periods := deltaPeriods(t)
	accounts, err := s.FindAccounts(ctx, domain.AllAccounts)
	if err != nil {
		t.Fatal(err)
	}
	out := figures{Accounts: map[string]accountFigures{}, Gaps: map[string][]domain.GapFacts{},
		BestSellers: map[string]map[string]string{}, IndustryBestSellers: map[string]map[string]string{}}
	for _, a := range accounts {
		var f accountFigures
		sc := domain.ForAccount(a.ID)
		f.Gap, err = s.GapFacts(ctx, sc, periods)
		check(t, err)
		f.ByCategory, err = s.SalesByCategory(ctx, sc, periods)
		check(t, err)
		f.BySKU, err = s.SalesBySKU(ctx, sc, periods)
		check(t, err)
		out.Accounts[a.ID] = f
	}
	dates := deltaAsOf(t)
	for _, asOf := range dates[:2] {
		facts, err := s.GradeFacts(ctx, asOf)
		check(t, err)
		for _, g := range facts {
			f := out.Accounts[g.AccountID]
			if f.Grades == nil {
				f.Grades = map[string]domain.GradeFacts{}
			}
			f.Grades[asOf.Format(domain.DateLayout)] = g
			out.Accounts[g.AccountID] = f
		}
	}
	for _, sc := range []domain.Scope{domain.AllAccounts, domain.ForTerritory("East"), domain.ForTerritory("North"), domain.ForTerritory("West")} {
		out.Gaps[fmt.Sprintf("%+v", sc)], err = s.GapFacts(ctx, sc, periods)
		check(t, err)
	}
	out.Company, err = s.CompanySalesByCategory(ctx, periods)
	check(t, err)
	for _, asOf := range dates {
		day := asOf.Format(domain.DateLayout)
		out.BestSellers[day], err = s.BestSellers(ctx, asOf)
		check(t, err)
		for _, ind := range []string{"Food", "Mining", "Printing"} {
			out.IndustryBestSellers[ind+" "+day], err = s.IndustryBestSellers(ctx, ind, asOf)
			check(t, err)
		}
	}
	out.First, out.Last, err = s.SalesDates(ctx)
	check(t, err)
	return out
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// toTheCent compares money to the cent. Every figure compared is money, a quantity or
// a count: none is a rate.
var toTheCent = cmp.Options{
	cmp.Comparer(func(a, b float64) bool { return math.Round(a*100) == math.Round(b*100) }),
	cmpopts.EquateEmpty(),
}

// compareFigures reports every difference between want and got, naming each account
// and why it was touched (roles; untouched when not there).
func compareFigures(t *testing.T, what string, want, got figures, roles reasons) {
	t.Helper()
	ids := slices.Sorted(maps.Keys(want.Accounts))
	if diff := cmp.Diff(ids, slices.Sorted(maps.Keys(got.Accounts))); diff != "" {
		t.Errorf("%s: accounts (-want +got):\n%s", what, diff)
	}
	for _, id := range ids {
		role := roles[id]
		if role == "" {
			role = "untouched"
		}
		if diff := cmp.Diff(want.Accounts[id], got.Accounts[id], toTheCent); diff != "" {
			t.Errorf("%s: account %s (%s): figures differ (-want +got):\n%s", what, id, role, diff)
		}
	}
	want.Accounts, got.Accounts = nil, nil
	if diff := cmp.Diff(want, got, toTheCent); diff != "" {
		t.Errorf("%s: company-wide figures differ (-want +got):\n%s", what, diff)
	}
}

// testDeltaEqualsFullRebuild imports the generated company, then a delta that touches
// some accounts through every kind of record (sales files new and replaced, keyed
// records, accounts moved, products changed) into one store, and the company as the
// delta leaves it in one import into another: every figure of every account, touched
// or not, and every company-wide figure must be the same to the cent. A second import
// of unchanged invoices and potentials must change no figure.
func testDeltaEqualsFullRebuild(t *testing.T, open func(t *testing.T) Store) {
	t.Run("delta", func(t *testing.T) {
		base := deltaBase(t)
		d := newDelta(base)
		incremental, full := open(t), open(t)
		Load(t, incremental, base.Write)
		before := snapshot(t, incremental)
		Load(t, incremental, d.write)
		Load(t, full, d.final.Write)
		want, got := snapshot(t, full), snapshot(t, incremental)

		// The accounts named here are a touched and an untouched one with sales: the
		// delta must change the first's figures and leave the second's.
		const touched, untouched = "C001", "C008"
		if d.touched[touched] == "" || d.touched[untouched] != "" {
			t.Fatalf("the delta touches %s: %q, %s: %q; want the first only", touched, d.touched[touched], untouched, d.touched[untouched])
		}
		if len(want.Accounts[untouched].ByCategory) == 0 || len(want.Accounts[touched].ByCategory) == 0 {
			t.Fatalf("accounts %s and %s have no sales in the periods: the test proves nothing", touched, untouched)
		}
		if cmp.Equal(before.Accounts[touched], want.Accounts[touched], toTheCent) {
			t.Errorf("account %s (%s): the delta changes none of its figures", touched, d.touched[touched])
		}
		if !cmp.Equal(before.Accounts[untouched], want.Accounts[untouched], toTheCent) {
			t.Errorf("account %s (untouched): the delta changes its figures", untouched)
		}
		if !want.Last.Equal(deltaDay) || !got.Last.Equal(deltaDay) {
			t.Errorf("last sales date: full rebuild %v, delta %v; want %v", want.Last, got.Last, deltaDay)
		}
		compareFigures(t, "delta (want: the full rebuild)", want, got, d.touched)
	})
	t.Run("nothing new", func(t *testing.T) {
		base := deltaBase(t)
		s := open(t)
		Load(t, s, base.Write)
		before := snapshot(t, s)
		Load(t, s, func(ctx context.Context, b domain.ImportBatch) error {
			var errs []error
			for _, i := range base.Invoices {
				errs = append(errs, b.PutInvoice(ctx, i))
			}
			for _, p := range base.Potentials {
				errs = append(errs, b.PutPotential(ctx, p))
			}
			return errors.Join(errs...)
		})
		compareFigures(t, "unchanged invoices and potentials again (want: before)", before, snapshot(t, s), nil)
	})
}
