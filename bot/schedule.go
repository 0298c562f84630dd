package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// DigestDeliveryStore records digest deliveries (DigestScheduler.Deliveries). It is what
// makes each week's digest go out once when several processes share the store: a claim
// is one atomic write, so of two processes claiming the same week at once exactly one
// wins. Records do not change the data version.
type DigestDeliveryStore interface {
	// ClaimDigest claims a week's digest for claimant and counts an attempt. It
	// returns true when there was no record, when the record is a pending claim made
	// stale or longer before now (its claimant died mid-send), or when it is a failed
	// attempt whose RetryAt has come; false when it is sent, given up, or claimed by
	// someone within stale. A stale claim on the last allowed attempt is not taken
	// over but given up.
	ClaimDigest(ctx context.Context, territory, week, claimant string, now time.Time, stale time.Duration) (bool, error)
	// MarkDigestSent records that claimant sent the digest; detail says where it went.
	// ECONFLICT when claimant does not hold the claim (any more).
	MarkDigestSent(ctx context.Context, territory, week, claimant, detail string, now time.Time) error
	// MarkDigestFailed records that claimant's attempt failed for reason: the digest
	// may be claimed again after domain.DigestRetryDelay(attempts), or never once
	// attempts reach domain.DigestMaxAttempts. ECONFLICT when claimant does not hold
	// the claim.
	MarkDigestFailed(ctx context.Context, territory, week, claimant, reason string, now time.Time) error
	// FindDigestDeliveries returns the territory's records (every territory's when it
	// is ""), the latest week first.
	FindDigestDeliveries(ctx context.Context, territory string) ([]domain.DigestDelivery, error)
}

// DigestObserver counts digest attempts by outcome, sent or failed
// (DigestScheduler.Observer; adapters/prometheus).
type DigestObserver interface {
	ObserveDigest(outcome string)
}

// Locker takes named locks that expire: adapters/memory in one process, adapters/redis
// across replicas (which falls back on memory while Redis is down).
type Locker interface {
	// Acquire takes the lock name for ttl unless someone holds it; the token it
	// returns releases it.
	Acquire(ctx context.Context, name string, ttl time.Duration) (token string, ok bool, err error)
	// Release frees the lock name if token still holds it.
	Release(ctx context.Context, name, token string) (bool, error)
}

// Defaults of DigestScheduler.
const (
	DefaultDigestStale    = 10 * time.Minute
	DefaultDigestInterval = time.Minute
	// DefaultDigestCatchUp is how late a digest that fell due while no process was
	// running is still sent: a server down over a weekend sends Monday's digest when it
	// comes back, but one that starts on a Thursday does not send Friday's of last
	// week an hour before this week's.
	DefaultDigestCatchUp = 72 * time.Hour
)

// markTimeout bounds the write of a delivery's outcome, which goes ahead when the round's
// context is cancelled (a shutdown) so that what was sent is recorded as sent.
const markTimeout = 10 * time.Second

