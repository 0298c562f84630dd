package bot

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// growthUsage is how the growth command reads.
const growthUsage = "Usage: `growth <account> [<year>]`, `growth territory <name> [<year>]` or `growth set <account|territory> <year> <revenue> [gp <gp>]`."

// trailingYear splits a trailing year (a 4-digit word from 2000 to 2100) off args; year
// is 0 when there is none.
func trailingYear(args []string) (rest []string, year int) {
	n := len(args)
	if n == 0 || len(args[n-1]) != 4 {
		return args, 0
	}
	y, err := strconv.Atoi(args[n-1])
	if err != nil || y < 2000 || y > 2100 {
		return args, 0
	}
	return args[:n-1], y
}

func (b *Bot) growthCmd(ctx context.Context, req Request, args []string) (Reply, error) {
	if len(args) > 0 && strings.EqualFold(args[0], "set") {
		return b.growthSet(ctx, req, args[1:])
	}
	args, year := trailingYear(args)
	canSet := b.maySetObjectives(req.Actor)
	if len(args) > 0 && strings.EqualFold(args[0], "territory") {
		if len(args) == 1 {
			return Reply{}, domain.Errorf(domain.EINVALID, "Which territory? Usage: `growth territory <name> [<year>]`.")
		}
		t, note, err := b.resolveTerritory(ctx, req.Actor, strings.Join(args[1:], " "))
		if err != nil {
			return Reply{}, err
		}
		return b.territoryGrowth(ctx, t, note, req.AsOf, year, canSet)
	}
	var a domain.Account
	var note string
	if len(args) == 0 {
		var ok bool
		if a, note, ok = b.lastAccount(ctx, req.Actor); !ok {
			return Reply{}, domain.Errorf(domain.EINVALID, "Growth of what? %s", growthUsage)
		}
		b.remember(ctx, req.Actor, a.ID)
	} else {
		tgt, err := b.resolveTarget(ctx, req.Actor, strings.Join(args, " "))
		if err != nil {
			return Reply{}, err
		}
		if tgt.isTerr {
			return b.territoryGrowth(ctx, tgt.territory, tgt.note, req.AsOf, year, canSet)
		}
		a, note = tgt.account, tgt.note
	}
	if err := b.checkAsOf(ctx, req.AsOf); err != nil {
		return Reply{}, err
	}
	g, err := b.Gaps.AccountGrowth(ctx, a, req.AsOf, year)
	if err != nil {
		return Reply{}, err
	}
	return b.growthReply(g, note, canSet), nil
}

func (b *Bot) territoryGrowth(ctx context.Context, t domain.Territory, note string, asOf time.Time, year int, canSet bool) (Reply, error) {
	if err := b.checkAsOf(ctx, asOf); err != nil {
		return Reply{}, err
	}
	g, err := b.Gaps.TerritoryGrowth(ctx, t.Name, asOf, year)
	if err != nil {
		return Reply{}, err
	}
	return b.growthReply(g, note, canSet), nil
}

// maySetObjectives reports whether the actor may use `growth set`: managers and admins,
// on a store that records objectives.
func (b *Bot) maySetObjectives(a Actor) bool {
	return a.Person.Role != domain.RoleRep && b.Objectives != nil
}

// daysLeftWords writes the days left in a year: "the 24 days left", "the last day".
func daysLeftWords(n int) string {
	if n == 1 {
		return "the last day"
	}
	return fmt.Sprintf("the %d days left", n)
}

