package bot

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// examples are names from the loaded data that help, usage and error texts quote, so
// that an example pasted back works: an account the asker may see, a SKU it bought, a
// category it buys, a competitor with an offer on file for that SKU, a territory the
// asker may see. A field is empty when the data has none; the examples that need it are
// then left out.
type examples struct {
	Account   string // the account as typed in a command: its name, or its id when the name would not parse
	Territory string
	SKU       string // a SKU the account bought over the last 12 months
	Category  string // the category it bought most of over the last 12 months
	// CategorySpend is what it bought of Category over the last 12 months.
	CategorySpend float64
	OtherSKU      string  // the best seller of another category: what a deal gets
	Competitor    string  // a competitor with an offer on file on SKU for the account
	Price         float64 // that offer's price and uses per unit
	Uses          float64
	Year          int  // the year an objective example sets: the one after the as-of date's
	Market        bool // the asker may see the market
	Manager       bool // the asker may set objectives and digest settings
	Person        bool // the asker is a person of people.csv: they have alerts
}

// exampleAccounts is how many accounts of the territory are tried for one that bought a
// SKU with a competitor offer on file.
const exampleAccounts = 10

// reservedWords are words that, inside an account's name, would change how a command
// reads: such an account is named by its id in examples.
var reservedWords = map[string]bool{"territory": true, "market": true, "set": true, "suggest": true, "show": true,
	"vary": true, "compare": true, "settings": true, "give": true, "get": true, "vs": true, "versus": true,
	"against": true, "on": true, "off": true, "for": true, "at": true, "also": true}

// examples finds the names of examples for the asker, as of asOf. It fails only when the
// store does.
func (b *Bot) examples(ctx context.Context, actor Actor, asOf time.Time) (examples, error) {
	if asOf.IsZero() {
		asOf = domain.Day(b.Now())
	}
	ex := examples{Year: asOf.Year() + 1, Market: actor.All(), Manager: actor.All() || actor.Person.Role == domain.RoleManager,
		Person: actor.Person.Email != ""}
	var accs []domain.Account
	var err error
	if ex.Territory, accs, err = b.exampleTerritory(ctx, actor); err != nil || len(accs) == 0 {
		return ex, err
	}
	chosen, bought, products, err := b.exampleAccount(ctx, &ex, accs, asOf)
	if err != nil {
		return ex, err
	}
	ex.Account = b.exampleName(ctx, actor, chosen)
	if len(bought) == 0 {
		return ex, nil
	}
	if ex.SKU == "" {
		ex.SKU = bought[0].Key
	}
	return ex, b.exampleCategories(ctx, &ex, bought, products, asOf)
}

// exampleTerritory is the asker's first territory (by name) that has accounts, with its
// accounts by id; the first territory and no accounts when none has any.
func (b *Bot) exampleTerritory(ctx context.Context, actor Actor) (string, []domain.Account, error) {
	var territories []string
	if actor.All() {
		ts, err := b.Store.FindTerritories(ctx)
		if err != nil {
			return "", nil, fmt.Errorf("find territories: %w", err)
		}
		for _, t := range ts {
			territories = append(territories, t.Name)
		}
		slices.Sort(territories)
	} else {
		territories = actor.Territories()
	}
	for _, t := range territories {
		accs, err := b.Store.FindAccounts(ctx, domain.ForTerritory(t))
		if err != nil {
			return "", nil, fmt.Errorf("find accounts: %w", err)
		}
		if len(accs) > 0 {
			slices.SortFunc(accs, func(x, y domain.Account) int { return cmp.Compare(x.ID, y.ID) })
			return t, accs, nil
		}
	}
	if len(territories) > 0 {
		return territories[0], nil, nil
	}
	return "", nil, nil
}

// exampleAccount picks, of the territory's first accounts, the first that bought a SKU
// with a competitor offer on file (setting ex's SKU and offer), else the first that bought
// anything, else the first; with what it bought over W, biggest first.
func (b *Bot) exampleAccount(ctx context.Context, ex *examples, accs []domain.Account, asOf time.Time) (domain.Account, []domain.SalesTotal, map[string]domain.Product, error) {
	offers, err := b.Store.FindCompetitorOffers(ctx, domain.ForTerritory(ex.Territory))
	if err != nil {
		return domain.Account{}, nil, nil, fmt.Errorf("find competitor offers: %w", err)
	}
	var (
		chosen   domain.Account
		bought   []domain.SalesTotal
		products map[string]domain.Product
	)
	for _, a := range accs[:min(len(accs), exampleAccounts)] {
		sales, err := b.Store.SalesBySKU(ctx, domain.ForAccount(a.ID), []domain.Period{domain.Window(asOf)})
		if err != nil {
			return chosen, nil, nil, fmt.Errorf("sales by sku: %w", err)
		}
		sales = slices.DeleteFunc(sales, func(s domain.SalesTotal) bool { return s.Revenue <= 0 })
		if len(sales) > 0 && products == nil {
			if products, err = b.Gaps.Products(ctx, asOf); err != nil {
				return chosen, nil, nil, err
			}
		}
		sales = slices.DeleteFunc(sales, func(s domain.SalesTotal) bool { return products[s.Key].SKU == "" })
		if len(sales) == 0 {
			continue
		}
		slices.SortStableFunc(sales, func(x, y domain.SalesTotal) int {
			return cmp.Or(cmp.Compare(y.Revenue, x.Revenue), cmp.Compare(x.Key, y.Key))
		})
		if chosen.ID == "" {
			chosen, bought = a, sales
		}
		if o, ok := offerOn(offers, a.ID, sales); ok {
			chosen, bought = a, sales
			ex.SKU, ex.Competitor, ex.Price, ex.Uses = o.SKU, o.Competitor, o.Price, o.UsesPerUnit
			break
		}
	}
	if chosen.ID == "" {
		chosen = accs[0]
	}
	return chosen, bought, products, nil
}

