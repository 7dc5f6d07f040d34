package warehouse

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"ipoint/pipeline/civil"
	"ipoint/pipeline/ingest"
	lakepkg "ipoint/pipeline/lake"
	"ipoint/pipeline/protect"
	"ipoint/pipeline/synth"
)

// TestCompactionCache: the warehouse built through the compaction cache is the
// warehouse built from the delivered files, table by table; the cache holds one file per
// closed month of each daily delta export, is used again while its sources stay, and is
// written anew (the stale file removed) when a source of a closed month changes.
func TestCompactionCache(t *testing.T) {
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	if _, err := synth.Generate(context.Background(), synth.Options{Out: inbox, Truth: filepath.Join(dir, "truth.json"), Seed: 5,
		AsOf: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), Days: 70, Scale: 0.3}); err != nil {
		t.Fatal(err)
	}
	key, _ := protect.ParseKey(strings.Repeat("ab", 32))
	lake := filepath.Join(dir, "lake")
	if _, err := ingest.Run(context.Background(), ingest.Options{Inbox: inbox, Quarantine: filepath.Join(dir, "q"), Lake: lake, Key: key}); err != nil {
		t.Fatal(err)
	}
	day := civil.Date(2026, 11, 25)
	build := func(name string, compact bool) map[string]string {
		t.Helper()
		path := filepath.Join(dir, name+".duckdb")
		if _, err := Build(context.Background(), Options{Lake: lake, Path: path, Day: day, noCompact: !compact}); err != nil {
			t.Fatal(err)
		}
		return tableDigests(t, path)
	}
	cache := func() map[string]os.FileInfo {
		t.Helper()
		out := map[string]os.FileInfo{}
		filepath.WalkDir(filepath.Join(lake, lakepkg.CompactDir), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				info, _ := d.Info()
				rel, _ := filepath.Rel(lake, p)
				out[filepath.ToSlash(rel)] = info
			}
			return err
		})
		return out
	}

	plain := build("plain", false)
	if len(cache()) != 0 {
		t.Fatal("a build without compaction wrote the cache")
	}
	compacted := build("compacted", true)
	sameTables(t, "first build through the cache", plain, compacted)
	first := cache()
	var names []string
	for n := range first {
		names = append(names, n)
	}
	sort.Strings(names)
	// 70 days up to 24 November: September (from the 16th) and October are closed, for
	// both daily delta exports; the monthly and yearly ones have a file a month at most.
	var months []string
	for _, n := range names {
		export, file := filepath.Dir(n), filepath.Base(n)
		months = append(months, strings.TrimPrefix(export, lakepkg.CompactDir+"/")+" "+file[:7])
	}
	want := []string{"abh_aufenthalt 2026-09", "abh_aufenthalt 2026-10", "arbeitsaufnahmen 2026-09", "arbeitsaufnahmen 2026-10"}
	if strings.Join(months, ",") != strings.Join(want, ",") {
		t.Fatalf("cache files %v, want the months %v", names, want)
	}

	// Built again, the same cache files are read, not written again.
	sameTables(t, "second build through the cache", plain, build("again", true))
	for n, info := range cache() {
		if !os.SameFile(info, first[n]) {
			t.Errorf("%s was written again although its sources did not change", n)
		}
	}

	// A stray file in the cache goes; a closed month that loses a delivery (as an
	// erasure or a corrected delivery would change it) is compacted anew.
	stray := filepath.Join(lake, lakepkg.CompactDir, "abh_aufenthalt", "2026-10.000000000000000000000000.parquet")
	if err := os.WriteFile(stray, []byte("not parquet"), 0o600); err != nil {
		t.Fatal(err)
	}
	october, _ := filepath.Glob(filepath.Join(lake, lakepkg.PartitionDir("abh_aufenthalt", "2026-10-1*"), "*.parquet"))
	if len(october) == 0 {
		t.Fatal("no decision delivered in mid October")
	}
	sort.Slice(october, func(i, j int) bool { return size(october[i]) > size(october[j]) })
	if err := os.Remove(october[0]); err != nil {
		t.Fatal(err)
	}
	plain2 := build("plain2", false)
	if plain2["stg_aufenthalt"] == plain["stg_aufenthalt"] {
		t.Fatalf("removing %s did not change stg_aufenthalt (%s): the test proves nothing", october[0], plain2["stg_aufenthalt"])
	}
	sameTables(t, "build after a closed month changed", plain2, build("compacted2", true))
	after := cache()
	if _, ok := after[filepath.ToSlash(strings.TrimPrefix(stray, lake+string(filepath.Separator)))]; ok {
		t.Error("the stray cache file is still there")
	}
	changed := 0
	for n := range first {
		if _, ok := after[n]; !ok {
			changed++
			if !strings.Contains(n, "abh_aufenthalt/2026-10.") {
				t.Errorf("%s was replaced although its month did not change", n)
			}
		}
	}
	if changed != 1 || len(after) != len(first) {
		t.Errorf("%d cache files replaced, %d files now: want October's decisions replaced, %d files", changed, len(after), len(first))
	}

	// A cache file cut short (a partial restore, a copy tool) is not read: it is written
	// anew.
	var september string
	for n := range after {
		if strings.Contains(n, "arbeitsaufnahmen/2026-09.") {
			september = filepath.Join(lake, filepath.FromSlash(n))
		}
	}
	b, err := os.ReadFile(september)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(september, b[:len(b)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	sameTables(t, "build after a cache file was cut short", plain2, build("compacted3", true))
	if info, err := os.Stat(september); err != nil || info.Size() != int64(len(b)) {
		t.Errorf("the cut cache file was not written anew: %v", err)
	}

	// Files of one export with different columns (an export's contract changed between
	// two deliveries): the build reads them alike with and without the cache, the
	// columns united by name.
	db, err := OpenMemory(1, "1GB")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	september2, _ := filepath.Glob(filepath.Join(lake, lakepkg.PartitionDir("arbeitsaufnahmen", "2026-09-2*"), "*.parquet"))
	october2, _ := filepath.Glob(filepath.Join(lake, lakepkg.PartitionDir("arbeitsaufnahmen", "2026-10-1*"), "*.parquet"))
	if len(september2) == 0 || len(october2) == 0 {
		t.Fatal("no job starts in late September or mid October")
	}
	for _, q := range []string{
		`COPY (SELECT *, 'neu' AS zusatz FROM read_parquet('` + september2[0] + `')) TO '` + filepath.Join(filepath.Dir(september2[0]), "zusatz.parquet") + `' (FORMAT parquet)`,
		`COPY (SELECT * EXCLUDE (meldedatum) FROM read_parquet('` + october2[0] + `')) TO '` + filepath.Join(filepath.Dir(october2[0]), "ohne.parquet") + `' (FORMAT parquet)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	plain3 := build("plain3", false)
	if plain3["stg_arbeitsaufnahmen_meldungen"] == plain2["stg_arbeitsaufnahmen_meldungen"] {
		t.Fatal("the files with other columns did not change the job starts: the test proves nothing")
	}
	sameTables(t, "build with files of other columns", plain3, build("compacted4", true))
}

// tableDigests returns an md5 of every table of the warehouse at path, its rows sorted.
func tableDigests(t *testing.T, path string) map[string]string {
	t.Helper()
	db, err := OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	out := map[string]string{}
	for _, n := range tables {
		var sum string
		q := `SELECT coalesce(md5(string_agg(r, chr(10) ORDER BY r)), '') || ' ' || count(*) FROM (SELECT CAST(t AS VARCHAR) AS r FROM "` + n + `" AS t)`
		if err := db.QueryRow(q).Scan(&sum); err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		out[n] = sum
	}
	if len(out) < 20 {
		t.Fatalf("only %d tables in %s", len(out), path)
	}
	return out
}

func sameTables(t *testing.T, what string, want, got map[string]string) {
	t.Helper()
	for n, w := range want {
		if got[n] != w {
			t.Errorf("%s: table %s differs (%s, want %s)", what, n, got[n], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d tables, want %d", what, len(got), len(want))
	}
}

func size(path string) int64 {
	info, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return info.Size()
}
