package schedule

import (
	"slices"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

// TestRobfigOnDSTDays records what robfig/cron/v3's SpecSchedule.Next does by itself on
// the days the clocks change in Europe/Berlin, the behaviour Schedule corrects:
//
//   - 2026-03-29, 02:00 CET -> 03:00 CEST: a daily job at 02:00, 02:30 or 02:59 gets no
//     run that day (the next one is on 03-30); a job at 03:00 runs at 03:00 CEST.
//   - 2026-10-25, 03:00 CEST -> 02:00 CET: a daily job at 02:00, 02:30 or 02:59 runs
//     twice, at the CEST and at the CET occurrence; a job at 03:00 runs once (03:00 CET).
//   - Jobs with a '*' in the hour field follow real time (hourly stays hourly), which is
//     what Vixie cron does for them too.
//
// If a new version of the library changes this, this test says so.
func TestRobfigOnDSTDays(t *testing.T) {
	loc := berlin(t)
	tests := []struct {
		spec  string
		from  time.Time
		hours int      // how far to look
		want  []string // UTC instants of the runs in (from, from+hours)
	}{
		{"0 2 * * *", day(loc, 2026, 3, 28), 72, []string{"03-28 01:00:00", "03-30 00:00:00"}},
		{"30 2 * * *", day(loc, 2026, 3, 28), 72, []string{"03-28 01:30:00", "03-30 00:30:00"}},
		{"59 2 * * *", day(loc, 2026, 3, 28), 72, []string{"03-28 01:59:00", "03-30 00:59:00"}},
		{"0 3 * * *", day(loc, 2026, 3, 28), 72, []string{"03-28 02:00:00", "03-29 01:00:00", "03-30 01:00:00"}},
		{"30 * * * *", at(loc, 2026, 3, 29, 0, 0), 3, []string{"03-28 23:30:00", "03-29 00:30:00", "03-29 01:30:00"}},
		{"0 2 * * *", day(loc, 2026, 10, 24), 72, []string{"10-24 00:00:00", "10-25 00:00:00", "10-25 01:00:00", "10-26 01:00:00"}},
		{"30 2 * * *", day(loc, 2026, 10, 24), 72, []string{"10-24 00:30:00", "10-25 00:30:00", "10-25 01:30:00", "10-26 01:30:00"}},
		{"59 2 * * *", day(loc, 2026, 10, 24), 72, []string{"10-24 00:59:00", "10-25 00:59:00", "10-25 01:59:00", "10-26 01:59:00"}},
		{"0 3 * * *", day(loc, 2026, 10, 24), 72, []string{"10-24 01:00:00", "10-25 02:00:00", "10-26 02:00:00"}},
		{"30 * * * *", at(loc, 2026, 10, 25, 1, 0), 3, []string{"10-24 23:30:00", "10-25 00:30:00", "10-25 01:30:00"}},
	}
	for _, tt := range tests {
		s, err := cron.ParseStandard(tt.spec)
		if err != nil {
			t.Fatal(err)
		}
		s.(*cron.SpecSchedule).Location = loc
		var got []string
		end := tt.from.Add(time.Duration(tt.hours) * time.Hour)
		for x := s.Next(tt.from); x.Before(end); x = s.Next(x) {
			got = append(got, utc(x))
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s from %s: robfig gives %v, recorded %v", tt.spec, utc(tt.from), got, tt.want)
		}
	}
}
