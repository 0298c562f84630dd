package teams

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// Answerer answers commands (the bot).
type Answerer interface {
	Handle(ctx context.Context, req bot.Request) bot.Reply
}

// ConversationStore keeps the conversation references installs leave, for proactive
// messages (digests). It is shared by every replica: the SQLite or PostgreSQL store.
type ConversationStore interface {
	// SaveConversation inserts or replaces the conversation with c's adapter and key.
	SaveConversation(ctx context.Context, c domain.Conversation) error
	// FindConversation returns the conversation with the adapter and key; ENOTFOUND
	// when there is none.
	FindConversation(ctx context.Context, adapter, key string) (domain.Conversation, error)
}

// Authenticator checks the bearer token Bot Framework sends with an activity
// (*Verifier). Its errors are *AuthError.
type Authenticator interface {
	Verify(ctx context.Context, authorization string, a *Activity) (Claims, error)
}

// Messenger sends to Teams through the Bot Framework connector (*Connector).
type Messenger interface {
	Send(ctx context.Context, serviceURL, conversationID string, a *Activity) (string, error)
	Reply(ctx context.Context, serviceURL, conversationID, replyToID string, a *Activity) (string, error)
	Member(ctx context.Context, serviceURL, conversationID, userID string) (ChannelAccount, error)
}

// Deduper remembers activity ids, so that an activity Teams retries is processed once
// (adapters/memory, or adapters/redis across replicas).
type Deduper interface {
	FirstSeen(ctx context.Context, key string, ttl time.Duration) (bool, error)
}

// Limits and timings of the endpoint.
const (
	// MaxBody is the largest activity accepted; Teams' own limit on a message is 40 KB
	// as Microsoft documented it for years (100 KB now; see MaxMessage).
	MaxBody = 256 << 10
	// DefaultInvokeBudget is how long a button press (invoke) may compute before it is
	// answered "working on it" and its card follows as a message: Teams gives an invoke
	// about 5 s.
	DefaultInvokeBudget = 3 * time.Second
	dedupeTTL           = time.Hour
	followUpTimeout     = 2 * time.Minute
)

// Handler answers Microsoft Teams at POST /api/messages: messages in personal chats,
// group chats and channels, card buttons (Action.Submit messages and
// adaptiveCard/action invokes), and installs (conversation references kept for
// proactive messages). Every request's token is verified before anything runs; the
// activity is acknowledged at once and the reply follows through the connector.
type Handler struct {
	Bot Answerer
	// ChartLinks, when set, puts charts in cards as links to the server rather than
	// inline.
	ChartLinks    ChartLinker
	Directory     bot.People
	Auth          Authenticator
	Connector     Messenger
	Conversations ConversationStore
	Dedupe        Deduper
	Logger        *slog.Logger
	// AsOf, when set, is the as-of date of every command (INCUMBENT_AS_OF).
	AsOf time.Time
	// TenantID, when set (single-tenant bots), is the only Microsoft 365 organisation
	// whose activities are answered: one of another tenant is refused (403). Every
	// activity must come from Teams (channelId msteams) and name its tenant.
	TenantID string
	// InvokeBudget: 0 means DefaultInvokeBudget.
	InvokeBudget time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu    sync.Mutex
	who   *bot.Identities // who is asking: people.csv's Teams ids, the member list
	saved sync.Map        // conversation references written by this process
	wg    sync.WaitGroup
}

// Routes registers POST /api/messages with the server's handle function.
func (h *Handler) Routes(handle func(pattern, adapter string, hh http.Handler)) {
	handle("POST /api/messages", "teams", h)
}

func (h *Handler) logger() *slog.Logger {
	if h.Logger == nil {
		return slog.Default()
	}
	return h.Logger
}

func (h *Handler) now() time.Time {
	if h.Now == nil {
		return time.Now()
	}
	return h.Now()
}

