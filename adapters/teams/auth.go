package teams

// This file authenticates the requests the Bot Framework Connector sends to the bot's
// /api/messages, as "Authenticate requests from the Bot Framework Connector service to
// your bot" requires
// (https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication).

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/lestrrat-go/jwx/v3/jwt"
)

// DefaultMetadataURL is the Bot Framework's OpenID metadata document in Azure's public
// cloud. Sovereign clouds publish their own.
const DefaultMetadataURL = "https://login.botframework.com/v1/.well-known/openidconfiguration"

// DefaultIssuer is the iss claim of the tokens the Bot Framework Connector sends in
// Azure's public cloud.
const DefaultIssuer = "https://api.botframework.com"

const (
	// clockSkew is how far exp and nbf may be off our clock.
	clockSkew = 5 * time.Minute
	// keysRefresh is how often the metadata and the keys are fetched again.
	keysRefresh = 24 * time.Hour
	// keysMaxAge is how long keys are still used while fetching them again fails (the
	// Bot Framework SDK caches them for 5 days).
	keysMaxAge = 5 * 24 * time.Hour
	// unknownKeyRefresh is the least time between two fetches caused by a kid that the
	// keys do not have, so that a forger cannot make us hammer Microsoft.
	unknownKeyRefresh = 5 * time.Minute
	// retryAfterFailure is the least time between two fetches after one failed.
	retryAfterFailure = 30 * time.Second
	// fetchTimeout bounds fetching the metadata and the keys together.
	fetchTimeout = 30 * time.Second
	// maxDocument bounds the metadata document and the key set.
	maxDocument = 1 << 20
	// maxToken bounds the token: the Connector's are about 1.5 KB.
	maxToken = 16 << 10
	// signingAlg is the only algorithm accepted.
	signingAlg = "RS256"
)

var defaultHTTPClient = &http.Client{Timeout: 10 * time.Second}

// Verifier authenticates the activities the Bot Framework Connector posts to the bot.
// It fetches the Bot Framework's OpenID metadata and signing keys on first use, and
// again at least daily; until then it keeps them in memory. A token naming a key it
// does not have makes it fetch them again, at most once in 5 minutes.
//
// lestrrat-go/jwx parses and checks the keys, the signature and the claims. The key
// cache around it is the Verifier's own rather than jwx's jwk.Cache: the keys sit
// behind the metadata document's jwks_uri, a kid the keys lack must trigger a fetch
// (rate-limited), keys must stay in use for up to 5 days while Microsoft cannot be
// reached, and all of it runs on the injected clock, so the daily refresh and the
// limits are tested without waiting. jwk.Cache (httprc) refreshes on wall time in
// background goroutines and offers none of these.
//
// Set the fields before the first Verify and do not change them after. A Verifier is
// safe for concurrent use and must not be copied after first use.
type Verifier struct {
	// AppID is the bot's Microsoft app id (MICROSOFT_APP_ID): the audience required.
	AppID string
	// MetadataURL is the OpenID metadata document; "" means DefaultMetadataURL.
	MetadataURL string
	// Issuer is the issuer required; "" means DefaultIssuer.
	Issuer string
	// HTTPClient fetches the metadata and the keys; nil means a client with a 10 s
	// timeout.
	HTTPClient *http.Client
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu        sync.Mutex
	keys      jwk.Set       // nil until a fetch succeeds
	fetched   time.Time     // when keys were fetched
	attempted time.Time     // when the last fetch started
	fetchErr  error         // why the last fetch failed; nil if it did not
	fetching  chan struct{} // non-nil while a fetch runs; closed when it ends
}

var _ Authenticator = (*Verifier)(nil)

// Claims is what a verified token says.
type Claims struct {
	Issuer     string
	Audience   []string
	ServiceURL string
	Expiry     time.Time
	// NotBefore is zero when the token has no nbf claim.
	NotBefore time.Time
	// KeyID is the kid of the key that signed the token.
	KeyID string
}

