package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	slackadapter "github.com/incumbent/incumbent/adapters/slack"
	"github.com/incumbent/incumbent/adapters/teams"
	"github.com/incumbent/incumbent/adapters/web"
	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// digestSender delivers a territory's digest to one place:
//   - its digest_channel: a Slack channel ("#sales-north" or an id) when Slack is
//     configured, or a Teams conversation written "teams:<key>" (teams:channel:<id>,
//     teams:team:<id>, teams:email:<email>);
//   - else its manager: by Slack DM when Slack is configured, else in their Teams
//     personal chat with the bot;
//
// and, when the playground is on, to its /digests page as well. One chat destination,
// so that the delivery record says where the digest went and a retry cannot post it to
// one place twice while another failed.
type digestSender struct {
	slack *slackadapter.Handler
	teams *teams.Handler
	inbox *web.Inbox
	now   func() time.Time
}

// errNowhere says a digest has nowhere to go.
var errNowhere = errors.New("no chat platform is configured to deliver digests to (SLACK_BOT_TOKEN or MICROSOFT_APP_ID), and the playground is off")

// send delivers r and says where it went; accepted is told as soon as the chat platform
// has taken the message (see bot.DigestScheduler.Send).
func (d digestSender) send(ctx context.Context, t domain.Territory, r bot.Reply, accepted func(string)) (string, error) {
	var where []string
	channel := strings.TrimSpace(t.DigestChannel)
	var detail string
	var err error
	switch {
	case strings.HasPrefix(channel, "teams:"):
		if d.teams == nil {
			return "", domain.Errorf(domain.EINVALID, "territory %s: digest_channel %q is a Teams conversation, but Teams is not configured (MICROSOFT_APP_ID)", t.Name, channel)
		}
		detail, err = d.teams.Notify(ctx, strings.TrimPrefix(channel, "teams:"), r)
		detail = "Teams " + detail
	case channel != "" && d.slack != nil:
		detail, err = d.slack.PostDigest(ctx, channel, r, func(where string) { accepted("Slack " + where) })
		detail = "Slack " + detail
	case t.Manager != "" && d.slack != nil:
		prefix := "Slack DM to " + t.Manager + " "
		detail, err = d.slack.PostDigest(ctx, t.Manager, r, func(where string) { accepted(prefix + where) })
		detail = prefix + detail
	case t.Manager != "" && d.teams != nil:
		detail, err = d.teams.Notify(ctx, teams.EmailKey(t.Manager), r)
		detail = "Teams chat with " + t.Manager + " " + detail
	}
	if err != nil {
		return "", err
	}
	if detail != "" {
		where = append(where, detail)
	}
	if d.inbox != nil {
		where = append(where, d.inbox.Deliver(ctx, t.Name, d.now(), r))
	}
	if len(where) == 0 {
		return "", errNowhere
	}
	return strings.Join(where, "; "), nil
}

// digestScheduler returns the digest scheduler of a serving process, or of `digest --send`.
func digestScheduler(s *session, locks bot.Locker, send digestSender, now func() time.Time, log *slog.Logger, stale time.Duration) *bot.DigestScheduler {
	return &bot.DigestScheduler{
		Territories: s.store,
		Deliveries:  s.store,
		Build: func(ctx context.Context, t domain.Territory, week string, asOf time.Time) (bot.Reply, error) {
			return s.bot.Digest(ctx, t.Name, asOf, week)
		},
		Send:             send.send,
		ScheduleSettings: bot.ScheduleSettings{Lock: locks, Now: now, AsOf: s.asOf, Logger: log, Stale: stale},
	}
}

