// Package schedule runs jobs in-process on a cron timetable in one time zone (what
// `ipoint schedule` does), correct on the days the clocks change.
//
// Timetables are robfig/cron/v3's: its parser (five-field specs and descriptors such as
// @daily) and its SpecSchedule, corrected for daylight saving as Vixie cron does (see
// Schedule). Its runner, cron.Cron, is not used: it reads time.Now and waits on real
// timers, so it cannot be tested without waiting in real time, and it starts every job
// in a goroutine of its own. The loop in Scheduler.Run is written here instead, driven
// by an injected Clock, and it adds what the pipeline needs:
//
//   - one job at a time: jobs run one after another, in order of the time they came due
//     (in the order of Jobs for the same time);
//   - missed ticks run once: a job that came due, once or several times, while another
//     job (or itself) was running runs once when the way is clear;
//   - catch-up at start, for jobs that ask for it;
//   - a panic in a job is recovered, logged and recorded, and the scheduler goes on;
//   - shutdown: when ctx is cancelled no job starts, the running job sees its context
//     cancelled, and Run returns once it has returned.
package schedule

import (
	"context"
	"errors"
	"fmt"
	"ipoint/pipeline/civil"
	"log/slog"
	"runtime/debug"
	"time"
)

// Job is a piece of work on a timetable.
type Job struct {
	Name string // unique among the scheduler's jobs; in logs, events and LastRun
	Spec string // a cron spec (see Parse), read in the scheduler's Location
	// CatchUp: if a run was missed while the scheduler was not running (LastRun tells
	// the last start), the job runs once when the scheduler starts, however many runs
	// were missed. A job without any LastRun is not caught up: that is a fresh install,
	// and its first run is its first scheduled time.
	CatchUp bool
	// Run does the work. It should return soon after ctx is cancelled: the scheduler
	// waits for it on shutdown.
	Run func(ctx context.Context) error
}

// Event is one run of a job, reported when it has ended.
type Event struct {
	Job string
	// Scheduled is the scheduled time the run stands for: the newest one that had
	// come due when it started, if it came due more than once while it waited (or was
	// down, for a catch-up).
	Scheduled time.Time
	Started   time.Time
	Ended     time.Time
	Err       error // what Run returned; a *PanicError if it panicked
	Panic     bool  // Run panicked
	CatchUp   bool  // the run made up for a run missed while the scheduler was down
}

// PanicError is a job's panic, recovered: the value and the stack of the panicking
// goroutine.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v\n\n%s", e.Value, e.Stack) }

// Scheduler runs jobs on their timetables. The zero values of its optional fields are
// usable defaults.
type Scheduler struct {
	Location *time.Location // the time zone of every spec; default Europe/Berlin
	Clock    Clock          // default SystemClock
	Jobs     []Job
	// LastRun tells when a job last started, from the run history; it is asked once
	// per job with CatchUp, when Run starts. Default: no history.
	LastRun func(job string) (time.Time, bool)
	// OnEvent is told of every run when it has ended, panics and failures included,
	// on the scheduler's goroutine: the next job starts after it returns.
	OnEvent func(Event)
	// Log: default discard. The scheduler logs job names, times, durations and the
	// jobs' errors and panics; it handles no data itself.
	Log *slog.Logger
}

// maxWait bounds one wait on the clock, so that a wall clock that is set (a stepped
// NTP correction, a resumed virtual machine) delays a run by at most this much: timers
// count elapsed time, the timetable is on the wall clock.
const maxWait = time.Minute

// entry is a job with its timetable and its next run.
type entry struct {
	job     Job
	sched   *Schedule
	due     time.Time // the earliest scheduled time not yet run; zero: none
	catchUp bool      // due is a run missed while the scheduler was down
}

// Validate checks the jobs: every one named, once, with something to run and a spec
// that parses and has a run within five years. Its errors name the job and the spec.
func (s *Scheduler) Validate() error {
	_, err := s.prepare()
	return err
}

