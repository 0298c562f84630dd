package slack_test

import (
	"cmp"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	goslack "github.com/slack-go/slack"

	"github.com/incumbent/incumbent/adapters/demo"
	"github.com/incumbent/incumbent/adapters/slack"
	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// TestAppHomeBriefs opens the App Home of a rep of the demo company: views.publish
// carries, above the territory's gaps, the briefs of the three accounts the rep owns
// with the most at stake, most first, and the view keeps within the Home tab's 100
// blocks.
func TestAppHomeBriefs(t *testing.T) {
	dir := t.TempDir()
	end := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	if _, err := demo.Write(t.Context(), filepath.Join(dir, "data"), demo.Options{End: end}); err != nil {
		t.Fatal(err)
	}
	s := importedStore(t, filepath.Join(dir, "data"))
	_, f, base, b := setupOver(t, s)

	// A rep with a Slack id who owns at least four accounts, and what each has at stake
	// as their briefs say.
	people, err := s.FindPeople(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	accs, err := s.FindAccounts(t.Context(), domain.AllAccounts)
	if err != nil {
		t.Fatal(err)
	}
	var rep domain.Person
	var owned []domain.Account
	for _, p := range people {
		var own []domain.Account
		for _, a := range accs {
			if strings.EqualFold(a.Owner, p.Email) {
				own = append(own, a)
			}
		}
		if p.Role == domain.RoleRep && p.SlackUserID != "" && len(own) >= 4 {
			rep, owned = p, own
			break
		}
	}
	if rep.Email == "" {
		t.Fatal("no rep of the demo company with a Slack id owns four accounts")
	}
	type stake struct {
		name  string
		value float64
	}
	var stakes []stake
	for _, a := range owned {
		br, err := b.Brief(t.Context(), a, end)
		if err != nil {
			t.Fatal(err)
		}
		if br.AtStake > 0 {
			stakes = append(stakes, stake{a.Name, br.AtStake})
		}
	}
	slices.SortStableFunc(stakes, func(x, y stake) int { return cmp.Compare(y.value, x.value) })
	var want []string
	for _, st := range stakes[:min(3, len(stakes))] {
		want = append(want, st.name+" — brief")
	}

	signed(t, base, "/slack/events", "application/json",
		event("EvHome", `{"type":"app_home_opened","user":"`+rep.SlackUserID+`","channel":"D1","tab":"home","event_ts":"1"}`), time.Now(), secret)
	c := f.wait("views.publish")
	raw, err := json.Marshal(c.JSON["view"])
	if err != nil {
		t.Fatal(err)
	}
	var view goslack.View
	if err := json.Unmarshal(raw, &view); err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	if c.JSON["user_id"] != rep.SlackUserID || view.Type != goslack.VTHomeTab {
		t.Fatalf("views.publish for %v, type %q", c.JSON["user_id"], view.Type)
	}
	blocks := view.Blocks.BlockSet
	if len(blocks) > 100 {
		t.Errorf("%d blocks, the Home tab holds 100", len(blocks))
	}
	var briefs []string
	firstBrief, firstTerritory := -1, -1
	for i, bl := range blocks {
		switch bl := bl.(type) {
		case *goslack.HeaderBlock:
			if strings.HasSuffix(bl.Text.Text, " — brief") {
				briefs = append(briefs, bl.Text.Text)
				if firstBrief < 0 {
					firstBrief = i
				}
			}
		case *goslack.SectionBlock:
			if bl.Text != nil && strings.HasPrefix(bl.Text.Text, "*"+rep.Territory+"* — ") && firstTerritory < 0 {
				firstTerritory = i
			}
		}
	}
	if diff := gocmp.Diff(want, briefs); diff != "" || len(want) != 3 {
		t.Errorf("briefs on App Home (-want +got):\n%s", diff)
	}
	if firstBrief < 0 || firstTerritory < 0 || firstBrief > firstTerritory {
		t.Errorf("the briefs (block %d) are not above the territory (block %d)", firstBrief, firstTerritory)
	}
	// The briefs' buttons run commands on those accounts; none shares (a view is not a
	// message).
	if strings.Contains(string(raw), `"share-`) || !strings.Contains(string(raw), `"deal suggest `) {
		t.Errorf("buttons of the briefs:\n%s", raw)
	}
}

// TestBriefGolden renders a brief with every section (bot/testdata/briefdata: a
// category at risk, invoices past due, an opportunity closing, an offer, a trade and a
// lead with value) as Block Kit, and compares it with a golden file.
func TestBriefGolden(t *testing.T) {
	s := importedStore(t, filepath.Join("..", "..", "bot", "testdata", "briefdata"))
	_, _, _, b := setupOver(t, s)
	r := b.Handle(t.Context(), bot.Request{Actor: bot.Admin("test"), Text: "brief acme"})
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	blocks := slack.RenderBlocks(r)
	valid(t, blocks)
	golden(t, "reply_brief_full.json", goslack.Blocks{BlockSet: blocks})
}
