package bot

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/incumbent/incumbent/domain"
)

// maxCompare is how many scenarios `deal compare` puts side by side.
const maxCompare = 6

// dealData is the JSON of a deal reply: the scenario and its deal's figures at the top
// level (concession, required_volume_increase, gain, net, break_even_qty, verdict, …).
type dealData struct {
	Scenario  string `json:"scenario,omitempty"` // S-12; empty when it could not be saved
	Parent    string `json:"parent,omitempty"`
	AccountID string `json:"account_id"`
	Author    string `json:"author"`
	AsOf      string `json:"as_of"`
	domain.Deal
	Ledger     []domain.LedgerItem  `json:"ledger"`
	Balance    domain.LedgerBalance `json:"balance"`
	CostPerUse []domain.CostPerUse  `json:"cost_per_use"`
}

func newDealData(s domain.Scenario) dealData {
	d := dealData{AccountID: s.AccountID, Author: s.Author, AsOf: s.AsOf, Deal: s.Deal, Ledger: s.Ledger,
		Balance: domain.BalanceLedger(s.Ledger), CostPerUse: s.CostPerUse}
	if s.ID != 0 {
		d.Scenario = s.Name()
	}
	if s.ParentID != 0 {
		d.Parent = domain.ScenarioName(s.ParentID)
	}
	if d.Ledger == nil {
		d.Ledger = []domain.LedgerItem{}
	}
	if d.CostPerUse == nil {
		d.CostPerUse = []domain.CostPerUse{}
	}
	return d
}

func (b *Bot) dealCmd(ctx context.Context, req Request, args []string) (Reply, error) {
	if len(args) == 0 {
		return Reply{}, b.withExample(ctx, req, dealError("Which deal?"), "deal", nil)
	}
	if err := b.checkAsOf(ctx, req.AsOf); err != nil {
		return Reply{}, err
	}
	switch strings.ToLower(args[0]) {
	case "suggest":
		return b.dealSuggest(ctx, req, strings.Join(args[1:], " "))
	case "show":
		if len(args) != 2 {
			return Reply{}, domain.Errorf(domain.EINVALID, "Usage: `deal show <id>`, with the id a priced deal was saved as (S- and a number, in the deal's reply).")
		}
		s, _, err := b.scenario(ctx, req, args[1])
		if err != nil {
			return Reply{}, err
		}
		return b.dealReply(s, "Scenario "+s.Name(), ""), nil
	case "vary":
		if len(args) < 3 {
			return Reply{}, domain.Errorf(domain.EINVALID, "Usage: `deal vary <id> <changed terms>`, such as `deal vary <id> give 4%%` or `deal vary <id> get 300 yearly`, with the id a priced deal was saved as (S- and a number, in the deal's reply).")
		}
		return b.dealVary(ctx, req, args[1], args[2:])
	case "compare":
		if len(args) < 3 {
			return Reply{}, domain.Errorf(domain.EINVALID, "Usage: `deal compare <id> <id>…`, with the ids priced deals were saved as (S- and a number, in each deal's reply).")
		}
		return b.dealCompare(ctx, req, args[1:])
	}
	account, c, err := parseDeal(args)
	if err != nil {
		return Reply{}, b.withExample(ctx, req, err, "deal", func(e example) bool { return e.writes })
	}
	a, note, err := b.resolveAccount(ctx, req.Actor, account)
	if err != nil {
		return Reply{}, err
	}
	r := domain.DealRequest{AccountID: a.ID, Discount: c.Pct / 100, X: c.X, Y: c.Y, Months: c.Months, Qty: c.Qty,
		Yearly: c.Cadence == "yearly", PriceY: c.Price, Ledger: c.Ledger}
	if c.HasPrice && c.Price <= 0 {
		return Reply{}, dealError("The price after `at` must be more than 0.")
	}
	s, err := b.priceAndSave(ctx, req, a, r, 0)
	if err != nil {
		return Reply{}, err
	}
	return b.dealReply(s, "Deal: "+a.Name, note), nil
}

