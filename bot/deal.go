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

// ScenarioStore keeps the scenarios `deal` saves, for `deal show`, `vary`, `compare` and
// `talk` (Bot.Scenarios).
type ScenarioStore interface {
	// SaveScenario stores a new scenario and sets its ID.
	SaveScenario(ctx context.Context, s *domain.Scenario) error
	// FindScenario returns a scenario; ENOTFOUND when there is none with that id.
	FindScenario(ctx context.Context, id int64) (domain.Scenario, error)
}

// dealData is the JSON of a deal reply: the scenario and its deal's figures at the top
// level (concession, required_volume_increase, gain, net, break_even_qty, verdict, …).
type dealData struct {
	Scenario  string      `json:"scenario,omitempty"` // S-12; empty when it could not be saved
	Parent    string      `json:"parent,omitempty"`
	AccountID string      `json:"account_id"`
	Author    string      `json:"author"`
	AsOf      domain.Date `json:"as_of"`
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
		CreatedAt: b.Now().UTC(), AsOf: domain.DateOf(req.AsOf), Ledger: pd.Ledger, Deal: pd.Deal, CostPerUse: pd.CostPerUse}
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
	blocks := []Block{&Header{Text: title}}
	if note != "" {
		blocks = append(blocks, &Context{Text: note})
	}
	blocks = append(blocks, &Text{Text: b.tradeSentence(s.AccountName, s.Deal)}, b.dealTable(s),
		&Text{Text: b.verdictText(s.Deal)})
	if len(s.Ledger) > 0 {
		blocks = append(blocks, &Text{Text: ledgerText(s.Ledger)})
	}
	for i, c := range s.CostPerUse {
		if i == 3 {
			break
		}
		blocks = append(blocks, &Text{Text: b.cpuAngle(c)})
	}
	ctxText, buttons := dealNext(s)
	if len(buttons) > 0 {
		blocks = append(blocks, &Buttons{Buttons: buttons})
	}
	blocks = append(blocks, &Context{Text: ctxText})
	return Reply{Blocks: blocks, Data: newDealData(s)}
}

// dealTable prices the trade line by line: the concession, the gain, each priced item
// of the ledger, the net, the break-even and the volume X would need.
func (b *Bot) dealTable(s domain.Scenario) *Table {
	m, d := b.Money, s.Deal
	t := d.Terms
	gainHow := fmt.Sprintf("%s × %s GP each", num(t.Qty), m.Format2(d.UnitGPY))
	if t.Yearly {
		gainHow = fmt.Sprintf("%s a year × %s GP × %d/12", num(t.Qty), m.Format2(d.UnitGPY), t.Months)
	}
	tbl := &Table{Columns: []Column{{Title: "What"}, {Title: "How"}, {Title: "Amount", Numeric: true}}}
	tbl.Rows = append(tbl.Rows,
		[]string{"Concession over " + months(t.Months), fmt.Sprintf("%s of %s a year on %s × %d/12", pctExact(t.Discount), m.Format(d.RevenueX), t.X, t.Months), m.Format(-d.Concession)},
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
	return tbl
}

// verdictText says whether the trade adds gross profit, and warns when Y is sold at or
// below its cost.
func (b *Bot) verdictText(d domain.Deal) string {
	m, t := b.Money, d.Terms
	term := "over " + months(t.Months)
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
	return verdict
}

// ledgerText lists what the trade gives and gets beyond price, and flags a trade that
// gives more primary items than it gets.
func ledgerText(ledger []domain.LedgerItem) string {
	var gives, gets []string
	unpriced := false
	for _, it := range ledger {
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
	if bal := domain.BalanceLedger(ledger); bal.Lopsided {
		text += fmt.Sprintf("\n⚠ We give %d primary items (the discount among them) and get %d: ask for something primary in return before agreeing.", bal.PrimaryGives, bal.PrimaryGets)
	}
	return text
}

// dealNext is the deal reply's closing line and its buttons: variants to try, talking
// points, and the comparison with the parent.
func dealNext(s domain.Scenario) (string, []Button) {
	t := s.Deal.Terms
	ctxText := "As of " + s.AsOf.String() + "; X's revenue and margin are the account's over the last 12 months."
	if s.ID == 0 {
		return "Not saved: this store keeps no scenarios. " + ctxText, nil
	}
	hint := 0.03
	if math.Abs(t.Discount-hint) < 1e-9 {
		hint = 0.02
	}
	ctxText = fmt.Sprintf("Saved as %s by %s. ", s.Name(), s.Author) + ctxText +
		fmt.Sprintf(" Vary it: `deal vary %s give %s`; compare: `deal compare %s S-…`.", s.Name(), pctExact(hint), s.Name())
	var buttons []Button
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
	return ctxText, buttons
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

// upperFirst capitalises the first letter of s.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
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
		row("Priced as of", func(s domain.Scenario) string { return s.AsOf.String() }),
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
