// Package bot is Incumbent's platform-neutral conversation: the command grammar, account
// and territory resolution, access control, and the neutral Reply model with its plain
// text and JSON renderers. Chat adapters parse their platform's requests into a Request,
// call Handle, and render the Reply. It imports domain only.
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/hbollon/go-edlib"

	"github.com/incumbent/incumbent/domain"
)

// Bot answers commands from the Store.
type Bot struct {
	Store  domain.Store
	Gaps   *domain.Gaps     // gap and growth computations over Store
	Grades *domain.Grades   // grades over Store, with the deployment's settings
	Deals  *domain.Deals    // deals, costs per use and suggestions over Store
	Now    func() time.Time // the clock; the as-of date defaults to its day
	Logger *slog.Logger
	Money  Money // the currency replies are written in
	// Objectives stores objectives set from chat; nil when the store cannot.
	Objectives ObjectiveWriter
	// Scenarios keeps deal scenarios; nil when the store cannot (deals are priced, not
	// saved).
	Scenarios ScenarioStore
	// Offers records competitor offers from chat; nil when the store cannot.
	Offers OfferWriter
	// Potentials records potentials set from chat; nil when the store cannot.
	Potentials PotentialWriter
	// Observer records every command answered (adapters/prometheus); nil: none.
	Observer Observer
	// Sessions remember the last account each person asked about, so that `grade`,
	// `gap` or `growth` alone use it; nil: they ask which account.
	Sessions KV
	// Cache keeps the replies of read-only commands, keyed by the command, the as-of
	// date, what the asker may see and the data version; nil: none.
	Cache KV
	// Drafter drafts talking points with a model (adapters/openai); nil: the template.
	Drafter Drafter
	// DraftTimeout bounds the model; 0: DefaultDraftTimeout.
	DraftTimeout time.Duration
	// Router reads plain questions the rules cannot with a model (adapters/openai); nil:
	// those are not understood.
	Router Router
	// RouteTimeout bounds the model router; 0: DefaultRouteTimeout.
	RouteTimeout time.Duration
	// Charter draws the digest's chart (adapters/plot); nil: digests go without it.
	Charter Charter
	// Snapshots keep what each weekly digest said, for the next one's changes and tier
	// movers; nil when the store cannot (every digest is then a first one).
	Snapshots DigestSnapshotStore
	// DigestSettings changes a territory's digest schedule from chat; nil when the store
	// cannot.
	DigestSettings DigestSettingsWriter
	// AlertStore keeps the daily alerts' settings, states and deliveries; nil when the
	// store cannot (`alerts` then says so).
	AlertStore AlertStore
	// AlertMinUncovered is the setting alerts.min_uncovered: an uncovered gap is an
	// alert above it (domain.DefaultAlertMinUncovered unless set).
	AlertMinUncovered float64

	// Opportunities records plans made in chat (`plan`, "Plan it" on a gap); nil when
	// the store cannot. CRM creates them, and potentials set in chat, in the CRM the
	// deployment syncs; nil when it syncs none (plans are then recorded here only).
	Opportunities OpportunityWriter
	CRM           CRMWriter

	// Syncs reads the CRM syncs' state for `sync status`; SyncCRMs are the CRMs this
	// deployment syncs (domain.CRMSalesforce, domain.CRMHubSpot), none when it syncs none.
	Syncs    SyncReader
	SyncCRMs []string

	// MaxConcurrent bounds the commands computed at once; the others wait their turn.
	// 0: 16 × GOMAXPROCS. Computing is CPU- and store-bound, so a burst beyond it only
	// grows memory; waiting keeps a burst's cost to a goroutine each (docs/PERFORMANCE.md,
	// "Load").
	MaxConcurrent int

	names     indexCache
	actors    sync.Map // email → the Actor last resolved, for when the store fails
	slots     chan struct{}
	slotsOnce sync.Once
}

// acquire waits for a turn to compute a command; release gives it back.
func (b *Bot) acquire(ctx context.Context) (release func(), err error) {
	b.slotsOnce.Do(func() {
		n := b.MaxConcurrent
		if n <= 0 {
			n = 16 * runtime.GOMAXPROCS(0)
		}
		b.slots = make(chan struct{}, n)
	})
	select {
	case b.slots <- struct{}{}:
		return func() { <-b.slots }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for a turn to compute: %w", ctx.Err())
	}
}

