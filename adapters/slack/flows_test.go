package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	goslack "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/incumbent/incumbent/bot"
)

func TestSignatures(t *testing.T) {
	_, f, base := setup(t)
	body := command("/gap", "acme", "U_RITA", "C1", f.srv.URL+"/response/1")
	now := time.Now()
	for _, tt := range []struct {
		name string
		at   time.Time
		key  string
	}{
		{"wrong secret", now, "not-the-secret"},
		{"expired", now.Add(-6 * time.Minute), secret},
		{"from the future", now.Add(6 * time.Minute), secret},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if code, _ := signed(t, base, "/slack/commands", form, body, tt.at, tt.key); code != 401 {
				t.Errorf("status %d, want 401", code)
			}
		})
	}
	// Valid once; the same signed request again is a replay.
	if code, resp := signed(t, base, "/slack/commands", form, body, now, secret); code != 200 || !strings.Contains(resp, "Acme Manufacturing") {
		t.Fatalf("valid: %d %s", code, resp)
	}
	if code, _ := signed(t, base, "/slack/commands", form, body, now, secret); code != 401 {
		t.Errorf("replay: status %d, want 401", code)
	}
	// Nothing ran for the refused ones: one answer, no Web API call but users.info's.
	if n := f.calls("chat.postMessage") + f.calls("response/1"); n != 0 {
		t.Errorf("%d deliveries for refused requests", n)
	}
}

func TestSlashCommandInline(t *testing.T) {
	_, f, base := setup(t)
	code, resp := signed(t, base, "/slack/commands", form, command("/gap", "acme", "U_RITA", "C1", f.srv.URL+"/response/1"), time.Now(), secret)
	var m goslack.Msg
	if err := json.Unmarshal([]byte(resp), &m); code != 200 || err != nil {
		t.Fatalf("%d %v %s", code, err, resp)
	}
	if m.ResponseType != "ephemeral" || m.Text != "Acme Manufacturing — gap" || len(m.Blocks.BlockSet) < 4 {
		t.Errorf("reply: %+v", m)
	}
	// The Share button carries the command that made the reply.
	if !strings.Contains(resp, `"action_id":"share-`) || !strings.Contains(resp, `"value":"gap acme"`) {
		t.Errorf("share button: %s", resp)
	}
	// /incumbent takes the grammar as is.
	_, resp = signed(t, base, "/slack/commands", form, command("/incumbent", "grade acme", "U_RITA", "C1", ""), time.Now(), secret)
	if !strings.Contains(resp, "Acme Manufacturing — ") || !strings.Contains(resp, "*Spend* — ") {
		t.Errorf("/incumbent grade acme: %s", resp)
	}
}

func TestSlashCommandDeferred(t *testing.T) {
	h, f, base, b := setupBot(t)
	h.Bot = slowBot{Bot: b, delay: 2 * time.Second}
	h.InlineBudget = 20 * time.Millisecond
	start := time.Now()
	code, resp := signed(t, base, "/slack/commands", form, command("/gap", "acme", "U_RITA", "C1", f.srv.URL+"/response/9"), time.Now(), secret)
	if took := time.Since(start); code != 200 || !strings.Contains(resp, "Working on `gap acme`") || took > 1500*time.Millisecond {
		t.Fatalf("acknowledgement: %d in %v: %s", code, took, resp)
	}
	c := f.wait("response/9")
	blocks, _ := json.Marshal(c.JSON["blocks"])
	if c.JSON["response_type"] != "ephemeral" || !strings.Contains(string(blocks), "Acme Manufacturing — gap") {
		t.Errorf("delivered: %+v", c.JSON)
	}
}

