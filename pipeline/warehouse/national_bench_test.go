package warehouse

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"ipoint/pipeline/benchdata"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// The warehouse benchmark of issue 4: the national-scale scenario (--scale 300), the full
// transform, and ten typical analyst queries, in a child process so that its peak
// resident memory (DuckDB's included) is measured. The national lake is built once and
// cached (benchdata.NationalHome).

const nationalChild = "IPOINT_BENCH_NATIONAL_CHILD"

type nationalResult struct {
	Transform float64            `json:"transform_s"`
	Queries   map[string]float64 `json:"queries_s"`
	Caseload  int64              `json:"caseload"`
}

// childNational builds the warehouse and runs the queries; it prints a nationalResult.
func childNational(home string) int {
	if os.Getenv(yearChild) != "" {
		return childYearLoad(home)
	}
	wh := filepath.Join(os.TempDir(), fmt.Sprintf("ipoint-national-%d.duckdb", os.Getpid()))
	defer os.Remove(wh)
	start := time.Now()
	built, err := Build(context.Background(), Options{Lake: filepath.Join(home, "lake"), Path: wh, Threads: 2, MemoryLimit: "1536MB",
		Day: benchdata.NationalDay})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	logSlowSteps(built.Steps, 8)
	res := nationalResult{Transform: time.Since(start).Seconds(), Queries: map[string]float64{}}
	db, err := OpenAnalyst(wh, 2, "1536MB")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer db.Close()
	db.QueryRow(`SELECT sum(bestand) FROM mart_woche_kreis WHERE stichtag = (SELECT stand FROM dim_stichtage)`).Scan(&res.Caseload)
	for _, q := range AnalystQueries {
		start := time.Now()
		rows, err := db.Query(q.SQL)
		if err != nil {
			fmt.Fprintln(os.Stderr, q.Name, err)
			return 1
		}
		for rows.Next() {
		}
		rows.Close()
		res.Queries[q.Name] = time.Since(start).Seconds()
	}
	json.NewEncoder(os.Stdout).Encode(res)
	return 0
}

func BenchmarkNationalWarehouse(b *testing.B) {
	home, err := benchdata.NationalHome(context.Background(), b.Logf)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		var res nationalResult
		peak := runJSONChild(b, &res, nationalChild+"="+home).peak
		slowest, slowestName := slowestQuery(b, res.Queries)
		b.ReportMetric(res.Transform, "transform-s")
		b.ReportMetric(slowest, "slowest-query-s")
		b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
		b.Logf("national scale: caseload %d; transform %.1f s; slowest query %.3f s (%s); peak %d MiB",
			res.Caseload, res.Transform, slowest, slowestName, peak>>20)
	}
}

// logSlowSteps writes a build's n slowest steps to stderr.
func logSlowSteps(steps []Step, n int) {
	steps = slices.Clone(steps)
	slices.SortFunc(steps, func(a, b Step) int { return cmp.Compare(b.Duration, a.Duration) })
	for _, s := range steps[:min(n, len(steps))] {
		fmt.Fprintf(os.Stderr, "build step %-40s %6.2f s\n", s.Name, s.Duration.Seconds())
	}
}
