package bot_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/incumbent/incumbent/bot"
)

func TestDealFormCommand(t *testing.T) {
	ok := bot.DealForm{Account: "acme", Discount: "5", On: "gloves", Months: "12", Quantity: "200", Product: "W-1"}
	tests := []struct {
		name    string
		edit    func(f *bot.DealForm)
		want    string
		wantBad []string
	}{
		{name: "the command", edit: func(*bot.DealForm) {}, want: `deal acme give 5% on "gloves" for 12 months get 200 "W-1" once`},
		{name: "the grammar's terms", edit: func(f *bot.DealForm) { f.Discount, f.Months, f.Yearly = "5.5%", "2 years", true },
			want: `deal acme give 5.5% on "gloves" for 24 months get 200 "W-1" yearly`},
		{name: "the grammar's limit on months, not the form's own", edit: func(f *bot.DealForm) { f.Months = "600" },
			want: `deal acme give 5% on "gloves" for 600 months get 200 "W-1" once`},
		{name: "every bad field", edit: func(f *bot.DealForm) { f.Discount, f.On, f.Months, f.Quantity, f.Product = "150", "", "0", "-2", "" },
			wantBad: []string{bot.FormDiscount, bot.FormMonths, bot.FormOn, bot.FormProduct, bot.FormQuantity}},
		{name: "no discount", edit: func(f *bot.DealForm) { f.Discount = "0" }, wantBad: []string{bot.FormDiscount}},
		{name: "over the grammar's limit", edit: func(f *bot.DealForm) { f.Months = "1201" }, wantBad: []string{bot.FormMonths}},
		{name: "one clause a field", edit: func(f *bot.DealForm) { f.Discount = "5 on gloves" }, wantBad: []string{bot.FormDiscount}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := ok
			tt.edit(&f)
			got, err := f.Command()
			var bad []string
			var fe *bot.DealFormError
			if errors.As(err, &fe) {
				for k, msg := range fe.Fields {
					if msg == "" {
						t.Errorf("%s: no message", k)
					}
					bad = append(bad, k)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantBad, bad, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" || got != tt.want {
				t.Errorf("Command() = %q, bad fields (-want +got):\n%s", got, diff)
			}
		})
	}
}
