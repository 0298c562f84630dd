package slack_test

import (
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	goslack "github.com/slack-go/slack"

	"github.com/incumbent/incumbent/adapters/slack"
	"github.com/incumbent/incumbent/bot"
)

// TestListRepliesGolden renders the lists of issue 42 and plain questions as Block Kit,
// from a real bot over the digest test company (late payers, opportunities closing, a
// tier lost), and compares them with golden files.
func TestListRepliesGolden(t *testing.T) {
	s := importedStore(t, filepath.Join("..", "..", "bot", "testdata", "digestdata"))
	b := bot.New(s)
	b.Now = func() time.Time { return time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC) }
	b.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, tt := range []struct{ name, text, asOf string }{
		{"reply_top_gaps", "top gaps", ""},
		{"reply_slipping", "slipping", "2026-11-15"},
		{"reply_late", "late", ""},
		{"reply_closing", "closing in 60 days", ""},
		{"reply_question", "who owes us money?", ""},
		{"reply_not_understood", "what is the meaning of life", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req := bot.Request{Actor: bot.Admin("test"), Text: tt.text}
			if tt.asOf != "" {
				req.AsOf, _ = time.Parse(time.DateOnly, tt.asOf)
			}
			blocks := slack.RenderBlocks(b.Handle(t.Context(), req))
			valid(t, blocks)
			golden(t, tt.name+".json", goslack.Blocks{BlockSet: blocks})
		})
	}
}
