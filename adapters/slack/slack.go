package slack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// Answerer answers commands (the bot).
type Answerer interface {
	Handle(ctx context.Context, req bot.Request) bot.Reply
}

// Deduper remembers event ids, so that an event Slack retries is processed once. The
// Redis issue backs it with SET NX across replicas; Memory keeps it in this process.
type Deduper interface {
	// FirstSeen records key and reports whether this is the first time it is seen
	// within ttl.
	FirstSeen(ctx context.Context, key string, ttl time.Duration) (bool, error)
}

// Cursors keep the pages of long replies for "See the rest" (adapters/memory, or
// adapters/redis shared between replicas).
type Cursors interface {
	PutCursor(ctx context.Context, id string, data []byte, ttl time.Duration) error
	TakeCursor(ctx context.Context, id string) ([]byte, bool, error)
}

// Defaults of a Handler.
const (
	// DefaultInlineBudget is how long a slash command may compute before its reply goes
	// out through response_url instead: well within Slack's 3 seconds.
	DefaultInlineBudget = 2 * time.Second
	dedupeTTL           = time.Hour
	followUpTimeout     = 2 * time.Minute
	identityTTL         = bot.IdentityTTL
	maxRetries          = 3  // a server error, after 1, 2 and 4 s
	maxRateLimited      = 10 // rate limits, each waited out (Retry-After)
	maxRetryWait        = 30 * time.Second
)

// Handler answers Slack: slash commands, events (mentions, direct messages, App Home)
// and interactions (buttons, the deal builder), whether they arrive over HTTP or Socket
// Mode. Both parse their payloads and call the same methods.
type Handler struct {
	Bot       Answerer
	Directory bot.People
	Client    *slack.Client // the Web API
	Dedupe    Deduper
	Cursors   Cursors
	Logger    *slog.Logger
	// HTTPClient posts to response_url.
	HTTPClient *http.Client
	// InlineBudget: 0 means DefaultInlineBudget.
	InlineBudget time.Duration
	// AllowExternal lets account figures go into channels shared with other
	// organisations (Slack Connect); off by default.
	AllowExternal bool
	// AsOf, when set, is the as-of date of every command (INCUMBENT_AS_OF).
	AsOf time.Time
	// BotUserID is the bot's own user id, whose messages are ignored.
	BotUserID string
	// ChartLinks, when set, links the charts of posted replies as image blocks instead
	// of uploading them as files.
	ChartLinks ChartLinker
	// ChartWorkers draw and upload the charts of posted replies, off the path that
	// answers; 0 means DefaultChartWorkers. ChartQueue charts may wait for them (0 means
	// DefaultChartQueue); more are dropped.
	ChartWorkers, ChartQueue int
	// ChartObserver, when set, counts those charts by outcome.
	ChartObserver ChartObserver

	mu       sync.Mutex
	who      *bot.Identities         // who is asking: people.csv's Slack ids, users.info
	external map[string]cachedShared // channel id, or #name → shared with another organisation
	team     *workspace              // the bot's own team, from auth.test
	wg       sync.WaitGroup          // replies being delivered, and charts queued

	chartsOnce   sync.Once
	chartsMu     sync.Mutex
	charts       chan chartJob
	chartsClosed bool
	chartsDone   chan struct{} // closed when the chart workers have stopped
}

// restTTL is how long the rest of a long reply can be asked for.
const restTTL = time.Hour

// withRest ends a first page with a note of what is left and a "See the rest" button,
// keeping the other pages under a new cursor. Without a place to keep them, the note
// alone says what was left out.
func (h *Handler) withRest(ctx context.Context, first []slack.Block, rest [][]slack.Block) []slack.Block {
	left := 0
	for _, p := range rest {
		left += len(p)
	}
	out := append(first[:len(first):len(first)], restNote(left))
	if h.Cursors == nil {
		return out
	}
	pages := make([]slack.Blocks, len(rest))
	for i, p := range rest {
		pages[i] = slack.Blocks{BlockSet: p}
	}
	data, err := json.Marshal(pages)
	if err != nil {
		h.logger().ErrorContext(ctx, "slack: keep the rest of a reply", "err", err)
		return out
	}
	var b [8]byte
	rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	if err := h.Cursors.PutCursor(ctx, id, data, restTTL); err != nil {
		h.logger().ErrorContext(ctx, "slack: keep the rest of a reply", "err", err)
		return out
	}
	return append(out, slack.NewActionBlock("", slack.NewButtonBlockElement(ActionRest+"-1", id, plain("See the rest"))))
}

