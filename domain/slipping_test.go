package domain

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSlipping(t *testing.T) {
	trend := -0.3
	g := func(id string, atRisk bool, current float64) AccountGap {
		a := AccountGap{AccountID: id, Name: id, AtRisk: atRisk, Totals: GapTotals{Current: current}}
		if atRisk {
			a.Trend = &trend
		}
		return a
	}
	now := []AccountGap{g("steady", false, 9), g("newly", true, 5), g("still", true, 7), g("down", false, 1), g("up", false, 3), g("new", true, 2)}
	then := []AccountGap{g("steady", false, 9), g("newly", false, 5), g("still", true, 7), g("down", false, 1), g("up", false, 3)}
	tierNow := map[string]string{"down": TierConvenientSale, "up": TierBusinessBuild, "still": TierCoreCustomer}
	tierThen := map[string]string{"down": TierCoreCustomer, "up": TierCoreCustomer, "new": TierCoreCustomer}
	want := []Slip{
		{AccountID: "down", Name: "down", Current: 1, DownTier: true, TierThen: TierCoreCustomer, TierNow: TierConvenientSale},
		{AccountID: "newly", Name: "newly", Current: 5, AtRisk: true, Trend: &trend},
		{AccountID: "new", Name: "new", Current: 2, AtRisk: true, Trend: &trend},
	}
	if diff := cmp.Diff(want, Slipping(now, then, tierNow, tierThen)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
