package bot

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hbollon/go-edlib"

	"github.com/incumbent/incumbent/domain"
)

// Plain questions (issue 42). A text whose first word is not a command is a question:
// the rules router reads the common phrasings as a command; a text it cannot read whose
// first word is a near-miss of a command's name is a typo ("Did you mean"); anything
// else goes to the model router when one is configured, else (or when the model fails)
// the answer is "I didn't understand" with the commands whose help is closest as
// buttons. A routed question is answered by its command, run as the asker, and the
// reply says how it was read.

// Router reads a question as one of tools with a model (adapters/openai). It returns the
// tool the model called; an error when the model fails, refuses or calls none. The bot
// validates the call: the model's answer is never trusted.
type Router interface {
	Route(ctx context.Context, question string, tools []Tool) (ToolCall, error)
}

// Tool is a read-only command offered to the model router.
type Tool struct {
	Name        string
	Description string
	Params      []ToolParam
}

// ToolParam is one argument of a tool; all are strings.
type ToolParam struct {
	Name        string
	Description string
	Enum        []string // the values allowed; empty: any text
	Required    bool
}

// ToolCall is the tool a model chose, with its arguments.
type ToolCall struct {
	Name string
	Args map[string]string
}

// QuestionObserver records plain questions: the router that read it (rules, model or
// none) and the outcome (routed; refused: the model's call did not validate; error or
// timeout: the model failed; not_understood: no router read it).
type QuestionObserver interface {
	ObserveQuestion(router, outcome string)
}

// DefaultRouteTimeout bounds the model router; past it the question is not understood.
const DefaultRouteTimeout = 3 * time.Second

// Routers and outcomes of QuestionObserver.
const (
	RouterRules = "rules"
	RouterModel = "model"
	RouterNone  = "none"

	OutcomeRouted        = "routed"
	OutcomeRefused       = "refused"
	OutcomeError         = "error"
	OutcomeTimeout       = "timeout"
	OutcomeNotUnderstood = "not_understood"
)

// nearMiss reports whether a first word that is not a command is a typo of one: within
// one edit of a command's name (OSA Damerau–Levenshtein), or two when the word is longer
// than five letters, as names are spelled (DESIGN, "Names").
func nearMiss(verb string) bool {
	for _, c := range commands() {
		if edlib.OSADamerauLevenshteinDistance(verb, c.name) <= spellingLimit(verb) {
			return true
		}
	}
	return false
}

// question reads a text whose first word is not a command. It returns the command text
// to run and the router that read it, or the reply to give instead (a typo's "Did you
// mean", or "I didn't understand").
func (b *Bot) question(ctx context.Context, req Request, verb string) (text, router string, reply *Reply) {
	q := strings.TrimPrefix(strings.TrimSpace(req.Text), "/")
	if cmd, ok := b.routeRules(ctx, req.Actor, q); ok {
		b.observeQuestion(RouterRules, OutcomeRouted)
		return cmd, RouterRules, nil
	}
	if nearMiss(verb) {
		r := b.errorReply(ctx, req, unknownCommand(verb))
		return "", "", &r
	}
	if b.Router == nil {
		b.observeQuestion(RouterNone, OutcomeNotUnderstood)
		r := notUnderstood(q)
		return "", "", &r
	}
	cmd, outcome, err := b.routeModel(ctx, q)
	b.observeQuestion(RouterModel, outcome)
	if err != nil {
		b.Logger.InfoContext(ctx, "question not routed", "outcome", outcome, "err", err)
		r := notUnderstood(q)
		return "", "", &r
	}
	return cmd, RouterModel, nil
}

func (b *Bot) observeQuestion(router, outcome string) {
	if o, ok := b.Observer.(QuestionObserver); ok {
		o.ObserveQuestion(router, outcome)
	}
}

// readAs adds how a question was read to the top of its reply.
func readAs(r Reply, cmd string) Reply {
	r.Blocks = append([]Block{&Context{Text: "I read this as `" + cmd + "`."}}, r.Blocks...)
	return r
}

