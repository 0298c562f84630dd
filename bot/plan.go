package bot

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/incumbent/incumbent/domain"
)

// CRMWriter writes to the CRM the deployment syncs (Bot.CRM; adapters/crm): the
// opportunities planned from chat ("Plan it" on a gap) and the potentials set in chat
// whose category the mapping gives a field.
type CRMWriter interface {
	// Name is the CRM: domain.CRMSalesforce or domain.CRMHubSpot.
	Name() string
	// CreateOpportunity creates o (o.AccountID is ours) in the CRM and returns its id
	// there and its stage: o.Stage, or when empty the CRM's first open stage.
	CreateOpportunity(ctx context.Context, o domain.Opportunity) (crmID, stage string, err error)
	// WritePotential writes p to the account's field the mapping names for p's
	// category, and returns the field; "" when none is named (nothing written).
	WritePotential(ctx context.Context, p domain.Potential) (field string, err error)
}

// OpportunityWriter writes opportunities to the store (Bot.Opportunities): a plan made
// in chat is one import batch of one opportunity, so it shows in the gap at once.
type OpportunityWriter interface {
	BeginImport(ctx context.Context) (domain.ImportBatch, error)
}

// The limits of a plan's values.
const (
	maxPlanName  = 120
	maxPlanStage = 60
	// planCloseDays is how far after the as-of date a plan closes when its form leaves
	// the date empty.
	planCloseDays = 90
	// maxPlanButtons is how many "Plan it" buttons a gap reply offers.
	maxPlanButtons = 3
)

// PlanResult is what `plan` recorded: the opportunity (its id the CRM's, or ours when
// no CRM is configured), where it was created, and the category's gap before and after.
type PlanResult struct {
	AccountName string              `json:"account_name"`
	Opportunity domain.Opportunity  `json:"opportunity"`
	CRM         string              `json:"crm,omitempty"` // "" when recorded here only
	Stage       string              `json:"stage"`         // as typed, or as the CRM names it
	Before      *domain.CategoryGap `json:"before,omitempty"`
	After       *domain.CategoryGap `json:"after,omitempty"`
}

// planKeywords are the words that start a plan's values.
var planKeywords = []string{"name", "value", "close", "stage"}

const planUsage = "Usage: `plan <account> <category> [value <amount>] [close <YYYY-MM-DD>] [stage <stage>] [name <text>]`."

// planCmd handles `plan <account> <category> [value <amount>] [close <date>] [stage
// <stage>] [name <text>]` ("Plan it" on a gap): it creates the opportunity in the CRM,
// when one is configured, and in the store at once, so the gap shows the category
// covered. Reps for the accounts of their territory, managers for theirs, admins for all.
func (b *Bot) planCmd(ctx context.Context, req Request, args []string) (Reply, error) {
	switch req.Actor.Person.Role {
	case domain.RoleRep, domain.RoleManager, domain.RoleAdmin:
	default:
		return Reply{}, domain.Errorf(domain.EFORBIDDEN, "Plans are made by the reps, managers and admins of people.csv: ask your sales-ops admin to add you.")
	}
	if b.Opportunities == nil {
		return Reply{}, domain.Errorf(domain.EINVALID, "This deployment's store cannot record plans from chat; add the opportunity to your CRM or opportunities.csv.")
	}
	i := slices.IndexFunc(args, func(w string) bool { return slices.Contains(planKeywords, strings.ToLower(w)) })
	if i < 0 {
		i = len(args)
	}
	if i < 2 {
		return Reply{}, b.withExample(ctx, req, domain.Errorf(domain.EINVALID, "Say the account and the category to plan for. %s", planUsage), "plan", nil)
	}
	values := map[string]string{}
	for j := i; j < len(args); {
		k := strings.ToLower(args[j])
		end := j + 1
		for end < len(args) && !slices.Contains(planKeywords, strings.ToLower(args[end])) {
			end++
		}
		if _, dup := values[k]; dup {
			return Reply{}, &FieldError{Field: k, Err: domain.Errorf(domain.EINVALID, "`%s` is given twice. %s", k, planUsage)}
		}
		v := strings.Join(args[j+1:end], " ")
		if v == "" {
			return Reply{}, &FieldError{Field: k, Err: domain.Errorf(domain.EINVALID, "After `%s`, say the %s. %s", k, planWhat[k], planUsage)}
		}
		values[k] = v
		j = end
	}
	a, category, err := b.potentialTarget(ctx, req, potentialArgs{names: args[:i], rest: args[i:], verb: "plan"})
	if err != nil {
		return Reply{}, err
	}
	before := b.categoryGap(ctx, a.ID, category, req.AsOf)
	o := domain.Opportunity{AccountID: a.ID, Category: category, Name: fmt.Sprintf("%s for %s", category, a.Name),
		CloseDate: req.AsOf.AddDate(0, 0, planCloseDays)}
	if before != nil {
		o.Value = before.Uncovered
	}
	if err := readPlanValues(&o, values); err != nil {
		return Reply{}, err
	}
	if o.Value <= 0 {
		return Reply{}, &FieldError{Field: "value", Err: domain.Errorf(domain.EINVALID,
			"%s at %s has no uncovered gap to plan for: say the value (`value 12k`).", category, a.Name)}
	}
	res := PlanResult{AccountName: a.Name, Before: before}
	if b.CRM != nil {
		id, stage, err := b.CRM.CreateOpportunity(ctx, o)
		if domain.ErrorCode(err) == domain.EINTERNAL {
			return Reply{}, Unavailable(fmt.Sprintf("%s did not take the plan, so nothing was recorded: try again in a minute (the log says why).",
				crmLabel(b.CRM.Name())), err)
		}
		if err != nil {
			return Reply{}, err
		}
		o.ID, o.Stage, res.CRM = id, stage, b.CRM.Name()
	} else {
		var id [6]byte
		rand.Read(id[:])
		o.ID = "chat-" + hex.EncodeToString(id[:])
	}
	if o.Stage == "" {
		o.Stage = "Prospecting"
	}
	res.Stage = o.Stage
	o.Stage = strings.ToLower(o.Stage) // stored as opportunities.csv stores stages
	if err := b.writeOpportunity(ctx, o); err != nil {
		if res.CRM != "" {
			return Reply{}, fmt.Errorf("record the plan %s, created in %s, here: %w", o.ID, crmLabel(res.CRM), err)
		}
		return Reply{}, err
	}
	res.Opportunity = o
	res.After = b.categoryGap(ctx, a.ID, category, req.AsOf)
	return b.planReply(res), nil
}

