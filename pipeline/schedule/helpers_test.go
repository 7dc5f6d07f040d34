package schedule

import (
	"testing"
	"time"
	_ "time/tzdata" // the tests need Europe/Berlin wherever they run
)

func berlin(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// day is midnight of a day in loc.
func day(loc *time.Location, y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// at is a wall-clock time in loc (unambiguous ones only).
func at(loc *time.Location, y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, loc)
}

// utc formats an instant as "MM-DD hh:mm:ss" in UTC (with a fraction of a second only
// if there is one), the form the tests assert in.
func utc(t time.Time) string { return t.UTC().Format("01-02 15:04:05.999999999") }