// priceAndSave prices a trade, its ledger with it, and saves it as a scenario (when the
// store keeps them). Nothing is saved when pricing fails.
func (b *Bot) priceAndSave(ctx context.Context, req Request, a domain.Account, r domain.DealRequest, parent int64) (domain.Scenario, error) {
	pd, err := b.Deals.Price(ctx, r, req.AsOf)
	if err != nil {
		return domain.Scenario{}, err
	}
	s := domain.Scenario{ParentID: parent, AccountID: a.ID, AccountName: a.Name, Author: req.Actor.who(), Channel: req.Channel, Thread: req.Thread,
		CreatedAt: b.Now().UTC(), AsOf: req.AsOf.Format(domain.DateLayout), Ledger: pd.Ledger, Deal: pd.Deal, CostPerUse: pd.CostPerUse}
	if b.Scenarios != nil {
		if err := b.Scenarios.SaveScenario(ctx, &s); err != nil {
			return domain.Scenario{}, fmt.Errorf("save scenario: %w", err)
		}
	}
	return s, nil
}

// scenario loads a scenario the asker may see, with its account.
func (b *Bot) scenario(ctx context.Context, req Request, id string) (domain.Scenario, domain.Account, error) {
	n, err := domain.ParseScenarioID(id)
	if err != nil {
		return domain.Scenario{}, domain.Account{}, err
	}
	if b.Scenarios == nil {
		return domain.Scenario{}, domain.Account{}, domain.Errorf(domain.ENOTFOUND, "This store keeps no scenarios.")
	}
	s, err := b.Scenarios.FindScenario(ctx, n)
	if err != nil {
		return s, domain.Account{}, err
	}
	// A scenario saved before parity prices were kept gets its own from its figures.
	for i := range s.CostPerUse {
		s.CostPerUse[i].ParityPrice = parity(s.CostPerUse[i])
	}
	a, err := b.Store.FindAccount(ctx, s.AccountID)
	if err != nil {
		return s, a, fmt.Errorf("account of scenario %s: %w", s.Name(), err)
	}
	if !req.Actor.CanSeeAccount(a) {
		// The same words as a scenario that does not exist: nothing about another
		// territory, not even that the scenario is there.
		return domain.Scenario{}, domain.Account{}, domain.ErrScenarioNotFound(n)
	}
	return s, a, nil
}

func (b *Bot) dealVary(ctx context.Context, req Request, id string, words []string) (Reply, error) {
	c, err := parseDealClauses(words)
	if err != nil {
		return Reply{}, err
	}
	if c.empty() {
		return Reply{}, dealError("Say what changes, e.g. `deal vary %s give 4%%`.", id)
	}
	parent, a, err := b.scenario(ctx, req, id)
	if err != nil {
		return Reply{}, err
	}
	t := parent.Deal.Terms
	r := domain.DealRequest{AccountID: a.ID, Discount: t.Discount, X: t.X, Y: t.Y, Months: t.Months, Qty: t.Qty, Yearly: t.Yearly, PriceY: t.PriceY}
	var changed []string
	if c.HasGive {
		r.Discount = c.Pct / 100
		changed = append(changed, "give "+pctExact(r.Discount))
		if c.X != "" {
			r.X = c.X
			changed[len(changed)-1] += " on " + c.X
		}
	}
	if c.HasMonths {
		r.Months = c.Months
		changed = append(changed, "for "+months(c.Months))
	}
	if c.HasGet {
		r.Qty = c.Qty
		changed = append(changed, "get "+num(c.Qty))
		if c.Y != "" {
			r.Y = c.Y
			changed[len(changed)-1] += " " + c.Y
		}
	}
	if c.Cadence != "" {
		r.Yearly = c.Cadence == "yearly"
		changed = append(changed, c.Cadence)
	}
	if c.HasPrice {
		if c.Price <= 0 {
			return Reply{}, dealError("The price after `at` must be more than 0.")
		}
		r.PriceY = c.Price
		changed = append(changed, "at "+b.Money.Format2(c.Price))
	}
	r.Ledger = varyLedger(parent.Ledger, c.Ledger)
	for _, it := range c.Ledger {
		changed = append(changed, "also "+it.Side+" "+b.itemWords(it))
	}
	s, err := b.priceAndSave(ctx, req, a, r, parent.ID)
	if err != nil {
		return Reply{}, err
	}
	return b.dealReply(s, fmt.Sprintf("Deal: %s — variant of %s", a.Name, parent.Name()),
		fmt.Sprintf("Changed from %s: %s.", parent.Name(), strings.Join(changed, ", "))), nil
}

