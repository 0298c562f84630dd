package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/incumbent/incumbent/adapters/web"
	"github.com/incumbent/incumbent/bot"
)

// TestDigestsPage shows the digests delivered to the playground, escaped, with their
// charts as data: images.
func TestDigestsPage(t *testing.T) {
	inbox := &web.Inbox{}
	p := &web.Playground{Bot: &echoBot{}, Directory: people{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Inbox: inbox}
	mux := http.NewServeMux()
	p.Routes(func(pattern, _ string, h http.Handler) { mux.Handle(pattern, h) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	get := func(path string) string {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		return string(b)
	}
	if page := get("/digests"); !strings.Contains(page, "No digest has been delivered") {
		t.Errorf("empty inbox:\n%s", page)
	}
	at := time.Date(2026, 11, 30, 13, 0, 0, 0, time.UTC)
	where := inbox.Deliver(t.Context(), "North", at, bot.Reply{Blocks: []bot.Block{&bot.Header{Text: "North <script> — weekly digest"},
		&bot.Image{PNG: []byte("\x89PNG"), AltText: "chart"}}})
	inbox.Deliver(t.Context(), "North", at, bot.Reply{Blocks: []bot.Block{&bot.Header{Text: "North <script> — weekly digest"},
		&bot.Image{PNG: []byte("\x89PNG"), AltText: "chart"}}})
	if where == "" {
		t.Error("no detail")
	}
	page := get("/digests")
	if strings.Count(page, "North &lt;script&gt; — weekly digest") != 1 || strings.Contains(page, "<script>") ||
		!strings.Contains(page, "data:image/png;base64,") || !strings.Contains(page, "delivered Mon 30 Nov 2026 13:00 UTC") {
		t.Errorf("digests page:\n%s", page)
	}
	if home := get("/"); !strings.Contains(home, `<a href="/digests">Weekly digests</a>`) {
		t.Error("the playground does not link to the digests")
	}
}
