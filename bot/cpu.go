package bot

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/incumbent/incumbent/domain"
)

// cpuAngle is the competitive angle of one cost-per-use comparison.
func (b *Bot) cpuAngle(c domain.CostPerUse) string {
	m := b.Money
	s := fmt.Sprintf("*Against %s* on %s: %s a unit for %s", offerName(c), c.SKU, m.Format2(c.PriceTheirs), countOf(c.UsesTheirs, "use", "uses"))
	if c.ChangeCost > 0 {
		s += fmt.Sprintf(", plus %s to change over", m.Format2(c.ChangeCost))
	}
	s += fmt.Sprintf(". Cost per use: ours %s, theirs %s.", m.perUse(c.CPUOurs), m.perUse(c.CPUTheirs))
	switch {
	case c.Beats() && saves(c.Savings):
		s += fmt.Sprintf(" We are cheaper per use: with us the customer saves %s a year on %s. %s. Lead with that value before giving any price.",
			m.Format(c.Savings), countOf(c.AnnualUses, "use", "uses"), upperFirst(b.parityWords(c)))
	case c.Beats():
		s += fmt.Sprintf(" We are cheaper per use. %s. Lead with that value before giving any price.", upperFirst(b.parityWords(c)))
	case c.CPUOurs > c.CPUTheirs && saves(-c.Savings):
		s += fmt.Sprintf(" We are dearer per use: switching would save the customer %s a year. %s.", m.Format(-c.Savings), upperFirst(b.parityWords(c)))
	case c.CPUOurs > c.CPUTheirs:
		s += fmt.Sprintf(" We are dearer per use. %s.", upperFirst(b.parityWords(c)))
	default:
		s += fmt.Sprintf(" We cost the same per use as %s.", c.Competitor)
	}
	if c.Weaknesses != "" {
		s += " Their weaknesses on file: " + c.Weaknesses + "."
	}
	if c.UsesAssumed {
		s += " (A uses-per-unit was missing and taken as equal: check it.)"
	}
	return s
}

// parityWords says at what unit price our cost per use equals the competitor's: "at
// $9.63 a unit we cost the same per part as Uline".
func (b *Bot) parityWords(c domain.CostPerUse) string {
	per := "use"
	if u := strings.TrimSpace(c.UnitOfUse); u != "" {
		per = u
	}
	return fmt.Sprintf("at %s a unit we cost the same per %s as %s", b.Money.Format2(parity(c)), per, c.Competitor)
}

// parity is a comparison's parity price; a scenario saved before parity prices were
// kept has none, and gets it from the figures it has.
func parity(c domain.CostPerUse) float64 {
	if c.ParityPrice == 0 {
		return c.CPUTheirs * c.UsesOurs
	}
	return c.ParityPrice
}

// saves reports whether an amount of savings is worth quoting: at least $1 once rounded.
func saves(v float64) bool { return math.Round(v) >= 1 }

// offerName names a competitor's offer: the competitor and its product, without the
// competitor's name twice ("Uline Flap Disc …", not "Uline Uline Flap Disc …").
func offerName(c domain.CostPerUse) string {
	p := strings.TrimSpace(c.CompetitorProduct)
	switch {
	case p == "":
		return c.Competitor
	case startsWithName(p, c.Competitor):
		return p
	}
	return c.Competitor + " " + p
}

// startsWithName reports whether text starts with name as whole words, in any case.
func startsWithName(text, name string) bool {
	name = strings.TrimSpace(name)
	if name == "" || len(text) < len(name) || !strings.EqualFold(text[:len(name)], name) {
		return false
	}
	return len(text) == len(name) || text[len(name)] == ' '
}

// CostPerUse command.

func (b *Bot) cpuCmd(ctx context.Context, req Request, args []string) (Reply, error) {
	usage := func() string {
		return "Usage: `cpu <account> <sku> [vs <competitor>]`." + b.forExample(ctx, req, "cpu", nil)
	}
	if len(args) < 1 {
		return Reply{}, domain.Errorf(domain.EINVALID, "Which account and product? %s", usage())
	}
	if err := b.checkAsOf(ctx, req.AsOf); err != nil {
		return Reply{}, err
	}
	competitor := ""
	for i, w := range args {
		if strings.EqualFold(w, "vs") || strings.EqualFold(w, "versus") || strings.EqualFold(w, "against") {
			if i == len(args)-1 {
				return Reply{}, domain.Errorf(domain.EINVALID, "Name the competitor after `%s`. %s", w, usage())
			}
			competitor, args = strings.Join(args[i+1:], " "), args[:i]
			break
		}
	}
	if len(args) < 1 {
		return Reply{}, domain.Errorf(domain.EINVALID, "Which account and product? %s", usage())
	}
	products, err := b.Deals.Gaps.Products(ctx, req.AsOf)
	if err != nil {
		return Reply{}, err
	}
	// Words that all name a product are about the account last asked about.
	if _, err := domain.FindTarget(products, strings.Join(args, " "), true); err == nil {
		if last, lastNote, ok := b.lastAccount(ctx, req.Actor); ok {
			b.remember(ctx, req.Actor, last.ID)
			return b.cpuReply(ctx, req, last, lastNote, strings.Join(args, " "), competitor, products)
		}
	}
	if len(args) < 2 {
		return Reply{}, domain.Errorf(domain.EINVALID, "Which account and product? %s", usage())
	}
	// The product is the shortest tail of the words that names one; the rest is the
	// account.
	split := -1
	for k, most := 1, maxProductWords(products); k < len(args) && k <= most; k++ {
		if _, err := domain.FindTarget(products, strings.Join(args[len(args)-k:], " "), true); err == nil {
			split = len(args) - k
			break
		}
	}
	if split < 0 {
		_, err := domain.FindTarget(products, args[len(args)-1], true)
		return Reply{}, domain.Errorf(domain.EINVALID, "%s %s", domain.ErrorMessage(err), usage())
	}
	a, note, err := b.resolveAccount(ctx, req.Actor, strings.Join(args[:split], " "))
	if err != nil {
		return Reply{}, err
	}
	return b.cpuReply(ctx, req, a, note, strings.Join(args[split:], " "), competitor, products)
}