// varyLedger is a variant's ledger: the parent's items, then the new ones; new payment
// terms replace the parent's (a deal has one set of terms), and a new item of the same
// side and text replaces the parent's (`also give free freight worth 900`). The whole
// ledger is priced again on the variant's terms.
func varyLedger(parent, added []domain.LedgerItem) []domain.LedgerItem {
	out := make([]domain.LedgerItem, 0, len(parent)+len(added))
	for _, p := range parent {
		_, pTerms := p.TermsDays()
		replaced := false
		for _, n := range added {
			_, nTerms := n.TermsDays()
			if (pTerms && nTerms) || (p.Side == n.Side && strings.EqualFold(p.Text, n.Text)) {
				replaced = true
				break
			}
		}
		if !replaced {
			out = append(out, p)
		}
	}
	return append(out, added...)
}

// itemWords writes a ledger item as typed: "free freight worth $1,200 a year".
func (b *Bot) itemWords(it domain.LedgerItem) string {
	if it.Worth == nil {
		return it.Text
	}
	if it.Once {
		return fmt.Sprintf("%s worth %s once", it.Text, b.Money.Format(*it.Worth))
	}
	return fmt.Sprintf("%s worth %s a year", it.Text, b.Money.Format(*it.Worth))
}

// who names the actor in records: the email, else the name.
func (a Actor) who() string {
	if a.Person.Email != "" {
		return a.Person.Email
	}
	return a.Person.Name
}

// pctExact writes a fraction as a percentage without rounding: "5%", "2.5%".
func pctExact(f float64) string { return strconv.FormatFloat(f*100, 'f', -1, 64) + "%" }

// num writes a quantity: "200", "1,250", "12.5".
func num(q float64) string {
	if q == math.Trunc(q) && math.Abs(q) < 1e15 {
		return groupThousands(strconv.FormatFloat(math.Abs(q), 'f', 0, 64))
	}
	return strconv.FormatFloat(q, 'f', -1, 64)
}

// xWords names X: "gloves (category)" or "G-1 Nitrile gloves".
func xWords(t domain.DealTerms) string {
	if t.XIsSKU {
		return t.X
	}
	return t.X + " (category)"
}

// tradeSentence is the trade in one sentence.
func (b *Bot) tradeSentence(accountName string, d domain.Deal) string {
	t := d.Terms
	price := "list price " + b.Money.Format2(d.PriceY)
	if t.PriceY != 0 {
		price = b.Money.Format2(d.PriceY)
	}
	get := fmt.Sprintf("a first order of %s × %s at %s", num(t.Qty), t.Y, price)
	if t.Yearly {
		get = fmt.Sprintf("%s × %s a year at %s", num(t.Qty), t.Y, price)
	}
	return fmt.Sprintf("Give %s %s off %s for %s in exchange for %s.", accountName, pctExact(t.Discount), xWords(t), months(t.Months), get)
}

