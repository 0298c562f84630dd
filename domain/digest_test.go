package domain_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/incumbent/incumbent/domain"
)

func day(s string) time.Time {
	t, err := domain.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return t
}

func fptr(f float64) *float64 { return &f }

// digestInput is a hand-made territory as of Friday 2026-11-27, with last week's
// snapshot.
func digestInput() domain.DigestInput {
	gaps := []domain.AccountGap{
		{AccountID: "A1", Name: "Acme", Territory: "North", Categories: []domain.CategoryGap{
			{Category: "Fasteners", Current: 2000, Potential: 3000, Gap: 1000, GPRate: 0.3, Uncovered: 1000, Competitor: "Fastenal"},
			{Category: "Safety", Current: 500, Potential: 1500, Gap: 1000, GPRate: 0.4, Pipeline: 1000}, // covered
			{Category: "Abrasives", Potential: 100, Gap: 100, GPRate: 0.3, Uncovered: 100},
		}},
		{AccountID: "A2", Name: "Birch", Territory: "North", Categories: []domain.CategoryGap{
			{Category: "Welding", Current: 1000, Potential: 5000, Gap: 4000, GPRate: 0.25, Uncovered: 4000},
		}},
		{AccountID: "A3", Name: "Cedar", Territory: "North", Categories: []domain.CategoryGap{
			{Category: "Safety", Current: 400, Potential: 1000, Gap: 600, GPRate: 0.5, Uncovered: 600},
		}},
		{AccountID: "A4", Name: "Dune", Territory: "North", Categories: []domain.CategoryGap{
			{Category: "Hydraulics", Potential: 2000, Gap: 2000, GPRate: 0.35, Uncovered: 2000},
		}},
		{AccountID: "A5", Name: "Elm", Territory: "North", Categories: []domain.CategoryGap{
			{Category: "Cutting", Current: 100, Potential: 1100, Gap: 1000, GPRate: 0.4, Uncovered: 1000},
		}},
	}
	for i := range gaps {
		for _, c := range gaps[i].Categories {
			gaps[i].Totals.Current += c.Current
			gaps[i].Totals.Potential += c.Potential
			gaps[i].Totals.Gap += c.Gap
			gaps[i].Totals.Uncovered += c.Uncovered
		}
	}
	grade := func(id, name, territory, tier string) domain.Grade {
		return domain.Grade{AccountID: id, Name: name, Territory: territory, Tier: tier, Graded: tier != ""}
	}
	opp := func(id, account, stage, close string, value float64) domain.Opportunity {
		o := domain.Opportunity{ID: id, AccountID: account, Category: "Welding", Name: "Deal " + id, Value: value, Stage: stage, Probability: 0.5}
		if close != "" {
			o.CloseDate = day(close)
		}
		return o
	}
	inv := func(id, account, due, paid string, amount float64) domain.Invoice {
		i := domain.Invoice{ID: id, AccountID: account, InvoiceDate: day(due).AddDate(0, 0, -30), DueDate: day(due), Amount: amount}
		if paid != "" {
			i.PaidDate = day(paid)
		}
		return i
	}
	return domain.DigestInput{
		Territory: "North", Week: domain.NewDate(2026, 11, 30), AsOf: time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC),
		Rollup: domain.ComputeRollup("North", domain.NewDate(2026, 11, 27), gaps), Gaps: gaps,
		Grades: []domain.Grade{
			grade("A1", "Acme", "North", domain.TierBusinessBuild),
			grade("A2", "Birch", "North", domain.TierOperationalDrain),
			grade("A3", "Cedar", "North", domain.TierCoreCustomer),
			grade("A4", "Dune", "North", ""), // nothing to grade: a prospect
			grade("A5", "Elm", "North", domain.TierConvenientSale),
			grade("X9", "Elsewhere", "South", domain.TierOperationalDrain), // not the territory's
		},
		Opportunities: []domain.Opportunity{
			opp("O1", "A1", "proposal", "2026-12-27", 5000), // exactly 30 days: in
			opp("O2", "A1", "proposal", "2026-12-28", 9000), // 31 days: out
			opp("O3", "A2", "proposal", "2026-11-27", 9000), // on the as-of date: out
			opp("O4", "A2", "proposal", "2026-11-20", 9000), // already past: out
			opp("O5", "A3", "won", "2026-12-01", 9000),      // closed: out
			opp("O6", "A3", "Lost", "2026-12-01", 9000),     // closed: out
			opp("O7", "A3", "negotiation", "2026-11-28", 1000),
			opp("O8", "A4", "qualify", "", 9000), // no close date: out
			opp("O9", "A4", "qualify", "2026-12-10", 400),
			opp("O10", "A5", "qualify", "2026-12-11", 300),
			opp("O11", "A5", "qualify", "2026-12-12", 200),
			opp("O12", "ZZ", "qualify", "2026-12-13", 100), // an account without a name
		},
		Invoices: []domain.Invoice{
			inv("I1", "A2", "2026-10-01", "", 1000),                                                               // open, 57 days late
			inv("I2", "A2", "2026-10-20", "2026-12-05", 500),                                                      // paid after the as-of date: open on it, 38 days
			inv("I3", "A3", "2026-10-28", "", 700),                                                                // exactly 30 days: not late enough
			inv("I4", "A3", "2026-09-01", "2026-11-20", 5000),                                                     // paid by the as-of date
			inv("I5", "A5", "2026-06-01", "", 200),                                                                // 179 days
			{ID: "I6", AccountID: "A1", InvoiceDate: day("2026-11-28"), DueDate: day("2026-09-01"), Amount: 9000}, // dated after A
		},
		Growth: domain.Growth{Scope: domain.ScopeTerritory, Key: "North", Name: "North", Year: 2026, HasObjective: true,
			Target: 100000, YTD: 80000, Expected: 90000, Pace: fptr(80000.0 / 90000), Projection: 88000, NeededPerMonth: fptr(20000)},
		Settings: domain.GradeSettings{CostOfCapital: 0.10},
		Previous: &domain.DigestSnapshot{Territory: "North", Week: domain.NewDate(2026, 11, 23), AsOf: domain.NewDate(2026, 11, 20),
			Current: 3500, Potential: 13000, Gap: 9500, Share: 3500.0 / 13000,
			Tiers: map[string]string{
				"A1": domain.TierCoreCustomer,   // now Business Build: up
				"A2": domain.TierCoreCustomer,   // now Operational Drain: down two
				"A3": domain.TierBusinessBuild,  // now Core Customer: down one
				"A5": domain.TierConvenientSale, // unchanged
				"A6": domain.TierCoreCustomer,   // gone from the territory
			}},
	}
}

