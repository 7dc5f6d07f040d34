package schedule_test

import (
	"ipoint/pipeline/schedule"

	"context"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func noop(context.Context) error { return nil }

// defaultJobs are the three jobs of the default config and jobs at the edges of the
// hours that the clock changes skip or repeat.
func defaultJobs() []schedule.Job {
	return []schedule.Job{
		{Name: "nightly", Spec: "30 2 * * *", Run: noop},
		{Name: "weekly", Spec: "0 6 * * 1", Run: noop},
		{Name: "retention", Spec: "0 3 * * 0", Run: noop},
		{Name: "at0200", Spec: "0 2 * * *", Run: noop},
		{Name: "at0259", Spec: "59 2 * * *", Run: noop},
		{Name: "at0300", Spec: "0 3 * * *", Run: noop},
	}
}

// TestRunDST simulates five days around each clock change of 2026 in Europe/Berlin
// (the default Location) and asserts every run, in UTC. Jobs take no time here.
func TestRunDST(t *testing.T) {
	loc := berlin(t)
	tests := []struct {
		name     string
		from, to time.Time
		want     []string
	}{
		{"spring", day(loc, 2026, 3, 27), day(loc, 2026, 4, 1), []string{
			"03-27 01:00:00 at0200", "03-27 01:30:00 nightly", "03-27 01:59:00 at0259", "03-27 02:00:00 at0300",
			"03-28 01:00:00 at0200", "03-28 01:30:00 nightly", "03-28 01:59:00 at0259", "03-28 02:00:00 at0300",
			// Sunday 29th, 02:00 CET -> 03:00 CEST (01:00 UTC): the jobs of the skipped
			// hour run once at 03:00 CEST, with those at 03:00, in the order of Jobs.
			"03-29 01:00:00 nightly", "03-29 01:00:00 retention", "03-29 01:00:00 at0200",
			"03-29 01:00:00 at0259", "03-29 01:00:00 at0300",
			"03-30 00:00:00 at0200", "03-30 00:30:00 nightly", "03-30 00:59:00 at0259", "03-30 01:00:00 at0300",
			"03-30 04:00:00 weekly",
			"03-31 00:00:00 at0200", "03-31 00:30:00 nightly", "03-31 00:59:00 at0259", "03-31 01:00:00 at0300",
		}},
		{"autumn", day(loc, 2026, 10, 23), day(loc, 2026, 10, 28), []string{
			"10-23 00:00:00 at0200", "10-23 00:30:00 nightly", "10-23 00:59:00 at0259", "10-23 01:00:00 at0300",
			"10-24 00:00:00 at0200", "10-24 00:30:00 nightly", "10-24 00:59:00 at0259", "10-24 01:00:00 at0300",
			// Sunday 25th, 03:00 CEST -> 02:00 CET (01:00 UTC): the jobs of the repeated
			// hour run at its first occurrence only; 03:00 CET is 02:00 UTC.
			"10-25 00:00:00 at0200", "10-25 00:30:00 nightly", "10-25 00:59:00 at0259",
			"10-25 02:00:00 retention", "10-25 02:00:00 at0300",
			"10-26 01:00:00 at0200", "10-26 01:30:00 nightly", "10-26 01:59:00 at0259", "10-26 02:00:00 at0300",
			"10-26 05:00:00 weekly",
			"10-27 01:00:00 at0200", "10-27 01:30:00 nightly", "10-27 01:59:00 at0259", "10-27 02:00:00 at0300",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := start(t, &schedule.Scheduler{Jobs: defaultJobs()}, tt.from)
			h.until(tt.to, nil)
			if err := h.stop(); err != nil {
				t.Fatal(err)
			}
			if got := h.runs(); !slices.Equal(got, tt.want) {
				t.Errorf("runs:\n got %q\nwant %q", got, tt.want)
			}
			for _, e := range h.events {
				if !e.Ended.Equal(e.Started) || e.Err != nil || e.CatchUp || e.Panic {
					t.Errorf("event %+v", e)
				}
			}
		})
	}
}

// TestRunCatchUp starts the scheduler after three days down: each job with CatchUp that
// missed runs runs once, at once; the others wait for their next time.
func TestRunCatchUp(t *testing.T) {
	loc := berlin(t)
	history := map[string]time.Time{
		"nightly": at(loc, 2026, 3, 1, 2, 30).Add(5 * time.Second), // missed the 2nd, 3rd and 4th
		"weekly":  at(loc, 2026, 2, 23, 6, 0),                      // missed Monday the 2nd
		"current": at(loc, 2026, 3, 4, 4, 0),                       // missed nothing
		"nocatch": at(loc, 2026, 3, 1, 2, 15),                      // missed, but does not catch up
		// "fresh" has no history: a fresh install is not caught up.
	}
	var asked []string
	s := &schedule.Scheduler{
		Location: loc,
		Jobs: []schedule.Job{
			{Name: "nightly", Spec: "30 2 * * *", CatchUp: true, Run: noop},
			{Name: "weekly", Spec: "0 6 * * 1", CatchUp: true, Run: noop},
			{Name: "fresh", Spec: "0 3 * * *", CatchUp: true, Run: noop},
			{Name: "current", Spec: "0 4 * * *", CatchUp: true, Run: noop},
			{Name: "nocatch", Spec: "15 2 * * *", Run: noop},
		},
		LastRun: func(job string) (time.Time, bool) {
			asked = append(asked, job)
			t, ok := history[job]
			return t, ok
		},
	}
	h := start(t, s, at(loc, 2026, 3, 4, 10, 0))
	h.until(at(loc, 2026, 3, 5, 12, 0), nil)
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"03-04 09:00:00 weekly @03-02 05:00:00 catch-up", // missed first, runs first
		"03-04 09:00:00 nightly @03-04 01:30:00 catch-up",
		"03-05 01:15:00 nocatch",
		"03-05 01:30:00 nightly",
		"03-05 02:00:00 fresh",
		"03-05 03:00:00 current",
	}
	if got := h.runs(); !slices.Equal(got, want) {
		t.Errorf("runs:\n got %q\nwant %q", got, want)
	}
	if want := []string{"nightly", "weekly", "fresh", "current"}; !slices.Equal(asked, want) {
		t.Errorf("LastRun asked for %q, want %q", asked, want)
	}
}

