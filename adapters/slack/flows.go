package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/incumbent/incumbent/bot"
)

// ephemeral is an answer only the asker sees.
func ephemeral(m slack.Msg) *slack.Msg {
	m.ResponseType = slack.ResponseTypeEphemeral
	return &m
}

// Command answers a slash command. It returns what to answer at once: the reply itself
// when it is ready within the inline budget, else a short "working on it" while the
// reply goes to the command's response_url when it is ready; nil for an empty
// acknowledgement (the deal builder opened).
func (h *Handler) Command(ctx context.Context, cmd slack.SlashCommand) *slack.Msg {
	text := commandText(cmd.Command, cmd.Text)
	if account, ok := bareDeal(text); ok && cmd.TriggerID != "" {
		if err := h.openDealBuilder(ctx, cmd.TriggerID, account, cmd.ChannelID); err != nil {
			h.logger().WarnContext(ctx, "slack: open the deal builder", "err", err)
			return ephemeral(slack.Msg{Text: "I could not open the deal builder just now. Type the deal instead: `/deal " + account + " give 3% on <product> get <qty> <product>`."})
		}
		return nil
	}
	budget := h.InlineBudget
	if budget == 0 {
		budget = DefaultInlineBudget
	}
	var mu sync.Mutex
	waiting := true
	inline := make(chan bot.Reply, 1)
	h.later(ctx, func(ctx context.Context) {
		r := h.ask(ctx, cmd.UserID, cmd.ChannelID, "", text)
		mu.Lock()
		if waiting {
			inline <- r
			mu.Unlock()
			return
		}
		mu.Unlock()
		h.respond(ctx, cmd.ResponseURL, r, text)
	})
	timer := time.NewTimer(budget)
	defer timer.Stop()
	select {
	case r := <-inline:
		return ephemeral(h.privateMessage(ctx, r, text))
	case <-timer.C:
	}
	mu.Lock()
	defer mu.Unlock()
	select {
	case r := <-inline: // it finished just now
		return ephemeral(h.privateMessage(ctx, r, text))
	default:
		waiting = false
	}
	return ephemeral(slack.Msg{Text: fmt.Sprintf("Working on `%s`…", text)})
}

// respond delivers a reply to a response_url, ephemeral to the asker.
func (h *Handler) respond(ctx context.Context, url string, r bot.Reply, command string) {
	m := h.privateMessage(ctx, r, command)
	err := slack.PostWebhookCustomHTTPContext(ctx, url, h.httpClient(), &slack.WebhookMessage{
		ResponseType: slack.ResponseTypeEphemeral, Text: m.Text, Blocks: &m.Blocks})
	if err != nil {
		h.logger().ErrorContext(ctx, "slack: post to response_url", "err", err)
	}
}

// bareDeal reports a deal command with only an account ("deal acme"): the deal builder
// opens for it.
func bareDeal(text string) (account string, ok bool) {
	words := strings.Fields(text)
	if len(words) < 2 || !strings.EqualFold(words[0], "deal") {
		return "", false
	}
	switch strings.ToLower(words[1]) {
	case "suggest", "show", "vary", "compare":
		return "", false
	}
	for _, w := range words[1:] {
		if strings.EqualFold(w, "give") {
			return "", false
		}
	}
	return strings.Join(words[1:], " "), true
}

// Event handles an Events API callback after it was acknowledged: a mention (answered
// in its thread), a direct message, the App Home opened. A retried event is processed
// once.
func (h *Handler) Event(ctx context.Context, ev slackevents.EventsAPIEvent, eventID string) {
	if eventID != "" && h.Dedupe != nil {
		first, err := h.Dedupe.FirstSeen(ctx, "slack:event:"+eventID, dedupeTTL)
		if err != nil {
			h.logger().WarnContext(ctx, "slack: de-duplication unavailable; processing the event", "err", err)
		} else if !first {
			h.logger().InfoContext(ctx, "slack: retried event skipped", "event_id", eventID)
			return
		}
	}
	switch e := ev.InnerEvent.Data.(type) {
	case *slackevents.AppMentionEvent:
		if e.BotID != "" || (h.BotUserID != "" && e.User == h.BotUserID) {
			return
		}
		thread := e.ThreadTimeStamp
		if thread == "" {
			thread = e.TimeStamp
		}
		h.later(ctx, func(ctx context.Context) { h.post(ctx, e.User, e.Channel, thread, stripMentions(e.Text)) })
	case *slackevents.MessageEvent:
		if e.ChannelType != "im" || e.BotID != "" || e.SubType != "" || e.User == "" || (h.BotUserID != "" && e.User == h.BotUserID) {
			return
		}
		h.later(ctx, func(ctx context.Context) { h.post(ctx, e.User, e.Channel, e.ThreadTimeStamp, stripMentions(e.Text)) })
	case *slackevents.AppHomeOpenedEvent:
		if e.Tab != "home" {
			return
		}
		h.later(ctx, func(ctx context.Context) { h.publishHome(ctx, e.User) })
	}
}

