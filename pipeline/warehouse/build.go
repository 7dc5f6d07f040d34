package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"ipoint/pipeline/civil"
	lakepkg "ipoint/pipeline/lake"
	sqlfiles "ipoint/sql"
)

// Options configure a build.
type Options struct {
	Lake        string // the lake's root
	Path        string // the warehouse file; replaced whole by a finished build
	Threads     int    // DuckDB threads (default 2)
	MemoryLimit string // DuckDB memory limit (default "4GB")
	MaxAgeDays  int    // freshness: a daily export's newest Stichtag may be this old (default 3)
	// Day is the civil day the warehouse is built for ("today" in the configured zone):
	// freshness is measured to it, and the warehouse records it. Required.
	Day civil.Day
}

// Result reports a build.
type Result struct {
	Checks   []CheckResult
	Duration time.Duration
}

// Failed returns the checks that failed.
func (r *Result) Failed() []CheckResult {
	var out []CheckResult
	for _, c := range r.Checks {
		if c.Failed() {
			out = append(out, c)
		}
	}
	return out
}

// Model is one SQL file of sql/models.
type Model struct {
	Name string // file name without the number and extension, e.g. stg_arbeitsaufnahmen
	File string
	SQL  string
}

// Models returns the models in the order they are applied.
func Models() ([]Model, error) {
	entries, err := fs.Glob(sqlfiles.Files, "models/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(entries)
	var out []Model
	for _, p := range entries {
		b, err := sqlfiles.Files.ReadFile(p)
		if err != nil {
			return nil, err
		}
		base := strings.TrimSuffix(filepath.Base(p), ".sql")
		if _, rest, ok := strings.Cut(base, "_"); ok {
			base = rest
		}
		out = append(out, Model{Name: base, File: p, SQL: string(b)})
	}
	return out, nil
}

// Build builds the warehouse from the lake into a new file and, once complete, swaps it
// in by rename: a reader never sees a half-built warehouse, and an analyst's open
// session (on the old file) never blocks the build.
func Build(ctx context.Context, opt Options) (*Result, error) {
	start := time.Now()
	if opt.MaxAgeDays <= 0 {
		opt.MaxAgeDays = 3
	}
	if opt.Day.IsZero() {
		return nil, errors.New("warehouse: no build day given")
	}
	if opt.Threads <= 0 {
		opt.Threads = 2
	}
	if opt.MemoryLimit == "" {
		opt.MemoryLimit = "4GB"
	}
	if missing := missingExports(opt.Lake); len(missing) > 0 {
		return nil, fmt.Errorf("im Datensee fehlen Lieferungen für %s: die Auswertungsdatenbank braucht jeden Export mindestens einmal (zuerst ipoint ingest)",
			strings.Join(missing, ", "))
	}
	if err := os.MkdirAll(filepath.Dir(opt.Path), 0o750); err != nil {
		return nil, err
	}
	tmp := fmt.Sprintf("%s.building-%d", opt.Path, time.Now().UnixNano())
	defer os.Remove(tmp)
	defer os.Remove(tmp + ".wal")
	res, err := build(ctx, tmp, opt)
	if err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, opt.Path); err != nil {
		return nil, err
	}
	res.Duration = time.Since(start)
	return res, nil
}

func build(ctx context.Context, path string, opt Options) (*Result, error) {
	db, err := sql.Open("duckdb", fmt.Sprintf("%s?threads=%d&memory_limit=%s", path, opt.Threads, opt.MemoryLimit))
	if err != nil {
		return nil, err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	lake, err := filepath.Abs(opt.Lake)
	if err != nil {
		return nil, err
	}
	// The data version is read here, once, under the caller's lock; the models store it
	// (core_lieferungen, aufbau) rather than hashing the manifest a second time.
	version, err := lakepkg.DataVersion(lake)
	if err != nil {
		return nil, err
	}
	for _, set := range []struct {
		q string
		v any
	}{{"SET VARIABLE lake = ?", lake}, {"SET VARIABLE today = ?::DATE", opt.Day.String()},
		{"SET VARIABLE max_age_days = ?", opt.MaxAgeDays}, {"SET VARIABLE datenversion = ?", version}} {
		if _, err := conn.ExecContext(ctx, set.q, set.v); err != nil {
			return nil, err
		}
	}
	models, err := Models()
	if err != nil {
		return nil, err
	}
	for _, m := range models {
		if _, err := conn.ExecContext(ctx, m.SQL); err != nil {
			return nil, fmt.Errorf("model %s: %w", m.File, err)
		}
	}
	checks, err := runChecks(ctx, conn)
	if err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, "CHECKPOINT"); err != nil {
		return nil, err
	}
	return &Result{Checks: checks}, nil
}

// lakeExports are the exports the models read, and where their data lie.
var lakeExports = []struct{ name, glob string }{
	{"verbis_kunden", "export=verbis_kunden/history.parquet"},
	{"massnahmen", "export=massnahmen/history.parquet"},
	{"arbeitsaufnahmen", "export=arbeitsaufnahmen/*/*.parquet"},
	{"abh_aufenthalt", "export=abh_aufenthalt/*/*.parquet"},
	{"beratungen", "export=beratungen/*/*.parquet"},
	{"ki_schutzsuchende", "export=ki_schutzsuchende/*/*.parquet"},
}

func missingExports(lake string) []string {
	var out []string
	for _, e := range lakeExports {
		if m, _ := filepath.Glob(filepath.Join(lake, e.glob)); len(m) == 0 {
			out = append(out, e.name)
		}
	}
	return out
}

// OpenReadOnly opens a warehouse file for reading.
func OpenReadOnly(path string) (*sql.DB, error) {
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		return nil, err
	}
	return db, db.Ping()
}
