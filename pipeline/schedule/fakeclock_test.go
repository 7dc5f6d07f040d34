package schedule_test

import (
	"ipoint/pipeline/schedule"

	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"ipoint/pipeline/schedule/scheduletest"
)

// fakeClock is the exported fake clock (scheduletest), as these tests call it.
type fakeClock = scheduletest.Clock

func newFakeClock(now time.Time) *fakeClock { return scheduletest.NewClock(now) }

// harness runs a schedule.Scheduler on a fake clock and records its events and logs.
type harness struct {
	t      *testing.T
	clk    *fakeClock
	cancel context.CancelFunc
	done   chan error
	logs   bytes.Buffer // written by the scheduler; read after it has returned

	mu     sync.Mutex
	events []schedule.Event
}

// start runs s from the instant now, with a fake clock.
func start(t *testing.T, s *schedule.Scheduler, now time.Time) *harness {
	t.Helper()
	h := &harness{t: t, clk: newFakeClock(now), done: make(chan error, 1)}
	s.Clock = h.clk
	s.OnEvent = func(e schedule.Event) {
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
		case tm := <-h.clk.Timers():
			if !tm.When.Before(end) {
				return
			}
			h.clk.Fire(tm)
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