// post answers text in a channel (in the thread when set), visibly: a mention or a
// direct message is a conversation.
func (h *Handler) post(ctx context.Context, userID, channel, thread, text string) {
	if text == "" {
		text = "help"
	}
	r := h.ask(ctx, userID, channel, thread, text)
	build := func(r bot.Reply) slack.Msg { return h.message(ctx, r, text) }
	if err := h.postWithCharts(ctx, channel, thread, r, build); err != nil {
		h.logger().ErrorContext(ctx, "slack: chat.postMessage", "channel", channel, "err", err)
		h.tell(ctx, channel, userID, postError(err))
	}
}

// tell says something to a user alone, as best it can.
func (h *Handler) tell(ctx context.Context, channel, userID, text string) {
	if _, err := h.Client.PostEphemeralContext(ctx, channel, userID, slack.MsgOptionText(text, false)); err != nil {
		h.logger().WarnContext(ctx, "slack: could not tell the user", "user", userID, "err", err)
	}
}

// publishHome publishes a user's App Home.
func (h *Handler) publishHome(ctx context.Context, userID string) {
	var r bot.Reply
	a, err := h.actor(ctx, userID)
	if err != nil {
		r = bot.ErrorReply(err)
		r.Blocks = append([]bot.Block{&bot.Header{Text: "Incumbent"}}, r.Blocks...)
	} else if hb, ok := h.Bot.(interface {
		Home(ctx context.Context, a bot.Actor, asOf time.Time) bot.Reply
	}); ok {
		r = hb.Home(ctx, a, h.AsOf)
	}
	view := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: RenderHome(r)}}
	if _, err := call(ctx, func() (*slack.ViewResponse, error) {
		return h.Client.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: userID, View: view})
	}); err != nil {
		h.logger().ErrorContext(ctx, "slack: views.publish", "user", userID, "err", err)
	}
}

// Interaction handles a button press or a modal submission. It returns what to answer at
// once: nil for an empty acknowledgement, or a view submission response (errors to show
// in the modal).
func (h *Handler) Interaction(ctx context.Context, cb slack.InteractionCallback) any {
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		for _, a := range cb.ActionCallback.BlockActions {
			h.action(ctx, cb, a)
		}
		return nil
	case slack.InteractionTypeViewSubmission:
		switch cb.View.CallbackID {
		case dealBuilderID:
			return h.submitDealBuilder(ctx, cb)
		case dealPreviewID:
			h.submitDealPreview(ctx, cb)
		case formID:
			return h.submitForm(ctx, cb)
		}
	}
	return nil
}

