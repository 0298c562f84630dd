package slack_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	goslack "github.com/slack-go/slack"

	"github.com/incumbent/incumbent/adapters/csvimport"
	"github.com/incumbent/incumbent/adapters/memory"
	"github.com/incumbent/incumbent/adapters/slack"
	"github.com/incumbent/incumbent/adapters/sqlite"
	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

const secret = "8f742231b10e8888abcd99yyyzzz85a5"

// call is one request the fake Web API received.
type call struct {
	Method string
	Form   url.Values
	JSON   map[string]any
}

// fakeSlack stands in for Slack's Web API (and response_url, and Socket Mode's
// WebSocket), recording every call.
type fakeSlack struct {
	t   *testing.T
	srv *httptest.Server
	mu  sync.Mutex
	log []call
	got chan call
	// rateLimited and serverErrors: how many chat.postMessage calls to answer 429 or
	// 500 first.
	rateLimited, serverErrors int
	external                  map[string]bool
	refuse                    string      // chat.postMessage answers {"ok":false,"error":refuse} when set
	refuseImages              bool        // chat.postMessage answers invalid_blocks to a message with an image block
	socket                    chan []byte // envelopes to send over Socket Mode
	acks                      chan []byte
	uploaded                  int // bytes of the last file uploaded (multipart body)
	// holdUploads, when set, holds files.getUploadURLExternal (after recording it) until
	// it is closed.
	holdUploads chan struct{}
}

func newFakeSlack(t *testing.T) *fakeSlack {
	f := &fakeSlack{t: t, got: make(chan call, 100), external: map[string]bool{}, socket: make(chan []byte, 10), acks: make(chan []byte, 10)}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSlack) serve(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/")
	if method == "ws" {
		f.serveSocket(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	c := call{Method: method}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		json.Unmarshal(body, &c.JSON)
	} else {
		c.Form, _ = url.ParseQuery(string(body))
	}
	f.mu.Lock()
	if method == "chat.postMessage" && f.rateLimited > 0 {
		f.rateLimited--
		f.mu.Unlock()
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		f.record(call{Method: "429"})
		return
	}
	if method == "chat.postMessage" && f.serverErrors > 0 {
		f.serverErrors--
		f.mu.Unlock()
		w.WriteHeader(http.StatusInternalServerError)
		f.record(call{Method: "500"})
		return
	}
	f.mu.Unlock()
	f.record(c)
	w.Header().Set("Content-Type", "application/json")
	switch method {
	case "auth.test":
		fmt.Fprint(w, `{"ok":true,"team_id":"T1","user_id":"U_BOT"}`)
	case "users.info":
		// U_EXT and U_STRANGER are of another organisation, with emails of reps here.
		emails := map[string]string{"U_NORA": "nora@example.com", "U_WHO": "who@example.com", "U_EXT": "nora@example.com",
			"U_STRANGER": "nora@example.com"}
		team := map[string]string{"U_EXT": "T_OTHER", "U_STRANGER": "T_OTHER"}[c.Form.Get("user")]
		if team == "" {
			team = "T1"
		}
		fmt.Fprintf(w, `{"ok":true,"user":{"id":%q,"team_id":%q,"is_stranger":%v,"profile":{"email":%q}}}`, c.Form.Get("user"), team,
			c.Form.Get("user") == "U_STRANGER", emails[c.Form.Get("user")])
	case "conversations.info":
		ch := c.Form.Get("channel")
		fmt.Fprintf(w, `{"ok":true,"channel":{"id":%q,"is_ext_shared":%v}}`, ch, f.external[ch])
	case "conversations.list":
		fmt.Fprint(w, `{"ok":true,"channels":[{"id":"C_NORTH","name":"sales-north"},{"id":"G_PRIV","name":"private"},`+
			`{"id":"CSHARED1","name":"shared-with-acme","is_ext_shared":true}],"response_metadata":{"next_cursor":""}}`)
	case "chat.postMessage", "chat.postEphemeral":
		f.mu.Lock()
		refuse := f.refuse
		if f.refuseImages && strings.Contains(c.Form.Get("blocks"), `"type":"image"`) {
			refuse = "invalid_blocks"
		}
		f.mu.Unlock()
		if refuse != "" && method == "chat.postMessage" {
			fmt.Fprintf(w, `{"ok":false,"error":%q}`, refuse)
			return
		}
		fmt.Fprint(w, `{"ok":true,"channel":"C1","ts":"1700000000.000200","message_ts":"1700000000.000200"}`)
	case "users.lookupByEmail":
		ids := map[string]string{"nora@example.com": "U_NORA", "sam@partner.example": "U_EXT"}
		if id, ok := ids[c.Form.Get("email")]; ok {
			team := "T1"
			if id == "U_EXT" {
				team = "T_OTHER"
			}
			fmt.Fprintf(w, `{"ok":true,"user":{"id":%q,"team_id":%q}}`, id, team)
		} else {
			fmt.Fprint(w, `{"ok":false,"error":"users_not_found"}`)
		}
	case "files.getUploadURLExternal":
		f.mu.Lock()
		hold := f.holdUploads
		f.mu.Unlock()
		if hold != nil {
			<-hold
		}
		fmt.Fprintf(w, `{"ok":true,"upload_url":"http://%s/upload","file_id":"F1"}`, r.Host)
	case "upload":
		f.mu.Lock()
		f.uploaded = len(body)
		f.mu.Unlock()
		fmt.Fprint(w, `OK`)
	case "files.completeUploadExternal":
		fmt.Fprint(w, `{"ok":true,"files":[{"id":"F1","title":"chart"}]}`)
	case "conversations.open":
		fmt.Fprintf(w, `{"ok":true,"channel":{"id":"D_%s"}}`, strings.TrimPrefix(c.Form.Get("users"), "U_"))
	case "views.open", "views.publish":
		fmt.Fprint(w, `{"ok":true,"view":{"id":"V1"}}`)
	case "apps.connections.open":
		fmt.Fprintf(w, `{"ok":true,"url":"ws://%s/ws"}`, r.Host)
	default: // response_url
		fmt.Fprint(w, `{"ok":true}`)
	}
}

func (f *fakeSlack) record(c call) {
	f.mu.Lock()
	f.log = append(f.log, c)
	f.mu.Unlock()
	f.got <- c
}

// wait returns the next call of method, failing after 5 s.
func (f *fakeSlack) wait(method string) call {
	f.t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case c := <-f.got:
			if c.Method == method {
				return c
			}
		case <-timeout:
			f.t.Fatalf("no %s call", method)
			return call{}
		}
	}
}

