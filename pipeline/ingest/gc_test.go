package ingest

import (
	"math"
	"runtime/debug"
	"testing"
)

// TestTuneGC: without GOGC and GOMEMLIMIT in the environment ipoint's settings apply;
// with them, the runtime's own (read from the environment) stay.
func TestTuneGC(t *testing.T) {
	percent := debug.SetGCPercent(100)
	limit := debug.SetMemoryLimit(math.MaxInt64)
	defer func() { debug.SetGCPercent(percent); debug.SetMemoryLimit(limit) }()

	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	TuneGC()
	if got := debug.SetGCPercent(77); got != gcPercent {
		t.Errorf("GOGC %d, want %d", got, gcPercent)
	}
	if got := debug.SetMemoryLimit(123 << 20); got != memoryLimit {
		t.Errorf("memory limit %d, want %d", got, memoryLimit)
	}

	t.Setenv("GOGC", "77")
	t.Setenv("GOMEMLIMIT", "123MiB")
	TuneGC()
	if got := debug.SetGCPercent(100); got != 77 {
		t.Errorf("GOGC %d although the environment sets it", got)
	}
	if got := debug.SetMemoryLimit(math.MaxInt64); got != 123<<20 {
		t.Errorf("memory limit %d although the environment sets it", got)
	}
}