// nextPage returns the next page of a long reply, with its own "See the rest" when more
// remain; false when the cursor is unknown or expired.
func (h *Handler) nextPage(ctx context.Context, id string) ([]slack.Block, bool) {
	if h.Cursors == nil {
		return nil, false
	}
	data, ok, err := h.Cursors.TakeCursor(ctx, id)
	if err != nil || !ok {
		return nil, false
	}
	var pages []slack.Blocks
	if err := json.Unmarshal(data, &pages); err != nil || len(pages) == 0 {
		h.logger().ErrorContext(ctx, "slack: read the rest of a reply", "err", err)
		return nil, false
	}
	rest := make([][]slack.Block, len(pages)-1)
	for i, p := range pages[1:] {
		rest[i] = p.BlockSet
	}
	if len(rest) == 0 {
		return pages[0].BlockSet, true
	}
	return h.withRest(ctx, pages[0].BlockSet, rest), true
}

// cachedShared is whether a channel is shared with another organisation, as Slack said
// it until identityTTL after: a channel shared later is seen within minutes.
type cachedShared struct {
	shared bool
	until  time.Time
}

func (h *Handler) logger() *slog.Logger {
	if h.Logger == nil {
		return slog.Default()
	}
	return h.Logger
}

// Wait waits for the replies still being delivered (after a shutdown began), and for
// the charts queued for upload, up to ctx.
func (h *Handler) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() { h.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// later runs fn after the acknowledgement, with its own bounded context.
func (h *Handler) later(ctx context.Context, fn func(ctx context.Context)) {
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), followUpTimeout)
		defer cancel()
		fn(ctx)
	}()
}

// identities is who is asking on Slack: people.csv's slack_user_id, else the email
// users.info gives.
func (h *Handler) identities() *bot.Identities {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.who == nil {
		h.who = &bot.Identities{Platform: "Slack", People: h.Directory, Logger: h.logger(),
			IDOf:   func(p domain.Person) string { return p.SlackUserID },
			IDHint: func(string) string { return ", and your Slack member id" }}
	}
	return h.who
}

// actor returns who a Slack user is: people.csv's slack_user_id, else their email
// (users.info, cached). A user of another organisation (Slack Connect) is known by no
// email.
func (h *Handler) actor(ctx context.Context, userID string) (bot.Actor, error) {
	return h.identities().Actor(ctx, bot.ChatUser{ID: userID}, func(ctx context.Context) (string, error) {
		u, err := call(ctx, func() (*slack.User, error) { return h.Client.GetUserInfoContext(ctx, userID) })
		if err != nil {
			return "", fmt.Errorf("users.info %s: %w", userID, err)
		}
		own, err := h.ownTeam(ctx, u)
		if err != nil {
			return "", err
		}
		if !own {
			// Someone of another organisation (Slack Connect): their email says nothing
			// of who they are here.
			h.logger().InfoContext(ctx, "slack: a user of another organisation is not known by email", "user", userID, "team", u.TeamID)
			return "", nil
		}
		return u.Profile.Email, nil
	})
}

// workspace is the team (and Enterprise Grid organisation) the bot is installed in.
type workspace struct{ teamID, enterpriseID string }

// ownTeam reports whether a Slack user belongs to the bot's own workspace (or its
// Enterprise Grid organisation): only such a user is known by their email. A user of
// another organisation met in a Slack Connect channel may carry any email.
func (h *Handler) ownTeam(ctx context.Context, u *slack.User) (bool, error) {
	if u.IsStranger {
		return false, nil
	}
	h.mu.Lock()
	w := h.team
	h.mu.Unlock()
	if w == nil {
		resp, err := call(ctx, func() (*slack.AuthTestResponse, error) { return h.Client.AuthTestContext(ctx) })
		if err != nil {
			return false, fmt.Errorf("auth.test: %w", err)
		}
		w = &workspace{teamID: resp.TeamID, enterpriseID: resp.EnterpriseID}
		h.mu.Lock()
		h.team = w
		h.mu.Unlock()
	}
	if w.enterpriseID != "" && u.Enterprise.EnterpriseID == w.enterpriseID {
		return true, nil
	}
	return u.TeamID == w.teamID, nil
}

// externalChannel reports whether a channel is shared with another organisation.
func (h *Handler) externalChannel(ctx context.Context, channelID string) (bool, error) {
	if channelID == "" || strings.HasPrefix(channelID, "D") || h.AllowExternal {
		return false, nil
	}
	if ext, ok := h.cachedShared(channelID); ok {
		return ext, nil
	}
	ch, err := call(ctx, func() (*slack.Channel, error) {
		return h.Client.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: channelID})
	})
	if err != nil {
		return false, fmt.Errorf("conversations.info %s: %w", channelID, err)
	}
	ext := ch.IsExtShared || ch.IsPendingExtShared
	h.cacheShared(channelID, ext)
	return ext, nil
}

// cachedShared returns what Slack said lately of whether a channel (an id, or "#name")
// is shared with another organisation.
func (h *Handler) cachedShared(key string) (shared, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c, ok := h.external[key]
	if !ok || !time.Now().Before(c.until) {
		return false, false
	}
	return c.shared, true
}

func (h *Handler) cacheShared(key string, shared bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.external == nil {
		h.external = map[string]cachedShared{}
	}
	h.external[key] = cachedShared{shared: shared, until: time.Now().Add(identityTTL)}
}