// AuthError is why Verify rejected a request. Status is the HTTP status to answer:
//
//   - 401 Unauthorized: the token is missing, malformed, expired, not yet valid, for
//     another audience or issuer, signed with another algorithm than RS256, by an
//     unknown key, or not signed by the key it names.
//   - 403 Forbidden: the token is valid but does not fit the activity: its serviceurl
//     claim is not the activity's serviceUrl, or its key is not endorsed for the
//     activity's channel (or the activity names no channel).
//   - 503 Service Unavailable: the signing keys could not be fetched (Err says why),
//     or ctx ended while waiting for them; the token could not be checked. The Bot
//     Framework retries a request answered 503.
//   - 500 Internal Server Error: the Verifier has no AppID.
//
// Either way the activity must not be processed.
type AuthError struct {
	Status int
	// Reason says why, for logs. It never contains the token.
	Reason string
	// Err is the cause of a 503, or nil.
	Err error
}

// Error returns the status and the reason.
func (e *AuthError) Error() string {
	return fmt.Sprintf("teams: %d %s: %s", e.Status, http.StatusText(e.Status), e.Reason)
}

// Unwrap returns Err.
func (e *AuthError) Unwrap() error { return e.Err }

func unauthorized(format string, args ...any) *AuthError {
	return &AuthError{Status: http.StatusUnauthorized, Reason: fmt.Sprintf(format, args...)}
}

func forbidden(format string, args ...any) *AuthError {
	return &AuthError{Status: http.StatusForbidden, Reason: fmt.Sprintf(format, args...)}
}

// Verify checks authorization, the Authorization header of the request that carried
// activity a, and returns the token's claims. Its error is an *AuthError. a must be
// the activity as received; its serviceUrl and channelId are checked against the
// token.
//
// Verify may fetch the Bot Framework's metadata and keys; ctx bounds how long it
// waits for them.
func (v *Verifier) Verify(ctx context.Context, authorization string, a *Activity) (Claims, error) {
	if v.AppID == "" {
		return Claims{}, &AuthError{Status: http.StatusInternalServerError, Reason: "no Microsoft app id configured"}
	}
	if a == nil {
		a = &Activity{}
	}
	if authorization == "" {
		return Claims{}, unauthorized("no Authorization header")
	}
	scheme, token, _ := strings.Cut(authorization, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return Claims{}, unauthorized("Authorization is not a Bearer token")
	}
	token = strings.TrimSpace(token)
	if token == "" {
		return Claims{}, unauthorized("empty bearer token")
	}
	if len(token) > maxToken {
		return Claims{}, unauthorized("token of %d bytes is too long", len(token))
	}

	// The header decides nothing but which key to fetch: the algorithm is fixed.
	msg, err := jws.Parse([]byte(token), jws.WithCompact())
	if err != nil || len(msg.Signatures()) != 1 {
		return Claims{}, unauthorized("malformed token")
	}
	hdr := msg.Signatures()[0].ProtectedHeaders()
	if alg, _ := hdr.Algorithm(); alg.String() != signingAlg {
		return Claims{}, unauthorized("token algorithm %s, want %s", clip(alg.String()), signingAlg)
	}
	kid, _ := hdr.KeyID()
	if kid == "" {
		return Claims{}, unauthorized("token has no kid")
	}
	key, err := v.signingKey(ctx, kid)
	if err != nil {
		return Claims{}, err
	}
	var pub rsa.PublicKey
	if err := jwk.Export(key, &pub); err != nil {
		return Claims{}, unauthorized("key %s is not an RSA public key", clip(kid))
	}
	// VerifyCompactFast checks the signature with this key and RS256 only, and that
	// the header says RS256.
	payload, err := jws.VerifyCompactFast(&pub, []byte(token), jwa.RS256())
	if err != nil {
		return Claims{}, unauthorized("signature does not verify with key %s", clip(kid))
	}

	tok, err := jwt.Parse(payload, jwt.WithVerify(false), jwt.WithValidate(false))
	if err != nil {
		return Claims{}, unauthorized("malformed claims")
	}
	issuer := v.Issuer
	if issuer == "" {
		issuer = DefaultIssuer
	}
	err = jwt.Validate(tok,
		jwt.WithClock(jwt.ClockFunc(v.now)),
		jwt.WithAcceptableSkew(clockSkew),
		jwt.WithIssuer(issuer),
		jwt.WithAudience(v.AppID),
		jwt.WithRequiredClaim(jwt.ExpirationKey),
	)
	if err != nil {
		return Claims{}, claimsError(tok, err)
	}
	c := claims(tok, kid)
	if c.ServiceURL == "" {
		return Claims{}, unauthorized("token has no serviceurl claim")
	}

	if strings.TrimSuffix(c.ServiceURL, "/") != strings.TrimSuffix(a.ServiceURL, "/") {
		return Claims{}, forbidden("token serviceurl %s is not the activity's serviceUrl %s", clip(c.ServiceURL), clip(a.ServiceURL))
	}
	// The Bot Framework SDKs skip this check for an activity without a channelId; the
	// Connector always sends one, so here such an activity is refused.
	if a.ChannelID == "" {
		return Claims{}, forbidden("the activity names no channel, so key %s cannot be checked against its endorsements", clip(kid))
	}
	if !slices.Contains(endorsements(key), a.ChannelID) {
		return Claims{}, forbidden("key %s is not endorsed for channel %s", clip(kid), clip(a.ChannelID))
	}
	return c, nil
}

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

