package bot

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hbollon/go-edlib"

	"github.com/incumbent/incumbent/domain"
)

// PotentialWriter stores an account's annual potential in a category set from chat
// (`potential set`, Bot.Potentials), with who set it and when (SetBy, SetAt). It
// replaces the potential of the same account and category and changes the data
// version, and gaps read it at once; ENOTFOUND when there is no such account.
type PotentialWriter interface {
	SetPotential(ctx context.Context, p domain.Potential) error
}

// potentialUsage is how `potential set` reads.
const potentialUsage = "Usage: `potential set <account> <category> <amount> [competitor <name>] [note <text>]`; quote a category of several words."

// Lengths of the texts a potential set from chat may have, in characters.
const (
	maxCompetitor = 100
	maxNote       = 500
	maxAmountText = 30 // the amount as typed in a form
)

// PotentialSet is the result of `potential set`: what was recorded, the potential it
// replaced (nil when the category had none), and the category's gap before and after
// (nil when the account's gap did not have the category, or could not be computed).
type PotentialSet struct {
	AccountName string              `json:"account_name"`
	Potential   domain.Potential    `json:"potential"`
	Replaced    *domain.Potential   `json:"replaced"`
	Before      *domain.CategoryGap `json:"before"`
	After       *domain.CategoryGap `json:"after"`
	// CRMField is the CRM field the potential was also written to (the mapping names
	// one for its category); CRMError why the CRM did not take it. Both empty when no
	// CRM is configured or no field is named.
	CRM      string `json:"crm,omitempty"`
	CRMField string `json:"crm_field,omitempty"`
	CRMError string `json:"crm_error,omitempty"`
}

func (b *Bot) potentialCmd(ctx context.Context, req Request, args []string) (Reply, error) {
	if len(args) == 0 || !strings.EqualFold(args[0], "set") {
		return Reply{}, domain.Errorf(domain.EINVALID, "%s%s", potentialUsage, b.forExample(ctx, req, "potential", nil))
	}
	return b.potentialSet(ctx, req, args[1:])
}

// potentialArgs is a `potential set` command read: the words that name the account
// and then the category, the amount, and what follows it.
type potentialArgs struct {
	names  []string // the account's words, then the category's
	amount float64
	rest   []string // the words from the amount on, as typed
	// competitor and note are nil when not given, "" when given as none.
	competitor, note *string
	// verb is the command the choices of an ambiguous reading run: "potential set"
	// when empty, "plan" for a plan.
	verb string
}

// isPotentialKeyword reports the words that may follow the amount.
func isPotentialKeyword(w string) bool {
	return strings.EqualFold(w, "competitor") || strings.EqualFold(w, "note")
}

// parsePotential reads the words after `potential set`. The amount is the word before
// the first `competitor` or `note` that follows an amount, else the last word; at least
// two words (the account and the category) come before it.
func parsePotential(args []string) (potentialArgs, error) {
	if len(args) < 3 {
		return potentialArgs{}, domain.Errorf(domain.EINVALID, "Say the account, the category and the annual amount they spend in it.")
	}
	at, bad := len(args)-1, ""
	for i := 3; i < len(args); i++ {
		if isPotentialKeyword(args[i]) {
			if _, ok := parseAmount(args[i-1]); ok {
				at = i - 1
				break
			}
			if bad == "" {
				bad = args[i-1]
			}
		}
	}
	v, ok := parseAmount(args[at])
	if !ok && bad == "" {
		for i := 2; i < at; i++ {
			if _, ok := parseAmount(args[i]); ok {
				return potentialArgs{}, domain.Errorf(domain.EINVALID,
					"I did not understand %q after the amount %s: only `competitor <name>` and `note <text>` may follow it.", args[i+1], args[i])
			}
		}
	}
	if !ok {
		if bad == "" {
			bad = args[at]
		}
		return potentialArgs{}, &FieldError{Field: "amount", Err: domain.Errorf(domain.EINVALID,
			"%q is not an amount: say what they spend a year in the category, right after it (120k, $120,000 or 1.2m).", bad)}
	}
	switch {
	case v < 0:
		return potentialArgs{}, &FieldError{Field: "amount", Err: domain.Errorf(domain.EINVALID, "An annual potential cannot be below 0; %s is.", args[at])}
	case v > maxMoney:
		return potentialArgs{}, &FieldError{Field: "amount", Err: checkMax("annual potential", v, maxMoney, "money")}
	}
	p := potentialArgs{names: args[:at], amount: v, rest: args[at:]}
	return p, p.readTerms(args[at+1:])
}

