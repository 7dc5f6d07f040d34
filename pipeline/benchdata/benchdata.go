// Package benchdata builds the data the benchmarks share: the national-scale lake
// (the generator's --scale 300), built once per machine and cached.
package benchdata

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"ipoint/pipeline/atomicfile"
	"ipoint/pipeline/civil"
	"ipoint/pipeline/ingest"
	"ipoint/pipeline/lake"
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
	err := Cached(home, func() error {
		logf("building the national lake in %s (once; takes minutes)", home)
		inbox := filepath.Join(home, "inbox")
		if _, err := synth.Generate(ctx, synth.Options{Out: inbox, Truth: filepath.Join(home, "synth", "truth.json"),
			Seed: 1, AsOf: time.Date(2026, 11, 4, 0, 0, 0, 0, time.UTC), Days: 5, Scale: 300}); err != nil {
			return fmt.Errorf("national lake: generate: %w", err)
		}
		if _, err := ingest.Run(ctx, ingest.Options{Inbox: inbox, Quarantine: filepath.Join(home, "quarantine"),
			Lake: filepath.Join(home, "lake"), Key: NationalKey()}); err != nil {
			return fmt.Errorf("national lake: ingest: %w", err)
		}
		return nil
	})
	return home, err
}

// Year is a national lake built as the nightly runs would build it: the generator's
// files of each delivered day are taken in right after that day is complete, then
// deleted with the archived copies, so that the disk holds a few days of exports and the
// lake, never a year of exports (a year at scale 300 is some 57 GB of them).
type Year struct {
	Home  string    // folder of the lake (Home/lake); emptied first unless resumed
	Scale float64   // the generator's --scale
	Days  int       // daily deliveries ending with AsOf
	AsOf  time.Time // the newest Stichtag
	// Resume, when set, goes on with a build of the same scale, days and AsOf that
	// stopped part way (a killed process, a machine switched off): Home/progress.json
	// records every day taken in, and the generation resumes after the newest of them
	// (synth.Options.From), its files byte for byte those of a build in one go. Without
	// it, or without a matching record, the build starts anew.
	Resume bool
	// Log, when set, is told of every day taken in.
	Log func(format string, args ...any)
	// Peak, when set, returns the process's peak memory so far, kept over resumed runs.
	Peak func() int64
	// CPU, when set, returns the process's CPU time so far (user and system): summed
	// over resumed runs, it is the figure that other work on the machine does not change.
	CPU func() time.Duration
}

// YearStats is what building a Year took, over all its runs when resumed.
type YearStats struct {
	Days     int           // days taken in
	Rows     int64         // rows read by the ingest runs (a file that a stopped run had committed is not read again)
	Ingest   time.Duration // in the ingest runs
	Generate time.Duration // the rest: generating
	Elapsed  time.Duration // in all
	Files    int           // files handed over by the generator
	Peak     int64         // the highest Year.Peak of all runs (0 without Peak)
	CPU      time.Duration // Year.CPU's time, summed over the runs (0 without CPU)
	Runs     int           // processes that built it (1 unless resumed)
}

// yearProgress is Home/progress.json: what a build of a Year has done so far.
type yearProgress struct {
	Scale   float64   `json:"scale"`
	Days    int       `json:"days"`
	AsOf    string    `json:"as_of"`
	Done    string    `json:"done,omitempty"` // the newest Stichtag taken in
	Stats   YearStats `json:"stats"`
	Started string    `json:"started"` // when the first run began (for the log only)
}

func progressPath(y Year) string { return filepath.Join(y.Home, "progress.json") }

// resumed returns the progress of an earlier build of y to go on with, or nil.
func resumed(y Year) (*yearProgress, error) {
	b, err := os.ReadFile(progressPath(y))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var p yearProgress
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%s: %w", progressPath(y), err)
	}
	if p.Scale != y.Scale || p.Days != y.Days || p.AsOf != y.AsOf.Format(time.DateOnly) || p.Done == "" {
		return nil, nil
	}
	// A record without its lake (removed, or another build's) starts anew.
	if _, err := os.Stat(filepath.Join(y.Home, "lake", lake.ManifestName)); err != nil {
		return nil, nil
	}
	return &p, nil
}

