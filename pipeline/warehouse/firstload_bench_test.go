package warehouse

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"ipoint/pipeline/benchdata"
	"ipoint/pipeline/ingest"
	"ipoint/pipeline/protect"
)

// The first load and the nightly run of issue 18, on the demo year (benchdata.DemoYear:
// 1,888 files of six formats up to 5 December 2026). Each job runs in a child process
// of its own, so that wall time and peak resident memory are those of the job alone:
// the ingest of the inbox into the lake, then the warehouse build with its checks, as
// the nightly run does them (reports are rendered only when one is due; BenchmarkReports
// measures them).

const loadChild = "IPOINT_BENCH_LOAD_CHILD" // the home whose inbox the child takes in

type loadResult struct {
	Ingest    float64 `json:"ingest_s"`
	Transform float64 `json:"transform_s"`
	Files     int     `json:"files"`
	Rows      int64   `json:"rows"`
}

// childLoad ingests HOME/inbox into HOME/lake and builds HOME/warehouse.duckdb for the
// day after the demo year's last delivery; with IPOINT_BENCH_LOAD_PROFILE=FILE it
// writes a CPU profile, whose labels split the ingest by export and stage.
func childLoad(home string) int {
	fail := func(err error) int { fmt.Fprintln(os.Stderr, err); return 1 }
	if path := os.Getenv("IPOINT_BENCH_LOAD_PROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			return fail(err)
		}
		pprof.StartCPUProfile(f)
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	key, _ := protect.ParseKey(strings.Repeat("ab", 32))
	ctx := context.Background()
	clock := func() time.Time { return benchdata.DemoAsOf.AddDays(1).Time().Add(90 * time.Minute) }
	start := time.Now()
	s, err := ingest.Run(ctx, ingest.Options{Inbox: filepath.Join(home, "inbox"), Quarantine: filepath.Join(home, "quarantine"),
		Lake: filepath.Join(home, "lake"), Key: key, Now: clock})
	if err != nil {
		return fail(err)
	}
	res := loadResult{Ingest: time.Since(start).Seconds(), Files: s.Ingested + len(s.Quarantined), Rows: s.RowsRead}
	start = time.Now()
	pprof.Do(ctx, pprof.Labels("stage", "transform"), func(ctx context.Context) {
		_, err = Build(ctx, Options{Lake: filepath.Join(home, "lake"), Path: filepath.Join(home, "warehouse.duckdb"),
			Day: benchdata.DemoAsOf.AddDays(1)})
	})
	if err != nil {
		return fail(err)
	}
	res.Transform = time.Since(start).Seconds()
	json.NewEncoder(os.Stdout).Encode(res)
	return 0
}

// runLoad runs childLoad on home and returns its result, peak RSS in bytes and CPU time
// (user and system: on a machine shared with other work the steadier figure).
func runLoad(b *testing.B, home string, profile string) (loadResult, int64, time.Duration) {
	var res loadResult
	c := runJSONChild(b, &res, loadChild+"="+home, "IPOINT_BENCH_LOAD_PROFILE="+profile)
	return res, c.peak, c.cpu
}

// linkInbox links the files of the demo year's inbox that keep says into home/inbox.
func linkInbox(b *testing.B, from, home string, keep func(name string) bool) int {
	inbox := filepath.Join(home, "inbox")
	if err := os.MkdirAll(inbox, 0o750); err != nil {
		b.Fatal(err)
	}
	entries, err := os.ReadDir(from)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if e.IsDir() || !keep(e.Name()) {
			continue
		}
		if err := os.Link(filepath.Join(from, e.Name()), filepath.Join(inbox, e.Name())); err != nil {
			b.Fatal(err)
		}
		n++
	}
	return n
}

// lastNight reports whether a file of the demo year is one of its last night's: the
// deliveries of DemoAsOf (a date in the name as JJJJMMTT or JJJJ-MM-TT).
func lastNight(name string) bool {
	d := benchdata.DemoAsOf.Time()
	return strings.Contains(name, d.Format("20060102")) || strings.Contains(name, d.Format("2006-01-02"))
}