func TestUnknownUserAndSlackConnect(t *testing.T) {
	_, f, base := setup(t)
	_, resp := signed(t, base, "/slack/commands", form, command("/gap", "acme", "U_WHO", "C1", ""), time.Now(), secret)
	if !strings.Contains(resp, "You are not set up in Incumbent yet") || strings.Contains(resp, "$") {
		t.Errorf("unknown user: %s", resp)
	}
	// Nora is found through users.info.
	_, resp = signed(t, base, "/slack/commands", form, command("/gap", "acme", "U_NORA", "C1", ""), time.Now(), secret)
	if !strings.Contains(resp, "Acme Manufacturing — gap") {
		t.Errorf("user by email: %s", resp)
	}
	// Someone of another organisation whose email is Nora's is not Nora.
	for _, user := range []string{"U_EXT", "U_STRANGER"} {
		_, resp = signed(t, base, "/slack/commands", form, command("/gap", "acme", user, "C1", ""), time.Now(), secret)
		if !strings.Contains(resp, "You are not set up in Incumbent yet") || strings.Contains(resp, "$") {
			t.Errorf("%s, of another organisation with a rep's email: %s", user, resp)
		}
	}
	f.external["C_EXT"] = true
	_, resp = signed(t, base, "/slack/commands", form, command("/gap", "acme", "U_RITA", "C_EXT", ""), time.Now(), secret)
	if !strings.Contains(resp, "shared with another organisation") || strings.Contains(resp, "$") {
		t.Errorf("Slack Connect channel: %s", resp)
	}
	// A rep asking about another territory's account is told nothing matches, as in
	// the CLI.
	_, resp = signed(t, base, "/slack/commands", form, command("/gap", "southern foods", "U_RITA", "C1", ""), time.Now(), secret)
	if !strings.Contains(resp, `No account matches \"southern foods\"`) || strings.Contains(resp, "$") {
		t.Errorf("other territory: %s", resp)
	}
}

func event(id, inner string) string {
	return fmt.Sprintf(`{"token":"x","team_id":"T1","api_app_id":"A1","type":"event_callback","event_id":%q,"event_time":1700000000,"event":%s}`, id, inner)
}

func TestEvents(t *testing.T) {
	h, f, base := setup(t)
	// URL verification.
	code, resp := signed(t, base, "/slack/events", "application/json", `{"token":"x","challenge":"abc123","type":"url_verification"}`, time.Now(), secret)
	if code != 200 || resp != "abc123" {
		t.Errorf("url_verification: %d %q", code, resp)
	}
	// A mention is answered in its thread.
	mention := event("Ev1", `{"type":"app_mention","user":"U_RITA","text":"<@U_BOT> gap acme","ts":"1700000000.000100","channel":"C1","event_ts":"1700000000.000100"}`)
	at := time.Now()
	if code, _ := signed(t, base, "/slack/events", "application/json", mention, at, secret); code != 200 {
		t.Fatalf("mention: %d", code)
	}
	c := f.wait("chat.postMessage")
	if c.Form.Get("channel") != "C1" || c.Form.Get("thread_ts") != "1700000000.000100" || !strings.Contains(c.Form.Get("blocks"), "Acme Manufacturing — gap") {
		t.Errorf("mention answer: %v", c.Form)
	}
	// Slack retries it (a new signature, the same event id): processed once.
	if code, _ := signed(t, base, "/slack/events", "application/json", mention, at.Add(-time.Second), secret); code != 200 {
		t.Fatalf("retry: %d", code)
	}
	// A direct message.
	dm := event("Ev2", `{"type":"message","channel_type":"im","user":"U_RITA","text":"grade acme","ts":"1700000000.000300","channel":"D1","event_ts":"1700000000.000300"}`)
	signed(t, base, "/slack/events", "application/json", dm, time.Now(), secret)
	c = f.wait("chat.postMessage")
	if c.Form.Get("channel") != "D1" || !strings.Contains(c.Form.Get("blocks"), "*Spend* — ") {
		t.Errorf("DM answer: %v", c.Form)
	}
	// The bot's own messages are ignored.
	own := event("Ev3", `{"type":"message","channel_type":"im","user":"U_BOT","bot_id":"B1","text":"Acme","ts":"1700000000.000400","channel":"D1"}`)
	signed(t, base, "/slack/events", "application/json", own, time.Now(), secret)
	// The handler has no work left that could post: the count is final.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.Wait(ctx); err != nil {
		t.Fatalf("the handler's replies still running: %v", err)
	}
	if n := f.calls("chat.postMessage"); n != 2 {
		t.Errorf("%d messages posted, want 2 (the retry and the bot's own message ignored)", n)
	}
	// Malformed payloads.
	if code, _ := signed(t, base, "/slack/events", "application/json", `{"type":`, time.Now(), secret); code != 400 {
		t.Errorf("malformed event: %d", code)
	}
}