// ServeHTTP handles one activity: the token first (401 or 403 and nothing runs), then
// the activity by type.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	authz := r.Header.Get("Authorization")
	if authz == "" {
		http.Error(w, "missing Authorization: Bot Framework sends a bearer token with every activity", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			http.Error(w, fmt.Sprintf("activity over %d bytes", MaxBody), http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "could not read the activity", http.StatusBadRequest)
		return
	}
	var a Activity
	if err := json.Unmarshal(body, &a); err != nil {
		http.Error(w, "the activity is not valid JSON: "+err.Error(), http.StatusBadRequest)
		return
	}
	if _, err := h.Auth.Verify(ctx, authz, &a); err != nil {
		status := http.StatusUnauthorized
		var ae *AuthError
		if errors.As(err, &ae) && ae.Status != 0 {
			status = ae.Status
		}
		h.logger().WarnContext(ctx, "teams: activity refused", "status", status, "err", err,
			"service_url", a.ServiceURL, "channel", a.ChannelID)
		http.Error(w, http.StatusText(status), status)
		return
	}
	if a.Type == "" || a.ServiceURL == "" || a.Conversation == nil || a.Conversation.ID == "" {
		http.Error(w, "the activity has no type, serviceUrl or conversation", http.StatusBadRequest)
		return
	}
	if reason := h.foreign(&a); reason != "" {
		h.logger().WarnContext(ctx, "teams: activity refused", "status", http.StatusForbidden, "reason", reason,
			"channel", clip(a.ChannelID), "tenant", clip(tenantOf(&a)))
		http.Error(w, reason, http.StatusForbidden)
		return
	}
	if a.ID != "" && h.Dedupe != nil && (a.Type == TypeMessage || a.Type == TypeInvoke) {
		first, err := h.Dedupe.FirstSeen(ctx, "teams:activity:"+a.Conversation.ID+":"+a.ID, dedupeTTL)
		if err != nil {
			// Whether this activity was processed before is unknown: refused (Bot
			// Framework sends it again later), never processed unchecked.
			wait := retryAfter(err)
			h.logger().ErrorContext(ctx, "teams: activity refused: repeats cannot be checked", "retry_after", wait.String(), "err", err)
			w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
			http.Error(w, "busy: try again later", http.StatusServiceUnavailable)
			return
		} else if !first {
			h.logger().InfoContext(ctx, "teams: activity seen before; not processed again", "activity", a.ID)
			answerRepeat(w, &a)
			return
		}
	}
	switch a.Type {
	case TypeMessage:
		w.WriteHeader(http.StatusOK)
		h.later(ctx, func(ctx context.Context) { h.message(ctx, &a) })
	case TypeInvoke:
		h.invoke(ctx, w, &a)
	case TypeConversationUpdate, TypeInstallationUpdate:
		w.WriteHeader(http.StatusOK)
		if a.Type == TypeInstallationUpdate && strings.HasPrefix(a.Action, "remove") {
			return
		}
		h.later(ctx, func(ctx context.Context) { h.remember(ctx, &a) })
	default:
		// Typing, reactions, message updates and the like need nothing.
		w.WriteHeader(http.StatusOK)
	}
}

// msteams is the Bot Framework channel id of Microsoft Teams.
const msteams = "msteams"

// foreign says why an activity is not one Incumbent answers, or "": it must come from
// Teams (channelId msteams: the Bot Framework's other channels, such as Web Chat or
// Direct Line, are not Teams and carry no organisation), name its Microsoft 365
// organisation (tenant), the same one wherever it names it, and, for a single-tenant
// bot, that tenant.
func (h *Handler) foreign(a *Activity) string {
	if a.ChannelID != msteams {
		return "the activity does not come from Microsoft Teams (channelId " + msteams + ")"
	}
	conv, cd := "", parseChannelData(a).Tenant.ID
	if a.Conversation != nil {
		conv = a.Conversation.TenantID
	}
	switch {
	case conv == "" && cd == "":
		return "the activity names no tenant"
	case conv != "" && cd != "" && !strings.EqualFold(conv, cd):
		return "the activity names two tenants"
	case h.TenantID != "" && !strings.EqualFold(tenantOf(a), h.TenantID):
		return "the activity comes from another organisation's tenant"
	}
	return ""
}

// retryAfter is how long Bot Framework should wait after err from the de-duplication
// store: what the store says (a full memory), else a minute.
func retryAfter(err error) time.Duration {
	var ra interface{ RetryAfter() time.Duration }
	if errors.As(err, &ra) && ra.RetryAfter() > 0 {
		return max(ra.RetryAfter(), time.Second)
	}
	return time.Minute
}

