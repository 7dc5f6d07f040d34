package warehouse

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/data-dictionary.md")

// TestDictionaryUpToDate: every model is documented, and docs/data-dictionary.md is
// what the models' comments say.
func TestDictionaryUpToDate(t *testing.T) {
	docs, err := Dictionary()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if d.Description == "" {
			t.Errorf("model %s has no description", d.Name)
		}
	}
	path := filepath.Join("..", "..", "docs", "data-dictionary.md")
	want := Markdown(docs)
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
