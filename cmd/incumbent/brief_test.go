package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	goslack "github.com/slack-go/slack"

	slackadapter "github.com/incumbent/incumbent/adapters/slack"
	"github.com/incumbent/incumbent/adapters/teams"
	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// slackTextLines returns the non-empty lines of text a Slack message shows: of its
// headers, sections (text and fields) and context, not its buttons; entities read as
// the characters they show.
func slackTextLines(blocks []goslack.Block) []string {
	unescape := strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")
	var lines []string
	add := func(s string) {
		for _, l := range strings.Split(unescape.Replace(s), "\n") {
			if strings.TrimSpace(l) != "" {
				lines = append(lines, l)
			}
		}
	}
	for _, b := range blocks {
		switch b := b.(type) {
		case *goslack.HeaderBlock:
			add(b.Text.Text)
		case *goslack.SectionBlock:
			if b.Text != nil {
				add(b.Text.Text)
			}
			for _, f := range b.Fields {
				add(f.Text)
			}
		case *goslack.ContextBlock:
			for _, e := range b.ContextElements.Elements {
				if t, ok := e.(*goslack.TextBlockObject); ok {
					add(t.Text)
				}
			}
		}
	}
	return lines
}

// TestBriefEveryDemoAccount asks the brief of every account of the demo company, as an
// admin and as the rep who owns it, and holds each to one phone screen: at most 12
// non-empty lines of at most 60 characters in Slack (header, sections, fields and
// context; buttons aside), at most 16 lines in the CLI's text, one Teams card within
// Teams' size, and nothing that no reply may show. With INCUMBENT_REPLY_DIR set, the
// Slack and Teams replies are kept there for the platforms' validators (.ci/validate),
// as TestDemoRepliesScan keeps its own.
func TestBriefEveryDemoAccount(t *testing.T) {
	b, s := demoBot(t)
	ctx := context.Background()
	accs, err := s.FindAccounts(ctx, domain.AllAccounts)
	if err != nil {
		t.Fatal(err)
	}
	if len(accs) < 200 {
		t.Fatalf("%d demo accounts", len(accs))
	}
	keep := os.Getenv("INCUMBENT_REPLY_DIR")
	if keep != "" {
		for _, f := range []string{"slack", "teams"} {
			if err := os.MkdirAll(filepath.Join(keep, f), 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	owners := map[string]bot.Actor{}
	for _, a := range accs {
		askers := []bot.Actor{bot.Admin("test")}
		if a.Owner != "" {
			if _, ok := owners[a.Owner]; !ok {
				owners[a.Owner] = actorOf(t, b, a.Owner)
			}
			askers = append(askers, owners[a.Owner])
		}
		for who, as := range askers {
			command := "brief " + a.ID
			r := b.Handle(ctx, bot.Request{Actor: as, Text: command, AsOf: demoAsOf})
			if r.Err != nil {
				t.Fatalf("%s as %s: %v", command, as.Person.Email, r.Err)
			}
			text := bot.RenderText(r)
			if n := strings.Count(text, "\n"); n > 16 {
				t.Errorf("%s: %d lines of text, want at most 16:\n%s", command, n, text)
			}
			blocks := slackadapter.RenderBlocks(r)
			lines := slackTextLines(blocks)
			if len(lines) > 12 {
				t.Errorf("%s: %d lines in Slack, want at most 12:\n%s", command, len(lines), strings.Join(lines, "\n"))
			}
			for _, l := range lines {
				if n := utf8.RuneCountInString(l); n > bot.BriefWidth {
					t.Errorf("%s: a Slack line of %d characters: %q", command, n, l)
				}
			}
			card := teams.Render(r, command)
			if size := teams.MessageSize(teams.Message(r, card)); size > teams.MaxMessage {
				t.Errorf("%s: a Teams message of %d bytes", command, size)
			}
			slackJSON, err := json.MarshalIndent(map[string]any{"blocks": blocks}, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			teamsJSON, err := json.MarshalIndent(card, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			jsonOut, err := bot.RenderJSON(r)
			if err != nil {
				t.Fatal(err)
			}
			problems := append(replyProblems(text), replyProblems(string(jsonOut))...)
			problems = append(problems, replyProblems(string(slackJSON))...)
			problems = append(problems, slackProblems(slackJSON)...)
			for _, p := range problems {
				t.Errorf("%s: %s", command, p)
			}
			if keep != "" {
				name := "brief-" + a.ID + "-" + []string{"admin", "owner"}[who] + ".json"
				if err := os.WriteFile(filepath.Join(keep, "slack", name), slackJSON, 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(keep, "teams", name), teamsJSON, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}