func (b *Bot) dealReply(s domain.Scenario, title, note string) Reply {
	m := b.Money
	d := s.Deal
	t := d.Terms
	blocks := []Block{&Header{Text: title}}
	if note != "" {
		blocks = append(blocks, &Context{Text: note})
	}
	blocks = append(blocks, &Text{Text: b.tradeSentence(s.AccountName, d)})
	term := "over " + months(t.Months)
	gainHow := fmt.Sprintf("%s × %s GP each", num(t.Qty), m.Format2(d.UnitGPY))
	if t.Yearly {
		gainHow = fmt.Sprintf("%s a year × %s GP × %d/12", num(t.Qty), m.Format2(d.UnitGPY), t.Months)
	}
	tbl := &Table{Columns: []Column{{Title: "What"}, {Title: "How"}, {Title: "Amount", Numeric: true}}}
	tbl.Rows = append(tbl.Rows,
		[]string{"Concession " + term, fmt.Sprintf("%s of %s a year on %s × %d/12", pctExact(t.Discount), m.Format(d.RevenueX), t.X, t.Months), m.Format(-d.Concession)},
		[]string{"Gain from " + t.Y, gainHow, m.Format(d.Gain)})
	netHow, beHow := "gain − concession", "concession"
	var gives, gets bool
	for _, it := range s.Ledger {
		if it.Value == nil {
			continue
		}
		v := *it.Value
		if it.Side == domain.LedgerGive {
			gives, v = true, -v
		} else {
			gets = true
		}
		tbl.Rows = append(tbl.Rows, []string{upperFirst(it.Side) + ": " + it.Text, b.valueHow(it, t.Months), m.Format(v)})
	}
	switch {
	case gives && gets:
		netHow, beHow = "gain − concession − gives + gets", "(concession + gives − gets)"
	case gives:
		netHow, beHow = "gain − concession − gives", "(concession + gives)"
	case gets:
		netHow, beHow = "gain − concession + gets", "(concession − gets)"
	}
	tbl.Rows = append(tbl.Rows, []string{"Net to the account's GP", netHow, m.Format(d.Net)})
	be := "never: " + t.Y + " earns no margin at this price"
	if d.BreakEvenQty != nil {
		be = breakEven(d)
	}
	tbl.Rows = append(tbl.Rows, []string{"Break-even", beHow + " ÷ GP per unit of " + t.Y, be})
	vol := fmt.Sprintf("none: %s is all of %s %s margin", pctExact(t.Discount), possessive(t.X), pct1(d.MarginX))
	if d.RequiredVolumeIncrease != nil {
		vol = "+" + pct1(*d.RequiredVolumeIncrease)
	}
	tbl.Rows = append(tbl.Rows, []string{"Volume " + t.X + " alone would need", fmt.Sprintf("to hold its GP at %s off (margin %s)", pctExact(t.Discount), pct1(d.MarginX)), vol})
	blocks = append(blocks, tbl)

	var verdict string
	if d.Verdict == domain.VerdictAccretive {
		verdict = fmt.Sprintf("*Accretive*: the trade adds %s of gross profit to the account %s. Judge the account, not the line: %s gives up margin, %s brings more.",
			m.Format(d.Net), term, t.X, t.Y)
	} else {
		verdict = fmt.Sprintf("*Dilutive*: the trade costs the account %s of gross profit %s.", m.Format(-d.Net), term)
		if d.BreakEvenQty != nil {
			verdict += fmt.Sprintf(" Ask for at least %s, or give less.", breakEven(d))
		}
	}
	if d.UnitGPY <= 0 {
		verdict += fmt.Sprintf(" Note: %s at %s is at or below its unit cost of %s, so every unit we get loses money.", t.Y, m.Format2(d.PriceY), m.Format2(d.UnitCostY))
	}
	blocks = append(blocks, &Text{Text: verdict})

	if len(s.Ledger) > 0 {
		var gives, gets []string
		unpriced := false
		for _, it := range s.Ledger {
			x := it.Text
			var notes []string
			if it.Primary {
				notes = append(notes, "primary")
			}
			if it.Value == nil {
				notes, unpriced = append(notes, "not priced"), true
			}
			if len(notes) > 0 {
				x += " (" + strings.Join(notes, ", ") + ")"
			}
			if it.Side == domain.LedgerGive {
				gives = append(gives, x)
			} else {
				gets = append(gets, x)
			}
		}
		text := "*Beyond price*:"
		if len(gives) > 0 {
			text += " we give " + strings.Join(gives, ", ") + "."
		}
		if len(gets) > 0 {
			text += " We get " + strings.Join(gets, ", ") + "."
		}
		if unpriced {
			text += " An item not priced counts in the balance only: add `worth <amount>` (a year, or `once`) to price it."
		}
		if bal := domain.BalanceLedger(s.Ledger); bal.Lopsided {
			text += fmt.Sprintf("\n⚠ We give %d primary items (the discount among them) and get %d: ask for something primary in return before agreeing.", bal.PrimaryGives, bal.PrimaryGets)
		}
		blocks = append(blocks, &Text{Text: text})
	}
	for i, c := range s.CostPerUse {
		if i == 3 {
			break
		}
		blocks = append(blocks, &Text{Text: b.cpuAngle(c)})
	}
	ctxText := "As of " + s.AsOf + "; X's revenue and margin are the account's over the last 12 months."
	var buttons []Button
	if s.ID != 0 {
		hint := 0.03
		if math.Abs(t.Discount-hint) < 1e-9 {
			hint = 0.02
		}
		ctxText = fmt.Sprintf("Saved as %s by %s. ", s.Name(), s.Author) + ctxText +
			fmt.Sprintf(" Vary it: `deal vary %s give %s`; compare: `deal compare %s S-…`.", s.Name(), pctExact(hint), s.Name())
		for _, alt := range []float64{0.02, 0.03, 0.05} {
			if math.Abs(alt-t.Discount) > 1e-9 {
				buttons = append(buttons, Button{Label: "Try " + pctExact(alt), Command: fmt.Sprintf("deal vary %s give %s", s.Name(), pctExact(alt))})
			}
		}
		other := "yearly"
		if t.Yearly {
			other = "once"
		}
		buttons = append(buttons, Button{Label: "Make it " + other, Command: fmt.Sprintf("deal vary %s %s", s.Name(), other)},
			Button{Label: "Draft talking points", Command: "talk " + s.Name(), Style: "primary"})
		if s.ParentID != 0 {
			buttons = append(buttons, Button{Label: "Compare with " + domain.ScenarioName(s.ParentID), Command: fmt.Sprintf("deal compare %s %s", domain.ScenarioName(s.ParentID), s.Name()), Style: "primary"})
		}
	} else {
		ctxText = "Not saved: this store keeps no scenarios. " + ctxText
	}
	if len(buttons) > 0 {
		blocks = append(blocks, &Buttons{Buttons: buttons})
	}
	blocks = append(blocks, &Context{Text: ctxText})
	return Reply{Blocks: blocks, Data: newDealData(s)}
}

