package teams_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/adapters/teams"
	"github.com/incumbent/incumbent/adapters/teams/teamstest"
)

func newAuthSetup(t *testing.T) (*teamstest.BotFramework, *teams.Verifier, *testClock) {
	t.Helper()
	clock := newTestClock()
	bf := teamstest.New(t)
	bf.Now = clock.Now
	v := &teams.Verifier{AppID: bf.AppID, MetadataURL: bf.MetadataURL, Now: clock.Now}
	return bf, v, clock
}

// teamsActivity is a message from Teams as the stand-in's connector would send it.
func teamsActivity(bf *teamstest.BotFramework) *teams.Activity {
	return &teams.Activity{
		Type:         teams.TypeMessage,
		ID:           "1",
		ServiceURL:   bf.ConnectorURL,
		ChannelID:    "msteams",
		Conversation: &teams.ConversationAccount{ID: "a:1"},
		Text:         "help",
	}
}

// authStatus returns the status of Verify's error: 0 for none.
func authStatus(t *testing.T, err error) int {
	t.Helper()
	if err == nil {
		return 0
	}
	var ae *teams.AuthError
	if !errors.As(err, &ae) {
		t.Fatalf("Verify error %v (%T) is not an *AuthError", err, err)
	}
	return ae.Status
}

func TestVerifyValidToken(t *testing.T) {
	bf, v, clock := newAuthSetup(t)
	claims, err := v.Verify(t.Context(), "Bearer "+bf.Token(teamstest.TokenClaims{}), teamsActivity(bf))
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	now := clock.Now()
	want := teams.Claims{
		Issuer:     "https://api.botframework.com",
		Audience:   []string{bf.AppID},
		ServiceURL: bf.ConnectorURL,
		Expiry:     now.Add(time.Hour),
		NotBefore:  now.Add(-time.Minute),
		KeyID:      teamstest.KeyID,
	}
	if diff := cmp.Diff(want, claims); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}
}

