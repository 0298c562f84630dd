package domain

import (
	"sync"
	"time"
)

// DigestDue returns the latest time at or before now at which t's weekly digest was
// scheduled, and the week it is the digest of. An unknown time zone, day or hour is an
// EINVALID error naming it.
//
// A territory's digest falls due every week on its DigestDay at DigestHour:00 on the
// clocks of its Timezone (UTC when empty). A week's digest is known by its week: the
// local calendar date of its scheduled day, "YYYY-MM-DD" (the date even when a gap moves
// the instant past midnight). Across daylight-saving changes:
//
//   - a wall time the clocks skip (spring forward) is sent at the first instant after
//     the gap: 02:00 on the day New York springs forward is sent at 03:00 EDT, the
//     instant the clocks jump;
//   - a wall time the clocks show twice (fall back) is sent once, at the first: 01:00 on
//     the day New York falls back is sent at 01:00 EDT, not again an hour later.
//
// The schedule is computed by hand, with the calendar arithmetic of package time, rather
// than with a cron library: the common one, robfig/cron, skips an occurrence whose wall
// time falls in a daylight-saving gap (02:00 on the Sunday New York springs forward
// never comes, so nothing runs that week), which would lose a week's digest. time.Date
// alone is not enough either: for a wall time that does not exist, or that occurs
// twice, it returns one of the readings without saying which (it puts 02:00 of the New
// York gap back at 01:00 EST, and picks the second 02:00 of a Berlin or Sydney
// fall-back night), so digestAt chooses explicitly.
func DigestDue(t Territory, now time.Time) (due time.Time, week string, err error) {
	loc, err := t.digestSchedule()
	if err != nil {
		return time.Time{}, "", err
	}
	y, m, d := now.In(loc).Date()
	d -= (int(now.In(loc).Weekday()) - int(t.DigestDay) + 7) % 7
	due = digestAt(y, m, d, t.DigestHour, loc)
	if due.After(now) {
		d -= 7
		due = digestAt(y, m, d, t.DigestHour, loc)
	}
	return due, time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Format(DateLayout), nil
}

// NextDigest returns the first time after now at which t's weekly digest is scheduled,
// and the week it is the digest of. Errors are DigestDue's.
func NextDigest(t Territory, now time.Time) (next time.Time, week string, err error) {
	_, week, err = DigestDue(t, now)
	if err != nil {
		return time.Time{}, "", err
	}
	loc, _ := t.digestSchedule()
	day, _ := time.Parse(DateLayout, week)
	y, m, d := day.AddDate(0, 0, 7).Date()
	return digestAt(y, m, d, t.DigestHour, loc), time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Format(DateLayout), nil
}

// digestSchedule checks t's digest settings and returns its time zone.
func (t Territory) digestSchedule() (*time.Location, error) {
	if t.DigestDay < time.Sunday || t.DigestDay > time.Saturday {
		return nil, Errorf(EINVALID, "territory %s: digest day %d is not a day of the week", t.Name, int(t.DigestDay))
	}
	if t.DigestHour < 0 || t.DigestHour > 23 {
		return nil, Errorf(EINVALID, "territory %s: digest hour %d is not an hour (0–23)", t.Name, t.DigestHour)
	}
	if t.Timezone == "" {
		return time.UTC, nil
	}
	if loc, ok := zones.Load(t.Timezone); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(t.Timezone)
	if err != nil {
		return nil, Errorf(EINVALID, "territory %s: time zone %q is not an IANA time zone (e.g. America/Chicago)", t.Name, t.Timezone)
	}
	zones.Store(t.Timezone, loc)
	return loc, nil
}

// zones caches the time zones loaded by name: time.LoadLocation reads and parses the
// zone database on every call, and a scheduler asks every minute.
var zones sync.Map // string → *time.Location

// digestAt returns the instant the clocks of loc read hour:00 on the date y-m-d (which
// is normalised as time.Date does: day 0 is the last of the previous month). When the
// clocks show that wall time twice (fall back) it is the first; when they skip it
// (spring forward) it is the first instant after the gap.
func digestAt(y int, m time.Month, d, hour int, loc *time.Location) time.Time {
	wall := time.Date(y, m, d, hour, 0, 0, 0, time.UTC) // the wall time, read as if in UTC
	// The offsets in force within a day of the wall time: any transition near it lies
	// between the first and the last (offsets stay within -12 h and +14 h).
	var offsets [3]int
	for i, probe := range [...]time.Duration{-24 * time.Hour, 0, 24 * time.Hour} {
		_, offsets[i] = wall.Add(probe).In(loc).Zone()
	}
	var first time.Time
	for _, off := range offsets {
		u := wall.Add(-time.Duration(off) * time.Second)
		if wallClock(u.In(loc)).Equal(wall) && (first.IsZero() || u.Before(first)) {
			first = u
		}
	}
	if !first.IsZero() {
		return first
	}
	// The clocks skip the wall time: they jumped forward from the smaller offset to the
	// larger. Read with the larger one, the wall time is an instant before the jump;
	// the zone in force then ends at the jump.
	larger := max(offsets[0], offsets[1], offsets[2])
	if _, end := wall.Add(-time.Duration(larger) * time.Second).In(loc).ZoneBounds(); !end.IsZero() {
		return end
	}
	return time.Date(y, m, d, hour, 0, 0, 0, loc) // not reached with a sane zone database
}

// wallClock returns t's wall-clock reading as a time in UTC.
func wallClock(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

// Delivery statuses of a week's digest.
const (
	DigestPending = "pending" // claimed by a process that is building or sending it
	DigestSent    = "sent"
	DigestFailed  = "failed" // retried at RetryAt; given up when RetryAt is zero
)

// DigestMaxAttempts is how many times a week's digest is tried before it is given up and
// left failed with the last reason. With DigestRetryDelay the attempts span about four
// hours after the first.
const DigestMaxAttempts = 10

// DigestRetryDelay returns how long to wait after the attempts-th failed attempt before
// the next: 1, 2, 4, 8, 16, 32 minutes, then an hour.
func DigestRetryDelay(attempts int) time.Duration {
	if attempts < 1 {
		attempts = 1
	}
	if attempts > 7 {
		return time.Hour
	}
	return min(time.Minute<<(attempts-1), time.Hour)
}

// DigestDelivery is the record of one territory's digest of one week: whether it went
// out, who is sending it, how many times it was tried and why it last failed.
type DigestDelivery struct {
	Territory string
	Week      string // the local date of the scheduled day, YYYY-MM-DD
	Status    string // DigestPending, DigestSent or DigestFailed
	Claimant  string // the process that claimed it last
	Detail    string // where it went (channel, message timestamp), once sent
	LastError string // why the last attempt failed
	Attempts  int    // claims so far, the current one included
	ClaimedAt time.Time
	SentAt    time.Time // zero until sent
	RetryAt   time.Time // when a failed digest may be claimed again; zero: given up (or not failed)
}

// GivenUp reports whether the digest failed DigestMaxAttempts times (or its last
// claimant vanished on the last attempt) and will not be tried again.
func (d DigestDelivery) GivenUp() bool { return d.Status == DigestFailed && d.RetryAt.IsZero() }