// claimsError says which claim failed validation.
func claimsError(tok jwt.Token, err error) *AuthError {
	switch {
	case errors.Is(err, jwt.MissingRequiredClaimError()):
		return unauthorized("token has no exp claim")
	case errors.Is(err, jwt.TokenExpiredError()):
		exp, _ := tok.Expiration()
		return unauthorized("token expired at %s", exp.UTC().Format(time.RFC3339))
	case errors.Is(err, jwt.TokenNotYetValidError()):
		nbf, _ := tok.NotBefore()
		return unauthorized("token not valid before %s", nbf.UTC().Format(time.RFC3339))
	case errors.Is(err, jwt.InvalidIssuedAtError()):
		return unauthorized("token issued in the future")
	case errors.Is(err, jwt.InvalidIssuerError()):
		iss, _ := tok.Issuer()
		return unauthorized("token issuer %s not accepted", clip(iss))
	case errors.Is(err, jwt.InvalidAudienceError()):
		aud, _ := tok.Audience()
		return unauthorized("token audience %s is not this bot's app id", clip(strings.Join(aud, ",")))
	}
	return unauthorized("invalid claims")
}

func claims(tok jwt.Token, kid string) Claims {
	c := Claims{KeyID: kid}
	c.Issuer, _ = tok.Issuer()
	c.Audience, _ = tok.Audience()
	c.Expiry, _ = tok.Expiration()
	c.NotBefore, _ = tok.NotBefore()
	_ = tok.Get("serviceurl", &c.ServiceURL) // absent or not a string: ""
	return c
}

// endorsements returns a Bot Framework key's "endorsements": the channels it may
// sign for.
func endorsements(key jwk.Key) []string {
	var v any
	if err := key.Get("endorsements", &v); err != nil {
		return nil
	}
	switch v := v.(type) {
	case []string:
		return v
	case []any:
		var list []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				list = append(list, s)
			}
		}
		return list
	}
	return nil
}

// clip quotes s, an untrusted value, for a log line, cut to 64 bytes.
func clip(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return fmt.Sprintf("%q", s)
}