// notUnderstood is the reply to a question no router could read: the three commands
// whose help shares the most words with it, as buttons that open their help.
func notUnderstood(question string) Reply {
	var bs []Button
	for _, c := range closestCommands(question, 3) {
		bs = append(bs, Button{Label: "help " + c, Command: "help " + c})
	}
	msg := "I didn't understand that. Ask it another way, or start from one of these commands."
	return Reply{Err: domain.Errorf(domain.EINVALID, "%s", msg),
		Blocks: []Block{&Text{Text: msg}, &Buttons{Buttons: bs}}}
}

// helpStopWords are left out when help and a question are compared.
var helpStopWords = map[string]bool{"the": true, "a": true, "an": true, "and": true, "or": true, "of": true,
	"to": true, "in": true, "on": true, "for": true, "is": true, "it": true, "by": true, "what": true, "who": true,
	"how": true, "me": true, "my": true, "we": true, "i": true, "you": true, "its": true, "at": true, "do": true,
	"are": true, "with": true, "name": true, "s": true}

// helpWords are the distinct words of a text, lower case, a final "s" dropped.
func helpWords(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range nameWords(s) {
		if len(w) > 3 {
			w = strings.TrimSuffix(w, "s")
		}
		if !helpStopWords[w] {
			out[w] = true
		}
	}
	return out
}

// closestCommands returns the n commands whose usage and summary share the most words
// with the question, in help's order among equals (help itself last).
func closestCommands(question string, n int) []string {
	q := helpWords(question)
	type scored struct {
		name  string
		score int
		i     int
	}
	var all []scored
	for i, c := range commands() {
		s := 0
		for w := range helpWords(c.usage + " " + c.summary) {
			if q[w] {
				s++
			}
		}
		if c.name == "help" {
			i = len(commands())
		}
		all = append(all, scored{c.name, s, i})
	}
	slices.SortStableFunc(all, func(a, b scored) int {
		if a.score != b.score {
			return b.score - a.score
		}
		return a.i - b.i
	})
	out := make([]string, 0, n)
	for _, s := range all[:n] {
		out = append(out, s.name)
	}
	return out
}

// The rules router.

