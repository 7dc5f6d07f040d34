package warehouse

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// checkNodeClient opens the warehouse and the lake with DuckDB's own Node client
// (testdata/nodeclient, pinned by its lockfile; `make test` installs it) and compares
// what it reads with what Go reads.
func checkNodeClient(t *testing.T, warehouseFile, lakeDir string) {
	t.Helper()
	dir, _ := filepath.Abs(filepath.Join("..", "..", "testdata", "nodeclient"))
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@duckdb", "node-api")); err != nil {
		t.Fatalf("DuckDB's Node client is not installed: run `npm ci --prefix %s` (make test does)", dir)
	}
	// The Go side holds no connection while the Node client opens the file.
	db, err := OpenReadOnly(warehouseFile)
	if err != nil {
		t.Fatal(err)
	}
	var caseload, starts int64
	db.QueryRow(`SELECT sum(bestand) FROM mart_woche_kreis`).Scan(&caseload)
	db.QueryRow(`SELECT count(*) FROM read_parquet(? || '/export=arbeitsaufnahmen/*/*.parquet', hive_partitioning = true)`, lakeDir).Scan(&starts)
	db.Close()

	out, err := exec.Command("node", filepath.Join(dir, "check.mjs"), warehouseFile, lakeDir).CombinedOutput()
	if err != nil {
		t.Fatalf("node client: %v\n%s", err, out)
	}
	var got struct {
		Version      string `json:"version"`
		Caseload     int64  `json:"caseload"`
		LakeStarts   int64  `json:"lakeStarts"`
		WriteRefused bool   `json:"writeRefused"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("node client said %s", out)
	}
	if !strings.HasPrefix(got.Version, "v1.5") || got.Caseload != caseload || got.LakeStarts != starts || !got.WriteRefused || starts == 0 {
		t.Errorf("node client read %+v; Go reads caseload %d, lake starts %d", got, caseload, starts)
	}
}
