// Package teamstest stands in for Microsoft's side of a Teams bot in tests, as
// net/http/httptest stands in for a web server: the Bot Framework's OpenID metadata and
// signing keys (to test inbound authentication), the Entra ID token endpoint (to test
// how the bot gets its access token) and the Bot Connector (to test what the bot
// posts). One httptest.Server serves all three.
//
// It is written with the standard library only, independently of the verifier it
// tests, so that the two cannot share a mistake.
package teamstest

import (
	"bytes"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"hash"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Values the stand-in uses, as Microsoft does.
const (
	// Issuer is the iss claim of the Bot Framework's tokens.
	Issuer = "https://api.botframework.com"
	// Scope is the scope the bot asks the token endpoint for.
	Scope = "https://api.botframework.com/.default"
	// DefaultTenant is the tenant path segment of a multi-tenant bot's token URL.
	DefaultTenant = "botframework.com"
	// KeyID is the kid of the signing key endorsed for Teams ("msteams").
	KeyID = "test-key"
	// UnendorsedKeyID is the kid of a published key with no endorsement for Teams.
	UnendorsedKeyID = "unendorsed"
	// ChannelTeams is Teams' channelId and endorsement.
	ChannelTeams = "msteams"
	// DefaultAppID and DefaultPassword are the bot's credentials New sets.
	DefaultAppID    = "00000000-0000-0000-0000-0000000000b0"
	DefaultPassword = "test-app-password"
)

// Paths the server answers.
const (
	metadataPath  = "/v1/.well-known/openidconfiguration"
	keysPath      = "/keys"
	connectorPath = "/connector/"
)

// BotFramework is a running stand-in for Microsoft's services. Its exported fields are
// set by New; AppID, Password and Now may be changed before the first request that
// uses them, not after. Its methods are safe for concurrent use.
type BotFramework struct {
	// URL is the server's base URL, like httptest.Server.URL.
	URL string
	// MetadataURL is the Bot Framework's OpenID metadata document; its jwks_uri is
	// KeysURL.
	MetadataURL string
	// KeysURL serves the JWKS: the keys KeyID and UnendorsedKeyID, and those AddKey adds.
	KeysURL string
	// LoginURL is the Entra ID authority host (https://login.microsoftonline.com in
	// production): it answers POST {LoginURL}/{tenant}/oauth2/v2.0/token.
	LoginURL string
	// TokenURL is LoginURL's token endpoint for DefaultTenant.
	TokenURL string
	// ConnectorURL is the serviceUrl to put into activities; it ends in a slash, as
	// Teams' serviceUrls do.
	ConnectorURL string

	// AppID and Password are the credentials the token endpoint accepts, and AppID
	// the audience of Token's tokens; New sets DefaultAppID and DefaultPassword.
	AppID    string
	Password string
	// Now is the clock for Token's default claims; New sets time.Now.
	Now func() time.Time

	srv *httptest.Server

	mu               sync.Mutex
	keys             []*signingKey // published, in order
	outsider         *signingKey   // never published: signs forged tokens
	discoveryDown    bool
	metadataRequests int
	keysRequests     int
	tokens           map[string]bool // access tokens issued and not expired
	tokensIssued     int
	tenants          []string
	members          map[string]Member
	activities       []Received
	conversations    []Received
	connectorCalls   int
	failures         []failure
	nextID           int
	changed          chan struct{} // closed and replaced when an activity arrives
}

// signingKey is an RSA key with what the JWKS says of it.
type signingKey struct {
	kid          string
	priv         *rsa.PrivateKey
	cert         []byte // self-signed DER certificate, for x5c and x5t
	endorsements []string
}

// Member is a conversation member, as GET {serviceUrl}v3/conversations/{id}/members/{userId}
// returns it.
type Member struct {
	ID                string `json:"id"`
	Name              string `json:"name,omitempty"`
	AADObjectID       string `json:"aadObjectId,omitempty"`
	Email             string `json:"email,omitempty"`
	UserPrincipalName string `json:"userPrincipalName,omitempty"`
	TenantID          string `json:"tenantId,omitempty"`
}

// Received is a request the connector accepted.
type Received struct {
	// Method is POST (a new activity, a reply or a new conversation) or PUT (an update).
	Method string
	// ConversationID is the conversation posted to; "" for a new conversation.
	ConversationID string
	// ActivityID is the path's {activityId}: for POST the activity replied to (the
	// reply-to id), for PUT the activity replaced; "" for a new message.
	ActivityID string
	// ID is the id the connector answered with.
	ID string
	// Body is the JSON body decoded; Raw is the body as received.
	Body map[string]any
	Raw  []byte
}

type failure struct {
	status     int
	retryAfter time.Duration
}

// New starts a BotFramework with two fresh RSA 2048 keys published: KeyID, endorsed for
// "msteams", and UnendorsedKeyID, endorsed for nothing. It is closed by tb.Cleanup.
func New(tb testing.TB) *BotFramework {
	tb.Helper()
	bf := &BotFramework{
		AppID:    DefaultAppID,
		Password: DefaultPassword,
		Now:      time.Now,
		tokens:   make(map[string]bool),
		members:  make(map[string]Member),
		changed:  make(chan struct{}),
	}
	bf.keys = []*signingKey{
		newSigningKey(tb, KeyID, ChannelTeams),
		newSigningKey(tb, UnendorsedKeyID),
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET "+metadataPath, bf.serveMetadata)
	mux.HandleFunc("GET "+keysPath, bf.serveKeys)
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/token", bf.serveToken)
	mux.HandleFunc("POST "+connectorPath+"v3/conversations", bf.connector(bf.createConversation))
	mux.HandleFunc("POST "+connectorPath+"v3/conversations/{conversation}/activities", bf.connector(bf.receiveActivity))
	mux.HandleFunc("POST "+connectorPath+"v3/conversations/{conversation}/activities/{activity}", bf.connector(bf.receiveActivity))
	mux.HandleFunc("PUT "+connectorPath+"v3/conversations/{conversation}/activities/{activity}", bf.connector(bf.receiveActivity))
	mux.HandleFunc("GET "+connectorPath+"v3/conversations/{conversation}/members/{member}", bf.connector(bf.getMember))
	bf.srv = httptest.NewServer(mux)
	tb.Cleanup(bf.srv.Close)

	bf.URL = bf.srv.URL
	bf.MetadataURL = bf.srv.URL + metadataPath
	bf.KeysURL = bf.srv.URL + keysPath
	bf.LoginURL = bf.srv.URL
	bf.TokenURL = bf.srv.URL + "/" + DefaultTenant + "/oauth2/v2.0/token"
	bf.ConnectorURL = bf.srv.URL + connectorPath
	return bf
}

func newSigningKey(tb testing.TB, kid string, endorsements ...string) *signingKey {
	tb.Helper()
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatalf("teamstest: generating an RSA key: %v", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "teamstest " + kid},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
	}
	cert, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		tb.Fatalf("teamstest: creating a certificate: %v", err)
	}
	if endorsements == nil {
		endorsements = []string{}
	}
	return &signingKey{kid: kid, priv: priv, cert: cert, endorsements: endorsements}
}