func TestBuildDigest(t *testing.T) {
	in := digestInput()
	got := domain.BuildDigest(in)
	want := domain.Digest{
		Territory: "North", Week: domain.NewDate(2026, 11, 30), AsOf: domain.NewDate(2026, 11, 27), Accounts: 5, Totals: in.Rollup.Totals,
		Change: &domain.DigestChange{Since: domain.NewDate(2026, 11, 23), Current: 500, Potential: 700, Gap: 200,
			Share: 4000.0/13700 - 3500.0/13000},
		// Uncovered GP × tier weight. Birch's welding has the most uncovered GP (1,000)
		// but Birch is an Operational Drain (×0.25); Dune, not graded, counts half.
		Whitespace: []domain.Whitespace{
			{AccountID: "A4", Name: "Dune", Category: "Hydraulics", Gap: 2000, Uncovered: 2000, GPRate: 0.35, UncoveredGP: 700, Weight: 0.5, Score: 350},
			{AccountID: "A1", Name: "Acme", Tier: domain.TierBusinessBuild, Category: "Fasteners", Competitor: "Fastenal", Gap: 1000, Uncovered: 1000, GPRate: 0.3, UncoveredGP: 300, Weight: 1, Score: 300},
			{AccountID: "A2", Name: "Birch", Tier: domain.TierOperationalDrain, Category: "Welding", Gap: 4000, Uncovered: 4000, GPRate: 0.25, UncoveredGP: 1000, Weight: 0.25, Score: 250},
			{AccountID: "A3", Name: "Cedar", Tier: domain.TierCoreCustomer, Category: "Safety", Gap: 600, Uncovered: 600, GPRate: 0.5, UncoveredGP: 300, Weight: 0.75, Score: 225},
			{AccountID: "A5", Name: "Elm", Tier: domain.TierConvenientSale, Category: "Cutting", Gap: 1000, Uncovered: 1000, GPRate: 0.4, UncoveredGP: 400, Weight: 0.5, Score: 200},
		},
		WhitespaceMore: 1, // Acme's abrasives; Acme's safety is covered by pipeline
		Closing: []domain.ClosingOpportunity{
			{OppID: "O1", AccountID: "A1", AccountName: "Acme", Name: "Deal O1", Category: "Welding", Value: 5000, Stage: "proposal", Probability: 0.5, CloseDate: domain.NewDate(2026, 12, 27), DaysToClose: 30},
			{OppID: "O7", AccountID: "A3", AccountName: "Cedar", Name: "Deal O7", Category: "Welding", Value: 1000, Stage: "negotiation", Probability: 0.5, CloseDate: domain.NewDate(2026, 11, 28), DaysToClose: 1},
			{OppID: "O9", AccountID: "A4", AccountName: "Dune", Name: "Deal O9", Category: "Welding", Value: 400, Stage: "qualify", Probability: 0.5, CloseDate: domain.NewDate(2026, 12, 10), DaysToClose: 13},
			{OppID: "O10", AccountID: "A5", AccountName: "Elm", Name: "Deal O10", Category: "Welding", Value: 300, Stage: "qualify", Probability: 0.5, CloseDate: domain.NewDate(2026, 12, 11), DaysToClose: 14},
			{OppID: "O11", AccountID: "A5", AccountName: "Elm", Name: "Deal O11", Category: "Welding", Value: 200, Stage: "qualify", Probability: 0.5, CloseDate: domain.NewDate(2026, 12, 12), DaysToClose: 15},
		},
		ClosingMore: 1, ClosingValue: 5000 + 1000 + 400 + 300 + 200 + 100,
		Movers: []domain.TierMove{
			{AccountID: "A2", Name: "Birch", From: domain.TierCoreCustomer, To: domain.TierOperationalDrain},
			{AccountID: "A3", Name: "Cedar", From: domain.TierBusinessBuild, To: domain.TierCoreCustomer},
			{AccountID: "A1", Name: "Acme", From: domain.TierCoreCustomer, To: domain.TierBusinessBuild, Up: true},
		},
		LatePayers: []domain.LatePayer{
			{AccountID: "A2", Name: "Birch", Tier: domain.TierOperationalDrain, Invoices: 2, Overdue: 1500, DaysLate: 57,
				FinancingCost: (1000*57 + 500*38) * 0.10 / 365},
			{AccountID: "A5", Name: "Elm", Tier: domain.TierConvenientSale, Invoices: 1, Overdue: 200, DaysLate: 179,
				FinancingCost: 200 * 179 * 0.10 / 365},
		},
		Pace: domain.DigestPace{Year: 2026, HasObjective: true, Target: 100000, YTD: 80000, Expected: 90000,
			Pace: fptr(80000.0 / 90000), Behind: 10000, Projection: 88000, NeededPerMonth: fptr(20000)},
		Categories: []domain.DigestCategory{
			{Category: "Welding", Current: 1000, Potential: 5000, Gap: 4000, Uncovered: 4000},
			{Category: "Fasteners", Current: 2000, Potential: 3000, Gap: 1000, Uncovered: 1000},
			{Category: "Safety", Current: 900, Potential: 2500, Gap: 1600, Uncovered: 600},
			{Category: "Hydraulics", Potential: 2000, Gap: 2000, Uncovered: 2000},
			{Category: "Cutting", Current: 100, Potential: 1100, Gap: 1000, Uncovered: 1000},
			{Category: "Abrasives", Potential: 100, Gap: 100, Uncovered: 100},
		},
	}
	opts := cmp.Options{cmpopts.EquateApprox(0, 1e-9), cmpopts.IgnoreUnexported(domain.Digest{})}
	if diff := cmp.Diff(want, got, opts); diff != "" {
		t.Errorf("BuildDigest (-want +got):\n%s", diff)
	}
	if got.Totals.Current != 4000 || got.Totals.Potential != 13700 || got.Totals.Gap != 9700 {
		t.Errorf("totals %+v, want current 4,000, potential 13,700, gap 9,700", got.Totals)
	}

	wantSnap := domain.DigestSnapshot{Territory: "North", Week: domain.NewDate(2026, 11, 30), AsOf: domain.NewDate(2026, 11, 27),
		Current: 4000, Potential: 13700, Gap: 9700, Share: 4000.0 / 13700,
		Tiers: map[string]string{"A1": domain.TierBusinessBuild, "A2": domain.TierOperationalDrain,
			"A3": domain.TierCoreCustomer, "A5": domain.TierConvenientSale}}
	snap := got.Snapshot()
	if diff := cmp.Diff(wantSnap, snap, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Errorf("Snapshot (-want +got):\n%s", diff)
	}
	// Snapshots are kept as JSON.
	b, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	var back domain.DigestSnapshot
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(snap, back); diff != "" {
		t.Errorf("snapshot through JSON (-before +after):\n%s", diff)
	}
}

