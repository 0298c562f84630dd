package bot

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The model router: the read-only commands as tools. A tool call is checked here
// before anything runs: a known tool, known arguments, every name (account, territory,
// category, SKU, competitor, scenario) in the question itself after normalising, every
// number in range. The command it makes runs as the asker, so access is what it always
// is; the model sees the question and the tools, never a reply.

// toolSpec is one tool and how its call becomes a command.
type toolSpec struct {
	Tool
	build func(a map[string]string) string
}

// Parameter kinds: a parameter named so holds a name that must appear in the question.
var nameParams = map[string]bool{"account": true, "territory": true, "category": true, "sku": true, "competitor": true}

var (
	scopeParam = ToolParam{Name: "scope", Description: "whose accounts: mine (the asker's own, the default), territory (then give territory) or market (every territory)",
		Enum: []string{"mine", "territory", "market"}}
	territoryParam = ToolParam{Name: "territory", Description: "a territory's name exactly as the question writes it"}
	accountParam   = ToolParam{Name: "account", Description: "an account's name exactly as the question writes it", Required: true}
)

// tools are the read-only commands the model router may choose, in a fixed order.
func tools() []toolSpec {
	req := func(p ToolParam) ToolParam { p.Required = true; return p }
	scoped := func(verb string, a map[string]string) string {
		switch a["scope"] {
		case "territory":
			return verb + " territory " + a["territory"]
		case "market":
			return verb + " market"
		}
		return verb + " mine"
	}
	ts := []toolSpec{
		{Tool{"gap_account", "The business we have at one account next to what is left to win there, by category.", []ToolParam{accountParam}},
			func(a map[string]string) string { return "gap " + a["account"] }},
		{Tool{"gap_territory", "A territory's business next to what is left to win, by category.", []ToolParam{req(territoryParam)}},
			func(a map[string]string) string { return "gap territory " + a["territory"] }},
		{Tool{"gap_market", "Every territory's business next to what is left to win (admins).", nil},
			func(map[string]string) string { return "gap market" }},
		{Tool{"grade_account", "An account's tier on the customer value scale, its true gross profit and what lifts it a tier.", []ToolParam{accountParam}},
			func(a map[string]string) string { return "grade " + a["account"] }},
		{Tool{"grade_territory", "The tiers of a territory's accounts.", []ToolParam{req(territoryParam)}},
			func(a map[string]string) string { return "grade territory " + a["territory"] }},
		{Tool{"growth_account", "An account's pace against this year's objective.", []ToolParam{accountParam}},
			func(a map[string]string) string { return "growth " + a["account"] }},
		{Tool{"growth_territory", "A territory's pace against this year's objective.", []ToolParam{req(territoryParam)}},
			func(a map[string]string) string { return "growth territory " + a["territory"] }},
		{Tool{"deal_suggest", "Up to three trades to offer an account (give a discount, get a first order).", []ToolParam{accountParam}},
			func(a map[string]string) string { return "deal suggest " + a["account"] }},
		{Tool{"deal_compare", "Saved deal scenarios side by side.", []ToolParam{{Name: "scenarios", Description: "two or more scenario ids such as S-3 S-4, separated by spaces", Required: true}}},
			func(a map[string]string) string { return "deal compare " + a["scenarios"] }},
		{Tool{"cpu", "Our cost per use of a product at an account against competitors' offers.", []ToolParam{accountParam,
			{Name: "sku", Description: "the product's SKU as written in the question", Required: true},
			{Name: "competitor", Description: "a competitor named in the question, if any"}}},
			func(a map[string]string) string {
				s := "cpu " + quoted(a["account"]) + " " + a["sku"]
				if a["competitor"] != "" {
					s += " vs " + quoted(a["competitor"])
				}
				return s
			}},
		{Tool{"top_gaps", "The biggest gaps no open opportunity covers, ranked by gross profit weighted by the customer's tier.", []ToolParam{scopeParam, territoryParam,
			{Name: "category", Description: "a product category named in the question, if any"}}},
			func(a map[string]string) string { return withCategory(scoped("top gaps", a), a["category"]) }},
		{Tool{"slipping", "Accounts at risk or down a tier now that were not 30 days ago.", []ToolParam{scopeParam, territoryParam}},
			func(a map[string]string) string { return scoped("slipping", a) }},
		{Tool{"late", "Money owed to us past its due date, by account.", []ToolParam{scopeParam, territoryParam}},
			func(a map[string]string) string { return scoped("late", a) }},
		{Tool{"closing", "Open opportunities expected to close soon, by close date.", []ToolParam{scopeParam, territoryParam,
			{Name: "days", Description: "how many days ahead, 1 to 366; 30 when the question does not say"}}},
			func(a map[string]string) string {
				s := scoped("closing", a)
				if a["days"] != "" {
					s += " in " + a["days"] + " days"
				}
				return s
			}},
		{Tool{"accounts", "The accounts the asker can see, or one territory's.", []ToolParam{territoryParam}},
			func(a map[string]string) string { return strings.TrimSpace("accounts " + a["territory"]) }},
		{Tool{"account", "Who an account is: its territory, owner and other names.", []ToolParam{accountParam}},
			func(a map[string]string) string { return "account " + a["account"] }},
		{Tool{"help", "What the assistant can do, or one command's help.", []ToolParam{{Name: "command", Description: "a command's name, if the question asks about one"}}},
			func(a map[string]string) string { return strings.TrimSpace("help " + a["command"]) }},
	}
	// `brief` joins when the grammar has it.
	if _, ok := findCommand("brief"); ok {
		ts = append(ts, toolSpec{Tool{"brief", "A short brief on one account: how it is doing.", []ToolParam{accountParam}},
			func(a map[string]string) string { return "brief " + a["account"] }})
	}
	return ts
}