// AddKey generates an RSA 2048 key and publishes it in the JWKS with the given kid and
// endorsements, as Microsoft does when it rotates its keys.
func (bf *BotFramework) AddKey(tb testing.TB, kid string, endorsements ...string) {
	tb.Helper()
	k := newSigningKey(tb, kid, endorsements...)
	bf.mu.Lock()
	defer bf.mu.Unlock()
	bf.keys = append(bf.keys, k)
}

// SetDiscoveryDown makes the metadata document and the JWKS answer 503 (down true) or
// serve again (down false).
func (bf *BotFramework) SetDiscoveryDown(down bool) {
	bf.mu.Lock()
	defer bf.mu.Unlock()
	bf.discoveryDown = down
}

// MetadataRequests is how many times the metadata document was requested.
func (bf *BotFramework) MetadataRequests() int {
	bf.mu.Lock()
	defer bf.mu.Unlock()
	return bf.metadataRequests
}

// KeysRequests is how many times the JWKS was requested.
func (bf *BotFramework) KeysRequests() int {
	bf.mu.Lock()
	defer bf.mu.Unlock()
	return bf.keysRequests
}

func (bf *BotFramework) serveMetadata(w http.ResponseWriter, r *http.Request) {
	bf.mu.Lock()
	bf.metadataRequests++
	down := bf.discoveryDown
	bf.mu.Unlock()
	if down {
		http.Error(w, "service unavailable", http.StatusServiceUnavailable)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                Issuer,
		"authorization_endpoint":                "https://invalid.botframework.com",
		"jwks_uri":                              bf.KeysURL,
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"token_endpoint_auth_methods_supported": []string{"private_key_jwt"},
	})
}

