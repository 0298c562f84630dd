package teams_test

import (
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/incumbent/incumbent/adapters/teams"
	"github.com/incumbent/incumbent/bot"
)

// TestListCardsGolden renders the lists of issue 42 and plain questions as Adaptive
// Cards, from a real bot over the digest test company.
func TestListCardsGolden(t *testing.T) {
	s := importedStore(t, filepath.Join("..", "..", "bot", "testdata", "digestdata"))
	b := bot.New(s)
	b.Now = func() time.Time { return time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC) }
	b.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, tt := range []struct{ name, text, asOf string }{
		{"card_top_gaps", "top gaps", ""},
		{"card_slipping", "slipping", "2026-11-15"},
		{"card_late", "late", ""},
		{"card_closing", "closing in 60 days", ""},
		{"card_question", "who owes us money?", ""},
		{"card_not_understood", "what is the meaning of life", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req := bot.Request{Actor: bot.Admin("t"), Text: tt.text}
			if tt.asOf != "" {
				req.AsOf, _ = time.Parse(time.DateOnly, tt.asOf)
			}
			golden(t, tt.name+".json", teams.RenderCard(b.Handle(t.Context(), req)))
		})
	}
}