// DigestScheduler sends each territory's weekly digest when it falls due (see
// domain.DigestDue), once, from however many processes run it.
//
// Once is guaranteed by the delivery store, not by the lock: before building a digest
// a process claims the territory's week there (one atomic write that only one process
// wins), and records it sent or failed after. The optional Lock only spares the other
// replicas the work of trying: when it is taken the territory is skipped this round,
// and when it cannot be asked (Redis down; the Redis adapter then falls back on memory)
// the claim still decides.
//
// Catch-up: each round looks at every territory's current week only, the latest due
// time at or before now. A digest that fell due while no process was running is sent
// once when one starts, if that is within CatchUp (3 days) of its due time; weeks
// before the current one are not sent late. A brand-new deployment (an empty delivery
// table) therefore sends, on its first start, the current-week digest of every territory
// whose digest fell due in the last 3 days: the digest of the week that began on the
// territory's digest day, as of that day. When a territory's digest day or hour is
// moved back so that its current week is older than a week already tried, nothing is
// sent until the next due time.
//
// Failures: a digest that cannot be built or sent is recorded failed and claimed again
// after domain.DigestRetryDelay (1, 2, 4 … minutes, at most an hour), up to
// domain.DigestMaxAttempts attempts in all; then it is given up, reported by Skipped,
// and the next week starts afresh.
//
// The crash window: a claim that is neither marked sent nor failed within Stale (its
// process died) is taken over by the next round of any process and the digest is sent
// again. Send reports through its accepted callback the moment the chat platform has
// accepted the digest's message, and the delivery is recorded sent then, before the
// rest of the send (Slack's chart upload, the thread of a long digest). So a digest goes
// out twice only if its process died between the platform's acceptance and that record:
// while the platform's answer was on its way back or the record was being written, the
// one window no sender can close (the platform cannot be asked whether it has already
// got a message). What came after the acceptance (the chart) is then missing, not
// repeated. Build and Send together are bounded by Stale/2, so a live process never
// holds a claim long enough to lose it.
type DigestScheduler struct {
	Territories interface {
		FindTerritories(ctx context.Context) ([]domain.Territory, error)
	}
	Deliveries DigestDeliveryStore
	// Build builds the territory's digest of week (YYYY-MM-DD) as of asOf.
	Build func(ctx context.Context, t domain.Territory, week string, asOf time.Time) (Reply, error)
	// Send delivers the digest to the territory's channel or manager and says where it
	// went (a channel and message timestamp), for the record. It calls accepted, once,
	// as soon as the chat platform has accepted the digest's (first) message, with
	// where it went: the delivery is recorded sent then, and an error Send returns
	// after it only logged. A Send that delivers in one call may skip accepted; it is
	// called from Send's goroutine, before Send returns.
	Send func(ctx context.Context, t domain.Territory, r Reply, accepted func(detail string)) (detail string, err error)
	// ScheduleSettings: Lock, Now, AsOf (INCUMBENT_AS_OF; zero: the local date of the
	// day it fell due, midnight UTC of that date), Claimant, Stale, Interval, Logger,
	// and CatchUp (0: DefaultDigestCatchUp; SendNow has no limit).
	ScheduleSettings
	// Observer, optional, counts this process's attempts by outcome (sent, failed).
	Observer DigestObserver

	warned  map[string]string // by territory: what was last warned about; under mu
	skipped []string          // "territory: reason", of the last round; under mu
}

// ScheduleSettings are what the digest and alert schedulers share: their settings, the
// defaults of those, and what a round leaves (the deliveries known done, the failing).
type ScheduleSettings struct {
	// Lock, optional, keeps replicas from building the same delivery at once.
	Lock Locker
	// Now is the clock; nil: time.Now.
	Now func() time.Time
	// AsOf, when set, is the as-of date of every delivery; zero: the date of the
	// period (week, day) it is for.
	AsOf time.Time
	// Claimant names this process in the delivery records; "": host:pid:random.
	Claimant string
	// Stale is how long a claim lasts before another process may take it over (and the
	// lock's time to live); 0: DefaultDigestStale.
	Stale time.Duration
	// Interval is the longest Run waits between rounds, to pick up retries, changed
	// settings and claims gone stale; 0: DefaultDigestInterval, or Stale/2 when that is
	// shorter.
	Interval time.Duration
	// CatchUp is how long after its due time a delivery may still be sent by a round;
	// 0: the scheduler's default (DefaultDigestCatchUp, DefaultAlertCatchUp).
	CatchUp time.Duration
	Logger  *slog.Logger // nil: slog.Default()

	claimantOnce sync.Once
	claimant     string

	mu      sync.Mutex
	settled map[string]domain.DigestDelivery // by key (territory, person): its current period, known done
	failing []string                         // "key: …", failed and waiting for a retry, of the last round
}

// Skipped returns the territories whose digest the last round did not send and will
// not until something changes, as "territory: reason", by territory: no one to send it
// to, an invalid schedule, or this week's digest given up after failing.
func (s *DigestScheduler) Skipped() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.skipped)
}

// RunOnce sends every territory's digest of the current week that is due and not yet
// sent: it claims it, builds it, sends it and records it. It returns how many it sent,
// and the failures of the others joined (the failed ones are retried by later rounds).
// Territories that cannot have a digest (Skipped) are logged, once a week, and are not
// errors.
func (s *DigestScheduler) RunOnce(ctx context.Context) (sent int, err error) {
	sent, _, err = s.round(ctx)
	return sent, err
}

// Run runs a round at once (sending what fell due while no process was running), then
// at every territory's next due time and at least every Interval, until ctx is done; it
// then returns nil. Failed rounds are logged, never fatal.
func (s *DigestScheduler) Run(ctx context.Context) error {
	if err := s.check(); err != nil {
		return err
	}
	s.logger().InfoContext(ctx, "digest scheduler started", "claimant", s.claimantName(), "stale", s.stale())
	return s.run(ctx, "digest", func(ctx context.Context) (time.Time, error) {
		_, next, err := s.round(ctx)
		return next, err
	})
}