// signingKey returns the key named kid. It fetches the keys when it has none, when
// they are a day old, or when they lack kid and the last fetch was 5 minutes ago or
// more; each call fetches at most once. While fetching fails it keeps using keys up
// to 5 days old and retries every 30 s at most.
func (v *Verifier) signingKey(ctx context.Context, kid string) (jwk.Key, error) {
	fetched := false
	for {
		v.mu.Lock()
		if done := v.fetching; done != nil {
			v.mu.Unlock()
			select {
			case <-done:
				continue
			case <-ctx.Done():
				return nil, &AuthError{Status: http.StatusServiceUnavailable, Reason: "waiting for the signing keys: " + ctx.Err().Error(), Err: ctx.Err()}
			}
		}
		now := v.now()
		age := now.Sub(v.fetched)
		sinceAttempt := now.Sub(v.attempted)
		usable := v.keys != nil && age < keysMaxAge
		var key jwk.Key
		found := false
		if usable {
			key, found = v.keys.LookupKeyID(kid)
		}
		switch {
		case found && age < keysRefresh:
			v.mu.Unlock()
			return key, nil
		case !fetched && age >= keysRefresh && sinceAttempt >= retryAfterFailure,
			!fetched && !found && sinceAttempt >= unknownKeyRefresh:
			fetched = true
			v.startFetch(ctx)
			v.mu.Unlock()
		case found:
			v.mu.Unlock()
			return key, nil
		case usable:
			v.mu.Unlock()
			return nil, unauthorized("no signing key %s", clip(kid))
		default:
			err := v.fetchErr
			v.mu.Unlock()
			if err == nil {
				err = errors.New("no keys fetched")
			}
			return nil, &AuthError{Status: http.StatusServiceUnavailable, Reason: "no signing keys: " + err.Error(), Err: err}
		}
	}
}

// startFetch fetches the metadata and the keys in a goroutine of its own, so that
// all the requests waiting for them can give up on their own contexts. v.mu is held.
func (v *Verifier) startFetch(ctx context.Context) {
	done := make(chan struct{})
	v.fetching = done
	v.attempted = v.now()
	ctx = context.WithoutCancel(ctx)
	go func() {
		defer close(done)
		ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
		defer cancel()
		keys, err := v.fetchKeys(ctx)
		v.mu.Lock()
		defer v.mu.Unlock()
		v.fetching = nil
		v.fetchErr = err
		if err == nil {
			v.keys = keys
			v.fetched = v.now()
		}
	}()
}

// fetchKeys reads the metadata document, then the key set at its jwks_uri.
func (v *Verifier) fetchKeys(ctx context.Context) (jwk.Set, error) {
	metadataURL := v.MetadataURL
	if metadataURL == "" {
		metadataURL = DefaultMetadataURL
	}
	body, err := v.get(ctx, metadataURL)
	if err != nil {
		return nil, err
	}
	var metadata struct {
		JWKSURI string   `json:"jwks_uri"`
		Algs    []string `json:"id_token_signing_alg_values_supported"`
	}
	if err := json.Unmarshal(body, &metadata); err != nil {
		return nil, fmt.Errorf("OpenID metadata at %s: %w", metadataURL, err)
	}
	if len(metadata.Algs) > 0 && !slices.Contains(metadata.Algs, signingAlg) {
		return nil, fmt.Errorf("OpenID metadata at %s does not list %s", metadataURL, signingAlg)
	}
	mu, err := url.Parse(metadataURL)
	if err != nil {
		return nil, fmt.Errorf("OpenID metadata URL: %w", err)
	}
	ku, err := url.Parse(metadata.JWKSURI)
	// Plain http is for tests, whose metadata is on http too.
	if err != nil || metadata.JWKSURI == "" || (ku.Scheme != "https" && ku.Scheme != mu.Scheme) {
		return nil, fmt.Errorf("OpenID metadata at %s: bad jwks_uri %q", metadataURL, metadata.JWKSURI)
	}
	body, err = v.get(ctx, metadata.JWKSURI)
	if err != nil {
		return nil, err
	}
	keys, err := jwk.Parse(body)
	if err != nil {
		return nil, fmt.Errorf("keys at %s: %w", metadata.JWKSURI, err)
	}
	if keys.Len() == 0 {
		return nil, fmt.Errorf("keys at %s: none", metadata.JWKSURI)
	}
	return keys, nil
}

func (v *Verifier) get(ctx context.Context, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", u, err)
	}
	req.Header.Set("Accept", "application/json")
	client := v.HTTPClient
	if client == nil {
		client = defaultHTTPClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching %s: %s", u, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDocument+1))
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", u, err)
	}
	if len(body) > maxDocument {
		return nil, fmt.Errorf("fetching %s: more than %d bytes", u, maxDocument)
	}
	return body, nil
}
