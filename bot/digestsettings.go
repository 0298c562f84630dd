package bot

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// DigestSettingsWriter changes a territory's digest schedule (channel, time zone, day and
// hour) from chat; ENOTFOUND for an unknown territory.
type DigestSettingsWriter interface {
	SetDigestSettings(ctx context.Context, t domain.Territory) error
}

// DigestSchedule is the `digest settings` command's result: when and where a
// territory's digest goes.
type DigestSchedule struct {
	Territory string `json:"territory"`
	Day       string `json:"digest_day"` // mon…sun
	Hour      int    `json:"digest_hour"`
	Channel   string `json:"digest_channel"`
	Timezone  string `json:"timezone"`
	// Next is when the digest is next due, in the territory's time zone (RFC 3339).
	Next string `json:"next"`
	// Changed lists the settings this command changed (empty when it only showed them).
	Changed []string `json:"changed"`
}

// digestSettingWords are the settings `digest settings` takes, in the order they are
// listed.
var digestSettingWords = []string{"day", "hour", "channel", "timezone"}

// channelRefRe is a Slack channel reference as a message carries it: <#C123|name>.
var channelRefRe = regexp.MustCompile(`^<#([A-Z0-9]+)(\|[^>]*)?>$`)

var (
	channelNameRe = regexp.MustCompile(`^#[\p{L}\p{N}._-]{1,80}$`)
	channelIDRe   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9:@._-]{0,199}$`)
	hourRe        = regexp.MustCompile(`^(\d{1,2})(:00)?$|^(\d{1,2})\s*(am|pm)$`)
)

// digestSettings handles `digest settings <territory> [day …] [hour …] [channel …]
// [timezone …]`: it shows or changes a territory's digest schedule, for the managers of
// the territory and admins.
func (b *Bot) digestSettings(ctx context.Context, req Request, args []string) (Reply, error) {
	usage := func() string {
		u := "Usage: `digest settings <territory> [day <mon…sun>] [hour <0-23>] [channel <#name|id|none>] [timezone <IANA>]`."
		if ex, err := b.examples(ctx, req.Actor, req.AsOf); err == nil && ex.Territory != "" {
			u += fmt.Sprintf(" For example: `digest settings %s day tue hour 9 timezone Europe/Berlin`.", ex.Territory)
		}
		return u
	}
	if !req.Actor.All() && req.Actor.Person.Role != domain.RoleManager {
		return Reply{}, domain.Errorf(domain.EFORBIDDEN, "A territory's digest is set by its manager or an admin; ask your manager.")
	}
	n := 0
	for n < len(args) && !isDigestSetting(args[n]) {
		n++
	}
	if n == 0 {
		return Reply{}, domain.Errorf(domain.EINVALID, "Digest settings of which territory? %s", usage())
	}
	var t domain.Territory
	var note string
	var err error
	if len(args) > n { // settings to change: the territory must be named exactly
		t, err = b.resolveTerritoryToWrite(ctx, req.Actor, strings.Join(args[:n], " "))
	} else {
		t, note, err = b.resolveTerritory(ctx, req.Actor, strings.Join(args[:n], " "))
	}
	if err != nil {
		return Reply{}, err
	}
	if t.Timezone == "" {
		t.Timezone = "UTC"
	}
	was := t
	changed, err := applyDigestSettings(&t, args[n:], usage)
	if err != nil {
		return Reply{}, err
	}

	next, _, err := upcomingDigest(t, b.Now())
	if err != nil {
		return Reply{}, err
	}
	next = next.In(location(t))
	blocks := []Block{&Header{Text: t.Name + " — digest settings"}}
	if len(changed) == 0 {
		blocks = append(blocks, &Text{Text: fmt.Sprintf("The digest of %s goes out *%s*.", t.Name, scheduleWords(t))})
	} else {
		if b.DigestSettings == nil {
			return Reply{}, domain.Errorf(domain.EINVALID, "This deployment's store cannot change digest settings from chat; set digest_day, digest_hour, digest_channel and timezone in territories.csv and import it.")
		}
		if err := b.DigestSettings.SetDigestSettings(ctx, t); err != nil {
			return Reply{}, fmt.Errorf("set digest settings: %w", err)
		}
		blocks = append(blocks, &Text{Text: fmt.Sprintf("The digest of %s now goes out *%s* (was %s).", t.Name, scheduleWords(t), scheduleWords(was))})
	}
	blocks = append(blocks,
		&Fields{Fields: []Field{{"Next digest", next.Format("Monday 2 Jan 2006 at 15:04 MST")}}},
		&Buttons{Buttons: []Button{{Label: "Preview the digest", Command: "digest " + t.Name, Style: "primary"}}},
		&Context{Text: "Change with `digest settings " + t.Name + " [day <mon…sun>] [hour <0-23>] [channel <#name|id|none>] [timezone <IANA>]`. " +
			"A later import of territories.csv replaces these settings."})
	data := DigestSchedule{Territory: t.Name, Day: strings.ToLower(t.DigestDay.String()[:3]), Hour: t.DigestHour, Channel: t.DigestChannel,
		Timezone: t.Timezone, Next: next.Format(time.RFC3339), Changed: changed}
	if data.Changed == nil {
		data.Changed = []string{}
	}
	return withNote(Reply{Blocks: blocks, Data: data}, note), nil
}

