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

	"ipoint/pipeline"
	"ipoint/pipeline/atomicfile"
	"ipoint/pipeline/civil"
	lakepkg "ipoint/pipeline/lake"
	"ipoint/pipeline/source"
	sqlfiles "ipoint/sql"
)

// ErrNoClientMaster: the client master has never been delivered, so there is nothing to
// build yet (a new installation's first nights).
var ErrNoClientMaster = errors.New("noch keine Daten")

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

	noCompact bool // tests: read every delivered file, not the compaction cache (compact.go)
}

// Result reports a build.
type Result struct {
	Checks   []CheckResult
	Duration time.Duration
	Missing  []string // exports not delivered yet: built as empty
	// Steps is the time each step of the build took, in order: "views" (the lake's views
	// and the compaction cache), "catalog", every model by its file, then "checks" and
	// "checkpoint" (what to look at when a build grows slow).
	Steps []Step
}

// Step is one step of a build and its time.
type Step struct {
	Name     string
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
	Name string // file name without the number and extension, e.g. mart_monat
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
	missing := missingExports(opt.Lake)
	for _, name := range missing {
		if e := source.ByName(name); e.ClientMaster() {
			// Every figure counts the client master's people: nothing to build without it.
			return nil, fmt.Errorf("%w: im Datensee fehlt noch jede Lieferung von %s (%s); die Auswertungsdatenbank braucht den Kundenbestand",
				ErrNoClientMaster, e.Name, e.Title)
		}
	}
	if err := os.MkdirAll(filepath.Dir(opt.Path), 0o750); err != nil {
		return nil, err
	}
	tmp := fmt.Sprintf("%s.building-%d", opt.Path, time.Now().UnixNano())
	defer os.Remove(tmp)
	defer os.Remove(tmp + ".wal")
	// An export that has not been delivered yet (the first nights of an installation)
	// is read as an empty file with its schema: its staging table is empty, the freshness
	// check names it, and every other figure is built.
	empty := tmp + ".leer"
	defer os.RemoveAll(empty)
	roots := map[string]string{}
	for _, name := range missing {
		if err := emptyExport(empty, source.ByName(name)); err != nil {
			return nil, err
		}
		roots[name] = empty
	}
	res, err := build(ctx, tmp, opt, roots)
	if err != nil {
		return nil, err
	}
	res.Missing = missing
	// Owner writes, the service account's group reads (ipoint serve), others nothing.
	if err := os.Chmod(tmp, 0o640); err != nil {
		return nil, err
	}
	// DuckDB wrote and checkpointed the new file; the rename puts it in place whole.
	if err := os.Rename(tmp, opt.Path); err != nil {
		return nil, err
	}
	if err := atomicfile.SyncDir(filepath.Dir(opt.Path)); err != nil {
		return nil, err
	}
	res.Duration = time.Since(start)
	return res, nil
}