func TestVerifyRejects(t *testing.T) {
	bf, v, clock := newAuthSetup(t)
	now := clock.Now()
	bearer := func(c teamstest.TokenClaims) func() string {
		return func() string { return "Bearer " + bf.Token(c) }
	}
	tests := []struct {
		name     string
		header   func() string
		activity func(a *teams.Activity)
		want     int    // status; 0 for accepted
		why      string // in the reason
	}{
		{name: "valid", header: bearer(teamstest.TokenClaims{}), want: 0},
		{name: "bearer scheme in lower case", header: func() string { return "bearer " + bf.Token(teamstest.TokenClaims{}) }, want: 0},
		{name: "missing header", header: func() string { return "" }, want: 401, why: "no Authorization header"},
		{name: "wrong scheme", header: func() string { return "Basic " + bf.Token(teamstest.TokenClaims{}) }, want: 401, why: "not a Bearer token"},
		{name: "token without scheme", header: func() string { return bf.Token(teamstest.TokenClaims{}) }, want: 401, why: "not a Bearer token"},
		{name: "empty bearer", header: func() string { return "Bearer " }, want: 401, why: "empty bearer token"},
		{name: "garbage token", header: func() string { return "Bearer not-a-jwt" }, want: 401, why: "malformed token"},
		{name: "garbage with dots", header: func() string { return "Bearer a.b.c" }, want: 401, why: "malformed token"},
		{name: "oversized token", header: func() string { return "Bearer " + strings.Repeat("a", 20000) }, want: 401, why: "too long"},
		{name: "expired beyond skew", header: bearer(teamstest.TokenClaims{Expiry: now.Add(-6 * time.Minute), NotBefore: now.Add(-time.Hour)}), want: 401, why: "token expired"},
		{name: "expired within skew", header: bearer(teamstest.TokenClaims{Expiry: now.Add(-4 * time.Minute), NotBefore: now.Add(-time.Hour)}), want: 0},
		{name: "not yet valid beyond skew", header: bearer(teamstest.TokenClaims{NotBefore: now.Add(6 * time.Minute)}), want: 401, why: "not valid before"},
		{name: "not yet valid within skew", header: bearer(teamstest.TokenClaims{NotBefore: now.Add(4 * time.Minute)}), want: 0},
		{name: "no exp", header: bearer(teamstest.TokenClaims{Extra: map[string]any{"exp": nil}}), want: 401, why: "no exp"},
		{name: "no nbf", header: bearer(teamstest.TokenClaims{Extra: map[string]any{"nbf": nil}}), want: 0},
		{name: "wrong audience", header: bearer(teamstest.TokenClaims{Audience: "another-bot"}), want: 401, why: "audience"},
		{name: "no audience", header: bearer(teamstest.TokenClaims{Extra: map[string]any{"aud": nil}}), want: 401, why: "audience"},
		{name: "wrong issuer", header: bearer(teamstest.TokenClaims{Issuer: "https://sts.windows.net/tenant/"}), want: 401, why: "issuer"},
		{name: "issuer with trailing slash", header: bearer(teamstest.TokenClaims{Issuer: "https://api.botframework.com/"}), want: 401, why: "issuer"},
		{name: "alg none", header: bearer(teamstest.TokenClaims{Alg: "none"}), want: 401, why: `algorithm "none"`},
		{name: "HS256 keyed with the public key", header: bearer(teamstest.TokenClaims{Alg: "HS256"}), want: 401, why: `algorithm "HS256"`},
		{name: "RS512", header: bearer(teamstest.TokenClaims{Alg: "RS512"}), want: 401, why: `algorithm "RS512"`},
		{name: "RS384", header: bearer(teamstest.TokenClaims{Alg: "RS384"}), want: 401, why: `algorithm "RS384"`},
		{name: "PS256", header: bearer(teamstest.TokenClaims{Alg: "PS256"}), want: 401, why: `algorithm "PS256"`},
		{name: "unknown kid", header: bearer(teamstest.TokenClaims{Kid: "not-published"}), want: 401, why: "no signing key"},
		{name: "forged signature", header: bearer(teamstest.TokenClaims{Forge: true}), want: 401, why: "signature"},
		{name: "payload swapped", header: func() string {
			good := strings.Split(bf.Token(teamstest.TokenClaims{}), ".")
			other := strings.Split(bf.Token(teamstest.TokenClaims{Audience: "another-bot"}), ".")
			return "Bearer " + good[0] + "." + other[1] + "." + good[2]
		}, want: 401, why: "signature"},
		{name: "no serviceurl claim", header: bearer(teamstest.TokenClaims{Extra: map[string]any{"serviceurl": nil}}), want: 401, why: "serviceurl"},
		{name: "serviceurl not a string", header: bearer(teamstest.TokenClaims{Extra: map[string]any{"serviceurl": 42}}), want: 401, why: "serviceurl"},
		{name: "serviceUrl mismatch", header: bearer(teamstest.TokenClaims{ServiceURL: "https://evil.example/"}), want: 403, why: "serviceurl"},
		{
			name:     "serviceUrl without the trailing slash",
			header:   bearer(teamstest.TokenClaims{}),
			activity: func(a *teams.Activity) { a.ServiceURL = strings.TrimSuffix(a.ServiceURL, "/") },
			want:     0,
		},
		{
			name:     "serviceUrl differs in a path",
			header:   bearer(teamstest.TokenClaims{}),
			activity: func(a *teams.Activity) { a.ServiceURL += "emea/" },
			want:     403,
			why:      "serviceurl",
		},
		{name: "key not endorsed for msteams", header: bearer(teamstest.TokenClaims{Kid: teamstest.UnendorsedKeyID}), want: 403, why: "not endorsed"},
		{
			name:     "unendorsed key, activity without channel",
			header:   bearer(teamstest.TokenClaims{Kid: teamstest.UnendorsedKeyID}),
			activity: func(a *teams.Activity) { a.ChannelID = "" },
			want:     403,
			why:      "names no channel",
		},
		{
			name:     "endorsed key, activity without channel",
			header:   bearer(teamstest.TokenClaims{}),
			activity: func(a *teams.Activity) { a.ChannelID = "" },
			want:     403,
			why:      "names no channel",
		},
		{
			name:     "msteams key, activity from another channel",
			header:   bearer(teamstest.TokenClaims{}),
			activity: func(a *teams.Activity) { a.ChannelID = "webchat" },
			want:     403,
			why:      "not endorsed",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := tt.header()
			a := teamsActivity(bf)
			if tt.activity != nil {
				tt.activity(a)
			}
			_, err := v.Verify(t.Context(), header, a)
			if got := authStatus(t, err); got != tt.want {
				t.Fatalf("Verify status %d (%v), want %d", got, err, tt.want)
			}
			if err == nil {
				return
			}
			var ae *teams.AuthError
			errors.As(err, &ae)
			if !strings.Contains(ae.Reason, tt.why) {
				t.Errorf("reason %q, want it to say %q", ae.Reason, tt.why)
			}
			// Not even a part of the token may be in the error.
			_, token, _ := strings.Cut(header, " ")
			if !strings.HasPrefix(header, "Bearer ") {
				token = header
			}
			const n = 16
			for i := 0; i+n <= len(token); i++ {
				if strings.Contains(err.Error(), token[i:i+n]) {
					t.Fatalf("error %q contains a part of the token", err)
				}
			}
		})
	}
}

