package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/adapters/memory"
	"github.com/incumbent/incumbent/adapters/plot"
	"github.com/incumbent/incumbent/adapters/web"
)

// TestChartUploads: a reply posted in a thread carries its chart as a file uploaded
// into that thread; an ephemeral reply offers "Show chart", which uploads the chart into
// the presser's DM with the bot; Share in channel uploads it with the shared reply.
func TestChartUploads(t *testing.T) {
	_, f, base, b := setupBot(t)
	b.Charter = plot.Charter{}

	mention := event("Ev1", `{"type":"app_mention","user":"U_RITA","text":"<@U_BOT> gap acme","ts":"1700000000.000100","channel":"C1","event_ts":"1700000000.000100"}`)
	if code, _ := signed(t, base, "/slack/events", "application/json", mention, time.Now(), secret); code != 200 {
		t.Fatalf("mention: %d", code)
	}
	f.wait("chat.postMessage")
	f.wait("files.getUploadURLExternal")
	c := f.wait("files.completeUploadExternal")
	if c.Form.Get("channel_id") != "C1" || c.Form.Get("thread_ts") != "1700000000.000100" ||
		!strings.Contains(c.Form.Get("files"), "Acme Manufacturing — current vs potential") {
		t.Errorf("the chart's upload: %v", c.Form)
	}
	f.mu.Lock()
	uploaded := f.uploaded
	f.mu.Unlock()
	if uploaded < 1000 {
		t.Errorf("%d bytes uploaded: want the PNG", uploaded)
	}

	// A slash command's reply is ephemeral: a "Show chart" button carries the command.
	_, resp := signed(t, base, "/slack/commands", form, command("/gap", "acme", "U_RITA", "C1", f.srv.URL+"/response/1"), time.Now(), secret)
	if !strings.Contains(resp, `"action_id":"chart-`) || !strings.Contains(resp, "Show chart") {
		t.Fatalf("no Show chart button: %s", resp)
	}
	press := `{"type":"block_actions","user":{"id":"U_RITA"},"channel":{"id":"C1"},"container":{"type":"message","channel_id":"C1","is_ephemeral":true},"actions":[{"action_id":"chart-4","block_id":"b","type":"button","value":"gap acme"}]}`
	signed(t, base, "/slack/interactions", form, interaction(press), time.Now(), secret)
	if c := f.wait("conversations.open"); c.Form.Get("users") != "U_RITA" {
		t.Errorf("opened a DM with %v", c.Form)
	}
	if c := f.wait("files.completeUploadExternal"); c.Form.Get("channel_id") != "D_RITA" || c.Form.Get("thread_ts") != "" {
		t.Errorf("Show chart uploaded to %v; want Rita's DM with the bot", c.Form)
	}

	// Share in channel: the reply, then its chart in the same thread.
	share := `{"type":"block_actions","user":{"id":"U_RITA"},"channel":{"id":"C1"},"container":{"type":"message","channel_id":"C1","thread_ts":"1700000000.000500"},"actions":[{"action_id":"share-3","block_id":"b","type":"button","value":"gap acme"}]}`
	signed(t, base, "/slack/interactions", form, interaction(share), time.Now(), secret)
	if c := f.wait("chat.postMessage"); strings.Contains(c.Form.Get("blocks"), `"chart-`) {
		t.Errorf("the shared reply has a Show chart button: %v", c.Form)
	}
	if c := f.wait("files.completeUploadExternal"); c.Form.Get("channel_id") != "C1" || c.Form.Get("thread_ts") != "1700000000.000500" {
		t.Errorf("shared chart uploaded to %v", c.Form)
	}

	// A reply with no chart uploads nothing and offers no button.
	_, resp = signed(t, base, "/slack/commands", form, command("/incumbent", "accounts", "U_RITA", "C1", ""), time.Now(), secret)
	if strings.Contains(resp, `"action_id":"chart-`) {
		t.Errorf("accounts offers a chart: %s", resp)
	}
}

