package bot_test

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/incumbent/incumbent/adapters/memory"
	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// checkBriefText fails the test when a brief in text is longer than a phone screen: more
// than 16 lines, or a line of its header, context or body wider than bot.BriefWidth
// (the line of buttons aside).
func checkBriefText(t *testing.T, text string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) > 16 {
		t.Errorf("%d lines, want at most 16:\n%s", len(lines), text)
	}
	for _, l := range lines {
		if n := utf8.RuneCountInString(strings.TrimPrefix(l, "· ")); n > bot.BriefWidth && !strings.HasPrefix(l, "Next → ") {
			t.Errorf("a line of %d characters: %q", n, l)
		}
	}
}

// TestBriefReplies compares briefs on briefdata (dealdata with invoices, opportunities
// and a category down on a year ago) with golden files, in text and JSON, and checks the
// figures each section picked.
func TestBriefReplies(t *testing.T) {
	b := newTestBot(t, "briefdata")
	for _, tt := range []struct{ name, text string }{
		{"brief_account", "brief acme"},
		{"brief_account", "brief me on acme"}, // as a question puts it: the same reply
		{"brief_quiet", "brief southern foods"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := ask(t, b, tt.text)
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			checkBriefText(t, out)
			golden(t, filepath.Join("golden", tt.name+".txt"), []byte(out))
		})
	}
	out, err := ask(t, b, "brief acme", inJSONFormat)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	golden(t, filepath.Join("golden", "brief_account.json"), []byte(out))

	br := askJSON[domain.Brief](t, b, "brief acme")
	// Past due at 2026-11-27: I1 (due 08-31, 88 days) before I2 (due 11-14, 13 days); I3
	// was paid, I4 is not due yet, I5 is another account's.
	wantOwed := domain.BriefOwed{Amount: 2000, Invoices: []domain.OverdueInvoice{
		{InvoiceID: "I1", Amount: 1200, InvoiceDate: domain.NewDate(2026, 8, 1), DueDate: domain.NewDate(2026, 8, 31), DaysPastDue: 88},
		{InvoiceID: "I2", Amount: 800, InvoiceDate: domain.NewDate(2026, 10, 15), DueDate: domain.NewDate(2026, 11, 14), DaysPastDue: 13},
	}}
	if diff := cmp.Diff(wantOwed, br.Owed); diff != "" {
		t.Errorf("owed (-want +got):\n%s", diff)
	}
	// Welding: potential 20,000 − current 1,000 − pipeline 6,000 = 13,000 with no plan.
	if diff := cmp.Diff(&domain.BriefGap{Category: "Welding", Gap: 19000, Uncovered: 13000, Competitor: "Airgas"}, br.BiggestGap); diff != "" {
		t.Errorf("biggest gap (-want +got):\n%s", diff)
	}
	// Gloves: 2,500 in Sep–Nov 2026 against 5,000 a year earlier.
	if diff := cmp.Diff([]domain.BriefRisk{{Category: "Gloves", Trend: -0.5, Current: 12500}}, br.AtRisk, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Errorf("at risk (-want +got):\n%s", diff)
	}
	// O1 closes on 2026-12-10; O2 after 30 days; O3 is won.
	if len(br.Closing) != 1 || br.Closing[0].OppID != "O1" || br.Closing[0].DaysToClose != 13 || br.ClosingValue != 6000 {
		t.Errorf("closing: %+v, value %v", br.Closing, br.ClosingValue)
	}
	// Rival's offer to Acme comes before Other's market-wide one.
	if o := br.Offer; o == nil || o.Competitor != "Rival" || o.MarketWide || o.CostPerUse == nil || !o.CostPerUse.Beats() {
		t.Errorf("offer: %+v", o)
	}
	if br.Trade == nil || br.Trade.Deal.Terms.X != "Safety" || br.Trade.Deal.Terms.Y != "W-1" {
		t.Errorf("trade: %+v", br.Trade)
	}
	if br.LeadWithValue == nil || br.LeadWithValue.Category != "Gloves" {
		t.Errorf("lead with value: %+v", br.LeadWithValue)
	}
	if br.TierChange != nil {
		t.Errorf("a tier change with no grading stored: %+v", br.TierChange)
	}
}

// TestBriefTierChangeNotCached: a brief asked again after a territory's grading was
// stored (which leaves the data version as it is) compares with that grading, even with
// the reply cache on.
func TestBriefTierChangeNotCached(t *testing.T) {
	kv := &memory.Store{}
	b := newTestBot(t, "briefdata", func(b *bot.Bot) { b.Cache, b.Sessions = kv, kv })
	if br := askJSON[domain.Brief](t, b, "brief acme"); br.TierChange != nil {
		t.Fatalf("a tier change with no grading stored: %+v", br.TierChange)
	}
	// Graded on 2026-09-30, Acme's data were thinner.
	if out, err := ask(t, b, "grade territory north", on("2026-09-30")); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	br := askJSON[domain.Brief](t, b, "brief acme")
	if br.TierChange == nil || br.TierChange.Since != domain.NewDate(2026, 9, 30) || br.TierChange.To != br.Tier {
		t.Fatalf("tier change: %+v", br.TierChange)
	}
	out, _ := ask(t, b, "brief acme")
	if !strings.Contains(out, "since 2026-09-30") {
		t.Errorf("the text does not say the change:\n%s", out)
	}
}

// TestBriefAccess: a rep cannot brief another territory's account, and is told the
// same words as for a name that matches nothing; a territory is refused with where it
// fits; a bare `brief` takes the last account.
func TestBriefAccess(t *testing.T) {
	kv := &memory.Store{}
	b := newTestBot(t, "briefdata", func(b *bot.Bot) { b.Sessions = kv })
	rita := as("rita@example.com")
	for _, tt := range []struct{ text, want string }{
		{"brief A2", `No account matches "A2". Try ` + "`accounts`" + ` to list the ones you can see.`},
		{"brief Southern Foods", `No account matches "Southern Foods". Try ` + "`accounts`" + ` to list the ones you can see.`},
		{"brief zzzz", `No account matches "zzzz". Try ` + "`accounts`" + ` to list the ones you can see.`},
		{"brief north", "North is a territory"},
		{"brief", "Brief on which account? Usage: `brief <account>`."},
	} {
		out, err := ask(t, b, tt.text, rita)
		if err == nil || !strings.Contains(out, tt.want) || strings.Contains(out, "$") {
			t.Errorf("%s: error %v, reply %q, want %q", tt.text, err, out, tt.want)
		}
	}
	if out, err := ask(t, b, "gap acme", rita); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	out, err := ask(t, b, "brief", rita)
	if err != nil || !strings.Contains(out, "Acme Manufacturing — brief") || !strings.Contains(out, "The account you last asked about (A1).") {
		t.Errorf("bare brief: %v\n%s", err, out)
	}
	checkBriefText(t, out)
}

// TestBriefFitsEveryDemoAccount: the brief of every account of the demo company, asked
// by its id, fits a phone screen in text.
func TestBriefFitsEveryDemoAccount(t *testing.T) {
	b := demoBot(t)
	accs, err := b.Store.FindAccounts(t.Context(), domain.AllAccounts)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accs {
		out, err := ask(t, b, "brief "+a.ID)
		if err != nil {
			t.Fatalf("brief %s: %v\n%s", a.ID, err, out)
		}
		checkBriefText(t, out)
	}
}
