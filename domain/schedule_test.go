package domain_test

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones must not depend on the machine's zoneinfo

	"github.com/incumbent/incumbent/domain"
)

func utc(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.UTC)
}

func TestDigestDue(t *testing.T) {
	ny := func(day time.Weekday, hour int) domain.Territory {
		return domain.Territory{Name: "East", Timezone: "America/New_York", DigestDay: day, DigestHour: hour}
	}
	sydney := func(day time.Weekday, hour int) domain.Territory {
		return domain.Territory{Name: "ANZ", Timezone: "Australia/Sydney", DigestDay: day, DigestHour: hour}
	}
	tests := []struct {
		name     string
		t        domain.Territory
		now      time.Time
		due      time.Time
		week     string
		next     time.Time
		nextWeek string
	}{
		// New York springs forward on Sunday 8 March 2026: 02:00 EST becomes 03:00 EDT
		// (07:00 UTC), so 02:00 never comes that day.
		{"spring forward: before the jump", ny(time.Sunday, 2), utc(2026, 3, 8, 6, 59),
			utc(2026, 3, 1, 7, 0), "2026-03-01", utc(2026, 3, 8, 7, 0), "2026-03-08"},
		{"spring forward: 02:00 is sent at the jump, 03:00 EDT", ny(time.Sunday, 2), utc(2026, 3, 8, 7, 0),
			utc(2026, 3, 8, 7, 0), "2026-03-08", utc(2026, 3, 15, 6, 0), "2026-03-15"},
		{"spring forward: a week later 02:00 EDT", ny(time.Sunday, 2), utc(2026, 3, 15, 6, 0),
			utc(2026, 3, 15, 6, 0), "2026-03-15", utc(2026, 3, 22, 6, 0), "2026-03-22"},
		// New York falls back on Sunday 1 November 2026: 02:00 EDT becomes 01:00 EST
		// (06:00 UTC), so 01:00 comes twice: at 05:00 and at 06:00 UTC.
		{"fall back: before the first 01:00", ny(time.Sunday, 1), utc(2026, 11, 1, 4, 59),
			utc(2026, 10, 25, 5, 0), "2026-10-25", utc(2026, 11, 1, 5, 0), "2026-11-01"},
		{"fall back: the first 01:00 (EDT)", ny(time.Sunday, 1), utc(2026, 11, 1, 5, 0),
			utc(2026, 11, 1, 5, 0), "2026-11-01", utc(2026, 11, 8, 6, 0), "2026-11-08"},
		{"fall back: the second 01:00 (EST) is the same week", ny(time.Sunday, 1), utc(2026, 11, 1, 6, 30),
			utc(2026, 11, 1, 5, 0), "2026-11-01", utc(2026, 11, 8, 6, 0), "2026-11-08"},
		// A normal 8 am: the UTC instant moves by an hour across each change.
		{"8 am before spring forward (EST)", ny(time.Monday, 8), utc(2026, 3, 9, 11, 59),
			utc(2026, 3, 2, 13, 0), "2026-03-02", utc(2026, 3, 9, 12, 0), "2026-03-09"},
		{"8 am after spring forward (EDT)", ny(time.Monday, 8), utc(2026, 3, 9, 12, 0),
			utc(2026, 3, 9, 12, 0), "2026-03-09", utc(2026, 3, 16, 12, 0), "2026-03-16"},
		{"8 am before fall back (EDT)", ny(time.Monday, 8), utc(2026, 11, 2, 12, 59),
			utc(2026, 10, 26, 12, 0), "2026-10-26", utc(2026, 11, 2, 13, 0), "2026-11-02"},
		{"8 am after fall back (EST)", ny(time.Monday, 8), utc(2026, 11, 2, 13, 0),
			utc(2026, 11, 2, 13, 0), "2026-11-02", utc(2026, 11, 9, 13, 0), "2026-11-09"},
		// Sydney (southern hemisphere) falls back on Sunday 5 April 2026, 03:00 AEDT →
		// 02:00 AEST (16:00 UTC on the 4th): 02:00 comes at 15:00 and at 16:00 UTC.
		{"Sydney fall back: the first 02:00 (AEDT)", sydney(time.Sunday, 2), utc(2026, 4, 4, 15, 30),
			utc(2026, 4, 4, 15, 0), "2026-04-05", utc(2026, 4, 11, 16, 0), "2026-04-12"},
		// … and springs forward on Sunday 4 October 2026, 02:00 AEST → 03:00 AEDT.
		{"Sydney spring forward: before", sydney(time.Sunday, 2), utc(2026, 10, 3, 15, 59),
			utc(2026, 9, 26, 16, 0), "2026-09-27", utc(2026, 10, 3, 16, 0), "2026-10-04"},
		{"Sydney spring forward: at the jump", sydney(time.Sunday, 2), utc(2026, 10, 3, 16, 0),
			utc(2026, 10, 3, 16, 0), "2026-10-04", utc(2026, 10, 10, 15, 0), "2026-10-11"},
		{"Sydney 8 am on Monday across the April change", sydney(time.Monday, 8), utc(2026, 4, 5, 21, 59),
			utc(2026, 3, 29, 21, 0), "2026-03-30", utc(2026, 4, 5, 22, 0), "2026-04-06"},
		// Berlin falls back on 25 October 2026 at 01:00 UTC (03:00 CEST → 02:00 CET):
		// time.Date alone would pick the second 02:00.
		{"Berlin fall back: the first 02:00 (CEST)",
			domain.Territory{Name: "DACH", Timezone: "Europe/Berlin", DigestDay: time.Sunday, DigestHour: 2},
			utc(2026, 10, 25, 0, 0), utc(2026, 10, 25, 0, 0), "2026-10-25", utc(2026, 11, 1, 1, 0), "2026-11-01"},
		// Santiago springs forward at midnight on Sunday 6 September 2026 (00:00 -04 →
		// 01:00 -03): a midnight digest is sent at 01:00, still that Sunday's.
		{"Santiago midnight gap",
			domain.Territory{Name: "Cono Sur", Timezone: "America/Santiago", DigestDay: time.Sunday, DigestHour: 0},
			utc(2026, 9, 6, 4, 0), utc(2026, 9, 6, 4, 0), "2026-09-06", utc(2026, 9, 13, 3, 0), "2026-09-13"},
		// … and falls back at midnight on Sunday 5 April 2026 (00:00 -03 → 23:00 -04 on
		// Saturday): Saturday 23:00 comes twice, at 02:00 and 03:00 UTC.
		{"Santiago Saturday 23:00 twice",
			domain.Territory{Name: "Cono Sur", Timezone: "America/Santiago", DigestDay: time.Saturday, DigestHour: 23},
			utc(2026, 4, 5, 3, 30), utc(2026, 4, 5, 2, 0), "2026-04-04", utc(2026, 4, 12, 3, 0), "2026-04-11"},
		// Kolkata is UTC+5:30 all year.
		{"Kolkata 8 am", domain.Territory{Name: "India", Timezone: "Asia/Kolkata", DigestDay: time.Monday, DigestHour: 8},
			utc(2026, 3, 9, 2, 29), utc(2026, 3, 2, 2, 30), "2026-03-02", utc(2026, 3, 9, 2, 30), "2026-03-09"},
		{"Kolkata 2 am is the day before in UTC", domain.Territory{Name: "India", Timezone: "Asia/Kolkata", DigestDay: time.Monday, DigestHour: 2},
			utc(2026, 3, 8, 20, 30), utc(2026, 3, 8, 20, 30), "2026-03-09", utc(2026, 3, 15, 20, 30), "2026-03-16"},
		// No time zone: UTC.
		{"UTC default", domain.Territory{Name: "North", DigestDay: time.Monday, DigestHour: 8},
			utc(2026, 3, 9, 8, 0), utc(2026, 3, 9, 8, 0), "2026-03-09", utc(2026, 3, 16, 8, 0), "2026-03-16"},
		{"UTC default, a nanosecond early", domain.Territory{Name: "North", DigestDay: time.Monday, DigestHour: 8},
			utc(2026, 3, 9, 8, 0).Add(-time.Nanosecond), utc(2026, 3, 2, 8, 0), "2026-03-02", utc(2026, 3, 9, 8, 0), "2026-03-09"},
		{"zero settings: Sunday midnight UTC", domain.Territory{Name: "North"},
			utc(2026, 3, 10, 0, 0), utc(2026, 3, 8, 0, 0), "2026-03-08", utc(2026, 3, 15, 0, 0), "2026-03-15"},
		{"now in another zone", domain.Territory{Name: "North", Timezone: "UTC", DigestDay: time.Monday, DigestHour: 8},
			utc(2026, 3, 9, 8, 0).In(time.FixedZone("X", -11*3600)), utc(2026, 3, 9, 8, 0), "2026-03-09", utc(2026, 3, 16, 8, 0), "2026-03-16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			due, week, err := domain.DigestDue(tt.t, tt.now)
			if err != nil {
				t.Fatal(err)
			}
			if !due.Equal(tt.due) || week != tt.week {
				t.Errorf("DigestDue(%v) = %v, %s; want %v, %s", tt.now.UTC(), due.UTC(), week, tt.due, tt.week)
			}
			next, nextWeek, err := domain.NextDigest(tt.t, tt.now)
			if err != nil {
				t.Fatal(err)
			}
			if !next.Equal(tt.next) || nextWeek != tt.nextWeek {
				t.Errorf("NextDigest(%v) = %v, %s; want %v, %s", tt.now.UTC(), next.UTC(), nextWeek, tt.next, tt.nextWeek)
			}
		})
	}
}

