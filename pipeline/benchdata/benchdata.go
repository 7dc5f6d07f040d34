// Package benchdata builds the data the benchmarks share: the national-scale lake
// (the generator's --scale 300), built once per machine and cached.
package benchdata

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"ipoint/pipeline/civil"
	"ipoint/pipeline/ingest"
	"ipoint/pipeline/protect"
	"ipoint/pipeline/synth"
)

// NationalDay is the day the national warehouse is built for: the day after the
// lake's newest delivery.
var NationalDay = civil.Date(2026, 11, 5)

// NationalHome returns the folder of the national-scale lake (lake/ in it), building it
// first if no complete one is there: five daily deliveries up to 4 November 2026, so
// that the monthly exports of October are in it, taken in with a fixed key. The folder
// is IPOINT_BENCH_NATIONAL, by default TMPDIR/ipoint-bench/national. Benchmarks of
// several packages run at the same time (go test runs packages in parallel): a lock
// file makes one build and the others wait for it. logf says that a build starts (it
// takes minutes).
func NationalHome(ctx context.Context, logf func(format string, args ...any)) (string, error) {
	home := os.Getenv("IPOINT_BENCH_NATIONAL")
	if home == "" {
		home = filepath.Join(os.TempDir(), "ipoint-bench", "national")
	}
	complete := filepath.Join(home, ".complete")
	if _, err := os.Stat(complete); err == nil {
		return home, nil
	}
	if err := os.MkdirAll(filepath.Dir(home), 0o750); err != nil {
		return "", err
	}
	lock, err := os.OpenFile(home+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if _, err := os.Stat(complete); err == nil { // built while this one waited
		return home, nil
	}
	logf("building the national lake in %s (once; takes minutes)", home)
	if err := os.RemoveAll(home); err != nil {
		return "", err
	}
	key, err := protect.ParseKey(strings.Repeat("ab", 32))
	if err != nil {
		return "", err
	}
	inbox := filepath.Join(home, "inbox")
	if _, err := synth.Generate(ctx, synth.Options{Out: inbox, Truth: filepath.Join(home, "synth", "truth.json"),
		Seed: 1, AsOf: time.Date(2026, 11, 4, 0, 0, 0, 0, time.UTC), Days: 5, Scale: 300}); err != nil {
		return "", fmt.Errorf("national lake: generate: %w", err)
	}
	if _, err := ingest.Run(ctx, ingest.Options{Inbox: inbox, Quarantine: filepath.Join(home, "quarantine"),
		Lake: filepath.Join(home, "lake"), Key: key}); err != nil {
		return "", fmt.Errorf("national lake: ingest: %w", err)
	}
	if err := os.WriteFile(complete, nil, 0o600); err != nil {
		return "", err
	}
	return home, nil
}