// planWhat names what each keyword of a plan takes.
var planWhat = map[string]string{"name": "opportunity's name", "value": "annual value", "close": "close date (YYYY-MM-DD)", "stage": "stage"}

// readPlanValues reads the values typed after the keywords into o; each error names the
// form field.
func readPlanValues(o *domain.Opportunity, values map[string]string) error {
	if v, ok := values["value"]; ok {
		amount, ok := parseAmount(v)
		switch {
		case !ok:
			return &FieldError{Field: "value", Err: domain.Errorf(domain.EINVALID, "%q is not an amount: say what the opportunity is worth a year (12000, 12k, $1.2m).", v)}
		case amount <= 0:
			return &FieldError{Field: "value", Err: domain.Errorf(domain.EINVALID, "A plan's value is above 0; %s is not.", v)}
		case amount > maxMoney:
			return &FieldError{Field: "value", Err: checkMax("value", amount, maxMoney, "money")}
		}
		o.Value = amount
	}
	if v, ok := values["close"]; ok {
		d, err := domain.ParseDate(v)
		if err != nil {
			return &FieldError{Field: "close", Err: domain.Errorf(domain.EINVALID, "%q is not a date: write the close date as YYYY-MM-DD, such as 2027-03-31.", v)}
		}
		o.CloseDate = d
	}
	for _, f := range []struct {
		key   string
		to    *string
		limit int
	}{{"name", &o.Name, maxPlanName}, {"stage", &o.Stage, maxPlanStage}} {
		v, ok := values[f.key]
		if !ok {
			continue
		}
		if n := utf8.RuneCountInString(v); n > f.limit {
			return &FieldError{Field: f.key, Err: domain.Errorf(domain.EINVALID, "The %s is %d characters long; at most %d.", planWhat[f.key], n, f.limit)}
		}
		if strings.ContainsFunc(v, unicode.IsControl) {
			return &FieldError{Field: f.key, Err: domain.Errorf(domain.EINVALID, "The %s has a control character in it.", planWhat[f.key])}
		}
		*f.to = v
	}
	return nil
}

