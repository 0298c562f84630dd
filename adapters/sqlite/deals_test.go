package sqlite_test

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/adapters/csvimport"
	"github.com/incumbent/incumbent/adapters/demo"
	"github.com/incumbent/incumbent/domain"
)

// TestBestSellers checks best_sellers against every SKU's sales summed from the lines,
// on a demo company, at dates inside, at the ends of and after the history.
func TestBestSellers(t *testing.T) {
	ctx := t.Context()
	end := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	if _, err := demo.Write(ctx, filepath.Join(dir, "data"), demo.Options{Accounts: 40, Months: 14, End: end, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	s, _ := open(t)
	if _, err := (&csvimport.Importer{Store: s}).Import(ctx, filepath.Join(dir, "data")); err != nil {
		t.Fatal(err)
	}
	products, err := s.FindProducts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	category := map[string]string{}
	for _, p := range products {
		category[p.SKU] = p.Category
	}
	for _, asOf := range []time.Time{end, end.AddDate(0, -5, 3), end.AddDate(0, 6, 0), end.AddDate(-1, 0, 0), end.AddDate(2, 0, 0)} {
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
		got, err := s.BestSellers(ctx, asOf)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("as of %s (-lines +best_sellers):\n%s", asOf.Format(domain.DateLayout), diff)
		}
	}
}

func TestScenarioStore(t *testing.T) {
	ctx := t.Context()
	s, _ := open(t)
	if _, err := s.FindScenario(ctx, 1); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Fatalf("no scenario yet: %v", err)
	}
	be := 33.5
	sc := domain.Scenario{AccountID: "A1", AccountName: "Acme", Author: "rita@example.com", Channel: "C1", Thread: "1700000000.1",
		CreatedAt: time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC), AsOf: "2026-11-27",
		Ledger: []domain.LedgerItem{{Side: domain.LedgerGive, Text: "net 60", Primary: true}},
		Deal: domain.Deal{Terms: domain.DealTerms{Discount: 0.05, X: "Gloves", Months: 12, Qty: 100, Y: "W-1"}, Concession: 500,
			Gain: 1500, Net: 1000, BreakEvenQty: &be, Verdict: domain.VerdictAccretive}}
	if err := s.SaveScenario(ctx, &sc); err != nil || sc.ID != 1 {
		t.Fatalf("save: id %d, %v", sc.ID, err)
	}
	v := sc
	v.ID, v.ParentID = 0, 1
	if err := s.SaveScenario(ctx, &v); err != nil || v.ID != 2 {
		t.Fatalf("save variant: id %d, %v", v.ID, err)
	}
	for _, want := range []domain.Scenario{sc, v} {
		got, err := s.FindScenario(ctx, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-saved +read):\n%s", want.Name(), diff)
		}
	}
}

func TestRecordCompetitorOffer(t *testing.T) {
	ctx := t.Context()
	s, _ := loaded(t)
	before, _ := s.DataVersion(ctx)
	o := domain.CompetitorOffer{Competitor: "Rival", SKU: "G-1", AccountID: "A1", Price: 9, UsesPerUnit: 80, Weaknesses: "slow",
		SetBy: "rob@example.com", SetAt: time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)}
	if err := s.RecordCompetitorOffer(ctx, o); err != nil {
		t.Fatal(err)
	}
	if after, _ := s.DataVersion(ctx); after != before+1 {
		t.Errorf("data version %d → %d, want one more", before, after)
	}
	offers, err := s.FindCompetitorOffers(ctx, domain.ForAccount("A1"))
	if err != nil {
		t.Fatal(err)
	}
	// It replaced the fixture's offer of Rival on G-1 to A1.
	var found []domain.CompetitorOffer
	for _, x := range offers {
		if x.Competitor == "Rival" && x.AccountID == "A1" {
			found = append(found, x)
		}
	}
	if diff := cmp.Diff([]domain.CompetitorOffer{o}, found); diff != "" {
		t.Errorf("(-recorded +read):\n%s", diff)
	}
}
