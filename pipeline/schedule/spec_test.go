package schedule

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// runs lists a schedule's runs in [from, to) as UTC instants.
func runs(t *testing.T, s *Schedule, from, to time.Time) []string {
	t.Helper()
	var out []string
	for x := s.Next(from.Add(-time.Nanosecond)); !x.IsZero() && x.Before(to); x = s.Next(x) {
		if x.Location() != s.Location() {
			t.Fatalf("Next gives %v in %v, want the schedule's zone", x, x.Location())
		}
		out = append(out, utc(x))
	}
	return out
}

// TestScheduleDST asserts every run around the clock changes of 2026 in Europe/Berlin:
// 2026-03-29 02:00 CET -> 03:00 CEST (01:00 UTC), 2026-10-25 03:00 CEST -> 02:00 CET
// (01:00 UTC).
func TestScheduleDST(t *testing.T) {
	loc := berlin(t)
	spring, autumn := day(loc, 2026, 3, 28), day(loc, 2026, 10, 24)
	tests := []struct {
		name, spec string
		from, to   time.Time
		want       []string // UTC
	}{
		// Spring: a fixed-time job in the skipped hour runs once, at 03:00 CEST (01:00Z).
		{"spring 02:00", "0 2 * * *", spring, spring.AddDate(0, 0, 3),
			[]string{"03-28 01:00:00", "03-29 01:00:00", "03-30 00:00:00"}},
		{"spring 02:30", "30 2 * * *", spring, spring.AddDate(0, 0, 3),
			[]string{"03-28 01:30:00", "03-29 01:00:00", "03-30 00:30:00"}},
		{"spring 02:59", "59 2 * * *", spring, spring.AddDate(0, 0, 3),
			[]string{"03-28 01:59:00", "03-29 01:00:00", "03-30 00:59:00"}},
		{"spring 03:00", "0 3 * * *", spring, spring.AddDate(0, 0, 3),
			[]string{"03-28 02:00:00", "03-29 01:00:00", "03-30 01:00:00"}},
		{"spring 02:00 and 03:00 are one instant", "0 2,3 * * *", spring, spring.AddDate(0, 0, 3),
			[]string{"03-28 01:00:00", "03-28 02:00:00", "03-29 01:00:00", "03-30 00:00:00", "03-30 01:00:00"}},
		{"spring 01:30 to 03:30", "30 1-3 * * *", spring.AddDate(0, 0, 1), spring.AddDate(0, 0, 2),
			[]string{"03-29 00:30:00", "03-29 01:00:00", "03-29 01:30:00"}},
		{"spring midnight", "@daily", spring, spring.AddDate(0, 0, 3),
			[]string{"03-27 23:00:00", "03-28 23:00:00", "03-29 22:00:00"}},
		{"spring weekly", "0 6 * * 1", spring, spring.AddDate(0, 0, 3), []string{"03-30 04:00:00"}},
		{"spring retention", "0 3 * * 0", spring, spring.AddDate(0, 0, 3), []string{"03-29 01:00:00"}},
		// Wildcard jobs follow real time: no run is made up.
		{"spring hourly", "30 * * * *", at(loc, 2026, 3, 29, 0, 0), at(loc, 2026, 3, 29, 5, 0),
			[]string{"03-28 23:30:00", "03-29 00:30:00", "03-29 01:30:00", "03-29 02:30:00"}},
		{"spring wildcard minute", "*/15 2 * * *", spring, spring.AddDate(0, 0, 3),
			[]string{"03-28 01:00:00", "03-28 01:15:00", "03-28 01:30:00", "03-28 01:45:00",
				"03-30 00:00:00", "03-30 00:15:00", "03-30 00:30:00", "03-30 00:45:00"}},

		// Autumn: a fixed-time job in the repeated hour runs at the first occurrence only.
		{"autumn 02:00", "0 2 * * *", autumn, autumn.AddDate(0, 0, 3),
			[]string{"10-24 00:00:00", "10-25 00:00:00", "10-26 01:00:00"}},
		{"autumn 02:30", "30 2 * * *", autumn, autumn.AddDate(0, 0, 3),
			[]string{"10-24 00:30:00", "10-25 00:30:00", "10-26 01:30:00"}},
		{"autumn 02:59", "59 2 * * *", autumn, autumn.AddDate(0, 0, 3),
			[]string{"10-24 00:59:00", "10-25 00:59:00", "10-26 01:59:00"}},
		{"autumn 03:00", "0 3 * * *", autumn, autumn.AddDate(0, 0, 3),
			[]string{"10-24 01:00:00", "10-25 02:00:00", "10-26 02:00:00"}},
		{"autumn 01:30 to 03:30", "30 1-3 * * *", autumn.AddDate(0, 0, 1), autumn.AddDate(0, 0, 2),
			[]string{"10-24 23:30:00", "10-25 00:30:00", "10-25 02:30:00"}},
		{"autumn retention", "0 3 * * 0", autumn, autumn.AddDate(0, 0, 3), []string{"10-25 02:00:00"}},
		{"autumn hourly", "30 * * * *", at(loc, 2026, 10, 25, 0, 0), at(loc, 2026, 10, 25, 4, 0),
			[]string{"10-24 22:30:00", "10-24 23:30:00", "10-25 00:30:00", "10-25 01:30:00", "10-25 02:30:00"}},
		{"autumn wildcard minute", "*/15 2 * * *", autumn.AddDate(0, 0, 1), autumn.AddDate(0, 0, 2),
			[]string{"10-25 00:00:00", "10-25 00:15:00", "10-25 00:30:00", "10-25 00:45:00",
				"10-25 01:00:00", "10-25 01:15:00", "10-25 01:30:00", "10-25 01:45:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse(tt.spec, loc)
			if err != nil {
				t.Fatal(err)
			}
			if got := runs(t, s, tt.from, tt.to); !slices.Equal(got, tt.want) {
				t.Errorf("%s:\n got %v\nwant %v", tt.spec, got, tt.want)
			}
		})
	}
}

