package bot

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/incumbent/incumbent/domain"
)

// DealForm is a deal as the fields of a form hold it (Slack's deal builder). Command
// reads each field with the deal grammar, so a form accepts what the command accepts.
type DealForm struct {
	Account  string
	Discount string // "5", "5%"
	On       string // what the discount is on: a product or category
	Months   string // the term: "12", "12 months", "1 year"
	Quantity string // the quantity we get
	Product  string // the product we get
	Yearly   bool   // the quantity every year, not once
}

// The fields of a DealForm, as DealFormError names them.
const (
	FormDiscount = "discount"
	FormOn       = "on"
	FormMonths   = "months"
	FormQuantity = "quantity"
	FormProduct  = "product"
)

// DealFormError says what is wrong with each bad field of a DealForm, in the deal
// grammar's words (without its usage line).
type DealFormError struct{ Fields map[string]string }

func (e *DealFormError) Error() string {
	return fmt.Sprintf("the deal form has %d bad fields", len(e.Fields))
}

// Command returns the deal command the form says, or a *DealFormError.
func (f DealForm) Command() (string, error) {
	errs := map[string]string{}
	clause := func(field string, words ...string) dealClauses {
		c, err := parseDealClauses(words)
		if err != nil {
			errs[field] = strings.TrimSpace(strings.TrimSuffix(domain.ErrorMessage(err), dealUsage))
		}
		return c
	}
	give := clause(FormDiscount, append([]string{"give"}, tokenize(f.Discount)...)...)
	if _, bad := errs[FormDiscount]; !bad && (give.X != "" || give.HasMonths || give.HasGet || give.Cadence != "" || give.HasPrice || len(give.Ledger) > 0) {
		errs[FormDiscount] = "Only the percentage, like 5."
	}
	on := clause(FormOn, append([]string{"give", "1", "on"}, tokenize(f.On)...)...)
	months := clause(FormMonths, append([]string{"for"}, tokenize(f.Months)...)...)
	get := clause(FormQuantity, append([]string{"get"}, tokenize(f.Quantity)...)...)
	if _, bad := errs[FormQuantity]; !bad && get.Y != "" {
		errs[FormQuantity] = "Only the quantity, like 200."
	}
	product := strings.TrimSpace(f.Product)
	if product == "" {
		errs[FormProduct] = "Name the product we get."
	}
	// The rules of the terms themselves, as pricing checks them, field by field.
	rule := func(field string, t domain.DealTerms) {
		if _, bad := errs[field]; !bad {
			if err := t.Check(); err != nil {
				errs[field] = domain.ErrorMessage(err)
			}
		}
	}
	rule(FormDiscount, domain.DealTerms{Discount: give.Pct / 100, Qty: 1, Months: 1})
	rule(FormQuantity, domain.DealTerms{Discount: 0.5, Qty: get.Qty, Y: product, Months: 1})
	if len(errs) > 0 {
		return "", &DealFormError{Fields: errs}
	}
	cadence := "once"
	if f.Yearly {
		cadence = "yearly"
	}
	return fmt.Sprintf("deal %s give %s%% on %q for %d months get %s %q %s", f.Account,
		strconv.FormatFloat(give.Pct, 'f', -1, 64), on.X, months.Months, strconv.FormatFloat(get.Qty, 'f', -1, 64), product, cadence), nil
}

// SavedScenario returns the id a deal reply's scenario was saved as ("S-12"), "" when
// the reply is not a saved deal.
func SavedScenario(r Reply) string {
	if d, ok := r.Data.(dealData); ok {
		return d.Scenario
	}
	return ""
}