func TestVerifyNeedsAppID(t *testing.T) {
	bf, v, _ := newAuthSetup(t)
	v.AppID = ""
	_, err := v.Verify(t.Context(), "Bearer "+bf.Token(teamstest.TokenClaims{Audience: "x"}), teamsActivity(bf))
	if got := authStatus(t, err); got != http.StatusInternalServerError {
		t.Errorf("Verify status %d (%v), want 500", got, err)
	}
	if bf.MetadataRequests() != 0 {
		t.Errorf("metadata fetched %d times without an app id, want 0", bf.MetadataRequests())
	}
}

func TestVerifyIssuerOfASovereignCloud(t *testing.T) {
	const gov = "https://api.botframework.us"
	bf, v, _ := newAuthSetup(t)
	v.Issuer = gov
	tests := []struct {
		issuer string
		want   int
	}{
		{issuer: gov, want: 0},
		{issuer: "https://api.botframework.com", want: 401},
	}
	for _, tt := range tests {
		_, err := v.Verify(t.Context(), "Bearer "+bf.Token(teamstest.TokenClaims{Issuer: tt.issuer}), teamsActivity(bf))
		if got := authStatus(t, err); got != tt.want {
			t.Errorf("issuer %s: status %d (%v), want %d", tt.issuer, got, err, tt.want)
		}
	}
}

func TestVerifyNilActivity(t *testing.T) {
	bf, v, _ := newAuthSetup(t)
	_, err := v.Verify(t.Context(), "Bearer "+bf.Token(teamstest.TokenClaims{}), nil)
	if got := authStatus(t, err); got != http.StatusForbidden {
		t.Errorf("Verify status %d (%v), want 403", got, err)
	}
}

// fetches is how many times a Verifier read the metadata and the keys.
type fetches struct{ Metadata, Keys int }

func fetchCount(bf *teamstest.BotFramework) fetches {
	return fetches{Metadata: bf.MetadataRequests(), Keys: bf.KeysRequests()}
}

func TestVerifyFetchesKeysOnce(t *testing.T) {
	bf, v, clock := newAuthSetup(t)
	a := teamsActivity(bf)
	for range 20 {
		if _, err := v.Verify(t.Context(), "Bearer "+bf.Token(teamstest.TokenClaims{}), a); err != nil {
			t.Fatalf("Verify: %v", err)
		}
		clock.Advance(time.Hour)
	}
	// 20 hours on: still the keys of the first fetch.
	if diff := cmp.Diff(fetches{1, 1}, fetchCount(bf)); diff != "" {
		t.Errorf("fetches (-want +got):\n%s", diff)
	}
	// A day after the fetch, the metadata and the keys are read again.
	clock.Advance(5 * time.Hour)
	if _, err := v.Verify(t.Context(), "Bearer "+bf.Token(teamstest.TokenClaims{}), a); err != nil {
		t.Fatalf("Verify a day later: %v", err)
	}
	if diff := cmp.Diff(fetches{2, 2}, fetchCount(bf)); diff != "" {
		t.Errorf("fetches a day later (-want +got):\n%s", diff)
	}
}

