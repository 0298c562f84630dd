package domain

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestComputeAlerts(t *testing.T) {
	asOf := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	acc := []Account{{ID: "A1", Name: "Acme"}, {ID: "A2", Name: "Birch"}}
	gap := func(atRisk bool, uncovered float64) map[string]AccountGap {
		return map[string]AccountGap{"A1": {Categories: []CategoryGap{{Category: "Gloves", AtRisk: atRisk, Uncovered: uncovered}}}}
	}
	due := func(daysLate int) Invoice {
		return Invoice{ID: "I1", AccountID: "A1", DueDate: asOf.AddDate(0, 0, -daysLate), Amount: 100}
	}
	in := func(prev *AlertState, g map[string]AccountGap, tier string, inv []Invoice, offers []CompetitorOffer) AlertInput {
		return AlertInput{Person: "rita@example.com", AsOf: asOf, Accounts: acc, Gaps: g, Tiers: map[string]string{"A1": tier},
			Overdue: inv, Offers: offers, MinUncovered: 10000, Previous: prev,
			Opportunities: []Opportunity{{ID: "O1", AccountID: "A1", Stage: "won", CloseDate: asOf.AddDate(0, 0, -5)}}}
	}
	kinds := func(as []Alert) []string {
		out := []string{}
		for _, a := range as {
			out = append(out, a.Kind+" "+a.AccountID)
		}
		return out
	}
	imported := CompetitorOffer{Competitor: "Uline", SKU: "G-1", AccountID: "A1", Price: 9}
	mine := CompetitorOffer{Competitor: "Fastenal", SKU: "G-1", AccountID: "A1", Price: 8, SetBy: "Rita@example.com", SetAt: asOf}
	market := CompetitorOffer{Competitor: "Grainger", SKU: "G-1", Price: 7}

	// First: only states that hold (at risk, over 30 days); the offer, the gap and the
	// tier are the baseline; a won opportunity past its date is none.
	got, st := ComputeAlerts(in(nil, gap(true, 20000), TierCoreCustomer, []Invoice{due(31)}, []CompetitorOffer{imported, market}))
	if diff := cmp.Diff([]string{"at_risk A1", "invoice_late A1"}, kinds(got)); diff != "" {
		t.Errorf("first (-want +got):\n%s", diff)
	}
	// Nothing changed: nothing.
	if got, _ := ComputeAlerts(in(&st, gap(true, 20000), TierCoreCustomer, []Invoice{due(31)}, []CompetitorOffer{imported, market})); len(got) != 0 {
		t.Errorf("unchanged: %v", kinds(got))
	}
	// Recovers: nothing; the state forgets it.
	got, st2 := ComputeAlerts(in(&st, gap(false, 20000), TierCoreCustomer, []Invoice{due(31)}, []CompetitorOffer{imported, market}))
	if len(got) != 0 {
		t.Errorf("recovered: %v", kinds(got))
	}
	// Crosses again, the invoice passes 60 days, the tier drops, one's own offer and a
	// market-wide one are no alerts.
	got, _ = ComputeAlerts(in(&st2, gap(true, 20000), TierConvenientSale, []Invoice{due(61)}, []CompetitorOffer{imported, mine, market}))
	if diff := cmp.Diff([]string{"at_risk A1", "invoice_late A1", "tier_drop A1"}, kinds(got)); diff != "" {
		t.Errorf("later (-want +got):\n%s", diff)
	}
	if got[1].DaysLate != 61 || got[2].FromTier != TierCoreCustomer || got[2].ToTier != TierConvenientSale {
		t.Errorf("later: %+v", got)
	}
	// An invoice that jumps from nothing to 61 days is one line; a gap that grows over the
	// threshold is new.
	_, st3 := ComputeAlerts(in(&st2, gap(false, 9000), TierCoreCustomer, nil, nil))
	got, _ = ComputeAlerts(in(&st3, gap(false, 12000), TierCoreCustomer, []Invoice{due(61)}, nil))
	if diff := cmp.Diff([]string{"invoice_late A1", "uncovered_gap A1"}, kinds(got)); diff != "" {
		t.Errorf("jumps (-want +got):\n%s", diff)
	}
}

func TestAlertDue(t *testing.T) {
	ny := "America/New_York"
	for _, c := range []struct {
		tz      string
		hour    int
		now     time.Time
		wantDue time.Time
		wantDay string
	}{
		{"", 8, time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC), time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC), "2026-11-27"},
		{"", 8, time.Date(2026, 11, 27, 7, 30, 0, 0, time.UTC), time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC), "2026-11-26"},
		// 8:00 in New York is 13:00 UTC in winter; at 12:00 UTC it is yesterday's.
		{ny, 8, time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC), time.Date(2026, 12, 6, 13, 0, 0, 0, time.UTC), "2026-12-06"},
		// 2:00 on the day New York springs forward goes at 3:00 EDT (7:00 UTC).
		{ny, 2, time.Date(2026, 3, 8, 12, 0, 0, 0, time.UTC), time.Date(2026, 3, 8, 7, 0, 0, 0, time.UTC), "2026-03-08"},
	} {
		due, day, err := AlertDue(c.tz, c.hour, c.now)
		if err != nil || !due.Equal(c.wantDue) || day != c.wantDay {
			t.Errorf("AlertDue(%q, %d, %v) = %v, %s, %v; want %v, %s", c.tz, c.hour, c.now, due, day, err, c.wantDue, c.wantDay)
		}
	}
	if _, _, err := AlertDue("Mars/Olympus", 8, time.Now()); ErrorCode(err) != EINVALID {
		t.Errorf("unknown zone: %v", err)
	}
}
