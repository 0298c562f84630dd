package main

import (
	"cmp"
	"context"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/incumbent/incumbent/adapters/teams"
	"github.com/incumbent/incumbent/bot"
)

// TestTeamsMessageSizes renders every command on the demo data, about every account and
// territory, as an admin and as a rep of Northeast, as the Teams message it is sent in,
// and holds the largest message of each command (and every "See the rest" page of it)
// to teams.MaxMessage: 40 KB measured as Teams does (the activity's JSON in UTF-16,
// base64 images aside).
func TestTeamsMessageSizes(t *testing.T) {
	b, _ := demoBot(t)
	data, _ := demoFiles(t)
	ctx := context.Background()
	paul := actorOf(t, b, "paul.sanchez@example.com")
	territories := csvColumn(t, filepath.Join(data, "territories.csv"), "territory")
	ids := csvColumn(t, filepath.Join(data, "accounts.csv"), "account_id")
	commands := map[string][]string{
		"help": {"help", "help gap"}, "accounts": {"accounts"}, "gap market": {"gap market"},
		"deal suggest": nil, "deal compare": {"deal compare S-1 S-2"}, "deal show": {"deal show S-1"},
	}
	for _, verb := range []string{"gap", "grade", "growth", "talk", "deal suggest"} {
		for _, id := range ids {
			commands[verb] = append(commands[verb], verb+" "+id)
		}
	}
	for _, verb := range []string{"gap territory", "grade territory", "growth territory", "digest"} {
		for _, tr := range territories {
			commands[verb] = append(commands[verb], verb+" "+tr)
		}
	}
	type message struct {
		command string
		size    int
	}
	var largest []message
	for verb, cmds := range commands {
		big := message{}
		for _, as := range []bot.Actor{bot.Admin("test"), paul} {
			for _, c := range cmds {
				r := b.Handle(ctx, bot.Request{Actor: as, Text: c, AsOf: demoAsOf})
				card := teams.Render(r, c)
				size := teams.MessageSize(teams.Message(r, card))
				if size > big.size {
					big = message{c, size}
				}
				// Every page of the rest, too.
				for pages := 0; len(card.Actions) > 0 && card.Actions[0].Data.From > 0; pages++ {
					d := card.Actions[0].Data
					if pages > 50 {
						t.Fatalf("%q: the pages do not end", c)
					}
					card = teams.RenderRest(r, d.Command, d.Table, d.From)
					if s := teams.MessageSize(teams.Message(r, card)); s > teams.MaxMessage {
						t.Errorf("%q: a See the rest page (%+v) of %d bytes, over %d", c, d, s, teams.MaxMessage)
					}
				}
			}
		}
		if big.command == "" {
			t.Errorf("%s: no command asked", verb)
			continue
		}
		largest = append(largest, big)
		if big.size > teams.MaxMessage {
			t.Errorf("%q: a Teams message of %d bytes, over %d", big.command, big.size, teams.MaxMessage)
		}
	}
	slices.SortFunc(largest, func(a, b message) int { return cmp.Compare(b.size, a.size) })
	var lines []string
	for _, m := range largest {
		lines = append(lines, strconv.Itoa(m.size)+" "+m.command)
	}
	t.Logf("the largest Teams message of each command, in bytes (at most %d):\n%s", teams.MaxMessage, strings.Join(lines, "\n"))
}
