package crm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// DefaultEvery is how often `incumbent serve` syncs each configured CRM
// (INCUMBENT_SYNC_EVERY).
const DefaultEvery = time.Hour

// ClaimStore claims scheduled sync runs, so that of the replicas that try a run at once
// one runs it (as digests are claimed).
type ClaimStore interface {
	ClaimSync(ctx context.Context, crm, slot, claimant string, now time.Time, stale time.Duration) (bool, error)
	MarkSyncDone(ctx context.Context, crm, slot, claimant, detail string, now time.Time) error
}

// Scheduler runs each Syncer once in every period of Every: the period's run is claimed
// in the store, so across replicas and restarts it runs once.
type Scheduler struct {
	Syncers  []*Syncer
	Claims   ClaimStore
	Every    time.Duration // 0: DefaultEvery
	Claimant string        // this process, in claims
	Now      func() time.Time
	Logger   *slog.Logger
	// Wait returns a channel that receives after d; nil: time.After.
	Wait func(d time.Duration) <-chan time.Time
}

func (s *Scheduler) every() time.Duration {
	if s.Every <= 0 {
		return DefaultEvery
	}
	return s.Every
}

func (s *Scheduler) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Scheduler) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}

// Slot names the period of Every that t falls in: its start, in UTC.
func (s *Scheduler) Slot(t time.Time) string {
	return t.UTC().Truncate(s.every()).Format(time.RFC3339)
}

// RunOnce runs, for each CRM, the current period's sync if no process has claimed it. It
// returns how many runs this process made; a failed run is recorded in the sync state,
// logged and counted, not returned: the next period tries again.
func (s *Scheduler) RunOnce(ctx context.Context) (int, error) {
	var errs []error
	ran := 0
	for _, sy := range s.Syncers {
		now := s.now()
		slot := s.Slot(now)
		ok, err := s.Claims.ClaimSync(ctx, sy.CRM, slot, s.Claimant, now, s.every())
		if err != nil {
			errs = append(errs, fmt.Errorf("claim the %s sync of %s: %w", sy.CRM, slot, err))
			continue
		}
		if !ok {
			continue
		}
		ran++
		run, err := sy.Run(ctx, false)
		detail := "ok"
		if err != nil {
			detail = "failed: " + firstLine(err.Error())
			s.logger().WarnContext(ctx, "sync failed", "crm", sy.CRM, "slot", slot, "err", firstLine(err.Error()), "record", run.Record)
		} else {
			s.logger().InfoContext(ctx, "sync done", "crm", sy.CRM, "slot", slot, "accounts", run.Accounts, "people", run.People,
				"opportunities", run.Opportunities, "deleted", run.Deleted, "skipped", run.Skipped, "calls", run.Calls, "version", run.Version)
		}
		if err := s.Claims.MarkSyncDone(context.WithoutCancel(ctx), sy.CRM, slot, s.Claimant, detail, s.now()); err != nil {
			errs = append(errs, fmt.Errorf("record the %s sync of %s: %w", sy.CRM, slot, err))
		}
	}
	return ran, errors.Join(errs...)
}

// Run runs RunOnce now and at the start of every period, until ctx is done; it then
// returns nil.
func (s *Scheduler) Run(ctx context.Context) error {
	wait := s.Wait
	if wait == nil {
		wait = time.After
	}
	s.logger().InfoContext(ctx, "sync scheduler started", "every", s.every().String(), "claimant", s.Claimant)
	for {
		if _, err := s.RunOnce(ctx); err != nil {
			s.logger().ErrorContext(ctx, "sync round failed", "err", err)
		}
		now := s.now()
		next := now.UTC().Truncate(s.every()).Add(s.every())
		select {
		case <-ctx.Done():
			return nil
		case <-wait(next.Sub(now)):
		}
	}
}

// StateReader reads a CRM's sync state.
type StateReader interface {
	SyncState(ctx context.Context, crm string) (domain.SyncState, error)
}

// Failing returns an error naming each CRM of crms whose last run failed (with the
// record that failed, if one did), nil when none did: /readyz reports it as degraded.
func Failing(ctx context.Context, r StateReader, crms []string) error {
	var problems []string
	for _, c := range crms {
		st, err := r.SyncState(ctx, c)
		if err != nil {
			return err
		}
		if st.Last.Started.IsZero() || st.Last.OK {
			continue
		}
		p := fmt.Sprintf("%s: the run of %s failed: %s", c, st.Last.Started.UTC().Format(time.RFC3339), firstLine(st.Last.Error))
		if st.Last.Record != "" {
			p += " (" + st.Last.Record + ")"
		}
		problems = append(problems, p)
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// Report is a CRM's sync as /readyz shows it: the last run, its time and row counts.
type Report struct {
	CRM     string         `json:"crm"`
	Last    domain.SyncRun `json:"last"`
	LastOK  time.Time      `json:"last_ok,omitzero"`
	Through time.Time      `json:"through,omitzero"`
}

// Reports returns the reports of crms. A failed run's error is cut to its first line:
// anyone may read /readyz, and the problems below it quote the CRM's values (the
// record and field that failed stay, in Record).
func Reports(ctx context.Context, r StateReader, crms []string) ([]Report, error) {
	var out []Report
	for _, c := range crms {
		st, err := r.SyncState(ctx, c)
		if err != nil {
			return nil, err
		}
		st.Last.Error = firstLine(st.Last.Error)
		out = append(out, Report{CRM: c, Last: st.Last, LastOK: st.LastOK, Through: st.Through})
	}
	return out, nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}
