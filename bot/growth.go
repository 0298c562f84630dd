package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/incumbent/incumbent/domain"
)

func (b *Bot) growthCmd(ctx context.Context, req Request, args []string) (Reply, error) {
	lastNote := ""
	if len(args) == 0 {
		last, n, ok := b.lastAccount(ctx, req.Actor)
		lastNote = n
		if !ok {
			return Reply{}, domain.Errorf(domain.EINVALID, "Growth of what? Usage: `growth <account>`, `growth territory <name>` or `growth set <account|territory> <year> <revenue> [gp <gp>]`.")
		}
		args = []string{last.ID}
	}
	switch strings.ToLower(args[0]) {
	case "set":
		return b.growthSet(ctx, req, args[1:])
	case "territory":
		if len(args) == 1 {
			return Reply{}, domain.Errorf(domain.EINVALID, "Which territory? Usage: `growth territory <name>`.")
		}
		t, note, err := b.resolveTerritory(ctx, req.Actor, strings.Join(args[1:], " "))
		if err != nil {
			return Reply{}, err
		}
		return b.territoryGrowth(ctx, t, note, req.AsOf)
	}
	tgt, err := b.resolveTarget(ctx, req.Actor, strings.Join(args, " "))
	if err != nil {
		return Reply{}, err
	}
	if tgt.isTerr {
		return b.territoryGrowth(ctx, tgt.territory, tgt.note, req.AsOf)
	}
	a, note := tgt.account, tgt.note
	if lastNote != "" {
		note = lastNote
	}
	if err := b.checkAsOf(ctx, req.AsOf); err != nil {
		return Reply{}, err
	}
	g, err := b.Gaps.AccountGrowth(ctx, a, req.AsOf)
	if err != nil {
		return Reply{}, err
	}
	return b.growthReply(g, note), nil
}

func (b *Bot) territoryGrowth(ctx context.Context, t domain.Territory, note string, asOf time.Time) (Reply, error) {
	if err := b.checkAsOf(ctx, asOf); err != nil {
		return Reply{}, err
	}
	g, err := b.Gaps.TerritoryGrowth(ctx, t.Name, asOf)
	if err != nil {
		return Reply{}, err
	}
	return b.growthReply(g, note), nil
}

func (b *Bot) growthReply(g domain.Growth, note string) Reply {
	m := b.Money
	blocks := []Block{&Header{Text: fmt.Sprintf("%s — growth %d", g.Name, g.Year)}}
	if note != "" {
		blocks = append(blocks, &Context{Text: note})
	}
	what := "growth " + g.Key
	if g.Scope == domain.ScopeTerritory {
		what = "growth territory " + g.Key
	}
	if !g.HasObjective {
		blocks = append(blocks,
			&Text{Text: fmt.Sprintf("No objective is set for %d. A reasonable one: *%s* — the last 12 months' %s plus 20%% of the %s still to win.",
				g.Year, m.Format(g.SuggestedTarget), m.Format(g.RevenueW), m.Format(g.GapTotal))},
			&Fields{Fields: []Field{
				{"Year to date", m.Format(g.YTD)},
				{"Year elapsed", pct(g.Elapsed)},
				{"Projection", m.Format(g.Projection) + " at this rate"},
			}},
			&Buttons{Buttons: []Button{{Label: "Set " + m.Format(g.SuggestedTarget),
				Command: fmt.Sprintf("growth set %s %d %.0f", g.Key, g.Year, g.SuggestedTarget), Style: "primary"}}},
			&Context{Text: fmt.Sprintf("As of %s. Managers set objectives with `growth set <account|territory> <year> <revenue> [gp <gp>]`.", g.AsOf)})
		return Reply{Blocks: blocks, Data: g}
	}
	fields := []Field{
		{"Objective", m.Format(g.Target)},
		{"Year to date", fmt.Sprintf("%s (expected by now: %s)", m.Format(g.YTD), m.Format(g.Expected))},
	}
	if g.Pace != nil {
		fields = append(fields, Field{"Pace", fmt.Sprintf("%s of pace", pct(*g.Pace))})
	}
	fields = append(fields, Field{"Projection", fmt.Sprintf("%s for the year at this rate", m.Format(g.Projection))})
	switch {
	case g.NeededPerMonth == nil:
		fields = append(fields, Field{"Needed per month", "— (the year is over)"})
	case *g.NeededPerMonth <= 0:
		fields = append(fields, Field{"Needed per month", "nothing more: the objective is reached"})
	default:
		fields = append(fields, Field{"Needed per month", m.Format(*g.NeededPerMonth) + " for the rest of the year"})
	}
	if g.GPTarget > 0 {
		fields = append(fields, Field{"GP objective", m.Format(g.GPTarget)})
	}
	blocks = append(blocks, &Fields{Fields: fields})
	src := "objectives.csv"
	if g.SetBy != "" {
		src = "set in chat by " + g.SetBy
	}
	blocks = append(blocks,
		&Buttons{Buttons: []Button{{Label: "Gap", Command: strings.Replace(what, "growth", "gap", 1)}, {Label: "Share in channel", Command: "share"}}},
		&Context{Text: fmt.Sprintf("As of %s; objective from %s.", g.AsOf, src)})
	return Reply{Blocks: blocks, Data: g}
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