// TestScheduleEveryDayOnce steps through 2026 with the nightly jobs: one run every
// day, at the job's wall-clock time where that exists (its first occurrence on
// 2026-10-25) and at 03:00 on 2026-03-29.
func TestScheduleEveryDayOnce(t *testing.T) {
	loc := berlin(t)
	for _, j := range []struct {
		spec         string
		hour, minute int
	}{{"0 2 * * *", 2, 0}, {"30 2 * * *", 2, 30}, {"59 2 * * *", 2, 59}, {"0 3 * * *", 3, 0}} {
		s, err := Parse(j.spec, loc)
		if err != nil {
			t.Fatal(err)
		}
		first := day(loc, 2026, 1, 1)
		x := s.Next(first)
		for d := first; d.Year() == 2026; d = d.AddDate(0, 0, 1) {
			want := time.Date(d.Year(), d.Month(), d.Day(), j.hour, j.minute, 0, 0, loc)
			switch {
			case d.Month() == 3 && d.Day() == 29 && j.hour == 2:
				want = at(loc, 2026, 3, 29, 3, 0)
			case d.Month() == 10 && d.Day() == 25 && j.hour == 2:
				want = want.Add(-time.Hour) // time.Date takes the CET one; the CEST one is first
			}
			if !x.Equal(want) {
				t.Fatalf("%s: run at %v, want %v", j.spec, x, want)
			}
			x = s.Next(x)
		}
	}
}

func TestScheduleLatest(t *testing.T) {
	loc := berlin(t)
	nightly, _ := Parse("30 2 * * *", loc)
	minutely, _ := Parse("* * * * *", loc)
	yearly, _ := Parse("@yearly", loc)
	tests := []struct {
		name       string
		s          *Schedule
		after, now time.Time
		want       string // UTC, or "" for none
	}{
		{"three nights missed", nightly, at(loc, 2026, 3, 1, 2, 30), at(loc, 2026, 3, 4, 10, 0), "03-04 01:30:00"},
		{"none missed", nightly, at(loc, 2026, 3, 4, 2, 30), at(loc, 2026, 3, 4, 10, 0), ""},
		{"due at now", nightly, at(loc, 2026, 3, 4, 2, 30), at(loc, 2026, 3, 5, 2, 30), "03-05 01:30:00"},
		{"after is after now", nightly, at(loc, 2026, 3, 5, 2, 30), at(loc, 2026, 3, 4, 2, 30), ""},
		{"made up in spring", nightly, at(loc, 2026, 3, 28, 12, 0), at(loc, 2026, 3, 29, 3, 0), "03-29 01:00:00"},
		{"not repeated in autumn", nightly, at(loc, 2026, 10, 25, 2, 45).Add(-time.Hour), at(loc, 2026, 10, 25, 2, 45), ""},
		{"a year of minutes", minutely, day(loc, 2025, 1, 1), day(loc, 2026, 1, 1).Add(30 * time.Second), "12-31 23:00:00"},
		{"a day without a run", nightly, at(loc, 2025, 1, 1, 2, 30), at(loc, 2025, 1, 2, 2, 29), ""},
		{"years back", yearly, day(loc, 2024, 1, 1), day(loc, 2026, 6, 1), "12-31 23:00:00"},
	}
	for _, tt := range tests {
		got := tt.s.latest(tt.after, tt.now)
		if g := map[bool]string{true: "", false: utc(got)}[got.IsZero()]; g != tt.want {
			t.Errorf("%s: latest(%s, %s) = %q, want %q", tt.name, utc(tt.after), utc(tt.now), g, tt.want)
		}
	}
}

func TestParse(t *testing.T) {
	loc := berlin(t)
	tests := []struct {
		spec  string
		fixed bool
		err   string
	}{
		{"30 2 * * *", true, ""},
		{"0 1-5 * * *", true, ""},
		{"0 6 * * mon", true, ""},
		{"@daily", true, ""},
		{"@weekly", true, ""},
		{"@hourly", false, ""},
		{"30 * * * *", false, ""},
		{"*/15 2 * * *", false, ""},
		{"0 */2 * * *", false, ""},
		{"", false, "empty spec"},
		{"30 2 * *", false, "expected exactly 5 fields"},
		{"61 2 * * *", false, "above maximum"},
		{"0 0 * * * *", false, "expected exactly 5 fields"},
		{"@every 1h", false, "@every is not supported"},
		{"@fortnightly", false, "unknown descriptor"},
		{"TZ=UTC 30 2 * * *", false, "own time zone"},
		{"CRON_TZ=UTC 30 2 * * *", false, "own time zone"},
	}
	for _, tt := range tests {
		s, err := Parse(tt.spec, loc)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("Parse(%q): error %v, want one with %q", tt.spec, err, tt.err)
		case tt.err == "" && err != nil:
			t.Errorf("Parse(%q): %v", tt.spec, err)
		case err == nil && s.fixed != tt.fixed:
			t.Errorf("Parse(%q): fixed = %v, want %v", tt.spec, s.fixed, tt.fixed)
		}
	}
	if _, err := Parse("30 2 * * *", nil); err == nil {
		t.Error("Parse without a time zone: no error")
	}
}
