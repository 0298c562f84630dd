package memory_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/adapters/csvimport"
	"github.com/incumbent/incumbent/adapters/demo"
	"github.com/incumbent/incumbent/adapters/memory"
	"github.com/incumbent/incumbent/adapters/sqlite"
	"github.com/incumbent/incumbent/adapters/storetest"
	"github.com/incumbent/incumbent/domain"
)

// TestSameFiguresAsSQLite imports the demo company into the SQLite store and the
// memory store and checks that every read of the two is the same, every figure to the
// bit (cmp without a tolerance): the sums run in the same order and, where SQLite sums,
// the same way. It does so again after a second import that replaces a sales file with
// part of it, adds another, closes opportunities, moves accounts to other territories
// and industries and a product to another category.
func TestSameFiguresAsSQLite(t *testing.T) {
	ctx := t.Context()
	end := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if _, err := demo.Write(ctx, data, demo.Options{Accounts: 80, Months: 24, End: end, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	lite, err := sqlite.Open(ctx, filepath.Join(dir, "incumbent.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	mem := memory.NewDataStore()
	load := func(dir string) {
		t.Helper()
		for _, s := range []csvimport.Store{lite, mem} {
			if _, err := (&csvimport.Importer{Store: s}).Import(ctx, dir); err != nil {
				t.Fatalf("import %s into %T: %v", dir, s, err)
			}
		}
	}
	load(data)
	t.Run("demo", func(t *testing.T) { compareStores(t, lite, mem, end) })

	changed := filepath.Join(dir, "changed")
	writeChanges(t, data, changed)
	load(changed)
	t.Run("changed", func(t *testing.T) { compareStores(t, lite, mem, end) })

	// Potentials set from chat: one replacing an estimate, one for a category an account
	// buys without one, one for a category it does not buy.
	pots, err := lite.FindPotentials(ctx, domain.AllAccounts)
	if err != nil || len(pots) == 0 {
		t.Fatalf("the demo's potentials: %d, %v", len(pots), err)
	}
	at := end.Add(9 * time.Hour)
	set := []domain.Potential{
		{AccountID: pots[0].AccountID, Category: pots[0].Category, AnnualPotential: pots[0].AnnualPotential * 1.5, Competitor: "Rival", SetBy: "a@example.com", SetAt: at},
		{AccountID: accountsOf(t, lite)[0], Category: "Welding", AnnualPotential: 123456.78, SetBy: "b@example.com", SetAt: at},
		{AccountID: accountsOf(t, lite)[1], Category: "Fasteners", AnnualPotential: 0.1, Note: "small", SetBy: "b@example.com", SetAt: at},
	}
	for _, p := range set {
		for _, s := range []storetest.Store{lite, mem} {
			if err := s.SetPotential(ctx, p); err != nil {
				t.Fatalf("%T: SetPotential(%+v): %v", s, p, err)
			}
		}
	}
	t.Run("potentials", func(t *testing.T) { compareStores(t, lite, mem, end) })
}

// accountsOf returns the ids of a store's accounts.
func accountsOf(t *testing.T, s storetest.Store) []string {
	t.Helper()
	accs, err := s.FindAccounts(t.Context(), domain.AllAccounts)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(accs))
	for i, a := range accs {
		ids[i] = a.ID
	}
	return ids
}

// read is one read of a store, named.
type read struct {
	name string
	read func(ctx context.Context, s storetest.Store) (any, error)
}

// compareStores checks that every read of got is what want returns.
func compareStores(t *testing.T, want, got storetest.Store, end time.Time) {
	ctx := t.Context()
	accounts, err := want.FindAccounts(ctx, domain.AllAccounts)
	if err != nil {
		t.Fatal(err)
	}
	territories, err := want.FindTerritories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	scopes := []domain.Scope{domain.AllAccounts, domain.ForTerritory("Nowhere"), domain.ForAccount("Z-none")}
	for _, tr := range territories {
		scopes = append(scopes, domain.ForTerritory(tr.Name))
	}
	industries := []string{"", "Nothing"}
	for i, a := range accounts {
		if i%17 == 0 {
			scopes = append(scopes, domain.ForAccount(a.ID))
		}
		if !slices.Contains(industries, a.Industry) {
			industries = append(industries, a.Industry)
		}
	}
	var asOfs []time.Time
	for _, d := range [][3]int{{0, 0, 0}, {0, -1, 0}, {0, -4, -3}, {0, -7, -11}, {-1, 0, 0}, {-1, -6, 5}, {-2, 0, 0}, {0, 6, 0}, {2, 0, 0}} {
		asOfs = append(asOfs, end.AddDate(d[0], d[1], d[2]))
	}
	reads := recordReads(end)
	for _, sc := range scopes {
		reads = append(reads, scopeReads(sc, end)...)
	}
	for _, asOf := range asOfs {
		reads = append(reads, dateReads(asOf, industries)...)
	}
	reads = append(reads, read{"CompanySalesByCategory", func(ctx context.Context, s storetest.Store) (any, error) {
		return s.CompanySalesByCategory(ctx, gapPeriods(end))
	}})
	for _, r := range reads {
		w, err := r.read(ctx, want)
		if err != nil {
			t.Fatalf("%s of SQLite: %v", r.name, err)
		}
		g, err := r.read(ctx, got)
		if err != nil {
			t.Fatalf("%s of memory: %v", r.name, err)
		}
		if diff := cmp.Diff(w, g); diff != "" {
			t.Errorf("%s (-SQLite +memory):\n%s", r.name, diff)
		}
	}
}

// gapPeriods are the periods a gap reads (W, the last three months and the same months
// a year earlier), and two more that overlap them.
func gapPeriods(asOf time.Time) []domain.Period {
	return []domain.Period{
		domain.Window(asOf),
		{After: asOf.AddDate(0, -3, 0), Through: asOf},
		{After: asOf.AddDate(0, -15, 0), Through: asOf.AddDate(0, -12, 0)},
		{After: asOf.AddDate(-2, 0, 0), Through: asOf.AddDate(0, -1, -9)},
		{After: asOf.AddDate(0, 0, -1), Through: asOf.AddDate(0, 0, 1)},
	}
}

// recordReads are the reads of the records themselves and of what the store counts.
func recordReads(end time.Time) []read {
	all := domain.AllAccounts
	return []read{
		{"DataVersion", func(ctx context.Context, s storetest.Store) (any, error) { return s.DataVersion(ctx) }},
		{"RowCounts", func(ctx context.Context, s storetest.Store) (any, error) { return s.RowCounts(ctx) }},
		{"SalesDates", func(ctx context.Context, s storetest.Store) (any, error) {
			first, last, err := s.SalesDates(ctx)
			return [2]time.Time{first, last}, err
		}},
		{"Known", func(ctx context.Context, s storetest.Store) (any, error) { return s.Known(ctx) }},
		{"FindTerritories", func(ctx context.Context, s storetest.Store) (any, error) { return s.FindTerritories(ctx) }},
		{"FindPeople", func(ctx context.Context, s storetest.Store) (any, error) { return s.FindPeople(ctx) }},
		{"FindProducts", func(ctx context.Context, s storetest.Store) (any, error) { return s.FindProducts(ctx) }},
		{"FindCommitments", func(ctx context.Context, s storetest.Store) (any, error) { return s.FindCommitments(ctx, all) }},
		{"FindRFQs", func(ctx context.Context, s storetest.Store) (any, error) { return s.FindRFQs(ctx, all) }},
		{"FindObjectives", func(ctx context.Context, s storetest.Store) (any, error) { return s.FindObjectives(ctx, end.Year()) }},
		{"FindAccountsByName", func(ctx context.Context, s storetest.Store) (any, error) {
			return s.FindAccountsByName(ctx, "acme manufacturing")
		}},
	}
}

// scopeReads are the reads of one scope.
func scopeReads(sc domain.Scope, end time.Time) []read {
	name := func(what string) string { return fmt.Sprintf("%s(%+v)", what, sc) }
	periods := gapPeriods(end)
	return []read{
		{name("GapFacts"), func(ctx context.Context, s storetest.Store) (any, error) { return s.GapFacts(ctx, sc, periods) }},
		{name("SalesByCategory"), func(ctx context.Context, s storetest.Store) (any, error) {
			return s.SalesByCategory(ctx, sc, periods)
		}},
		{name("SalesBySKU"), func(ctx context.Context, s storetest.Store) (any, error) { return s.SalesBySKU(ctx, sc, periods) }},
		{name("FindAccounts"), func(ctx context.Context, s storetest.Store) (any, error) { return s.FindAccounts(ctx, sc) }},
		{name("FindPotentials"), func(ctx context.Context, s storetest.Store) (any, error) { return s.FindPotentials(ctx, sc) }},
		{name("FindOpportunities"), func(ctx context.Context, s storetest.Store) (any, error) {
			return s.FindOpportunities(ctx, sc)
		}},
		{name("FindInvoices"), func(ctx context.Context, s storetest.Store) (any, error) { return s.FindInvoices(ctx, sc) }},
		{name("FindOverdueInvoices"), func(ctx context.Context, s storetest.Store) (any, error) {
			return s.FindOverdueInvoices(ctx, sc, end, 30)
		}},
		{name("FindCompetitorOffers"), func(ctx context.Context, s storetest.Store) (any, error) {
			return s.FindCompetitorOffers(ctx, sc)
		}},
	}
}

// dateReads are the reads at one as-of date.
func dateReads(asOf time.Time, industries []string) []read {
	day := asOf.Format(domain.DateLayout)
	reads := []read{
		{"GradeFacts " + day, func(ctx context.Context, s storetest.Store) (any, error) { return s.GradeFacts(ctx, asOf) }},
		{"BestSellers " + day, func(ctx context.Context, s storetest.Store) (any, error) { return s.BestSellers(ctx, asOf) }},
	}
	for _, ind := range industries {
		reads = append(reads, read{fmt.Sprintf("IndustryBestSellers(%q) %s", ind, day), func(ctx context.Context, s storetest.Store) (any, error) {
			return s.IndustryBestSellers(ctx, ind, asOf)
		}})
	}
	return reads
}

// writeChanges writes into dir a second import of the demo in from: sales.csv again
// with every other line (so its lines are replaced), sales-extra.csv with lines on the
// days, accounts and SKUs of others and new amounts, every third opportunity won with a
// new value, every ninth account in another territory and industry, and the first
// product in the category of the last.
func writeChanges(t *testing.T, from, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	sales := readCSV(t, filepath.Join(from, "sales.csv"))
	head, col := sales[0], columns(sales[0])
	half, extra := [][]string{head}, [][]string{{"date", "account_id", "sku", "quantity", "amount"}}
	for i, r := range sales[1:] {
		if i%2 == 0 {
			half = append(half, r)
		}
		if i%5 == 0 {
			extra = append(extra, []string{r[col["date"]], r[col["account_id"]], r[col["sku"]], "3",
				strconv.FormatFloat(float64(i%997)/7+0.1, 'f', 2, 64)})
		}
	}
	writeCSV(t, filepath.Join(dir, "sales.csv"), half)
	writeCSV(t, filepath.Join(dir, "sales-extra.csv"), extra)

	opps := readCSV(t, filepath.Join(from, "opportunities.csv"))
	col = columns(opps[0])
	for i, r := range opps[1:] {
		if i%3 == 0 {
			r[col["stage"]], r[col["value"]] = "Won", strconv.Itoa(1000+i)
		}
	}
	writeCSV(t, filepath.Join(dir, "opportunities.csv"), opps)

	accounts, territories := readCSV(t, filepath.Join(from, "accounts.csv")), readCSV(t, filepath.Join(from, "territories.csv"))
	col = columns(accounts[0])
	for i, r := range accounts[1:] {
		if i%9 == 0 {
			r[col["territory"]] = territories[1+i%(len(territories)-1)][0]
			r[col["industry"]] = accounts[1+(i+5)%(len(accounts)-1)][col["industry"]]
		}
	}
	writeCSV(t, filepath.Join(dir, "accounts.csv"), accounts)

	products := readCSV(t, filepath.Join(from, "products.csv"))
	col = columns(products[0])
	products[1][col["category"]] = products[len(products)-1][col["category"]]
	writeCSV(t, filepath.Join(dir, "products.csv"), products)
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func writeCSV(t *testing.T, path string, rows [][]string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// columns returns the place of each column of a header.
func columns(header []string) map[string]int {
	out := map[string]int{}
	for i, c := range header {
		out[c] = i
	}
	return out
}