// answerRepeat answers an activity already processed: 200, and for an invoke a
// message that the press was already received.
func answerRepeat(w http.ResponseWriter, a *Activity) {
	if a.Type == TypeInvoke {
		writeJSON(w, invokeMessage("Already on it."))
		return
	}
	w.WriteHeader(http.StatusOK)
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

// Wait waits for the replies still being delivered (after a shutdown began), up to ctx.
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

// submitData is what an Action.Submit or Action.Execute button sends back (ActionData).
type submitData = ActionData

// commandOf returns the command of a message: a card button's data (submitted), else
// the text without the bot's @mention.
func commandOf(a *Activity) (submitData, error) {
	if d, ok, err := submitted(a.Value); ok {
		return d, err
	}
	return submitData{Command: StripMentions(a.Text)}, nil
}

// submitted reads what a card's button sent, false when it carries no command. A
// form's button sends the values typed beside its data: the command is the one they
// make, or err says which are missing.
func submitted(raw json.RawMessage) (submitData, bool, error) {
	var d submitData
	if len(raw) == 0 || json.Unmarshal(raw, &d) != nil || d.Command == "" {
		return submitData{}, false, nil
	}
	if d.Form == nil {
		return d, true, nil
	}
	var sent map[string]any
	json.Unmarshal(raw, &sent)
	values := map[string]string{}
	for _, f := range d.Form.Fields {
		if v, ok := sent[inputID(f.Name, d.Inputs)].(string); ok {
			values[f.Name] = v
		}
	}
	cmd, err := d.Form.Command(d.Command, values)
	return submitData{Command: cmd}, true, err
}

// card renders the reply to a command: the rest of a table for a "See the rest"
// button, else the whole reply.
func card(r bot.Reply, d submitData) Card {
	if d.From > 0 {
		return RenderRest(r, d.Command, d.Table, d.From)
	}
	return Render(r, d.Command)
}

var (
	atRe    = regexp.MustCompile(`(?is)<at[^>]*>.*?</at>`)
	atTagRe = regexp.MustCompile(`(?i)</?at(\s[^>]*)?>`)
	tagRe   = regexp.MustCompile(`(?s)<[^>]+>`)
	nbspRe  = regexp.MustCompile(`[\s\x{00a0}]+`)
)

// StripMentions removes <at>…</at> mentions and the HTML Teams wraps messages in, and
// collapses white space. Mention tags that only appear once the entities are decoded
// (typed as text: "&lt;at&gt;") go too, so that what is left never reads as a mention.
func StripMentions(s string) string {
	s = atRe.ReplaceAllString(s, " ")
	s = tagRe.ReplaceAllString(s, " ")
	s = html.UnescapeString(s)
	s = atTagRe.ReplaceAllString(atRe.ReplaceAllString(s, " "), " ")
	return strings.TrimSpace(nbspRe.ReplaceAllString(s, " "))
}

// message answers a message activity with a card in the same conversation (a reply in
// the thread, in a channel).
func (h *Handler) message(ctx context.Context, a *Activity) {
	d, err := commandOf(a)
	var r bot.Reply
	switch {
	case err != nil:
		r = bot.ErrorReply(err)
	case d.Command == "":
		return
	default:
		r = h.ask(ctx, a, d.Command)
	}
	out := Message(r, card(r, d))
	if _, err := h.Connector.Reply(ctx, a.ServiceURL, a.Conversation.ID, a.ID, out); err != nil {
		h.logger().ErrorContext(ctx, "teams: reply", "conversation", a.Conversation.ID, "err", err)
	}
	if a.Conversation.ConversationType == "personal" || a.Conversation.ConversationType == "" {
		h.remember(ctx, a)
	}
}

// invoke answers an adaptiveCard/action invoke (an Action.Execute button) with the
// card of its command when it is ready within the budget, else with "working on it"
// and the card as a message when it is.
func (h *Handler) invoke(ctx context.Context, w http.ResponseWriter, a *Activity) {
	if a.Name != "adaptiveCard/action" {
		writeJSON(w, invokeError(http.StatusNotImplemented, fmt.Sprintf("Incumbent does not handle %q invokes", a.Name)))
		return
	}
	var v struct {
		Action struct {
			Verb string          `json:"verb"`
			Data json.RawMessage `json:"data"`
		} `json:"action"`
	}
	d, ok, err := submitData{}, false, json.Unmarshal(a.Value, &v)
	if err == nil {
		d, ok, err = submitted(v.Action.Data)
	}
	switch {
	case !ok:
		writeJSON(w, invokeError(http.StatusBadRequest, "This button carries no command."))
		return
	case err != nil:
		writeJSON(w, invokeError(http.StatusBadRequest, bot.ErrorText(err)))
		return
	}
	text := d.Command
	budget := h.InvokeBudget
	if budget == 0 {
		budget = DefaultInvokeBudget
	}
	done := make(chan bot.Reply, 1)
	h.later(ctx, func(ctx context.Context) { done <- h.ask(ctx, a, text) })
	select {
	case r := <-done:
		writeJSON(w, invokeResponse{StatusCode: http.StatusOK, Type: ContentTypeAdaptiveCard, Value: card(r, d)})
	case <-time.After(budget):
		writeJSON(w, invokeMessage("Working on "+text+" …"))
		h.later(ctx, func(ctx context.Context) {
			select {
			case r := <-done:
				if _, err := h.Connector.Reply(ctx, a.ServiceURL, a.Conversation.ID, a.ID, Message(r, card(r, d))); err != nil {
					h.logger().ErrorContext(ctx, "teams: reply after an invoke", "conversation", a.Conversation.ID, "err", err)
				}
			case <-ctx.Done():
			}
		})
	}
}

// invokeResponse is the body of an answer to an adaptiveCard/action invoke.
type invokeResponse struct {
	StatusCode int    `json:"statusCode"`
	Type       string `json:"type"`
	Value      any    `json:"value"`
}

func invokeMessage(s string) invokeResponse {
	return invokeResponse{StatusCode: http.StatusOK, Type: "application/vnd.microsoft.activity.message", Value: s}
}

func invokeError(status int, msg string) invokeResponse {
	return invokeResponse{StatusCode: status, Type: "application/vnd.microsoft.error",
		Value: map[string]string{"code": http.StatusText(status), "message": msg}}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// errOtherTenant refuses figures in a conversation of another organisation.
var errOtherTenant = domain.Errorf(domain.EFORBIDDEN,
	"This conversation belongs to another organisation, so I do not post account figures here.")

// ask answers text for the sender of an activity: who is asking, whether the
// conversation may see figures, then the bot. Failures become error replies.
func (h *Handler) ask(ctx context.Context, a *Activity, text string) bot.Reply {
	actor, err := h.actor(ctx, a)
	if err == nil && h.TenantID != "" && !strings.EqualFold(tenantOf(a), h.TenantID) {
		err = errOtherTenant
	}
	if err != nil {
		if domain.ErrorCode(err) == domain.EINTERNAL {
			h.logger().ErrorContext(ctx, "teams: before answering", "conversation", a.Conversation.ID, "err", err)
		}
		return bot.ErrorReply(err)
	}
	return h.drawn(ctx, h.Bot.Handle(ctx, bot.Request{Actor: actor, Text: text, AsOf: h.AsOf, Adapter: "teams",
		Channel: a.Conversation.ID, Thread: a.ReplyToID}))
}

// chartDrawer draws the charts a reply carries (the bot): a card shows them as images.
type chartDrawer interface {
	Drawn(ctx context.Context, r bot.Reply) bot.Reply
}

// ChartLinker keeps a chart's picture and returns a signed link to it (adapters/web's
// ChartLinks, with INCUMBENT_PUBLIC_URL and INCUMBENT_CHART_KEY).
type ChartLinker interface {
	Link(ctx context.Context, png []byte) (string, error)
}

// drawn returns r with its charts drawn, when the bot can draw them; else without them.
// With ChartLinks making https links, a chart is an image at its link (made now, never
// cached), else its PNG inline.
func (h *Handler) drawn(ctx context.Context, r bot.Reply) bot.Reply {
	d, ok := h.Bot.(chartDrawer)
	if !ok {
		r.Blocks = bot.WithoutCharts(r.Blocks)
		return r
	}
	r = d.Drawn(ctx, r)
	if h.ChartLinks == nil {
		return r
	}
	r.Blocks = slices.Clone(r.Blocks)
	for i, b := range r.Blocks {
		img, ok := b.(*bot.Image)
		if !ok || len(img.PNG) == 0 {
			continue
		}
		link, err := h.ChartLinks.Link(ctx, img.PNG)
		if err != nil || !strings.HasPrefix(link, "https://") {
			if err != nil {
				h.logger().WarnContext(ctx, "teams: a chart's link; the picture goes inline", "err", err)
			}
			continue
		}
		r.Blocks[i] = &bot.Image{URL: link, AltText: img.AltText}
	}
	return r
}

// identities is who is asking on Teams: people.csv's teams_user_id (the Teams user id
// or the Entra object id), else the email the conversation's member list gives.
func (h *Handler) identities() *bot.Identities {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.who == nil {
		h.who = &bot.Identities{Platform: "Teams", People: h.Directory, Logger: h.logger(), Now: h.now,
			IDOf:   func(p domain.Person) string { return p.TeamsUserID },
			IDHint: func(id string) string { return "; teams_user_id " + id }}
	}
	return h.who
}

// actor returns who sent an activity: people.csv's teams_user_id (the Teams user id or
// the Entra object id), else their email from the conversation's member list (cached).
func (h *Handler) actor(ctx context.Context, a *Activity) (bot.Actor, error) {
	if a.From == nil || a.From.ID == "" {
		return bot.Actor{}, domain.Errorf(domain.EINVALID, "the message has no sender")
	}
	return h.identities().Actor(ctx, chatUser(a), func(ctx context.Context) (string, error) {
		return h.memberEmail(ctx, a)
	})
}

// chatUser is the sender of an activity.
func chatUser(a *Activity) bot.ChatUser {
	return bot.ChatUser{ID: a.From.ID, ObjectID: a.From.AADObjectID}
}

// memberEmail asks the conversation's member list for the sender's email (else their
// user principal name).
func (h *Handler) memberEmail(ctx context.Context, a *Activity) (string, error) {
	m, err := h.Connector.Member(ctx, a.ServiceURL, a.Conversation.ID, a.From.ID)
	if err != nil {
		return "", fmt.Errorf("teams: member %s: %w", a.From.ID, err)
	}
	if m.Email != "" {
		return strings.ToLower(m.Email), nil
	}
	return strings.ToLower(m.UserPrincipalName), nil
}

// channelData is the Teams part of an activity's channelData.
type channelData struct {
	Tenant  struct{ ID string } `json:"tenant"`
	Team    struct{ ID, Name string }
	Channel struct{ ID, Name string }
}

func parseChannelData(a *Activity) channelData {
	var cd channelData
	if len(a.ChannelData) > 0 {
		json.Unmarshal(a.ChannelData, &cd)
	}
	return cd
}

func tenantOf(a *Activity) string {
	if a.Conversation != nil && a.Conversation.TenantID != "" {
		return a.Conversation.TenantID
	}
	return parseChannelData(a).Tenant.ID
}

// Keys under which conversation references are kept.
func userKey(id string) string    { return "user:" + strings.ToLower(id) }
func channelKey(id string) string { return "channel:" + id }

// remember keeps the activity's conversation reference, under the conversation id, and
// the user (personal chats) or the channel and team (channels), for proactive messages.
func (h *Handler) remember(ctx context.Context, a *Activity) {
	if h.Conversations == nil {
		return
	}
	cd := parseChannelData(a)
	conversation := a.Conversation.ID
	if a.Conversation.ConversationType == "channel" {
		// A channel's conversation id may name the thread the activity came from
		// (";messageid=…"): without it, what is posted there later starts a new post in
		// the channel instead of answering an old thread.
		conversation, _, _ = strings.Cut(conversation, ";messageid=")
	}
	ref := ConversationReference{ServiceURL: a.ServiceURL, ChannelID: a.ChannelID, ConversationID: conversation,
		ConversationType: a.Conversation.ConversationType, TenantID: tenantOf(a), TeamID: cd.Team.ID, Name: cd.Channel.Name}
	if a.Recipient != nil {
		ref.BotID = a.Recipient.ID
	}
	keys := []string{"conversation:" + conversation}
	switch a.Conversation.ConversationType {
	case "channel":
		if cd.Channel.ID != "" {
			keys = append(keys, channelKey(cd.Channel.ID))
		}
		if cd.Team.ID != "" {
			keys = append(keys, "team:"+cd.Team.ID)
		}
	case "groupChat":
	default: // personal
		if a.From != nil && a.From.ID != "" && (a.Recipient == nil || a.From.ID != a.Recipient.ID) {
			ref.UserID, ref.AADObjectID = a.From.ID, a.From.AADObjectID
			keys = append(keys, userKey(a.From.ID))
			if a.From.AADObjectID != "" {
				keys = append(keys, userKey(a.From.AADObjectID))
			}
			if email := h.emailOf(ctx, a); email != "" {
				keys = append(keys, EmailKey(email))
			}
		}
	}
	data, err := json.Marshal(ref)
	if err != nil {
		h.logger().ErrorContext(ctx, "teams: conversation reference", "err", err)
		return
	}
	// Every message of a personal chat comes here: the same reference under the same
	// keys is written once per process, not once per message.
	saved := strings.Join(keys, "\n") + "\n" + string(data)
	if _, ok := h.saved.Load(saved); ok {
		return
	}
	for _, k := range keys {
		c := domain.Conversation{Adapter: "teams", Key: k, Ref: data, UpdatedAt: h.now()}
		if err := h.Conversations.SaveConversation(ctx, c); err != nil {
			h.logger().ErrorContext(ctx, "teams: keep the conversation reference", "key", k, "err", err)
			return
		}
	}
	h.saved.Store(saved, true)
}

// EmailKey is the key of a person's personal chat with the bot, by their email: where
// a manager's digest goes.
func EmailKey(email string) string { return "email:" + strings.ToLower(strings.TrimSpace(email)) }

// emailOf returns the sender's email as known from people.csv or the member list
// (asked once, on install), or "" when it cannot be known.
func (h *Handler) emailOf(ctx context.Context, a *Activity) string {
	email, ok, err := h.identities().Email(ctx, chatUser(a))
	if err != nil {
		return ""
	}
	if ok {
		return email
	}
	email, err = h.memberEmail(ctx, a)
	if err != nil {
		h.logger().WarnContext(ctx, "teams: who installed the app", "user", a.From.ID, "err", err)
		return ""
	}
	return email
}

// ConversationFor returns the stored reference under a key: "conversation:<id>",
// "user:<Teams user id or Entra object id>", "email:<email>" (EmailKey),
// "channel:<channel id>" or "team:<team id>" (the team's General channel). ENOTFOUND
// when Incumbent has not been installed there.
func (h *Handler) ConversationFor(ctx context.Context, key string) (ConversationReference, error) {
	var ref ConversationReference
	if h.Conversations == nil {
		return ref, domain.Errorf(domain.ENOTFOUND, "no conversation store is configured")
	}
	c, err := h.Conversations.FindConversation(ctx, "teams", key)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return ref, domain.Errorf(domain.ENOTFOUND,
			"Incumbent has not been added to the Teams conversation %q yet: install the app there (or in the person's personal scope) first", key)
	}
	if err != nil {
		return ref, err
	}
	if err := json.Unmarshal(c.Ref, &ref); err != nil {
		return ref, fmt.Errorf("teams: conversation %s: %w", key, err)
	}
	return ref, nil
}

// Notify posts a reply where nobody asked for it (a weekly digest) in the conversation
// stored under key (see ConversationFor). It returns the id of the posted activity.
func (h *Handler) Notify(ctx context.Context, key string, r bot.Reply) (string, error) {
	ref, err := h.ConversationFor(ctx, key)
	if err != nil {
		return "", err
	}
	r = h.drawn(ctx, r)
	id, err := h.Connector.Send(ctx, ref.ServiceURL, ref.ConversationID, Message(r, RenderCard(r)))
	if err != nil {
		return "", fmt.Errorf("teams: post to %s: %w", key, err)
	}
	return id, nil
}