func build(ctx context.Context, path string, opt Options, roots map[string]string) (*Result, error) {
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
	// The final checkpoint compresses every column; DuckDB's analysis of FSST (string
	// compression by a symbol table) took a third of it, and the warehouse came out the
	// same size without it: its strings are codes and labels (dictionary) and tokens
	// (random, which FSST cannot shorten).
	if _, err := conn.ExecContext(ctx, "SET disabled_compression_methods = 'fsst'"); err != nil {
		return nil, err
	}
	sets := []struct {
		q string
		v any
	}{{"SET VARIABLE lake = ?", lake}, {"SET VARIABLE today = ?::DATE", opt.Day.String()},
		{"SET VARIABLE max_age_days = ?", opt.MaxAgeDays}, {"SET VARIABLE datenversion = ?", version}}
	// The staging models read a snapshot export's history through a glob from the
	// lake's layout, a delta export's files through its view (lakeViews).
	for _, e := range source.All() {
		if !e.Snapshot {
			continue
		}
		root := lake
		if r, ok := roots[e.Name]; ok {
			root = r
		}
		sets = append(sets, struct {
			q string
			v any
		}{fmt.Sprintf("SET VARIABLE glob_%s = ?", e.Name), filepath.ToSlash(root) + "/" + lakepkg.Glob(e.Name, true)})
	}
	for _, set := range sets {
		if _, err := conn.ExecContext(ctx, set.q, set.v); err != nil {
			return nil, err
		}
	}
	res := &Result{}
	t := time.Now()
	step := func(name string) {
		res.Steps = append(res.Steps, Step{name, time.Since(t)})
		t = time.Now()
	}
	if err := lakeViews(ctx, conn, lake, roots, opt.Day, !opt.noCompact); err != nil {
		return nil, err
	}
	step("views") // the compaction cache's work included
	if err := catalogTable(ctx, conn, opt.MaxAgeDays); err != nil {
		return nil, err
	}
	models, err := Models()
	if err != nil {
		return nil, err
	}
	step("catalog")
	for _, m := range models {
		if _, err := conn.ExecContext(ctx, m.SQL); err != nil {
			return nil, fmt.Errorf("model %s: %w", m.File, err)
		}
		step(m.File)
	}
	if res.Checks, err = runChecks(ctx, conn); err != nil {
		return nil, err
	}
	step("checks")
	if _, err := conn.ExecContext(ctx, "CHECKPOINT"); err != nil {
		return nil, err
	}
	step("checkpoint")
	return res, nil
}

// missingExports lists the exports of the catalog that have no data in the lake yet.
func missingExports(lake string) []string {
	var out []string
	for _, e := range source.All() {
		if m, _ := filepath.Glob(filepath.Join(lake, filepath.FromSlash(lakepkg.Glob(e.Name, e.Snapshot)))); len(m) == 0 {
			out = append(out, e.Name)
		}
	}
	return out
}

// catalogTable puts the export catalog where SQL can read it: the temporary table
// katalog, which the model dim_export keeps and the freshness check reads.
func catalogTable(ctx context.Context, conn *sql.Conn, dailyMaxAge int) error {
	if _, err := conn.ExecContext(ctx, `CREATE TEMP TABLE katalog (export VARCHAR, titel VARCHAR, turnus VARCHAR,
		bestand BOOLEAN, je_kreis BOOLEAN, hoechstalter_tage INTEGER, reihenfolge INTEGER)`); err != nil {
		return err
	}
	var rows [][]any
	for i, e := range source.All() {
		rows = append(rows, []any{e.Name, e.Title, e.Cadence(), e.Snapshot, e.PerKreis(), e.MaxAgeDays(dailyMaxAge), i + 1})
	}
	if err := insertRows(ctx, conn, "katalog", rows); err != nil {
		return err
	}
	if err := protectionStatusTable(ctx, conn); err != nil {
		return err
	}
	return placesAndCodes(ctx, conn)
}

// protectionStatusTable puts the hierarchy of the official statistics' protection
// statuses (pipeline.ProtectionStatuses) where SQL can read it: the temporary table
// schutzstatus_katalog, which the model dim_schutzstatus keeps.
func protectionStatusTable(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, `CREATE TEMP TABLE schutzstatus_katalog (schutzstatus VARCHAR, bezeichnung VARCHAR,
		oberkategorie VARCHAR, ebene INTEGER, teile_vollstaendig BOOLEAN, reihenfolge INTEGER)`); err != nil {
		return err
	}
	level := map[string]int{}
	var rows [][]any
	for i, s := range pipeline.ProtectionStatuses {
		level[s.Code] = level[s.Parent] + 1 // a parent comes first; "" has level 0
		var parent any
		if s.Parent != "" {
			parent = s.Parent
		}
		rows = append(rows, []any{s.Code, s.Label, parent, level[s.Code], s.Complete, i + 1})
	}
	return insertRows(ctx, conn, "schutzstatus_katalog", rows)
}