// normQuestion is a question as the rules read it: lower case, apostrophes dropped
// ("what's" is whats), other punctuation but hyphens read as spaces, spacing collapsed,
// and the polite words around it dropped.
func normQuestion(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch r {
		case '\'', '’', '‘', '"', '“', '”':
		case '?', '!', ',', ';', ':', '(', ')':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	words := strings.Fields(b.String())
	for len(words) > 0 {
		last := strings.TrimRight(words[len(words)-1], ".")
		if last == "" || politeEnds[last] {
			words = words[:len(words)-1]
			continue
		}
		words[len(words)-1] = last
		break
	}
	for len(words) > 0 && politeWords[words[0]] {
		words = words[1:]
	}
	return strings.Join(words, " ")
}

// politeEnds close a question without changing it.
var politeEnds = map[string]bool{"please": true, "thanks": true, "thx": true}

// politeWords open a question without changing it.
var politeWords = map[string]bool{"hey": true, "hi": true, "hello": true, "ok": true, "okay": true, "so": true,
	"please": true, "incumbent": true, "quick": true, "question": true}

// rule reads one phrasing: re over the normalised question, build the command from its
// submatches ("" when the phrasing does not fit after all).
type rule struct {
	re    *regexp.Regexp
	build func(r *ruleRun, m []string) string
}

// ruleRun is one question being read: it names territories for the rules.
type ruleRun struct {
	ctx      context.Context
	b        *Bot
	actor    Actor
	question string // as typed
	idx      *nameIndex
}

// asTyped is the question as typed from its first word equal to verb on: quotes,
// case and punctuation inside kept, punctuation at the end dropped.
func (r *ruleRun) asTyped(verb string) string {
	words := tokenize(r.question)
	for len(words) > 0 && politeEnds[strings.ToLower(strings.TrimRight(words[len(words)-1], "?!."))] {
		words = words[:len(words)-1]
	}
	for i, w := range words {
		if strings.EqualFold(w, verb) {
			out := make([]string, 0, len(words)-i)
			for j, w := range words[i:] {
				if j == len(words)-i-1 {
					w = strings.TrimRight(w, "?!.,;:")
				}
				out = append(out, quoted(w))
			}
			return strings.Join(out, " ")
		}
	}
	return ""
}

// readOnly reports whether a command (its words, lower case) only reads: the rules
// route questions to commands that read; a command that writes is typed as one.
func readOnly(words []string) bool {
	second := ""
	if len(words) > 1 {
		second = words[1]
	}
	switch words[0] {
	case "offer", "potential", "talk":
		return false
	case "growth", "digest":
		return second != "set" && second != "settings"
	case "deal":
		return second == "suggest" || second == "show" || second == "compare"
	}
	return true
}

// territory returns the stored name of the territory s names exactly (by name,
// normalised name or initials) and the asker may see; "" otherwise.
func (r *ruleRun) territory(s string) string {
	if r.idx == nil {
		idx, err := r.b.nameIndex(r.ctx)
		if err != nil {
			return ""
		}
		r.idx = idx
	}
	_, hits, step := r.idx.find(s, lookTerritory)
	if step != stepName || len(hits) != 1 || !r.idx.visible(r.actor, hits[0]) {
		return ""
	}
	return r.idx.territories[r.idx.cands[hits[0]].terr].Name
}

// notNames are words a phrasing's name slot catches that name nothing.
var notNames = map[string]bool{"it": true, "this": true, "that": true, "things": true, "everything": true,
	"we": true, "i": true, "you": true, "us": true, "me": true, "they": true, "he": true, "she": true,
	"everyone": true, "business": true, "the business": true, "sales": true, "my book": true, "my territory": true,
	"our territory": true, "the team": true, "my team": true, "our team": true}

// nameSlot is what a phrasing's name slot caught, or "" when it names nothing.
func nameSlot(s string) string {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "the "))
	if s == "" || notNames[s] || len(s) > 80 {
		return ""
	}
	return s
}

// target is `<verb> territory <name>` for a territory, `<verb> <name>` otherwise.
func (r *ruleRun) target(verb, s string) string {
	n := nameSlot(s)
	if n == "" {
		return ""
	}
	if t := r.territory(n); t != "" {
		return verb + " territory " + t
	}
	return verb + " " + n
}

// account is `<verb> <name>` for an account name (a territory there goes to territory,
// where given).
func (r *ruleRun) account(verb, territoryVerb, s string) string {
	n := nameSlot(s)
	if n == "" {
		return ""
	}
	if territoryVerb != "" {
		if t := r.territory(n); t != "" {
			return territoryVerb + " territory " + t
		}
	}
	return verb + " " + n
}

var (
	reMine   = regexp.MustCompile(`^(?:(?:in|for|at|of|across|among|on)\s+)?(?:my|our)\s+(?:own\s+)?(?:accounts|book|customers|territory|territories|patch|region)$|^(?:for\s+me|mine)$`)
	reMarket = regexp.MustCompile(`^(?:(?:in|for|at|of|across|on)\s+)?(?:the\s+)?(?:whole\s+|entire\s+)?(?:market|company|business|book)$|^(?:overall|everywhere|company\s+wide|across\s+the\s+board)$`)
	reIn     = regexp.MustCompile(`^(?:in|for|at|of|across|on)\s+(.+)$`)
)

