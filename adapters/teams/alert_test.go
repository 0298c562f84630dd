package teams_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/incumbent/incumbent/adapters/csvimport"
	"github.com/incumbent/incumbent/adapters/sqlite"
	"github.com/incumbent/incumbent/adapters/teams"
	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// alertReply is Rita's daily alert of bot/testdata/alertdata after its delta: her first
// alert on 2026-11-20, then the six facts the import brings on 2026-11-27.
func alertReply(t *testing.T) bot.Reply {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	data := filepath.Join("..", "..", "bot", "testdata")
	b := bot.New(s)
	b.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	actor := func() bot.Actor {
		a, err := b.ActorByEmail(ctx, "rita@example.com")
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	set := domain.DefaultAlertSettings("rita@example.com")
	for _, step := range []struct {
		dir, day string
	}{{"alertdata", "2026-11-20"}, {"alertdata-delta", "2026-11-27"}} {
		if _, err := (&csvimport.Importer{Store: s}).Import(ctx, filepath.Join(data, step.dir)); err != nil {
			t.Fatal(err)
		}
		day, _ := domain.ParseDate(step.day)
		a, state, err := b.ComputeAlerts(ctx, actor(), set, day)
		if err != nil {
			t.Fatal(err)
		}
		if step.day == "2026-11-27" {
			if len(a.Alerts) != 6 {
				t.Fatalf("%d alerts, want 6", len(a.Alerts))
			}
			return b.AlertReply(a, false)
		}
		state.Day = step.day
		if err := s.SaveAlertState(ctx, "rita@example.com", state); err != nil {
			t.Fatal(err)
		}
	}
	return bot.Reply{}
}

// TestAlertGolden renders a rep's daily alert as the card of their Teams chat with the
// bot, for the golden files and Microsoft's validator.
func TestAlertGolden(t *testing.T) {
	golden(t, "card_alert.json", teams.RenderCard(alertReply(t)))
}
