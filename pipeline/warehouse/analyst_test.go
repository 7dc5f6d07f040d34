package warehouse

import (
	"context"
	"database/sql"
	"flag"
	"ipoint/pipeline/civil"
	"ipoint/pipeline/ingest"
	"ipoint/pipeline/protect"
	"ipoint/pipeline/synth"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite docs/data-dictionary.md")

// TestDictionary: every model is documented; every column of every table an analyst
// sees has a meaning (its model's comment or sql/spalten.txt); every code the export
// catalog allows has a German label in dim_code; and docs/data-dictionary.md is what
// a built warehouse says.
func TestDictionary(t *testing.T) {
	docs, err := Dictionary()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if d.Description == "" {
			t.Errorf("model %s has no description", d.Name)
		}
	}
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	if _, err := synth.Generate(context.Background(), synth.Options{Out: inbox, Truth: filepath.Join(dir, "truth.json"), Seed: 5,
		AsOf: time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC), Days: 40, Scale: 0.05}); err != nil {
		t.Fatal(err)
	}
	key, _ := protect.ParseKey(strings.Repeat("cd", 32))
	if _, err := ingest.Run(context.Background(), ingest.Options{Inbox: inbox, Quarantine: filepath.Join(dir, "q"),
		Lake: filepath.Join(dir, "lake"), Key: key}); err != nil {
		t.Fatal(err)
	}
	wh := filepath.Join(dir, "w.duckdb")
	if _, err := Build(context.Background(), Options{Lake: filepath.Join(dir, "lake"), Path: wh, Day: civil.Date(2026, 3, 11)}); err != nil {
		t.Fatal(err)
	}
	db, err := OpenReadOnly(wh)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	full, err := DescribeWarehouse(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	tables := 0
	for _, d := range full {
		if d.Description == "" {
			t.Errorf("table %s is not documented", d.Name)
		}
		tables += len(d.Order)
		for _, c := range d.Order {
			if d.Columns[c] == "" {
				t.Errorf("%s.%s has no description (sql/models or sql/spalten.txt)", d.Name, c)
			}
		}
	}
	if tables < 250 {
		t.Errorf("only %d columns described: the warehouse is not what the dictionary should cover", tables)
	}
	// Every code of the contract is in dim_code, labelled (nationalities are ISO codes).
	var codes, unlabelled int
	if err := db.QueryRow(`SELECT count(*), count(*) FILTER (bezeichnung IS NULL AND spalte <> 'staatsangehoerigkeit') FROM dim_code`).Scan(&codes, &unlabelled); err != nil {
		t.Fatal(err)
	}
	if codes != len(Codes()) || unlabelled != 0 {
		t.Errorf("dim_code: %d codes (catalog %d), %d without a label", codes, len(Codes()), unlabelled)
		for _, c := range Codes() {
			if c.Label == "" && c.Column != "staatsangehoerigkeit" {
				t.Logf("no label: %s.%s %s", c.Export, c.Column, c.Code)
			}
		}
	}
	// The names join: every client's municipality and district is in the dimension tables.
	var orphans int
	if err := db.QueryRow(`SELECT count(*) FROM core_kunden k LEFT JOIN dim_gemeinde g USING (gemeinde)
		LEFT JOIN dim_kreis r ON r.kreis = k.kreis WHERE g.name IS NULL OR r.name IS NULL OR g.kreis <> k.kreis`).Scan(&orphans); err != nil || orphans != 0 {
		t.Errorf("clients without a named municipality or district: %d (%v)", orphans, err)
	}
	path := filepath.Join("..", "..", "docs", "data-dictionary.md")
	want := Markdown(full)
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := os.ReadFile(path)
	if string(got) != want {
		t.Error("docs/data-dictionary.md is out of date: go test ./pipeline/warehouse -run Dictionary -update")
	}
}

// TestAnalystCannotHarm: the analyst's connection reads, and cannot write, attach,
// read files, install or load extensions, or unlock its configuration.
func TestAnalystCannotHarm(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "w.duckdb")
	db, err := OpenMemory(1, "1GB")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`ATTACH '` + path + `' AS w; CREATE TABLE w.t AS SELECT 42 AS x; DETACH w`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	secret := filepath.Join(dir, "secret.csv")
	os.WriteFile(secret, []byte("a\n1\n"), 0o600)

	a, err := OpenAnalyst(path, 1, "1GB")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var x int
	if err := a.QueryRow(`SELECT x FROM t`).Scan(&x); err != nil || x != 42 {
		t.Fatalf("read: %v %d", err, x)
	}
	for _, q := range []string{
		`CREATE TABLE u AS SELECT 1`,
		`INSERT INTO t VALUES (1)`,
		`COPY t TO '` + filepath.Join(dir, "out.csv") + `'`,
		`SELECT * FROM read_csv('` + secret + `')`,
		`ATTACH '` + filepath.Join(dir, "other.duckdb") + `' AS o`,
		`INSTALL httpfs`,
		`LOAD httpfs`,
		`SET enable_external_access = true`,
		`SET lock_configuration = false`,
	} {
		if _, err := a.Exec(q); err == nil {
			t.Errorf("allowed: %s", q)
		} else if strings.Contains(err.Error(), "no such") {
			t.Logf("%s: %v", q, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "out.csv")); err == nil {
		t.Error("a file was written")
	}
}

// TestLockedConnectionsEndWithTheirUser: a connection given back to the analysts' pool
// is closed, so that nothing one session leaves on it (found by review: temporary views
// and macros in front of the warehouse's tables, prepared statements, the search path)
// reaches the next. What a query may leave is the random generator's seed: a second
// connection must not go on with the first one's sequence.
func TestLockedConnectionsEndWithTheirUser(t *testing.T) {
	ctx := context.Background()
	// seeded returns the first two numbers after setseed(0.42) on one connection.
	seeded := func(db *sql.DB) (first, second float64) {
		t.Helper()
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := c.ExecContext(ctx, `SELECT setseed(0.42)`); err != nil {
			t.Fatal(err)
		}
		for _, v := range []*float64{&first, &second} {
			if err := c.QueryRowContext(ctx, `SELECT random()`).Scan(v); err != nil {
				t.Fatal(err)
			}
		}
		return first, second
	}
	path := filepath.Join(t.TempDir(), "w.duckdb")
	db, err := OpenMemory(1, "1GB")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`ATTACH '` + path + `' AS w; CREATE TABLE w.t AS SELECT 42 AS x; DETACH w`); err != nil {
		t.Fatal(err)
	}
	first, second := seeded(db)
	db.Close()

	a, err := OpenLocked(path, Locked{Threads: 1, MemoryLimit: "1GB"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	c, err := a.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got, next float64
	if _, err := c.ExecContext(ctx, `SELECT setseed(0.42)`); err != nil {
		t.Fatal(err)
	}
	if err := c.QueryRowContext(ctx, `SELECT random()`).Scan(&got); err != nil || got != first {
		t.Fatalf("the seed does not hold on a locked connection: %v %v, want %v", err, got, first)
	}
	c.Close()
	if err := a.QueryRowContext(ctx, `SELECT random()`).Scan(&next); err != nil {
		t.Fatal(err)
	}
	if next == second {
		t.Errorf("the next user went on with the first one's random sequence (%v): it got the same connection", next)
	}
}
