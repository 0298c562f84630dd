package domain

import (
	"cmp"
	"slices"
	"time"
)

// SlipDays is how far back `slipping` looks: an account slips when it is at risk or in a
// lower tier at the as-of date and was neither SlipDays earlier.
const SlipDays = 30

// SlipDate is the date a slip is measured from: SlipDays before asOf.
func SlipDate(asOf time.Time) time.Time { return Day(asOf).AddDate(0, 0, -SlipDays) }

// Slip is an account that started slipping in the last SlipDays: its revenue trend fell
// to at risk (AtRiskTrend or worse), or its tier went down, or both.
type Slip struct {
	AccountID string `json:"account_id"`
	Name      string `json:"name"`
	Territory string `json:"territory"`
	// AtRisk is set when the account is at risk now and was not SlipDays earlier; Trend
	// is its trend now.
	AtRisk bool     `json:"at_risk"`
	Trend  *float64 `json:"trend"`
	// DownTier is set when the account was graded both then and now and its tier now is
	// lower: from TierThen to TierNow.
	DownTier bool   `json:"down_tier"`
	TierThen string `json:"tier_then,omitempty"`
	TierNow  string `json:"tier_now,omitempty"`
	// Current is the account's revenue over the last 12 months now.
	Current float64 `json:"current" money:"amount"`
}

// Slipping compares the gaps and tiers of the same accounts at the as-of date (now,
// tierNow) and SlipDays earlier (then, tierThen; tiers by account id, ungraded accounts
// left out) and returns those that slipped: at risk now and not then, or down a tier.
// Accounts of now missing from then count as not at risk then. Down a tier first, then
// the biggest accounts.
func Slipping(now, then []AccountGap, tierNow, tierThen map[string]string) []Slip {
	wasAtRisk := make(map[string]bool, len(then))
	for _, g := range then {
		wasAtRisk[g.AccountID] = g.AtRisk
	}
	out := []Slip{}
	for _, g := range now {
		s := Slip{AccountID: g.AccountID, Name: g.Name, Territory: g.Territory, Trend: g.Trend, Current: g.Totals.Current,
			AtRisk: g.AtRisk && !wasAtRisk[g.AccountID]}
		from, okThen := tierThen[g.AccountID]
		to, okNow := tierNow[g.AccountID]
		if okThen && okNow && tierRank(to) > tierRank(from) {
			s.DownTier, s.TierThen, s.TierNow = true, from, to
		}
		if s.AtRisk || s.DownTier {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b Slip) int {
		if a.DownTier != b.DownTier {
			if a.DownTier {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(b.Current, a.Current), cmp.Compare(a.AccountID, b.AccountID))
	})
	return out
}

// Tiers returns the tiers of the graded accounts among grades, by account id.
func Tiers(grades []Grade) map[string]string {
	out := make(map[string]string, len(grades))
	for _, g := range grades {
		if g.Graded {
			out[g.AccountID] = g.Tier
		}
	}
	return out
}