// calls counts the recorded calls of method.
func (f *fakeSlack) calls(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.log {
		if c.Method == method {
			n++
		}
	}
	return n
}

func (f *fakeSlack) serveSocket(w http.ResponseWriter, r *http.Request) {
	conn, err := (&websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}).Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer conn.Close()
	conn.WriteMessage(websocket.TextMessage, []byte(`{"type":"hello","num_connections":1,"debug_info":{"host":"test"},"connection_info":{"app_id":"A1"}}`))
	go func() {
		for {
			_, msg, err := conn.ReadMessage()
			if err != nil {
				return
			}
			f.acks <- msg
		}
	}()
	for env := range f.socket {
		if err := conn.WriteMessage(websocket.TextMessage, env); err != nil {
			return
		}
	}
}

// company writes a small company: Acme (North) and Southern Foods (South); Rita is a
// rep of North known by her Slack id, Ray of South, Nora a manager found by email.
func company(t testing.TB) *sqlite.Store {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"territories.csv": "territory\nNorth\nSouth\n",
		"people.csv": "email,name,role,territory,slack_user_id\nrita@example.com,Rita Rep,rep,North,U_RITA\n" +
			"ray@example.com,Ray Rep,rep,South,U_RAY\nnora@example.com,Nora North,manager,North,\nops@example.com,Olive Ops,admin,,U_OPS\n",
		"accounts.csv":  "account_id,name,territory,aliases\nA1,Acme Manufacturing,North,acme\nA2,Southern Foods,South,\n",
		"products.csv":  "sku,name,category,list_price,unit_cost,uses_per_unit\nG-1,Nitrile gloves,Gloves,12.5,7.25,100\nW-1,Welding wire,Welding,50,35,\n",
		"sales.csv":     "date,account_id,sku,quantity,amount,cost\n2026-03-01,A1,G-1,800,10000,7000\n2026-05-01,A2,W-1,10,500,350\n",
		"potential.csv": "account_id,category,annual_potential\nA1,Welding,20000\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return importedStore(t, dir)
}

