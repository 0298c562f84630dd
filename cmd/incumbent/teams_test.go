package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/incumbent/incumbent/adapters/teams"
	"github.com/incumbent/incumbent/adapters/teams/teamstest"
	"github.com/incumbent/incumbent/domain"
)

// TestServeTeams serves Teams against a stand-in for Microsoft's side (the Bot
// Framework's keys, Entra and the connector): a channel mention is answered in its
// thread with an Adaptive Card, a forged token is refused, and readiness reports Teams.
func TestServeTeams(t *testing.T) {
	bf := teamstest.New(t)
	bf.AddMember(teamstest.Member{ID: "29:dana", AADObjectID: "aad-dana", Email: "dana.alvarez@example.com"})
	db := filepath.Join(t.TempDir(), "incumbent.db")
	env := map[string]string{"INCUMBENT_DB": db,
		"MICROSOFT_APP_ID": bf.AppID, "MICROSOFT_APP_PASSWORD": bf.Password,
		"MICROSOFT_OPENID_METADATA_URL": bf.MetadataURL, "MICROSOFT_TOKEN_URL": bf.TokenURL,
		"MICROSOFT_SERVICE_URL_HOSTS": "127.0.0.1"}
	url, _ := serve(t, env)

	activity, _ := json.Marshal(map[string]any{
		"type": "message", "id": "1700", "channelId": "msteams", "serviceUrl": bf.ConnectorURL,
		"from":         map[string]any{"id": "29:dana", "aadObjectId": "aad-dana"},
		"recipient":    map[string]any{"id": "28:" + bf.AppID},
		"conversation": map[string]any{"id": "19:sales@thread.tacv2;messageid=1700", "conversationType": "channel", "tenantId": "tenant-1"},
		"text":         "<at>Incumbent</at> gap acme",
	})
	post := func(token string) int {
		req, _ := http.NewRequest(http.MethodPost, url+"/api/messages", bytes.NewReader(activity))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(bf.Token(teamstest.TokenClaims{Audience: bf.AppID, ServiceURL: bf.ConnectorURL, Forge: true})); code != 401 {
		t.Errorf("forged token: %d", code)
	}
	if code := post(bf.Token(teamstest.TokenClaims{Audience: bf.AppID, ServiceURL: bf.ConnectorURL})); code != 200 {
		t.Fatalf("gap acme: %d", code)
	}
	got := bf.WaitActivities(t, 1, 30*time.Second)[0]
	b, _ := json.Marshal(got.Body)
	if got.ConversationID != "19:sales@thread.tacv2;messageid=1700" || got.ActivityID != "1700" ||
		!strings.Contains(string(b), "application/vnd.microsoft.card.adaptive") || !strings.Contains(string(b), "Acme Manufacturing — gap") {
		t.Errorf("reply in %q to %q:\n%s", got.ConversationID, got.ActivityID, b)
	}
	if code, body := httpGet(t, url+"/readyz"); code != 200 || !strings.Contains(body, `"teams":"ok"`) {
		t.Errorf("readyz: %d %s", code, body)
	}

	for _, tt := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"MICROSOFT_APP_ID": bf.AppID}, "add MICROSOFT_APP_PASSWORD"},
		{map[string]string{"MICROSOFT_APP_PASSWORD": "x"}, "MICROSOFT_APP_ID is not"},
	} {
		tt.env["INCUMBENT_DB"] = db
		code, _, errOut := run(t, "", tt.env, "serve", "--addr", "127.0.0.1:0")
		if code != exitUsage || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: %d %s", tt.env, code, errOut)
		}
	}
}

// TestTeamsProactiveDigest sends a weekly digest to a manager's personal chat with the
// bot, found by email among the stored conversation references: once.
func TestTeamsProactiveDigest(t *testing.T) {
	bf := teamstest.New(t)
	db := testDB(t, "digestdata")
	ref, _ := json.Marshal(teams.ConversationReference{ServiceURL: bf.ConnectorURL, ChannelID: "msteams",
		ConversationID: "a:personal-sam", ConversationType: "personal", BotID: "28:" + bf.AppID, UserID: "29:sam"})
	store := openStore(t, db)
	if err := store.SaveConversation(t.Context(), domain.Conversation{Adapter: "teams", Key: teams.EmailKey("sam@example.com"), Ref: ref, UpdatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"MICROSOFT_APP_ID": bf.AppID, "MICROSOFT_APP_PASSWORD": bf.Password,
		"MICROSOFT_OPENID_METADATA_URL": bf.MetadataURL, "MICROSOFT_TOKEN_URL": bf.TokenURL, "MICROSOFT_SERVICE_URL_HOSTS": "127.0.0.1"}
	// South's digest fell due on Friday 27 November at 07:00 in Berlin; it goes to Sam.
	code, out, errOut := run(t, "", env, "digest", "--db", db, "--send", "South")
	if code != 0 || !strings.Contains(out, "The South digest of the week of 2026-11-27") || !strings.Contains(out, "Teams chat with sam@example.com") {
		t.Fatalf("send: %d %s%s", code, out, errOut)
	}
	got := bf.WaitActivities(t, 1, 10*time.Second)[0]
	b, _ := json.Marshal(got.Body)
	if got.ConversationID != "a:personal-sam" || got.ActivityID != "" || !strings.Contains(string(b), "South — weekly digest") ||
		!strings.Contains(string(b), "data:image/png;base64,") {
		t.Errorf("posted to %q (reply to %q):\n%.600s", got.ConversationID, got.ActivityID, b)
	}
	// Once: the week's record says it went.
	if code, _, errOut := run(t, "", env, "digest", "--db", db, "--send", "South"); code != 1 || !strings.Contains(errOut, "was already sent") {
		t.Errorf("second send: %d %s", code, errOut)
	}
	// North's manager has not installed the app: nothing can be sent, and it says why.
	if code, _, errOut := run(t, "", env, "digest", "--db", db, "--send", "North"); code != 1 || !strings.Contains(errOut, "has not been added to the Teams conversation") {
		t.Errorf("North: %d %s", code, errOut)
	}
	if n := len(bf.Activities()); n != 1 {
		t.Errorf("%d activities posted, want 1", n)
	}

	// A territory whose digest channel is a Teams channel where the app was installed:
	// a new post in that channel.
	db = testDB(t, "digestdata")
	store = openStore(t, db)
	north, err := findTerritory(t.Context(), store, "North")
	if err != nil {
		t.Fatal(err)
	}
	north.DigestChannel = "teams:channel:19:north@thread.tacv2"
	if err := store.SetDigestSettings(t.Context(), north); err != nil {
		t.Fatal(err)
	}
	ref, _ = json.Marshal(teams.ConversationReference{ServiceURL: bf.ConnectorURL, ChannelID: "msteams",
		ConversationID: "19:north@thread.tacv2", ConversationType: "channel", BotID: "28:" + bf.AppID})
	if err := store.SaveConversation(t.Context(), domain.Conversation{Adapter: "teams", Key: "channel:19:north@thread.tacv2", Ref: ref, UpdatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := run(t, "", env, "digest", "--db", db, "--send", "North"); code != 0 || !strings.Contains(out, "The North digest") {
		t.Fatalf("North to its channel: %d %s%s", code, out, errOut)
	}
	got = bf.WaitActivities(t, 2, 10*time.Second)[1]
	b, _ = json.Marshal(got.Body)
	if got.ConversationID != "19:north@thread.tacv2" || got.ActivityID != "" || !strings.Contains(string(b), "North — weekly digest") {
		t.Errorf("posted to %q (reply to %q):\n%.600s", got.ConversationID, got.ActivityID, b)
	}
}