// writeOpportunity records o in the store, as an import of one opportunity.
func (b *Bot) writeOpportunity(ctx context.Context, o domain.Opportunity) error {
	batch, err := b.Opportunities.BeginImport(ctx)
	if err != nil {
		return fmt.Errorf("record the plan: %w", err)
	}
	defer batch.Rollback()
	if err := batch.PutOpportunity(ctx, o); err != nil {
		return fmt.Errorf("record the plan: %w", err)
	}
	if _, err := batch.Commit(ctx); err != nil {
		return fmt.Errorf("record the plan: %w", err)
	}
	return nil
}

// planReply says what was planned, where it was created and the category's gap now.
func (b *Bot) planReply(res PlanResult) Reply {
	m, o := b.Money, res.Opportunity
	text := fmt.Sprintf("*%s · %s*: %s a year, closing %s, stage %s.", res.AccountName, o.Category, m.Format(o.Value),
		o.CloseDate.Format("Jan 2 2006"), res.Stage)
	where := "Incumbent only: no CRM is configured"
	foot := "It shows at once in gaps and digests. Add it to your CRM too, or it stays Incumbent's alone."
	if res.CRM != "" {
		where = fmt.Sprintf("%s (%s) and Incumbent", crmLabel(res.CRM), o.ID)
		foot = fmt.Sprintf("It shows at once in gaps and digests; the next sync finds it by its %s id, so it is not doubled.", crmLabel(res.CRM))
	}
	fields := []Field{{"Created in", where}, {"Name", o.Name}}
	if res.Before != nil {
		fields = append(fields, Field{"No plan before", m.Format(res.Before.Uncovered)})
	}
	if res.After != nil {
		fields = append(fields, Field{"No plan now", m.Format(res.After.Uncovered)})
	}
	return Reply{Blocks: []Block{
		&Header{Text: "Planned"},
		&Text{Text: text},
		&Fields{Fields: fields},
		&Buttons{Buttons: []Button{{Label: "See the gap", Command: "gap " + o.AccountID, Style: "primary"}}},
		&Context{Text: foot},
	}, Data: res}
}

// planButtons are the "Plan it" buttons of a gap reply: one per category with an
// uncovered gap, the largest first (at most maxPlanButtons), each with its form.
func (b *Bot) planButtons(g domain.AccountGap, asOf time.Time) []Block {
	if b.Opportunities == nil {
		return nil
	}
	var open []domain.CategoryGap
	for _, c := range g.Categories {
		if c.Uncovered > 0 {
			open = append(open, c)
		}
	}
	if len(open) == 0 {
		return nil
	}
	slices.SortStableFunc(open, func(x, y domain.CategoryGap) int { return cmp.Compare(y.Uncovered, x.Uncovered) })
	var bs []Button
	for _, c := range open[:min(len(open), maxPlanButtons)] {
		bs = append(bs, Button{Label: "Plan it: " + c.Category, Command: fmt.Sprintf("plan %s %s", g.AccountID, quoted(c.Category)),
			Form: b.planForm(g, c, asOf)})
	}
	return []Block{&Buttons{Buttons: bs}}
}

// planForm asks a plan's value, close date, stage and name; each may be left empty for
// its default, which the placeholder shows.
func (b *Bot) planForm(g domain.AccountGap, c domain.CategoryGap, asOf time.Time) *Form {
	where := "here (no CRM is configured)"
	if b.CRM != nil {
		where = "in " + crmLabel(b.CRM.Name()) + " and here"
	}
	title := "Plan " + c.Category
	if utf8.RuneCountInString(title) > 24 { // a Slack modal's title holds 24 characters
		title = "Plan it"
	}
	return &Form{Title: title, Submit: "Plan it", Fields: []FormField{
		{Name: "value", Label: "Value a year", Keyword: "value", Optional: true, MaxLength: maxAmountText,
			Placeholder: b.Money.Format(c.Uncovered),
			Hint:        fmt.Sprintf("Empty: the %s gap no pipeline covers at %s, %s. Created %s.", c.Category, g.Name, b.Money.Format(c.Uncovered), where)},
		{Name: "close", Label: "Close date", Keyword: "close", Optional: true, MaxLength: 10,
			Placeholder: asOf.AddDate(0, 0, planCloseDays).Format("2006-01-02"), Hint: "YYYY-MM-DD; empty: 90 days from now."},
		{Name: "stage", Label: "Stage", Keyword: "stage", Optional: true, MaxLength: maxPlanStage,
			Placeholder: "Prospecting", Hint: "Empty: the first open stage."},
		{Name: "name", Label: "Name", Keyword: "name", Optional: true, MaxLength: maxPlanName,
			Placeholder: fmt.Sprintf("%s for %s", c.Category, g.Name)},
	}}
}