// readTerms reads what follows the amount: `competitor <name>` (up to `note`) and
// `note <text>` (the rest); `none` clears either.
func (p *potentialArgs) readTerms(rest []string) error {
	for i := 0; i < len(rest); {
		switch strings.ToLower(rest[i]) {
		case "competitor":
			j := i + 1
			for j < len(rest) && !strings.EqualFold(rest[j], "note") {
				j++
			}
			name, err := potentialText("competitor", "the competitor's name", rest[i+1:j], maxCompetitor)
			if err != nil {
				return err
			}
			p.competitor, i = &name, j
		case "note":
			text, err := potentialText("note", "the note", rest[i+1:], maxNote)
			if err != nil {
				return err
			}
			p.note, i = &text, len(rest)
		default:
			return domain.Errorf(domain.EINVALID, "I did not understand %q after the amount: only `competitor <name>` and `note <text>` may follow it.", rest[i])
		}
	}
	return nil
}

// potentialText checks the words given after keyword: some, within limit characters,
// without control characters; "none" is the empty text. Its errors name the form field
// of the keyword. (Neither keyword can come twice: `note` takes the rest of the words,
// and `competitor` the words up to it.)
func potentialText(keyword, what string, words []string, limit int) (string, error) {
	text, err := checkPotentialText(keyword, what, words, limit)
	if err != nil {
		return "", &FieldError{Field: keyword, Err: err}
	}
	return text, nil
}

func checkPotentialText(keyword, what string, words []string, limit int) (string, error) {
	text := strings.Join(words, " ")
	switch n := utf8.RuneCountInString(text); {
	case text == "":
		return "", domain.Errorf(domain.EINVALID, "After `%s`, say %s (or `none` to clear it).", keyword, what)
	case n > limit:
		return "", domain.Errorf(domain.EINVALID, "The %s is %s characters long; at most %s.", strings.TrimPrefix(what, "the "), num(float64(n)), num(float64(limit)))
	case strings.ContainsFunc(text, unicode.IsControl):
		return "", domain.Errorf(domain.EINVALID, "The %s has a control character in it.", strings.TrimPrefix(what, "the "))
	case strings.EqualFold(text, "none"):
		return "", nil
	}
	return text, nil
}

// potentialSet handles `potential set <account> <category> <amount> [competitor <name>]
// [note <text>]`: reps for the accounts of their territory, managers for those of their
// territories, admins for all. The account is named exactly (a write never guesses),
// the category is one of the products' (any case).
func (b *Bot) potentialSet(ctx context.Context, req Request, args []string) (Reply, error) {
	switch req.Actor.Person.Role {
	case domain.RoleRep, domain.RoleManager, domain.RoleAdmin:
	default:
		return Reply{}, domain.Errorf(domain.EFORBIDDEN, "Potentials are set by the reps, managers and admins of people.csv: ask your sales-ops admin to add you.")
	}
	if b.Potentials == nil {
		return Reply{}, domain.Errorf(domain.EINVALID, "This deployment's store cannot record potentials from chat; import potential.csv instead.")
	}
	pa, err := parsePotential(args)
	if err != nil {
		field := ErrorField(err)
		err = b.withExample(ctx, req, domain.Errorf(domain.EINVALID, "%s %s", domain.ErrorMessage(err), potentialUsage), "potential", nil)
		if field != "" {
			err = &FieldError{Field: field, Err: err}
		}
		return Reply{}, err
	}
	a, category, err := b.potentialTarget(ctx, req, pa)
	if err != nil {
		return Reply{}, err
	}
	rows, err := b.Store.FindPotentials(ctx, domain.ForAccount(a.ID))
	if err != nil {
		return Reply{}, fmt.Errorf("find potentials: %w", err)
	}
	res := PotentialSet{AccountName: a.Name, Potential: domain.Potential{AccountID: a.ID, Category: category, AnnualPotential: pa.amount,
		SetBy: orName(req.Actor.Person), SetAt: b.Now().UTC().Truncate(time.Second)}}
	if i := slices.IndexFunc(rows, func(p domain.Potential) bool { return p.Category == category }); i >= 0 {
		res.Replaced = &rows[i]
		res.Potential.Competitor, res.Potential.Note = rows[i].Competitor, rows[i].Note
	}
	if pa.competitor != nil {
		res.Potential.Competitor = *pa.competitor
	}
	if pa.note != nil {
		res.Potential.Note = *pa.note
	}
	res.Before = b.categoryGap(ctx, a.ID, category, req.AsOf)
	if err := b.Potentials.SetPotential(ctx, res.Potential); err != nil {
		return Reply{}, fmt.Errorf("set potential: %w", err)
	}
	if b.CRM != nil {
		// Ours is recorded; the CRM's copy is a courtesy that may fail on its own.
		field, err := b.CRM.WritePotential(ctx, res.Potential)
		res.CRM, res.CRMField = b.CRM.Name(), field
		if err != nil {
			b.Logger.WarnContext(ctx, "potential set: the CRM did not take it", "crm", res.CRM, "account", a.ID, "err", err)
			res.CRMError = ErrorText(err)
			if domain.ErrorCode(err) == domain.EINTERNAL {
				res.CRMError = "it did not answer"
			}
		}
	}
	res.After = b.categoryGap(ctx, a.ID, category, req.AsOf)
	return b.potentialReply(res, pa), nil
}

