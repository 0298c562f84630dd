package bot

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/incumbent/incumbent/domain"
)

// TalkFacts are what talking points are drafted from: computed figures a draft may
// quote, and text from the data (competitor weaknesses, the concession ledger, product
// names) that a model must treat as quoted data, never as instructions.
type TalkFacts struct {
	Account  string   `json:"account"`  // from accounts.csv: untrusted
	Scenario string   `json:"scenario"` // S-12
	Figures  []Fact   `json:"figures"`
	Quoted   []string `json:"quoted_data"` // untrusted text from the CSV files and chat
	// For the template: the deal and its comparisons as computed.
	Deal       domain.Deal         `json:"-"`
	CostPerUse []domain.CostPerUse `json:"-"`
	Ledger     []domain.LedgerItem `json:"-"`
	Tier       string              `json:"-"`
	Money      Money               `json:"-"`
	// Products names the SKUs of the deal and its comparisons; a SKU missing from it is
	// named by its SKU.
	Products map[string]domain.Product `json:"-"`
}

// Draft is a set of talking points and who drafted them.
type Draft struct {
	Points  []string
	Drafter string // "template", or the model's name
	// Note says why a model's draft was replaced, when it was.
	Note string
	// Tokens the model used (0 for the template).
	PromptTokens, CompletionTokens int
}

// Drafter drafts talking points from facts (adapters/openai for a model).
type Drafter interface {
	Draft(ctx context.Context, f TalkFacts) (Draft, error)
}

// DraftObserver records drafts: which drafter, the outcome (ok, fallback, ungrounded),
// tokens and latency (adapters/prometheus).
type DraftObserver interface {
	ObserveDraft(drafter, outcome string, promptTokens, completionTokens int, d time.Duration)
}

// DefaultDraftTimeout bounds a model's draft; past it the template answers.
const DefaultDraftTimeout = 20 * time.Second

// talkFacts gathers the figures and quoted data of a scenario.
func (b *Bot) talkFacts(ctx context.Context, s domain.Scenario, asOf time.Time) TalkFacts {
	t := s.Deal.Terms
	f := TalkFacts{Account: s.AccountName, Scenario: s.Name(), Deal: s.Deal, CostPerUse: s.CostPerUse, Ledger: s.Ledger, Money: b.Money,
		Products: map[string]domain.Product{}}
	if products, err := b.Deals.Gaps.Products(ctx, asOf); err == nil {
		for _, sku := range append([]string{t.X, t.Y}, cpuSKUs(s.CostPerUse)...) {
			if p, ok := products[sku]; ok {
				f.Products[sku] = p
			}
		}
	}
	f.addDeal(s.Deal)
	f.addOffers(s.CostPerUse)
	f.addLedger(s.Ledger)
	// The deal's SKUs by name, the way a rep says them.
	f.Quoted = append(f.Quoted, "x is "+f.productName(t.X), "y is "+f.productName(t.Y))
	f.addNamesNumbers(s)
	if g, err := b.Grades.Account(ctx, s.AccountID, asOf); err == nil && g.Graded {
		f.Tier = g.Tier
		f.add("grade_score", g.Score, false)
		f.add("gross_profit_last_12_months", g.GP, false)
	}
	if g, err := b.Gaps.AccountGap(ctx, s.AccountID, asOf); err == nil {
		f.add("current_revenue", g.Totals.Current, false)
		f.add("potential", g.Totals.Potential, false)
		f.add("gap", g.Totals.Gap, false)
		f.add("share_of_wallet", g.Totals.Share, true)
	}
	return f
}

// add records a computed figure a draft may quote (a finite one).
func (f *TalkFacts) add(name string, v float64, pct bool) {
	if !math.IsNaN(v) && !math.IsInf(v, 0) {
		f.Figures = append(f.Figures, Fact{Name: name, Value: v, Percent: pct})
	}
}

