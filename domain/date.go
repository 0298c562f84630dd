package domain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// Date is a calendar day, as results carry their dates (an as-of date, a close date, an
// invoice's due date): it writes itself as YYYY-MM-DD in text and JSON, so a reply's
// JSON reads as before, and code that reads a result has the day itself, not a string
// to parse again.
//
// The zero Date is no date (a date not known, or none): String returns "" and JSON
// writes "", and both "" and null read as the zero Date. A field that is left out when
// there is no date is tagged omitzero. The zero Date cannot be told from 1 January of
// year 1, which no result holds.
//
// Dates compare with == as well as Equal; go-cmp compares them with Equal.
type Date struct {
	t time.Time // midnight UTC of the day; the zero time for the zero Date
}

// DateOf returns the calendar day of t in t's location (as Day does).
func DateOf(t time.Time) Date { return Date{Day(t)} }

// NewDate returns the date year-month-day, normalised as time.Date does (1 February for
// 30 January + 2).
func NewDate(year int, month time.Month, day int) Date {
	return Date{time.Date(year, month, day, 0, 0, 0, 0, time.UTC)}
}

// Time returns midnight UTC of the day; the zero time for the zero Date.
func (d Date) Time() time.Time { return d.t }

// IsZero reports whether d is the zero Date, no date.
func (d Date) IsZero() bool { return d.t.IsZero() }

// Equal reports whether d and e are the same day.
func (d Date) Equal(e Date) bool { return d.t.Equal(e.t) }

// Compare returns -1 when d is before e, 0 when they are the same day and +1 when d is
// after e. The zero Date is before every other.
func (d Date) Compare(e Date) int { return d.t.Compare(e.t) }

// String formats the date as YYYY-MM-DD; "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(DateLayout)
}

// MarshalText writes the date as String does.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD, or "" as the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	t, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = Date{t}
	return nil
}

// MarshalJSON writes the date as a JSON string, "YYYY-MM-DD" or "" (see Date).
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads a JSON string as UnmarshalText does; null leaves d as it is, as
// encoding/json does for other types.
func (d *Date) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a date is a JSON string (YYYY-MM-DD): %w", err)
	}
	return d.UnmarshalText([]byte(s))
}