// valueHow says how a ledger item was priced over a term of months: "30 days beyond
// net 30 on $10,300 a year at 8% × 12/12", "worth $1,200 a year × 6/12", "worth $500
// once".
func (b *Bot) valueHow(it domain.LedgerItem, months int) string {
	m := b.Money
	switch {
	case it.Worth != nil && it.Once:
		return fmt.Sprintf("worth %s once", m.Format(*it.Worth))
	case it.Worth != nil:
		return fmt.Sprintf("worth %s a year × %d/12", m.Format(*it.Worth), months)
	case it.Terms != nil:
		tb := it.Terms
		diff := tb.Days - tb.Today
		rel := "beyond"
		if diff < 0 {
			diff, rel = -diff, "within"
		}
		return fmt.Sprintf("%s %s net %d on %s a year at %s × %d/12", countOf(float64(diff), "day", "days"), rel, tb.Today,
			m.Format(tb.Revenue), pctExact(tb.CostOfCapital), months)
	}
	return ""
}

// breakEven writes a deal's break-even in whole units of Y: "34 × W-1 a year".
func breakEven(d domain.Deal) string {
	s := num(math.Ceil(*d.BreakEvenQty-1e-9)) + " × " + d.Terms.Y
	if d.Terms.Yearly {
		s += " a year"
	}
	return s
}

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

// upperFirst capitalises the first letter of s.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

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

