package schedule

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Schedule is a cron timetable read in one time zone: robfig/cron/v3's parser and
// SpecSchedule, corrected on the days the clocks change so that it follows Vixie cron.
//
// What SpecSchedule.Next does by itself (robfig_test.go records it for Europe/Berlin):
// a job whose wall-clock time lies in the hour skipped in spring gets no run that day,
// and one whose time lies in the hour repeated in autumn runs twice. Schedule keeps
// robfig's answer except for "fixed-time" jobs, Vixie cron's term for a spec whose
// minute and hour fields both start with something other than '*' (30 2 * * *,
// 0 1-5 * * *, @daily; not 30 * * * *, */15 2 * * *, @hourly):
//
//   - spring: if one or more of its times fall in the skipped interval, it runs once,
//     at the first instant after the change (03:00 CEST on 2026-03-29). A run of its
//     own at that instant (0 2,3 * * *) is the same run: one instant, one run;
//   - autumn: it runs at the first occurrence of a repeated wall-clock time only.
//
// Jobs with a '*' there ("wildcard" jobs) follow real time, as in Vixie cron: an
// hourly job runs at 01:30 CET and 03:30 CEST in spring and at 02:30 CEST and 02:30
// CET in autumn; robfig already does that. Vixie cron makes up nothing after a jump of
// three hours or more (it takes that for a clock being set); Schedule knows only the
// zone's rules and treats every change alike (a fixed-time job in a skipped day, as
// Samoa's of 2011, gets one run at the change).
//
// A Schedule satisfies cron.Schedule.
type Schedule struct {
	spec  *cron.SpecSchedule // Location is the schedule's time zone
	fixed bool               // a fixed-time job in Vixie's sense
}

var _ cron.Schedule = (*Schedule)(nil)

// descriptors are the @-specs accepted, as their five fields (robfig's meaning).
var descriptors = map[string]string{
	"@yearly":   "0 0 1 1 *",
	"@annually": "0 0 1 1 *",
	"@monthly":  "0 0 1 * *",
	"@weekly":   "0 0 * * 0",
	"@daily":    "0 0 * * *",
	"@midnight": "0 0 * * *",
	"@hourly":   "0 * * * *",
}

// Parse reads a standard five-field cron spec (minute hour day-of-month month
// day-of-week) or a descriptor (@yearly, @annually, @monthly, @weekly, @daily,
// @midnight, @hourly) as a timetable in loc. Not accepted: "@every <duration>", which
// counts from whenever the process started and so has no timetable to catch up or to
// correct for daylight saving; and a TZ= or CRON_TZ= prefix, since every job runs in
// the scheduler's time zone.
func Parse(spec string, loc *time.Location) (*Schedule, error) {
	if loc == nil {
		return nil, errors.New("no time zone")
	}
	text := strings.TrimSpace(spec)
	if strings.HasPrefix(text, "TZ=") || strings.HasPrefix(text, "CRON_TZ=") {
		return nil, errors.New("a spec cannot name its own time zone: every job runs in the scheduler's")
	}
	if strings.HasPrefix(text, "@every") {
		return nil, errors.New("@every is not supported: a job's times must be fixed to the clock")
	}
	if strings.HasPrefix(text, "@") {
		d, ok := descriptors[text]
		if !ok {
			return nil, fmt.Errorf("unknown descriptor %s", text)
		}
		text = d
	}
	s, err := cron.ParseStandard(text)
	if err != nil {
		return nil, err
	}
	ss, ok := s.(*cron.SpecSchedule)
	if !ok { // ParseStandard gives something else for @every only
		return nil, fmt.Errorf("unexpected schedule %T", s)
	}
	spec2 := *ss
	spec2.Location = loc
	f := strings.Fields(text) // ParseStandard has checked that there are five
	wild := func(field string) bool { return strings.HasPrefix(field, "*") || strings.HasPrefix(field, "?") }
	return &Schedule{spec: &spec2, fixed: !wild(f[0]) && !wild(f[1])}, nil
}

// Location is the schedule's time zone.
func (s *Schedule) Location() *time.Location { return s.spec.Location }

// Next returns the first run after the instant after, in the schedule's time zone; the
// zero time if there is none within five years (robfig's search limit).
func (s *Schedule) Next(after time.Time) time.Time {
	loc := s.spec.Location
	t := after.In(loc)
	for {
		c := s.spec.Next(t)
		if c.IsZero() {
			return c
		}
		c = c.In(loc)
		if !s.fixed {
			return c
		}
		if g := s.skipped(t, c); !g.IsZero() {
			return g
		}
		if !repeated(c) {
			return c
		}
		t = c // the first occurrence of this wall-clock time was the run
	}
}

// skipped returns the earliest clock change forward in (after, until] whose skipped
// wall-clock interval holds a time of the schedule, as the instant of the change (the
// first instant after the gap); the zero time if there is none.
func (s *Schedule) skipped(after, until time.Time) time.Time {
	for x := after; ; {
		_, end := x.ZoneBounds()
		if end.IsZero() || end.After(until) {
			return time.Time{}
		}
		_, before := x.Zone()
		_, now := end.Zone()
		if now > before && s.matchesBetween(end, before, time.Duration(now-before)*time.Second) {
			return end
		}
		x = end
	}
}

// matchesBetween reports whether the schedule has a wall-clock time in the interval
// that the clock skipped at the instant change: [change, change+gap) read on the clock
// as it ran before the change (offset seconds east of UTC).
func (s *Schedule) matchesBetween(change time.Time, offset int, gap time.Duration) bool {
	fixed := *s.spec
	fixed.Location = time.FixedZone("", offset)
	from := change.In(fixed.Location)
	n := fixed.Next(from.Add(-time.Second)) // robfig looks from the next whole second on
	return !n.IsZero() && n.Before(from.Add(gap))
}

// repeated reports whether t's wall-clock time was shown before, at an earlier instant,
// because the clock was set back: the second occurrence of a repeated time.
func repeated(t time.Time) bool {
	start, _ := t.ZoneBounds()
	if start.IsZero() {
		return false
	}
	_, now := t.Zone()
	_, before := start.Add(-time.Nanosecond).Zone()
	back := time.Duration(before-now) * time.Second
	return back > 0 && t.Before(start.Add(back))
}

// maxLookBack bounds latest's search: no history reaches further back.
const maxLookBack = 100 * 365 * 24 * time.Hour

// latest returns the newest run in (after, now]; the zero time if there is none.
func (s *Schedule) latest(after, now time.Time) time.Time {
	if !after.Before(now) {
		return time.Time{}
	}
	span := now.Sub(after)
	if span > maxLookBack {
		after, span = now.Add(-maxLookBack), maxLookBack
	}
	// Look back an hour, then twice as far each time, so that a job due every minute
	// and down for a year is not stepped through from the start of its downtime.
	for w := time.Hour; ; w *= 2 {
		from := now.Add(-w)
		if w >= span {
			from = after
		}
		var last time.Time
		for x := s.Next(from); !x.IsZero() && !x.After(now); x = s.Next(x) {
			last = x
		}
		if !last.IsZero() || !from.After(after) {
			return last
		}
	}
}
