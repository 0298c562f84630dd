package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/incumbent/incumbent/adapters/postgres"
	"github.com/incumbent/incumbent/adapters/postgres/pgtest"
	"github.com/incumbent/incumbent/domain"
)

// TestReplicasSharePostgres runs two servers on one PostgreSQL database (DATABASE_URL)
// and one Redis: a Slack event retried to the other replica is answered once; the
// weekly digest that is due goes out once; a scenario saved through one is shown by the
// other; an import is seen by both at their next answer.
func TestReplicasSharePostgres(t *testing.T) {
	u := pgtest.SchemaURL(t)
	env := map[string]string{"DATABASE_URL": u}
	if code, out, errOut := run(t, "", env, "import", testdata("digestdata")); code != 0 {
		t.Fatalf("import into PostgreSQL: %d\n%s%s", code, out, errOut)
	}
	var mu sync.Mutex
	answers, digests := 0, map[string]int{}
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		r.ParseForm()
		switch r.URL.Path {
		case "/auth.test":
			fmt.Fprint(w, `{"ok":true,"user_id":"U_BOT"}`)
		case "/users.info":
			fmt.Fprint(w, `{"ok":true,"user":{"id":"U1","profile":{"email":"ops@example.com"}}}`)
		case "/users.lookupByEmail":
			fmt.Fprintf(w, `{"ok":true,"user":{"id":"U-%s"}}`, r.Form.Get("email"))
		case "/chat.postMessage":
			mu.Lock()
			if r.Form.Get("thread_ts") == "1.0" {
				answers++
			} else if strings.Contains(r.Form.Get("blocks"), "weekly digest") {
				digests[r.Form.Get("channel")]++
			}
			mu.Unlock()
			fmt.Fprint(w, `{"ok":true,"channel":"C1","ts":"1.1"}`)
		case "/files.getUploadURLExternal":
			fmt.Fprintf(w, `{"ok":true,"upload_url":"http://%s/upload","file_id":"F1"}`, r.Host)
		case "/files.completeUploadExternal":
			fmt.Fprint(w, `{"ok":true,"files":[{"id":"F1"}]}`)
		default:
			fmt.Fprint(w, `{"ok":true,"channel":{"id":"C1"}}`)
		}
	}))
	defer api.Close()
	// The real Redis when there is one (under a key prefix of this run's own), else
	// miniredis.
	redisURL, prefix := os.Getenv("REDIS_URL"), fmt.Sprintf("incumbent-test-%d:", time.Now().UnixNano())
	if redisURL == "" {
		redisURL = "redis://" + miniredis.RunT(t).Addr()
	}
	env = map[string]string{"DATABASE_URL": u, "REDIS_URL": redisURL, "INCUMBENT_REDIS_PREFIX": prefix, "SLACK_BOT_TOKEN": "xoxb-1",
		"SLACK_SIGNING_SECRET": "s3cr3t", "SLACK_API_URL": api.URL, "INCUMBENT_DB": filepath.Join(t.TempDir(), "unused.db")}
	a, logA := serveLog(t, env)
	b, logB := serveLog(t, env)
	if _, err := os.Stat(env["INCUMBENT_DB"]); err == nil {
		t.Error("with DATABASE_URL, serve created a SQLite file")
	}

	// A Slack event, retried to the other replica: answered once.
	event := `{"type":"event_callback","event_id":"Ev7","event":{"type":"app_mention","user":"U1","text":"<@U_BOT> help","ts":"1.0","channel":"C1"}}`
	for i, url := range []string{a, b} {
		resp, err := http.DefaultClient.Do(slackRequest(url+"/slack/events", "application/json", event, "s3cr3t", i))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	// South's digest fell due on Friday 27 November at 07:00 in Berlin, for Sam (North's,
	// on Monday, is past the three days' catch-up): both replicas look, one sends it. The
	// test waits until the database records it sent, after which neither replica may
	// claim it again, so the counts are final; and until one replica logs that it skipped
	// the event's retry, after which neither answers it again.
	store, err := postgres.Open(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	sent := func() bool {
		recs, err := store.FindDigestDeliveries(t.Context(), "South")
		if err != nil {
			t.Logf("reading the deliveries: %v", err)
			return false
		}
		mu.Lock()
		defer mu.Unlock()
		skipped := strings.Contains(logA.String()+logB.String(), "retried event skipped")
		return skipped && answers >= 1 && len(recs) == 1 && recs[0].Status == domain.DigestSent
	}
	if !eventually(t, 30*time.Second, sent) {
		t.Error("within 30 s, South's digest is not recorded sent, or the event not answered, or its retry not skipped")
	}
	mu.Lock()
	if answers != 1 || len(digests) != 1 || digests["U-sam@example.com"] != 1 {
		t.Errorf("answers %d (want 1), digests %v (want South's once, to Sam)", answers, digests)
	}
	mu.Unlock()

	// A scenario saved through one replica is shown by the other.
	if code, html := askAPI(t, a, "deal acme give 5% on fasteners get 10 W-1 yearly", ""); code != 200 || !strings.Contains(html, "S-1") {
		t.Fatalf("deal on the first replica: %d %s", code, html)
	}
	if code, html := askAPI(t, b, "deal show S-1", ""); code != 200 || !strings.Contains(html, "Acme Manufacturing") {
		t.Errorf("the scenario on the second replica: %d %s", code, html)
	}

	// An import is seen by both replicas' next answers (their caches key on the data
	// version, read from the database).
	for _, url := range []string{a, b} {
		if _, html := askAPI(t, url, "gap acme", ""); !strings.Contains(html, "$20,000") {
			t.Fatalf("gap acme before the import: %s", html)
		}
	}
	dir := t.TempDir()
	sales, err := os.ReadFile(filepath.Join(testdata("digestdata"), "sales.csv"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "sales.csv"), append(sales, []byte("2026-11-02,N1,F-1,100,1000,600\n")...), 0o644)
	if code, out, errOut := run(t, "", map[string]string{"DATABASE_URL": u}, "import", dir); code != 0 {
		t.Fatalf("second import: %d\n%s%s", code, out, errOut)
	}
	for _, url := range []string{a, b} {
		if _, html := askAPI(t, url, "gap acme", ""); !strings.Contains(html, "$21,000") {
			t.Errorf("gap acme on %s after the import:\n%s", url, html)
		}
	}
}

// TestReplicasStartTogether starts two servers at once on an empty PostgreSQL schema:
// the schema's migrations are applied once (under goose's advisory lock), both serve,
// and an import through the command line is answered by both.
func TestReplicasStartTogether(t *testing.T) {
	u := pgtest.SchemaURL(t)
	env := map[string]string{"DATABASE_URL": u, "INCUMBENT_PLAYGROUND": "on", "INCUMBENT_DB": filepath.Join(t.TempDir(), "unused.db")}
	waitA, waitB := startServe(t, env), startServe(t, env)
	a, _ := waitA()
	b, _ := waitB()
	conn, err := pgx.Connect(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	rows, err := conn.Query(t.Context(), `SELECT version_id, count(*) FROM goose_db_version WHERE version_id > 0 GROUP BY version_id ORDER BY version_id`)
	if err != nil {
		t.Fatal(err)
	}
	type applied struct{ Version, Times int64 }
	got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[applied])
	if err != nil {
		t.Fatal(err)
	}
	want := []applied{{1, 1}, {2, 1}, {3, 1}, {4, 1}, {5, 1}, {6, 1}, {7, 1}, {8, 1}, {9, 1}, {10, 1}, {11, 1}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("migrations applied by two replicas starting together (-want +got):\n%s", diff)
	}
	if code, out, errOut := run(t, "", map[string]string{"DATABASE_URL": u}, "import", testdata("digestdata")); code != 0 {
		t.Fatalf("import: %d\n%s%s", code, out, errOut)
	}
	for _, url := range []string{a, b} {
		if code, html := askAPI(t, url, "gap acme", ""); code != 200 || !strings.Contains(html, "Acme") {
			t.Errorf("%s after the import: %d %s", url, code, html)
		}
	}
}