// action runs one button.
func (h *Handler) action(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) {
	channel := cb.Channel.ID
	if channel == "" {
		channel = cb.Container.ChannelID
	}
	thread := cb.Container.ThreadTs
	if thread == "" {
		thread = cb.Message.ThreadTimestamp
	}
	kind, _, _ := strings.Cut(a.ActionID, "-")
	switch kind {
	case ActionRun:
		h.later(ctx, func(ctx context.Context) {
			if channel == "" { // App Home: answer in the app's direct messages
				h.post(ctx, cb.User.ID, cb.User.ID, "", a.Value)
				return
			}
			// A team works a shared deal in its thread: variants and comparisons of a
			// shared scenario go into that thread for everyone.
			if !cb.Container.IsEphemeral && cb.Message.Timestamp != "" && teamworkCommand(a.Value) {
				t := thread
				if t == "" {
					t = cb.Message.Timestamp
				}
				h.post(ctx, cb.User.ID, channel, t, a.Value)
				return
			}
			r := h.ask(ctx, cb.User.ID, channel, thread, a.Value)
			if cb.ResponseURL != "" {
				h.respond(ctx, cb.ResponseURL, r, a.Value)
				return
			}
			m := h.privateMessage(ctx, r, a.Value)
			if _, err := h.Client.PostEphemeralContext(ctx, channel, cb.User.ID, slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks.BlockSet...)); err != nil {
				h.logger().ErrorContext(ctx, "slack: chat.postEphemeral", "err", err)
			}
		})
	case ActionShare:
		h.later(ctx, func(ctx context.Context) { h.share(ctx, cb.User.ID, channel, thread, a.Value) })
	case ActionChart:
		h.later(ctx, func(ctx context.Context) { h.showChartTo(ctx, cb.User.ID, channel, thread, a.Value) })
	case ActionTable:
		num, command, _ := strings.Cut(a.Value, " ")
		n, err := strconv.Atoi(num)
		if err != nil || strings.TrimSpace(command) == "" || cb.TriggerID == "" {
			if channel != "" {
				h.tell(ctx, channel, cb.User.ID, "I cannot show that table any more: run the command again.")
			}
			return
		}
		h.later(ctx, func(ctx context.Context) { h.showTable(ctx, cb.TriggerID, cb.User.ID, channel, thread, command, n) })
	case ActionForm:
		if cb.TriggerID == "" {
			if channel != "" {
				h.tell(ctx, channel, cb.User.ID, "I cannot open that form from here: type the command instead.")
			}
			return
		}
		h.later(ctx, func(ctx context.Context) { h.openForm(ctx, cb.TriggerID, cb.User.ID, channel, thread, a.Value) })
	case ActionRest:
		h.later(ctx, func(ctx context.Context) {
			page, ok := h.nextPage(ctx, a.Value)
			if !ok {
				page = []slack.Block{slack.NewSectionBlock(mrkdwn("That list has expired: run the command again."), nil, nil)}
			}
			if cb.ResponseURL != "" {
				err := slack.PostWebhookCustomHTTPContext(ctx, cb.ResponseURL, h.httpClient(), &slack.WebhookMessage{
					ResponseType: slack.ResponseTypeEphemeral, Text: "The rest", Blocks: &slack.Blocks{BlockSet: page}})
				if err != nil {
					h.logger().ErrorContext(ctx, "slack: post the rest", "err", err)
				}
				return
			}
			if _, err := h.Client.PostEphemeralContext(ctx, channel, cb.User.ID, slack.MsgOptionText("The rest", false), slack.MsgOptionBlocks(page...)); err != nil {
				h.logger().ErrorContext(ctx, "slack: post the rest", "err", err)
			}
		})
	default:
		h.logger().WarnContext(ctx, "slack: unknown action", "action_id", a.ActionID)
		if channel != "" {
			h.tell(ctx, channel, cb.User.ID, "I do not know that button any more: run the command again.")
		}
	}
}

// teamworkCommand reports the commands that a shared message's buttons run for the
// whole thread: deal variants and comparisons.
func teamworkCommand(cmd string) bool {
	f := strings.Fields(strings.ToLower(cmd))
	return len(f) >= 2 && f[0] == "deal" && (f[1] == "vary" || f[1] == "compare")
}

// share posts a reply for everyone in the channel (in its thread), said to be shared by
// the presser. The command runs again as the presser, so the figures are fresh and the
// presser's access applies.
func (h *Handler) share(ctx context.Context, userID, channel, thread, command string) {
	if command == "" || channel == "" {
		return
	}
	r := h.ask(ctx, userID, channel, thread, command)
	if r.Err != nil {
		h.tell(ctx, channel, userID, bot.ErrorText(r.Err))
		return
	}
	r.Blocks = append(bot.WithoutShare(r.Blocks), &bot.Context{Text: fmt.Sprintf("Shared by <@%s> · `%s`", userID, command)})
	build := func(r bot.Reply) slack.Msg {
		m := h.message(ctx, r, command)
		blocks := m.Blocks.BlockSet
		// The mention of the sharer was escaped with the rest: put it back.
		if c, ok := blocks[len(blocks)-1].(*slack.ContextBlock); ok {
			c.ContextElements.Elements = []slack.MixedElement{mrkdwn(fmt.Sprintf("Shared by <@%s> · `%s`", userID, escape(command)))}
		}
		return m
	}
	if err := h.postWithCharts(ctx, channel, thread, r, build); err != nil {
		h.logger().ErrorContext(ctx, "slack: share", "channel", channel, "err", err)
		h.tell(ctx, channel, userID, postError(err))
	}
}