func TestAppHome(t *testing.T) {
	_, f, base := setup(t)
	signed(t, base, "/slack/events", "application/json", event("Ev9", `{"type":"app_home_opened","user":"U_RITA","channel":"D1","tab":"home","event_ts":"1"}`), time.Now(), secret)
	c := f.wait("views.publish")
	view, _ := json.Marshal(c.JSON["view"])
	if c.JSON["user_id"] != "U_RITA" || !strings.Contains(string(view), `"type":"home"`) || !strings.Contains(string(view), "Acme Manufacturing") ||
		!strings.Contains(string(view), "deal suggest A1") {
		t.Errorf("home: %+v", c.JSON)
	}
}

func interaction(payload string) string { return url.Values{"payload": {payload}}.Encode() }

func TestButtons(t *testing.T) {
	_, f, base := setup(t)
	// A button that runs a command answers through response_url.
	run := fmt.Sprintf(`{"type":"block_actions","user":{"id":"U_RITA"},"channel":{"id":"C1"},"response_url":%q,"container":{"type":"message","channel_id":"C1"},"actions":[{"action_id":"run-0","block_id":"b","type":"button","value":"grade A1"}]}`, f.srv.URL+"/response/run")
	if code, _ := signed(t, base, "/slack/interactions", form, interaction(run), time.Now(), secret); code != 200 {
		t.Fatalf("run: %d", code)
	}
	c := f.wait("response/run")
	blocks, _ := json.Marshal(c.JSON["blocks"])
	if !strings.Contains(string(blocks), "*Spend* — ") {
		t.Errorf("run: %+v", c.JSON)
	}
	// Share in channel posts the reply for everyone, in its thread, said to be shared.
	share := `{"type":"block_actions","user":{"id":"U_RITA"},"channel":{"id":"C1"},"container":{"type":"message","channel_id":"C1","thread_ts":"1700000000.000100"},"actions":[{"action_id":"share-3","block_id":"b","type":"button","value":"gap acme"}]}`
	signed(t, base, "/slack/interactions", form, interaction(share), time.Now(), secret)
	c = f.wait("chat.postMessage")
	var shared []map[string]any
	json.Unmarshal([]byte(c.Form.Get("blocks")), &shared)
	sb, _ := json.Marshal(shared[len(shared)-1])
	if c.Form.Get("channel") != "C1" || c.Form.Get("thread_ts") != "1700000000.000100" ||
		!strings.Contains(string(sb), `Shared by \u003c@U_RITA\u003e`) || strings.Contains(c.Form.Get("blocks"), `"share-`) {
		t.Errorf("share: %v", c.Form)
	}
	// An unknown action is said, not dropped.
	unknown := `{"type":"block_actions","user":{"id":"U_RITA"},"channel":{"id":"C1"},"actions":[{"action_id":"frobnicate","block_id":"b","type":"button","value":"x"}]}`
	signed(t, base, "/slack/interactions", form, interaction(unknown), time.Now(), secret)
	c = f.wait("chat.postEphemeral")
	if !strings.Contains(c.Form.Get("text"), "I do not know that button") {
		t.Errorf("unknown action: %v", c.Form)
	}
	if code, _ := signed(t, base, "/slack/interactions", form, interaction(`{nope`), time.Now(), secret); code != 400 {
		t.Errorf("malformed interaction: %d", code)
	}
}