// categoryGap returns the account's gap in the category at asOf, nil when its gap has
// no such category or cannot be computed (the reply then says less, the write stands).
func (b *Bot) categoryGap(ctx context.Context, accountID, category string, asOf time.Time) *domain.CategoryGap {
	g, err := b.Gaps.AccountGap(ctx, accountID, asOf)
	if err != nil {
		b.Logger.WarnContext(ctx, "potential set: the category's gap left out", "account", accountID, "err", err)
		return nil
	}
	for _, c := range g.Categories {
		if c.Category == category {
			return &c
		}
	}
	return nil
}

// categoryKey is how typed and stored category names compare: any case, spacing
// collapsed.
func categoryKey(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// potentialSplit is one reading of the names of a `potential set`: the account's words
// and the category.
type potentialSplit struct {
	account  string
	category string // as the products name it
}

// potentialTarget finds the account and the category the names of a `potential set`
// mean. The category is the last words before the amount that name a product category
// exactly (any case); when several readings do (a category that ends another), the
// one whose account is named exactly is taken, and several are offered. A category
// that is only close is offered as choices; nothing is written until one is pressed.
func (b *Bot) potentialTarget(ctx context.Context, req Request, pa potentialArgs) (domain.Account, string, error) {
	products, err := b.Gaps.Products(ctx, req.AsOf)
	if err != nil {
		return domain.Account{}, "", err
	}
	byKey := map[string]string{}
	most := 0 // the most words a category has
	for _, p := range products {
		k := categoryKey(p.Category)
		byKey[k] = p.Category
		most = max(most, len(strings.Fields(k)))
	}
	n := len(pa.names)
	var splits []potentialSplit
	for k := min(n-1, most); k >= 1; k-- {
		if c, ok := byKey[categoryKey(strings.Join(pa.names[n-k:], " "))]; ok {
			splits = append(splits, potentialSplit{account: strings.Join(pa.names[:n-k], " "), category: c})
		}
	}
	if len(splits) == 0 {
		return domain.Account{}, "", b.nearCategories(req, pa, byKey, most)
	}
	if len(splits) == 1 {
		a, err := b.resolveAccountToWrite(ctx, req.Actor, splits[0].account)
		return a, splits[0].category, err
	}
	// Several readings: each account resolved apart, out of the asker's session.
	var found []domain.Account
	var kept []potentialSplit
	var first error
	for _, s := range splits {
		rctx := context.WithValue(ctx, resolvedKey{}, &resolved{deferred: true})
		a, err := b.resolveAccountToWrite(rctx, req.Actor, s.account)
		if err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		found, kept = append(found, a), append(kept, s)
	}
	switch len(found) {
	case 0:
		return domain.Account{}, "", first
	case 1:
		b.remember(ctx, req.Actor, found[0].ID)
		return found[0], kept[0].category, nil
	}
	amb := &AmbiguousError{Query: strings.Join(strings.Fields(req.Text), " "), Code: domain.EINVALID,
		Message: "Which account and category do you mean?"}
	for i, a := range found {
		amb.Choices = append(amb.Choices, Choice{Label: fmt.Sprintf("%s (%s), %s", a.Name, a.ID, kept[i].category),
			Value: potentialCommand(pa.verb, a.ID, kept[i].category, pa.rest), AccountID: a.ID})
	}
	return domain.Account{}, "", amb
}

// nearCategories is the error for names that end in no category: the categories close
// to their last words, as choices (at most maxChoices), or every category when none is.
func (b *Bot) nearCategories(req Request, pa potentialArgs, byKey map[string]string, most int) error {
	n := len(pa.names)
	var choices []Choice
	seen := map[string]bool{}
	for k := 1; k <= min(n-1, most+1); k++ {
		typed := categoryKey(strings.Join(pa.names[n-k:], " "))
		for _, key := range slices.Sorted(maps.Keys(byKey)) {
			c := byKey[key]
			if seen[c] || len(choices) == maxChoices || !nearCategory(typed, key) {
				continue
			}
			seen[c] = true
			choices = append(choices, Choice{Label: c, Value: potentialCommand(pa.verb, strings.Join(pa.names[:n-k], " "), c, pa.rest)})
		}
	}
	last := pa.names[n-1]
	if len(choices) == 0 {
		cats := make([]string, 0, len(byKey))
		for _, k := range slices.Sorted(maps.Keys(byKey)) {
			cats = append(cats, byKey[k])
		}
		return domain.Errorf(domain.ENOTFOUND, "No product category is named %q (the category comes right before the amount; quote one of several words). Categories: %s.",
			last, joinMore(cats, 40))
	}
	return &AmbiguousError{Query: strings.Join(strings.Fields(req.Text), " "), Choices: choices, Code: domain.ENOTFOUND,
		Message: fmt.Sprintf("No product category is named %q. Did you mean one of these?", last)}
}

// nearCategory reports whether typed (a categoryKey) is close to the category key c:
// each typed word the prefix of a word of c, in order; or within a spelling distance
// (as names are, spellingLimit); or, from three letters, part of it.
func nearCategory(typed, c string) bool {
	if prefixesAll(strings.Fields(typed), strings.Fields(c)) {
		return true
	}
	compact, ccompact := strings.ReplaceAll(typed, " ", ""), strings.ReplaceAll(c, " ", "")
	if edlib.OSADamerauLevenshteinDistance(compact, ccompact) <= spellingLimit(compact) {
		return true
	}
	return utf8.RuneCountInString(compact) >= 3 && strings.Contains(ccompact, compact)
}

// prefixesAll reports whether each word of typed is the prefix of a word of name, in
// order.
func prefixesAll(typed, name []string) bool {
	j := 0
	for _, w := range typed {
		for j < len(name) && !strings.HasPrefix(name[j], w) {
			j++
		}
		if j == len(name) {
			return false
		}
		j++
	}
	return len(typed) > 0
}

// potentialCommand is a `potential set` command for the account (as typed, or its id)
// and category, with the words from the amount on.
func potentialCommand(verb, account, category string, rest []string) string {
	words := []string{cmp.Or(verb, "potential set"), account, quoted(category)}
	for _, w := range rest {
		words = append(words, quoted(w))
	}
	return strings.Join(words, " ")
}

// potentialReply says what was recorded, what it replaced and what the category's gap
// is now.
func (b *Bot) potentialReply(res PotentialSet, pa potentialArgs) Reply {
	m, p := b.Money, res.Potential
	text := fmt.Sprintf("*%s (%s) · %s*: they spend *%s* a year", res.AccountName, p.AccountID, p.Category, m.Format(p.AnnualPotential))
	if p.Competitor != "" {
		text += fmt.Sprintf("; %s holds the rest", p.Competitor)
	}
	text += "."
	if p.Note != "" {
		text += " Note: " + p.Note
		if !strings.HasSuffix(p.Note, ".") && !strings.HasSuffix(p.Note, "!") && !strings.HasSuffix(p.Note, "?") {
			text += "."
		}
	}
	fields := []Field{{"Before", b.potentialBefore(res)}, {"Gap now", b.potentialAfter(res)},
		{"Recorded", fmt.Sprintf("by %s at %s", p.SetBy, p.SetAt.Format("2006-01-02 15:04 UTC"))}}
	context := "It shows at once in gaps, digests and deal suggestions. A later import of potential.csv replaces it if the file names the same account and category."
	var kept, clear []string
	if res.Replaced != nil && pa.competitor == nil && p.Competitor != "" {
		kept, clear = append(kept, "competitor"), append(clear, "`competitor none`")
	}
	if res.Replaced != nil && pa.note == nil && p.Note != "" {
		kept, clear = append(kept, "note"), append(clear, "`note none`")
	}
	if len(kept) > 0 {
		context += fmt.Sprintf(" The %s of the estimate it replaces %s kept (%s clears %s).", strings.Join(kept, " and "),
			plural(len(kept), "is", "are"), strings.Join(clear, " or "), plural(len(kept), "it", "them"))
	}
	switch {
	case res.CRMError != "":
		fields = append(fields, Field{crmLabel(res.CRM), fmt.Sprintf("not written (%s): it is recorded here; set it there by hand or again later", res.CRMError)})
	case res.CRMField != "":
		fields = append(fields, Field{crmLabel(res.CRM), "written to " + res.CRMField})
	}
	return Reply{Blocks: []Block{
		&Header{Text: "Potential set"},
		&Text{Text: text},
		&Fields{Fields: fields},
		&Buttons{Buttons: []Button{{Label: "See the gap", Command: "gap " + p.AccountID, Style: "primary"}}},
		&Context{Text: context},
	}, Data: res}
}

// potentialBefore says what the category's potential was: the estimate replaced and
// where it came from, or that it had none.
func (b *Bot) potentialBefore(res PotentialSet) string {
	m, r, g := b.Money, res.Replaced, res.Before
	if r == nil {
		if g == nil {
			return "no estimate, and no sales in the last 12 months: the category was not in the gap"
		}
		return fmt.Sprintf("no estimate: the gap counted it as fully won, at our %s of sales over the last 12 months", m.Format(g.Current))
	}
	s := m.Format(r.AnnualPotential) + " from potential.csv"
	if r.SetBy != "" {
		s = fmt.Sprintf("%s, set in chat by %s at %s", m.Format(r.AnnualPotential), r.SetBy, r.SetAt.UTC().Format("2006-01-02 15:04 UTC"))
	}
	if g != nil && g.PotentialSource == domain.PotentialUnderstated {
		s += fmt.Sprintf(" (below our sales: the gap used %s)", m.Format(g.Potential))
	}
	return s
}

// potentialAfter says the category's gap with the new potential.
func (b *Bot) potentialAfter(res PotentialSet) string {
	m, g := b.Money, res.After
	switch {
	case g == nil:
		return "the gap could not be computed just now; `gap " + res.Potential.AccountID + "` shows it"
	case g.PotentialSource == domain.PotentialUnderstated:
		return fmt.Sprintf("none: %s is below our %s of sales over the last 12 months, so the gap counts our sales (understated)",
			m.Format(res.Potential.AnnualPotential), m.Format(g.Current))
	}
	return fmt.Sprintf("%s still to win, our share %s (%s of %s)", m.Format(g.Gap), pct(g.Share), m.Format(g.Current), m.Format(g.Potential))
}

// potentialForm is the form of a "Set potential" button: the amount, and optionally
// who holds the rest and a note.
func potentialForm(category string) *Form {
	return &Form{Title: "Set potential", Submit: "Set it", Fields: []FormField{
		{Name: "amount", Label: "Annual potential", Placeholder: "120k", MaxLength: maxAmountText,
			Hint: fmt.Sprintf("What they spend a year on %s, with us and with others: 120000, 120k, $1.2m.", category)},
		{Name: "competitor", Label: "Competitor", Keyword: "competitor", Optional: true, MaxLength: maxCompetitor,
			Placeholder: "Grainger", Hint: "Who holds the rest of the spend."},
		{Name: "note", Label: "Note", Keyword: "note", Optional: true, MaxLength: maxNote},
	}}
}
