package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/incumbent/incumbent/domain"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// gapDB imports testdata/gapdata, a hand-made company whose figures the tests below
// work out by hand, into a new database.
func gapDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "gap.db")
	if code, out, errOut := run(t, "", nil, "import", "--db", db, "testdata/gapdata"); code != 0 {
		t.Fatalf("import: %d\n%s%s", code, out, errOut)
	}
	return db
}

// ask runs `incumbent ask` on db as of 2026-11-27 and returns the status and output.
func ask(t *testing.T, db string, args ...string) (int, string) {
	t.Helper()
	code, out, errOut := run(t, "", nil, append([]string{"ask", "--db", db, "--as-of", "2026-11-27"}, args...)...)
	return code, out + errOut
}

func ptr(f float64) *float64 { return &f }

// TestGapFormulas checks the account gap through the real store: the window's
// boundaries (a sale exactly 12 months before the as-of date is out, one on it is in,
// one after it is out), an understated potential, a category nobody bought (the overall
// rate), a category only others bought (their rate), won and lost opportunities left
// out, a market-wide competitor offer, and the trend against the prior year.
func TestGapFormulas(t *testing.T) {
	db := gapDB(t)
	code, out := ask(t, db, "--format", "json", "gap A1")
	if code != 0 {
		t.Fatalf("status %d\n%s", code, out)
	}
	var got domain.AccountGap
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := domain.AccountGap{
		AccountID: "A1", Name: "Acme Manufacturing", Territory: "North", Owner: "rita@example.com", AsOf: domain.NewDate(2026, 11, 27),
		Categories: []domain.CategoryGap{
			// 500 (2025-11-28) + 2,000 (2026-11-27); not 1,000 (2025-11-27) nor 9,990 (2026-11-28).
			// Last 3 months 2,000 against 1,000 a year earlier (2025-11-27 is in that window).
			{Category: "Fasteners", Current: 2500, Potential: 10000, PotentialSource: "estimate", Competitor: "Fastenal",
				Gap: 7500, Share: 0.25, GPRate: 0.4, GapGP: 3000, Uncovered: 7500, Trend: ptr(1)},
			// Only A2 bought welding: its 30%. Airgas's market-wide offer on W-1.
			{Category: "Welding", Potential: 4000, PotentialSource: "estimate", Competitor: "Airgas",
				Gap: 4000, GPRate: 0.3, GapGP: 1200, Uncovered: 4000, Contested: true},
			// Nobody bought hydraulics: the company's 35% over W (4,000 revenue, 2,600 cost).
			{Category: "Hydraulics", Potential: 3000, PotentialSource: "estimate",
				Gap: 3000, GPRate: 0.35, GapGP: 1050, Pipeline: 2000, WeightedPipeline: 1000, Uncovered: 1000},
			// Potential 500 below our 800: raised to it.
			{Category: "Safety", Current: 800, Potential: 800, PotentialSource: "understated", Competitor: "Grainger",
				Share: 1, GPRate: 0.25},
		},
		Totals: domain.GapTotals{Current: 3300, Potential: 17800, Gap: 14500, Share: 3300.0 / 17800,
			GapGP: 5250, Pipeline: 2000, WeightedPipeline: 1000, Uncovered: 12500},
		Trend: ptr(1),
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Errorf("gap A1 (-want +got):\n%s", diff)
	}

	code, out = ask(t, db, "--format", "json", "growth acme")
	if code != 0 {
		t.Fatalf("status %d\n%s", code, out)
	}
	var g domain.Growth
	if err := json.Unmarshal([]byte(out), &g); err != nil {
		t.Fatal(err)
	}
	// Year to date: 800 (June) + 2,000 (27 November), GP 200 + 800; 331 of 365 days,
	// 34 left. A year earlier, to 2025-11-27: 1,000 (+180%). No objective, and the last
	// quarter has begun: for 2027, 3,300 over W plus 20% of the 14,500 gap.
	wantG := domain.Growth{Scope: "account", Key: "A1", Name: "Acme Manufacturing", Year: 2026, AsOf: domain.NewDate(2026, 11, 27),
		YTD: 2800, GPYTD: 1000, YTDLastYear: 1000, LastYearFrom: domain.NewDate(2025, 11, 27), DaysLeft: 34, Elapsed: 331.0 / 365, Projection: 2800 / (331.0 / 365),
		SuggestedTarget: 6200, SuggestedYear: 2027, RevenueW: 3300, GapTotal: 14500}
	if diff := cmp.Diff(inJSON(wantG), g, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Errorf("growth acme (-want +got):\n%s", diff)
	}
}

// TestGapReplies renders every gap and growth reply of the hand-made company and compares
// it with its golden file (go test ./cmd/incumbent -update rewrites them).
func TestGapReplies(t *testing.T) {
	db := gapDB(t)
	for _, tt := range []struct{ name, text string }{
		{"gap_account", "gap acme"},
		{"gap_account_fuzzy", "gap southern"},
		{"gap_territory", "gap territory north"},
		{"gap_market", "gap market"},
		{"growth_account", "growth acme"},
		{"growth_territory", "growth territory north"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out := ask(t, db, tt.text)
			if code != 0 {
				t.Fatalf("status %d\n%s", code, out)
			}
			golden(t, filepath.Join("testdata", "golden", tt.name+".txt"), out)
		})
	}
}

