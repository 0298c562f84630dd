package bot

import (
	"context"
	"fmt"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// homeAccounts is how many accounts a home view lists per territory.
const homeAccounts = 8

// Home is a person's overview (Slack's App Home, Teams' welcome): first the briefs of
// the person's own accounts with the most at stake (at most three), then per territory
// they see, the accounts with the biggest gap no opportunity covers, each with its tier, and
// quick actions. An admin gets the territories listed instead of every account.
func (b *Bot) Home(ctx context.Context, actor Actor, asOf time.Time) Reply {
	if asOf.IsZero() {
		asOf = domain.Day(b.Now())
	}
	name := actor.Person.Name
	if name == "" {
		name = "there"
	}
	blocks := []Block{&Header{Text: "Incumbent"}, &Text{Text: fmt.Sprintf("Hi %s. Where the next hour pays: the biggest gaps nothing in the pipeline covers, with each customer's grade.", name)}}
	if actor.All() {
		ts, err := b.Store.FindTerritories(ctx)
		if err != nil {
			return b.errorReply(ctx, Request{Actor: actor}, fmt.Errorf("find territories: %w", err))
		}
		var bs []Button
		for _, t := range ts {
			bs = append(bs, Button{Label: "Gap of " + t.Name, Command: "gap territory " + t.Name})
		}
		blocks = append(blocks, &Text{Text: "You see every territory. Start with the market, or one territory:"},
			&Buttons{Buttons: append([]Button{{Label: "Gap of the market", Command: "gap market", Style: "primary"}}, bs...)})
		return Reply{Blocks: blocks}
	}
	grades, err := b.Grades.Book(ctx, asOf)
	if err != nil {
		return b.errorReply(ctx, Request{Actor: actor}, err)
	}
	tier := make(map[string]string, len(grades))
	for _, g := range grades {
		tier[g.AccountID] = g.Tier
	}
	// Above the rest, the briefs of the person's own accounts with the most at stake.
	// When they cannot be computed, the rest still shows.
	briefs, err := b.topBriefs(ctx, actor, asOf, tier)
	if err != nil {
		b.Logger.WarnContext(ctx, "home: briefs left out", "actor", actor.who(), "err", err)
	}
	if len(briefs) > 0 {
		blocks = append(blocks, &Text{Text: fmt.Sprintf("*Before your calls*: your %s with the most at stake (gap GP with no plan, weighted by tier).",
			countOf(float64(len(briefs)), "account", "accounts"))})
		for _, br := range briefs {
			blocks = append(blocks, b.briefReply(br, "", false).Blocks...)
		}
	}
	for _, t := range actor.Territories() {
		r, err := b.Gaps.TerritoryGap(ctx, t, asOf)
		if err != nil {
			return b.errorReply(ctx, Request{Actor: actor}, err)
		}
		tbl := &Table{Columns: []Column{{Title: "Account"}, {Title: "Tier"}, {Title: "Uncovered gap", Numeric: true}, {Title: "Share", Numeric: true}}}
		var bs []Button
		for i, a := range r.TopByUncovered {
			if i == homeAccounts {
				break
			}
			share := "—"
			if a.Potential > 0 {
				share = pct(a.Current / a.Potential)
			}
			tbl.Rows = append(tbl.Rows, []string{a.Name, orDash(tier[a.AccountID]), b.Money.Format(a.Uncovered), share})
			if i < 3 {
				bs = append(bs, Button{Label: "Deal ideas: " + a.Name, Command: "deal suggest " + a.AccountID})
			}
		}
		blocks = append(blocks, &Text{Text: fmt.Sprintf("*%s* — %d %s, %s still to win", t, r.Accounts, plural(r.Accounts, "account", "accounts"), b.Money.Format(r.Totals.Gap))}, tbl,
			&Buttons{Buttons: append([]Button{{Label: "Gap of " + t, Command: "gap territory " + t, Style: "primary"}, {Label: "Grades of " + t, Command: "grade territory " + t}}, bs...)})
	}
	blocks = append(blocks, &Context{Text: "As of " + asOf.Format(domain.DateLayout) + ". Refreshed each time you open this tab. Type `/incumbent help` for every command."})
	return Reply{Blocks: blocks}
}
