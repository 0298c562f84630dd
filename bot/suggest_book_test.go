package bot_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/incumbent/incumbent/domain"
)

// TestSuggestionsWholeBook suggests trades for every account of the demo company and
// checks DESIGN section 3 "Deal suggestions (v2)" over the whole book: every trade's
// balance (new business asked a year per dollar of discount a year) within the
// settings' bounds, no two suggestions of one account sharing X or Y, no lead with value
// saving under the settings' minimum, and more than one discount level across the book.
// Run with -v for the distribution.
func TestSuggestionsWholeBook(t *testing.T) {
	b := demoBot(t)
	ctx := context.Background()
	accounts, err := b.Store.FindAccounts(ctx, domain.AllAccounts)
	if err != nil {
		t.Fatal(err)
	}
	set := b.Deals.Settings
	var (
		trades, leads, withNone int
		balances, asks          []float64 // per trade: its balance, its new business asked a year
		discounts               = map[float64]int{}
	)
	for _, a := range accounts {
		sugs, err := b.Deals.Suggest(ctx, a.ID, asOf)
		if err != nil {
			t.Fatalf("%s: %v", a.ID, err)
		}
		if len(sugs) == 0 {
			withNone++
		}
		if len(sugs) > set.Count {
			t.Errorf("%s: %d suggestions, want at most %d", a.ID, len(sugs), set.Count)
		}
		usedX, usedY := map[string]bool{}, map[string]bool{}
		for _, sg := range sugs {
			if sg.LeadWithValue {
				leads++
				if c := sg.CostPerUse; c == nil || c.Savings < set.LeadMinSavings || !c.Beats() {
					t.Errorf("%s: lead with value on %s saves %v a year, want at least %v", a.ID, sg.Category, c.Savings, set.LeadMinSavings)
				}
				if usedX[sg.Category] || usedY[sg.Category] {
					t.Errorf("%s: %s is led with value and traded", a.ID, sg.Category)
				}
				usedX[sg.Category], usedY[sg.Category] = true, true
				continue
			}
			trades++
			d := sg.Deal
			bal := d.Terms.Qty * d.PriceY / (d.Concession * 12 / float64(d.Terms.Months))
			if math.Abs(bal-sg.BalanceRatio) > 1e-9*bal {
				t.Errorf("%s: balance_ratio %v, want %v", a.ID, sg.BalanceRatio, bal)
			}
			balances, asks = append(balances, bal), append(asks, d.Terms.Qty*d.PriceY)
			discounts[d.Terms.Discount]++
			if bal < set.BalanceMin-1e-9 || bal > set.BalanceMax+1e-9 {
				t.Errorf("%s: give %v on %s for %v %s: balance %.2f, want %v to %v", a.ID, d.Terms.Discount, d.Terms.X, d.Terms.Qty, d.Terms.Y, bal, set.BalanceMin, set.BalanceMax)
			}
			if d.Verdict != domain.VerdictAccretive {
				t.Errorf("%s: %s trade suggested", a.ID, d.Verdict)
			}
			if usedX[d.Terms.X] || usedY[sg.Category] {
				t.Errorf("%s: X %s or Y %s used twice", a.ID, d.Terms.X, sg.Category)
			}
			usedX[d.Terms.X], usedY[sg.Category] = true, true
		}
	}
	if len(discounts) < 2 {
		t.Errorf("discount levels across the book: %v, want more than one", discounts)
	}
	t.Log(bookSummary(len(accounts), withNone, trades, leads, discounts, balances, asks))
}

// bookSummary describes the suggestions of the whole book: how many, at which
// discounts, and the distribution of their balance.
func bookSummary(accounts, withNone, trades, leads int, discounts map[float64]int, balances, asks []float64) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%d accounts (%d with no suggestion): %d trades, %d leads with value\n", accounts, withNone, trades, leads)
	ds := make([]float64, 0, len(discounts))
	for d := range discounts {
		ds = append(ds, d)
	}
	sort.Float64s(ds)
	for _, d := range ds {
		fmt.Fprintf(&sb, "  give %g%%: %d\n", d*100, discounts[d])
	}
	if len(balances) > 0 {
		slices.Sort(balances)
		q := func(p float64) float64 { return balances[min(len(balances)-1, int(p*float64(len(balances))))] }
		over10 := 0
		for _, v := range balances {
			if v > 10 {
				over10++
			}
		}
		fmt.Fprintf(&sb, "  balance: min %.1f, p25 %.1f, median %.1f, p75 %.1f, max %.1f; over 10: %d (%.0f%%)\n",
			balances[0], q(0.25), q(0.5), q(0.75), balances[len(balances)-1], over10, 100*float64(over10)/float64(len(balances)))
		slices.Sort(asks)
		fmt.Fprintf(&sb, "  new business asked a year: min %.0f, median %.0f, max %.0f", asks[0], asks[len(asks)/2], asks[len(asks)-1])
	}
	return sb.String()
}
