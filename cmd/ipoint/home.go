package main

import (
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"ipoint/pipeline/warehouse"
)

// home is the data directory every command works on.
type home struct {
	dir string
}

const homeEnv = "IPOINT_HOME"

// homeFlag adds --home to fs; resolve it after parsing.
func homeFlag(fs *flag.FlagSet) *string {
	return fs.String("home", "", "Datenverzeichnis (Vorgabe: $"+homeEnv+")")
}

func resolveHome(flagValue string, e env) (home, error) {
	dir := flagValue
	if dir == "" {
		dir = e.getenv(homeEnv)
	}
	if dir == "" {
		return home{}, usageError{"kein Datenverzeichnis: --home DIR angeben oder " + homeEnv + " setzen"}
	}
	return home{dir: dir}, nil
}

func (h home) inbox() string      { return filepath.Join(h.dir, "inbox") }
func (h home) quarantine() string { return filepath.Join(h.dir, "quarantine") }
func (h home) lake() string       { return filepath.Join(h.dir, "lake") }
func (h home) warehouse() string  { return filepath.Join(h.dir, "warehouse") }
func (h home) reports() string    { return filepath.Join(h.dir, "reports") }
func (h home) synth() string      { return filepath.Join(h.dir, "synth") }

// auditLog is the append-only log of analysts' queries.
func (h home) auditLog() string { return filepath.Join(h.dir, "audit", "sql.jsonl") }

// warehouseFile is the current warehouse; a build replaces it whole.
func (h home) warehouseFile() string { return filepath.Join(h.warehouse(), "ipoint.duckdb") }

// keyFile is the pseudonymisation key's default place; in production it belongs on a
// volume of its own (IPOINT_KEY_FILE), owned by the ETL role only.
func (h home) keyFile(e env) string {
	if p := e.getenv("IPOINT_KEY_FILE"); p != "" {
		return p
	}
	return filepath.Join(h.dir, "secrets", "pseudonym.key")
}

// openWarehouse opens the current warehouse the way an analyst may: read-only, locked.
func (h home) openWarehouse(memoryLimit string) (*sql.DB, error) {
	if _, err := os.Stat(h.warehouseFile()); err != nil {
		return nil, fmt.Errorf("keine Auswertungsdatenbank unter %s: zuerst ipoint transform", h.warehouseFile())
	}
	return warehouse.OpenAnalyst(h.warehouseFile(), 2, memoryLimit)
}