// scope reads the tail of a question as a list scope ("mine", "territory X",
// "market"); with category, a tail that names no territory is a category of mine.
func (r *ruleRun) scope(tail string, category bool) (scope, cat string, ok bool) {
	tail = strings.TrimSpace(tail)
	switch {
	case tail == "" || reMine.MatchString(tail):
		return "mine", "", true
	case reMarket.MatchString(tail):
		return "market", "", true
	}
	m := reIn.FindStringSubmatch(tail)
	if m == nil {
		return "", "", false
	}
	rest := m[1]
	// "<territory> in <category>" and "<category> in <territory>".
	if category {
		if a, c, found := strings.Cut(rest, " in "); found {
			if t := r.territory(nameSlot(a)); t != "" && nameSlot(c) != "" {
				return "territory " + t, nameSlot(c), true
			}
			if t := r.territory(nameSlot(c)); t != "" && nameSlot(a) != "" {
				return "territory " + t, nameSlot(a), true
			}
			if sc, _, ok := r.scope("in "+c, false); ok && nameSlot(a) != "" {
				return sc, nameSlot(a), true
			}
		}
	}
	n := nameSlot(rest)
	if n == "" {
		return "", "", false
	}
	if t := r.territory(n); t != "" {
		return "territory " + t, "", true
	}
	if category {
		return "mine", n, true
	}
	return "", "", false
}

// withCategory writes a scope with its category: "top gaps mine in fasteners".
func withCategory(cmd, cat string) string {
	if cat == "" {
		return cmd
	}
	return cmd + " in " + quoted(cat)
}

// closingDays reads a time phrase of a closing question: days and the rest of the tail.
var reWithin = regexp.MustCompile(`(?:^|\s)(?:in|within|over|during)?\s*(?:the\s+)?(?:next\s+)?(\d{1,3})\s+(days?|weeks?|months?)(?:\s+from\s+now)?(?:$|\s)`)

var periodDays = []struct {
	re   *regexp.Regexp
	days int
}{
	{regexp.MustCompile(`(?:^|\s)(?:(?:this|next|the\s+next)\s+week|(?:in\s+)?a\s+week)(?:$|\s)`), 7},
	{regexp.MustCompile(`(?:^|\s)(?:this|next|the\s+next)\s+quarter(?:$|\s)`), 90},
	{regexp.MustCompile(`(?:^|\s)(?:(?:this|next|the\s+next)\s+month|soon|shortly|(?:in\s+)?a\s+month)(?:$|\s)`), domain.DigestClosingDays},
}

func closingDays(tail string) (int, string) {
	if m := reWithin.FindStringSubmatchIndex(tail); m != nil {
		n, _ := strconv.Atoi(tail[m[2]:m[3]])
		switch unit := tail[m[4]:m[5]]; {
		case strings.HasPrefix(unit, "week"):
			n *= 7
		case strings.HasPrefix(unit, "month"):
			n *= 30
		}
		return n, strings.TrimSpace(tail[:m[0]] + " " + tail[m[1]:])
	}
	for _, p := range periodDays {
		if loc := p.re.FindStringIndex(tail); loc != nil {
			return p.days, strings.TrimSpace(tail[:loc[0]] + " " + tail[loc[1]:])
		}
	}
	return domain.DigestClosingDays, tail
}

// list builds a list command over the tail's scope.
func (r *ruleRun) list(verb, tail string) string {
	sc, _, ok := r.scope(tail, false)
	if !ok {
		return ""
	}
	return verb + " " + sc
}

// fillers after a command's name show a phrasing, not the command's grammar.
var fillers = map[string]bool{"for": true, "at": true, "of": true, "on": true, "in": true, "with": true, "to": true, "about": true}

var reScenario = regexp.MustCompile(`\bs-?(\d+)\b`)