// exampleCategories sets ex's category (what the account bought most) and another
// category's best seller, one the account does not buy yet first: what a trade is for.
func (b *Bot) exampleCategories(ctx context.Context, ex *examples, bought []domain.SalesTotal, products map[string]domain.Product, asOf time.Time) error {
	byCategory := map[string]float64{}
	for _, s := range bought {
		byCategory[products[s.Key].Category] += s.Revenue
	}
	cats := make([]string, 0, len(byCategory))
	for c := range byCategory {
		cats = append(cats, c)
	}
	slices.SortFunc(cats, func(x, y string) int { return cmp.Or(cmp.Compare(byCategory[y], byCategory[x]), cmp.Compare(x, y)) })
	ex.Category, ex.CategorySpend = cats[0], byCategory[cats[0]]
	best, err := b.Gaps.BestSellers(ctx, asOf)
	if err != nil {
		return err
	}
	others := make([]string, 0, len(best))
	for c := range best {
		if c != ex.Category {
			others = append(others, c)
		}
	}
	slices.SortFunc(others, func(x, y string) int {
		_, bx := byCategory[x]
		_, by := byCategory[y]
		if bx != by {
			if bx {
				return 1
			}
			return -1
		}
		return cmp.Compare(x, y)
	})
	if len(others) > 0 {
		ex.OtherSKU = best[others[0]]
	}
	return nil
}

// offerOn returns the competitor offer, to the account or market-wide, on the SKU the
// account bought most of (sales by revenue, descending) that has one.
func offerOn(offers []domain.CompetitorOffer, accountID string, sales []domain.SalesTotal) (domain.CompetitorOffer, bool) {
	for _, s := range sales {
		for _, o := range offers {
			if o.SKU == s.Key && (o.AccountID == "" || o.AccountID == accountID) && o.Price > 0 {
				return o, true
			}
		}
	}
	return domain.CompetitorOffer{}, false
}

// exampleName is how an example names an account: by its name when the name reads as
// one account in every command, else by its id.
func (b *Bot) exampleName(ctx context.Context, actor Actor, a domain.Account) string {
	words := tokenize(a.Name)
	if len(words) == 0 || strings.ContainsAny(a.Name, "\"“”`") {
		return a.ID
	}
	for _, w := range words {
		if reservedWords[strings.ToLower(w)] {
			return a.ID
		}
	}
	if _, err := domain.ParseScenarioID(words[0]); err == nil {
		return a.ID
	}
	// The name must resolve to this account and no other, with no note: a fresh
	// resolution, kept out of the asker's session.
	rctx := context.WithValue(ctx, resolvedKey{}, &resolved{deferred: true})
	got, note, err := b.resolveAccount(rctx, actor, a.Name)
	if err != nil || got.ID != a.ID || note != "" {
		return a.ID
	}
	return a.Name
}

// roundAmount writes an amount as an example types it: to two significant digits, in
// thousands or millions ("86k", "1.2m"); 10k when there is none.
func roundAmount(v float64) string {
	if !(v >= 1) {
		return "10k"
	}
	p := math.Pow(10, math.Floor(math.Log10(v))-1)
	v = math.Round(v/p) * p
	switch {
	case v >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', -1, 64) + "m"
	case v >= 1e3:
		return strconv.FormatFloat(v/1e3, 'f', -1, 64) + "k"
	}
	return strconv.FormatFloat(math.Round(v), 'f', -1, 64)
}

// quoted writes a name as a command word: in double quotes when it has more than one
// word.
func quoted(s string) string {
	if strings.ContainsAny(s, " \t") {
		return `"` + s + `"`
	}
	return s
}

// example is one example command; writes says it changes data when pasted.
type example struct {
	text   string
	writes bool
}