func (bf *BotFramework) serveKeys(w http.ResponseWriter, r *http.Request) {
	bf.mu.Lock()
	bf.keysRequests++
	down := bf.discoveryDown
	keys := append([]*signingKey(nil), bf.keys...)
	bf.mu.Unlock()
	if down {
		http.Error(w, "service unavailable", http.StatusServiceUnavailable)
		return
	}
	b64 := base64.RawURLEncoding
	var set []map[string]any
	for _, k := range keys {
		x5t := sha1.Sum(k.cert)
		set = append(set, map[string]any{
			"kty":          "RSA",
			"use":          "sig",
			"kid":          k.kid,
			"x5t":          b64.EncodeToString(x5t[:]),
			"n":            b64.EncodeToString(k.priv.N.Bytes()),
			"e":            b64.EncodeToString(big.NewInt(int64(k.priv.E)).Bytes()),
			"x5c":          []string{base64.StdEncoding.EncodeToString(k.cert)},
			"endorsements": k.endorsements,
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"keys": set})
}

// TokenClaims describes a token for Token to sign. Zero fields take the defaults given.
type TokenClaims struct {
	Issuer string // default Issuer
	// Audience is the aud claim; default the BotFramework's AppID.
	Audience string
	// ServiceURL is the serviceurl claim; default the BotFramework's ConnectorURL.
	ServiceURL string
	Expiry     time.Time // default Now()+1h
	NotBefore  time.Time // default Now()-1m
	// Kid is the key to sign with; default KeyID. A kid that the JWKS does not
	// publish signs with a key of its own, so that the verifier cannot find it.
	Kid string
	// Alg is the header's alg: default RS256; also RS384, RS512 and PS256 (signed with
	// the RSA key), HS256 (HMAC keyed with the RSA public key's PEM: the classic
	// algorithm-confusion attack) and none (no signature).
	Alg string
	// Forge signs with an RSA key that is not in the JWKS while the header still names
	// Kid: a forged signature.
	Forge bool
	// Extra sets further claims or overrides the ones above; a nil value removes the
	// claim (e.g. {"serviceurl": nil}).
	Extra map[string]any
}

// Token signs a JWT as the Bot Framework Connector does for the activities it posts
// to a bot. It panics if the claims cannot be signed (an unknown Alg): a test bug.
func (bf *BotFramework) Token(c TokenClaims) string {
	now := time.Now()
	if bf.Now != nil {
		now = bf.Now()
	}
	if c.Issuer == "" {
		c.Issuer = Issuer
	}
	if c.Audience == "" {
		c.Audience = bf.AppID
	}
	if c.ServiceURL == "" {
		c.ServiceURL = bf.ConnectorURL
	}
	if c.Expiry.IsZero() {
		c.Expiry = now.Add(time.Hour)
	}
	if c.NotBefore.IsZero() {
		c.NotBefore = now.Add(-time.Minute)
	}
	if c.Kid == "" {
		c.Kid = KeyID
	}
	if c.Alg == "" {
		c.Alg = "RS256"
	}
	claims := map[string]any{
		"serviceurl": c.ServiceURL,
		"nbf":        c.NotBefore.Unix(),
		"exp":        c.Expiry.Unix(),
		"iss":        c.Issuer,
		"aud":        c.Audience,
	}
	for name, v := range c.Extra {
		if v == nil {
			delete(claims, name)
			continue
		}
		claims[name] = v
	}

	key := bf.key(c.Kid)
	if key == nil || c.Forge {
		key = bf.outsiderKey()
	}
	x5t := sha1.Sum(key.cert)
	header := map[string]any{
		"alg": c.Alg,
		"typ": "JWT",
		"kid": c.Kid,
		"x5t": base64.RawURLEncoding.EncodeToString(x5t[:]),
	}
	input := encodeSegment(header) + "." + encodeSegment(claims)
	sig, err := sign(c.Alg, key.priv, []byte(input))
	if err != nil {
		panic(fmt.Sprintf("teamstest: %v", err))
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func (bf *BotFramework) key(kid string) *signingKey {
	bf.mu.Lock()
	defer bf.mu.Unlock()
	for _, k := range bf.keys {
		if k.kid == kid {
			return k
		}
	}
	return nil
}

func (bf *BotFramework) outsiderKey() *signingKey {
	bf.mu.Lock()
	defer bf.mu.Unlock()
	if bf.outsider == nil {
		priv, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(fmt.Sprintf("teamstest: generating an RSA key: %v", err))
		}
		bf.outsider = &signingKey{kid: "outsider", priv: priv, cert: []byte("outsider")}
	}
	return bf.outsider
}

func encodeSegment(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("teamstest: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func sign(alg string, priv *rsa.PrivateKey, input []byte) ([]byte, error) {
	digest := func(h hash.Hash) []byte {
		h.Write(input)
		return h.Sum(nil)
	}
	switch alg {
	case "none":
		return nil, nil
	case "RS256":
		return rsa.SignPKCS1v15(rand.Reader, priv, crypto.SHA256, digest(sha256.New()))
	case "RS384":
		return rsa.SignPKCS1v15(rand.Reader, priv, crypto.SHA384, digest(sha512.New384()))
	case "RS512":
		return rsa.SignPKCS1v15(rand.Reader, priv, crypto.SHA512, digest(sha512.New()))
	case "PS256":
		return rsa.SignPSS(rand.Reader, priv, crypto.SHA256, digest(sha256.New()), nil)
	case "HS256":
		der, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
		if err != nil {
			return nil, err
		}
		secret := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
		return digest(hmac.New(sha256.New, secret)), nil
	}
	return nil, fmt.Errorf("cannot sign with alg %q", alg)
}

// serveToken is the Entra ID token endpoint: the client-credentials grant.
func (bf *BotFramework) serveToken(w http.ResponseWriter, r *http.Request) {
	tenant := r.PathValue("tenant")
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "the body is not a form")
		return
	}
	bf.mu.Lock()
	bf.tenants = append(bf.tenants, tenant)
	bf.mu.Unlock()
	switch {
	case r.PostForm.Get("grant_type") != "client_credentials":
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be client_credentials")
		return
	case r.PostForm.Get("scope") != Scope:
		oauthError(w, http.StatusBadRequest, "invalid_scope", "scope must be "+Scope)
		return
	case r.PostForm.Get("client_id") != bf.AppID || r.PostForm.Get("client_secret") != bf.Password:
		oauthError(w, http.StatusUnauthorized, "invalid_client", "AADSTS7000215: Invalid client secret provided.")
		return
	}
	var b [24]byte
	rand.Read(b[:])
	tok := hex.EncodeToString(b[:])
	bf.mu.Lock()
	bf.tokens[tok] = true
	bf.tokensIssued++
	bf.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"token_type":     "Bearer",
		"expires_in":     3600,
		"ext_expires_in": 3600,
		"access_token":   tok,
	})
}