// routeModel asks the model router, within its time limit, and checks its call. It
// returns the command and the outcome for QuestionObserver.
func (b *Bot) routeModel(ctx context.Context, question string) (string, string, error) {
	timeout := b.RouteTimeout
	if timeout <= 0 {
		timeout = DefaultRouteTimeout
	}
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	specs := tools()
	ts := make([]Tool, len(specs))
	for i, s := range specs {
		ts[i] = s.Tool
	}
	call, err := b.Router.Route(rctx, question, ts)
	switch {
	case rctx.Err() != nil && ctx.Err() == nil:
		return "", OutcomeTimeout, fmt.Errorf("model router: %w", rctx.Err())
	case err != nil:
		return "", OutcomeError, fmt.Errorf("model router: %w", err)
	}
	cmd, err := checkToolCall(specs, question, call)
	if err != nil {
		return "", OutcomeRefused, err
	}
	return cmd, OutcomeRouted, nil
}

var (
	reScenarioID = regexp.MustCompile(`^[Ss]-?(\d{1,9})$`)
	reSKU        = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$`)
)

var possessives = strings.NewReplacer("'s ", " ", "’s ", " ", "s' ", "s ", "s’ ", "s ")

// checkToolCall turns a model's call into a command, or refuses it.
func checkToolCall(specs []toolSpec, question string, call ToolCall) (string, error) {
	i := slices.IndexFunc(specs, func(s toolSpec) bool { return s.Name == call.Name })
	if i < 0 {
		return "", fmt.Errorf("the model called %q, which is not a tool", call.Name)
	}
	spec := specs[i]
	// A possessive names what it owns: "Acme's" is Acme.
	q := " " + strings.Join(nameWords(possessives.Replace(question+" ")), " ") + " "
	args := map[string]string{}
	for k, v := range call.Args {
		v = strings.TrimSpace(v)
		j := slices.IndexFunc(spec.Params, func(p ToolParam) bool { return p.Name == k })
		if j < 0 {
			return "", fmt.Errorf("%s has no argument %q", call.Name, k)
		}
		p := spec.Params[j]
		if v == "" {
			continue
		}
		if strings.ContainsAny(v, "\"“”`\n\r") || len(v) > 100 {
			return "", fmt.Errorf("%s: %s %q is not a name", call.Name, k, v)
		}
		if len(p.Enum) > 0 && !slices.Contains(p.Enum, v) {
			return "", fmt.Errorf("%s: %s %q is not one of %v", call.Name, k, v, p.Enum)
		}
		if nameParams[k] {
			w := nameWords(v)
			if len(w) == 0 || !strings.Contains(q, " "+strings.Join(w, " ")+" ") {
				return "", fmt.Errorf("%s: %s %q is not in the question", call.Name, k, v)
			}
		}
		switch k {
		case "sku":
			if !reSKU.MatchString(v) {
				return "", fmt.Errorf("%s: %q is not a SKU", call.Name, v)
			}
		case "days":
			if n, err := strconv.Atoi(v); err != nil || n < 1 || n > maxClosingDays {
				return "", fmt.Errorf("%s: %q is not a number of days from 1 to %d", call.Name, v, maxClosingDays)
			}
		case "command":
			if _, ok := findCommand(strings.ToLower(v)); !ok {
				return "", fmt.Errorf("%s: %q is not a command", call.Name, v)
			}
			v = strings.ToLower(v)
		case "scenarios":
			var ids []string
			for _, f := range strings.Fields(strings.ReplaceAll(v, ",", " ")) {
				m := reScenarioID.FindStringSubmatch(f)
				if m == nil || !strings.Contains(q, " s "+m[1]+" ") && !strings.Contains(q, " s"+m[1]+" ") {
					return "", fmt.Errorf("%s: %q is not a scenario of the question", call.Name, f)
				}
				ids = append(ids, "S-"+m[1])
			}
			if len(ids) < 2 {
				return "", fmt.Errorf("%s needs two scenarios or more", call.Name)
			}
			v = strings.Join(ids, " ")
		}
		args[k] = v
	}
	for _, p := range spec.Params {
		if p.Required && args[p.Name] == "" {
			return "", fmt.Errorf("%s needs %s", call.Name, p.Name)
		}
	}
	if args["scope"] == "territory" && args["territory"] == "" {
		return "", errors.New("a territory scope needs its territory")
	}
	if args["territory"] != "" && slices.ContainsFunc(spec.Params, func(p ToolParam) bool { return p.Name == "scope" }) {
		args["scope"] = "territory"
	}
	return spec.build(args), nil
}
