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