// addDeal records the deal's terms and figures.
func (f *TalkFacts) addDeal(d domain.Deal) {
	t := d.Terms
	f.add("discount", t.Discount, true)
	f.add("months", float64(t.Months), false)
	if t.Months%12 == 0 {
		f.add("years", float64(t.Months/12), false) // "over 2 years"
	}
	f.add("quantity_of_y", t.Qty, false)
	f.add("price_of_y", d.PriceY, false)
	f.add("unit_gp_of_y", d.UnitGPY, false)
	f.add("revenue_of_x_last_12_months", d.RevenueX, false)
	f.add("margin_of_x", d.MarginX, true)
	f.add("concession", d.Concession, false)
	f.add("gain", d.Gain, false)
	if d.PricedGives != 0 || d.PricedGets != 0 {
		f.add("priced_gives", d.PricedGives, false)
		f.add("priced_gets", d.PricedGets, false)
	}
	f.add("net", d.Net, false)
	if d.BreakEvenQty != nil {
		f.add("break_even_quantity", math.Ceil(*d.BreakEvenQty-1e-9), false)
	}
	if d.RequiredVolumeIncrease != nil {
		f.add("volume_increase_x_would_need", *d.RequiredVolumeIncrease, true)
	}
}

// addOffers records the competitors' offers: figures, and their names and weaknesses
// quoted apart.
func (f *TalkFacts) addOffers(cpus []domain.CostPerUse) {
	for i, c := range cpus {
		p := fmt.Sprintf("offer_%d_", i+1)
		f.add(p+"our_cost_per_use", c.CPUOurs, false)
		f.add(p+"their_cost_per_use", c.CPUTheirs, false)
		f.add(p+"their_price", c.PriceTheirs, false)
		f.add(p+"yearly_savings_with_us", c.Savings, false)
		f.add(p+"parity_price", parity(c), false)
		f.Quoted = append(f.Quoted, fmt.Sprintf("offer %d is from %s on %s", i+1, c.Competitor, f.productName(c.SKU)))
		if c.Weaknesses != "" {
			f.Quoted = append(f.Quoted, fmt.Sprintf("offer %d weaknesses: %s", i+1, c.Weaknesses))
		}
	}
}

// addLedger records the concession ledger: the items quoted, their prices as figures.
func (f *TalkFacts) addLedger(ledger []domain.LedgerItem) {
	for i, it := range ledger {
		imp := "secondary"
		if it.Primary {
			imp = "primary"
		}
		f.Quoted = append(f.Quoted, fmt.Sprintf("ledger item %d: we %s (%s): %s", i+1, it.Side, imp, it.Text))
		if it.Value != nil {
			f.add(fmt.Sprintf("ledger_item_%d_value_over_the_term", i+1), *it.Value, false)
		}
		if it.Worth != nil {
			f.add(fmt.Sprintf("ledger_item_%d_worth_as_typed", i+1), *it.Worth, false)
		}
		if it.Terms != nil {
			f.add("payment_terms_days_today", float64(it.Terms.Today), false)
			f.add("cost_of_capital", it.Terms.CostOfCapital, true)
		}
	}
}

// addNamesNumbers records the numbers inside names and typed items (an account called
// "Acme 2000", a SKU "W-1", "Socket Set 28 pc", "net 60 terms"): not figures, but a
// draft may repeat them.
func (f *TalkFacts) addNamesNumbers(s domain.Scenario) {
	names := []string{s.AccountName, s.AccountID, s.Deal.Terms.X, s.Deal.Terms.Y}
	for _, p := range f.Products {
		names = append(names, p.Name)
	}
	for _, c := range s.CostPerUse {
		names = append(names, c.SKU, c.Competitor, c.CompetitorProduct)
	}
	for _, it := range s.Ledger {
		names = append(names, it.Text)
	}
	for _, n := range names {
		for _, x := range ExtractNumbers(n) {
			if !x.Percent && !x.Money {
				f.add("number in the name "+n, x.Value, false)
			}
		}
	}
}

// cpuSKUs are the SKUs of comparisons.
func cpuSKUs(cs []domain.CostPerUse) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.SKU)
	}
	return out
}

// maxSaidName is the longest product name talking points say in full, in characters.
const maxSaidName = 40