// TestBuildDigestFirst checks the first digest of a territory: no change, no movers, and a
// pace without an objective.
func TestBuildDigestFirst(t *testing.T) {
	in := digestInput()
	in.Previous = nil
	in.Growth = domain.Growth{Year: 2026, YTD: 80000, Projection: 88000, SuggestedTarget: 95000}
	got := domain.BuildDigest(in)
	if !got.FirstDigest || got.Change != nil {
		t.Errorf("first digest: FirstDigest %v, Change %+v; want true, nil", got.FirstDigest, got.Change)
	}
	if got.Movers == nil || len(got.Movers) != 0 {
		t.Errorf("first digest: movers %#v, want an empty list", got.Movers)
	}
	want := domain.DigestPace{Year: 2026, YTD: 80000, Projection: 88000, SuggestedTarget: 95000}
	if diff := cmp.Diff(want, got.Pace); diff != "" {
		t.Errorf("pace without objective (-want +got):\n%s", diff)
	}

	// Ahead of the objective.
	in.Growth = domain.Growth{Year: 2026, HasObjective: true, Target: 100000, YTD: 95000, Expected: 90000, Pace: fptr(95000.0 / 90000)}
	if p := domain.BuildDigest(in).Pace; !p.OnPace || p.Behind != 0 {
		t.Errorf("ahead: on pace %v, behind %v; want true, 0", p.OnPace, p.Behind)
	}
}