// importedStore is a fresh SQLite store (closed when the test ends) with the CSV files
// of dir imported.
func importedStore(t testing.TB, dir string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := (&csvimport.Importer{Store: s}).Import(t.Context(), dir); err != nil {
		t.Fatal(err)
	}
	return s
}

// slowBot delays every answer, to push a command past the inline budget.
type slowBot struct {
	*bot.Bot
	delay time.Duration
}

func (b slowBot) Handle(ctx context.Context, req bot.Request) bot.Reply {
	time.Sleep(b.delay)
	return b.Bot.Handle(ctx, req)
}

type directory struct{ *bot.Bot }

func (d directory) FindPeople(ctx context.Context) ([]domain.Person, error) {
	return d.Store.FindPeople(ctx)
}

// setup returns a Handler on a test company talking to a fake Slack, and the URL of an
// HTTP server with its routes.
func setup(t *testing.T) (*slack.Handler, *fakeSlack, string) {
	h, f, base, _ := setupBot(t)
	return h, f, base
}

func setupBot(t *testing.T) (*slack.Handler, *fakeSlack, string, *bot.Bot) {
	t.Helper()
	return setupOver(t, company(t))
}

// setupOver is setupBot over the data of store.
func setupOver(t *testing.T, store domain.Store) (*slack.Handler, *fakeSlack, string, *bot.Bot) {
	t.Helper()
	f := newFakeSlack(t)
	b := bot.New(store)
	b.Now = func() time.Time { return time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC) }
	b.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	mem := &memory.Store{}
	h := &slack.Handler{Bot: b, Directory: directory{b}, Dedupe: mem, Cursors: mem,
		Client:     goslack.New("xoxb-test", goslack.OptionAPIURL(f.srv.URL+"/"), goslack.OptionAppLevelToken("xapp-test")),
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		HTTPClient: f.srv.Client(), BotUserID: "U_BOT"}
	mux := http.NewServeMux()
	h.Routes(func(p, _ string, hh http.Handler) { mux.Handle(p, hh) }, secret)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { h.Wait(context.Background()) })
	return h, f, srv.URL, b
}

// signed posts body to path signed as Slack signs it, at time at.
func signed(t *testing.T, base, path, contentType, body string, at time.Time, key string) (int, string) {
	t.Helper()
	ts := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte("v0:" + ts + ":" + body))
	req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

const form = "application/x-www-form-urlencoded"

func command(cmd, text, user, channel, responseURL string) string {
	return url.Values{"command": {cmd}, "text": {text}, "user_id": {user}, "channel_id": {channel}, "team_id": {"T1"},
		"response_url": {responseURL}, "trigger_id": {"trig-1"}}.Encode()
}

// TestRepliesGolden renders a reply of every kind the bot gives, from a real bot over a
// test company, as Block Kit, and compares it with golden files.
func TestRepliesGolden(t *testing.T) {
	_, _, _, b := setupBot(t)
	admin := bot.Admin("test")
	for _, tt := range []struct{ name, text string }{
		{"reply_gap_account", "gap acme"},
		{"reply_gap_territory", "gap territory north"},
		{"reply_gap_market", "gap market"},
		{"reply_grade_account", "grade acme"},
		{"reply_grade_territory", "grade territory north"},
		{"reply_deal", "deal acme give 5% on gloves get 100 W-1 yearly"},
		{"reply_deal_suggest", "deal suggest acme"},
		{"reply_cpu", "cpu acme G-1"},
		{"reply_growth", "growth acme"},
		{"reply_accounts", "accounts"},
		{"reply_help", "help"},
		{"reply_error", "gap zzzz"},
		{"reply_brief", "brief acme"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := b.Handle(t.Context(), bot.Request{Actor: admin, Text: tt.text})
			blocks := slack.RenderBlocks(r)
			valid(t, blocks)
			golden(t, tt.name+".json", goslack.Blocks{BlockSet: blocks})
		})
	}
}
