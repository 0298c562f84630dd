package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/incumbent/incumbent/adapters/teams"
	"github.com/incumbent/incumbent/adapters/teams/teamstest"
	"github.com/incumbent/incumbent/domain"
)

// alertDB imports bot/testdata/alertdata and its delta into a new database: as of the
// serve tests' clock (2026-11-27 09:30 UTC), Rita's first alert (North, UTC, 08:00) is
// due, with three facts that hold; Ray and Nora have nothing to be told.
func alertDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "incumbent.db")
	for _, d := range []string{"alertdata", "alertdata-delta"} {
		if code, out, errOut := run(t, "", nil, "import", "--db", db, testdata(d)); code != 0 {
			t.Fatalf("import %s: %d\n%s%s", d, code, out, errOut)
		}
	}
	return db
}

// TestAlertsInThePlayground: with no chat platform, a rep's daily alert goes to the
// playground's /digests page under their email, once; nobody else's (nothing to say).
func TestAlertsInThePlayground(t *testing.T) {
	url, _ := serve(t, map[string]string{"INCUMBENT_DB": alertDB(t), "INCUMBENT_AS_OF": "2026-11-27"})
	var page string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if _, page = httpGet(t, url+"/digests"); strings.Contains(page, "Alerts for rita@example.com") {
			break
		}
	}
	for _, want := range []string{"Alerts for rita@example.com", "3 alerts on your accounts", "Fasteners at risk: -50% on a year ago",
		"Invoice I1, $1,000: 33 days past due", "Bolt contract, $6,000: was to close 2026-11-25"} {
		if n := strings.Count(page, want); n != 1 {
			t.Errorf("%q shown %d times on /digests, want once", want, n)
		}
	}
	for _, not := range []string{"ray@example.com", "nora@example.com"} {
		if strings.Contains(page, not) {
			t.Errorf("/digests shows an alert for %s, who had nothing new", not)
		}
	}
	// Counted once the delivery is recorded, just after the page has it.
	const sent = `incumbent_alerts_total{outcome="sent"} 1`
	var m string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if _, m = httpGet(t, url+"/metrics"); strings.Contains(m, sent) {
			break
		}
	}
	if !strings.Contains(m, sent) || !strings.Contains(m, `incumbent_alerts_total{outcome="nothing"}`) {
		t.Errorf("alerts not counted (want %s, and the days with nothing new):\n%s", sent, grepLines(m, "alerts_total"))
	}
}

// TestAlertFailureReported: when Slack refuses the alert's message, /readyz lists it
// under digests (degraded, still 200), with why, and, in the rounds after, when it is
// retried.
func TestAlertFailureReported(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/chat.postMessage":
			fmt.Fprint(w, `{"ok":false,"error":"channel_not_found"}`)
		default:
			fmt.Fprint(w, `{"ok":true,"user_id":"U_BOT","team_id":"T1"}`)
		}
	}))
	defer api.Close()
	url, _ := serve(t, map[string]string{"INCUMBENT_DB": alertDB(t), "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s3cr3t",
		"SLACK_API_URL": api.URL, "INCUMBENT_PLAYGROUND": "off", "INCUMBENT_AS_OF": "2026-11-27"})
	want := "rita@example.com: the alert of 2026-11-27 failed: send: slack: post the digest to U_RITA: channel_not_found"
	var code int
	var body string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if code, body = httpGet(t, url+"/readyz"); strings.Contains(body, want) {
			break
		}
	}
	if code != 200 || !strings.Contains(body, want) || !strings.Contains(body, `"status":"degraded"`) {
		t.Errorf("readyz: %d %s\nwant %s", code, body, want)
	}
	if _, m := httpGet(t, url+"/metrics"); !strings.Contains(m, `incumbent_alerts_total{outcome="failed"} 1`) {
		t.Errorf("the failed alert not counted:\n%s", grepLines(m, "alerts_total"))
	}
	// The next round (a minute later by the scheduler's wait; the retry is 1 minute
	// after the failure) is not awaited here: bot's TestAlertRetryReported covers it.
}

// TestTeamsProactiveAlert: with Teams configured, a rep's daily alert goes to their
// personal chat with the bot (found by email among the stored conversation references),
// once, as an Adaptive Card.
func TestTeamsProactiveAlert(t *testing.T) {
	bf := teamstest.New(t)
	db := alertDB(t)
	ref, _ := json.Marshal(teams.ConversationReference{ServiceURL: bf.ConnectorURL, ChannelID: "msteams",
		ConversationID: "a:personal-rita", ConversationType: "personal", BotID: "28:" + bf.AppID, UserID: "29:rita"})
	store := openStore(t, db)
	if err := store.SaveConversation(t.Context(), domain.Conversation{Adapter: "teams", Key: teams.EmailKey("rita@example.com"), Ref: ref, UpdatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	serve(t, map[string]string{"INCUMBENT_DB": db, "INCUMBENT_AS_OF": "2026-11-27", "INCUMBENT_PLAYGROUND": "off",
		"MICROSOFT_APP_ID": bf.AppID, "MICROSOFT_APP_PASSWORD": bf.Password,
		"MICROSOFT_OPENID_METADATA_URL": bf.MetadataURL, "MICROSOFT_TOKEN_URL": bf.TokenURL, "MICROSOFT_SERVICE_URL_HOSTS": "127.0.0.1"})
	got := bf.WaitActivities(t, 1, 30*time.Second)[0]
	b, _ := json.Marshal(got.Body)
	if got.ConversationID != "a:personal-rita" || !strings.Contains(string(b), "application/vnd.microsoft.card.adaptive") ||
		!strings.Contains(string(b), "3 alerts on your accounts") {
		t.Errorf("posted to %q:\n%.600s", got.ConversationID, b)
	}
	// Once: the day is recorded sent, and only then is the count final.
	if !eventually(t, 10*time.Second, func() bool {
		recs, err := store.FindAlertDeliveries(t.Context(), "rita@example.com")
		return err == nil && len(recs) == 1 && recs[0].Status == domain.DigestSent
	}) {
		t.Fatal("the alert was not recorded sent")
	}
	if n := len(bf.Activities()); n != 1 {
		t.Errorf("%d activities posted, want 1", n)
	}
}