// BenchmarkFirstLoad takes the whole demo year into an empty data directory. Target
// (issue 18): at most 20 s and 1 GiB on two cores. With IPOINT_BENCH_PROFILE=1 the child
// writes a CPU profile and the log splits the ingest's CPU time by export and stage
// (when the go tool is at hand).
func BenchmarkFirstLoad(b *testing.B) {
	inbox, err := benchdata.DemoYear(context.Background(), b.Logf)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		home := b.TempDir()
		files := linkInbox(b, inbox, home, func(string) bool { return true })
		profile := ""
		if os.Getenv("IPOINT_BENCH_PROFILE") != "" {
			profile = filepath.Join(home, "cpu.prof") // the profiler costs some 5 % of the time
		}
		res, peak, cpu := runLoad(b, home, profile)
		b.ReportMetric(res.Ingest, "ingest-s")
		b.ReportMetric(res.Transform, "transform-s")
		b.ReportMetric(res.Ingest+res.Transform, "total-s")
		b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
		b.ReportMetric(cpu.Seconds(), "cpu-s")
		b.Logf("first load of the demo year: %d files in the inbox, %d taken in or quarantined, %d rows: ingest %.1f s, transform %.1f s, peak %d MiB, CPU %.1f s",
			files, res.Files, res.Rows, res.Ingest, res.Transform, peak>>20, cpu.Seconds())
		if profile != "" {
			logProfileTags(b, profile)
		}
	}
}

// BenchmarkNightly: one new night (the demo year's last deliveries) on the lake of
// every night before it. Target (issue 18): at most 1.5 s and 300 MiB.
func BenchmarkNightly(b *testing.B) {
	inbox, err := benchdata.DemoYear(context.Background(), b.Logf)
	if err != nil {
		b.Fatal(err)
	}
	// The lake of all nights but the last, built once, and the warehouse built on it: the
	// lake as the last night finds it, with the build's compaction cache of closed months
	// (cacheFormat in the name: a lake cached with another format, or none, would make
	// the night write the cache anew).
	base := filepath.Join(filepath.Dir(inbox), "lake-before-last-night-"+strings.ReplaceAll(cacheFormat, " ", "-"))
	err = benchdata.Cached(base, func() error {
		b.Logf("taking in the demo year but its last night (once)")
		linkInbox(b, inbox, base, func(name string) bool { return !lastNight(name) })
		runLoad(b, base, "")
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		home := b.TempDir()
		if err := benchdata.CopyTree(filepath.Join(base, "lake"), filepath.Join(home, "lake")); err != nil {
			b.Fatal(err)
		}
		files := linkInbox(b, inbox, home, lastNight)
		res, peak, cpu := runLoad(b, home, "")
		if res.Files == 0 {
			b.Fatalf("the last night took in no file of %d", files)
		}
		b.ReportMetric(res.Ingest+res.Transform, "night-s")
		b.ReportMetric(res.Ingest, "ingest-s")
		b.ReportMetric(res.Transform, "transform-s")
		b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
		b.ReportMetric(cpu.Seconds(), "cpu-s")
		b.Logf("one night on a year's lake: %d files, %d rows: ingest %.2f s, transform %.2f s, peak %d MiB, CPU %.2f s",
			res.Files, res.Rows, res.Ingest, res.Transform, peak>>20, cpu.Seconds())
	}
}

// logProfileTags logs the CPU profile's split by its labels (export, stage), which
// `go tool pprof -tags` prints; without the go tool the split is left out.
func logProfileTags(b *testing.B, profile string) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		b.Logf("no go tool on the PATH: no split by export and stage")
		return
	}
	out, err := exec.Command(gobin, "tool", "pprof", "-tags", profile).Output()
	if err != nil {
		b.Logf("go tool pprof -tags: %v", err)
		return
	}
	b.Logf("CPU time by export and stage:\n%s", out)
}
