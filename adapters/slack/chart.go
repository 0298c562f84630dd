package slack

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/incumbent/incumbent/bot"
)

// chartDrawer draws the charts replies carry (the bot).
type chartDrawer interface {
	Draws() bool
	DrawChart(ctx context.Context, c *bot.Chart) ([]byte, error)
}

// ChartLinker keeps a chart's picture and returns a signed link to it (adapters/web's
// ChartLinks, with INCUMBENT_PUBLIC_URL and INCUMBENT_CHART_KEY).
type ChartLinker interface {
	Link(ctx context.Context, png []byte) (string, error)
}

// drawer returns the bot as a chartDrawer when it can draw charts; nil otherwise.
func (h *Handler) drawer() chartDrawer {
	if d, ok := h.Bot.(chartDrawer); ok && d.Draws() {
		return d
	}
	return nil
}

// privateMessage is the message of a reply only the asker sees. Slack cannot show a
// file ephemerally, so a reply with a chart gets a "Show chart" button, which uploads
// the chart into the asker's direct messages with the bot.
func (h *Handler) privateMessage(ctx context.Context, r bot.Reply, command string) slack.Msg {
	if bot.ReplyChart(r) != nil && h.drawer() != nil && command != "" && utf8.RuneCountInString(command) <= maxValue {
		r.Blocks = withChartButton(r.Blocks)
	}
	return h.message(ctx, r, command)
}

// withChartButton puts a "Show chart" button after the first chart of blocks.
func withChartButton(blocks []bot.Block) []bot.Block {
	out := make([]bot.Block, 0, len(blocks)+1)
	done := false
	for _, b := range blocks {
		out = append(out, b)
		if _, ok := b.(*bot.Chart); ok && !done {
			out = append(out, &bot.Buttons{Buttons: []bot.Button{{Label: "Show chart", Command: showChart}}})
			done = true
		}
	}
	return out
}

// Defaults of the chart queue.
const (
	// DefaultChartWorkers is how many charts are drawn and uploaded at once.
	DefaultChartWorkers = 1
	// DefaultChartQueue is how many charts may wait for a worker; more are dropped.
	DefaultChartQueue = 32
	// chartTimeout bounds the drawing and upload of one chart.
	chartTimeout = 30 * time.Second
)

// Outcomes of ChartObserver.
const (
	ChartUploaded = "uploaded"
	ChartFailed   = "failed"
	ChartDropped  = "dropped"
)

// ChartObserver counts the charts of posted replies by outcome: uploaded, failed (not
// drawn or not uploaded) or dropped (the queue was full).
type ChartObserver interface {
	ObserveChart(outcome string)
}

// chartJob is one chart to draw and upload into channel (in thread when set).
type chartJob struct {
	ctx             context.Context // detached from the request: its values only
	chart           *bot.Chart
	channel, thread string
}

// uploadCharts hands the charts of a reply just posted in channel (in thread when set)
// to the chart workers, which draw and upload them into the same place as files
// (files.getUploadURLExternal and files.completeUploadExternal) off the path that
// answers: a reply never waits for its picture. When the queue is full a chart is
// dropped (logged and counted): under overload the text matters more than its picture.
func (h *Handler) uploadCharts(ctx context.Context, r bot.Reply, channel, thread string) {
	if h.drawer() == nil {
		return
	}
	for _, b := range r.Blocks {
		c, ok := b.(*bot.Chart)
		if !ok {
			continue
		}
		if !h.enqueueChart(chartJob{ctx: context.WithoutCancel(ctx), chart: c, channel: channel, thread: thread}) {
			h.logger().WarnContext(ctx, "slack: a reply's chart dropped: the chart queue is full (or closed)", "channel", channel)
			h.observeChart(ChartDropped)
		}
	}
}

// enqueueChart queues j for the chart workers, starting them the first time, and
// reports whether it was queued: false when the queue is full or closed. A queued chart
// counts in the replies Wait waits for.
func (h *Handler) enqueueChart(j chartJob) bool {
	h.chartsOnce.Do(h.startCharts)
	h.chartsMu.Lock()
	defer h.chartsMu.Unlock()
	if h.chartsClosed {
		return false
	}
	h.wg.Add(1)
	select {
	case h.charts <- j:
		return true
	default:
		h.wg.Done()
		return false
	}
}

// startCharts makes the chart queue and starts its workers.
func (h *Handler) startCharts() {
	workers := cmp.Or(h.ChartWorkers, DefaultChartWorkers)
	h.charts = make(chan chartJob, cmp.Or(h.ChartQueue, DefaultChartQueue))
	h.chartsDone = make(chan struct{})
	var running sync.WaitGroup
	for range workers {
		running.Go(func() {
			for j := range h.charts {
				h.drawAndUpload(j)
				h.wg.Done()
			}
		})
	}
	go func() { running.Wait(); close(h.chartsDone) }()
}

// drawAndUpload draws one chart and uploads it, with its own bounded context.
func (h *Handler) drawAndUpload(j chartJob) {
	ctx, cancel := context.WithTimeout(j.ctx, chartTimeout)
	defer cancel()
	d := h.drawer()
	png, err := d.DrawChart(ctx, j.chart)
	if err == nil {
		err = h.uploadPNG(ctx, j.channel, j.thread, png, j.chart.Title, j.chart.AltText)
	}
	if err != nil {
		h.logger().ErrorContext(ctx, "slack: upload a reply's chart", "channel", j.channel, "err", err)
		h.observeChart(ChartFailed)
		return
	}
	h.observeChart(ChartUploaded)
}