// BuildYear generates y's window and takes in every day as it is complete.
func BuildYear(ctx context.Context, y Year) (*YearStats, error) {
	var p *yearProgress
	if y.Resume {
		var err error
		if p, err = resumed(y); err != nil {
			return nil, err
		}
	}
	if p == nil {
		if err := os.RemoveAll(y.Home); err != nil {
			return nil, err
		}
		p = &yearProgress{Scale: y.Scale, Days: y.Days, AsOf: y.AsOf.Format(time.DateOnly), Started: time.Now().UTC().Format(time.RFC3339)}
	}
	out := filepath.Join(y.Home, "generated") // the generator's folder
	take := filepath.Join(y.Home, "inbox")    // one day's files, as the nightly run finds them
	archive := filepath.Join(y.Home, "archive")
	quarantine := filepath.Join(y.Home, "quarantine")
	// What a stopped run left besides the lake goes: its next day is generated anew (and
	// the generator's ground truth with its spool).
	for _, d := range []string{out, take, archive, quarantine, filepath.Join(y.Home, "synth")} {
		if err := os.RemoveAll(d); err != nil {
			return nil, err
		}
	}
	for _, d := range []string{out, take} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return nil, err
		}
	}
	st := &p.Stats
	if p.Done == y.AsOf.Format(time.DateOnly) {
		return st, nil // complete
	}
	st.Runs++
	before, cpuBefore := st.Elapsed, st.CPU
	var cpu0 time.Duration
	if y.CPU != nil {
		cpu0 = y.CPU()
	}
	start := time.Now()
	// tally brings the run's clocks into the figures summed over the runs.
	tally := func() {
		st.Elapsed = before + time.Since(start)
		st.Generate = st.Elapsed - st.Ingest
		if y.CPU != nil {
			st.CPU = cpuBefore + y.CPU() - cpu0
		}
	}
	deliver := func(day time.Time, files []string) error {
		for _, f := range files {
			if err := os.Rename(filepath.Join(out, f), filepath.Join(take, f)); err != nil {
				return err
			}
		}
		t0 := time.Now()
		// The night after the Stichtag, at two, as the nightly runs would.
		night := day.AddDate(0, 0, 1).Add(2 * time.Hour)
		s, err := ingest.Run(ctx, ingest.Options{Inbox: take, Archive: archive, Quarantine: quarantine,
			Lake: filepath.Join(y.Home, "lake"), Key: NationalKey(), Now: func() time.Time { return night }})
		if err != nil {
			return fmt.Errorf("ingest of %s: %w", day.Format("2006-01-02"), err)
		}
		st.Files += len(files)
		st.Ingest += time.Since(t0)
		st.Rows += s.RowsRead
		st.Days++
		// The exports go once taken in: the archive, the quarantine, what the inbox
		// keeps (files that are no exports).
		for _, d := range []string{archive, quarantine, take} {
			if err := os.RemoveAll(d); err != nil {
				return err
			}
		}
		if err := os.MkdirAll(take, 0o750); err != nil {
			return err
		}
		tally()
		if y.Peak != nil {
			st.Peak = max(st.Peak, y.Peak())
		}
		p.Done = day.Format(time.DateOnly)
		if err := writeProgress(y, p); err != nil {
			return err
		}
		if y.Log != nil {
			y.Log("%s: %d files, %d rows taken in in %.1f s (%d days, %d rows, %.0f s and %.0f s of CPU so far)", day.Format("2006-01-02"),
				len(files), s.RowsRead, time.Since(t0).Seconds(), st.Days, st.Rows, st.Elapsed.Seconds(), st.CPU.Seconds())
		}
		return nil
	}
	opt := synth.Options{Out: out, Truth: filepath.Join(y.Home, "synth", "truth.json"),
		Seed: 1, AsOf: y.AsOf, Days: y.Days, Scale: y.Scale, Delivered: deliver}
	if p.Done != "" {
		done, err := time.Parse(time.DateOnly, p.Done)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", progressPath(y), err)
		}
		opt.From = done.AddDate(0, 0, 1)
		if y.Log != nil {
			y.Log("resuming after %s (%d days taken in by %d runs)", p.Done, st.Days, st.Runs-1)
		}
	}
	if _, err := synth.Generate(ctx, opt); err != nil {
		return nil, fmt.Errorf("national year: %w", err)
	}
	tally()
	return st, writeProgress(y, p)
}

func writeProgress(y Year, p *yearProgress) error {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(progressPath(y), append(b, '\n'), 0o640)
}

// NationalKey is the fixed key the benchmarks' lakes are taken in with.
func NationalKey() protect.Key {
	key, err := protect.ParseKey(strings.Repeat("ab", 32))
	if err != nil {
		panic(err)
	}
	return key
}
