package benchdata

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"

	"ipoint/pipeline/civil"
	"ipoint/pipeline/synth"
)

// DemoAsOf is the newest Stichtag of the benchmarks' demo year: a fixed day, so that the
// year is the same on every machine and on every day the benchmarks run.
var DemoAsOf = civil.Date(2026, 12, 5)

// DemoYear returns the inbox of the demo's default scenario (`ipoint generate` with its
// defaults: seed 1, scale 1, a year of daily deliveries, the default dirt) up to
// DemoAsOf, generated once and cached in TMPDIR/ipoint-bench/demo-year-2026-12-05 (or
// IPOINT_BENCH_DEMO). Its files are only read: a benchmark links them into an inbox of
// its own.
func DemoYear(ctx context.Context, logf func(format string, args ...any)) (string, error) {
	dir := os.Getenv("IPOINT_BENCH_DEMO")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "ipoint-bench", "demo-year-"+DemoAsOf.String())
	}
	inbox := filepath.Join(dir, "inbox")
	err := Cached(dir, func() error {
		logf("generating the demo year in %s (once)", dir)
		_, err := synth.Generate(ctx, synth.Options{Out: inbox, Truth: filepath.Join(dir, "truth.json"), Seed: 1,
			AsOf: DemoAsOf.Time(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		return err
	})
	return inbox, err
}

// Cached makes sure that dir holds what build puts there: a marker file says that a
// build completed, and a lock file makes one build while the benchmarks of other
// packages (go test runs packages in parallel) wait for it. An incomplete dir is
// removed and built again.
func Cached(dir string, build func() error) error {
	complete := filepath.Join(dir, ".complete")
	if _, err := os.Stat(complete); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o750); err != nil {
		return err
	}
	lock, err := os.OpenFile(dir+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if _, err := os.Stat(complete); err == nil { // built while this one waited
		return nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	if err := build(); err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	return os.WriteFile(complete, nil, 0o600)
}

// CopyTree copies the folder from into to (created), files by content: a benchmark
// changes its copy of a cached lake, never the cache.
func CopyTree(from, to string) error {
	return filepath.WalkDir(from, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o750)
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}