// errExternal refuses figures in a Slack Connect channel.
var errExternal = domain.Errorf(domain.EFORBIDDEN,
	"This channel is shared with another organisation, so I do not post account figures here. Ask me in a direct message, or have an admin set INCUMBENT_ALLOW_EXTERNAL=on.")

// ask answers text for a Slack user in a channel: who is asking, whether the channel
// may see figures, then the bot. Failures become error replies.
func (h *Handler) ask(ctx context.Context, userID, channelID, threadTS, text string) bot.Reply {
	a, err := h.actor(ctx, userID)
	if err == nil {
		var ext bool
		ext, err = h.externalChannel(ctx, channelID)
		switch {
		case err != nil:
			err = bot.PlatformDown("Slack", err)
		case ext:
			err = errExternal
		}
	}
	if err != nil {
		if domain.ErrorCode(err) == domain.EINTERNAL {
			h.logger().ErrorContext(ctx, "slack: before answering", "user", userID, "channel", channelID, "err", err)
		}
		return bot.ErrorReply(err)
	}
	return h.Bot.Handle(ctx, bot.Request{Actor: a, Text: text, AsOf: h.AsOf, Adapter: "slack", Channel: channelID, Thread: threadTS})
}

// message builds the Slack message of a reply. The Share and Full table buttons carry
// the command that made the reply, so that pressing them runs it again. A reply longer
// than one message shows its first page with a "See the rest" button; the other pages
// wait under a cursor for an hour.
func (h *Handler) message(ctx context.Context, r bot.Reply, command string) slack.Msg {
	pages := RenderPages(r)
	for _, page := range pages {
		bindCommand(page, command)
	}
	blocks := pages[0]
	if len(pages) > 1 {
		blocks = h.withRest(ctx, blocks, pages[1:])
	}
	return slack.Msg{Text: FallbackText(r), Blocks: slack.Blocks{BlockSet: blocks}}
}

// bindCommand puts the command that made a reply on its Share button and after the
// table number of its Full table buttons ("0 gap acme"), so that pressing them runs it
// again.
func bindCommand(blocks []slack.Block, command string) {
	for _, b := range blocks {
		a, ok := b.(*slack.ActionBlock)
		if !ok {
			continue
		}
		for _, e := range a.Elements.ElementSet {
			btn, ok := e.(*slack.ButtonBlockElement)
			switch {
			case !ok:
			case strings.HasPrefix(btn.ActionID, ActionShare+"-"), strings.HasPrefix(btn.ActionID, ActionChart+"-"):
				btn.Value = cut(command, maxValue)
			case strings.HasPrefix(btn.ActionID, ActionTable+"-") && !strings.Contains(btn.Value, " "):
				if v := btn.Value + " " + command; utf8.RuneCountInString(v) <= maxValue {
					btn.Value = v
				}
			}
		}
	}
}

// call runs a Web API call, waiting out Slack's rate limits (Retry-After, at most 30 s
// each, ten times at most) and retrying its server errors (5xx, after 1, 2 and 4 s),
// within ctx's deadline.
func call[T any](ctx context.Context, fn func() (T, error)) (T, error) {
	for limited, failed := 0, 0; ; {
		v, err := fn()
		var rl *slack.RateLimitedError
		var sc slack.StatusCodeError
		var wait time.Duration
		switch {
		case errors.As(err, &rl) && limited < maxRateLimited:
			// A rate limit says when to come back: an answer waits for it rather than
			// being lost, within the caller's deadline.
			limited++
			wait = min(max(rl.RetryAfter, time.Second), maxRetryWait)
		case errors.As(err, &sc) && sc.Code >= 500 && failed < maxRetries:
			wait = time.Second << failed
			failed++
		default:
			return v, err
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return v, err
		}
	}
}

// postError says in words what went wrong with a Web API call, for the user.
func postError(err error) string {
	var se slack.SlackErrorResponse
	switch {
	case errors.As(err, &se) && (se.Err == "not_in_channel" || se.Err == "channel_not_found"):
		return "I am not in that channel: invite me with `/invite @Incumbent`, or ask me in a direct message."
	default:
		return "Slack did not take my answer just now; please try again in a minute."
	}
}

var mentionRe = regexp.MustCompile(`<@[^>|]+(\|[^>]*)?>`)

// stripMentions removes <@U…> mentions and the spaces around them.
func stripMentions(s string) string {
	return strings.TrimSpace(strings.Join(strings.Fields(mentionRe.ReplaceAllString(s, " ")), " "))
}

// commandText turns a slash command into the bot's grammar: "/gap acme" → "gap acme",
// "/incumbent gap acme" → "gap acme".
func commandText(command, text string) string {
	name := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(command)), "/")
	text = strings.TrimSpace(text)
	if name == "incumbent" || name == "" {
		if text == "" {
			return "help"
		}
		return text
	}
	return strings.TrimSpace(name + " " + text)
}
