package bot_test

// The gap and growth of testdata/gapdata, a hand-made company whose figures the tests
// below work out by hand.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/incumbent/incumbent/domain"
)

// TestGapFormulas checks the account gap through the store: the window's
// boundaries (a sale exactly 12 months before the as-of date is out, one on it is in,
// one after it is out), an understated potential, a category nobody bought (the overall
// rate), a category only others bought (their rate), won and lost opportunities left
// out, a market-wide competitor offer, and the trend against the prior year.
func TestGapFormulas(t *testing.T) {
	b := newTestBot(t, "gapdata")
	got := askJSON[domain.AccountGap](t, b, "gap A1")
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

	g := askJSON[domain.Growth](t, b, "growth acme")
	// Year to date: 800 (June) + 2,000 (27 November), GP 200 + 800; 331 of 365 days,
	// 34 left. A year earlier, to 2025-11-27: 1,000 (+180%). No objective, and the last
	// quarter has begun: for 2027, 3,300 over W plus 20% of the 14,500 gap.
	wantG := domain.Growth{Scope: "account", Key: "A1", Name: "Acme Manufacturing", Year: 2026, AsOf: domain.NewDate(2026, 11, 27),
		YTD: 2800, GPYTD: 1000, YTDLastYear: 1000, LastYearFrom: domain.NewDate(2025, 11, 27), DaysLeft: 34, Elapsed: 331.0 / 365, Projection: 2800 / (331.0 / 365),
		SuggestedTarget: 6200, SuggestedYear: 2027, RevenueW: 3300, GapTotal: 14500,
		// By month, cumulative: June's 800, then November's 2,000; last year's 1,000 in
		// November.
		Months:         []float64{0, 0, 0, 0, 0, 800, 800, 800, 800, 800, 2800},
		MonthsLastYear: []float64{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1000}}
	if diff := cmp.Diff(inJSON(wantG), g, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Errorf("growth acme (-want +got):\n%s", diff)
	}
}

// TestGapReplies renders every gap and growth reply of the hand-made company and compares
// it with its golden file (go test ./bot -update rewrites them).
func TestGapReplies(t *testing.T) {
	b := newTestBot(t, "gapdata")
	for _, tt := range []struct{ name, text string }{
		{"gap_account", "gap acme"},
		{"gap_account_fuzzy", "gap southern"},
		{"gap_territory", "gap territory north"},
		{"gap_market", "gap market"},
		{"growth_account", "growth acme"},
		{"growth_territory", "growth territory north"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := ask(t, b, tt.text)
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			golden(t, filepath.Join("golden", tt.name+".txt"), []byte(out))
		})
	}
}

// TestGrowthReplies renders the growth replies of the hand-made company at the year's
// end, for a past and a future year, and as a rep, who sees no Set button.
func TestGrowthReplies(t *testing.T) {
	b := newTestBot(t, "gapdata")
	for _, tt := range []struct {
		name, text string
		opts       []askOption
	}{
		// 2025: 1,500 (1,000 on 27 and 500 on 28 November), nothing in 2024; no
		// objective, and none is suggested for a year gone by.
		{"growth_account_2025", "growth acme 2025", nil},
		// 2027 has not started: North has no objective for it; one is suggested.
		{"growth_territory_2027", "growth territory north 2027", nil},
		// 31 December: the year is closed.
		{"growth_territory_closed", "growth territory north", []askOption{on("2026-12-31")}},
		// 31 December 2025: no objective for 2025, and 2026's is set: nothing suggested.
		{"growth_territory_2025_end", "growth territory north", []askOption{on("2025-12-31")}},
		{"growth_account_rep", "growth acme", []askOption{as("rita@example.com")}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := ask(t, b, tt.text, tt.opts...)
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			golden(t, filepath.Join("golden", tt.name+".txt"), []byte(out))
		})
	}
	// A rep never sees a button they may not press; their manager does.
	if out, _ := ask(t, b, "growth acme", as("rita@example.com")); strings.Contains(out, "growth set") {
		t.Errorf("a rep is offered growth set:\n%s", out)
	}
	if out, _ := ask(t, b, "growth acme", as("nora@example.com")); !strings.Contains(out, "Set $6,200 for 2027: growth set A1 2027 6200") {
		t.Errorf("the manager is not offered to set 2027's objective:\n%s", out)
	}
}

