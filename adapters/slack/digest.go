package slack

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"

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
	if err := h.digestChannelAllowed(ctx, channel); err != nil {
		if domain.ErrorCode(err) == domain.EFORBIDDEN {
			h.logger().WarnContext(ctx, "slack: digest not posted: the channel is shared with another organisation (Slack Connect)",
				"channel", channel)
		}
		return "", err
	}
	charts := h.digestCharts(ctx, r)
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

// digestCharts are the pictures of a digest to upload: its charts drawn (when the bot
// draws them) and any PNG it carries.
func (h *Handler) digestCharts(ctx context.Context, r bot.Reply) []*bot.Image {
	var out []*bot.Image
	for _, b := range r.Blocks {
		switch b := b.(type) {
		case *bot.Image:
			if len(b.PNG) > 0 {
				out = append(out, b)
			}
		case *bot.Chart:
			d := h.drawer()
			if d == nil {
				continue
			}
			png, err := d.DrawChart(ctx, b)
			if err != nil {
				h.logger().WarnContext(ctx, "slack: the digest's chart left out", "err", err)
				continue
			}
			out = append(out, &bot.Image{PNG: png, AltText: b.AltText})
		}
	}
	return out
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
	if id, ok, err := h.identities().IDByEmail(ctx, email); err != nil || ok {
		return id, err
	}
	u, err := call(ctx, func() (*slack.User, error) { return h.Client.GetUserByEmailContext(ctx, email) })
	if err != nil {
		return "", fmt.Errorf("slack: users.lookupByEmail %s: %w", email, err)
	}
	own, err := h.ownTeam(ctx, u)
	if err != nil {
		return "", err
	}
	if !own {
		return "", domain.Errorf(domain.EFORBIDDEN, "%s is the email of a Slack user of another organisation (%s), so no digest goes to them: give the manager's slack_user_id in people.csv", email, u.ID)
	}
	h.identities().Remember(u.ID, email)
	return u.ID, nil
}

// maxChannelPages bounds how many pages of conversations.list (of up to 1,000 channels
// each) a digest channel's name is looked for in.
const maxChannelPages = 50

// channelIDRe matches a channel id (public C…, private G…), as opposed to a name.
var channelIDRe = regexp.MustCompile(`^[CG][A-Z0-9]{2,}$`)

// digestChannelAllowed refuses a digest channel shared with another organisation (Slack
// Connect), as replies are refused there, unless AllowExternal. A person's direct
// messages (a user id, or a DM's D… id) are never shared. A channel's name is looked up
// in conversations.list (which says whether it is shared); a name Slack does not list
// to the bot is refused, since whether it is shared cannot be told.
func (h *Handler) digestChannelAllowed(ctx context.Context, channel string) error {
	if h.AllowExternal {
		return nil
	}
	switch channel[0] {
	case 'U', 'W', 'D':
		return nil
	}
	var shared bool
	var err error
	if channelIDRe.MatchString(channel) {
		shared, err = h.externalChannel(ctx, channel)
	} else {
		shared, err = h.namedChannelShared(ctx, strings.TrimPrefix(channel, "#"))
	}
	if err != nil {
		return err
	}
	if shared {
		return domain.Errorf(domain.EFORBIDDEN, "digest_channel %s is shared with another organisation (Slack Connect), so the digest is not posted there: choose another channel, or have an admin set INCUMBENT_ALLOW_EXTERNAL=on", channel)
	}
	return nil
}

// namedChannelShared finds a channel by name in conversations.list and reports whether
// it is shared with another organisation.
func (h *Handler) namedChannelShared(ctx context.Context, name string) (bool, error) {
	key := "#" + strings.ToLower(name)
	if shared, ok := h.cachedShared(key); ok {
		return shared, nil
	}
	type page struct {
		channels []slack.Channel
		next     string
	}
	cursor := ""
	for range maxChannelPages {
		p, err := call(ctx, func() (page, error) {
			chs, next, err := h.Client.GetConversationsContext(ctx, &slack.GetConversationsParameters{
				Cursor: cursor, ExcludeArchived: true, Limit: 1000, Types: []string{"public_channel", "private_channel"}})
			return page{chs, next}, err
		})
		if err != nil {
			return false, fmt.Errorf("slack: conversations.list, to find #%s: %w", name, err)
		}
		for _, ch := range p.channels {
			if strings.EqualFold(ch.Name, name) || strings.EqualFold(ch.NameNormalized, name) {
				shared := ch.IsExtShared || ch.IsPendingExtShared
				h.cacheShared(key, shared)
				h.cacheShared(ch.ID, shared)
				return shared, nil
			}
		}
		if cursor = p.next; cursor == "" {
			break
		}
	}
	return false, domain.Errorf(domain.EINVALID, "digest_channel #%s is not among the channels Slack lists to Incumbent, so whether it is shared with another organisation cannot be told: check its name, invite the bot, or give the channel's id (C…)", name)
}