// The deal builder has two steps: the form (what we give, what we get), then the priced
// deal shown in the modal, which "Show in the channel" posts for the rep. What the
// second step showed is kept between the steps in the shared session store (Cursors:
// Redis when configured), so the press may reach any replica and posts exactly the
// figures the rep saw; when it has expired, the saved scenario is shown afresh.

const (
	dealBuilderID = "deal_builder"
	dealPreviewID = "deal_preview"
	// builderTTL is how long a priced deal waits in the modal for its "Show in the
	// channel".
	builderTTL = 30 * time.Minute
)

// builderKey is where the deal builder keeps its priced deal between the steps.
func builderKey(viewID string) string { return "deal-builder:" + viewID }

// builtDeal is what the deal builder's second step showed.
type builtDeal struct {
	Command string       `json:"command"` // shows the saved scenario: "deal show S-1"
	Text    string       `json:"text"`
	Blocks  slack.Blocks `json:"blocks"`
}

// Block ids of the deal builder's inputs; each has one element with the same action id.
const (
	fieldDiscount = "discount"
	fieldX        = "x"
	fieldMonths   = "months"
	fieldQty      = "qty"
	fieldY        = "y"
	fieldCadence  = "cadence"
)

type builderMeta struct {
	Account string `json:"account"`
	Channel string `json:"channel"`
}

func (h *Handler) openDealBuilder(ctx context.Context, trigger, account, channel string) error {
	meta, _ := json.Marshal(builderMeta{Account: account, Channel: channel})
	input := func(id, label, placeholder, hint, initial string) slack.Block {
		el := slack.NewPlainTextInputBlockElement(plain(placeholder), id)
		el.InitialValue = initial
		var h *slack.TextBlockObject
		if hint != "" {
			h = plain(hint)
		}
		return slack.NewInputBlock(id, plain(label), h, el)
	}
	cadence := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Once or every year"), fieldCadence,
		slack.NewOptionBlockObject("once", plain("Once (a first order)"), nil),
		slack.NewOptionBlockObject("yearly", plain("Every year"), nil))
	cadence.InitialOption = slack.NewOptionBlockObject("once", plain("Once (a first order)"), nil)
	view := slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: dealBuilderID, PrivateMetadata: string(meta),
		Title: plain("Build a deal"), Submit: plain("Price it"), Close: plain("Cancel"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewSectionBlock(mrkdwn(fmt.Sprintf("A trade with *%s*: what we give, what we get.", escape(account))), nil, nil),
			input(fieldDiscount, "Discount (%)", "5", "More than 0 and less than 100", ""),
			input(fieldX, "On (product or category they buy)", "gloves", "A SKU, a product name or a category", ""),
			input(fieldMonths, "For (months)", "12", "", "12"),
			input(fieldQty, "Get (quantity)", "200", "", ""),
			input(fieldY, "Of (product)", "W-1", "A SKU or product name", ""),
			slack.NewInputBlock(fieldCadence, plain("How often"), nil, cadence),
		}},
	}
	_, err := call(ctx, func() (*slack.ViewResponse, error) { return h.Client.OpenViewContext(ctx, trigger, view) })
	return err
}

// formFields are the deal builder's inputs by the bot.DealForm fields they hold.
var formFields = map[string]string{bot.FormDiscount: fieldDiscount, bot.FormOn: fieldX, bot.FormMonths: fieldMonths,
	bot.FormQuantity: fieldQty, bot.FormProduct: fieldY}

