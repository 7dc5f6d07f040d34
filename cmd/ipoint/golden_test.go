package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"ipoint/pipeline/lake"
	"ipoint/pipeline/warehouse"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/golden/*/digests.txt")

// goldenCase is a whole run of a fixed world: the same seed, as-of date and clock give
// the same manifest, the same rows in every table and the same report bytes.
type goldenCase struct {
	name string
	gen  []string  // the generate command's options
	now  time.Time // the injected clock of every command
}

var goldenCases = []goldenCase{
	{"nightly", []string{"--days", "40", "--scale", "0.2", "--as-of", "2026-11-24"}, time.Date(2026, 11, 25, 1, 30, 0, 0, time.UTC)},
}

// TestGoldenRun: the nightly job on each golden case gives exactly the digests recorded
// under testdata/golden/<case>/digests.txt. A refactoring must leave them unchanged; a
// change of behaviour rewrites them (-update-golden) and says why in its commit.
//
// IPOINT_GOLDEN_DEMO=FILE runs the demo's default scenario instead (about a minute) and
// writes its digests to FILE, to compare a larger world before and after a change.
func TestGoldenRun(t *testing.T) {
	if out := os.Getenv("IPOINT_GOLDEN_DEMO"); out != "" {
		c := goldenCase{"demo", []string{"--as-of", "2026-11-24"}, time.Date(2026, 11, 25, 1, 30, 0, 0, time.UTC)}
		if err := os.WriteFile(out, []byte(goldenDigests(t, c)), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			got := goldenDigests(t, c)
			path := filepath.Join("..", "..", "testdata", "golden", c.name, "digests.txt")
			if *updateGolden {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("digests of %s differ from %s (-update-golden rewrites them):\n%s", c.name, path, lineDiff(string(want), got))
			}
		})
	}
}

func goldenDigests(t *testing.T, c goldenCase) string {
	t.Helper()
	home := t.TempDir()
	vars := map[string]string{"IPOINT_HOME": home}
	// A fixed key (init draws a random one), so that the tokens are the same every time.
	key := filepath.Join(home, "secrets", "pseudonym.key")
	if err := os.MkdirAll(filepath.Dir(key), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, []byte(strings.Repeat("5e", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"init"}, append([]string{"generate"}, c.gen...), {"run"}} {
		if r := callAt(t, vars, c.now, args...); r.code != exitOK && r.code != exitProblems {
			t.Fatalf("%v: %d\n%s\n%s", args, r.code, r.stdout, r.stderr)
		}
	}
	var b strings.Builder
	m, err := lake.ReadManifest(filepath.Join(home, "lake"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range m.Entries {
		var kinds []string
		for k, n := range e.Findings {
			kinds = append(kinds, fmt.Sprintf("%s=%d", k, n))
		}
		sort.Strings(kinds)
		fmt.Fprintf(&b, "manifest %s %s %s %s %q read=%d accepted=%d rejected=%d flagged=%d orphans=%d superseded=%v expired=%v erased=%d findings=%s\n",
			e.Name, e.Export, e.Stichtag, e.Outcome, e.ReasonKind, e.RowsRead, e.Accepted, e.Rejected, e.Flagged, e.Orphans,
			e.Superseded, e.Expired, e.Erased, strings.Join(kinds, ","))
	}
	ctx := context.Background()
	// The lake's logical content: a faster ingest may cut files and row groups
	// differently and still write the same lake.
	for _, l := range strings.Split(strings.TrimSpace(lakeDigests(t, home)), "\n") {
		b.WriteString("lake " + l + "\n")
	}
	db, err := warehouse.OpenReadOnly(filepath.Join(home, "warehouse", "ipoint.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM information_schema.tables ORDER BY table_name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	for _, name := range tables {
		n, sum := tableDigest(t, ctx, db, name)
		fmt.Fprintf(&b, "table %s rows=%d sha256=%s\n", name, n, sum)
	}
	root := filepath.Join(home, "reports")
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		sum := sha256.Sum256(data)
		fmt.Fprintf(&b, "report %s sha256=%s\n", filepath.ToSlash(rel), hex.EncodeToString(sum[:]))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// tableDigest hashes a table's rows in a canonical order.
func tableDigest(t *testing.T, ctx context.Context, db *sql.DB, name string) (int, string) {
	t.Helper()
	return queryDigest(t, ctx, db, fmt.Sprintf(`SELECT * FROM %q ORDER BY ALL`, name))
}

// queryDigest hashes a query's column names and rows, in the query's order.
func queryDigest(t *testing.T, ctx context.Context, db *sql.DB, query string) (int, string) {
	t.Helper()
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	h := sha256.New()
	fmt.Fprintln(h, strings.Join(cols, "\t"))
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if i > 0 {
				h.Write([]byte{'\t'})
			}
			fmt.Fprint(h, v)
		}
		h.Write([]byte{'\n'})
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return n, hex.EncodeToString(h.Sum(nil))
}

// lineDiff lists the lines only in want (-) and only in got (+).
func lineDiff(want, got string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	w, g := in(want), in(got)
	var b strings.Builder
	for _, l := range strings.Split(want, "\n") {
		if !g[l] {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range strings.Split(got, "\n") {
		if !w[l] {
			b.WriteString("+ " + l + "\n")
		}
	}
	return b.String()
}