func (h *Handler) observeChart(outcome string) {
	if h.ChartObserver != nil {
		h.ChartObserver.ObserveChart(outcome)
	}
}

// Close stops the chart workers once the charts already queued are drawn and uploaded,
// waiting for them up to ctx; charts of replies posted after are dropped. Call it after
// Wait, when no more replies are being delivered.
func (h *Handler) Close(ctx context.Context) error {
	h.chartsOnce.Do(h.startCharts)
	h.chartsMu.Lock()
	if !h.chartsClosed {
		h.chartsClosed = true
		close(h.charts)
	}
	h.chartsMu.Unlock()
	select {
	case <-h.chartsDone:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// uploadPNG uploads a picture into a conversation (in thread when set).
func (h *Handler) uploadPNG(ctx context.Context, channel, thread string, png []byte, title, alt string) error {
	if title == "" {
		title = "Chart"
	}
	_, err := call(ctx, func() (*slack.FileSummary, error) {
		return h.Client.UploadFileContext(ctx, slack.UploadFileParameters{
			Reader: bytes.NewReader(png), FileSize: len(png), Filename: "chart.png",
			Title: cut(title, 250), AltTxt: cut(alt, 1000), Channel: channel, ThreadTimestamp: thread,
		})
	})
	if err != nil {
		return fmt.Errorf("slack: upload a chart to %s: %w", channel, err)
	}
	return nil
}

// showChartTo runs command again as the presser of a "Show chart" button (so their access
// applies and the figures are fresh) and uploads its chart into their direct messages
// with the bot.
func (h *Handler) showChartTo(ctx context.Context, userID, channel, thread, command string) {
	r := h.ask(ctx, userID, channel, thread, command)
	if r.Err != nil {
		h.tell(ctx, channel, userID, bot.ErrorText(r.Err))
		return
	}
	c, d := bot.ReplyChart(r), h.drawer()
	if c == nil || d == nil {
		h.tell(ctx, channel, userID, "That reply has no chart any more: run the command again.")
		return
	}
	png, err := d.DrawChart(ctx, c)
	if err != nil {
		h.logger().ErrorContext(ctx, "slack: draw a chart", "err", err)
		h.tell(ctx, channel, userID, "I could not draw that chart just now.")
		return
	}
	dm, err := call(ctx, func() (*slack.Channel, error) {
		ch, _, _, err := h.Client.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{userID}, ReturnIM: true})
		return ch, err
	})
	if err == nil {
		err = h.uploadPNG(ctx, dm.ID, "", png, c.Title, c.AltText)
	}
	if err != nil {
		h.logger().ErrorContext(ctx, "slack: show a chart", "user", userID, "err", err)
		h.tell(ctx, channel, userID, postError(err))
	}
}

// linked returns r with its charts as images at signed links (made now: a link is never
// cached with a reply), and whether it made any; r unchanged when the handler makes no
// links or a chart cannot be linked.
func (h *Handler) linked(ctx context.Context, r bot.Reply) (bot.Reply, bool) {
	d := h.drawer()
	if h.ChartLinks == nil || d == nil || bot.ReplyChart(r) == nil {
		return r, false
	}
	out := make([]bot.Block, len(r.Blocks))
	for i, b := range r.Blocks {
		out[i] = b
		c, ok := b.(*bot.Chart)
		if !ok {
			continue
		}
		png, err := d.DrawChart(ctx, c)
		var link string
		if err == nil {
			link, err = h.ChartLinks.Link(ctx, png)
		}
		if err != nil {
			h.logger().WarnContext(ctx, "slack: a chart's link", "err", err)
			return r, false
		}
		out[i] = &bot.Image{URL: link, AltText: c.AltText}
	}
	r.Blocks = out
	return r, true
}

// postWithCharts posts the message build makes of r in channel (in thread when set),
// with its charts: as images at signed links when the handler makes them, else uploaded
// as files after it. A post Slack refuses for its images (invalid_blocks: it could not
// fetch them) is sent again without them, and the charts uploaded.
func (h *Handler) postWithCharts(ctx context.Context, channel, thread string, r bot.Reply, build func(bot.Reply) slack.Msg) error {
	send := func(m slack.Msg) (string, error) {
		opts := []slack.MsgOption{slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks.BlockSet...)}
		if thread != "" {
			opts = append(opts, slack.MsgOptionTS(thread))
		}
		return call(ctx, func() (string, error) {
			c, _, err := h.Client.PostMessageContext(ctx, channel, opts...)
			return c, err
		})
	}
	shown, linked := h.linked(ctx, r)
	posted, err := send(build(shown))
	var se slack.SlackErrorResponse
	if linked && errors.As(err, &se) && se.Err == "invalid_blocks" {
		h.logger().WarnContext(ctx, "slack: the chart's image refused; sent again without it", "channel", channel)
		linked = false
		posted, err = send(build(r))
	}
	if err != nil {
		return err
	}
	if !linked {
		h.uploadCharts(ctx, r, cmp.Or(posted, channel), thread)
	}
	return nil
}