// of returns the examples of a command, the read-only ones first.
func (ex examples) of(verb string) []example {
	var out []example
	add := func(writes bool, format string, args ...any) {
		out = append(out, example{fmt.Sprintf(format, args...), writes})
	}
	a, t := ex.Account, ex.Territory
	switch verb {
	case "gap":
		if a != "" {
			add(false, "gap %s", a)
		}
		if t != "" {
			add(false, "gap territory %s", t)
		}
		if ex.Market {
			add(false, "gap market")
		}
	case "grade":
		if a != "" {
			add(false, "grade %s", a)
		}
		if t != "" {
			add(false, "grade territory %s", t)
		}
	case "deal":
		if a != "" {
			add(false, "deal suggest %s", a)
		}
		if a != "" && ex.Category != "" && ex.OtherSKU != "" {
			add(true, "deal %s give 3%% on %s for 12 months get 100 %s yearly", a, quoted(ex.Category), ex.OtherSKU)
		}
	case "talk":
		if a != "" {
			add(true, "talk %s", a)
		}
	case "cpu":
		switch {
		case a != "" && ex.Competitor != "":
			add(false, "cpu %s %s vs %s", a, ex.SKU, quoted(ex.Competitor))
		case a != "" && ex.SKU != "":
			add(false, "cpu %s %s", a, ex.SKU)
		}
	case "offer":
		if a != "" && ex.Competitor != "" {
			s := fmt.Sprintf("offer %s %s %s %s", a, quoted(ex.Competitor), ex.SKU, strconv.FormatFloat(ex.Price, 'f', 2, 64))
			if ex.Uses > 0 {
				s += " uses " + num(ex.Uses)
			}
			add(true, "%s", s)
		}
	case "growth":
		if a != "" {
			add(false, "growth %s", a)
		}
		if t != "" {
			add(false, "growth territory %s", t)
			if ex.Manager {
				add(true, "growth set %s %d 1.2m gp 300k", t, ex.Year)
			}
		}
	case "potential":
		if a != "" && ex.Category != "" {
			s := fmt.Sprintf("potential set %s %s %s", a, quoted(ex.Category), roundAmount(2*ex.CategorySpend))
			if ex.Competitor != "" {
				s += " competitor " + quoted(ex.Competitor)
			}
			add(true, "%s", s)
		}
	case "plan":
		if a != "" && ex.Category != "" {
			add(true, "plan %s %s value %s", a, quoted(ex.Category), roundAmount(ex.CategorySpend))
		}
	case "digest":
		if t != "" {
			add(false, "digest %s", t)
			if ex.Manager {
				add(false, "digest settings %s", t)
			}
		}
	case "brief":
		if a != "" {
			add(false, "brief %s", a)
		}
	case "top":
		add(false, "top gaps")
		if t != "" {
			add(false, "top gaps territory %s", t)
		}
		if ex.Category != "" {
			add(false, "top gaps mine in %s", quoted(ex.Category))
		}
		if ex.Market {
			add(false, "top gaps market")
		}
	case "slipping", "late":
		add(false, "%s", verb)
		if t != "" {
			add(false, "%s territory %s", verb, t)
		}
	case "closing":
		add(false, "closing")
		add(false, "closing mine in 60 days")
		if t != "" {
			add(false, "closing territory %s", t)
		}
	case "alerts":
		if ex.Person {
			add(false, "alerts")
			add(true, "alerts settings 8")
		}
	case "help":
		add(false, "help cpu")
	case "account":
		if a != "" {
			add(false, "account %s", a)
		}
	case "accounts":
		if t != "" {
			add(false, "accounts %s", t)
		}
	}
	return out
}

// forExample is " For example: `…`." with the first example of the verb that pick
// accepts (any, for a nil pick), or "" when there is none or the store cannot say.
func (b *Bot) forExample(ctx context.Context, req Request, verb string, pick func(e example) bool) string {
	ex, err := b.examples(ctx, req.Actor, req.AsOf)
	if err != nil {
		b.Logger.WarnContext(ctx, "examples left out", "err", err)
		return ""
	}
	for _, e := range ex.of(verb) {
		if pick == nil || pick(e) {
			return fmt.Sprintf(" For example: `%s`.", e.text)
		}
	}
	return ""
}

// startsWith picks the examples that start with prefix.
func startsWith(prefix string) func(e example) bool {
	return func(e example) bool { return strings.HasPrefix(e.text, prefix) }
}

// withExample adds an example of the verb to an EINVALID error's message (a command
// that could not be parsed); other errors pass unchanged.
func (b *Bot) withExample(ctx context.Context, req Request, err error, verb string, pick func(e example) bool) error {
	if err == nil || domain.ErrorCode(err) != domain.EINVALID {
		return err
	}
	ex := b.forExample(ctx, req, verb, pick)
	if ex == "" {
		return err
	}
	return domain.Errorf(domain.EINVALID, "%s%s", domain.ErrorMessage(err), ex)
}