// Observer records commands: the adapter that asked, the command (its verb, or
// "unknown"), the error code of the reply ("" when it is not an error) and how long it
// took.
type Observer interface {
	ObserveCommand(adapter, command, errCode string, d time.Duration)
}

// ObjectiveWriter stores an objective set from chat (`growth set`, Bot.Objectives); the
// write changes the data version.
type ObjectiveWriter interface {
	SetObjective(ctx context.Context, o domain.Objective) error
}

// New returns a bot over the store with the system clock, the default logger, US dollars
// and the default grade settings. When the store can store objectives, growth set is
// enabled, and potential set when it can store potentials; when it can store gradings,
// territory gradings show who moved tier; when it can store digest snapshots, digests
// say what changed since the last one; when it can change digest settings, `digest
// settings` can.
func New(store domain.Store) *Bot {
	b := &Bot{Store: store, Gaps: &domain.Gaps{Store: store}, Now: time.Now, Logger: slog.Default(),
		Money:  Money{Code: "USD", Symbol: "$"},
		Grades: &domain.Grades{Store: store, Settings: domain.DefaultGradeSettings()}}
	if g, ok := store.(domain.GradingStore); ok {
		b.Grades.Gradings = g
	}
	b.Deals = &domain.Deals{Store: store, Gaps: b.Gaps, Settings: domain.DefaultDealSettings(), Grades: b.Grades}
	if s, ok := store.(ScenarioStore); ok {
		b.Scenarios = s
	}
	if o, ok := store.(OfferWriter); ok {
		b.Offers = o
	}
	if w, ok := store.(ObjectiveWriter); ok {
		b.Objectives = w
	}
	if w, ok := store.(PotentialWriter); ok {
		b.Potentials = w
	}
	if s, ok := store.(DigestSnapshotStore); ok {
		b.Snapshots = s
	}
	if w, ok := store.(DigestSettingsWriter); ok {
		b.DigestSettings = w
	}
	if a, ok := store.(AlertStore); ok {
		b.AlertStore = a
	}
	if r, ok := store.(SyncReader); ok {
		b.Syncs = r
	}
	if w, ok := store.(OpportunityWriter); ok {
		b.Opportunities = w
	}
	b.AlertMinUncovered = domain.DefaultAlertMinUncovered
	return b
}

// Request is one command from one person.
type Request struct {
	Actor Actor
	Text  string    // "gap acme", with or without a leading slash
	AsOf  time.Time // zero: today, by the bot's clock
	// Channel and Thread say where the request was made (a chat channel and thread);
	// scenarios record them. Empty on the command line.
	Channel, Thread string
	// Adapter names where the request came from (web, slack, teams, cli) in metrics and
	// logs.
	Adapter string
}

// CommandName returns the verb of a command text when it is one of the grammar's, else
// "unknown": a bounded label for metrics.
func CommandName(text string) string {
	words := tokenize(strings.TrimPrefix(strings.TrimSpace(text), "/"))
	if len(words) == 0 {
		return "unknown"
	}
	if c, ok := findCommand(strings.ToLower(words[0])); ok {
		return c.name
	}
	return "unknown"
}

// command is one verb of the grammar.
type command struct {
	name    string
	usage   string
	summary string
	run     func(b *Bot, ctx context.Context, req Request, args []string) (Reply, error)
}

