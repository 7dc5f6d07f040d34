package lake

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLayoutRoundTrip(t *testing.T) {
	for _, c := range []struct {
		rel  string
		want Place
		ok   bool
	}{
		{PartitionDir("arbeitsaufnahmen", "2026-11-24") + "/arbeitsaufnahmen_20261124.p2.parquet",
			Place{Export: "arbeitsaufnahmen", Stichtag: "2026-11-24", File: "arbeitsaufnahmen_20261124.p2.parquet"}, true},
		{HistoryFile("verbis_kunden"), Place{Export: "verbis_kunden", History: true, File: HistoryName}, true},
		{FindingsDir + "/" + PartitionDir("beratungen", "2026-10-31") + "/beratungen_202610.parquet",
			Place{Export: "beratungen", Stichtag: "2026-10-31", Findings: true, File: "beratungen_202610.parquet"}, true},
		{ManifestName, Place{}, false},
		{"export=x/other/y.parquet", Place{}, false},
		{FindingsDir + "/" + HistoryFile("verbis_kunden"), Place{}, false},
	} {
		got, ok := ParsePath(c.rel)
		if ok != c.ok || got != c.want {
			t.Errorf("ParsePath(%q) = %+v %v, want %+v %v", c.rel, got, ok, c.want, c.ok)
		}
	}
	if g := Glob("beratungen", false); g != "export=beratungen/stichtag=*/*.parquet" {
		t.Errorf("delta glob %s", g)
	}
	if g := Glob("verbis_kunden", true); g != "export=verbis_kunden/history.parquet" {
		t.Errorf("snapshot glob %s", g)
	}
	name := SuffixedName("verbis_kunden_20261124.csv", "0123456789abcdef")
	if d, ok := DeliveredName(name); !ok || d != "verbis_kunden_20261124.csv" || name != "verbis_kunden_20261124.csv.0123456789ab" {
		t.Errorf("suffixed %s -> %s %v", name, d, ok)
	}
	if d, ok := DeliveredName("verbis_kunden_20261124.csv"); ok || d != "verbis_kunden_20261124.csv" {
		t.Error("an unsuffixed name")
	}
	for n, want := range map[int]string{0: "a_20261124.parquet", 1: "a_20261124.p1.parquet", 12: "a_20261124.p12.parquet"} {
		if got := PartFile("a_20261124.csv", n); got != want {
			t.Errorf("PartFile %d = %s, want %s", n, got, want)
		}
		if src, ok := PartSource(want); !ok || src != "a_20261124" {
			t.Errorf("PartSource(%s) = %s %v", want, src, ok)
		}
	}
	if !IsReasonFile(ReasonFile("a.csv")) || IsReasonFile("a.csv") {
		t.Error("reason files")
	}
}

// TestManifestLongLinesAndCaps: a delivery's long text is capped before it reaches the
// manifest, and a manifest with a line longer than any scanner buffer still loads.
func TestManifestLongLinesAndCaps(t *testing.T) {
	root := t.TempDir()
	l, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	huge := strings.Repeat("ä", 9<<20) // 18 MiB
	extra := make([]string, 200)
	for i := range extra {
		extra[i] = huge[:300]
	}
	l.Record(Entry{Name: "x.csv", Outcome: Quarantined, Reason: huge, Extra: extra})
	if err := l.Checkpoint(); err != nil {
		t.Fatal(err)
	}
	m, err := ReadManifest(root)
	if err != nil || len(m.Entries) != 1 {
		t.Fatalf("manifest: %v", err)
	}
	e := m.Entries[0]
	if len(e.Reason) > MaxReasonBytes || !utf8.ValidString(e.Reason) || !strings.HasSuffix(e.Reason, "…") ||
		len(e.Extra) != MaxExtraNames+1 || len(e.Extra[0]) > MaxExtraName || e.Extra[MaxExtraNames] != "… und 150 weitere" {
		t.Errorf("capped entry: reason %d bytes, %d extra", len(e.Reason), len(e.Extra))
	}
	// A manifest written before the caps, with a 18 MiB line, loads.
	line := `{"name":"y.csv","outcome":"quarantined","reason":"` + huge + `"}` + "\n"
	if err := os.WriteFile(filepath.Join(root, ManifestName), []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	if m, err := ReadManifest(root); err != nil || len(m.Entries) != 1 {
		t.Errorf("a long line: %v", err)
	}
	if _, err := Open(root); err != nil {
		t.Errorf("open with a long line: %v", err)
	}
}

// TestDropCompact: the compaction cache goes whole, also where its folder is a link to
// another disk (the files there go, and the link); DropCompactMonth takes one month.
func TestDropCompact(t *testing.T) {
	root, elsewhere := t.TempDir(), t.TempDir()
	put := func(dir, name string) string {
		t.Helper()
		if err := os.MkdirAll(dir, 0o750); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("rows"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cache := filepath.Join(root, CompactDir)
	oct := put(filepath.Join(cache, "abh_aufenthalt"), "2026-10.0123.5.parquet")
	sep := put(filepath.Join(cache, "abh_aufenthalt"), "2026-09.0123.5.parquet")
	if err := DropCompactMonth(root, "abh_aufenthalt", "2026-10-14"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(oct); !os.IsNotExist(err) {
		t.Errorf("October's cache file is still there: %v", err)
	}
	if _, err := os.Stat(sep); err != nil {
		t.Errorf("September's cache file went: %v", err)
	}
	if err := DropCompact(root); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(cache); !os.IsNotExist(err) {
		t.Errorf("the cache is still there: %v", err)
	}

	// The cache moved to another disk, linked into the lake.
	moved := put(filepath.Join(elsewhere, "compact", "arbeitsaufnahmen"), "2026-09.0123.5.parquet")
	if err := os.Symlink(filepath.Join(elsewhere, "compact"), cache); err != nil {
		t.Fatal(err)
	}
	if err := DropCompact(root); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(moved); !os.IsNotExist(err) {
		t.Errorf("the linked cache's file is still there: %v", err)
	}
	if _, err := os.Lstat(cache); !os.IsNotExist(err) {
		t.Errorf("the link is still there: %v", err)
	}
	if err := DropCompact(root); err != nil {
		t.Errorf("no cache to drop: %v", err)
	}
}