// sayName shortens a name longer than maxSaidName at a word boundary, with "…".
func sayName(name string) string {
	name = strings.Join(strings.Fields(name), " ")
	if utf8.RuneCountInString(name) <= maxSaidName {
		return name
	}
	r := []rune(name)
	cut := maxSaidName - 1
	for cut > 0 && r[cut] != ' ' {
		cut--
	}
	if cut == 0 { // one long word
		cut = maxSaidName - 1
	}
	return strings.TrimRight(string(r[:cut]), " ,;:-–(/") + "…"
}

// productName names a SKU the way a rep says it: "Welding wire (W-1)"; a SKU with no
// product on file, or a category, as it is.
func (f TalkFacts) productName(sku string) string {
	p, ok := f.Products[sku]
	if !ok || strings.TrimSpace(p.Name) == "" {
		return sku
	}
	return sayName(p.Name) + " (" + sku + ")"
}

// sayer names products in talking points: by name, with the SKU in brackets the first
// time only.
type sayer struct {
	f    TalkFacts
	seen map[string]bool
}

func (s *sayer) name(sku string) string {
	p, ok := s.f.Products[sku]
	if !ok || strings.TrimSpace(p.Name) == "" {
		return sku
	}
	if s.seen[sku] {
		return sayName(p.Name)
	}
	s.seen[sku] = true
	return s.f.productName(sku)
}

// x names X: a product by its name, a category by its own.
func (s *sayer) x(t domain.DealTerms) string {
	if t.XIsSKU {
		return s.name(t.X)
	}
	return t.X
}

// overTerm says a term of months the way people do: "over the year", "over 2 years",
// "over 6 months".
func overTerm(n int) string {
	switch {
	case n == 12:
		return "over the year"
	case n%12 == 0:
		return fmt.Sprintf("over %d years", n/12)
	}
	return "over " + months(n)
}

// TemplateDraft writes talking points from the facts alone, with no model: lead with
// value, trade rather than give, price every give, name the competitor's weaknesses
// plainly, protect the relationship. Products are said by name (the SKU once, in
// brackets) and money the way people say it ("about $9,600 over the year"). Every
// number in it is one of the facts, or one of them rounded as grounded allows.
func TemplateDraft(f TalkFacts) Draft {
	m := f.Money
	d := f.Deal
	t := d.Terms
	say := &sayer{f: f, seen: map[string]bool{}}
	over := overTerm(t.Months)
	var pts []string
	for _, c := range f.CostPerUse {
		if c.Beats() && saves(c.Savings) {
			pts = append(pts, fmt.Sprintf("Lead with value, not unit price: our cost per use on %s is %s against %s, and with us they save %s a year. Price alone is not the comparison.",
				say.name(c.SKU), m.perUse(c.CPUOurs), m.perUse(c.CPUTheirs), m.SayMoney(c.Savings)))
			break
		}
	}
	get := fmt.Sprintf("a first order of %s %s", num(t.Qty), say.name(t.Y))
	if t.Yearly {
		get = strings.TrimPrefix(get, "a first order of ") + " a year"
	}
	var gives, gets []string
	for _, it := range f.Ledger {
		if it.Side == domain.LedgerGive {
			gives = append(gives, it.Text)
		} else {
			gets = append(gets, it.Text)
		}
	}
	if len(gets) > 0 {
		get += " and " + andList(gets)
	}
	look := fmt.Sprintf("%s on %s for %s", pctExact(t.Discount), say.x(t), months(t.Months))
	if len(gives) > 0 {
		look += ", with " + andList(gives)
	}
	pts = append(pts, fmt.Sprintf("Trade, don't give: \"If you can give us %s, we can look at %s.\"", get, look))
	cost := []string{m.SayMoney(d.Concession) + " of discount"}
	for _, it := range f.Ledger {
		if it.Side == domain.LedgerGive && it.Value != nil {
			cost = append(cost, m.SayMoney(*it.Value)+" of "+it.Text)
		}
	}
	brings := []string{m.SayMoney(d.Gain) + " from " + say.name(t.Y)}
	for _, it := range f.Ledger {
		if it.Side == domain.LedgerGet && it.Value != nil {
			brings = append(brings, m.SayMoney(*it.Value)+" of "+it.Text)
		}
	}
	if d.Verdict == domain.VerdictAccretive {
		pts = append(pts, fmt.Sprintf("Know our number: the trade adds %s of gross profit to the account %s (%s, against %s).",
			m.SayMoney(d.Net), over, andList(cost), andList(brings)))
	} else if d.BreakEvenQty != nil {
		need := fmt.Sprintf("%s %s", num(math.Ceil(*d.BreakEvenQty-1e-9)), say.name(t.Y))
		if t.Yearly {
			need += " a year"
		}
		pts = append(pts, fmt.Sprintf("Hold the line: as it stands the trade costs us %s %s (%s, against %s); it needs at least %s before what we give pays for itself.",
			m.SayMoney(-d.Net), over, andList(cost), andList(brings), need))
	}
	for _, it := range f.Ledger {
		if it.Side == domain.LedgerGive && it.Value != nil && *it.Value >= 1 {
			pts = append(pts, fmt.Sprintf("Nothing is free: %s costs us %s %s. If they ask for it, ask for something of the same worth in return.",
				it.Text, m.SayMoney(*it.Value), over))
			break
		}
	}
	if d.RequiredVolumeIncrease == nil {
		pts = append(pts, fmt.Sprintf("Do not let the discount stand alone: %s is the whole margin on %s, so no extra volume of it makes up for it.", pctExact(t.Discount), say.x(t)))
	}
	for _, c := range f.CostPerUse {
		if c.Weaknesses != "" {
			pts = append(pts, fmt.Sprintf("If %s comes up, ask about what customers report, without running them down: %s.", c.Competitor, strings.TrimSuffix(c.Weaknesses, ".")))
			break
		}
	}
	if bal := domain.BalanceLedger(f.Ledger); bal.Lopsided {
		pts = append(pts, "Balance the ledger: we are giving more than we get on what matters most. Ask for something primary in return before agreeing.")
	}
	if f.Tier != "" {
		pts = append(pts, fmt.Sprintf("Protect the relationship: %s is a %s customer for us. Frame this as growing together, not as a price concession.", f.Account, f.Tier))
	}
	// The template quotes data too (a competitor's weaknesses): a point that would carry
	// a number nobody computed is left out, so no draft ever does.
	kept := pts[:0]
	for _, p := range pts {
		if len(Ungrounded(p, f.Figures)) == 0 {
			kept = append(kept, p)
		}
	}
	return Draft{Points: kept, Drafter: "template"}
}