// TestDigestDueAllYear walks 2026 in steps of 97 minutes in several zones and checks the
// schedule's invariants: the due time is at or before now and the next after it, a week
// is the scheduled weekday, weeks follow each other 7 days apart with none skipped, and
// each week's digest is due at one instant only.
func TestDigestDueAllYear(t *testing.T) {
	zones := []string{"", "America/New_York", "Australia/Sydney", "America/Santiago", "Europe/Berlin", "Asia/Kolkata", "Australia/Lord_Howe"}
	for _, zone := range zones {
		for _, hour := range []int{0, 1, 2, 3, 8, 23} {
			tr := domain.Territory{Name: "T", Timezone: zone, DigestDay: time.Sunday, DigestHour: hour}
			dueOf := map[string]time.Time{}
			var weeks []string
			for now := utc(2026, 1, 1, 0, 0); now.Year() == 2026; now = now.Add(97 * time.Minute) {
				due, week, err := domain.DigestDue(tr, now)
				if err != nil {
					t.Fatal(err)
				}
				next, nextWeek, err := domain.NextDigest(tr, now)
				if err != nil {
					t.Fatal(err)
				}
				if due.After(now) || !next.After(now) {
					t.Fatalf("%s %02d:00 at %v: due %v, next %v", zone, hour, now, due, next)
				}
				if d := next.Sub(due); d < 7*24*time.Hour-time.Hour || d > 7*24*time.Hour+time.Hour {
					t.Fatalf("%s %02d:00 at %v: due %v and next %v are %v apart", zone, hour, now, due, next, d)
				}
				if w, _ := time.Parse(domain.DateLayout, week); w.Weekday() != time.Sunday || w.AddDate(0, 0, 7).Format(domain.DateLayout) != nextWeek {
					t.Fatalf("%s %02d:00 at %v: week %s, next week %s", zone, hour, now, week, nextWeek)
				}
				if d, ok := dueOf[week]; ok && !d.Equal(due) {
					t.Fatalf("%s %02d:00: week %s due at %v and at %v", zone, hour, week, d, due)
				}
				if _, ok := dueOf[week]; !ok {
					if n := len(weeks); n > 0 {
						if prev, _ := time.Parse(domain.DateLayout, weeks[n-1]); prev.AddDate(0, 0, 7).Format(domain.DateLayout) != week {
							t.Fatalf("%s %02d:00: week %s follows %s", zone, hour, week, weeks[n-1])
						}
					}
					weeks = append(weeks, week)
				}
				dueOf[week] = due
			}
			if len(weeks) < 52 {
				t.Errorf("%s %02d:00: %d weeks in 2026", zone, hour, len(weeks))
			}
		}
	}
}