// commands lists the grammar in the order help shows it.
func commands() []command {
	return []command{
		{"gap", "gap <account> | gap territory <name> | gap market", "the business we have next to the business still to win, by category", (*Bot).gapCmd},
		{"grade", "grade <account> | grade territory <name>", "the customer value scale: tier, score, true GP and what lifts it a tier", (*Bot).gradeCmd},
		{"deal", "deal <account> give <pct>% on <sku|category> [for <n> months] get <qty> <sku> [once|yearly] [at <price>] | deal suggest <account> | deal show <id> | deal vary <id> <changes> | deal compare <id> <id>…",
			"price a give-X-get-Y trade on the whole account's profit, save it as a scenario, vary and compare it, or let the bot suggest trades", (*Bot).dealCmd},
		{"talk", "talk <scenario-id> | talk <account>", "negotiation talking points for a deal (or the account's best suggested deal), quoting only computed figures", (*Bot).talkCmd},
		{"cpu", "cpu <account> <sku> [vs <competitor>]", "our cost per use against competitors' offers on file", (*Bot).cpuCmd},
		{"offer", "offer <account> <competitor> <sku> <price> [uses <n>] [change <cost>] [weak <text>]", "record a competitor's offer heard in the field", (*Bot).offerCmd},
		{"growth", "growth <account> [<year>] | growth territory <name> [<year>] | growth set <account|territory> <year> <revenue> [gp <gp>]", "pace against the year's objective, or a suggested one", (*Bot).growthCmd},
		{"potential", "potential set <account> <category> <amount> [competitor <name>] [note <text>]", "record what an account spends a year in a category (its potential), with who and when", (*Bot).potentialCmd},
		{"digest", "digest <territory> | digest settings <territory> [day <mon…sun>] [hour <0-23>] [channel <#name|id|none>] [timezone <IANA>]",
			"preview a territory's weekly digest (standing, changes, whitespace, movers, late payers, pace) or set when and where it goes", (*Bot).digestCmd},
		{"brief", "brief <account>", "one account on one phone screen before a call: tier, wallet, risk, money owed, closing, offers, the best trade", (*Bot).briefCmd},
		{"alerts", "alerts | alerts settings [<hour>] | alerts on|off | alerts territory on|off",
			"preview today's alert on your accounts (new risks, late invoices, offers, slipped deals, tier drops, new gaps) or set when it comes", (*Bot).alertsCmd},
		{"help", "help [command]", "what each command does", (*Bot).helpCmd},
		// The lists of issue 42 come after help, so that the ten commands Teams lists
		// stay the same.
		{"top", "top gaps [mine|territory <name>|market] [in <category>]", "the gaps nothing in the pipeline covers, ranked by gross profit weighted by tier", (*Bot).topCmd},
		{"slipping", "slipping [mine|territory <name>]", "accounts at risk or down a tier now that were not 30 days ago", (*Bot).slippingCmd},
		{"late", "late [mine|territory <name>]", "money owed past its due date, by account", (*Bot).lateCmd},
		{"closing", "closing [mine|territory <name>] [in <n> days]", "open opportunities by close date, the next 30 days by default", (*Bot).closingCmd},
		// account and accounts come last: lists capped at ten commands (Teams) drop them
		// first.
		{"account", "account <name>", "who an account is: id, territory, owner, aliases", (*Bot).accountCmd},
		{"accounts", "accounts [territory]", "list the accounts you can see, or one territory's", (*Bot).accountsCmd},
		{"plan", "plan <account> <category> [value <amount>] [close <YYYY-MM-DD>] [stage <stage>] [name <text>]",
			"plan an opportunity for a gap nobody plans for: created in the CRM and counted in the gap at once", (*Bot).planCmd},
		{"sync", "sync status", "the CRM syncs' last runs: when, what they wrote, what failed (admins)", (*Bot).syncCmd},
	}
}

// adminOnly are the commands only admins may use; help shows them to admins only.
var adminOnly = map[string]bool{"sync": true}

