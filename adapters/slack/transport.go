package slack

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// maxBody is the largest request Slack sends that Incumbent reads (a modal submission
// is the biggest).
const maxBody = 256 << 10

// signatureTTL is how long a request's signature is remembered to refuse a replay:
// longer than the whole window a signature is accepted in. slack-go accepts a timestamp
// up to five minutes either side of the clock, so a request stamped five minutes ahead
// is good for ten minutes from its arrival; a minute more covers clock steps.
const signatureTTL = 11 * time.Minute

// defaultRetryAfter is the Retry-After of a request refused because the replay marks are
// full, when the store does not say how long.
const defaultRetryAfter = time.Minute

// Routes registers the HTTP mode's endpoints: /slack/commands, /slack/events and
// /slack/interactions. Every request's signature and timestamp are checked with
// slack-go's SecretsVerifier before anything else (401 otherwise), and a signature seen
// before is refused as a replay.
func (h *Handler) Routes(handle func(pattern, adapter string, hh http.Handler), signingSecret string) {
	handle("POST /slack/commands", "slack", h.verified(signingSecret, h.serveCommand))
	handle("POST /slack/events", "slack", h.verified(signingSecret, h.serveEvent))
	handle("POST /slack/interactions", "slack", h.verified(signingSecret, h.serveInteraction))
}

// verified checks a request's size, signature and freshness, then calls next with the
// body it read.
func (h *Handler) verified(secret string, next func(w http.ResponseWriter, r *http.Request, body []byte)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			http.Error(w, "cannot read the request", http.StatusBadRequest)
			return
		}
		if len(body) > maxBody {
			http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
			return
		}
		sv, err := slack.NewSecretsVerifier(r.Header, secret)
		if err == nil {
			sv.Write(body)
			err = sv.Ensure()
		}
		if err != nil {
			h.logger().WarnContext(r.Context(), "slack: request refused", "path", r.URL.Path, "err", err)
			http.Error(w, "invalid or expired Slack signature", http.StatusUnauthorized)
			return
		}
		if h.Dedupe != nil {
			first, err := h.Dedupe.FirstSeen(r.Context(), "slack:sig:"+canonicalSignature(r.Header), signatureTTL)
			if err != nil {
				// Whether this is a replay is unknown: refused, never let through.
				wait := retryAfter(err)
				h.logger().ErrorContext(r.Context(), "slack: request refused: replays cannot be checked", "path", r.URL.Path,
					"retry_after", wait.String(), "err", err)
				w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
				http.Error(w, "busy: try again later", http.StatusServiceUnavailable)
				return
			}
			if !first {
				h.logger().WarnContext(r.Context(), "slack: replayed request refused", "path", r.URL.Path)
				http.Error(w, "replayed request", http.StatusUnauthorized)
				return
			}
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next(w, r, body)
	})
}

// canonicalSignature is the signature of a verified request as one string whatever
// its hex digits' case: slack-go decodes the hex, so "v0=AB…" and "v0=ab…" are the same
// signature and must be the same replay mark.
func canonicalSignature(h http.Header) string {
	sig := strings.TrimPrefix(h.Get("X-Slack-Signature"), "v0=")
	if b, err := hex.DecodeString(sig); err == nil {
		return hex.EncodeToString(b)
	}
	return strings.ToLower(sig) // not reached: the verifier decoded it
}

// retryAfter is how long a client should wait after err from the de-duplication store:
// what the store says (a full memory), else defaultRetryAfter.
func retryAfter(err error) time.Duration {
	var ra interface{ RetryAfter() time.Duration }
	if errors.As(err, &ra) && ra.RetryAfter() > 0 {
		return max(ra.RetryAfter(), time.Second)
	}
	return defaultRetryAfter
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func (h *Handler) serveCommand(w http.ResponseWriter, r *http.Request, _ []byte) {
	cmd, err := slack.SlashCommandParse(r)
	if err != nil || cmd.Command == "" || cmd.UserID == "" {
		http.Error(w, "not a slash command", http.StatusBadRequest)
		return
	}
	if m := h.Command(r.Context(), cmd); m != nil {
		writeJSON(w, m)
	}
}

func (h *Handler) serveEvent(w http.ResponseWriter, r *http.Request, body []byte) {
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		http.Error(w, "not an Events API payload", http.StatusBadRequest)
		return
	}
	switch ev.Type {
	case slackevents.URLVerification:
		var c slackevents.ChallengeResponse
		if err := json.Unmarshal(body, &c); err != nil {
			http.Error(w, "bad url_verification", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte(c.Challenge))
	case slackevents.CallbackEvent:
		w.WriteHeader(http.StatusOK) // acknowledged at once; the work runs after
		h.Event(r.Context(), ev, eventID(ev))
	default:
		w.WriteHeader(http.StatusOK)
	}
}

// eventID is the event_id of a callback event.
func eventID(ev slackevents.EventsAPIEvent) string {
	if cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent); ok {
		return cb.EventID
	}
	return ""
}

func (h *Handler) serveInteraction(w http.ResponseWriter, r *http.Request, _ []byte) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "not a form", http.StatusBadRequest)
		return
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(r.PostForm.Get("payload")), &cb); err != nil || cb.Type == "" {
		http.Error(w, "not an interaction payload", http.StatusBadRequest)
		return
	}
	if resp := h.Interaction(r.Context(), cb); resp != nil {
		writeJSON(w, resp)
	}
}

// RunSocketMode serves the same commands, events and interactions over Socket Mode
// until ctx ends: for workspaces without a public URL. client must carry the app-level
// token (slack.OptionAppLevelToken).
func (h *Handler) RunSocketMode(ctx context.Context, client *socketmode.Client) error {
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case evt, ok := <-client.Events:
				if !ok {
					return
				}
				h.socketEvent(ctx, client, evt)
			}
		}
	}()
	err := client.RunContext(ctx)
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// socketEvent dispatches one Socket Mode envelope to the handlers HTTP mode uses.
func (h *Handler) socketEvent(ctx context.Context, client *socketmode.Client, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slack.SlashCommand)
		if !ok {
			client.Ack(*evt.Request)
			return
		}
		if m := h.Command(ctx, cmd); m != nil {
			client.Ack(*evt.Request, m)
		} else {
			client.Ack(*evt.Request)
		}
	case socketmode.EventTypeEventsAPI:
		client.Ack(*evt.Request)
		if ev, ok := evt.Data.(slackevents.EventsAPIEvent); ok {
			h.Event(ctx, ev, eventID(ev))
		}
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slack.InteractionCallback)
		if !ok {
			client.Ack(*evt.Request)
			return
		}
		if resp := h.Interaction(ctx, cb); resp != nil {
			client.Ack(*evt.Request, resp)
		} else {
			client.Ack(*evt.Request)
		}
	}
}