func oauthError(w http.ResponseWriter, status int, code, description string) {
	writeJSON(w, status, map[string]any{"error": code, "error_description": description})
}

// ValidAccessToken reports whether tok was issued by the token endpoint and has not
// been expired by ExpireAccessTokens.
func (bf *BotFramework) ValidAccessToken(tok string) bool {
	bf.mu.Lock()
	defer bf.mu.Unlock()
	return bf.tokens[tok]
}

// ExpireAccessTokens makes every access token issued so far invalid, so that the
// connector answers 401 until the bot fetches a new one.
func (bf *BotFramework) ExpireAccessTokens() {
	bf.mu.Lock()
	defer bf.mu.Unlock()
	clear(bf.tokens)
}

// TokensIssued is how many access tokens the token endpoint issued.
func (bf *BotFramework) TokensIssued() int {
	bf.mu.Lock()
	defer bf.mu.Unlock()
	return bf.tokensIssued
}

// TokenTenants is the tenant path segment of every token request, in order.
func (bf *BotFramework) TokenTenants() []string {
	bf.mu.Lock()
	defer bf.mu.Unlock()
	return append([]string(nil), bf.tenants...)
}

// AddMember adds m to every conversation's member list: GET .../members/{userId}
// finds it by its ID or its AADObjectID.
func (bf *BotFramework) AddMember(m Member) {
	bf.mu.Lock()
	defer bf.mu.Unlock()
	bf.members[m.ID] = m
	if m.AADObjectID != "" {
		bf.members[m.AADObjectID] = m
	}
}

// FailNext makes the next n connector requests that carry a valid access token answer
// status, with a Retry-After header (whole seconds, rounded up) when retryAfter > 0.
// Requests failed this way are counted by ConnectorRequests but not recorded.
func (bf *BotFramework) FailNext(n, status int, retryAfter time.Duration) {
	bf.mu.Lock()
	defer bf.mu.Unlock()
	for range n {
		bf.failures = append(bf.failures, failure{status: status, retryAfter: retryAfter})
	}
}

// ConnectorRequests is how many requests reached the connector, whatever the answer.
func (bf *BotFramework) ConnectorRequests() int {
	bf.mu.Lock()
	defer bf.mu.Unlock()
	return bf.connectorCalls
}