// runDigest is `incumbent digest <territory>|--all [--send]`: it prints the territory's
// digest as it would go out, or with --send delivers this week's digest now, through
// the chat platform the environment configures, unless it has already been sent (the
// same record as the scheduler's: it will not be sent again this week).
func runDigest(ctx context.Context, args []string, env Env, cfg Config) error {
	fs := flags("digest", env)
	cfg.dbFlag(fs)
	cfg.asOfFlag(fs, "as-of date YYYY-MM-DD (default: the date this week's digest falls due; env INCUMBENT_AS_OF)")
	send := fs.Bool("send", false, "deliver this week's digest now (Slack or Teams from the environment), unless it has been sent")
	all := fs.Bool("all", false, "every territory's digest, one after the other (instead of naming one)")
	format := fs.String("format", "text", "text, json, slack or teams (without --send)")
	cfg.settingsFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	cfg.applyFlags(fs)
	if len(pos) == 0 && !*all {
		return usageError{"which territory? incumbent digest <territory> [--send], or --all"}
	}
	if len(pos) > 0 && *all {
		return usageError{"name a territory or give --all, not both"}
	}
	if err := checkFormat(*format); err != nil {
		return err
	}
	if err := cfg.checkDigestClaimTimeout(); err != nil {
		return err
	}
	if err := cfg.checkBot(); err != nil {
		return err
	}
	if *send {
		if err := cfg.checkSend(); err != nil {
			return err
		}
	}
	s, err := openSession(ctx, env, cfg, "", false)
	if err != nil {
		return err
	}
	defer s.store.Close()
	var ts []domain.Territory
	if *all {
		if ts, err = s.store.FindTerritories(ctx); err != nil {
			return err
		}
	} else {
		t, err := findTerritory(ctx, s.store, strings.Join(pos, " "))
		if err != nil {
			return err
		}
		ts = []domain.Territory{t}
	}
	if !*send {
		// The preview, as `digest <territory>` in chat shows it to an admin.
		failed := false
		for _, t := range ts {
			r := s.bot.Handle(ctx, bot.Request{Actor: s.actor, Text: "digest " + t.Name, AsOf: s.asOf, Adapter: "cli"})
			shown := r
			if *format == "teams" {
				shown = s.bot.Drawn(ctx, r) // a card carries its chart as an image
			}
			if err := printReply(env, shown, *format, ""); err != nil {
				return err
			}
			failed = failed || r.Err != nil
		}
		if failed {
			return errReplied
		}
		return nil
	}

	log := serveLogger(env, cfg)
	sl := newSlack(ctx, cfg.Slack, s, nil, log)
	th, _ := newTeams(cfg.Teams, s, nil, log)
	sender := digestSender{teams: th, now: env.Now}
	if sl != nil {
		sender.slack = sl.h
	}
	if sender.slack == nil && sender.teams == nil {
		return usageError{"--send needs a chat platform: set SLACK_BOT_TOKEN (with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN) or MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD"}
	}
	sched := digestScheduler(s, nil, sender, env.Now, log, cfg.DigestClaimTimeout)
	var errs []error
	for _, t := range ts {
		d, err := sched.SendNow(ctx, t)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %s", t.Name, domain.ErrorMessage(err)))
			continue
		}
		fmt.Fprintf(env.Stdout, "The %s digest of the week of %s went to %s.\n", t.Name, d.Week, d.Detail)
	}
	return errors.Join(errs...)
}

// findTerritory finds a territory by its name, in any case.
func findTerritory(ctx context.Context, store interface {
	FindTerritories(context.Context) ([]domain.Territory, error)
}, name string) (domain.Territory, error) {
	ts, err := store.FindTerritories(ctx)
	if err != nil {
		return domain.Territory{}, err
	}
	var names []string
	for _, t := range ts {
		if strings.EqualFold(t.Name, strings.TrimSpace(name)) {
			return t, nil
		}
		names = append(names, t.Name)
	}
	return domain.Territory{}, domain.Errorf(domain.ENOTFOUND, "No territory is called %q. Territories: %s.", name, strings.Join(names, ", "))
}

// alert sends a person's daily alert by direct message: Slack DM (their Slack id from
// people.csv, else their email) when Slack is configured, else their Teams chat with the
// bot; and, with the playground on, to /digests as "Alerts for <email>". A DM is never a
// Slack Connect channel, and PostDigest refuses one anyway.
func (d digestSender) alert(ctx context.Context, p domain.Person, r bot.Reply, accepted func(string)) (string, error) {
	var where []string
	var detail string
	var err error
	switch {
	case d.slack != nil:
		to := p.SlackUserID
		if to == "" {
			to = p.Email
		}
		prefix := "Slack DM to " + p.Email + " "
		detail, err = d.slack.PostDigest(ctx, to, r, func(w string) { accepted(prefix + w) })
		detail = prefix + detail
	case d.teams != nil:
		detail, err = d.teams.Notify(ctx, teams.EmailKey(p.Email), r)
		detail = "Teams chat with " + p.Email + " " + detail
	}
	if err != nil {
		return "", err
	}
	if detail != "" {
		where = append(where, detail)
	}
	if d.inbox != nil {
		where = append(where, d.inbox.Deliver(ctx, "Alerts for "+p.Email, d.now(), r))
	}
	if len(where) == 0 {
		return "", errNowhere
	}
	return strings.Join(where, "; "), nil
}