// andList joins words as people list them: "a", "a and b", "a, b and c".
func andList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

func (b *Bot) talkCmd(ctx context.Context, req Request, args []string) (Reply, error) {
	var s domain.Scenario
	note := ""
	if _, err := domain.ParseScenarioID(firstOr(args, "")); err == nil && len(args) == 1 {
		if s, _, err = b.scenario(ctx, req, args[0]); err != nil {
			return Reply{}, err
		}
	} else {
		var err error
		if s, note, err = b.suggestedScenario(ctx, req, strings.Join(args, " ")); err != nil {
			return Reply{}, err
		}
	}
	f := b.talkFacts(ctx, s, req.AsOf)
	draft := b.draft(ctx, f)
	blocks := []Block{&Header{Text: fmt.Sprintf("Talking points — %s (%s)", s.AccountName, s.Name())}}
	if note != "" {
		blocks = append(blocks, &Context{Text: note})
	}
	var lines []string
	for i, p := range draft.Points {
		lines = append(lines, fmt.Sprintf("%d. %s", i+1, p))
	}
	blocks = append(blocks, &Text{Text: strings.Join(lines, "\n")})
	by := "Drafted from the computed figures (template)."
	if draft.Drafter != "template" {
		by = fmt.Sprintf("Drafted by %s; every number in it was checked against the computed figures.", draft.Drafter)
	}
	if draft.Note != "" {
		by += " " + draft.Note
	}
	blocks = append(blocks, &Buttons{Buttons: []Button{{Label: "Share in channel", Command: "share"}, {Label: "Show the deal", Command: "deal show " + s.Name()}}},
		&Context{Text: by})
	return Reply{Blocks: blocks, Data: map[string]any{"scenario": s.Name(), "points": draft.Points, "drafter": draft.Drafter, "note": draft.Note}}, nil
}

