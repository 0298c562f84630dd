package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// DefaultAlertCatchUp is how late a daily alert that fell due while no process was
// running is still sent: a process that starts at 07:00 does not send yesterday's 08:00
// alert an hour before today's.
const DefaultAlertCatchUp = 12 * time.Hour

// AlertNothing is the detail recorded for a day whose alert had nothing new: nothing was
// sent, and the day is done.
const AlertNothing = "nothing changed: nothing sent"

// AlertScheduler sends each person's daily alert when it falls due (domain.AlertDue at
// their hour in their territory's time zone), once, from however many processes run
// it: the digests' claim (claimedSend) on the person's day, with their retries, stale
// claims taken over, and a lock that only spares replicas the work.
//
// What an alert says and what is kept: before the message goes, the state the alert
// leaves (every fact that holds now) is saved, the moment the chat platform accepts the
// message, and the delivery is recorded sent just after. A process killed between the
// two leaves a stale claim; the process that takes it over compares with the saved
// state, finds nothing new and sends nothing. So an alert repeats only if the process
// dies between the platform's acceptance and the state's write: the digests' one
// window. A day with nothing new saves the state (a fact that ended is forgotten, so
// that its return is new) and records the day done without sending.
type AlertScheduler struct {
	Bot *Bot // computes the alerts; its Store lists people, its AlertStore keeps the records
	// Send delivers a person's alert by direct message and says where it went; accepted
	// as DigestScheduler.Send's.
	Send func(ctx context.Context, p domain.Person, r Reply, accepted func(detail string)) (string, error)
	// ScheduleSettings: Lock, Now, AsOf (zero: the alert's local date), Claimant, Stale,
	// Interval, Logger, and CatchUp (0: DefaultAlertCatchUp).
	ScheduleSettings
	// Observer, optional, counts this process's alerts by outcome (sent, nothing,
	// failed).
	Observer AlertObserver
}

// AlertObserver counts daily alerts by outcome: sent, nothing (nothing new, so no
// message) or failed (AlertScheduler.Observer; adapters/prometheus).
type AlertObserver interface {
	ObserveAlert(outcome string)
}

// Run runs a round at once, then at least every Interval, until ctx is done.
func (s *AlertScheduler) Run(ctx context.Context) error {
	if err := s.check(); err != nil {
		return err
	}
	s.logger().InfoContext(ctx, "alert scheduler started", "claimant", s.claimantName())
	return s.run(ctx, "alert", func(ctx context.Context) (time.Time, error) {
		_, err := s.RunOnce(ctx)
		return time.Time{}, err
	})
}

// RunOnce sends every person's alert of the day that is due and not yet done. It
// returns how many it sent (days with nothing new are done but not counted), and the
// failures joined.
func (s *AlertScheduler) RunOnce(ctx context.Context) (sent int, err error) {
	if err := s.check(); err != nil {
		return 0, err
	}
	people, err := s.Bot.Store.FindPeople(ctx)
	if err != nil {
		return 0, fmt.Errorf("alert scheduler: people: %w", err)
	}
	ts, err := s.Bot.Store.FindTerritories(ctx)
	if err != nil {
		return 0, fmt.Errorf("alert scheduler: territories: %w", err)
	}
	stored, err := s.Bot.AlertStore.FindAlertSettings(ctx)
	if err != nil {
		return 0, fmt.Errorf("alert scheduler: settings: %w", err)
	}
	settings := map[string]domain.AlertSettings{}
	for _, a := range stored {
		settings[strings.ToLower(a.Email)] = a
	}
	var failing []string
	var errs []error
	for _, p := range people {
		if ctx.Err() != nil {
			errs = append(errs, ctx.Err())
			break
		}
		email := strings.ToLower(strings.TrimSpace(p.Email))
		if email == "" {
			continue
		}
		set, ok := settings[email]
		if !ok {
			set = domain.DefaultAlertSettings(email)
		}
		if set.Off {
			continue
		}
		now := s.now()
		due, day, err := domain.AlertDue(AlertTimezone(p, ts), set.Hour, now)
		if err != nil || now.Sub(due) > s.catchUp(DefaultAlertCatchUp) {
			continue
		}
		if d, ok := s.settledIn(email, day); ok {
			if d.GivenUp() {
				failing = append(failing, fmt.Sprintf("%s: the alert of %s was given up: %s", email, day, d.LastError))
			}
			continue
		}
		ok, waiting, err := s.deliver(ctx, p, set, day)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("alert of %s for %s: %w", email, day, err))
			failing = append(failing, fmt.Sprintf("%s: the alert of %s failed: %v", email, day, err))
		case waiting != nil:
			failing = append(failing, fmt.Sprintf("%s: the alert of %s failed %d time(s), last: %s; retried at %s", email, day,
				waiting.Attempts, waiting.LastError, waiting.RetryAt.UTC().Format(time.RFC3339)))
		case ok:
			sent++
		}
	}
	s.setFailing(failing)
	return sent, errors.Join(errs...)
}