// maxProductWords is the most words a product's name has: no more of a command's last
// words are tried as its product, so that splitting account from product stays linear
// in the text however long it is.
func maxProductWords(products map[string]domain.Product) int {
	n := 1
	for _, p := range products {
		n = max(n, len(strings.Fields(p.Name)))
	}
	return n
}

// cpuReply compares our cost per use of a product at an account with the offers on file.
func (b *Bot) cpuReply(ctx context.Context, req Request, a domain.Account, note, product, competitor string, products map[string]domain.Product) (Reply, error) {
	res, err := b.Deals.CostPerUse(ctx, a.ID, product, competitor, req.AsOf)
	if err != nil {
		return Reply{}, err
	}
	m := b.Money
	p := products[res.SKU]
	blocks := []Block{&Header{Text: fmt.Sprintf("Cost per use — %s at %s", res.SKU, a.Name)}}
	if note != "" {
		blocks = append(blocks, &Context{Text: note})
	}
	if len(res.Comparisons) == 0 {
		who := "any competitor"
		if competitor != "" {
			who = competitor
		}
		blocks = append(blocks, &Text{Text: fmt.Sprintf("No offer from %s on %s (%s) is on file for %s or market-wide. Record one: `offer %s <competitor> %s <price> uses <n>`.",
			who, res.SKU, p.Name, a.Name, a.ID, res.SKU)})
		return Reply{Blocks: blocks, Data: res}, nil
	}
	c0 := res.Comparisons[0]
	priceNote := fmt.Sprintf("Our price: %s, %s average net price over the last 12 months", m.Format2(c0.PriceOurs), possessive(a.Name))
	if c0.PriceSource == "list" {
		priceNote = fmt.Sprintf("Our price: list %s (%s bought none in the last 12 months)", m.Format2(c0.PriceOurs), a.Name)
	}
	blocks = append(blocks, &Text{Text: fmt.Sprintf("%s; %s a unit; %s a year.", priceNote, countOf(c0.UsesOurs, "use", "uses"), countOf(c0.AnnualUses, "use", "uses"))})
	tbl := &Table{Columns: []Column{{Title: "Competitor"}, {Title: "Offer"}, {Title: "Price", Numeric: true}, {Title: "Uses", Numeric: true},
		{Title: "Change-over", Numeric: true}, {Title: "Their cost/use", Numeric: true}, {Title: "Ours", Numeric: true},
		{Title: "Customer saves with us /yr", Numeric: true}, {Title: "Parity price", Numeric: true}}}
	var weak []string
	for _, c := range res.Comparisons {
		scope := "market-wide"
		if c.OfferAccountID != "" {
			scope = "to " + a.Name
		}
		tbl.Rows = append(tbl.Rows, []string{c.Competitor, orDash(c.CompetitorProduct) + " (" + scope + ")", m.Format2(c.PriceTheirs), num(c.UsesTheirs),
			m.Format2(c.ChangeCost), m.perUse(c.CPUTheirs), m.perUse(c.CPUOurs), m.Format(c.Savings), m.Format2(parity(c))})
		if c.Weaknesses != "" {
			weak = append(weak, fmt.Sprintf("%s: %s", c.Competitor, c.Weaknesses))
		}
	}
	blocks = append(blocks, tbl)
	var parities []string
	for _, c := range res.Comparisons {
		line := "• " + upperFirst(b.parityWords(c))
		switch {
		case c.Beats():
			line += fmt.Sprintf(": at %s we are cheaper per use.", m.Format2(c.PriceOurs))
		case c.CPUOurs > c.CPUTheirs:
			line += fmt.Sprintf(": at %s we are dearer per use.", m.Format2(c.PriceOurs))
		default:
			line += "."
		}
		parities = append(parities, line)
	}
	blocks = append(blocks, &Text{Text: strings.Join(parities, "\n")})
	beat := 0
	for _, c := range res.Comparisons {
		if c.Beats() {
			beat++
		}
	}
	switch {
	case beat == len(res.Comparisons):
		blocks = append(blocks, &Text{Text: "We are cheaper per use than every offer on file: lead with cost per use, not unit price, and give nothing away."})
	case beat == 0:
		blocks = append(blocks, &Text{Text: "Every offer on file is cheaper per use: the price gap is real. Trade it (`deal suggest " + a.ID + "`) rather than give it."})
	default:
		blocks = append(blocks, &Text{Text: fmt.Sprintf("We are cheaper per use than %d of %d offers.", beat, len(res.Comparisons))})
	}
	if len(weak) > 0 {
		blocks = append(blocks, &Text{Text: "*Their weaknesses on file*\n" + strings.Join(weak, "\n")})
	}
	blocks = append(blocks, &Context{Text: "Cost per use = (price + change-over cost) ÷ uses per unit; ours has no change-over. Savings = (theirs − ours) × the account's uses a year. Parity price = their cost per use × our uses per unit: the unit price at which ours costs the same per use as theirs."})
	return Reply{Blocks: blocks, Data: res}, nil
}