// TestVariantInThread presses "Try 2%" on a deal shared in a thread: the variant goes
// into the thread for everyone; pressed on a private reply, it stays private.
func TestVariantInThread(t *testing.T) {
	_, f, base := setup(t)
	_, resp := signed(t, base, "/slack/commands", form, command("/deal", "acme give 5% on gloves get 100 W-1", "U_RITA", "C1", ""), time.Now(), secret)
	if !strings.Contains(resp, "S-1") {
		t.Fatalf("deal: %s", resp)
	}
	shared := `{"type":"block_actions","user":{"id":"U_NORA"},"channel":{"id":"C1"},"message":{"ts":"1700000000.000500","thread_ts":"1700000000.000100"},"container":{"type":"message","channel_id":"C1","message_ts":"1700000000.000500","thread_ts":"1700000000.000100","is_ephemeral":false},"actions":[{"action_id":"run-1","block_id":"b","type":"button","value":"deal vary S-1 give 2%"}]}`
	signed(t, base, "/slack/interactions", form, interaction(shared), time.Now(), secret)
	c := f.wait("chat.postMessage")
	if c.Form.Get("channel") != "C1" || c.Form.Get("thread_ts") != "1700000000.000100" || !strings.Contains(c.Form.Get("blocks"), "variant of S-1") {
		t.Errorf("variant in the thread: %v", c.Form)
	}
	private := fmt.Sprintf(`{"type":"block_actions","user":{"id":"U_RITA"},"channel":{"id":"C1"},"response_url":%q,"container":{"type":"message","channel_id":"C1","is_ephemeral":true},"actions":[{"action_id":"run-1","block_id":"b","type":"button","value":"deal vary S-1 give 3%%"}]}`, f.srv.URL+"/response/v")
	signed(t, base, "/slack/interactions", form, interaction(private), time.Now(), secret)
	c = f.wait("response/v")
	if c.JSON["response_type"] != "ephemeral" {
		t.Errorf("private variant: %+v", c.JSON)
	}
}

// TestNotInChannel tells the user when Slack refuses the answer.
func TestNotInChannel(t *testing.T) {
	_, f, base := setup(t)
	f.mu.Lock()
	f.refuse = "not_in_channel"
	f.mu.Unlock()
	signed(t, base, "/slack/events", "application/json", event("EvN", `{"type":"app_mention","user":"U_RITA","text":"<@U_BOT> help","ts":"1.2","channel":"C9"}`), time.Now(), secret)
	c := f.wait("chat.postEphemeral")
	if c.Form.Get("channel") != "C9" || !strings.Contains(c.Form.Get("text"), "I am not in that channel: invite me with `/invite @Incumbent`") {
		t.Errorf("not_in_channel: %v", c.Form)
	}
}

// longBot answers with 80 paragraphs: more than one Slack message.
type longBot struct{}

func (longBot) Handle(context.Context, bot.Request) bot.Reply {
	var bs []bot.Block
	for i := range 80 {
		bs = append(bs, &bot.Text{Text: fmt.Sprintf("paragraph %d", i)})
	}
	return bot.Reply{Blocks: bs}
}

// TestSeeTheRest shows the first page of a long reply with a button that brings the
// rest.
func TestSeeTheRest(t *testing.T) {
	h, f, base := setup(t)
	h.Bot = longBot{}
	_, resp := signed(t, base, "/slack/commands", form, command("/incumbent", "anything", "U_RITA", "C1", ""), time.Now(), secret)
	var m goslack.Msg
	json.Unmarshal([]byte(resp), &m)
	blocks := m.Blocks.BlockSet
	if len(blocks) != 50 || !strings.Contains(resp, "paragraph 47") || strings.Contains(resp, "paragraph 48") || !strings.Contains(resp, "… and 32 more blocks.") {
		t.Fatalf("first page: %d blocks", len(blocks))
	}
	btn := blocks[49].(*goslack.ActionBlock).Elements.ElementSet[0].(*goslack.ButtonBlockElement)
	if btn.Text.Text != "See the rest" || !strings.HasPrefix(btn.ActionID, "rest-") {
		t.Fatalf("button: %+v", btn)
	}
	press := fmt.Sprintf(`{"type":"block_actions","user":{"id":"U_RITA"},"channel":{"id":"C1"},"response_url":%q,"container":{"type":"message","channel_id":"C1","is_ephemeral":true},"actions":[{"action_id":%q,"block_id":"b","type":"button","value":%q}]}`,
		f.srv.URL+"/response/rest", btn.ActionID, btn.Value)
	signed(t, base, "/slack/interactions", form, interaction(press), time.Now(), secret)
	c := f.wait("response/rest")
	page, _ := json.Marshal(c.JSON["blocks"])
	if !strings.Contains(string(page), "paragraph 48") || !strings.Contains(string(page), "paragraph 79") || strings.Contains(string(page), "See the rest") {
		t.Errorf("the rest: %s", page)
	}
	// The cursor is used up: pressing again says so.
	signed(t, base, "/slack/interactions", form, interaction(strings.Replace(press, "response/rest", "response/again", 1)), time.Now().Add(time.Second), secret)
	c = f.wait("response/again")
	again, _ := json.Marshal(c.JSON["blocks"])
	if !strings.Contains(string(again), "That list has expired") {
		t.Errorf("again: %s", again)
	}
}

