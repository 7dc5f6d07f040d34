// Package civil is ipoint's one notion of a calendar day: "today" is the civil date of
// an instant in the configured time zone, computed here and nowhere else. The IANA time
// zone database is embedded (time/tzdata), so a host without zoneinfo files computes
// the same days as any other; there is no fixed-offset fallback.
package civil

import (
	"fmt"
	"time"
	_ "time/tzdata" // the zone database inside the binary
)

// DefaultZone is the office's time zone and the configuration's default.
const DefaultZone = "Europe/Berlin"

// Location loads an IANA time zone by name ("" means DefaultZone). It fails for a name
// the embedded database does not know; it never substitutes a fixed offset.
func Location(name string) (*time.Location, error) {
	if name == "" {
		name = DefaultZone
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q: %w", name, err)
	}
	return loc, nil
}

// Berlin is DefaultZone, loaded once (the embedded database always has it).
var Berlin = mustLocation(DefaultZone)

func mustLocation(name string) *time.Location {
	loc, err := Location(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// Day is a calendar date without a time or a zone. The zero Day is "no day".
type Day struct{ t time.Time } // midnight UTC of the date

// Date returns the Day y-m-d (normalised like time.Date).
func Date(y int, m time.Month, d int) Day { return Day{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// Of returns the civil date of the instant t in loc.
func Of(t time.Time, loc *time.Location) Day {
	y, m, d := t.In(loc).Date()
	return Date(y, m, d)
}

// FromTime returns the date t carries in its own location (for values that are dates
// already, such as a parsed Stichtag).
func FromTime(t time.Time) Day {
	y, m, d := t.Date()
	return Date(y, m, d)
}

// Parse reads an ISO date, 2006-01-02.
func Parse(s string) (Day, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Day{}, err
	}
	return Day{t}, nil
}

// IsZero reports whether d is the zero Day.
func (d Day) IsZero() bool { return d.t.IsZero() }

// String is the ISO form, 2006-01-02 ("" for the zero Day).
func (d Day) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}

// Time is midnight UTC of the date: the form the lake and the warehouse store dates in.
func (d Day) Time() time.Time { return d.t }

// Start is the instant the day begins in loc (not always 00:00 on a DST change).
func (d Day) Start(loc *time.Location) time.Time {
	y, m, dd := d.t.Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, loc)
}

// AddDays returns the day n days later (earlier for negative n).
func (d Day) AddDays(n int) Day { return Day{d.t.AddDate(0, 0, n)} }

// DaysSince returns the number of days from e to d (negative if e is later).
func (d Day) DaysSince(e Day) int { return int(d.t.Sub(e.t).Hours() / 24) }

// Before, After and Equal compare days.
func (d Day) Before(e Day) bool { return d.t.Before(e.t) }
func (d Day) After(e Day) bool  { return d.t.After(e.t) }
func (d Day) Equal(e Day) bool  { return d.t.Equal(e.t) }