func findCommand(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// Handle answers one request. Failures become error replies with the error's code set in
// Reply.Err and a message saying what was wrong; internal errors are logged, not shown.
func (b *Bot) Handle(ctx context.Context, req Request) (reply Reply) {
	start := time.Now()
	name := CommandName(req.Text) // a question's: the command it is read as
	defer func() {
		d := time.Since(start)
		code := ""
		if reply.Err != nil {
			code = domain.ErrorCode(reply.Err)
		}
		if _, ok := findCommand(name); !ok {
			name = "unknown"
		}
		if b.Observer != nil {
			b.Observer.ObserveCommand(req.Adapter, name, code, d)
		}
		b.Logger.DebugContext(ctx, "command", "adapter", req.Adapter, "command", name, "actor", req.Actor.who(),
			"error_code", code, "duration_ms", float64(d.Microseconds())/1000)
	}()
	if req.AsOf.IsZero() {
		req.AsOf = domain.Day(b.Now())
	}
	if n := utf8.RuneCountInString(req.Text); n > MaxCommandLength {
		return b.errorReply(ctx, req, domain.Errorf(domain.EINVALID,
			"That command is %s characters long; the limit is %s. Say it in fewer words.", num(float64(n)), num(MaxCommandLength)))
	}
	words := tokenize(strings.TrimPrefix(strings.TrimSpace(req.Text), "/"))
	if len(words) == 0 {
		return b.errorReply(ctx, req, domain.Errorf(domain.EINVALID, "Say what you need: try `help`."))
	}
	verb := strings.ToLower(words[0])
	cmd, ok := findCommand(verb)
	if !ok {
		// A plain question (issue 42): run the command it is read as, and say so.
		text, _, r := b.question(ctx, req, verb)
		if r != nil {
			return *r
		}
		// From here on the request is the command (choices' buttons, logs).
		req.Text, words = text, tokenize(text)
		verb = strings.ToLower(words[0])
		name = verb
		defer func() { reply = readAs(reply, text) }()
		if cmd, ok = findCommand(verb); !ok {
			return b.errorReply(ctx, req, unknownCommand(verb))
		}
	}
	release, err := b.acquire(ctx)
	if err != nil {
		return b.errorReply(ctx, req, err)
	}
	defer release()
	var key string
	if b.Cache != nil && cacheable(verb, words[1:]) {
		if k, err := b.cacheKey(ctx, req, words); err == nil {
			key = k
			if r, ok := b.fromCache(ctx, req, key); ok {
				return r
			}
		}
	}
	res := &resolved{deferred: key != "" && b.batch() != nil}
	ctx = context.WithValue(ctx, resolvedKey{}, res)
	reply, err = cmd.run(b, ctx, req, words[1:])
	if err != nil {
		reply = b.errorReply(ctx, req, err)
	}
	b.keep(ctx, req, key, reply, res)
	return reply
}

func unknownCommand(verb string) error {
	best, bestD := "", 3
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
		if d := edlib.OSADamerauLevenshteinDistance(verb, c.name); d < bestD {
			best, bestD = c.name, d
		}
	}
	msg := fmt.Sprintf("I don't know the command %q.", verb)
	if best != "" {
		msg += fmt.Sprintf(" Did you mean `%s`?", best)
	}
	return domain.Errorf(domain.EINVALID, "%s Commands: %s. Type `help` for more.", msg, strings.Join(names, ", "))
}

// errorReply is the reply for a command that failed: ErrorText's words, a refusal
// said as one, an ambiguous name with a button for each choice; internal errors logged.
func (b *Bot) errorReply(ctx context.Context, req Request, err error) Reply {
	r := Reply{Err: err}
	var amb *AmbiguousError
	switch code := domain.ErrorCode(err); {
	case errors.As(err, &amb):
		r.Blocks = append(r.Blocks, &Text{Text: ErrorText(err)})
		var bs []Button
		text := strings.Join(strings.Fields(req.Text), " ")
		for _, c := range amb.Choices {
			bs = append(bs, Button{Label: c.Label, Command: strings.Replace(text, amb.Query, c.Value, 1)})
		}
		r.Blocks = append(r.Blocks, &Buttons{Buttons: bs})
	case code == domain.EINTERNAL:
		b.Logger.ErrorContext(ctx, "command failed", "text", req.Text, "actor", req.Actor.Person.Email, "err", err)
		r.Blocks = append(r.Blocks, &Text{Text: ErrorText(err)})
	case code == domain.EFORBIDDEN:
		r.Blocks = append(r.Blocks, &Text{Text: "Not yours to see: " + ErrorText(err)})
	default:
		r.Blocks = append(r.Blocks, &Text{Text: ErrorText(err)})
	}
	return r
}

// tokenize splits a command into words; double quotes (straight or curly) group words.
func tokenize(s string) []string {
	var out []string
	var cur strings.Builder
	inQuote, has := false, false
	for _, r := range s {
		switch {
		case r == '"' || r == '“' || r == '”':
			inQuote = !inQuote
			has = true
		case !inQuote && (r == ' ' || r == '\t' || r == '\n' || r == '\r'):
			if has {
				out = append(out, cur.String())
				cur.Reset()
				has = false
			}
		default:
			cur.WriteRune(r)
			has = true
		}
	}
	if has {
		out = append(out, cur.String())
	}
	return out
}