// yoyWords compares the year to date with the same days a year earlier: "$452,347 vs
// $431,200 a year ago, +4.9%".
func (b *Bot) yoyWords(g domain.Growth) string {
	m := b.Money
	ago := "a year ago"
	if g.Closed() {
		ago = fmt.Sprintf("in %d", g.Year-1)
	}
	if !g.LastYearFrom.IsZero() {
		return fmt.Sprintf("%s — no year-ago figure: sales on file start %s", m.Format(g.YTD), g.LastYearFrom)
	}
	if g.YoY == nil {
		return fmt.Sprintf("%s vs nothing %s", m.Format(g.YTD), ago)
	}
	change := math.Round(*g.YoY*1000) / 10
	if change == 0 {
		change = 0 // never "-0.0%"
	}
	return fmt.Sprintf("%s vs %s %s, %+.1f%%", m.Format(g.YTD), m.Format(g.YTDLastYear), ago, change)
}

func (b *Bot) growthReply(g domain.Growth, note string, canSet bool) Reply {
	m := b.Money
	blocks := []Block{&Header{Text: fmt.Sprintf("%s — growth %d", g.Name, g.Year)}}
	if note != "" {
		blocks = append(blocks, &Context{Text: note})
	}
	what := "growth " + g.Key
	if g.Scope == domain.ScopeTerritory {
		what = "growth territory " + g.Key
	}
	howToSet := "Managers set objectives with `growth set <account|territory> <year> <revenue> [gp <gp>]`."
	if !canSet {
		howToSet = "Objectives are set by managers and admins."
	}
	if g.Upcoming() {
		text := fmt.Sprintf("%d has not started yet: no figures to pace.", g.Year)
		switch {
		case g.HasObjective:
			text = fmt.Sprintf("%d has not started yet. Its objective: *%s*", g.Year, m.Format(g.Target))
			if g.GPTarget > 0 {
				text += ", gross profit " + m.Format(g.GPTarget)
			}
			text += "."
		case g.SuggestedYear != 0:
			text = fmt.Sprintf("%d has not started yet and has no objective. A reasonable one: *%s* — the last 12 months' %s plus 20%% of the %s still to win.",
				g.Year, m.Format(g.SuggestedTarget), m.Format(g.RevenueW), m.Format(g.GapTotal))
		}
		blocks = append(blocks, &Text{Text: text})
		if !g.HasObjective && g.SuggestedYear != 0 && canSet {
			blocks = append(blocks, b.setButton(g))
		}
		src := ""
		if g.HasObjective {
			src = "; objective from " + objectiveSource(g)
		}
		blocks = append(blocks, &Context{Text: fmt.Sprintf("As of %s%s. %s", g.AsOf, src, howToSet)})
		return Reply{Blocks: blocks, Data: g}
	}
	if !g.HasObjective {
		var text string
		switch {
		case g.SuggestedYear == 0 && g.Closed():
			text = fmt.Sprintf("No objective was set for %d.", g.Year)
		case g.SuggestedYear == 0:
			text = fmt.Sprintf("No objective is set for %d; %d's is.", g.Year, g.Year+1)
		case g.SuggestedYear != g.Year:
			text = fmt.Sprintf("No objective is set for %d, and its last quarter has begun. A reasonable one for %d: *%s* — the last 12 months' %s plus 20%% of the %s still to win.",
				g.Year, g.SuggestedYear, m.Format(g.SuggestedTarget), m.Format(g.RevenueW), m.Format(g.GapTotal))
		default:
			text = fmt.Sprintf("No objective is set for %d. A reasonable one: *%s* — the last 12 months' %s plus 20%% of the %s still to win.",
				g.Year, m.Format(g.SuggestedTarget), m.Format(g.RevenueW), m.Format(g.GapTotal))
		}
		fields := []Field{{"Year to date", b.yoyWords(g)}, {"Year elapsed", pct(g.Elapsed)}, {"Projection", b.projectionWords(g)}}
		if g.Closed() {
			fields = []Field{{"Year", b.yoyWords(g)}, {"Projection", b.projectionWords(g)}}
		}
		blocks = append(blocks, &Text{Text: text}, &Fields{Fields: fields})
		if c := b.paceChart(g); c != nil {
			blocks = append(blocks, c)
		}
		if g.SuggestedYear != 0 && canSet {
			blocks = append(blocks, b.setButton(g))
		}
		blocks = append(blocks, &Context{Text: fmt.Sprintf("As of %s. %s", g.AsOf, howToSet)})
		return Reply{Blocks: blocks, Data: g}
	}
	fields := []Field{
		{"Objective", m.Format(g.Target)},
		{"Year to date", fmt.Sprintf("%s (expected by now: %s)", b.yoyWords(g), m.Format(g.Expected))},
	}
	if g.Closed() {
		fields[1] = Field{"Year", b.yoyWords(g)}
	}
	if g.Pace != nil && !g.Closed() {
		fields = append(fields, Field{"Pace", fmt.Sprintf("%s of pace", pct(*g.Pace))})
	}
	fields = append(fields, Field{"Projection", b.projectionWords(g)})
	switch {
	case g.Closed() && g.YTD >= g.Target:
		fields = append(fields, Field{"Result", fmt.Sprintf("the objective was reached (%s of it)", pct(g.YTD/g.Target))})
	case g.Closed():
		fields = append(fields, Field{"Result", fmt.Sprintf("%s short of the objective (%s of it)", m.Format(g.Target-g.YTD), pct(g.YTD/g.Target))})
	case g.YTD >= g.Target:
		fields = append(fields, Field{"Needed", "nothing more: the objective is reached"})
	case g.DaysLeft < domain.GrowthFinalDays:
		fields = append(fields, Field{"Needed in " + daysLeftWords(g.DaysLeft), m.Format(g.Target - g.YTD)})
	case g.NeededPerMonth != nil:
		fields = append(fields, Field{"Needed per month", m.Format(*g.NeededPerMonth) + " for the rest of the year"})
	}
	if g.GPTarget > 0 {
		gp := "GP year to date"
		if g.Closed() {
			gp = "GP for the year"
		}
		fields = append(fields, Field{"GP objective", fmt.Sprintf("%s (%s: %s)", m.Format(g.GPTarget), gp, m.Format(g.GPYTD))})
	}
	blocks = append(blocks, &Fields{Fields: fields})
	if c := b.paceChart(g); c != nil {
		blocks = append(blocks, c)
	}
	blocks = append(blocks,
		&Buttons{Buttons: []Button{{Label: "Gap", Command: strings.Replace(what, "growth", "gap", 1)}, {Label: "Share in channel", Command: "share"}}},
		&Context{Text: fmt.Sprintf("As of %s; objective from %s.", g.AsOf, objectiveSource(g))})
	return Reply{Blocks: blocks, Data: g}
}

