package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// BenchmarkReports measures issue 5's figures: all reports of one week of the default
// scenario (Wochenbericht, Monatsbericht, Verlaufsbericht and the index) rendered from
// the warehouse, and the size of the Wochenbericht. The default scenario's warehouse is
// built once and cached (IPOINT_BENCH_DEFAULT, default TMPDIR/ipoint-bench/default).
func BenchmarkReports(b *testing.B) {
	home := os.Getenv("IPOINT_BENCH_DEFAULT")
	if home == "" {
		home = filepath.Join(os.TempDir(), "ipoint-bench", "default")
	}
	vars := map[string]string{"IPOINT_HOME": home}
	runTB := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		e := env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] },
			now: func() time.Time { return time.Date(2026, 11, 25, 7, 0, 0, 0, time.UTC) }}
		return run(context.Background(), args, e), out.String() + errb.String()
	}
	if _, err := os.Stat(filepath.Join(home, "warehouse", "ipoint.duckdb")); err != nil {
		b.Logf("building the default scenario's warehouse in %s (once; about a minute)", home)
		os.RemoveAll(home)
		for _, args := range [][]string{{"init"}, {"generate", "--as-of", "2026-11-24"}, {"ingest"}, {"transform"}} {
			if code, out := runTB(args...); code != exitOK && code != exitProblems {
				b.Fatalf("%v: %d %s", args, code, out)
			}
		}
	}
	const rounds = 5
	var total time.Duration
	for i := 0; i < b.N; i++ {
		for r := 0; r < rounds; r++ {
			os.RemoveAll(filepath.Join(home, "reports"))
			start := time.Now()
			if code, out := runTB("report"); code != exitOK {
				b.Fatalf("report: %d %s", code, out)
			}
			total += time.Since(start)
		}
	}
	st, err := os.Stat(filepath.Join(home, "reports", "2026", "KW47", "wochenbericht.html"))
	if err != nil {
		b.Fatal(err)
	}
	secs := total.Seconds() / float64(b.N*rounds)
	b.ReportMetric(secs, "s/all-reports")
	b.ReportMetric(float64(st.Size())/(1<<20), "MiB/wochenbericht")
	b.Logf("all reports of KW 47/2026 (default scenario): %.3f s; Wochenbericht %.2f MiB (targets: < 2 s, < 2 MB)", secs, float64(st.Size())/(1<<20))
}
