package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/incumbent/incumbent/domain"
)

// OfferWriter stores a competitor offer heard in the field (`offer`, Bot.Offers), with
// who recorded it and when; it replaces the offer of the same competitor, SKU and
// account.
type OfferWriter interface {
	RecordCompetitorOffer(ctx context.Context, o domain.CompetitorOffer) error
}

// Offer command.

func (b *Bot) offerCmd(ctx context.Context, req Request, args []string) (Reply, error) {
	usage := func() string {
		return "Usage: `offer <account> <competitor> <sku> <price> [uses <n>] [change <cost>] [weak <text>]`; quote a competitor of several words." +
			b.forExample(ctx, req, "offer", nil)
	}
	if b.Offers == nil {
		return Reply{}, domain.Errorf(domain.EINVALID, "This store cannot record offers from chat: import them with competitor_offers.csv.")
	}
	products, err := b.Deals.Gaps.Products(ctx, req.AsOf)
	if err != nil {
		return Reply{}, err
	}
	// The SKU is the first word after the account and competitor that is an exact SKU
	// followed by a price.
	at := -1
	for i := 2; i+1 < len(args); i++ {
		if _, ok := products[strings.ToUpper(args[i])]; !ok {
			if _, ok := products[args[i]]; !ok {
				continue
			}
		}
		if _, ok := parseAmount(args[i+1]); ok {
			at = i
			break
		}
	}
	if at < 0 {
		return Reply{}, domain.Errorf(domain.EINVALID, "I could not find the SKU followed by the price. %s", usage())
	}
	sku := args[at]
	if _, ok := products[sku]; !ok {
		sku = strings.ToUpper(sku)
	}
	price, _ := parseAmount(args[at+1])
	if !(price > 0) {
		return Reply{}, domain.Errorf(domain.EINVALID, "The competitor's price must be more than 0. %s", usage())
	}
	if err := checkMax("competitor's price", price, maxMoney, "money"); err != nil {
		return Reply{}, err
	}
	o := domain.CompetitorOffer{Competitor: args[at-1], SKU: sku, Price: price, SetBy: req.Actor.who(), SetAt: b.Now().UTC()}
	if err := readOfferTerms(&o, args[at+2:], usage); err != nil {
		return Reply{}, err
	}
	a, err := b.resolveAccountToWrite(ctx, req.Actor, strings.Join(args[:at-1], " "))
	if err != nil {
		return Reply{}, err
	}
	o.AccountID = a.ID
	if err := b.Offers.RecordCompetitorOffer(ctx, o); err != nil {
		return Reply{}, fmt.Errorf("record offer: %w", err)
	}
	return b.offerReply(a, o, products[sku].Name), nil
}

// readOfferTerms reads what follows an offer's price: `uses <n>`, `change <cost>` and
// `weak <text>` (the rest of the words).
func readOfferTerms(o *domain.CompetitorOffer, rest []string, usage func() string) error {
	for i := 0; i < len(rest); {
		switch strings.ToLower(rest[i]) {
		case "uses":
			v, ok := 0.0, false
			if i+1 < len(rest) {
				v, ok = parseAmount(rest[i+1])
			}
			if !ok || !(v > 0) {
				return domain.Errorf(domain.EINVALID, "After `uses`, say how many uses one unit gives (more than 0). %s", usage())
			}
			if err := checkMax("uses per unit", v, maxQuantity, "quantity"); err != nil {
				return err
			}
			o.UsesPerUnit, i = v, i+2
		case "change":
			v, ok := 0.0, false
			if i+1 < len(rest) {
				v, ok = parseAmount(rest[i+1])
			}
			if !ok || v < 0 {
				return domain.Errorf(domain.EINVALID, "After `change`, say the customer's cost of changing over (0 or more). %s", usage())
			}
			if err := checkMax("change-over cost", v, maxMoney, "money"); err != nil {
				return err
			}
			o.ChangeCost, i = v, i+2
		case "weak", "weakness", "weaknesses":
			if i+1 >= len(rest) {
				return domain.Errorf(domain.EINVALID, "After `weak`, say their weaknesses. %s", usage())
			}
			o.Weaknesses, i = strings.Join(rest[i+1:], " "), len(rest)
		default:
			return domain.Errorf(domain.EINVALID, "I did not understand %q after the price. %s", rest[i], usage())
		}
	}
	return nil
}

// offerReply says what was recorded, with the comparison to run next.
func (b *Bot) offerReply(a domain.Account, o domain.CompetitorOffer, productName string) Reply {
	m, sku := b.Money, o.SKU
	s := fmt.Sprintf("Recorded: %s offers %s %s a unit against %s (%s)", o.Competitor, a.Name, m.Format2(o.Price), sku, productName)
	if o.UsesPerUnit > 0 {
		s += fmt.Sprintf(", %s a unit", countOf(o.UsesPerUnit, "use", "uses"))
	}
	if o.ChangeCost > 0 {
		s += fmt.Sprintf(", %s to change over", m.Format2(o.ChangeCost))
	}
	s += "."
	if o.Weaknesses != "" {
		s += " Weaknesses: " + o.Weaknesses + "."
	}
	blocks := []Block{&Header{Text: "Competitor offer recorded"}, &Text{Text: s},
		&Buttons{Buttons: []Button{{Label: "Compare cost per use", Command: fmt.Sprintf("cpu %s %s vs %q", a.ID, sku, o.Competitor), Style: "primary"}}},
		&Context{Text: fmt.Sprintf("Recorded by %s at %s. It shows at once in `cpu`, in deals on %s and in the gap (contested); it replaces any earlier offer of %s on %s to %s.",
			o.SetBy, o.SetAt.Format("2006-01-02 15:04 MST"), sku, o.Competitor, sku, a.Name)}}
	return Reply{Blocks: blocks, Data: o}
}