func (b *Bot) dealCompare(ctx context.Context, req Request, ids []string) (Reply, error) {
	if len(ids) > maxCompare {
		return Reply{}, domain.Errorf(domain.EINVALID, "Compare at most %d scenarios at once.", maxCompare)
	}
	var ss []domain.Scenario
	seen := map[int64]bool{}
	for _, id := range ids {
		s, _, err := b.scenario(ctx, req, id)
		if err != nil {
			return Reply{}, err
		}
		if seen[s.ID] {
			continue
		}
		seen[s.ID] = true
		ss = append(ss, s)
	}
	m := b.Money
	cols := []Column{{Title: ""}}
	for _, s := range ss {
		cols = append(cols, Column{Title: s.Name(), Numeric: true})
	}
	row := func(label string, f func(s domain.Scenario) string) []string {
		r := []string{label}
		for _, s := range ss {
			r = append(r, f(s))
		}
		return r
	}
	tbl := &Table{Columns: cols, Rows: [][]string{
		row("Account", func(s domain.Scenario) string { return s.AccountName }),
		row("Give", func(s domain.Scenario) string {
			return pctExact(s.Deal.Terms.Discount) + " on " + s.Deal.Terms.X
		}),
		row("Term", func(s domain.Scenario) string { return months(s.Deal.Terms.Months) }),
		row("Get", func(s domain.Scenario) string {
			g := num(s.Deal.Terms.Qty) + " × " + s.Deal.Terms.Y
			if s.Deal.Terms.Yearly {
				g += " a year"
			}
			return g
		}),
		row("Price of Y", func(s domain.Scenario) string { return m.Format2(s.Deal.PriceY) }),
		row("Concession", func(s domain.Scenario) string { return m.Format(-s.Deal.Concession) }),
		row("Gain", func(s domain.Scenario) string { return m.Format(s.Deal.Gain) }),
		row("Priced gives / gets", func(s domain.Scenario) string {
			return m.Format(-s.Deal.PricedGives) + " / " + m.Format(s.Deal.PricedGets)
		}),
		row("Net", func(s domain.Scenario) string { return m.Format(s.Deal.Net) }),
		row("Break-even", func(s domain.Scenario) string {
			if s.Deal.BreakEvenQty == nil {
				return "never"
			}
			return num(math.Ceil(*s.Deal.BreakEvenQty - 1e-9))
		}),
		row("Verdict", func(s domain.Scenario) string { return s.Deal.Verdict }),
		row("Primary give / get", func(s domain.Scenario) string {
			bal := domain.BalanceLedger(s.Ledger)
			v := fmt.Sprintf("%d / %d", bal.PrimaryGives, bal.PrimaryGets)
			if bal.Lopsided {
				v += " ⚠"
			}
			return v
		}),
		row("Priced as of", func(s domain.Scenario) string { return s.AsOf }),
	}}
	best := ss[0]
	for _, s := range ss[1:] {
		if s.Deal.Net > best.Deal.Net {
			best = s
		}
	}
	names := make([]string, len(ss))
	data := make([]dealData, len(ss))
	for i, s := range ss {
		names[i] = s.Name()
		data[i] = newDealData(s)
	}
	blocks := []Block{&Header{Text: "Compare " + strings.Join(names, ", ")}, tbl}
	if best.Deal.Net > 0 {
		blocks = append(blocks, &Text{Text: fmt.Sprintf("*%s* adds the most gross profit: %s.", best.Name(), m.Format(best.Deal.Net))})
	} else {
		blocks = append(blocks, &Text{Text: fmt.Sprintf("None of these adds gross profit; %s costs the least (%s).", best.Name(), m.Format(best.Deal.Net))})
	}
	return Reply{Blocks: blocks, Data: data}, nil
}

func (b *Bot) dealSuggest(ctx context.Context, req Request, account string) (Reply, error) {
	a, note, err := b.accountOrLast(ctx, req.Actor, account, func() string {
		return "Suggest deals for which account? Usage: `deal suggest <account>`." + b.forExample(ctx, req, "deal", startsWith("deal suggest "))
	})
	if err != nil {
		return Reply{}, err
	}
	sugs, err := b.Deals.Suggest(ctx, a.ID, req.AsOf)
	if err != nil {
		return Reply{}, err
	}
	blocks := []Block{&Header{Text: "Suggested deals — " + a.Name}}
	if note != "" {
		blocks = append(blocks, &Context{Text: note})
	}
	if len(sugs) == 0 {
		blocks = append(blocks, &Text{Text: fmt.Sprintf("No balanced trade adds profit at %s: it has no uncovered gap we sell into, or nothing it buys is big enough, with the margin, to fund a fair discount. See `gap %s`.", a.Name, a.ID)})
		return Reply{Blocks: blocks, Data: []domain.Suggestion{}}, nil
	}
	text, buttons := b.suggestionLines(a, sugs)
	blocks = append(blocks, &Text{Text: text})
	if len(buttons) > 0 {
		blocks = append(blocks, &Buttons{Buttons: buttons})
	}
	blocks = append(blocks, &Context{Text: b.suggestionRule()})
	return Reply{Blocks: blocks, Data: sugs}, nil
}

// suggestionRule states in one line how suggestions are made, from the settings.
func (b *Bot) suggestionRule() string {
	s, m := b.Deals.Settings, b.Money
	return fmt.Sprintf("Rule: give %s for %d months on a line that is at least %s of their spend and earns over %g× the discount, "+
		"for a yearly first order (%s of an uncovered gap) of their industry's best seller; each trade adds profit and asks %s–%s "+
		"of new business a year per %s of discount, with no X or Y twice. Lead with value only where we cost less per use and they save %s+ a year.",
		pctList(s.Discounts), s.Months, pct(s.MinXShare), s.MarginMultiple, pct(s.FirstOrderShare),
		m.Format(s.BalanceMin), m.Format(s.BalanceMax), m.Format(1), m.Format(s.LeadMinSavings))
}