// deliver sends p's alert of day unless it is done or waits for its retry. It returns
// whether a message went, and the record of an alert that waits for its retry.
func (s *AlertScheduler) deliver(ctx context.Context, p domain.Person, set domain.AlertSettings, day string) (bool, *domain.DigestDelivery, error) {
	email := strings.ToLower(p.Email)
	records, err := s.Bot.AlertStore.FindAlertDeliveries(ctx, email)
	if err != nil {
		return false, nil, err
	}
	for _, d := range records {
		switch {
		case d.Week == day && (d.Status == domain.DigestSent || d.GivenUp()):
			s.settle(email, d)
			return false, nil, nil
		case d.Week > day:
			s.settle(email, domain.DigestDelivery{Territory: email, Week: day, Status: domain.DigestSent, Detail: "superseded by " + d.Week})
			return false, nil, nil
		case d.Week == day && d.Status == domain.DigestFailed && s.now().Before(d.RetryAt):
			return false, &d, nil
		}
	}
	messaged, taken := false, false // a message went; the platform took one
	c := s.once()
	c.observe = func(outcome string) {
		if outcome == "sent" && !messaged && !taken {
			outcome = "nothing"
		}
		s.observe(outcome)
	}
	done, detail, err := c.send(ctx, "alert:"+email+":"+day, email, day,
		func(ctx context.Context, accepted func(string)) (string, error) {
			d, sent, err := s.attempt(ctx, p, set, day, func(where string) {
				taken = true
				accepted(where)
			})
			messaged = sent
			return d, err
		})
	if err != nil {
		return false, nil, err
	}
	if done {
		s.settle(email, domain.DigestDelivery{Territory: email, Week: day, Status: domain.DigestSent, Detail: detail})
		s.logger().InfoContext(ctx, "alert done", "person", email, "day", day, "detail", detail)
	}
	return done && messaged, nil, nil
}

// attempt computes p's alert and sends it when there is anything new, saving the state
// it leaves before the delivery is recorded. It returns where it went and whether a
// message went.
func (s *AlertScheduler) attempt(ctx context.Context, p domain.Person, set domain.AlertSettings, day string,
	accepted func(string)) (detail string, messaged bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, s.stale()/2)
	defer cancel()
	defer s.recovered(ctx, "alert", &err, "person", p.Email, "day", day)
	asOf, err := s.asOf(day)
	if err != nil {
		return "", false, err
	}
	actor, err := s.Bot.ActorByEmail(ctx, p.Email)
	if err != nil {
		return "", false, fmt.Errorf("build: %w", err)
	}
	a, state, err := s.Bot.ComputeAlerts(ctx, actor, set, asOf)
	if err != nil {
		return "", false, fmt.Errorf("build: %w", err)
	}
	state.Day = day
	save := func() error {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
		defer cancel()
		return s.Bot.AlertStore.SaveAlertState(sctx, p.Email, state)
	}
	if len(a.Alerts) == 0 {
		if err := save(); err != nil {
			return "", false, fmt.Errorf("save the alert state: %w", err)
		}
		return AlertNothing, false, nil
	}
	saved := false
	detail, err = s.Send(ctx, p, s.Bot.AlertReply(a, false), func(where string) {
		if !saved {
			if err := save(); err != nil {
				s.logger().WarnContext(ctx, "alert accepted, but its state not saved yet", "person", p.Email, "error", err)
			} else {
				saved = true
			}
		}
		accepted(where)
	})
	if err != nil {
		return "", false, fmt.Errorf("send: %w", err)
	}
	if !saved {
		if err := save(); err != nil {
			return detail, true, fmt.Errorf("sent to %s, but its state not saved: %w", detail, err)
		}
	}
	return detail, true, nil
}

// once returns the claimed send of the scheduler's alerts.
func (s *AlertScheduler) once() claimedSend {
	st := s.Bot.AlertStore
	return s.claimed(claimedSend{what: "alert", keyName: "person", periodName: "day",
		claim: st.ClaimAlert, markSent: st.MarkAlertSent, markFailed: st.MarkAlertFailed, observe: s.observe})
}

// check reports a scheduler missing what it cannot run without.
func (s *AlertScheduler) check() error {
	if s.Bot == nil || s.Bot.AlertStore == nil || s.Send == nil {
		return errors.New("bot: an AlertScheduler needs a Bot with an AlertStore, and Send")
	}
	return nil
}

func (s *AlertScheduler) observe(outcome string) {
	if s.Observer != nil {
		s.Observer.ObserveAlert(outcome)
	}
}
