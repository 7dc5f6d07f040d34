package warehouse

import (
	"encoding/json"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// benchChild is what one child process of a benchmark did: the benchmarks run each job
// in a child of the test binary (TestMain dispatches on the environment), so that its
// wall time, CPU time and peak resident memory, DuckDB's included, are its own.
type benchChild struct {
	wall, cpu time.Duration // cpu: user and system time, steadier on a shared machine
	peak      int64         // bytes
	stdout    []byte
}

// runBenchChild runs the test binary as a child with env added to its environment.
func runBenchChild(b *testing.B, env ...string) benchChild {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	start := time.Now()
	out, err := cmd.Output()
	if err != nil {
		b.Fatalf("child %v: %v", env, err)
	}
	return benchChild{wall: time.Since(start), cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(),
		peak: cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss * 1024, stdout: out}
}

// runJSONChild runs a child that prints its result as JSON, decoded into res.
func runJSONChild(b *testing.B, res any, env ...string) benchChild {
	c := runBenchChild(b, env...)
	if err := json.Unmarshal(c.stdout, res); err != nil {
		b.Fatalf("child %v said %s", env, c.stdout)
	}
	return c
}

// slowestQuery logs each analyst query's time and returns the slowest.
func slowestQuery(b *testing.B, queries map[string]float64) (float64, string) {
	b.Helper()
	slowest, name := 0.0, ""
	for n, s := range queries {
		if s > slowest {
			slowest, name = s, n
		}
		b.Logf("%-50s %.3f s", n, s)
	}
	return slowest, name
}