func TestVerifyUnknownKidRefreshesAtMostEvery5Minutes(t *testing.T) {
	bf, v, clock := newAuthSetup(t)
	a := teamsActivity(bf)
	verify := func(kid string) int {
		t.Helper()
		_, err := v.Verify(t.Context(), "Bearer "+bf.Token(teamstest.TokenClaims{Kid: kid}), a)
		return authStatus(t, err)
	}
	steps := []struct {
		name    string
		advance time.Duration
		addKey  string
		kid     string
		want    int
		fetches fetches
	}{
		{name: "first token fetches", kid: teamstest.KeyID, want: 0, fetches: fetches{1, 1}},
		{name: "unknown kid: no refetch right after a fetch", advance: time.Minute, kid: "rotated", want: 401, fetches: fetches{1, 1}},
		{name: "unknown kid 5 minutes later: one refetch", advance: 4 * time.Minute, kid: "rotated", want: 401, fetches: fetches{2, 2}},
		{name: "again at once: no refetch", kid: "rotated", want: 401, fetches: fetches{2, 2}},
		{name: "again and again: no refetch", advance: 4 * time.Minute, kid: "another", want: 401, fetches: fetches{2, 2}},
		{name: "known kid still verifies", kid: teamstest.KeyID, want: 0, fetches: fetches{2, 2}},
		{name: "Microsoft rotates: the new kid is fetched", advance: time.Minute, addKey: "rotated", kid: "rotated", want: 0, fetches: fetches{3, 3}},
		{name: "the new kid is then cached", kid: "rotated", want: 0, fetches: fetches{3, 3}},
	}
	for _, s := range steps {
		clock.Advance(s.advance)
		if s.addKey != "" {
			bf.AddKey(t, s.addKey, "msteams")
		}
		if got := verify(s.kid); got != s.want {
			t.Errorf("%s: status %d, want %d", s.name, got, s.want)
		}
		if diff := cmp.Diff(s.fetches, fetchCount(bf)); diff != "" {
			t.Errorf("%s: fetches (-want +got):\n%s", s.name, diff)
		}
	}
}

func TestVerifyMetadataDown(t *testing.T) {
	bf := teamstest.New(t)
	bad := func(status int, body string) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/keys" {
				w.Write([]byte(`{"keys":[]}`))
				return
			}
			w.WriteHeader(status)
			w.Write([]byte(strings.ReplaceAll(body, "KEYS", "http://"+r.Host+"/keys")))
		}))
		t.Cleanup(srv.Close)
		return srv.URL + "/v1/.well-known/openidconfiguration"
	}
	tests := []struct {
		name        string
		metadataURL string
	}{
		{name: "500", metadataURL: bad(500, `oops`)},
		{name: "not JSON", metadataURL: bad(200, `<html>`)},
		{name: "no jwks_uri", metadataURL: bad(200, `{"issuer":"https://api.botframework.com"}`)},
		{name: "jwks_uri to another scheme", metadataURL: bad(200, `{"jwks_uri":"ftp://example.com/keys"}`)},
		{name: "RS256 not supported", metadataURL: bad(200, `{"jwks_uri":"KEYS","id_token_signing_alg_values_supported":["ES256"]}`)},
		{name: "no keys", metadataURL: bad(200, `{"jwks_uri":"KEYS"}`)},
	}
	// A server closed after every other has started: no server of this test can have
	// taken its port since (one started later could, and would answer).
	down := httptest.NewServer(http.NotFoundHandler())
	tests = append(tests, struct {
		name        string
		metadataURL string
	}{"connection refused", down.URL + "/v1/.well-known/openidconfiguration"})
	down.Close()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := &teams.Verifier{AppID: bf.AppID, MetadataURL: tt.metadataURL}
			_, err := v.Verify(t.Context(), "Bearer "+bf.Token(teamstest.TokenClaims{}), teamsActivity(bf))
			if got := authStatus(t, err); got != http.StatusServiceUnavailable {
				t.Fatalf("Verify status %d (%v), want 503", got, err)
			}
			if errors.Unwrap(err) == nil {
				t.Errorf("503 %v wraps no cause", err)
			}
		})
	}
}