// isDigestSetting reports whether w names a digest setting (day, hour, channel, timezone).
func isDigestSetting(w string) bool {
	for _, s := range digestSettingWords {
		if strings.EqualFold(w, s) {
			return true
		}
	}
	return false
}

// applyDigestSettings reads `<setting> <value>` pairs into t and returns the settings
// changed; on any error nothing is to be written.
func applyDigestSettings(t *domain.Territory, rest []string, usage func() string) ([]string, error) {
	var changed []string
	seen := map[string]bool{}
	for ; len(rest) > 0; rest = rest[2:] {
		key := strings.ToLower(rest[0])
		if !isDigestSetting(key) {
			return nil, domain.Errorf(domain.EINVALID, "I don't know the setting %q: use day, hour, channel or timezone. %s", rest[0], usage())
		}
		if seen[key] {
			return nil, domain.Errorf(domain.EINVALID, "%q is given twice: say each setting once. %s", key, usage())
		}
		seen[key] = true
		if len(rest) < 2 {
			return nil, domain.Errorf(domain.EINVALID, "%q needs a value. %s", key, usage())
		}
		v := rest[1]
		switch key {
		case "day":
			d, err := domain.ParseWeekday(v)
			if err != nil {
				return nil, domain.Errorf(domain.EINVALID, "%q is not a day: use mon, tue, wed, thu, fri, sat or sun. Nothing was changed.", v)
			}
			t.DigestDay = d
		case "hour":
			h, ok := parseHour(v)
			if !ok {
				return nil, domain.Errorf(domain.EINVALID, "%q is not an hour: use a whole hour from 0 to 23 (e.g. 8, 08:00 or 5pm). Nothing was changed.", v)
			}
			t.DigestHour = h
		case "channel":
			c, ok := parseChannel(v)
			if !ok {
				return nil, domain.Errorf(domain.EINVALID, "%q is not a channel: use #name, a channel id, or none. Nothing was changed.", v)
			}
			t.DigestChannel = c
		case "timezone":
			tz, ok := parseTimezone(v)
			if !ok {
				return nil, domain.Errorf(domain.EINVALID, "%q is not an IANA time zone: use a name such as Europe/Berlin, America/Chicago or UTC. Nothing was changed.", v)
			}
			t.Timezone = tz
		}
		changed = append(changed, key)
	}
	return changed, nil
}

// parseHour reads a whole hour: "8", "08", "08:00", "5pm", "12am".
func parseHour(s string) (int, bool) {
	m := hourRe.FindStringSubmatch(strings.ToLower(strings.TrimSpace(s)))
	if m == nil {
		return 0, false
	}
	if m[1] != "" {
		h, _ := strconv.Atoi(m[1])
		return h, h <= 23
	}
	h, _ := strconv.Atoi(m[3])
	if h < 1 || h > 12 {
		return 0, false
	}
	h %= 12
	if m[4] == "pm" {
		h += 12
	}
	return h, true
}

// parseChannel reads where a digest goes: "#name", a channel id, a Slack channel
// reference (<#C123|name>: its id), or none ("").
func parseChannel(s string) (string, bool) {
	switch strings.ToLower(s) {
	case "none", "off", "-":
		return "", true
	}
	if m := channelRefRe.FindStringSubmatch(s); m != nil {
		return m[1], true
	}
	if channelNameRe.MatchString(s) || channelIDRe.MatchString(s) {
		return s, true
	}
	return "", false
}

// parseTimezone reads an IANA time zone name.
func parseTimezone(s string) (string, bool) {
	if strings.EqualFold(s, "utc") {
		return "UTC", true
	}
	if s == "" || strings.EqualFold(s, "local") {
		return "", false
	}
	if _, err := time.LoadLocation(s); err != nil {
		return "", false
	}
	return s, true
}