func TestRateLimit(t *testing.T) {
	_, f, base := setup(t)
	f.rateLimited = 4 // more than the retries of a server error: a rate limit is waited out
	signed(t, base, "/slack/events", "application/json", event("EvR", `{"type":"app_mention","user":"U_RITA","text":"<@U_BOT> help","ts":"1.1","channel":"C1"}`), time.Now(), secret)
	f.wait("429")
	start := time.Now()
	c := f.wait("chat.postMessage")
	if waited := time.Since(start); waited < 2900*time.Millisecond || c.Form.Get("channel") != "C1" {
		t.Errorf("posted after %v: %v", waited, c.Form)
	}
}

func TestServerErrorRetried(t *testing.T) {
	_, f, base := setup(t)
	f.serverErrors = 1
	signed(t, base, "/slack/events", "application/json", event("Ev5", `{"type":"app_mention","user":"U_RITA","text":"<@U_BOT> help","ts":"1.3","channel":"C1"}`), time.Now(), secret)
	f.wait("500")
	if c := f.wait("chat.postMessage"); c.Form.Get("channel") != "C1" {
		t.Errorf("after a 500: %v", c.Form)
	}
}

func TestDealBuilder(t *testing.T) {
	_, f, base := setup(t)
	code, resp := signed(t, base, "/slack/commands", form, command("/deal", "acme", "U_RITA", "C1", ""), time.Now(), secret)
	if code != 200 || resp != "" {
		t.Fatalf("open: %d %q", code, resp)
	}
	c := f.wait("views.open")
	view, _ := json.Marshal(c.JSON["view"])
	if c.JSON["trigger_id"] != "trig-1" || !strings.Contains(string(view), `"callback_id":"deal_builder"`) {
		t.Fatalf("views.open: %+v", c.JSON)
	}
	submit := func(values map[string]string) (int, string) {
		state := map[string]map[string]map[string]any{}
		for k, v := range values {
			a := map[string]any{"type": "plain_text_input", "value": v}
			if k == "cadence" {
				a = map[string]any{"type": "static_select", "selected_option": map[string]any{"value": v}}
			}
			state[k] = map[string]map[string]any{k: a}
		}
		st, _ := json.Marshal(map[string]any{"values": state})
		p := fmt.Sprintf(`{"type":"view_submission","user":{"id":"U_RITA"},"view":{"id":"V1","callback_id":"deal_builder","private_metadata":"{\"account\":\"acme\",\"channel\":\"C1\"}","state":%s}}`, st)
		return signed(t, base, "/slack/interactions", form, interaction(p), time.Now(), secret)
	}
	// Bad values are shown under their fields.
	code, resp = submit(map[string]string{"discount": "150", "x": "", "months": "0", "qty": "-2", "y": "W-1", "cadence": "once"})
	var r struct {
		Action string            `json:"response_action"`
		Errors map[string]string `json:"errors"`
	}
	json.Unmarshal([]byte(resp), &r)
	if code != 200 || r.Action != "errors" || r.Errors["discount"] == "" || r.Errors["x"] == "" || r.Errors["months"] == "" || r.Errors["qty"] == "" || r.Errors["y"] != "" {
		t.Errorf("bad values: %d %s", code, resp)
	}
	// What the account does not buy is refused under X.
	_, resp = submit(map[string]string{"discount": "5", "x": "welding", "months": "12", "qty": "100", "y": "W-1", "cadence": "once"})
	if !strings.Contains(resp, `"x":"They bought no Welding`) {
		t.Errorf("X not bought: %s", resp)
	}
	// Good values price the deal and show it in the modal: the second step.
	code, resp = submit(map[string]string{"discount": "5", "x": "gloves", "months": "12", "qty": "100", "y": "W-1", "cadence": "yearly"})
	var step2 struct {
		Action string `json:"response_action"`
		View   struct {
			CallbackID      string          `json:"callback_id"`
			PrivateMetadata string          `json:"private_metadata"`
			Blocks          json.RawMessage `json:"blocks"`
		} `json:"view"`
	}
	if err := json.Unmarshal([]byte(resp), &step2); err != nil || code != 200 || step2.Action != "update" || step2.View.CallbackID != "deal_preview" ||
		!strings.Contains(string(step2.View.Blocks), "Accretive") || !strings.Contains(string(step2.View.Blocks), "S-1") ||
		strings.Contains(string(step2.View.Blocks), `"type":"actions"`) {
		t.Fatalf("good values: %d %s", code, resp)
	}
	// "Show in the channel" posts, for the user, what the modal showed.
	preview := func(viewID, hash string) (int, string) {
		p := fmt.Sprintf(`{"type":"view_submission","user":{"id":"U_RITA"},"view":{"id":%q,"hash":%q,"callback_id":"deal_preview","private_metadata":%q,"state":{"values":{}}}}`, viewID, hash, step2.View.PrivateMetadata)
		return signed(t, base, "/slack/interactions", form, interaction(p), time.Now(), secret)
	}
	if code, resp := preview("V1", "h1"); code != 200 || resp != "" {
		t.Fatalf("show in the channel: %d %q", code, resp)
	}
	c = f.wait("chat.postEphemeral")
	if c.Form.Get("channel") != "C1" || c.Form.Get("user") != "U_RITA" || !strings.Contains(c.Form.Get("blocks"), "Accretive") || !strings.Contains(c.Form.Get("blocks"), "S-1") {
		t.Errorf("built deal: %v", c.Form)
	}
	if !strings.Contains(c.Form.Get("blocks"), `"value":"talk S-1"`) {
		t.Errorf("buttons of the built deal: %s", c.Form.Get("blocks"))
	}
	// Pressed again (the kept deal is taken) or long after: the saved scenario, afresh.
	if code, _ := preview("V1", "h2"); code != 200 {
		t.Fatalf("show in the channel again: %d", code)
	}
	c = f.wait("chat.postEphemeral")
	if !strings.Contains(c.Form.Get("blocks"), "S-1") || strings.Contains(c.Form.Get("blocks"), "S-2") {
		t.Errorf("built deal, no longer kept: %v", c.Form)
	}
}