// TestRunOverrun: a job that runs past its own next times and past another job's time
// makes both wait; each then runs once, in the order they came due.
func TestRunOverrun(t *testing.T) {
	loc := berlin(t)
	var clk *fakeClock
	var running, calls atomic.Int32
	job := func(d time.Duration) func(context.Context) error {
		return func(context.Context) error {
			if running.Add(1) > 1 {
				t.Error("two jobs at once")
			}
			defer running.Add(-1)
			if calls.Add(1) == 1 {
				clk.Advance(d)
			}
			return nil
		}
	}
	s := &schedule.Scheduler{Location: loc, Jobs: []schedule.Job{
		{Name: "hourly", Spec: "0 * * * *", Run: job(150 * time.Minute)}, // the first run: 00:00 to 02:30
		{Name: "b", Spec: "15 0 * * *", Run: job(0)},
	}}
	h := start(t, s, at(loc, 2026, 5, 4, 23, 30))
	clk = h.clk
	h.until(at(loc, 2026, 5, 5, 4, 0), nil)
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"05-04 22:00:00 hourly",
		"05-05 00:30:00 b @05-04 22:15:00",      // came due at 00:15 CEST, while hourly ran
		"05-05 00:30:00 hourly @05-05 00:00:00", // missed 01:00 and 02:00 CEST: one run
		"05-05 01:00:00 hourly",
	}
	if got := h.runs(); !slices.Equal(got, want) {
		t.Errorf("runs:\n got %q\nwant %q", got, want)
	}
	if e := h.events[0]; !e.Ended.Equal(at(loc, 2026, 5, 5, 2, 30)) {
		t.Errorf("first run ended %v", e.Ended)
	}
}

// TestRunPanic: a panicking job is recorded and logged, and the scheduler goes on.
func TestRunPanic(t *testing.T) {
	loc := berlin(t)
	s := &schedule.Scheduler{Location: loc, Jobs: []schedule.Job{
		{Name: "boom", Spec: "0 1 * * *", Run: func(context.Context) error { panic("kaputt") }},
		{Name: "after", Spec: "0 2 * * *", Run: noop},
	}}
	h := start(t, s, day(loc, 2026, 6, 1))
	h.until(day(loc, 2026, 6, 3), nil)
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	want := []string{"05-31 23:00:00 boom panic", "06-01 00:00:00 after", "06-01 23:00:00 boom panic", "06-02 00:00:00 after"}
	if got := h.runs(); !slices.Equal(got, want) {
		t.Errorf("runs:\n got %q\nwant %q", got, want)
	}
	var p *schedule.PanicError
	if !errors.As(h.events[0].Err, &p) || p.Value != "kaputt" {
		t.Fatalf("error %v, want a *schedule.PanicError of kaputt", h.events[0].Err)
	}
	if msg := p.Error(); !strings.Contains(msg, "panic: kaputt") || !strings.Contains(msg, "TestRunPanic") {
		t.Errorf("error without the value and the stack:\n%s", msg)
	}
	logs := h.logs.String()
	if !strings.Contains(logs, `msg="job panicked" job=boom panic=kaputt stack=`) {
		t.Errorf("panic not logged:\n%s", logs)
	}
}