func (b *Bot) helpCmd(ctx context.Context, req Request, args []string) (Reply, error) {
	// Examples name real things of the loaded data, the asker may see; when the store
	// cannot say, help goes out without them.
	ex, err := b.examples(ctx, req.Actor, req.AsOf)
	if err != nil {
		b.Logger.WarnContext(ctx, "help: examples left out", "err", err)
	}
	if len(args) > 0 {
		c, ok := findCommand(strings.ToLower(args[0]))
		if !ok {
			return Reply{}, unknownCommand(strings.ToLower(args[0]))
		}
		if adminOnly[c.name] && !req.Actor.All() {
			return Reply{Blocks: []Block{&Header{Text: c.name}, &Text{Text: fmt.Sprintf("%s is for admins: it shows %s.", c.name, strings.TrimSuffix(c.summary, " (admins)"))}}}, nil
		}
		blocks := []Block{&Header{Text: c.name}, &Text{Text: fmt.Sprintf("`%s` — %s", c.usage, c.summary)}}
		if es := ex.of(c.name); len(es) > 0 {
			lines := make([]string, len(es))
			for i, e := range es {
				lines[i] = "• `" + e.text + "`"
				if e.writes {
					lines[i] += " (changes data)"
				}
			}
			blocks = append(blocks, &Text{Text: "*For example*\n" + strings.Join(lines, "\n")})
		}
		return Reply{Blocks: blocks}, nil
	}
	t := &Table{Columns: []Column{{Title: "Command"}, {Title: "What it does"}, {Title: "For example"}}}
	for _, c := range commands() {
		if adminOnly[c.name] && !req.Actor.All() {
			continue
		}
		e := ""
		if es := ex.of(c.name); len(es) > 0 {
			e = es[0].text // plain: tables render as preformatted text on Slack
		}
		t.Rows = append(t.Rows, []string{c.usage, c.summary, e})
	}
	return Reply{Blocks: []Block{
		&Header{Text: "Incumbent"},
		&Text{Text: "Defend the business we have, find what is left to win, and trade concessions for new business."},
		t,
		&Context{Text: "Accounts can be named by id, name, alias or a close spelling. The examples use your own data; `help <command>` shows more."},
	}}, nil
}

// AccountRow is one account in the `accounts` listing's JSON.
type AccountRow struct {
	ID        string   `json:"account_id"`
	Name      string   `json:"name"`
	Territory string   `json:"territory"`
	Owner     string   `json:"owner,omitempty"`
	Industry  string   `json:"industry,omitempty"`
	Aliases   []string `json:"aliases,omitempty"`
	// Yours is set on a rep's own accounts (those they own) in their listing.
	Yours bool `json:"yours,omitempty"`
}

func accountRow(a domain.Account) AccountRow {
	return AccountRow{a.ID, a.Name, a.Territory, a.Owner, a.Industry, a.Aliases, false}
}

// AccountList is the `accounts` command's result.
type AccountList struct {
	Territory string       `json:"territory,omitempty"`
	Count     int          `json:"count"`
	Accounts  []AccountRow `json:"accounts"`
}

// maxRows is how many rows a table shows in chat before "and N more".
const maxRows = 25