// TestGrowthReplies renders the growth replies of the hand-made company at the year's
// end, for a past and a future year, and as a rep, who sees no Set button.
func TestGrowthReplies(t *testing.T) {
	db := gapDB(t)
	for _, tt := range []struct {
		name string
		args []string
	}{
		// 2025: 1,500 (1,000 on 27 and 500 on 28 November), nothing in 2024; no
		// objective, and none is suggested for a year gone by.
		{"growth_account_2025", []string{"growth acme 2025"}},
		// 2027 has not started: North has no objective for it; one is suggested.
		{"growth_territory_2027", []string{"growth territory north 2027"}},
		// 31 December: the year is closed.
		{"growth_territory_closed", []string{"--as-of", "2026-12-31", "growth territory north"}},
		// 31 December 2025: no objective for 2025, and 2026's is set: nothing suggested.
		{"growth_territory_2025_end", []string{"--as-of", "2025-12-31", "growth territory north"}},
		{"growth_account_rep", []string{"--as", "rita@example.com", "growth acme"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out := ask(t, db, tt.args...)
			if code != 0 {
				t.Fatalf("status %d\n%s", code, out)
			}
			golden(t, filepath.Join("testdata", "golden", tt.name+".txt"), out)
		})
	}
	// A rep never sees a button they may not press; their manager does.
	if _, out := ask(t, db, "--as", "rita@example.com", "growth acme"); strings.Contains(out, "growth set") {
		t.Errorf("a rep is offered growth set:\n%s", out)
	}
	if _, out := ask(t, db, "--as", "nora@example.com", "growth acme"); !strings.Contains(out, "Set $6,200 for 2027: growth set A1 2027 6200") {
		t.Errorf("the manager is not offered to set 2027's objective:\n%s", out)
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

// TestGapBadInput checks that every mistake gets a reply saying what was wrong, with
// status 1, and that a rep learns no figure of another territory.
func TestGapBadInput(t *testing.T) {
	db := gapDB(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"nothing after gap", []string{"gap"}, "Gap of what? Usage: `gap <account>`"},
		{"unknown account", []string{"gap zzzzzz"}, `No account matches "zzzzzz".`},
		{"ambiguous", []string{"gap acm"}, `"acm" could mean several: which one?`},
		{"unknown territory", []string{"gap territory east"}, `No territory matches "east". Yours: North, South.`},
		{"territory without a name", []string{"gap territory"}, "Which territory?"},
		{"before any data", []string{"--as-of", "2020-01-01", "gap acme"}, "The as-of date 2020-01-01 is before any sales: the data runs from 2025-11-27 to 2026-11-28."},
		{"rep, other account", []string{"--as", "rita@example.com", "gap A3"}, `No account matches "A3".`},
		{"rep, other territory", []string{"--as", "rita@example.com", "gap territory south"}, `Territory "South" is outside your territories (North).`},
		{"rep, market", []string{"--as", "rita@example.com", "gap market"}, "The market view sums every territory, so it is for admins."},
		{"rep sets an objective", []string{"--as", "rita@example.com", "growth set acme 2026 5000"}, "Objectives are set by managers and admins"},
		{"manager, other territory", []string{"--as", "nora@example.com", "growth set south 2026 5000"}, `Territory "South" is outside your territories (North).`},
		{"bad year", []string{"growth set acme twenty 5000"}, `"twenty" is not a year.`},
		{"bad amount", []string{"growth set acme 2026 lots"}, `"lots" is not a revenue amount.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out := ask(t, db, tt.args...)
			if code != 1 || !strings.Contains(out, tt.want) {
				t.Errorf("status %d (want 1), reply lacks %q:\n%s", code, tt.want, out)
			}
			if strings.Contains(tt.name, "rep") && strings.Contains(out, "$") {
				t.Errorf("a refusal shows a figure:\n%s", out)
			}
		})
	}

	code, out := ask(t, db, "gap Empty Co")
	if code != 0 || !strings.Contains(out, "has no sales in the last 12 months and no potential estimates") {
		t.Errorf("an account with nothing: status %d\n%s", code, out)
	}
}

// TestGrowthSet sets objectives from chat, checks who set them is recorded, and that a
// later import of objectives.csv wins for the rows it names.
func TestGrowthSet(t *testing.T) {
	db := gapDB(t)
	code, out := ask(t, db, "--as", "nora@example.com", "growth set acme 2026 6k gp 2,000")
	if code != 0 || !strings.Contains(out, "Objective set for Acme Manufacturing (A1), 2026: revenue $6,000, gross profit $2,000. Recorded as set by nora@example.com at 2026-11-27 09:30 UTC.") {
		t.Fatalf("status %d\n%s", code, out)
	}
	code, out = ask(t, db, "--format", "json", "growth A1")
	var g domain.Growth
	if err := json.Unmarshal([]byte(out), &g); code != 0 || err != nil {
		t.Fatalf("status %d, %v\n%s", code, err, out)
	}
	if !g.HasObjective || g.Target != 6000 || g.GPTarget != 2000 || g.SetBy != "nora@example.com" || g.Pace == nil || g.GPYTD != 1000 {
		t.Errorf("growth after set: %+v", g)
	}
	// 331/365 of 6,000 expected; 2,800 sold.
	if want := 2800 / (6000 * 331.0 / 365); *g.Pace-want > 1e-9 || want-*g.Pace > 1e-9 {
		t.Errorf("pace = %v, want %v", *g.Pace, want)
	}

	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "objectives.csv"), []byte("scope,key,year,revenue_target\naccount,A1,2026,9000\n"), 0o644)
	if code, out, errOut := run(t, "", nil, "import", "--db", db, dir); code != 0 {
		t.Fatalf("import: %d\n%s%s", code, out, errOut)
	}
	_, out = ask(t, db, "--format", "json", "growth A1")
	g = domain.Growth{}
	json.Unmarshal([]byte(out), &g)
	if g.Target != 9000 || g.SetBy != "" {
		t.Errorf("after importing objectives.csv: target %v set by %q, want 9000 from the file", g.Target, g.SetBy)
	}
}
