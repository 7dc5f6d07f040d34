package warehouse

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"ipoint/pipeline/ingest"
	"ipoint/pipeline/protect"
	"ipoint/pipeline/synth"
)

// The ingest benchmark of issue 3: a job-starts file of at least 5 million rows from the
// generator, taken in by ipoint (all validation and pseudonymisation) and converted by
// DuckDB's own COPY to Parquet, each in a child process of its own, so that wall time
// and peak resident memory are measured the same way.
const (
	benchRows  = 5_000_000
	childMode  = "IPOINT_BENCH_CHILD"
	childInput = "IPOINT_BENCH_INPUT"
	childOut   = "IPOINT_BENCH_OUT"
)

func TestMain(m *testing.M) {
	if home := os.Getenv(nationalChild); home != "" {
		os.Exit(childNational(home))
	}
	switch os.Getenv(childMode) {
	case "ipoint":
		os.Exit(childIngest(os.Getenv(childInput), os.Getenv(childOut)))
	case "duckdb":
		os.Exit(childDuckDB(os.Getenv(childInput), os.Getenv(childOut)))
	}
	os.Exit(m.Run())
}

func childIngest(input, home string) int {
	inbox := filepath.Join(home, "inbox")
	os.MkdirAll(inbox, 0o750)
	if err := os.Link(input, filepath.Join(inbox, filepath.Base(input))); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	key, _ := protect.ParseKey(strings.Repeat("ab", 32))
	s, err := ingest.Run(context.Background(), ingest.Options{Inbox: inbox, Quarantine: filepath.Join(home, "quarantine"),
		Lake: filepath.Join(home, "lake"), Key: key})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if s.Ingested != 1 {
		fmt.Fprintf(os.Stderr, "ingested %d files, quarantined %v\n", s.Ingested, s.Quarantined)
		return 1
	}
	fmt.Print(s.RowsRead)
	return 0
}

func childDuckDB(input, out string) int {
	db, err := OpenMemory(2, "8GB")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	q := fmt.Sprintf(`COPY (SELECT * FROM read_csv('%s', delim = ';', header = true)) TO '%s' (FORMAT parquet)`, input, out)
	if _, err := db.Exec(q); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	var n int64
	db.QueryRow(fmt.Sprintf(`SELECT count(*) FROM read_parquet('%s')`, out)).Scan(&n)
	fmt.Print(n)
	return 0
}

// runChild runs this binary in a mode and returns its wall time, peak RSS (bytes) and
// standard output.
func runChild(b *testing.B, mode, input, out string) (time.Duration, int64, string) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childMode+"="+mode, childInput+"="+input, childOut+"="+out)
	cmd.Stderr = os.Stderr
	start := time.Now()
	stdout, err := cmd.Output()
	if err != nil {
		b.Fatalf("%s: %v", mode, err)
	}
	wall := time.Since(start)
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return wall, ru.Maxrss * 1024, string(stdout)
}

func BenchmarkIngestVsDuckDB(b *testing.B) {
	cache := filepath.Join(os.TempDir(), "ipoint-bench")
	input, rows, err := synth.BulkFile(cache, benchRows)
	if err != nil {
		b.Fatal(err)
	}
	st, _ := os.Stat(input)
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		tI, rssI, outI := runChild(b, "ipoint", input, filepath.Join(dir, "home"))
		tD, rssD, outD := runChild(b, "duckdb", input, filepath.Join(dir, "duckdb.parquet"))
		if outI != fmt.Sprint(rows) || outD != fmt.Sprint(rows) {
			b.Fatalf("rows: file %d, ipoint %s, duckdb %s", rows, outI, outD)
		}
		ipointRate := float64(rows) / tI.Seconds()
		duckRate := float64(rows) / tD.Seconds()
		b.ReportMetric(ipointRate, "ipoint-rows/s")
		b.ReportMetric(duckRate, "duckdb-rows/s")
		b.ReportMetric(ipointRate/duckRate, "ratio")
		b.ReportMetric(float64(rssI)/(1<<20), "ipoint-peak-MiB")
		b.ReportMetric(float64(rssD)/(1<<20), "duckdb-peak-MiB")
		b.Logf("%d rows, %d MB: ipoint %.2fs (%.0f rows/s, %d MiB peak), DuckDB COPY %.2fs (%.0f rows/s, %d MiB peak), ratio %.2f",
			rows, st.Size()>>20, tI.Seconds(), ipointRate, rssI>>20, tD.Seconds(), duckRate, rssD>>20, ipointRate/duckRate)
	}
}