// Activities returns the activities the connector accepted (new ones, replies and
// updates), in order.
func (bf *BotFramework) Activities() []Received {
	bf.mu.Lock()
	defer bf.mu.Unlock()
	return append([]Received(nil), bf.activities...)
}

// Conversations returns the conversations created (POST v3/conversations), in order;
// their Body is the ConversationParameters sent.
func (bf *BotFramework) Conversations() []Received {
	bf.mu.Lock()
	defer bf.mu.Unlock()
	return append([]Received(nil), bf.conversations...)
}

// WaitActivities waits until the connector has accepted at least n activities and
// returns them all; after timeout it fails the test. Call it from the test goroutine.
func (bf *BotFramework) WaitActivities(tb testing.TB, n int, timeout time.Duration) []Received {
	tb.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		bf.mu.Lock()
		got, changed := len(bf.activities), bf.changed
		if got >= n {
			all := append([]Received(nil), bf.activities...)
			bf.mu.Unlock()
			return all
		}
		bf.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			tb.Fatalf("teamstest: %d activities after %v, want %d", got, timeout, n)
			return nil
		}
	}
}

// connector wraps a connector handler with the checks every connector request gets:
// a valid access token, then any failure FailNext asked for.
func (bf *BotFramework) connector(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		bf.mu.Lock()
		bf.connectorCalls++
		bf.mu.Unlock()
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || !bf.ValidAccessToken(tok) {
			writeJSON(w, http.StatusUnauthorized, map[string]any{"message": "Authorization has been denied for this request."})
			return
		}
		bf.mu.Lock()
		var f *failure
		if len(bf.failures) > 0 {
			f = &bf.failures[0]
			bf.failures = bf.failures[1:]
		}
		bf.mu.Unlock()
		if f != nil {
			if f.retryAfter > 0 {
				secs := (f.retryAfter + time.Second - 1) / time.Second
				w.Header().Set("Retry-After", strconv.Itoa(int(secs)))
			}
			connectorError(w, f.status, "ServiceError", http.StatusText(f.status))
			return
		}
		h(w, r)
	}
}

func connectorError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": code, "message": message}})
}

// readBody reads a JSON object body; it answers 400 and returns false when there is none.
func readBody(w http.ResponseWriter, r *http.Request) (raw []byte, body map[string]any, ok bool) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err == nil {
		err = json.Unmarshal(raw, &body)
	}
	if err != nil || body == nil {
		connectorError(w, http.StatusBadRequest, "BadArgument", "the body is not a JSON object")
		return nil, nil, false
	}
	return raw, body, true
}

func (bf *BotFramework) newID(prefix string) string {
	bf.nextID++
	return prefix + strconv.Itoa(bf.nextID)
}

func (bf *BotFramework) createConversation(w http.ResponseWriter, r *http.Request) {
	raw, body, ok := readBody(w, r)
	if !ok {
		return
	}
	bf.mu.Lock()
	id := bf.newID("a:conversation-")
	bf.conversations = append(bf.conversations, Received{Method: r.Method, ID: id, Body: body, Raw: raw})
	bf.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]any{"id": id})
}

func (bf *BotFramework) receiveActivity(w http.ResponseWriter, r *http.Request) {
	raw, body, ok := readBody(w, r)
	if !ok {
		return
	}
	rec := Received{
		Method:         r.Method,
		ConversationID: r.PathValue("conversation"),
		ActivityID:     r.PathValue("activity"),
		Body:           body,
		Raw:            raw,
	}
	bf.mu.Lock()
	if rec.Method == http.MethodPut {
		rec.ID = rec.ActivityID
	} else {
		rec.ID = bf.newID("activity-")
	}
	bf.activities = append(bf.activities, rec)
	close(bf.changed)
	bf.changed = make(chan struct{})
	bf.mu.Unlock()
	status := http.StatusCreated
	if rec.Method == http.MethodPut {
		status = http.StatusOK
	}
	writeJSON(w, status, map[string]any{"id": rec.ID})
}

func (bf *BotFramework) getMember(w http.ResponseWriter, r *http.Request) {
	bf.mu.Lock()
	m, ok := bf.members[r.PathValue("member")]
	bf.mu.Unlock()
	if !ok {
		connectorError(w, http.StatusNotFound, "MemberNotFoundInConversation", "The member is not part of the conversation.")
		return
	}
	writeJSON(w, http.StatusOK, m)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