// SendNow sends t's digest of the current week now, if it is not sent yet (the command
// line's `digest --send`): the same claim and record as a round's, so the scheduler will
// not send it again, and it is not sent twice. It returns the record; ECONFLICT when the
// week's digest was already sent, is being sent, or waits for its retry.
func (s *DigestScheduler) SendNow(ctx context.Context, t domain.Territory) (domain.DigestDelivery, error) {
	if err := s.check(); err != nil {
		return domain.DigestDelivery{}, err
	}
	due, week, err := domain.DigestDue(t, s.now())
	if err != nil {
		return domain.DigestDelivery{}, err
	}
	sent, d, err := s.deliver(ctx, t, due, week)
	if err != nil || sent {
		return d, err
	}
	records, err := s.Deliveries.FindDigestDeliveries(ctx, t.Name)
	if err != nil {
		return d, err
	}
	for _, r := range records {
		if r.Week != week {
			continue
		}
		switch {
		case r.Status == domain.DigestSent:
			return r, domain.Errorf(domain.ECONFLICT, "The %s digest of the week of %s was already sent (%s, to %s).", t.Name, week, r.SentAt.UTC().Format(time.RFC3339), r.Detail)
		case r.GivenUp():
			return r, domain.Errorf(domain.ECONFLICT, "The %s digest of the week of %s was given up: %s", t.Name, week, r.LastError)
		case r.Status == domain.DigestFailed:
			return r, domain.Errorf(domain.ECONFLICT, "The %s digest of the week of %s failed (%s); it is retried at %s.", t.Name, week, r.LastError, r.RetryAt.UTC().Format(time.RFC3339))
		}
		return r, domain.Errorf(domain.ECONFLICT, "The %s digest of the week of %s is being sent by %s.", t.Name, week, r.Claimant)
	}
	return d, domain.Errorf(domain.ECONFLICT, "The %s digest of the week of %s is being sent by another process.", t.Name, week)
}

// round is one RunOnce; next is the earliest next due time of the territories.
func (s *DigestScheduler) round(ctx context.Context) (sent int, next time.Time, err error) {
	if err := s.check(); err != nil {
		return 0, time.Time{}, err
	}
	territories, err := s.Territories.FindTerritories(ctx)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("digest scheduler: territories: %w", err)
	}
	var skipped, failing []string
	var errs []error
	for _, t := range territories {
		if ctx.Err() != nil {
			errs = append(errs, ctx.Err())
			break
		}
		now := s.now()
		due, week, err := domain.DigestDue(t, now)
		if err != nil {
			reason := strings.TrimPrefix(domain.ErrorMessage(err), "territory "+t.Name+": ")
			skipped = append(skipped, t.Name+": "+reason)
			s.warnOnce(ctx, t.Name, "schedule: "+reason, "digest not scheduled", "reason", reason)
			continue
		}
		if n, _, err := domain.NextDigest(t, now); err == nil && (next.IsZero() || n.Before(next)) {
			next = n
		}
		if t.Manager == "" && t.DigestChannel == "" {
			reason := "no manager and no digest_channel: nobody to send the digest to"
			skipped = append(skipped, t.Name+": "+reason)
			s.warnOnce(ctx, t.Name, week+": no recipient", "digest not sent", "week", week, "reason", reason)
			continue
		}
		if late := now.Sub(due); late > s.catchUp(DefaultDigestCatchUp) {
			// Not sent late. (It may have gone out at the time, from this process or
			// another: the log line says only what this process does.)
			if _, settled := s.settledIn(t.Name, week); !settled {
				s.warnOnce(ctx, t.Name, week+": past the catch-up window", "digest past the catch-up window: not sent by this process",
					"week", week, "due", due, "late", late.Round(time.Minute).String(), "catch_up", s.catchUp(DefaultDigestCatchUp).String())
			}
			continue
		}
		s.forgetWarning(t.Name)
		ok, d, err := s.deliver(ctx, t, due, week)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("digest of %s for %s: %w", t.Name, week, err))
			if !ok {
				failing = append(failing, fmt.Sprintf("%s: the digest of %s failed: %v", t.Name, week, err))
			}
		case ok:
			sent++
		case d.GivenUp():
			skipped = append(skipped, fmt.Sprintf("%s: the digest of %s was given up: %s", t.Name, week, d.LastError))
		case d.Status == domain.DigestFailed:
			failing = append(failing, fmt.Sprintf("%s: the digest of %s failed %d time(s), last: %s; retried at %s", t.Name, week,
				d.Attempts, d.LastError, d.RetryAt.UTC().Format(time.RFC3339)))
		}
	}
	slices.Sort(skipped)
	s.mu.Lock()
	s.skipped = skipped
	s.mu.Unlock()
	s.setFailing(failing)
	return sent, next, errors.Join(errs...)
}

