package sftest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/incumbent/incumbent/adapters/salesforce/sftest"
)

func token(t *testing.T, srv *sftest.Server, secret string) (int, map[string]string) {
	t.Helper()
	resp, err := http.PostForm(srv.URL+"/services/oauth2/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {srv.ClientID}, "client_secret": {secret},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]string
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

func TestServer(t *testing.T) {
	srv := sftest.NewServer(t)
	if code, body := token(t, srv, "wrong"); code != http.StatusBadRequest || body["error"] != "invalid_client" {
		t.Errorf("wrong secret: %d %v", code, body)
	}
	code, body := token(t, srv, srv.ClientSecret)
	if code != http.StatusOK || body["access_token"] == "" || body["instance_url"] != srv.URL || body["token_type"] != "Bearer" {
		t.Fatalf("token: %d %v", code, body)
	}
	get := func(q string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+sftest.APIPrefix+"/query/?q="+url.QueryEscape(q), nil)
		req.Header.Set("Authorization", "Bearer "+body["access_token"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, tt := range []struct {
		q        string
		wantCode int
		want     string
	}{
		{"SELECT Id FROM Account GROUP BY Id", 400, `"errorCode":"MALFORMED_QUERY"`},
		{"SELECT Id FROM Account WHERE Name LIKE 'A%'", 400, `"errorCode":"MALFORMED_QUERY"`},
		{"SELECT COUNT() FROM Account WHERE SystemModstamp > 2026-01-01T00:00:00Z AND IsDeleted = false", 200, `"totalSize":1`},
		{"SELECT Id, Owner.Email FROM Account", 200, `"Owner":{"Email":"ann@example.com"`},
	} {
		if tt.wantCode == 200 && len(srv.Records("Account")) == 0 {
			u := srv.Put("User", sftest.Record{"Email": "ann@example.com"})
			srv.Put("Account", sftest.Record{"Name": "Acme", "OwnerId": u})
		}
		code, got := get(tt.q)
		if code != tt.wantCode || !strings.Contains(strings.ReplaceAll(got, `"attributes":{"type":"User","url":"/services/data/v63.0/sobjects/User/005000000000002AAA"},`, ""), tt.want) {
			t.Errorf("%s: %d %s, want %d …%s…", tt.q, code, got, tt.wantCode, tt.want)
		}
	}
	srv.ExpireTokens()
	if code, got := get("SELECT Id FROM Account"); code != http.StatusUnauthorized || !strings.Contains(got, "INVALID_SESSION_ID") {
		t.Errorf("expired token: %d %s", code, got)
	}
}
