package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"time"

	"github.com/incumbent/incumbent/bot"
)

// ChartLinkTTL is how long a chart's signed link works, and its picture is kept.
const ChartLinkTTL = 7 * 24 * time.Hour

// ChartLinks makes signed links to chart pictures and serves them at GET /charts/{id}:
// for chat platforms that show an image from a URL (a Slack image block, a Teams Image
// element) when the server has a public address (INCUMBENT_PUBLIC_URL). The picture is
// kept in Store (Redis when configured, so that any replica serves it) under a random
// id for ChartLinkTTL; the link carries its expiry and an HMAC-SHA256 of Key over the id
// and the expiry, so ids cannot be guessed into pictures nor links kept alive.
type ChartLinks struct {
	Store bot.KV
	Key   []byte
	Base  *url.URL         // the server's public URL
	Now   func() time.Time // nil: time.Now
}

func (l *ChartLinks) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

// chartIDRe is a chart's id: 32 hex digits.
var chartIDRe = regexp.MustCompile(`^[0-9a-f]{32}$`)

func chartKey(id string) string { return "chart-link:" + id }

// sign is the link's signature of id until exp (Unix seconds).
func (l *ChartLinks) sign(id string, exp int64) string {
	m := hmac.New(sha256.New, l.Key)
	fmt.Fprintf(m, "%s.%d", id, exp)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Link keeps png and returns its signed link, good for ChartLinkTTL. Each call makes a
// new one: links are made when a reply is rendered, never cached with it.
func (l *ChartLinks) Link(ctx context.Context, png []byte) (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("chart link: %w", err)
	}
	id := hex.EncodeToString(b[:])
	if err := l.Store.Set(ctx, chartKey(id), png, ChartLinkTTL); err != nil {
		return "", fmt.Errorf("chart link: keep the picture: %w", err)
	}
	exp := l.now().Add(ChartLinkTTL).Unix()
	u := l.Base.JoinPath("charts", id+".png")
	u.RawQuery = url.Values{"exp": {strconv.FormatInt(exp, 10)}, "sig": {l.sign(id, exp)}}.Encode()
	return u.String(), nil
}

// Routes registers GET /charts/{file} with handle.
func (l *ChartLinks) Routes(handle func(pattern, adapter string, h http.Handler)) {
	handle("GET /charts/{file}", "charts", http.HandlerFunc(l.serve))
}

// serve answers a signed link with its picture: 404 for a link not signed by Key,
// expired, or whose picture is gone.
func (l *ChartLinks) serve(w http.ResponseWriter, r *http.Request) {
	id, ok := cutSuffix(r.PathValue("file"), ".png")
	exp, err := strconv.ParseInt(r.URL.Query().Get("exp"), 10, 64)
	if !ok || err != nil || !chartIDRe.MatchString(id) || l.now().Unix() > exp ||
		!hmac.Equal([]byte(l.sign(id, exp)), []byte(r.URL.Query().Get("sig"))) {
		http.NotFound(w, r)
		return
	}
	png, found, err := l.Store.Get(r.Context(), chartKey(id))
	if err != nil {
		http.Error(w, "the chart cannot be read just now", http.StatusServiceUnavailable)
		return
	}
	if !found {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, max-age=604800, immutable")
	w.Write(png)
}

func cutSuffix(s, suffix string) (string, bool) {
	if len(s) < len(suffix) || s[len(s)-len(suffix):] != suffix {
		return s, false
	}
	return s[:len(s)-len(suffix)], true
}
