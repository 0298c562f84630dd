package slack

import (
	"bytes"
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/incumbent/incumbent/bot"
)

// chartDrawer draws the charts replies carry (the bot).
type chartDrawer interface {
	Draws() bool
	DrawChart(ctx context.Context, c *bot.Chart) ([]byte, error)
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

// uploadCharts uploads the charts of a reply just posted in channel (in thread when
// set) into the same place, as files (files.getUploadURLExternal and
// files.completeUploadExternal). A chart that cannot be drawn or uploaded is logged: the
// reply is there all the same.
func (h *Handler) uploadCharts(ctx context.Context, r bot.Reply, channel, thread string) {
	d := h.drawer()
	if d == nil {
		return
	}
	for _, b := range r.Blocks {
		c, ok := b.(*bot.Chart)
		if !ok {
			continue
		}
		png, err := d.DrawChart(ctx, c)
		if err == nil {
			err = h.uploadPNG(ctx, channel, thread, png, c.Title, c.AltText)
		}
		if err != nil {
			h.logger().ErrorContext(ctx, "slack: upload a reply's chart", "channel", channel, "err", err)
		}
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