// suggestedScenario prices the account's best suggested trade (the first the
// suggestions rank that gives something for something) and saves it as a scenario, so
// that talking points can be drafted from a gap reply. The note says what was done.
func (b *Bot) suggestedScenario(ctx context.Context, req Request, account string) (domain.Scenario, string, error) {
	if err := b.checkAsOf(ctx, req.AsOf); err != nil {
		return domain.Scenario{}, "", err
	}
	a, note, err := b.accountOrLast(ctx, req.Actor, account, func() string {
		return "Talking points for which deal? Usage: `talk <scenario-id>` for a deal you priced (the S- number in its reply), or `talk <account>` for the account's best suggested deal." +
			b.forExample(ctx, req, "talk", nil)
	})
	if err != nil {
		return domain.Scenario{}, "", err
	}
	sugs, err := b.Deals.Suggest(ctx, a.ID, req.AsOf)
	if err != nil {
		return domain.Scenario{}, "", err
	}
	for _, sg := range sugs {
		if sg.LeadWithValue || sg.Deal == nil {
			continue
		}
		_, c, err := parseDeal(tokenize(suggestionTerms(a, sg)))
		if err != nil {
			return domain.Scenario{}, "", fmt.Errorf("suggested deal for %s: %w", a.ID, err)
		}
		r := domain.DealRequest{AccountID: a.ID, Discount: c.Pct / 100, X: c.X, Y: c.Y, Months: c.Months, Qty: c.Qty, Yearly: c.Cadence == "yearly", Ledger: c.Ledger}
		s, err := b.priceAndSave(ctx, req, a, r, 0)
		if err != nil {
			return domain.Scenario{}, "", err
		}
		if note != "" {
			note += " "
		}
		return s, note + fmt.Sprintf("For the best suggested deal at %s, saved as %s: give %s on %s, get %s × %s a year.",
			a.Name, s.Name(), pctExact(s.Deal.Terms.Discount), s.Deal.Terms.X, num(s.Deal.Terms.Qty), s.Deal.Terms.Y), nil
	}
	return domain.Scenario{}, "", domain.Errorf(domain.ENOTFOUND,
		"I have no trade to suggest at %s to draft talking points for. Price one with `deal %s give <pct>%% on <product> get <qty> <sku>` and draft talking points for that scenario.", a.Name, a.ID)
}

// draft asks the model, if one is configured, and checks its numbers; the template
// answers when there is no model, it fails, runs out of time or quotes a number the
// facts do not hold.
func (b *Bot) draft(ctx context.Context, f TalkFacts) Draft {
	tmpl := TemplateDraft(f)
	if b.Drafter == nil {
		b.observeDraft("template", "ok", Draft{}, 0)
		return tmpl
	}
	timeout := b.DraftTimeout
	if timeout == 0 {
		timeout = DefaultDraftTimeout
	}
	dctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	d, err := b.Drafter.Draft(dctx, f)
	took := time.Since(start)
	if err == nil && len(d.Points) == 0 {
		err = fmt.Errorf("an empty draft")
	}
	if err != nil {
		b.Logger.WarnContext(ctx, "talking points: the model failed; the template answers", "err", err)
		b.observeDraft(d.Drafter, "fallback", d, took)
		tmpl.Note = "The model did not answer in time or usefully, so these come from the template."
		return tmpl
	}
	for _, p := range d.Points {
		if bad := Ungrounded(p, f.Figures); len(bad) > 0 {
			b.Logger.WarnContext(ctx, "talking points: the model quoted numbers that were not computed; the template answers", "numbers", strings.Join(bad, ", "))
			b.observeDraft(d.Drafter, "ungrounded", d, took)
			tmpl.Note = "The model's draft quoted a number Incumbent did not compute, so these come from the template."
			return tmpl
		}
	}
	b.observeDraft(d.Drafter, "ok", d, took)
	return d
}

func (b *Bot) observeDraft(drafter, outcome string, d Draft, took time.Duration) {
	if o, ok := b.Observer.(DraftObserver); ok {
		if drafter == "" {
			drafter = "model"
		}
		o.ObserveDraft(drafter, outcome, d.PromptTokens, d.CompletionTokens, took)
	}
}
