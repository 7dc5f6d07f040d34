package main

import (
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"ipoint/pipeline/civil"
	"ipoint/pipeline/lake"
	"ipoint/pipeline/protect"
	"ipoint/pipeline/status"
	"ipoint/pipeline/warehouse"
)

// home is the data directory every command works on, with its configuration.
type home struct {
	dir string
	cfg *Config
	e   env
}

const homeEnv = "IPOINT_HOME"

// homeFlag adds --home to fs; resolve it after parsing.
func homeFlag(fs *flag.FlagSet) *string {
	return fs.String("home", "", "Datenverzeichnis (Vorgabe: $"+homeEnv+")")
}

func resolveHome(flagValue string, e env) (home, error) { return resolve(flagValue, e, false) }

// resolveNewHome is resolveHome for `ipoint init`, which may create the config file.
func resolveNewHome(flagValue string, e env) (home, error) { return resolve(flagValue, e, true) }

func resolve(flagValue string, e env, creating bool) (home, error) {
	dir := flagValue
	if dir == "" {
		dir = e.getenv(homeEnv)
	}
	if dir == "" {
		return home{}, usageError{"kein Datenverzeichnis: --home DIR angeben oder " + homeEnv + " setzen"}
	}
	cfg, err := loadConfig(dir, e, creating)
	if err != nil {
		return home{}, err
	}
	return home{dir: dir, cfg: cfg, e: e}, nil
}

// today is the civil day of the injected clock in the configured zone: the one "today"
// every command decides by.
func (h home) today() civil.Day { return civil.Of(h.e.now(), h.cfg.Location()) }

func (h home) path(p string) string { return h.cfg.abs(h.dir, p) }
func (h home) inbox() string        { return h.path(h.cfg.Paths.Inbox) }
func (h home) quarantine() string   { return h.path(h.cfg.Paths.Quarantine) }
func (h home) lake() string         { return h.path(h.cfg.Paths.Lake) }
func (h home) warehouse() string    { return h.path(h.cfg.Paths.Warehouse) }
func (h home) reports() string      { return h.path(h.cfg.Paths.Reports) }
func (h home) audit() string        { return h.path(h.cfg.Paths.Audit) }

// metricsFile is the job's metrics file: one per job, so that the weekly report or an
// erasure never wipes out the nightly run's figures.
func (h home) metricsFile(job string) string {
	return filepath.Join(h.path(h.cfg.Paths.Metrics), "ipoint_"+job+".prom")
}
func (h home) synth() string { return filepath.Join(h.dir, "synth") }

// archive is where the ingest keeps the files it took in (raw, in clear text).
func (h home) archive() string { return filepath.Join(h.inbox(), lake.ArchiveDir) }

// auditLog is the append-only log of analysts' queries.
func (h home) auditLog() string { return filepath.Join(h.audit(), "sql.jsonl") }

// runLog is the run history, one JSON line per run.
func (h home) runLog() string { return filepath.Join(h.audit(), "runs.jsonl") }

// figureLedger is the file of every figure the reports have published, with the values
// of the suppressed ones: the ETL account's, never in the archive (reports.Ledger).
func (h home) figureLedger() string {
	return filepath.Join(h.dir, "state", "veroeffentlichte-zahlen.json")
}

// ackLog is the log of acknowledged quarantined files.
func (h home) ackLog() string { return filepath.Join(h.audit(), status.AckLogName) }

// lockFile is the lock every writing command takes; ipoint schedule and the system's
// cron honour the same file.
func (h home) lockFile() string { return filepath.Join(h.dir, "ipoint.lock") }

// warehouseFile is the current warehouse; a build replaces it whole.
func (h home) warehouseFile() string { return filepath.Join(h.warehouse(), "ipoint.duckdb") }

// keyFile is the pseudonymisation key's place; in production it belongs on a volume of
// its own, owned by the ETL role only
// (paths.key_file, IPOINT_KEY_FILE).
func (h home) keyFile() string { return h.path(h.cfg.Paths.KeyFile) }

// openWarehouse opens the current warehouse the way an analyst may: read-only, locked.
func (h home) openWarehouse(memoryLimit string) (*sql.DB, error) {
	if _, err := os.Stat(h.warehouseFile()); err != nil {
		return nil, fmt.Errorf("keine Auswertungsdatenbank unter %s: zuerst ipoint transform", h.warehouseFile())
	}
	return warehouse.OpenAnalyst(h.warehouseFile(), 2, memoryLimit)
}

// loadKey reads the pseudonymisation key and checks it against the lake: a missing key
// for a lake that holds data, or a key other than the lake's, stops the command with
// what to do (restore the backup), never with a new key that would join nothing.
func (h home) loadKey() (protect.Key, error) {
	key, err := protect.LoadKey(h.keyFile(), h.e.getenv(protect.KeyEnv))
	if errors.Is(err, protect.ErrNoKey) && lake.HasData(h.lake()) {
		return protect.Key{}, fmt.Errorf("der Pseudonymisierungsschlüssel fehlt (%s), der Datensee enthält aber schon Daten: "+
			"die Sicherung des Schlüssels zurückspielen. Ein neuer Schlüssel (ipoint init) machte alle künftigen Pseudonyme "+
			"mit den vorhandenen unvergleichbar; ipoint init legt darum für einen vorhandenen Datensee keinen an", h.keyFile())
	}
	if err != nil {
		return protect.Key{}, err
	}
	if err := lake.CheckKeyFingerprint(h.lake(), protect.Fingerprint(key)); errors.Is(err, lake.ErrKeyMismatch) {
		return protect.Key{}, fmt.Errorf("der Pseudonymisierungsschlüssel (%s) passt nicht zum Datensee: die Sicherung des "+
			"richtigen Schlüssels zurückspielen (Fingerabdruck des Datensees in %s). Mit einem anderen Schlüssel passten "+
			"die Pseudonyme nicht mehr zusammen", h.keyFile(), filepath.Join(h.lake(), lake.KeyFingerprintName))
	} else if err != nil {
		return protect.Key{}, err
	}
	return key, nil
}