// submitDealBuilder checks the builder's fields, prices the deal and posts it to the
// channel the builder was opened from, ephemeral to the user. Bad values are shown under
// their fields and nothing is priced or saved.
func (h *Handler) submitDealBuilder(ctx context.Context, cb slack.InteractionCallback) any {
	var meta builderMeta
	if err := json.Unmarshal([]byte(cb.View.PrivateMetadata), &meta); err != nil || meta.Account == "" {
		return slack.NewErrorsViewSubmissionResponse(map[string]string{fieldDiscount: "This form has lost its account: close it and type /deal <account> again."})
	}
	value := func(id string) string {
		if cb.View.State == nil {
			return ""
		}
		a := cb.View.State.Values[id][id]
		if a.SelectedOption.Value != "" {
			return a.SelectedOption.Value
		}
		return strings.TrimSpace(a.Value)
	}
	text, err := bot.DealForm{Account: meta.Account, Discount: strings.TrimSuffix(value(fieldDiscount), "%"), On: value(fieldX),
		Months: value(fieldMonths), Quantity: strings.ReplaceAll(value(fieldQty), ",", ""), Product: value(fieldY),
		Yearly: value(fieldCadence) == "yearly"}.Command()
	if fe, ok := errors.AsType[*bot.DealFormError](err); ok {
		errs := map[string]string{}
		for f, msg := range fe.Fields {
			errs[formFields[f]] = cut(msg, 150)
		}
		return slack.NewErrorsViewSubmissionResponse(errs)
	}
	r := h.ask(ctx, cb.User.ID, meta.Channel, "", text)
	if r.Err != nil {
		// A name the store does not know, or a product they do not buy: which field it
		// was is read from the message (the grammar passed every field).
		msg := bot.ErrorText(r.Err)
		x, y := value(fieldX), value(fieldY)
		field := fieldDiscount
		switch {
		case strings.Contains(msg, fmt.Sprintf("%q", y)) || strings.Contains(msg, "quantity"):
			field = fieldY
		case strings.Contains(msg, fmt.Sprintf("%q", x)) || strings.Contains(msg, "bought no"):
			field = fieldX
		}
		return slack.NewErrorsViewSubmissionResponse(map[string]string{field: cut(msg, 150)})
	}
	command := text
	if id := bot.SavedScenario(r); id != "" {
		command = "deal show " + id
	}
	m := h.message(ctx, r, command)
	built := builtDeal{Command: command, Text: m.Text, Blocks: m.Blocks}
	if h.Cursors != nil {
		if data, err := json.Marshal(built); err == nil {
			err = h.Cursors.PutCursor(ctx, builderKey(cb.View.ID), data, builderTTL)
			if err != nil {
				h.logger().WarnContext(ctx, "slack: keep the built deal", "err", err)
			}
		}
	}
	// The second step: the priced deal, without its buttons (they belong to the message
	// it becomes).
	var preview []slack.Block
	for _, b := range m.Blocks.BlockSet {
		if b.BlockType() != slack.MBTAction {
			preview = append(preview, b)
		}
	}
	pm, _ := json.Marshal(previewMeta{Channel: meta.Channel, Command: command})
	return slack.NewUpdateViewSubmissionResponse(&slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: dealPreviewID, PrivateMetadata: string(pm),
		Title: plain("Your deal"), Submit: plain("Show in the channel"), Close: plain("Done"),
		Blocks: slack.Blocks{BlockSet: append(preview,
			slack.NewContextBlock("", mrkdwn("Saved. *Show in the channel* posts it there for you alone, with its buttons to vary it and draft talking points.")))},
	})
}

// previewMeta is the deal builder's second step's private metadata.
type previewMeta struct {
	Channel string `json:"channel"`
	Command string `json:"command"`
}

// submitDealPreview posts the deal the builder priced to the channel it was opened from
// (else the app's direct messages), for the rep alone: the figures the modal showed,
// or the saved scenario afresh when they are no longer kept.
func (h *Handler) submitDealPreview(ctx context.Context, cb slack.InteractionCallback) {
	var meta previewMeta
	if err := json.Unmarshal([]byte(cb.View.PrivateMetadata), &meta); err != nil || meta.Command == "" {
		h.logger().WarnContext(ctx, "slack: a deal preview without its command", "err", err)
		return
	}
	var built builtDeal
	found := false
	if h.Cursors != nil {
		data, ok, err := h.Cursors.TakeCursor(ctx, builderKey(cb.View.ID))
		found = ok && err == nil && json.Unmarshal(data, &built) == nil
	}
	h.later(ctx, func(ctx context.Context) {
		if !found {
			m := h.message(ctx, h.ask(ctx, cb.User.ID, meta.Channel, "", meta.Command), meta.Command)
			built = builtDeal{Command: meta.Command, Text: m.Text, Blocks: m.Blocks}
		}
		if meta.Channel != "" {
			_, err := h.Client.PostEphemeralContext(ctx, meta.Channel, cb.User.ID, slack.MsgOptionText(built.Text, false), slack.MsgOptionBlocks(built.Blocks.BlockSet...))
			if err == nil {
				return
			}
			h.logger().ErrorContext(ctx, "slack: post the built deal", "err", err)
		}
		h.post(ctx, cb.User.ID, cb.User.ID, "", meta.Command)
	})
}

func (h *Handler) httpClient() *http.Client {
	if h.HTTPClient != nil {
		return h.HTTPClient
	}
	return http.DefaultClient
}