// insertRows inserts rows into a table, many to a statement: one statement a row
// cost a tenth of a nightly build.
func insertRows(ctx context.Context, conn *sql.Conn, table string, rows [][]any) error {
	const perStatement = 256
	for len(rows) > 0 {
		n := min(len(rows), perStatement)
		var q strings.Builder
		args := make([]any, 0, n*len(rows[0]))
		q.WriteString("INSERT INTO " + table + " VALUES ")
		for i, r := range rows[:n] {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(" + strings.TrimSuffix(strings.Repeat("?, ", len(r)), ", ") + ")")
			args = append(args, r...)
		}
		if _, err := conn.ExecContext(ctx, q.String(), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// placesAndCodes puts the districts, the municipalities and every code of the export
// catalog with its German label into temporary tables, which the models dim_kreis,
// dim_gemeinde and dim_code keep.
func placesAndCodes(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, `CREATE TEMP TABLE katalog_kreise (kreis VARCHAR, name VARCHAR);
		CREATE TEMP TABLE katalog_gemeinden (gemeinde VARCHAR, name VARCHAR, kreis VARCHAR, einwohner INTEGER);
		CREATE TEMP TABLE katalog_codes (export VARCHAR, spalte VARCHAR, code VARCHAR, bezeichnung VARCHAR, reihenfolge INTEGER)`); err != nil {
		return err
	}
	var kreise, gemeinden, codes [][]any
	for _, k := range pipeline.Kreise {
		kreise = append(kreise, []any{k, pipeline.KreisName(k)})
	}
	for _, m := range pipeline.Municipalities {
		gemeinden = append(gemeinden, []any{m.AGS, m.Name, m.Kreis, m.Population})
	}
	for _, c := range Codes() {
		var label any
		if c.Label != "" {
			label = c.Label
		}
		codes = append(codes, []any{c.Export, c.Column, c.Code, label, c.Order})
	}
	for _, t := range []struct {
		name string
		rows [][]any
	}{{"katalog_kreise", kreise}, {"katalog_gemeinden", gemeinden}, {"katalog_codes", codes}} {
		if err := insertRows(ctx, conn, t.name, t.rows); err != nil {
			return err
		}
	}
	return nil
}

// Code is one code of a coded column of the export catalog, with its German label.
type Code struct {
	Export, Column, Code, Label string
	Order                       int // the code's place in its list
}

// Codes lists every code of every coded column of the export catalog, in the
// contract's order, and the codes the warehouse adds (an exit without a reason). Kreise
// and Gemeinden are labelled with their names; nationalities (ISO 3166-1 alpha-3) carry
// no label.
func Codes() []Code {
	var out []Code
	for _, e := range source.All() {
		for _, col := range e.Columns {
			if col.Type != source.Code || col.Out == "" {
				continue
			}
			codes := col.Codes
			if e.ClientMaster() && col.Out == "abgangsgrund" {
				codes = append(append([]string(nil), codes...), pipeline.ExitReasonUnknown)
			}
			for i, code := range codes {
				label, _ := pipeline.CodeLabel(e.Name, col.Out, code)
				if col.Out == "kreis" {
					label = pipeline.KreisName(code)
				} else if m, ok := pipeline.MunicipalityByAGS(code); ok && (col.Out == "gemeinde" || col.Out == "ags") {
					label = m.Name
				}
				out = append(out, Code{Export: e.Name, Column: col.Out, Code: code, Label: label, Order: i + 1})
			}
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

// emptyExport writes, under root, an export's files as the lake lays them out, with
// its schema and no rows.
func emptyExport(root string, e *source.Export) error {
	fields := e.Fields()
	rel := lakepkg.PartitionDir(e.Name, "0001-01-01") + "/" + lakepkg.PartFile(e.Name+".leer", 0)
	if e.Snapshot {
		fields, rel = lakepkg.HistoryFields(fields), lakepkg.HistoryFile(e.Name)
	}
	w, err := lakepkg.Create(filepath.Join(root, filepath.FromSlash(rel)), e.Name, fields)
	if err != nil {
		return err
	}
	return w.Commit()
}
