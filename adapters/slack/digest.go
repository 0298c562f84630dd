package slack

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// PostDigest posts a reply nobody asked for (a territory's weekly digest) to a channel
// ("#sales-north" or its id) or, when to is an email, to that person's direct messages
// with the bot. The reply's chart (an image with PNG bytes) is uploaded after it, in
// the same conversation, with Slack's file upload (files.getUploadURLExternal and
// files.completeUploadExternal). It returns where the digest went ("C123 at
// 1700000000.000100").
//
// Once the message is posted the digest counts as delivered: posted, when not nil, is
// called then with where it went, before the chart is uploaded and the rest of a long
// digest is posted in its thread (a scheduler records the delivery there, so that a
// process killed during the upload does not post the digest again). A chart that
// fails to upload is reported in the detail and logged, never a reason to post the
// digest again.
func (h *Handler) PostDigest(ctx context.Context, to string, r bot.Reply, posted func(detail string)) (string, error) {
	channel := strings.TrimSpace(to)
	if strings.Contains(channel, "@") {
		id, err := h.userIDByEmail(ctx, channel)
		if err != nil {
			return "", err
		}
		channel = id
	}
	if channel == "" {
		return "", domain.Errorf(domain.EINVALID, "a digest needs a channel or a person to go to")
	}
	var charts []*bot.Image
	for _, b := range r.Blocks {
		if img, ok := b.(*bot.Image); ok && len(img.PNG) > 0 {
			charts = append(charts, img)
		}
	}
	pages := RenderPages(r)
	var channelID, ts, detail string
	for i, page := range pages {
		opts := []slack.MsgOption{slack.MsgOptionText(FallbackText(r), false), slack.MsgOptionBlocks(page...)}
		if i > 0 {
			opts = append(opts, slack.MsgOptionTS(ts)) // the rest of a long digest in its thread
		}
		type message struct{ channel, ts string }
		p, err := call(ctx, func() (message, error) {
			c, t, err := h.Client.PostMessageContext(ctx, channel, opts...)
			return message{c, t}, err
		})
		if err != nil {
			if i == 0 {
				return "", fmt.Errorf("slack: post the digest to %s: %w", to, err)
			}
			h.logger().ErrorContext(ctx, "slack: the rest of a digest", "channel", channelID, "err", err)
			break
		}
		if i == 0 {
			channelID, ts = p.channel, p.ts
			detail = fmt.Sprintf("%s at %s", channelID, ts)
			if posted != nil {
				posted(detail)
			}
		}
	}
	for _, c := range charts {
		if err := h.uploadChart(ctx, channelID, c); err != nil {
			h.logger().ErrorContext(ctx, "slack: upload the digest's chart", "channel", channelID, "err", err)
			detail += "; chart not uploaded: " + err.Error()
		}
	}
	return detail, nil
}

// uploadChart uploads a PNG to a conversation.
func (h *Handler) uploadChart(ctx context.Context, channelID string, img *bot.Image) error {
	title := img.AltText
	if title == "" {
		title = "Chart"
	}
	_, err := call(ctx, func() (*slack.FileSummary, error) {
		return h.Client.UploadFileContext(ctx, slack.UploadFileParameters{
			Reader: bytes.NewReader(img.PNG), FileSize: len(img.PNG), Filename: "digest-chart.png",
			Title: cut(title, 250), AltTxt: cut(img.AltText, 1000), Channel: channelID,
		})
	})
	return err
}

// userIDByEmail finds a person's Slack user id: people.csv's slack_user_id, else
// users.lookupByEmail (cached like users.info).
func (h *Handler) userIDByEmail(ctx context.Context, email string) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if err := h.loadPeople(ctx); err != nil {
		return "", err
	}
	h.mu.Lock()
	for id, e := range h.bySlackID {
		if e == email {
			h.mu.Unlock()
			return id, nil
		}
	}
	for id, c := range h.emails {
		if c.email == email && time.Now().Before(c.until) {
			h.mu.Unlock()
			return id, nil
		}
	}
	h.mu.Unlock()
	u, err := call(ctx, func() (*slack.User, error) { return h.Client.GetUserByEmailContext(ctx, email) })
	if err != nil {
		return "", fmt.Errorf("slack: users.lookupByEmail %s: %w", email, err)
	}
	h.mu.Lock()
	h.emails[u.ID] = cachedEmail{email: email, until: time.Now().Add(identityTTL)}
	h.mu.Unlock()
	return u.ID, nil
}
