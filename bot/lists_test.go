package bot_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// TestTopGapsRanksAsTheDigest: `top gaps territory North` ranks the territory's
// uncovered gaps as its weekly digest ranks its whitespace (the digest keeps five).
func TestTopGapsRanksAsTheDigest(t *testing.T) {
	b := newTestBot(t, "digestdata")
	top := askJSON[bot.TopGaps](t, b, "top gaps territory North")
	d := askJSON[domain.Digest](t, b, "digest North")
	if len(d.Whitespace) == 0 || top.Count < len(d.Whitespace) {
		t.Fatalf("top gaps %d, digest whitespace %d", top.Count, len(d.Whitespace))
	}
	if diff := cmp.Diff(d.Whitespace, top.Gaps[:len(d.Whitespace)]); diff != "" {
		t.Errorf("top gaps against the digest (-digest +top):\n%s", diff)
	}
	fast := askJSON[bot.TopGaps](t, b, "top gaps market in fasteners")
	if fast.Count == 0 || slices.ContainsFunc(fast.Gaps, func(w domain.Whitespace) bool { return w.Category != "Fasteners" }) {
		t.Errorf("top gaps in fasteners: %+v", fast)
	}
}

// TestListScopes: `mine` is a rep's own accounts, a manager's territories and an
// admin's market; the market and other territories are refused to a rep.
func TestListScopes(t *testing.T) {
	data := demoData(t, 0, 0)
	b := botOver(t, data)
	rep := firstRep(t, filepath.Join(data, "people.csv"))
	actor, err := b.ActorByEmail(t.Context(), rep)
	if err != nil {
		t.Fatal(err)
	}
	own := map[string]bool{}
	for _, a := range askJSON[bot.AccountList](t, b, "accounts", as(rep)).Accounts {
		if a.Yours {
			own[a.ID] = true
		}
	}
	late := askJSON[bot.LateList](t, b, "late", as(rep))
	closing := askJSON[bot.ClosingList](t, b, "closing mine in 120 days", as(rep))
	top := askJSON[bot.TopGaps](t, b, "top gaps mine", as(rep))
	slip := askJSON[bot.SlippingList](t, b, "slipping", as(rep))
	var ids []string
	for _, p := range late.Accounts {
		ids = append(ids, p.AccountID)
	}
	for _, o := range closing.Opportunities {
		ids = append(ids, o.AccountID)
	}
	for _, w := range top.Gaps {
		ids = append(ids, w.AccountID)
	}
	for _, s := range slip.Slips {
		ids = append(ids, s.AccountID)
	}
	if len(ids) == 0 {
		t.Fatal("the rep's lists are all empty")
	}
	for _, id := range ids {
		if !own[id] {
			t.Errorf("%s is not %s's own account", id, rep)
		}
	}
	if top.Scope != "mine" || closing.Days != 120 {
		t.Errorf("scope %q, days %d", top.Scope, closing.Days)
	}
	for i, o := range closing.Opportunities {
		if o.DaysToClose < 1 || o.DaysToClose > 120 || i > 0 && o.CloseDate.Compare(closing.Opportunities[i-1].CloseDate) < 0 {
			t.Errorf("closing %d: %+v", i, o)
		}
	}
	other := "Northeast"
	if actor.CanSeeTerritory(other) {
		other = "Great Lakes"
	}
	for _, c := range []string{"top gaps market", "late market", "slipping territory " + other, "closing territory " + other} {
		if out, err := ask(t, b, c, as(rep)); err == nil || !strings.HasPrefix(out, "Not yours to see") && domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("%s as a rep: %v\n%s", c, err, out)
		}
	}
	// An admin's mine is the market.
	if diff := cmp.Diff(askJSON[bot.LateList](t, b, "late market").Accounts, askJSON[bot.LateList](t, b, "late").Accounts); diff != "" {
		t.Errorf("an admin's late against the market's:\n%s", diff)
	}
	if s := askJSON[bot.SlippingList](t, b, "slipping"); s.Count == 0 || s.Since.String() != "2026-10-28" {
		t.Errorf("slipping in the market: %+v", s)
	}
}

// TestListErrors: what a list command cannot read says so, with its usage.
func TestListErrors(t *testing.T) {
	b := newTestBot(t, "gapdata")
	for c, want := range map[string]string{
		"top":                     "Top what? Usage: `top gaps [mine|territory <name>|market] [in <category>]`.",
		"top gaps in":             "In which category? Usage: `top gaps mine in <category>`.",
		"top gaps in zzz":         `No category of the market is "zzz". Its categories: Fasteners, Hydraulics, Safety, Welding.`,
		"closing in 400 days":     `I read "in 400 days" as no number of days from 1 to 366. Usage: ` + "`closing mine in 60 days`.",
		"closing in 5 weeks":      `I read "in 5 weeks" as no number of days from 1 to 366. Usage: ` + "`closing mine in 60 days`.",
		"late yesterday":          `I read "yesterday" as neither ` + "`mine`, `territory <name>` nor `market`. Usage: `late [mine|territory <name>|market]`.",
		"slipping mine in 3 days": "`slipping` takes a scope only. Usage: `slipping [mine|territory <name>]`.",
	} {
		_, err := ask(t, b, c)
		if err == nil || bot.ErrorText(err) != want {
			t.Errorf("%s: %v, want %q", c, err, want)
		}
	}
}