func TestVerifyDiscoveryOutage(t *testing.T) {
	bf, v, clock := newAuthSetup(t)
	a := teamsActivity(bf)
	verify := func() int {
		t.Helper()
		_, err := v.Verify(t.Context(), "Bearer "+bf.Token(teamstest.TokenClaims{}), a)
		return authStatus(t, err)
	}
	steps := []struct {
		name    string
		advance time.Duration
		down    bool
		want    int
		fetches fetches // metadata requests: the keys are not requested while it is down
	}{
		{name: "down from the start", down: true, want: 503, fetches: fetches{1, 0}},
		{name: "no retry within 30 s", advance: 10 * time.Second, down: true, want: 503, fetches: fetches{1, 0}},
		{name: "retried after 30 s", advance: 20 * time.Second, down: true, want: 503, fetches: fetches{2, 0}},
		{name: "back", advance: 30 * time.Second, want: 0, fetches: fetches{3, 1}},
		{name: "down a day later: the old keys still serve", advance: 25 * time.Hour, down: true, want: 0, fetches: fetches{4, 1}},
		{name: "still down: retried after 30 s", advance: 30 * time.Second, down: true, want: 0, fetches: fetches{5, 1}},
		{name: "keys older than 5 days are not used", advance: 4 * 24 * time.Hour, down: true, want: 503, fetches: fetches{6, 1}},
		{name: "back again", advance: time.Minute, want: 0, fetches: fetches{7, 2}},
	}
	for _, s := range steps {
		clock.Advance(s.advance)
		bf.SetDiscoveryDown(s.down)
		if got := verify(); got != s.want {
			t.Errorf("%s: status %d, want %d", s.name, got, s.want)
		}
		if diff := cmp.Diff(s.fetches, fetchCount(bf)); diff != "" {
			t.Errorf("%s: fetches (-want +got):\n%s", s.name, diff)
		}
	}
}

func TestVerifyGivesUpWithItsContext(t *testing.T) {
	bf := teamstest.New(t)
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
		http.Redirect(w, r, bf.MetadataURL, http.StatusFound)
	}))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(release) })
	v := &teams.Verifier{AppID: bf.AppID, MetadataURL: slow.URL}

	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := v.Verify(ctx, "Bearer "+bf.Token(teamstest.TokenClaims{}), teamsActivity(bf))
	if got := authStatus(t, err); got != http.StatusServiceUnavailable {
		t.Fatalf("Verify status %d (%v), want 503", got, err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Verify error %v, want it to wrap context.DeadlineExceeded", err)
	}
}

func TestVerifyConcurrent(t *testing.T) {
	bf, v, _ := newAuthSetup(t)
	tokens := map[string]int{
		bf.Token(teamstest.TokenClaims{}):                               0,
		bf.Token(teamstest.TokenClaims{Audience: "another-bot"}):        401,
		bf.Token(teamstest.TokenClaims{Kid: teamstest.UnendorsedKeyID}): 403,
	}
	var wg sync.WaitGroup
	errs := make(chan string, 60*len(tokens))
	for range 60 {
		for token, want := range tokens {
			wg.Go(func() {
				_, err := v.Verify(t.Context(), "Bearer "+token, teamsActivity(bf))
				got := 0
				var ae *teams.AuthError
				if errors.As(err, &ae) {
					got = ae.Status
				}
				if got != want || (err != nil && ae == nil) {
					errs <- fmt.Sprintf("Verify: %v, want status %d", err, want)
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if diff := cmp.Diff(fetches{1, 1}, fetchCount(bf)); diff != "" {
		t.Errorf("fetches by concurrent calls (-want +got):\n%s", diff)
	}
}