func TestDigestDueInvalid(t *testing.T) {
	tests := []struct {
		name string
		t    domain.Territory
		want string
	}{
		{"unknown zone", domain.Territory{Name: "Mars", Timezone: "Mars/Olympus_Mons", DigestHour: 8}, `"Mars/Olympus_Mons"`},
		{"hour 24", domain.Territory{Name: "North", DigestHour: 24}, "digest hour 24"},
		{"negative hour", domain.Territory{Name: "North", DigestHour: -1}, "digest hour -1"},
		{"day 7", domain.Territory{Name: "North", DigestDay: 7}, "digest day 7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := domain.DigestDue(tt.t, utc(2026, 3, 9, 8, 0))
			if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), tt.want) ||
				!strings.Contains(domain.ErrorMessage(err), tt.t.Name) {
				t.Errorf("DigestDue: %v; want EINVALID naming %s and %s", err, tt.t.Name, tt.want)
			}
			if _, _, err := domain.NextDigest(tt.t, utc(2026, 3, 9, 8, 0)); domain.ErrorCode(err) != domain.EINVALID {
				t.Errorf("NextDigest: %v; want EINVALID", err)
			}
		})
	}
}

func TestDigestRetryDelay(t *testing.T) {
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute,
		32 * time.Minute, time.Hour, time.Hour, time.Hour}
	for i, w := range want {
		if got := domain.DigestRetryDelay(i + 1); got != w {
			t.Errorf("DigestRetryDelay(%d) = %v, want %v", i+1, got, w)
		}
	}
	if got := domain.DigestRetryDelay(1000); got != time.Hour {
		t.Errorf("DigestRetryDelay(1000) = %v", got)
	}
}
