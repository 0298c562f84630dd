package web_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/incumbent/incumbent/adapters/memory"
	"github.com/incumbent/incumbent/adapters/web"
)

// TestChartLinks: a link serves its picture until it expires; a link with another
// signature, id or expiry, or signed with another key, is a 404.
func TestChartLinks(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	base, _ := url.Parse(srv.URL)
	l := &web.ChartLinks{Store: &memory.Store{Now: func() time.Time { return now }}, Key: []byte("k1"), Base: base, Now: func() time.Time { return now }}
	l.Routes(func(p, _ string, h http.Handler) { mux.Handle(p, h) })
	png := []byte("\x89PNG picture")
	link, err := l.Link(t.Context(), png)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := l.Link(t.Context(), png)
	if other == link || !strings.HasPrefix(link, srv.URL+"/charts/") {
		t.Errorf("links %s and %s", link, other)
	}
	get := func(u string) (int, []byte) {
		t.Helper()
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	if code, b := get(link); code != 200 || !bytes.Equal(b, png) {
		t.Errorf("the link: %d %q", code, b)
	}
	u, _ := url.Parse(link)
	q := u.Query()
	for name, bad := range map[string]func(u url.URL) string{
		"signature": func(u url.URL) string {
			v := u.Query()
			sig := v.Get("sig")
			first := "x" // a different first character, whatever the signature's was
			if sig[0] == 'x' {
				first = "y"
			}
			v.Set("sig", first+sig[1:])
			u.RawQuery = v.Encode()
			return u.String()
		},
		"expiry": func(u url.URL) string {
			v := u.Query()
			v.Set("exp", q.Get("exp")+"0")
			u.RawQuery = v.Encode()
			return u.String()
		},
		"id": func(u url.URL) string {
			u.Path = strings.Replace(u.Path, "/charts/", "/charts/0", 1)[:len(u.Path)]
			return u.String()
		},
		"no query": func(u url.URL) string { u.RawQuery = ""; return u.String() },
	} {
		if code, _ := get(bad(*u)); code != 404 {
			t.Errorf("%s changed: status %d, want 404", name, code)
		}
	}
	l2 := *l
	l2.Key = []byte("k2")
	forged, _ := l2.Link(t.Context(), png)
	if code, _ := get(forged); code != 404 {
		t.Errorf("signed with another key: %d", code)
	}
	now = now.Add(web.ChartLinkTTL + time.Second)
	if code, _ := get(link); code != 404 {
		t.Errorf("expired: %d", code)
	}
}
