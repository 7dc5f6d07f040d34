package ingest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"ipoint/pipeline"
	"ipoint/pipeline/lake"
	"ipoint/pipeline/source"
)

// tree returns the hash of every file below dir, by relative path.
func tree(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		rel, _ := filepath.Rel(dir, path)
		out[rel] = hex.EncodeToString(sum[:])
		return nil
	})
	return out
}

func sameTree(t testing.TB, what string, a, b map[string]string) {
	t.Helper()
	var lines []string
	for k, v := range a {
		if b[k] != v {
			lines = append(lines, "changed or missing: "+k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			lines = append(lines, "new: "+k)
		}
	}
	sort.Strings(lines)
	for i, l := range lines {
		if i == 20 {
			t.Errorf("%s: … %d more", what, len(lines)-20)
			break
		}
		t.Errorf("%s: %s", what, l)
	}
}

func TestSameBytesAgainChangeNothing(t *testing.T) {
	h := newHome(t)
	h.ingest(t)
	before := tree(t, h.lake())
	if entries, _ := os.ReadDir(h.inbox()); len(entries) != 1+len(leftInInbox()) {
		names := []string{}
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("inbox after ingest holds %v; want archive/ and %v", names, leftInInbox())
	}
	copyDir(t, scenario.inbox, h.inbox()) // every file delivered again
	s := h.ingest(t)
	if s.Ingested != 0 || s.Duplicates == 0 {
		t.Errorf("second ingest: %d ingested, %d duplicates", s.Ingested, s.Duplicates)
	}
	sameTree(t, "lake", before, tree(t, h.lake()))
}

// TestSameBadBytesAgainKeepTheirReason: a quarantined file delivered again unchanged
// goes beside the first, with the same reason (it used to get an empty one; a crash
// between the manifest and the move gave the same empty reason to the first).
func TestSameBadBytesAgainKeepTheirReason(t *testing.T) {
	h := home{t.TempDir()}
	bad := []byte("Teilnahme_ID;Kundennummer\nT-1;975D004711\n")
	for i := 0; i < 2; i++ {
		if err := os.MkdirAll(h.inbox(), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(h.inbox(), "arbeitsaufnahmen_20261114.csv"), bad, 0o640); err != nil {
			t.Fatal(err)
		}
		h.ingest(t)
	}
	reasons, _ := filepath.Glob(filepath.Join(h.quarantine(), "arbeitsaufnahmen_20261114*.grund.txt"))
	if len(reasons) != 2 {
		t.Fatalf("reason files %v", reasons)
	}
	for _, p := range reasons {
		b, err := os.ReadFile(p)
		if err != nil || !strings.Contains(string(b), "Grund: die Spalten der Kopfzeile gehören nicht") || !strings.Contains(string(b), "Art: fremde Kopfzeile") {
			t.Errorf("%s: %q %v", filepath.Base(p), b, err)
		}
	}
}

// leftInInbox are the files an ingest leaves: unknown names, and files being written,
// hidden files and sidecars.
func leftInInbox() []string {
	var out []string
	for _, f := range scenario.truth.Files {
		if f.Outcome == "unknown" || f.Outcome == "ignore" {
			out = append(out, f.Name)
		}
	}
	return out
}

func TestCorrectedRedeliveryReplaces(t *testing.T) {
	h := newHome(t)
	h.ingest(t)
	// The newest job-start file again, with its last data row removed.
	var name string
	for _, f := range scenario.truth.Files {
		if f.Export == "arbeitsaufnahmen" && f.Outcome == "ingest" && f.DataRows >= 2 && len(f.Kinds) == 0 {
			name = f.Name
		}
	}
	if name == "" {
		t.Fatal("no job-start file with rows in the scenario")
	}
	orig, err := os.ReadFile(filepath.Join(scenario.inbox, name))
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(orig, []byte("\n"))
	corrected := bytes.Join(lines[:len(lines)-2], nil) // drop the last row ("" follows the final \n)
	if err := os.WriteFile(filepath.Join(h.inbox(), name), corrected, 0o640); err != nil {
		t.Fatal(err)
	}
	// The warehouse build's cache of the day's month holds the replaced rows: it goes
	// with the correction; another month's stays.
	first, _ := lake.ReadManifest(h.lake())
	month := first.Find(name).Stichtag[:7]
	cacheDir := filepath.Join(h.lake(), lake.CompactDir, "arbeitsaufnahmen")
	if err := os.MkdirAll(cacheDir, 0o750); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{month, "1999-01"} {
		if err := os.WriteFile(filepath.Join(cacheDir, m+".0123.5.parquet"), []byte("rows"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s := h.ingest(t)
	if _, err := os.Stat(filepath.Join(cacheDir, month+".0123.5.parquet")); !os.IsNotExist(err) {
		t.Errorf("the cache of the corrected day's month is still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(cacheDir, "1999-01.0123.5.parquet")); err != nil {
		t.Errorf("the cache of another month went: %v", err)
	}
	if s.Ingested != 1 {
		t.Fatalf("corrected delivery: %d files ingested", s.Ingested)
	}
	l, _ := lake.Open(h.lake())
	var entries []lake.Entry
	for _, e := range l.Manifest().Entries {
		if e.Name == name {
			entries = append(entries, e)
		}
	}
	if len(entries) != 2 || !entries[0].Superseded || entries[1].Superseded || entries[1].RowsRead != entries[0].RowsRead-1 {
		t.Errorf("manifest entries of %s: %+v", name, entries)
	}
	n := 0
	d := entries[1].Stichtag
	lake.ReadTable(l.DeltaPath("arbeitsaufnahmen", d, name, 0), source.Arbeitsaufnahmen.Fields(), func(pipeline.Record) error { n++; return nil })
	if n != entries[1].Accepted {
		t.Errorf("partition holds %d rows, the correction %d", n, entries[1].Accepted)
	}
	if archived, _ := os.ReadDir(filepath.Join(h.inbox(), "archive", "arbeitsaufnahmen")); !containsPrefix(archived, name+".") {
		t.Error("the first delivery is not kept beside the correction in the archive")
	}
}

func containsPrefix(entries []os.DirEntry, prefix string) bool {
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) {
			return true
		}
	}
	return false
}
