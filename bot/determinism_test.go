package bot_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/domain"
)

// TestSameQuestionSameBytes asks the questions whose answers sum many floats again and
// again, each time through a new bot with empty caches (as each `incumbent ask` is), and
// checks that every answer is the same bytes in text and in JSON (DESIGN section 4). Go
// ranges over a map in a new order each time, so a sum in map order shows here as a
// last digit that changes. The JSON writes money to the cent.
func TestSameQuestionSameBytes(t *testing.T) {
	store := botOver(t, demoData(t, 60, 14)).Store
	offers, err := store.FindCompetitorOffers(t.Context(), domain.AllAccounts)
	if err != nil || len(offers) == 0 {
		t.Fatalf("the demo company's competitor offers: %v, %d", err, len(offers))
	}
	questions := []string{"gap acme", "gap territory Northeast", "gap market", "grade acme", "grade territory Northeast",
		"deal suggest acme", "cpu acme " + offers[0].SKU, "growth acme", "growth territory Northeast", "digest Northeast"}
	for _, q := range questions {
		for _, format := range []struct {
			name string
			opts []askOption
		}{{"text", nil}, {"json", []askOption{inJSONFormat}}} {
			t.Run(q+" "+format.name, func(t *testing.T) {
				answer := func() string {
					out, err := ask(t, configured(store), q, format.opts...)
					if err != nil {
						t.Fatalf("%v\n%s", err, out)
					}
					return out
				}
				first := answer()
				for range 2 {
					if diff := cmp.Diff(first, answer()); diff != "" {
						t.Fatalf("differs from one bot to the next (-first +later):\n%s", diff)
					}
				}
				if format.name != "json" {
					return
				}
				for _, l := range strings.Split(first, "\n") {
					if m := longAmount.FindString(l); m != "" {
						t.Errorf("money not to the cent: %s", strings.TrimSpace(l))
					}
				}
			})
		}
	}
}

// longAmount matches a JSON member that holds an amount of money with more than two
// decimals.
var longAmount = regexp.MustCompile(`"(current|potential|gap|gap_gp|pipeline|weighted_pipeline|uncovered|revenue|gp|true_gp|invoiced|financing_cost|net|gain|concession|savings|ytd|projection)": -?\d+\.\d{3,}`)
