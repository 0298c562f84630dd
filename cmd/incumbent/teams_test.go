package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/incumbent/incumbent/adapters/teams/teamstest"
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
		"conversation": map[string]any{"id": "19:sales@thread.tacv2;messageid=1700", "conversationType": "channel"},
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