// TestChartLinks: with signed links (INCUMBENT_PUBLIC_URL and INCUMBENT_CHART_KEY) a
// posted reply shows its chart as an image block at a link the server serves, and
// uploads nothing; a post Slack refuses for its image is sent again without it, and the
// chart uploaded.
func TestChartLinks(t *testing.T) {
	h, f, base, b := setupBot(t)
	b.Charter = plot.Charter{}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	public, _ := url.Parse(srv.URL)
	links := &web.ChartLinks{Store: &memory.Store{}, Key: []byte("chart key"), Base: public}
	links.Routes(func(p, _ string, hh http.Handler) { mux.Handle(p, hh) })
	h.ChartLinks = links

	mention := event("Ev1", `{"type":"app_mention","user":"U_RITA","text":"<@U_BOT> gap acme","ts":"1700000000.000100","channel":"C1","event_ts":"1700000000.000100"}`)
	signed(t, base, "/slack/events", "application/json", mention, time.Now(), secret)
	c := f.wait("chat.postMessage")
	var blocks []struct {
		Type     string `json:"type"`
		ImageURL string `json:"image_url"`
	}
	json.Unmarshal([]byte(c.Form.Get("blocks")), &blocks)
	var link string
	for _, bl := range blocks {
		if bl.Type == "image" {
			link = bl.ImageURL
		}
	}
	if !strings.HasPrefix(link, srv.URL+"/charts/") {
		t.Fatalf("no image block at a chart link: %s", c.Form.Get("blocks"))
	}
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(resp.Body)
	resp.Body.Close()
	if err != nil || img.Bounds().Dx() != 800 {
		t.Errorf("the link serves %v, %v", img, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.calls("files.completeUploadExternal"); n != 0 {
		t.Errorf("%d uploads with a link", n)
	}

	// Slack cannot fetch the image: the reply goes again without it, the chart uploaded.
	f.mu.Lock()
	f.refuseImages = true
	f.mu.Unlock()
	signed(t, base, "/slack/events", "application/json", event("Ev2", `{"type":"app_mention","user":"U_RITA","text":"<@U_BOT> gap acme","ts":"1700000000.000200","channel":"C1","event_ts":"1700000000.000200"}`), time.Now(), secret)
	f.wait("chat.postMessage")
	if c := f.wait("chat.postMessage"); strings.Contains(c.Form.Get("blocks"), `"type":"image"`) {
		t.Errorf("sent again with the image: %s", c.Form.Get("blocks"))
	}
	if c := f.wait("files.completeUploadExternal"); c.Form.Get("thread_ts") != "1700000000.000200" {
		t.Errorf("upload after the refusal: %v", c.Form)
	}
}

// chartCounts is a ChartObserver that counts outcomes.
type chartCounts struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *chartCounts) ObserveChart(outcome string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[outcome]++
}

func (c *chartCounts) counts() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.n)
}

// TestChartQueue: a mention's reply is posted before its chart is drawn and uploaded,
// and does not wait for it: while the one chart worker is held in an upload, later
// replies are posted all the same; one chart waits in the queue, the next is dropped
// and counted; released, the queued charts reach their threads. After Close, a reply is
// still posted and its chart dropped.
func TestChartQueue(t *testing.T) {
	h, f, base, b := setupBot(t)
	b.Charter = plot.Charter{}
	obs := &chartCounts{}
	h.ChartObserver, h.ChartQueue = obs, 1
	hold := make(chan struct{})
	f.mu.Lock()
	f.holdUploads = hold
	f.mu.Unlock()
	var release sync.Once
	t.Cleanup(func() { release.Do(func() { close(hold) }) })

	mention := func(id, ts string) {
		t.Helper()
		body := event(id, fmt.Sprintf(`{"type":"app_mention","user":"U_RITA","text":"<@U_BOT> gap acme","ts":%q,"channel":"C1","event_ts":%q}`, ts, ts))
		if code, _ := signed(t, base, "/slack/events", "application/json", body, time.Now(), secret); code != 200 {
			t.Fatalf("mention %s: %d", id, code)
		}
	}
	mention("Ev1", "1700000000.000100")
	f.wait("chat.postMessage")
	f.wait("files.getUploadURLExternal") // the worker is now held in this upload
	mention("Ev2", "1700000000.000200")
	f.wait("chat.postMessage")
	mention("Ev3", "1700000000.000300")
	f.wait("chat.postMessage")
	if n := f.calls("files.completeUploadExternal"); n != 0 {
		t.Errorf("%d uploads completed while held", n)
	}

	// Each of the later charts is queued or dropped just after its reply: one queued
	// fills the queue, so one is dropped.
	for deadline := time.Now().Add(5 * time.Second); obs.counts()["dropped"] == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no chart dropped with the queue full: %v", obs.counts())
		}
	}
	release.Do(func() { close(hold) })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{"uploaded": 2, "dropped": 1}, obs.counts()); diff != "" {
		t.Errorf("charts (-want +got):\n%s", diff)
	}
	var threads []string
	f.mu.Lock()
	for _, c := range f.log {
		if c.Method == "files.completeUploadExternal" {
			threads = append(threads, c.Form.Get("thread_ts"))
		}
	}
	f.mu.Unlock()
	if len(threads) != 2 || threads[0] != "1700000000.000100" || (threads[1] != "1700000000.000200" && threads[1] != "1700000000.000300") {
		t.Errorf("charts uploaded into threads %q", threads)
	}

	// Closed, the queue takes no more charts; replies are still posted.
	if err := h.Close(ctx); err != nil {
		t.Fatal(err)
	}
	mention("Ev4", "1700000000.000400")
	f.wait("chat.postMessage")
	if err := h.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if got := obs.counts()["dropped"]; got != 2 {
		t.Errorf("%d charts dropped after Close; want 2", got)
	}
	if n := f.calls("files.completeUploadExternal"); n != 2 {
		t.Errorf("%d uploads; want 2", n)
	}
}