// TestBuildDigestEmpty checks that a territory without accounts has empty lists, not
// nil ones (JSON []).
func TestBuildDigestEmpty(t *testing.T) {
	d := domain.BuildDigest(domain.DigestInput{Territory: "Empty", Week: domain.NewDate(2026, 11, 30), AsOf: day("2026-11-27"),
		Rollup: domain.ComputeRollup("Empty", domain.NewDate(2026, 11, 27), nil)})
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"whitespace", "closing", "movers", "late_payers", "categories"} {
		if l, ok := m[k].([]any); !ok || len(l) != 0 {
			t.Errorf("%s = %#v, want []", k, m[k])
		}
	}
	if d.Snapshot().Tiers == nil {
		t.Error("snapshot tiers are nil, want an empty map")
	}
}

func TestTierWeight(t *testing.T) {
	for _, tt := range []struct {
		tier string
		want float64
	}{
		{domain.TierBusinessBuild, 1},
		{domain.TierCoreCustomer, 0.75},
		{domain.TierConvenientSale, 0.5},
		{domain.TierOperationalDrain, 0.25},
		{"", 0.5},
	} {
		if got := domain.TierWeight(tt.tier); got != tt.want {
			t.Errorf("TierWeight(%q) = %v, want %v", tt.tier, got, tt.want)
		}
	}
}
