package schedule

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"
)

// fakeClock is a Clock that moves only when the test moves it. NewTimer hands every
// timer to the test (on timers) before the scheduler waits on it, so the test knows
// that the scheduler has finished its work and is waiting: no real time passes and no
// assertion depends on timing.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers chan *fakeTimer
}

type fakeTimer struct {
	when time.Time
	c    chan time.Time
}

func newFakeClock(now time.Time) *fakeClock {
	return &fakeClock{now: now, timers: make(chan *fakeTimer)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) NewTimer(d time.Duration) Timer {
	t := &fakeTimer{when: c.Now().Add(d), c: make(chan time.Time, 1)}
	c.timers <- t
	return t
}

// advance moves the clock on, as a job that takes d does.
func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *fakeClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func (t *fakeTimer) C() <-chan time.Time { return t.c }
func (t *fakeTimer) Stop() bool          { return true }

// harness runs a Scheduler on a fake clock and records its events and logs.
type harness struct {
	t      *testing.T
	clk    *fakeClock
	cancel context.CancelFunc
	done   chan error
	logs   bytes.Buffer // written by the scheduler; read after it has returned

	mu     sync.Mutex
	events []Event
}

// start runs s from the instant now, with a fake clock.
func start(t *testing.T, s *Scheduler, now time.Time) *harness {
	t.Helper()
	h := &harness{t: t, clk: newFakeClock(now), done: make(chan error, 1)}
	s.Clock = h.clk
	s.OnEvent = func(e Event) {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.events = append(h.events, e)
	}
	s.Log = slog.New(slog.NewTextHandler(&h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	t.Cleanup(cancel)
	go func() { h.done <- s.Run(ctx) }()
	return h
}

// until steps the clock from timer to timer, firing each, until the scheduler waits
// for an instant at or after end; or until stop is closed (nil: never).
func (h *harness) until(end time.Time, stop <-chan struct{}) {
	h.t.Helper()
	for {
		select {
		case tm := <-h.clk.timers:
			if !tm.when.Before(end) {
				return
			}
			h.clk.set(tm.when)
			tm.c <- tm.when
		case <-stop:
			return
		case err := <-h.done:
			h.t.Fatalf("Run returned early: %v", err)
		}
	}
}

// stop cancels the scheduler's context and waits for Run to return.
func (h *harness) stop() error {
	h.cancel()
	return <-h.done
}

// runs lists the recorded events as "started job" (UTC), with the scheduled time
// where it differs and the flags that are set.
func (h *harness) runs() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, e := range h.events {
		s := utc(e.Started) + " " + e.Job
		if !e.Scheduled.Equal(e.Started) {
			s += " @" + utc(e.Scheduled)
		}
		if e.CatchUp {
			s += " catch-up"
		}
		if e.Panic {
			s += " panic"
		}
		if e.Err != nil && !e.Panic {
			s += fmt.Sprintf(" err=%v", e.Err)
		}
		out = append(out, s)
	}
	return out
}