// TestSocketMode sends a slash command over Socket Mode and checks that the
// acknowledgement carries the same reply the HTTP endpoint gives.
func TestSocketMode(t *testing.T) {
	h, f, base := setup(t)
	_, httpReply := signed(t, base, "/slack/commands", form, command("/gap", "acme", "U_RITA", "C1", ""), time.Now(), secret)

	client := socketmode.New(h.Client, socketmode.OptionDebug(true), socketmode.OptionLog(testLogger{t}))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- h.RunSocketMode(ctx, client) }()
	f.socket <- []byte(`{"type":"slash_commands","envelope_id":"env-1","accepts_response_payload":true,"payload":{"command":"/gap","text":"acme","user_id":"U_RITA","channel_id":"C1","team_id":"T1","trigger_id":"t"}}`)
	var ack struct {
		EnvelopeID string          `json:"envelope_id"`
		Payload    json.RawMessage `json:"payload"`
	}
	select {
	case msg := <-f.acks:
		json.Unmarshal(msg, &ack)
	case <-time.After(10 * time.Second):
		t.Fatal("no acknowledgement over Socket Mode")
	}
	var viaSocket, viaHTTP goslack.Msg
	json.Unmarshal(ack.Payload, &viaSocket)
	json.Unmarshal([]byte(httpReply), &viaHTTP)
	a, _ := json.Marshal(viaSocket)
	b, _ := json.Marshal(viaHTTP)
	if ack.EnvelopeID != "env-1" || string(a) != string(b) || !strings.Contains(string(a), "Acme Manufacturing — gap") {
		t.Errorf("socket ack %s\nhttp %s", a, b)
	}
	cancel()
	close(f.socket)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Error("Socket Mode did not stop")
	}
}