// rules are the phrasings read, in order: the first that fits answers.
var rules = func() []rule {
	r := func(pattern string, build func(r *ruleRun, m []string) string) rule {
		return rule{regexp.MustCompile("^(?:" + pattern + ")$"), build}
	}
	const (
		tail  = `(?:\s+(.+))?`
		be    = `(?:is|are|s|re|was)`
		who   = `(?:who|whos|which\s+(?:accounts?|customers?|clients?|ones?)|what\s+(?:accounts?|customers?|clients?))`
		gaps  = `(?:uncovered\s+|open\s+)?(?:gaps?|whitespace|white\s+space|opportunities\s+to\s+win)`
		deals = `(?:deals?|opportunities|opps?|opportunity|pipeline)`
	)
	top := func(r *ruleRun, m []string) string {
		sc, cat, ok := r.scope(m[1], true)
		if !ok {
			return ""
		}
		return withCategory("top gaps "+sc, cat)
	}
	closing := func(r *ruleRun, m []string) string {
		days, rest := closingDays(m[1])
		sc, _, ok := r.scope(rest, false)
		if !ok {
			return ""
		}
		if days != domain.DigestClosingDays {
			return fmt.Sprintf("closing %s in %d days", sc, days)
		}
		return "closing " + sc
	}
	return []rule{
		// Polite openings before a command: "show me gap acme", "can you run grade acme".
		r(`(?:(?:can|could|would)\s+you\s+)?(?:please\s+)?(?:show|run|give|get|do|tell)(?:\s+me)?(?:\s+(?:a|the))?\s+(.+)`, func(r *ruleRun, m []string) string {
			words := strings.Fields(m[1])
			if _, ok := findCommand(words[0]); !ok || !readOnly(words) {
				return ""
			}
			if len(words) > 1 && fillers[words[1]] { // "show me the gap for acme"
				return ""
			}
			return r.asTyped(words[0])
		}),
		// top gaps
		r(`(?:(?:what|where|which)\s+`+be+`\s+|whats\s+|wheres\s+|show\s+(?:me\s+)?|list\s+|give\s+me\s+|find\s+)?(?:(?:my|our|the)\s+)?(?:biggest|largest|top|best|main|greatest)\s+`+gaps+tail, top),
		r(`where\s+(?:should|do|can|could)\s+(?:i|we)\s+(?:focus|spend\s+(?:my|our|the)\s+(?:time|next\s+hour|day|week)|look|start|dig|grow)`+tail, top),
		r(`(?:where|what)\s+`+be+`\s+(?:the\s+)?(?:whitespace|white\s+space|uncovered\s+gaps?)`+tail, top),
		r(`where\s+(?:can|could|should)\s+(?:i|we)\s+(?:sell|win)\s+more`+tail, top),
		// slipping
		r(who+`\s+(?:`+be+`\s+)?(?:slipping|at\s+risk|dropping|declining|sliding|falling\s+off|in\s+trouble|going\s+down)`+tail, func(r *ruleRun, m []string) string { return r.list("slipping", m[1]) }),
		r(`(?:(?:are\s+there\s+)?any|are\s+any)\s+(?:of\s+my\s+)?(?:accounts|customers|clients)\s+(?:slipping|at\s+risk|declining)`+tail, func(r *ruleRun, m []string) string { return r.list("slipping", m[1]) }),
		r(who+`\s+(?:dropped|fell|went\s+down|slipped|lost)(?:\s+a)?(?:\s+tier)?`+tail, func(r *ruleRun, m []string) string { return r.list("slipping", m[1]) }),
		// late
		r(who+`\s+(?:still\s+)?(?:owes?|owing)\s+(?:us|me)(?:\s+(?:money|cash))?`+tail, func(r *ruleRun, m []string) string { return r.list("late", m[1]) }),
		r(who+`\s+(?:`+be+`\s+)?(?:paying|pays|pay|paid)\s+(?:us\s+)?late`+tail, func(r *ruleRun, m []string) string { return r.list("late", m[1]) }),
		r(`(?:(?:are\s+there\s+)?any\s+|show\s+(?:me\s+)?|list\s+|what\s+`+be+`\s+(?:the\s+|my\s+|our\s+)?)?(?:overdue|past\s+due|unpaid|late|outstanding)\s+(?:invoices?|payments?|bills?|money|payers)`+tail, func(r *ruleRun, m []string) string { return r.list("late", m[1]) }),
		r(`(?:what|whats|who)\s+(?:`+be+`\s+)?(?:overdue|past\s+due|behind\s+on\s+payments?)`+tail, func(r *ruleRun, m []string) string { return r.list("late", m[1]) }),
		r(`how\s+much\s+(?:money\s+)?(?:is\s+|are\s+we\s+)?(?:owed|overdue|past\s+due)(?:\s+to\s+us)?`+tail, func(r *ruleRun, m []string) string { return r.list("late", m[1]) }),
		// closing
		r(`(?:what|whats|which\s+`+deals+`|what\s+`+deals+`)\s+(?:`+be+`\s+|will\s+|should\s+|do\s+we\s+have\s+)?(?:closing|closes|close|due\s+to\s+close|expected\s+to\s+close|landing)`+tail, closing),
		r(`(?:my\s+|our\s+)?`+deals+`\s+(?:that\s+)?(?:are\s+)?(?:closing|close|closes|due)`+tail, closing),
		r(`what\s+(?:can|will|should)\s+(?:i|we)\s+close`+tail, closing),
		// brief
		r(`how\s+`+be+`\s+(.+?)\s+doing`, func(r *ruleRun, m []string) string { return r.account("brief", "growth", m[1]) }),
		r(`hows\s+(.+?)\s+doing`, func(r *ruleRun, m []string) string { return r.account("brief", "growth", m[1]) }),
		r(`brief\s+me\s+(?:on|about)\s+(.+)`, func(r *ruleRun, m []string) string { return r.account("brief", "", m[1]) }),
		r(`(?:tell\s+me|what\s+do\s+(?:i|we)\s+know)\s+about\s+(.+)`, func(r *ruleRun, m []string) string { return r.account("brief", "", m[1]) }),
		r(`how\s+are\s+things\s+(?:at|with)\s+(.+)`, func(r *ruleRun, m []string) string { return r.account("brief", "", m[1]) }),
		r(`(?:whats\s+(?:new|going\s+on|happening)|what\s+is\s+(?:new|going\s+on|happening))\s+(?:at|with)\s+(.+)`, func(r *ruleRun, m []string) string { return r.account("brief", "", m[1]) }),
		// growth
		r(`(?:how\s+`+be+`|hows)\s+(.+?)\s+(?:pacing|tracking|trending|growing)(?:\s+(?:this|against\s+(?:the|its|their)\s+(?:objective|target|plan)|to\s+(?:plan|target)|year))*`, func(r *ruleRun, m []string) string { return r.target("growth", m[1]) }),
		r(`(?:is|are)\s+(.+?)\s+(?:on|ahead\s+of|behind)\s+(?:pace|track|target|plan)`, func(r *ruleRun, m []string) string { return r.target("growth", m[1]) }),
		r(`(?:what\s+is\s+|whats\s+)?(?:the\s+)?(?:pace|growth)\s+(?:of|for|in|at)\s+(.+)`, func(r *ruleRun, m []string) string { return r.target("growth", m[1]) }),
		// deal suggest and compare
		r(`what\s+(?:should|could|can|do)\s+(?:i|we)\s+(?:offer|propose\s+to|pitch(?:\s+to)?|give|trade\s+with|sell)\s+(.+?)(?:\s+next)?`, func(r *ruleRun, m []string) string { return r.account("deal suggest", "", m[1]) }),
		r(`what\s+(?:deal|trade|offer)s?\s+(?:should|could|can|would)\s+(?:i|we)\s+(?:offer|propose|make|do|pitch)\s+(?:to\s+|with\s+|for\s+|at\s+)?(.+)`, func(r *ruleRun, m []string) string { return r.account("deal suggest", "", m[1]) }),
		r(`(?:suggest|propose|find)\s+(?:a\s+|some\s+)?(?:deals?|trades?)\s+(?:for|to|with|at)\s+(.+)`, func(r *ruleRun, m []string) string { return r.account("deal suggest", "", m[1]) }),
		r(`compare\s+((?:scenarios?\s+)?s-?\d+(?:\s+(?:and|with|to|vs|versus|against))?(?:\s+s-?\d+(?:\s+(?:and|with|to|vs|versus|against))?)+)`, func(r *ruleRun, m []string) string {
			var ids []string
			for _, s := range reScenario.FindAllStringSubmatch(m[1], -1) {
				ids = append(ids, "S-"+s[1])
			}
			return "deal compare " + strings.Join(ids, " ")
		}),
		// gap
		r(`(?:what|whats)\s+(?:`+be+`\s+)?(?:left\s+to\s+win|still\s+to\s+win|the\s+gap|our\s+gap|my\s+gap|the\s+potential)\s+(?:at|with|for|in|on|of)\s+(.+)`, func(r *ruleRun, m []string) string { return r.target("gap", m[1]) }),
		r(`(?:show\s+(?:me\s+)?)?(?:the\s+)?gap\s+(?:at|for|of|in|with)\s+(.+)`, func(r *ruleRun, m []string) string { return r.target("gap", m[1]) }),
		r(`what\s+(?:are|am)\s+(?:we|i)\s+(?:missing|not\s+selling|leaving\s+on\s+the\s+table)\s+(?:at|to|with|in)\s+(.+)`, func(r *ruleRun, m []string) string { return r.target("gap", m[1]) }),
		r(`(?:what\s+else\s+)?(?:can|could)\s+(?:we|i)\s+sell\s+(?:to|at)\s+(.+)`, func(r *ruleRun, m []string) string { return r.target("gap", m[1]) }),
		// grade
		r(`what\s+tier\s+(?:is|are)\s+(.+?)(?:\s+in)?`, func(r *ruleRun, m []string) string { return r.target("grade", m[1]) }),
		r(`how\s+good\s+(?:of\s+)?(?:a\s+)?(?:customer|account|client)\s+is\s+(.+)`, func(r *ruleRun, m []string) string { return r.account("grade", "", m[1]) }),
		r(`(?:what\s+is|whats|how\s+much\s+is)\s+(.+?)\s+(?:really\s+)?worth(?:\s+to\s+us)?`, func(r *ruleRun, m []string) string { return r.account("grade", "", m[1]) }),
		// talk
		r(`(?:talking\s+points|what\s+(?:do|should)\s+i\s+say|how\s+do\s+i\s+pitch)\s+(?:for|to|about|on|with|at)\s+(.+)`, func(r *ruleRun, m []string) string {
			if s := reScenario.FindStringSubmatch(m[1]); s != nil && s[0] == m[1] {
				return "talk S-" + s[1]
			}
			return r.account("talk", "", m[1])
		}),
		// accounts and account
		r(`(?:which|what)\s+(?:accounts|customers)\s+(?:are\s+mine|do\s+i\s+(?:have|own)|are\s+my\s+own)|(?:list|show)(?:\s+me)?(?:\s+all)?\s+(?:my|our)\s+(?:accounts|customers)|my\s+accounts`, func(r *ruleRun, m []string) string { return "accounts" }),
		r(`(?:list|show)(?:\s+me)?(?:\s+all)?(?:\s+the)?\s+(?:accounts|customers)\s+(?:in|of)\s+(.+)`, func(r *ruleRun, m []string) string {
			if n := nameSlot(m[1]); n != "" {
				return "accounts " + n
			}
			return ""
		}),
		r(`who\s+(?:owns|is\s+the\s+owner\s+of|covers|handles)\s+(.+)`, func(r *ruleRun, m []string) string { return r.account("account", "", m[1]) }),
		// help
		r(`what\s+can\s+(?:you|i)\s+(?:do|ask(?:\s+you)?)|how\s+do\s+(?:i|you)\s+(?:use\s+(?:this|you|it|incumbent)|work|ask)|what\s+do\s+you\s+do`, func(r *ruleRun, m []string) string { return "help" }),
	}
}()

// routeRules reads a question with the rules: the command, or false when none fits.
func (b *Bot) routeRules(ctx context.Context, actor Actor, question string) (string, bool) {
	q := normQuestion(question)
	if q == "" {
		return "", false
	}
	run := &ruleRun{ctx: ctx, b: b, actor: actor, question: question}
	for _, r := range rules {
		m := r.re.FindStringSubmatch(q)
		if m == nil {
			continue
		}
		if cmd := r.build(run, m); cmd != "" {
			return cmd, true
		}
	}
	return "", false
}

// RouteRules is the rules router alone, for tests and benchmarks: the command a question
// is read as, or false.
func (b *Bot) RouteRules(ctx context.Context, actor Actor, question string) (string, bool) {
	return b.routeRules(ctx, actor, question)
}