// accountsCmd lists accounts: a territory's when one is named; otherwise what the asker
// sees, a rep's own accounts first ("Your accounts") and the rest of their territory
// under its own heading.
func (b *Bot) accountsCmd(ctx context.Context, req Request, args []string) (Reply, error) {
	var accs []domain.Account
	var title, note string
	list := AccountList{}
	switch {
	case len(args) > 0:
		t, n, err := b.resolveTerritory(ctx, req.Actor, strings.Join(args, " "))
		if err != nil {
			return Reply{}, err
		}
		note = n
		if accs, err = b.Store.FindAccounts(ctx, domain.ForTerritory(t.Name)); err != nil {
			return Reply{}, fmt.Errorf("find accounts: %w", err)
		}
		title, list.Territory = "Accounts in "+t.Name, t.Name
	case req.Actor.All():
		var err error
		if accs, err = b.Store.FindAccounts(ctx, domain.AllAccounts); err != nil {
			return Reply{}, fmt.Errorf("find accounts: %w", err)
		}
		title = "All accounts"
	default:
		for _, t := range req.Actor.Territories() {
			part, err := b.Store.FindAccounts(ctx, domain.ForTerritory(t))
			if err != nil {
				return Reply{}, fmt.Errorf("find accounts: %w", err)
			}
			accs = append(accs, part...)
		}
		title = "Accounts in " + strings.Join(req.Actor.Territories(), ", ")
	}
	sort.Slice(accs, func(i, j int) bool { return accs[i].Name < accs[j].Name })
	// A rep's own accounts come first, under their own heading.
	var yours, rest []domain.Account
	for _, a := range accs {
		if len(args) == 0 && req.Actor.Person.Role == domain.RoleRep && strings.EqualFold(a.Owner, req.Actor.Person.Email) {
			yours = append(yours, a)
		} else {
			rest = append(rest, a)
		}
	}
	list.Count = len(accs)
	list.Accounts = make([]AccountRow, 0, len(accs))
	for _, a := range yours {
		r := accountRow(a)
		r.Yours = true
		list.Accounts = append(list.Accounts, r)
	}
	for _, a := range rest {
		list.Accounts = append(list.Accounts, accountRow(a))
	}
	if len(accs) == 0 {
		blocks := []Block{&Header{Text: title + " (0)"},
			&Text{Text: "No accounts here yet. Sales ops can load them with `incumbent import DIR`."}}
		return withNote(Reply{Blocks: blocks, Data: list}, note), nil
	}
	var blocks []Block
	if req.Actor.Person.Role == domain.RoleRep && len(args) == 0 {
		blocks = append(blocks, &Header{Text: fmt.Sprintf("Your accounts (%d)", len(yours))})
		if len(yours) > 0 {
			blocks = append(blocks, accountTable(yours))
		} else {
			blocks = append(blocks, &Text{Text: "None of the accounts is yours as owner in accounts.csv."})
		}
		if len(rest) > 0 {
			blocks = append(blocks, &Text{Text: fmt.Sprintf("*Rest of %s (%d)*", strings.Join(req.Actor.Territories(), ", "), len(rest))}, accountTable(rest))
		}
	} else {
		blocks = append(blocks, &Header{Text: fmt.Sprintf("%s (%d)", title, len(accs))}, accountTable(accs))
	}
	return withNote(Reply{Blocks: blocks, Data: list}, note), nil
}

// accountTable lists accounts, at most maxRows of them.
func accountTable(accs []domain.Account) *Table {
	tbl := &Table{Columns: []Column{{Title: "Id"}, {Title: "Name"}, {Title: "Territory"}, {Title: "Owner"}, {Title: "Industry"}}}
	for i, a := range accs {
		if i == maxRows {
			break
		}
		tbl.Rows = append(tbl.Rows, []string{a.ID, a.Name, a.Territory, a.Owner, a.Industry})
	}
	tbl.More = max(0, len(accs)-maxRows)
	return tbl
}

func (b *Bot) accountCmd(ctx context.Context, req Request, args []string) (Reply, error) {
	if len(args) == 0 {
		return Reply{}, domain.Errorf(domain.EINVALID, "Which account? Usage: `account <name>`.")
	}
	a, note, err := b.resolveAccount(ctx, req.Actor, strings.Join(args, " "))
	if err != nil {
		return Reply{}, err
	}
	blocks := []Block{&Header{Text: fmt.Sprintf("%s (%s)", a.Name, a.ID)}}
	if note != "" {
		blocks = append(blocks, &Context{Text: note})
	}
	fields := []Field{{"Territory", a.Territory}, {"Owner", orDash(a.Owner)}, {"Industry", orDash(a.Industry)},
		{"Payment terms", fmt.Sprintf("%d %s", a.PaymentTermsDays, plural(a.PaymentTermsDays, "day", "days"))}}
	if len(a.Aliases) > 0 {
		fields = append(fields, Field{"Also known as", strings.Join(a.Aliases, ", ")})
	}
	blocks = append(blocks, &Fields{Fields: fields})
	return Reply{Blocks: blocks, Data: accountRow(a)}, nil
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
