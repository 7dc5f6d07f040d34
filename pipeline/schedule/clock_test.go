package schedule

import "testing"

func TestSystemClock(t *testing.T) {
	c := SystemClock{}
	before := c.Now()
	<-c.NewTimer(0).C() // fires at once
	if c.Now().Before(before) {
		t.Error("the system clock went back")
	}
	if tm := c.NewTimer(1 << 62); !tm.Stop() {
		t.Error("Stop of a pending timer: false")
	}
}