// deliver sends t's digest of week unless it is settled, someone else holds it, or it
// waits for its retry time. It returns whether it sent it, and the record of a settled
// week or of one waiting for its retry.
func (s *DigestScheduler) deliver(ctx context.Context, t domain.Territory, due time.Time, week string) (bool, domain.DigestDelivery, error) {
	if d, ok := s.settledIn(t.Name, week); ok {
		return false, d, nil
	}
	if d, done, err := s.recorded(ctx, t, week); err != nil || done {
		return false, d, err
	}

	sent, detail, err := s.once().send(ctx, "digest:"+t.Name+":"+week, t.Name, week,
		func(ctx context.Context, accepted func(string)) (string, error) {
			return s.attempt(ctx, t, week, accepted)
		})
	if err != nil || !sent {
		return sent, domain.DigestDelivery{}, err
	}
	d := domain.DigestDelivery{Territory: t.Name, Week: week, Status: domain.DigestSent, Claimant: s.claimantName(), Detail: detail}
	s.settle(t.Name, d)
	s.logger().InfoContext(ctx, "digest sent", "territory", t.Name, "week", week, "due", due, "detail", detail)
	return true, d, nil
}

// once returns the claimed send of the scheduler's digests.
func (s *DigestScheduler) once() claimedSend {
	return s.claimed(claimedSend{what: "digest", keyName: "territory", periodName: "week",
		claim: s.Deliveries.ClaimDigest, markSent: s.Deliveries.MarkDigestSent, markFailed: s.Deliveries.MarkDigestFailed,
		observe: s.observe})
}

// claimedSend is what the digest and alert schedulers share: one delivery (a
// territory's week, a person's day) claimed in the store, attempted, and recorded sent
// or failed, so that it goes out once however many processes try (see DigestScheduler).
type claimedSend struct {
	what, keyName, periodName string // "digest", "territory", "week": in logs
	lock                      Locker // optional
	claim                     func(ctx context.Context, key, period, claimant string, now time.Time, stale time.Duration) (bool, error)
	markSent                  func(ctx context.Context, key, period, claimant, detail string, now time.Time) error
	markFailed                func(ctx context.Context, key, period, claimant, reason string, now time.Time) error
	claimant                  string
	now                       func() time.Time
	stale                     time.Duration
	logger                    *slog.Logger
	observe                   func(outcome string)
}

