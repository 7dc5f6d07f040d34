package warehouse

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"ipoint/pipeline/benchdata"
)

// The national year of issue 18: a year of daily deliveries at the national scale
// (--scale 300, 365 days by default; IPOINT_BENCH_NATIONAL_SCALE and
// IPOINT_BENCH_NATIONAL_DAYS say otherwise), generated and taken in day by day as the
// nightly runs would (benchdata.BuildYear) in one child process, then the transform and
// the ten analyst queries in another (childNational): the peak resident memory of each
// is its own. The lake is built anew every time (it is what is measured) and removed
// afterwards unless IPOINT_BENCH_KEEP is set. A year at scale 300 takes hours:
// IPOINT_BENCH_NATIONAL_RESUME=1 keeps the lake and goes on where a stopped run ended
// (benchdata.Year.Resume), its figures summed over the runs. docs/performance.md says
// what was measured.

const (
	yearChild    = "IPOINT_BENCH_NATIONAL_YEAR" // set in the child that builds the lake
	yearScaleEnv = "IPOINT_BENCH_NATIONAL_SCALE"
	yearDaysEnv  = "IPOINT_BENCH_NATIONAL_DAYS"
	yearResume   = "IPOINT_BENCH_NATIONAL_RESUME"
)

// yearAsOf is the year's newest Stichtag: the national warehouse's day is the day after.
var yearAsOf = time.Date(2026, 11, 4, 0, 0, 0, 0, time.UTC)

type yearLoad struct {
	Days     int     `json:"days"`
	Files    int     `json:"files"`
	Rows     int64   `json:"rows"`
	Load     float64 `json:"load_s"`
	Generate float64 `json:"generate_s"`
	Ingest   float64 `json:"ingest_s"`
	CPU      float64 `json:"cpu_s"` // user and system time of all runs
	Peak     int64   `json:"peak"`  // the highest peak of all runs (resumed)
	Runs     int     `json:"runs"`
}

// yearSize reads the scale and the number of days from the environment.
func yearSize() (float64, int, error) {
	scale, days := 300.0, 365
	if s := os.Getenv(yearScaleEnv); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v <= 0 {
			return 0, 0, fmt.Errorf("%s=%q is no scale", yearScaleEnv, s)
		}
		scale = v
	}
	if s := os.Getenv(yearDaysEnv); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			return 0, 0, fmt.Errorf("%s=%q is no number of days", yearDaysEnv, s)
		}
		days = v
	}
	return scale, days, nil
}

// childYearLoad builds the year's lake in home; it prints a yearLoad, and on stderr a
// line a day with the process's resident memory then and its peak so far.
func childYearLoad(home string) int {
	scale, days, err := yearSize()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	st, err := benchdata.BuildYear(context.Background(), benchdata.Year{Home: home, Scale: scale, Days: days, AsOf: yearAsOf,
		Resume: os.Getenv(yearResume) != "",
		Peak:   func() int64 { _, hwm := procMemory(); return hwm },
		CPU:    processCPU,
		Log: func(format string, args ...any) {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			rss, hwm := procMemory()
			fmt.Fprintf(os.Stderr, "national year: "+format+"; heap %d MiB, resident %d MiB, peak %d MiB\n",
				append(args, m.HeapInuse>>20, rss>>20, hwm>>20)...)
		}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	json.NewEncoder(os.Stdout).Encode(yearLoad{Days: st.Days, Files: st.Files, Rows: st.Rows, Load: st.Elapsed.Seconds(),
		Generate: st.Generate.Seconds(), Ingest: st.Ingest.Seconds(), CPU: st.CPU.Seconds(), Peak: st.Peak, Runs: st.Runs})
	return 0
}

// procMemory returns the process's resident memory and its peak (Linux; 0 elsewhere).
func procMemory() (rss, hwm int64) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "VmRSS":
			rss = n << 10
		case "VmHWM":
			hwm = n << 10
		}
	}
	return rss, hwm
}

// processCPU returns the process's user and system time so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

func BenchmarkNationalYear(b *testing.B) {
	scale, days, err := yearSize()
	if err != nil {
		b.Fatal(err)
	}
	home := filepath.Join(os.TempDir(), "ipoint-bench", fmt.Sprintf("national-year-%g-%d", scale, days))
	if os.Getenv("IPOINT_BENCH_KEEP") == "" && os.Getenv(yearResume) == "" {
		defer os.RemoveAll(home)
	}
	b.Logf("national year: scale %g, %d days up to %s, in %s", scale, days, yearAsOf.Format("2006-01-02"), home)
	for i := 0; i < b.N; i++ {
		var load yearLoad
		loadPeak := runJSONChild(b, &load, yearChild+"=1", nationalChild+"="+home).peak
		loadPeak = max(loadPeak, load.Peak)
		lake := dirSize(filepath.Join(home, "lake"))
		var res nationalResult
		peak := runJSONChild(b, &res, nationalChild+"="+home).peak
		slowest, slowestName := slowestQuery(b, res.Queries)
		b.ReportMetric(load.Load, "load-s")
		b.ReportMetric(load.CPU, "load-cpu-s")
		b.ReportMetric(load.Generate, "generate-s")
		b.ReportMetric(load.Ingest, "ingest-s")
		b.ReportMetric(float64(load.Rows), "rows")
		b.ReportMetric(float64(loadPeak)/(1<<20), "load-peak-MiB")
		b.ReportMetric(float64(lake)/(1<<20), "lake-MiB")
		b.ReportMetric(res.Transform, "transform-s")
		b.ReportMetric(slowest, "slowest-query-s")
		b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
		b.Logf("national year (scale %g, %d days, %d files, %d rows, %d runs): generate %.0f s and ingest %.0f s (%.0f s of CPU), peak %d MiB; lake %d MiB; "+
			"caseload %d; transform %.1f s; slowest query %.3f s (%s); peak %d MiB",
			scale, load.Days, load.Files, load.Rows, load.Runs, load.Generate, load.Ingest, load.CPU, loadPeak>>20, lake>>20,
			res.Caseload, res.Transform, slowest, slowestName, peak>>20)
	}
}
