package warehouse

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"ipoint/pipeline/civil"
	"ipoint/pipeline/ingest"
	"ipoint/pipeline/protect"
	"ipoint/pipeline/synth"
)

// The warehouse benchmark of issue 4: the national-scale scenario (--scale 300), the full
// transform, and ten typical analyst queries, in a child process so that its peak
// resident memory (DuckDB's included) is measured. The national lake is built once and
// cached (IPOINT_BENCH_NATIONAL, default TMPDIR/ipoint-bench/national): five daily
// deliveries up to 4 November 2026, so that the monthly exports of October are in it.

// AnalystQueries are the ten typical analyst queries (written down here, measured by
// BenchmarkNationalWarehouse).
var AnalystQueries = []struct{ Name, SQL string }{
	{"Bestand je Kreis, letzte 12 Wochen", `SELECT iso_jahr, kw, kreis, bestand, bestand_al, bestand_ik FROM mart_woche_kreis ORDER BY montag DESC LIMIT 24`},
	{"Zugänge nach Staatsangehörigkeit, letzte 4 Wochen", `SELECT staatsangehoerigkeit, count(*) AS n FROM stg_kunden_verlauf WHERE valid_to IS NULL AND zugang_ip >= (SELECT stand FROM dim_stichtage) - 28 GROUP BY 1 ORDER BY 2 DESC`},
	{"Status am Stichtag je Kreis", `SELECT kreis, status, count(*) FROM stg_kunden_verlauf, dim_stichtage d WHERE valid_from <= d.stand AND (valid_to IS NULL OR valid_to > d.stand) AND abgang_ip IS NULL GROUP BY ALL ORDER BY ALL`},
	{"Altersgruppen nach Geschlecht im Bestand", `SELECT geschlecht, (year(d.stand) - geburtsjahr) // 10 * 10 AS alter, count(*) FROM stg_kunden_verlauf, dim_stichtage d WHERE valid_to IS NULL AND abgang_ip IS NULL GROUP BY ALL ORDER BY ALL`},
	{"Aufnahmen nach Art und Monat", `SELECT * FROM mart_monat ORDER BY monat`},
	{"Median-Entgelt Vollzeit nach Wirtschaftszweig", `SELECT wz2008, median(bruttoentgelt) AS median_entgelt, count(*) FROM stg_arbeitsaufnahmen WHERE art = 'SVB_VZ' GROUP BY 1 ORDER BY 3 DESC LIMIT 20`},
	{"Sprachniveau der Kunden im Integrationskurs", `SELECT sprachniveau, count(*) FROM stg_kunden_verlauf WHERE valid_to IS NULL AND status = 'IK' GROUP BY 1 ORDER BY 1`},
	{"Aufenthaltsstatus: Entscheidungen und Ablösungen", `SELECT status, count(*) AS entscheidungen, count(ersetzt_ab) AS abgeloest FROM stg_aufenthalt GROUP BY 1 ORDER BY 2 DESC`},
	{"Beratungen nach Zielgruppe und Thema", `SELECT date_trunc('month', datum) AS monat, zielgruppe, thema, count(*), sum(dauer_min) FROM stg_beratungen GROUP BY ALL ORDER BY ALL`},
	{"Statuswechsel der letzten 7 Tage", `SELECT v.status, count(*) FROM stg_kunden_verlauf v, dim_stichtage d WHERE v.valid_from > d.stand - 7 AND v.valid_from > d.erster_stichtag GROUP BY 1 ORDER BY 2 DESC`},
}

const nationalChild = "IPOINT_BENCH_NATIONAL_CHILD"

func nationalHome(b *testing.B) string {
	home := os.Getenv("IPOINT_BENCH_NATIONAL")
	if home == "" {
		home = filepath.Join(os.TempDir(), "ipoint-bench", "national")
	}
	if _, err := os.Stat(filepath.Join(home, "lake", "manifest.jsonl")); err == nil {
		return home
	}
	b.Logf("building the national lake in %s (once; takes minutes)", home)
	os.RemoveAll(home)
	key, _ := protect.ParseKey(strings.Repeat("ab", 32))
	inbox := filepath.Join(home, "inbox")
	if _, err := synth.Generate(context.Background(), synth.Options{Out: inbox, Truth: filepath.Join(home, "synth", "truth.json"),
		Seed: 1, AsOf: time.Date(2026, 11, 4, 0, 0, 0, 0, time.UTC), Days: 5, Scale: 300}); err != nil {
		b.Fatal(err)
	}
	if _, err := ingest.Run(context.Background(), ingest.Options{Inbox: inbox, Quarantine: filepath.Join(home, "quarantine"),
		Lake: filepath.Join(home, "lake"), Key: key}); err != nil {
		b.Fatal(err)
	}
	return home
}

type nationalResult struct {
	Transform float64            `json:"transform_s"`
	Queries   map[string]float64 `json:"queries_s"`
	Caseload  int64              `json:"caseload"`
}

// childNational builds the warehouse and runs the queries; it prints a nationalResult.
func childNational(home string) int {
	wh := filepath.Join(os.TempDir(), fmt.Sprintf("ipoint-national-%d.duckdb", os.Getpid()))
	defer os.Remove(wh)
	start := time.Now()
	if _, err := Build(context.Background(), Options{Lake: filepath.Join(home, "lake"), Path: wh, Threads: 2, MemoryLimit: "1536MB",
		Day: civil.Date(2026, 11, 5)}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
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
	home := nationalHome(b)
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), nationalChild+"="+home)
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			b.Fatal(err)
		}
		var res nationalResult
		if err := json.Unmarshal(out, &res); err != nil {
			b.Fatalf("child said %s", out)
		}
		peak := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss * 1024
		slowest, slowestName := 0.0, ""
		for n, s := range res.Queries {
			if s > slowest {
				slowest, slowestName = s, n
			}
			b.Logf("%-50s %.3f s", n, s)
		}
		b.ReportMetric(res.Transform, "transform-s")
		b.ReportMetric(slowest, "slowest-query-s")
		b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
		b.Logf("national scale: caseload %d; transform %.1f s; slowest query %.3f s (%s); peak %d MiB",
			res.Caseload, res.Transform, slowest, slowestName, peak>>20)
	}
}
