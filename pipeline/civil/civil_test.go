package civil

import (
	"testing"
	"time"
)

func TestOfAcrossZonesAndDSTChanges(t *testing.T) {
	for _, c := range []struct {
		instant string // UTC
		want    string // the day in Berlin
	}{
		{"2026-03-28T22:59:59Z", "2026-03-28"}, // CET, before the spring change
		{"2026-03-28T23:00:00Z", "2026-03-29"}, // midnight CET
		{"2026-03-29T22:00:00Z", "2026-03-30"}, // midnight CEST: the day after the change
		{"2026-10-24T22:00:00Z", "2026-10-25"}, // midnight CEST, the autumn change's day
		{"2026-10-25T22:59:59Z", "2026-10-25"}, // 23:59:59 CET the same day
		{"2026-10-25T23:00:00Z", "2026-10-26"},
		{"2026-12-31T22:59:59Z", "2026-12-31"}, // New Year's Eve
		{"2026-12-31T23:00:00Z", "2027-01-01"},
	} {
		at, err := time.Parse(time.RFC3339, c.instant)
		if err != nil {
			t.Fatal(err)
		}
		if got := Of(at, Berlin).String(); got != c.want {
			t.Errorf("Of(%s, Berlin) = %s, want %s", c.instant, got, c.want)
		}
	}
}

func TestDayArithmetic(t *testing.T) {
	d, err := Parse("2026-10-25")
	if err != nil {
		t.Fatal(err)
	}
	if got := d.AddDays(1).String(); got != "2026-10-26" {
		t.Errorf("AddDays(1) = %s", got)
	}
	// A day of 25 hours does not shift the count.
	if n := Date(2026, 10, 26).DaysSince(Date(2026, 10, 24)); n != 2 {
		t.Errorf("DaysSince across the autumn change = %d, want 2", n)
	}
	if n := Date(2027, 1, 1).DaysSince(Date(2026, 12, 31)); n != 1 {
		t.Errorf("DaysSince across New Year = %d", n)
	}
	if s := Date(2026, 3, 29).Start(Berlin); s.UTC().Format(time.RFC3339) != "2026-03-28T23:00:00Z" {
		t.Errorf("Start of the spring change day = %s", s.UTC())
	}
	if (Day{}).String() != "" || !(Day{}).IsZero() || d.IsZero() {
		t.Error("zero day")
	}
	if !Date(2026, 1, 1).Before(d) || !d.After(Date(2026, 1, 1)) || !d.Equal(Date(2026, 10, 25)) {
		t.Error("comparisons")
	}
	if _, err := Parse("25.10.2026"); err == nil {
		t.Error("a German date parsed as ISO")
	}
}

func TestLocation(t *testing.T) {
	if _, err := Location("Mars/Olympus"); err == nil {
		t.Error("an unknown zone loaded")
	}
	loc, err := Location("")
	if err != nil || loc.String() != DefaultZone {
		t.Errorf("default zone: %v %v", loc, err)
	}
}