type testLogger struct{ t *testing.T }

func (l testLogger) Output(_ int, s string) error { l.t.Log(s); return nil }

// TestStoreDown: with the store failing, someone who asked before is still known (and
// answered from what the bot holds, or told something failed on our side); someone who
// never asked is told Incumbent's data did not answer, not that Slack failed.
func TestStoreDown(t *testing.T) {
	_, f, base, b := setupBot(t)
	_, resp := signed(t, base, "/slack/commands", form, command("/gap", "acme", "U_RITA", "C1", f.srv.URL+"/response/1"), time.Now(), secret)
	if !strings.Contains(resp, "Acme Manufacturing — gap") {
		t.Fatalf("before: %s", resp)
	}
	b.Store.(interface{ Close() error }).Close()
	_, resp = signed(t, base, "/slack/commands", form, command("/grade", "acme", "U_RITA", "C1", f.srv.URL+"/response/2"), time.Now(), secret)
	if !strings.Contains(resp, "Something went wrong on our side") && !strings.Contains(resp, "Acme Manufacturing — ") {
		t.Errorf("a known person while the store fails: %s", resp)
	}
	_, resp = signed(t, base, "/slack/commands", form, command("/gap", "acme", "U_RAY", "C1", f.srv.URL+"/response/3"), time.Now(), secret)
	if !strings.Contains(resp, "I could not read who may see what just now (Incumbent's data did not answer)") {
		t.Errorf("someone never resolved while the store fails: %s", resp)
	}
}

// TestPlainQuestions: a plain question is answered in Slack as the command it is read
// as, by `/incumbent`, a mention and a direct message alike, and says how it was read.
func TestPlainQuestions(t *testing.T) {
	_, f, base := setup(t)
	_, resp := signed(t, base, "/slack/commands", form, command("/incumbent", "what's my biggest gap?", "U_RITA", "C1", ""), time.Now(), secret)
	if !strings.Contains(resp, "I read this as `top gaps mine`.") || !strings.Contains(resp, "Top gaps — your accounts") {
		t.Errorf("/incumbent what's my biggest gap?: %s", resp)
	}
	mention := event("EvQ1", `{"type":"app_mention","user":"U_RITA","text":"<@U_BOT> who owes us money?","ts":"1700000000.000100","channel":"C1","event_ts":"1700000000.000100"}`)
	signed(t, base, "/slack/events", "application/json", mention, time.Now(), secret)
	if c := f.wait("chat.postMessage"); !strings.Contains(c.Form.Get("blocks"), "I read this as `late mine`.") {
		t.Errorf("mention answer: %v", c.Form)
	}
	dm := event("EvQ2", `{"type":"message","channel_type":"im","user":"U_RITA","text":"what closes this month","ts":"1700000000.000300","channel":"D1","event_ts":"1700000000.000300"}`)
	signed(t, base, "/slack/events", "application/json", dm, time.Now(), secret)
	if c := f.wait("chat.postMessage"); !strings.Contains(c.Form.Get("blocks"), "I read this as `closing mine`.") {
		t.Errorf("DM answer: %v", c.Form)
	}
}