func (s *Scheduler) prepare() ([]*entry, error) {
	loc := s.Location
	if loc == nil {
		loc = civil.Berlin
	}
	if len(s.Jobs) == 0 {
		return nil, errors.New("schedule: no jobs")
	}
	now := s.clock().Now()
	var (
		es   []*entry
		errs []error
		seen = map[string]bool{}
	)
	for i, j := range s.Jobs {
		switch {
		case j.Name == "":
			errs = append(errs, fmt.Errorf("schedule: job %d (spec %q): no name", i+1, j.Spec))
		case seen[j.Name]:
			errs = append(errs, fmt.Errorf("schedule: job %q: named twice", j.Name))
		}
		seen[j.Name] = true
		if j.Run == nil {
			errs = append(errs, fmt.Errorf("schedule: job %q: nothing to run", j.Name))
		}
		sched, err := Parse(j.Spec, loc)
		if err != nil {
			errs = append(errs, fmt.Errorf("schedule: job %q: spec %q: %w", j.Name, j.Spec, err))
			continue
		}
		if sched.Next(now).IsZero() {
			errs = append(errs, fmt.Errorf("schedule: job %q: spec %q: no run within five years", j.Name, j.Spec))
		}
		es = append(es, &entry{job: j, sched: sched})
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return es, nil
}

func (s *Scheduler) clock() Clock {
	if s.Clock == nil {
		return SystemClock{}
	}
	return s.Clock
}

func (s *Scheduler) logger() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

// Run validates the jobs, then runs them on their timetables until ctx is cancelled
// (see the package comment for the rules). It returns an error only if the jobs are
// invalid; after cancellation it returns nil once the running job has returned.
func (s *Scheduler) Run(ctx context.Context) error {
	es, err := s.prepare()
	if err != nil {
		return err
	}
	clock, log := s.clock(), s.logger()
	start := clock.Now()
	for _, e := range es {
		e.due = e.sched.Next(start)
		if e.job.CatchUp && s.LastRun != nil {
			if last, ok := s.LastRun(e.job.Name); ok {
				if missed := e.sched.latest(last, start); !missed.IsZero() {
					e.due, e.catchUp = missed, true
				}
			}
		}
		log.Info("job scheduled", "job", e.job.Name, "spec", e.job.Spec, "next", e.due, "catch_up", e.catchUp)
	}
	for {
		if ctx.Err() != nil {
			log.Info("scheduler stopped")
			return nil
		}
		now := clock.Now()
		if e := firstDue(es, now); e != nil {
			s.run(ctx, e, now)
			continue
		}
		wait := maxWait
		if n := firstDue(es, time.Time{}); n != nil && n.due.Sub(now) < wait {
			wait = n.due.Sub(now)
		}
		t := clock.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
		case <-t.C():
		}
	}
}

// firstDue returns the entry that came due first, by now (any time if now is zero);
// the earlier in Jobs for the same time; nil if none.
func firstDue(es []*entry, now time.Time) *entry {
	var first *entry
	for _, e := range es {
		if e.due.IsZero() || (!now.IsZero() && e.due.After(now)) {
			continue
		}
		if first == nil || e.due.Before(first.due) {
			first = e
		}
	}
	return first
}

// run runs a job that is due at now, records the run and sets its next one.
func (s *Scheduler) run(ctx context.Context, e *entry, now time.Time) {
	clock := s.clock()
	log := s.logger().With("job", e.job.Name)
	ev := Event{Job: e.job.Name, Scheduled: e.due, CatchUp: e.catchUp}
	if newest := e.sched.latest(e.due, now); !newest.IsZero() {
		ev.Scheduled = newest // the ticks it missed while waiting are this one run
	}
	log.Info("job started", "scheduled", ev.Scheduled, "catch_up", ev.CatchUp)
	ev.Started = clock.Now()
	call(ctx, e.job.Run, &ev)
	ev.Ended = clock.Now()
	e.due, e.catchUp = e.sched.Next(ev.Scheduled), false

	d := ev.Ended.Sub(ev.Started)
	var p *PanicError
	switch {
	case ev.Panic && errors.As(ev.Err, &p):
		log.Error("job panicked", "panic", fmt.Sprint(p.Value), "stack", string(p.Stack), "duration", d)
	case ev.Err != nil:
		log.Error("job failed", "error", ev.Err, "duration", d)
	default:
		log.Info("job done", "duration", d)
	}
	log.Debug("job next", "next", e.due)
	if s.OnEvent != nil {
		s.OnEvent(ev)
	}
}

// call runs a job, turning a panic into a *PanicError.
func call(ctx context.Context, run func(context.Context) error, ev *Event) {
	defer func() {
		if v := recover(); v != nil {
			ev.Err, ev.Panic = &PanicError{Value: v, Stack: debug.Stack()}, true
		}
	}()
	ev.Err = run(ctx)
}
