// Command ipoint is the Integration Point's data pipeline: it ingests the agencies'
// exports into a pseudonymised lake, builds the warehouse and renders the reports.
package main

import (
	"context"
	"fmt"
	"ipoint/pipeline/ingest"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	ingest.TuneGC()
	stopProfile := startProfile(os.Getenv("IPOINT_CPUPROFILE"))
	code := run(ctx, os.Args[1:], env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, now: time.Now})
	stopProfile()
	stop()
	os.Exit(code)
}

// startProfile writes a CPU profile of the whole command to path when it is set (a
// developer's aid, docs/performance.md); the returned function ends it.
func startProfile(path string) func() {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "IPOINT_CPUPROFILE:", err)
		return func() {}
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}
