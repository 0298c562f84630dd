package main

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/incumbent/incumbent/bot"
)

// TestReadmeExamples asks, in order, every command of the README's cheat sheet on the
// demo data a new user gets, as an admin: each answers without an error (the README
// promises they work as typed).
func TestReadmeExamples(t *testing.T) {
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, sheet, ok := strings.Cut(string(raw), "## Cheat sheet")
	if !ok {
		t.Fatal("the README has no cheat sheet")
	}
	sheet, _, _ = strings.Cut(sheet, "\n## ")
	code := regexp.MustCompile("`([^`]+)`")
	var commands []string
	for _, line := range strings.Split(sheet, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 3 || !strings.Contains(cells[1], "`") {
			continue
		}
		for _, m := range code.FindAllStringSubmatch(cells[1], -1) {
			commands = append(commands, m[1])
		}
	}
	if len(commands) < 15 {
		t.Fatalf("found %d commands in the cheat sheet: %q", len(commands), commands)
	}
	b, _ := demoBot(t)
	for _, c := range commands {
		r := b.Handle(context.Background(), bot.Request{Actor: bot.Admin("readme"), Text: c, AsOf: demoAsOf})
		if r.Err != nil {
			t.Errorf("%s: %s", c, bot.RenderText(r))
		}
	}
}