// pctList writes discounts as "2%, 3% or 5%".
func pctList(ds []float64) string {
	var out []string
	for _, d := range ds {
		out = append(out, pctExact(d))
	}
	if len(out) < 2 {
		return strings.Join(out, "")
	}
	return strings.Join(out[:len(out)-1], ", ") + " or " + out[len(out)-1]
}

// suggestionLines writes suggestions as numbered lines with a button to save each trade.
func (b *Bot) suggestionLines(a domain.Account, sugs []domain.Suggestion) (string, []Button) {
	m := b.Money
	var lines []string
	var buttons []Button
	for i, s := range sugs {
		if s.LeadWithValue {
			c := s.CostPerUse
			line := fmt.Sprintf("%d. *Lead with value on %s*: our cost per use of %s is %s against %s %s", i+1, s.Category, c.SKU,
				m.perUse(c.CPUOurs), possessive(c.Competitor), m.perUse(c.CPUTheirs))
			if saves(c.Savings) {
				line += fmt.Sprintf("; %s saves %s a year with us", a.Name, m.Format(c.Savings))
			}
			lines = append(lines, line+". Give no discount.")
			continue
		}
		d := s.Deal
		t := d.Terms
		lines = append(lines, fmt.Sprintf("%d. Give %s on %s for %s, get %s × %s a year (%s): net %s (gain %s, concession %s); asks about %s of new business for each %s of discount.",
			i+1, pctExact(t.Discount), t.X, months(t.Months), num(t.Qty), t.Y, s.Category, m.Format(d.Net), m.Format(d.Gain), m.Format(d.Concession),
			m.Format(s.BalanceRatio), m.Format(1)))
		buttons = append(buttons, Button{Label: fmt.Sprintf("Save %d as a scenario", i+1), Command: "deal " + suggestionTerms(a, s)})
	}
	return strings.Join(lines, "\n"), buttons
}

// suggestionTerms writes a suggested trade as the deal command's terms, account first.
func suggestionTerms(a domain.Account, s domain.Suggestion) string {
	t := s.Deal.Terms
	return fmt.Sprintf("%s give %s on %q for %d months get %s %s yearly", a.ID, pctExact(t.Discount), t.X, t.Months, strconv.FormatFloat(t.Qty, 'f', -1, 64), t.Y)
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
	rest := args[at+2:]
	for i := 0; i < len(rest); {
		switch strings.ToLower(rest[i]) {
		case "uses":
			v, ok := 0.0, false
			if i+1 < len(rest) {
				v, ok = parseAmount(rest[i+1])
			}
			if !ok || !(v > 0) {
				return Reply{}, domain.Errorf(domain.EINVALID, "After `uses`, say how many uses one unit gives (more than 0). %s", usage())
			}
			if err := checkMax("uses per unit", v, maxQuantity, "quantity"); err != nil {
				return Reply{}, err
			}
			o.UsesPerUnit, i = v, i+2
		case "change":
			v, ok := 0.0, false
			if i+1 < len(rest) {
				v, ok = parseAmount(rest[i+1])
			}
			if !ok || v < 0 {
				return Reply{}, domain.Errorf(domain.EINVALID, "After `change`, say the customer's cost of changing over (0 or more). %s", usage())
			}
			if err := checkMax("change-over cost", v, maxMoney, "money"); err != nil {
				return Reply{}, err
			}
			o.ChangeCost, i = v, i+2
		case "weak", "weakness", "weaknesses":
			if i+1 >= len(rest) {
				return Reply{}, domain.Errorf(domain.EINVALID, "After `weak`, say their weaknesses. %s", usage())
			}
			o.Weaknesses, i = strings.Join(rest[i+1:], " "), len(rest)
		default:
			return Reply{}, domain.Errorf(domain.EINVALID, "I did not understand %q after the price. %s", rest[i], usage())
		}
	}
	a, err := b.resolveAccountToWrite(ctx, req.Actor, strings.Join(args[:at-1], " "))
	if err != nil {
		return Reply{}, err
	}
	o.AccountID = a.ID
	if err := b.Offers.RecordCompetitorOffer(ctx, o); err != nil {
		return Reply{}, fmt.Errorf("record offer: %w", err)
	}
	m := b.Money
	s := fmt.Sprintf("Recorded: %s offers %s %s a unit against %s (%s)", o.Competitor, a.Name, m.Format2(o.Price), sku, products[sku].Name)
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
	return Reply{Blocks: blocks, Data: o}, nil
}