// send takes the lock lockName (when there is a lock), claims key's delivery of period,
// runs attempt and records its outcome. It returns whether this call sent it and where
// it went; nothing is sent when another process holds the lock or the claim, or an
// import holds the store (the next round tries again). attempt calls accepted as soon
// as the chat platform has taken the message: the delivery is recorded sent then.
func (c claimedSend) send(ctx context.Context, lockName, key, period string,
	attempt func(ctx context.Context, accepted func(string)) (string, error)) (bool, string, error) {
	if c.lock != nil {
		token, ok, err := c.lock.Acquire(ctx, lockName, c.stale)
		switch {
		case err != nil:
			c.logger.WarnContext(ctx, c.what+" lock unavailable: the delivery record alone decides", c.keyName, key,
				c.periodName, period, "error", err)
		case !ok:
			return false, "", nil // another replica is on it
		default:
			defer func() {
				rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
				defer cancel()
				if _, err := c.lock.Release(rctx, lockName, token); err != nil {
					c.logger.WarnContext(ctx, c.what+" lock not released (it expires)", "lock", lockName, "error", err)
				}
			}()
		}
	}

	won, err := c.claim(ctx, key, period, c.claimant, c.now(), c.stale)
	if errors.Is(err, domain.ErrImporting) {
		// No claim, so no attempt counted: the next round claims it again.
		c.logger.WarnContext(ctx, c.what+" not claimed: an import is running; tried again next round",
			c.keyName, key, c.periodName, period)
		return false, "", nil
	}
	if err != nil || !won {
		return false, "", err
	}
	mark := func(detail string) error {
		mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
		defer cancel()
		return c.markSent(mctx, key, period, c.claimant, detail, c.now())
	}
	var accepted, recorded string // what the platform accepted; what was recorded sent
	detail, attemptErr := attempt(ctx, func(detail string) {
		if accepted != "" {
			return
		}
		accepted = detail
		if err := mark(detail); err != nil {
			c.logger.WarnContext(ctx, c.what+" accepted, but not recorded yet", c.keyName, key, c.periodName, period,
				"detail", detail, "error", err)
			return
		}
		recorded = detail
	})
	if attemptErr != nil && accepted != "" {
		// Delivered: what failed came after the platform took the message.
		c.logger.WarnContext(ctx, c.what+" delivered, but the rest of its send failed", c.keyName, key,
			c.periodName, period, "detail", accepted, "error", attemptErr)
		detail, attemptErr = accepted, nil
	}
	if attemptErr != nil {
		c.observe("failed")
		mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
		defer cancel()
		if err := c.markFailed(mctx, key, period, c.claimant, attemptErr.Error(), c.now()); err != nil {
			return false, "", errors.Join(attemptErr, fmt.Errorf("record the failure: %w", err))
		}
		return false, "", attemptErr
	}
	c.observe("sent")
	if recorded == "" {
		if err := mark(detail); err != nil {
			// Sent but not recorded: once the claim is stale another round sends it again.
			return true, "", fmt.Errorf("sent to %s, but not recorded (it may go out again): %w", detail, err)
		}
	} else if detail != recorded {
		// The record says where the message went; the rest of the send is logged.
		c.logger.InfoContext(ctx, c.what+" send finished", c.keyName, key, c.periodName, period, "detail", detail)
		detail = recorded
	}
	return true, detail, nil
}

// recorded reads the territory's delivery records first, so that a settled week costs
// no write (the claim takes SQLite's write lock) in the rounds after it: done when the
// week is sent, given up, failed and not yet due again, or superseded by a later week.
func (s *DigestScheduler) recorded(ctx context.Context, t domain.Territory, week string) (domain.DigestDelivery, bool, error) {
	records, err := s.Deliveries.FindDigestDeliveries(ctx, t.Name)
	if err != nil {
		return domain.DigestDelivery{}, true, err
	}
	for _, d := range records {
		switch {
		case d.Week == week && (d.Status == domain.DigestSent || d.GivenUp()):
			s.settle(t.Name, d)
			return d, true, nil
		case d.Week == week && d.Status == domain.DigestFailed && s.now().Before(d.RetryAt):
			return d, true, nil // not yet
		case d.Week > week:
			s.logger().InfoContext(ctx, "digest not sent: a later week was already tried (the schedule moved back)",
				"territory", t.Name, "week", week, "later_week", d.Week)
			s.settle(t.Name, domain.DigestDelivery{Territory: t.Name, Week: week, Status: domain.DigestSent,
				Detail: "superseded by " + d.Week})
			return domain.DigestDelivery{}, true, nil
		}
	}
	return domain.DigestDelivery{}, false, nil
}

// attempt builds and sends t's digest of week within Stale/2, turning a panic into an
// error.
func (s *DigestScheduler) attempt(ctx context.Context, t domain.Territory, week string, accepted func(string)) (detail string, err error) {
	ctx, cancel := context.WithTimeout(ctx, s.stale()/2)
	defer cancel()
	defer s.recovered(ctx, "digest", &err, "territory", t.Name, "week", week)
	asOf, err := s.asOf(week)
	if err != nil {
		return "", err
	}
	r, err := s.Build(ctx, t, week, asOf)
	if err != nil {
		return "", fmt.Errorf("build: %w", err)
	}
	if r.Err != nil {
		return "", fmt.Errorf("build: %w", r.Err)
	}
	detail, err = s.Send(ctx, t, r, accepted)
	if err != nil {
		return "", fmt.Errorf("send: %w", err)
	}
	return detail, nil
}

// check reports a scheduler missing what it cannot run without.
func (s *DigestScheduler) check() error {
	if s.Territories == nil || s.Deliveries == nil || s.Build == nil || s.Send == nil {
		return errors.New("bot: a DigestScheduler needs Territories, Deliveries, Build and Send")
	}
	return nil
}

