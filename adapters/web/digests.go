package web

import (
	"context"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/incumbent/incumbent/bot"
)

// Inbox keeps the latest weekly digest delivered to the playground for each
// territory, for the page at /digests: with no chat platform configured, that is where
// the scheduled digests can be read. It is this process's memory: a restart empties it
// (the digest command shows any territory's digest at any time).
type Inbox struct {
	mu     sync.Mutex
	latest map[string]delivered
}

type delivered struct {
	Territory string
	At        time.Time
	Reply     bot.Reply
}

// Deliver keeps r as the territory's latest digest and says where it went.
func (in *Inbox) Deliver(_ context.Context, territory string, at time.Time, r bot.Reply) string {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.latest == nil {
		in.latest = map[string]delivered{}
	}
	in.latest[territory] = delivered{Territory: territory, At: at, Reply: r}
	return "the playground's /digests"
}

// list returns the digests, by territory.
func (in *Inbox) list() []delivered {
	in.mu.Lock()
	defer in.mu.Unlock()
	out := make([]delivered, 0, len(in.latest))
	for _, d := range in.latest {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b delivered) int { return strings.Compare(a.Territory, b.Territory) })
	return out
}

// digestView is one digest on the page.
type digestView struct {
	Territory, At string
	HTML          template.HTML
}

// digests serves GET /digests: the latest digest of every territory.
func (p *Playground) digests(w http.ResponseWriter, r *http.Request) {
	if p.exchangeToken(w, r) {
		return
	}
	if !p.authorized(r) {
		locked(w)
		return
	}
	var views []digestView
	if p.Inbox != nil {
		for _, d := range p.Inbox.list() {
			html, err := RenderHTML(p.drawn(r.Context(), d.Reply))
			if err != nil {
				p.Logger.ErrorContext(r.Context(), "playground: render a digest", "territory", d.Territory, "err", err)
				continue
			}
			views = append(views, digestView{Territory: d.Territory, At: d.At.UTC().Format("Mon 2 Jan 2006 15:04 UTC"), HTML: html})
		}
	}
	setPageHeaders(w)
	if err := pageTemplate.ExecuteTemplate(w, "digests", views); err != nil {
		p.Logger.ErrorContext(r.Context(), "playground: render the digests page", "err", err)
	}
}