// projectionWords says where the year ends at this rate, and how many days are left
// when few are.
func (b *Bot) projectionWords(g domain.Growth) string {
	m := b.Money
	switch {
	case g.Closed():
		return fmt.Sprintf("%s: the year is closed", m.Format(g.YTD))
	case g.DaysLeft < domain.GrowthFinalDays:
		return fmt.Sprintf("%s for the year at this rate, with %s", m.Format(g.Projection), daysLeftWords(g.DaysLeft))
	}
	return fmt.Sprintf("%s for the year at this rate", m.Format(g.Projection))
}

// setButton sets the suggested objective.
func (b *Bot) setButton(g domain.Growth) *Buttons {
	return &Buttons{Buttons: []Button{{Label: fmt.Sprintf("Set %s for %d", b.Money.Format(g.SuggestedTarget), g.SuggestedYear),
		Command: fmt.Sprintf("growth set %s %d %.0f", g.Key, g.SuggestedYear, g.SuggestedTarget), Style: "primary"}}}
}

// objectiveSource says where an objective comes from.
func objectiveSource(g domain.Growth) string {
	if g.SetBy != "" {
		return "set in chat by " + g.SetBy
	}
	return "objectives.csv"
}

// growthSet handles `growth set <account|territory> <year> <revenue> [gp <gp>]`, for
// managers (their territories and accounts) and admins.
func (b *Bot) growthSet(ctx context.Context, req Request, args []string) (Reply, error) {
	usage := func() string {
		return "Usage: `growth set <account|territory> <year> <revenue> [gp <gp>]`." + b.forExample(ctx, req, "growth", startsWith("growth set "))
	}
	if req.Actor.Person.Role == domain.RoleRep {
		return Reply{}, domain.Errorf(domain.EFORBIDDEN, "Objectives are set by managers and admins; ask your manager.")
	}
	if b.Objectives == nil {
		return Reply{}, domain.Errorf(domain.EINVALID, "This deployment's store cannot record objectives from chat; import objectives.csv instead.")
	}
	var gp float64
	if n := len(args); n >= 2 && strings.EqualFold(args[n-2], "gp") {
		v, ok := parseAmount(args[n-1])
		if !ok || v < 0 {
			return Reply{}, domain.Errorf(domain.EINVALID, "gp %q is not an amount. %s", args[n-1], usage())
		}
		if err := checkMax("gross profit objective", v, maxMoney, "money"); err != nil {
			return Reply{}, err
		}
		gp, args = v, args[:n-2]
	}
	if len(args) < 3 {
		return Reply{}, domain.Errorf(domain.EINVALID, "%s", usage())
	}
	n := len(args)
	year, err := strconv.Atoi(args[n-2])
	if err != nil || year < 2000 || year > 2100 {
		return Reply{}, domain.Errorf(domain.EINVALID, "%q is not a year. %s", args[n-2], usage())
	}
	revenue, ok := parseAmount(args[n-1])
	if !ok || revenue <= 0 {
		return Reply{}, domain.Errorf(domain.EINVALID, "%q is not a revenue amount. %s", args[n-1], usage())
	}
	if err := checkMax("revenue objective", revenue, maxMoney, "money"); err != nil {
		return Reply{}, err
	}
	name := strings.Join(args[:n-2], " ")
	obj := domain.Objective{Year: year, RevenueTarget: revenue, GPTarget: gp,
		SetBy: orName(req.Actor.Person), SetAt: b.Now().UTC().Truncate(time.Second)}
	var label string
	tgt, err := b.resolve(ctx, req.Actor, name, lookAccount|lookTerritory|lookExact)
	if err != nil {
		return Reply{}, err
	}
	if tgt.isTerr {
		obj.Scope, obj.Key, label = domain.ScopeTerritory, tgt.territory.Name, "territory "+tgt.territory.Name
	} else {
		obj.Scope, obj.Key, label = domain.ScopeAccount, tgt.account.ID, fmt.Sprintf("%s (%s)", tgt.account.Name, tgt.account.ID)
	}
	if err := b.Objectives.SetObjective(ctx, obj); err != nil {
		return Reply{}, fmt.Errorf("set objective: %w", err)
	}
	text := fmt.Sprintf("Objective set for %s, %d: revenue %s", label, year, b.Money.Format(revenue))
	if gp > 0 {
		text += ", gross profit " + b.Money.Format(gp)
	}
	text += fmt.Sprintf(". Recorded as set by %s at %s.", obj.SetBy, obj.SetAt.Format("2006-01-02 15:04 UTC"))
	cmd := "growth " + obj.Key
	if obj.Scope == domain.ScopeTerritory {
		cmd = "growth territory " + obj.Key
	}
	return Reply{
		Blocks: []Block{&Header{Text: "Objective set"}, &Text{Text: text},
			&Context{Text: "A later import of objectives.csv replaces it if the file names the same scope, key and year."},
			&Buttons{Buttons: []Button{{Label: "See the pace", Command: cmd, Style: "primary"}}}},
		Data: obj,
	}, nil
}

// orName identifies a person in records: their email, else their name.
func orName(p domain.Person) string {
	if p.Email != "" {
		return p.Email
	}
	return p.Name
}
