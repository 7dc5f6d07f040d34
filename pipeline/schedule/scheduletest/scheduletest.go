// Package scheduletest is a fake schedule.Clock for tests of anything that runs on the
// scheduler (like pipeline/mail/mailtest for mail): the clock moves only when the test
// moves it, and every timer is handed to the test before the scheduler waits on it, so
// the test knows the scheduler has finished its work. No real time passes and nothing
// depends on timing.
package scheduletest

import (
	"sync"
	"time"

	"ipoint/pipeline/schedule"
)

// Clock is a fake schedule.Clock.
type Clock struct {
	mu     sync.Mutex
	now    time.Time
	timers chan *Timer
}

var _ schedule.Clock = (*Clock)(nil)

// Timer is a timer the scheduler started; Fire sends its instant.
type Timer struct {
	When time.Time
	c    chan time.Time
}

// NewClock returns a clock standing at now.
func NewClock(now time.Time) *Clock { return &Clock{now: now, timers: make(chan *Timer)} }

// Now returns the clock's instant.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTimer hands a new timer to the test (Timers) and returns it: the caller blocks
// until the test takes it.
func (c *Clock) NewTimer(d time.Duration) schedule.Timer {
	t := &Timer{When: c.Now().Add(d), c: make(chan time.Time, 1)}
	c.timers <- t
	return t
}

// Timers delivers each timer as the scheduler starts it, that is: when it has nothing
// to do until then.
func (c *Clock) Timers() <-chan *Timer { return c.timers }

// Advance moves the clock on by d (a job that takes d).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set puts the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Fire sets the clock to the timer's instant and lets the timer go off.
func (c *Clock) Fire(t *Timer) {
	c.Set(t.When)
	t.c <- t.When
}

// C is the timer's channel.
func (t *Timer) C() <-chan time.Time { return t.c }

// Stop does nothing a test could observe; it reports true.
func (t *Timer) Stop() bool { return true }