// TestRunShutdown: on cancellation the running job sees its context cancelled, Run
// waits for it to return, and no job starts after it, not even one that is due.
func TestRunShutdown(t *testing.T) {
	loc := berlin(t)
	started, stopping, release := make(chan struct{}), make(chan struct{}), make(chan struct{})
	var returned, nextRan atomic.Bool
	s := &schedule.Scheduler{Location: loc, Jobs: []schedule.Job{
		{Name: "long", Spec: "0 1 * * *", Run: func(ctx context.Context) error {
			close(started)
			<-ctx.Done()
			close(stopping)
			<-release // cleaning up
			returned.Store(true)
			return ctx.Err()
		}},
		{Name: "next", Spec: "0 1 * * *", Run: func(context.Context) error { nextRan.Store(true); return nil }},
	}}
	h := start(t, s, day(loc, 2026, 6, 1))
	h.until(day(loc, 2026, 6, 2), started)
	h.cancel()
	<-stopping
	select {
	case <-h.done:
		t.Fatal("Run returned while the job was still running")
	default:
	}
	close(release)
	if err := <-h.done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !returned.Load() {
		t.Error("Run returned before the job did")
	}
	if nextRan.Load() {
		t.Error("a job started after cancellation")
	}
	if got, want := h.runs(), []string{"05-31 23:00:00 long err=context canceled"}; !slices.Equal(got, want) {
		t.Errorf("runs %q, want %q", got, want)
	}
}

func TestValidate(t *testing.T) {
	loc := berlin(t)
	tests := []struct {
		name string
		jobs []schedule.Job
		want []string // parts of the error; none: valid
	}{
		{"defaults", defaultJobs(), nil},
		{"descriptor", []schedule.Job{{Name: "d", Spec: "@daily", Run: noop}}, nil},
		{"bad spec", []schedule.Job{{Name: "nightly", Spec: "61 2 * * *", Run: noop}},
			[]string{`job "nightly": spec "61 2 * * *": `}},
		{"two bad specs", []schedule.Job{
			{Name: "nightly", Spec: "30 2 * *", Run: noop},
			{Name: "weekly", Spec: "@every 168h", Run: noop}},
			[]string{`job "nightly": spec "30 2 * *": expected exactly 5 fields`, `job "weekly": spec "@every 168h": @every is not supported`}},
		{"never", []schedule.Job{{Name: "feb30", Spec: "0 0 30 2 *", Run: noop}},
			[]string{`job "feb30": spec "0 0 30 2 *": no run within five years`}},
		{"time zone in spec", []schedule.Job{{Name: "tz", Spec: "CRON_TZ=UTC 0 1 * * *", Run: noop}},
			[]string{`job "tz": spec "CRON_TZ=UTC 0 1 * * *": a spec cannot name its own time zone`}},
		{"twice", []schedule.Job{{Name: "a", Spec: "0 1 * * *", Run: noop}, {Name: "a", Spec: "0 2 * * *", Run: noop}},
			[]string{`job "a": named twice`}},
		{"no name", []schedule.Job{{Spec: "0 1 * * *", Run: noop}}, []string{`job 1 (spec "0 1 * * *"): no name`}},
		{"no func", []schedule.Job{{Name: "a", Spec: "0 1 * * *"}}, []string{`job "a": nothing to run`}},
		{"no jobs", nil, []string{"no jobs"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &schedule.Scheduler{Location: loc, Jobs: tt.jobs, Clock: newFakeClock(day(loc, 2026, 6, 1))}
			err := s.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Errorf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate: no error, want %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate: %v\nwant it to say %q", err, w)
				}
			}
			if rerr := s.Run(context.Background()); rerr == nil || rerr.Error() != err.Error() {
				t.Errorf("Run: %v, want Validate's error", rerr)
			}
		})
	}
}