// TestGapBadInput checks that every mistake gets an error reply saying what was wrong,
// and that a rep learns no figure of another territory.
func TestGapBadInput(t *testing.T) {
	b := newTestBot(t, "gapdata")
	rita, nora := as("rita@example.com"), as("nora@example.com")
	tests := []struct {
		name, text string
		opts       []askOption
		want       string
	}{
		{"nothing after gap", "gap", nil, "Gap of what? Usage: `gap <account>`"},
		{"unknown account", "gap zzzzzz", nil, `No account matches "zzzzzz".`},
		{"ambiguous", "gap acm", nil, `"acm" could mean several: which one?`},
		{"unknown territory", "gap territory east", nil, `No territory matches "east". Yours: North, South.`},
		{"territory without a name", "gap territory", nil, "Which territory?"},
		{"before any data", "gap acme", []askOption{on("2020-01-01")}, "The as-of date 2020-01-01 is before any sales: the data runs from 2025-11-27 to 2026-11-28."},
		{"rep, other account", "gap A3", []askOption{rita}, `No account matches "A3".`},
		{"rep, other territory", "gap territory south", []askOption{rita}, `Territory "South" is outside your territories (North).`},
		{"rep, market", "gap market", []askOption{rita}, "The market view sums every territory, so it is for admins."},
		{"rep sets an objective", "growth set acme 2026 5000", []askOption{rita}, "Objectives are set by managers and admins"},
		{"manager, other territory", "growth set south 2026 5000", []askOption{nora}, `Territory "South" is outside your territories (North).`},
		{"bad year", "growth set acme twenty 5000", nil, `"twenty" is not a year.`},
		{"bad amount", "growth set acme 2026 lots", nil, `"lots" is not a revenue amount.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := ask(t, b, tt.text, tt.opts...)
			if err == nil || !strings.Contains(out, tt.want) {
				t.Errorf("error %v (want one), reply lacks %q:\n%s", err, tt.want, out)
			}
			if strings.Contains(tt.name, "rep") && strings.Contains(out, "$") {
				t.Errorf("a refusal shows a figure:\n%s", out)
			}
		})
	}

	out, err := ask(t, b, "gap Empty Co")
	if err != nil || !strings.Contains(out, "has no sales in the last 12 months and no potential estimates") {
		t.Errorf("an account with nothing: %v\n%s", err, out)
	}
}

// TestGrowthSet sets objectives from chat, checks who set them is recorded, and that a
// later import of objectives.csv wins for the rows it names.
func TestGrowthSet(t *testing.T) {
	b := newTestBot(t, "gapdata")
	out, err := ask(t, b, "growth set acme 2026 6k gp 2,000", as("nora@example.com"))
	if err != nil || !strings.Contains(out, "Objective set for Acme Manufacturing (A1), 2026: revenue $6,000, gross profit $2,000. Recorded as set by nora@example.com at 2026-11-27 09:30 UTC.") {
		t.Fatalf("%v\n%s", err, out)
	}
	g := askJSON[domain.Growth](t, b, "growth A1")
	if !g.HasObjective || g.Target != 6000 || g.GPTarget != 2000 || g.SetBy != "nora@example.com" || g.Pace == nil || g.GPYTD != 1000 {
		t.Errorf("growth after set: %+v", g)
	}
	// 331/365 of 6,000 expected; 2,800 sold.
	if want := 2800 / (6000 * 331.0 / 365); *g.Pace-want > 1e-9 || want-*g.Pace > 1e-9 {
		t.Errorf("pace = %v, want %v", *g.Pace, want)
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "objectives.csv"), []byte("scope,key,year,revenue_target\naccount,A1,2026,9000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	importInto(t, b, dir)
	g = askJSON[domain.Growth](t, b, "growth A1")
	if g.Target != 9000 || g.SetBy != "" {
		t.Errorf("after importing objectives.csv: target %v set by %q, want 9000 from the file", g.Target, g.SetBy)
	}
}
