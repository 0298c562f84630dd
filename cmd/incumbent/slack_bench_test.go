package main

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/incumbent/incumbent/adapters/memory"
	slackadapter "github.com/incumbent/incumbent/adapters/slack"
	"github.com/incumbent/incumbent/bot"
)

const benchSecret = "bench-signing-secret"

// BenchmarkSlackGap sends signed `/gap <account>` slash commands over loopback to the
// Slack adapter (signature check, replay check, who is asking, the bot, Block Kit) at
// rising concurrency, next to a bare handler that only verifies the signature and
// returns a constant, in the same run. Each sub-benchmark reports requests per second
// and the p50/p99 latency; the README of docs/PERFORMANCE.md reads off the highest rate
// with p99 under 100 ms.
func BenchmarkSlackGap(b *testing.B) {
	store := benchStore(b)
	people, err := store.FindPeople(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	var admin string
	for _, p := range people {
		if p.Role == "admin" && p.SlackUserID != "" {
			admin = p.SlackUserID
		}
	}
	if admin == "" {
		b.Fatal("no admin with a Slack id in the benchmark data")
	}
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"ok":true,"channel":{"id":"C1","is_ext_shared":false}}`)
	}))
	defer api.Close()
	bt := bot.New(store)
	bt.Now = func() time.Time { return benchAsOf }
	bt.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	mem := &memory.Store{}
	h := &slackadapter.Handler{Bot: bt, Directory: directory{&session{store: store, bot: bt}}, Dedupe: mem, Cursors: mem,
		Client: slack.New("xoxb-bench", slack.OptionAPIURL(api.URL+"/")), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	mux := http.NewServeMux()
	h.Routes(func(p, _ string, hh http.Handler) { mux.Handle(p, hh) }, benchSecret)
	mux.Handle("POST /bare", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		sv, err := slack.NewSecretsVerifier(r.Header, benchSecret)
		if err == nil {
			sv.Write(body)
			err = sv.Ensure()
		}
		if err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"response_type":"ephemeral","text":"ok"}`))
	}))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	accounts := []string{acmeID(b)}
	for _, c := range []int{1, 4, 16, 64} {
		for _, target := range []string{"bare", "gap"} {
			path := "/slack/commands"
			if target == "bare" {
				path = "/bare"
			}
			b.Run(fmt.Sprintf("%s-c%d", target, c), func(b *testing.B) {
				loadSlack(b, srv, path, admin, accounts, c)
			})
		}
	}
}

var benchSeq atomic.Int64

// loadSlack sends b.N signed commands with c workers and reports the rate and latencies.
func loadSlack(b *testing.B, srv *httptest.Server, path, user string, accounts []string, c int) {
	client := srv.Client()
	client.Transport.(*http.Transport).MaxIdleConnsPerHost = c
	var mu sync.Mutex
	var times []time.Duration
	var failures atomic.Int64
	jobs := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for range c {
		wg.Go(func() {
			for range jobs {
				n := benchSeq.Add(1)
				// Distinct bodies: a repeated signature would be refused as a replay.
				body := fmt.Sprintf("command=%%2Fgap&text=%s&user_id=%s&channel_id=D1&team_id=T1&trigger_id=%d", accounts[n%int64(len(accounts))], user, n)
				req := slackRequest(srv.URL+path, "application/x-www-form-urlencoded", body, benchSecret, 0)
				t0 := time.Now()
				resp, err := client.Do(req)
				d := time.Since(t0)
				if err != nil {
					failures.Add(1)
					continue
				}
				out, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || (path != "/bare" && !strings.Contains(string(out), "gap")) {
					failures.Add(1)
				}
				mu.Lock()
				times = append(times, d)
				mu.Unlock()
			}
		})
	}
	for i := 0; b.Loop(); i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	if n := failures.Load(); n > 0 {
		b.Fatalf("%d failed requests", n)
	}
	slices.Sort(times)
	pct := func(p float64) float64 {
		return float64(times[min(len(times)-1, int(p*float64(len(times))))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(len(times))/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