// warnOnce logs a warning about territory unless the last one was about the same key.
func (s *DigestScheduler) warnOnce(ctx context.Context, territory, key, msg string, args ...any) {
	s.mu.Lock()
	if s.warned == nil {
		s.warned = map[string]string{}
	}
	same := s.warned[territory] == key
	s.warned[territory] = key
	s.mu.Unlock()
	if !same {
		s.logger().WarnContext(ctx, msg, append([]any{"territory", territory}, args...)...)
	}
}

// forgetWarning clears territory's warning once it is fine again, so that a relapse is
// logged.
func (s *DigestScheduler) forgetWarning(territory string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.warned, territory)
}

func (s *DigestScheduler) observe(outcome string) {
	if s.Observer != nil {
		s.Observer.ObserveDigest(outcome)
	}
}

// run runs round at once, then at the next time it returns (when not zero) and at
// least every Interval, until ctx is done; it then returns nil. Failed rounds are
// logged, never fatal.
func (s *ScheduleSettings) run(ctx context.Context, what string, round func(context.Context) (next time.Time, err error)) error {
	for {
		next, err := round(ctx)
		if err != nil && ctx.Err() == nil {
			s.logger().ErrorContext(ctx, what+" round failed", "error", err)
		}
		wait := s.interval()
		if !next.IsZero() {
			wait = min(wait, max(next.Sub(s.now()), min(wait, time.Second)))
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-timer.C:
		}
	}
}

// claimed returns c with the lock, claimant, clock, staleness and logger of the
// settings.
func (s *ScheduleSettings) claimed(c claimedSend) claimedSend {
	c.lock, c.claimant, c.now, c.stale, c.logger = s.Lock, s.claimantName(), s.now, s.stale(), s.logger()
	return c
}

// recovered, deferred by an attempt, turns its panic into *err, logged with args (the
// key and period).
func (s *ScheduleSettings) recovered(ctx context.Context, what string, err *error, args ...any) {
	if p := recover(); p != nil {
		s.logger().ErrorContext(ctx, what+" panicked", append(args, "panic", p, "stack", string(debug.Stack()))...)
		*err = fmt.Errorf("panic: %v", p)
	}
}

// asOf returns AsOf, or the date of period (YYYY-MM-DD) when it is not set.
func (s *ScheduleSettings) asOf(period string) (time.Time, error) {
	if !s.AsOf.IsZero() {
		return s.AsOf, nil
	}
	return domain.ParseDate(period)
}

// Failing returns what failed in the last round or waits for its retry after failing,
// as "key: what failed; when it is retried", by key (territory, person).
func (s *ScheduleSettings) Failing() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.failing)
}

// setFailing records the sorted failing of a round.
func (s *ScheduleSettings) setFailing(failing []string) {
	slices.Sort(failing)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failing = failing
}

// settledIn returns the record of key's period when it is known done.
func (s *ScheduleSettings) settledIn(key, period string) (domain.DigestDelivery, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.settled[key]
	return d, ok && d.Week == period
}

// settle remembers that key's period d.Week needs nothing more.
func (s *ScheduleSettings) settle(key string, d domain.DigestDelivery) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.settled == nil {
		s.settled = map[string]domain.DigestDelivery{}
	}
	s.settled[key] = d
}

func (s *ScheduleSettings) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *ScheduleSettings) stale() time.Duration {
	if s.Stale > 0 {
		return s.Stale
	}
	return DefaultDigestStale
}

// catchUp returns CatchUp, or def when it is not set.
func (s *ScheduleSettings) catchUp(def time.Duration) time.Duration {
	if s.CatchUp > 0 {
		return s.CatchUp
	}
	return def
}

func (s *ScheduleSettings) interval() time.Duration {
	if s.Interval > 0 {
		return s.Interval
	}
	return min(DefaultDigestInterval, s.stale()/2)
}

func (s *ScheduleSettings) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// claimantName returns Claimant, or host:pid:random for this process.
func (s *ScheduleSettings) claimantName() string {
	s.claimantOnce.Do(func() {
		s.claimant = s.Claimant
		if s.claimant == "" {
			host, _ := os.Hostname()
			var b [4]byte
			rand.Read(b[:])
			s.claimant = fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b[:]))
		}
	})
	return s.claimant
}
