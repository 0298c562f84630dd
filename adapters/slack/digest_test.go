package slack_test

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/incumbent/incumbent/bot"
)

func chartPNG(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 80, 45))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestPostDigest posts a digest to a channel with its chart uploaded after it (file
// upload v2), saying it was accepted between the two, and to a manager's direct
// messages found by email.
func TestPostDigest(t *testing.T) {
	h, f, _ := setup(t)
	r := bot.Reply{Blocks: []bot.Block{&bot.Header{Text: "North — weekly digest"}, &bot.Text{Text: "Gap $22,000."},
		&bot.Image{PNG: chartPNG(t), AltText: "Current vs potential by category"}}}
	var accepted []string
	detail, err := h.PostDigest(t.Context(), "#sales-north", r, func(where string) {
		accepted = append(accepted, fmt.Sprintf("%s after %d message(s) and %d upload(s)", where,
			f.calls("chat.postMessage"), f.calls("files.getUploadURLExternal")))
	})
	if err != nil || detail != "C1 at 1700000000.000200" {
		t.Fatalf("detail %q, %v", detail, err)
	}
	if want := []string{"C1 at 1700000000.000200 after 1 message(s) and 0 upload(s)"}; !slices.Equal(accepted, want) {
		t.Errorf("accepted %q, want %q", accepted, want)
	}
	post := f.wait("chat.postMessage")
	if post.Form.Get("channel") != "#sales-north" || !strings.Contains(post.Form.Get("blocks"), "North — weekly digest") {
		t.Errorf("posted %v", post.Form)
	}
	f.wait("files.getUploadURLExternal")
	done := f.wait("files.completeUploadExternal")
	if done.Form.Get("channel_id") != "C1" {
		t.Errorf("chart shared to %q, want the digest's channel C1", done.Form.Get("channel_id"))
	}
	f.mu.Lock()
	uploaded := f.uploaded
	f.mu.Unlock()
	if uploaded < len(chartPNG(t)) {
		t.Errorf("uploaded %d bytes", uploaded)
	}

	if _, err := h.PostDigest(t.Context(), "nora@example.com", r, nil); err != nil {
		t.Fatal(err)
	}
	if c := f.wait("chat.postMessage"); c.Form.Get("channel") != "U_NORA" {
		t.Errorf("DM went to %q", c.Form.Get("channel"))
	}
	if _, err := h.PostDigest(t.Context(), "nobody@example.com", r, nil); err == nil || !strings.Contains(err.Error(), "users_not_found") {
		t.Errorf("unknown manager: %v", err)
	}
	posts := f.calls("chat.postMessage")
	if _, err := h.PostDigest(t.Context(), "sam@partner.example", r, nil); err == nil || !strings.Contains(err.Error(), "another organisation") {
		t.Errorf("a manager's email held by a user of another organisation: %v", err)
	}
	if f.calls("chat.postMessage") != posts {
		t.Error("a digest went to a user of another organisation")
	}
	// Rate limited, then a 500: the digest waits as Retry-After says, is retried, and
	// is posted once.
	f.mu.Lock()
	f.rateLimited, f.serverErrors = 1, 1
	f.mu.Unlock()
	posts = f.calls("chat.postMessage")
	start := time.Now()
	if _, err := h.PostDigest(t.Context(), "#sales-north", r, nil); err != nil {
		t.Fatalf("after a 429 and a 500: %v", err)
	}
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("waited %v after a 429 with Retry-After: 1", waited)
	}
	if f.calls("429") != 1 || f.calls("500") != 1 || f.calls("chat.postMessage") != posts+1 {
		t.Errorf("429s %d, 500s %d, digests posted %d; want 1, 1, 1", f.calls("429"), f.calls("500"), f.calls("chat.postMessage")-posts)
	}
	// Slack refusing the message is an error (the scheduler retries); nothing uploaded.
	f.mu.Lock()
	f.refuse = "not_in_channel"
	f.mu.Unlock()
	before := f.calls("files.completeUploadExternal")
	if _, err := h.PostDigest(t.Context(), "#private", r, func(string) { t.Error("a refused digest was said to be accepted") }); err == nil || !strings.Contains(err.Error(), "not_in_channel") {
		t.Errorf("refused: %v", err)
	}
	if f.calls("files.completeUploadExternal") != before {
		t.Error("a chart was uploaded for a digest that was not posted")
	}
}

// TestDigestSlackConnect: a digest set to a channel shared with another organisation
// (by name or by id) is not posted there, as replies are not, unless external channels
// are allowed; nor to a channel Slack does not list, whose sharing cannot be told.
func TestDigestSlackConnect(t *testing.T) {
	h, f, _ := setup(t)
	var logs bytes.Buffer
	h.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	f.mu.Lock()
	f.external["CSHARED1"] = true
	f.mu.Unlock()
	r := bot.Reply{Blocks: []bot.Block{&bot.Header{Text: "North — weekly digest"}, &bot.Text{Text: "Gap $22,000."}}}
	for _, to := range []string{"#shared-with-acme", "#Shared-With-Acme", "CSHARED1", "#not-listed"} {
		_, err := h.PostDigest(t.Context(), to, r, func(string) { t.Errorf("%s: said accepted", to) })
		want := "is shared with another organisation (Slack Connect)"
		if to == "#not-listed" {
			want = "not among the channels"
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", to, err, want)
		}
	}
	if n := f.calls("chat.postMessage"); n != 0 {
		t.Fatalf("%d digests posted to shared or unknown channels", n)
	}
	if n := strings.Count(logs.String(), "digest not posted: the channel is shared with another organisation"); n != 3 {
		t.Errorf("%d refusals logged, want 3:\n%s", n, logs.String())
	}
	h.AllowExternal = true
	if _, err := h.PostDigest(t.Context(), "#shared-with-acme", r, nil); err != nil {
		t.Errorf("with external channels allowed: %v", err)
	}
	if n := f.calls("chat.postMessage"); n != 1 {
		t.Errorf("%d digests posted with external channels allowed, want 1", n)
	}
}
