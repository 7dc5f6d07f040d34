package ingest

import (
	"os"
	"runtime/debug"
)

// GC settings of an ipoint process (TuneGC).
const (
	gcPercent   = 200     // the heap may grow to three times what is live before a collection
	memoryLimit = 3 << 30 // the soft limit at which the collector works harder instead
)

// TuneGC sets the garbage collector for ipoint's jobs, unless the environment sets it
// (GOGC, GOMEMLIMIT, which the Go runtime reads itself): GOGC 200 instead of Go's 100,
// and a soft memory limit of 3 GiB. An ingest allocates for every row it reads and
// keeps little of it: with twice the headroom the collector runs half as often, which
// took the demo year's first load from about 20 to about 17.5 s (CPU 34 to 30 s) for
// some 110 MiB more at its peak (240 to 350 MiB). The limit keeps a large installation
// near where GOGC 100 put it: a national day's ingest (some 1.5 GB live) peaked at 2.7
// to 3.0 GiB with GOGC 100, at 4.1 GiB with GOGC 200 and a limit of 4 GiB. It counts
// the Go heap only, not DuckDB's memory (which has its own limit, the transform's and
// the analysts' settings); above it, as long as what is live stays below it, the
// collector runs more often (docs/performance.md). The analysts' service and the
// shell get the same settings: their memory is mostly DuckDB's.
func TuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}
