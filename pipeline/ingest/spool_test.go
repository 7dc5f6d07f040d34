package ingest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"ipoint/pipeline"
	"ipoint/pipeline/atomicfile"
)

// TestFindingsSpooled (issue 15): a file's findings beyond the first few wait in a
// temporary file, not in memory. With every finding but the first of a file written
// aside, the scenario's lake holds the same findings in the same order with the same
// counts, read whole and read in chunks, and no temporary file is left.
func TestFindingsSpooled(t *testing.T) {
	whole := newHome(t)
	ws := whole.ingest(t)

	defer func(n int) { spoolMemory = n }(spoolMemory)
	spoolMemory = 1
	spooled := newHome(t)
	ss := spooled.ingest(t)
	fw, fs := readFindings(t, whole.lake()), readFindings(t, spooled.lake())
	if len(fw) < 10 {
		t.Fatalf("the scenario has %d findings: too few to tell", len(fw))
	}
	if !slices.Equal(fw, fs) {
		t.Errorf("findings differ: %d held in memory, %d spooled", len(fw), len(fs))
	}
	if !reflect.DeepEqual(ws.ByKind, ss.ByKind) || ws.Rejected != ss.Rejected || ws.Flagged != ss.Flagged || ws.Orphans != ss.Orphans {
		t.Errorf("summaries differ: %+v, spooled %+v", ws, ss)
	}
	mw, ms := readManifest(t, whole.lake()), readManifest(t, spooled.lake())
	for name, e := range mw {
		g := ms[name]
		if e.RowsRead != g.RowsRead || e.Accepted != g.Accepted || e.Rejected != g.Rejected || e.Flagged != g.Flagged ||
			!reflect.DeepEqual(e.Findings, g.Findings) || e.Outcome != g.Outcome {
			t.Errorf("%s: %+v in memory, %+v spooled", name, e, g)
		}
	}
	noTemp(t, spooled.lake())

	defer func(n int64) { bigFile = n }(bigFile)
	bigFile = 1
	chunked := newHome(t)
	opt := chunked.options()
	opt.Workers = 2
	if _, err := Run(context.Background(), opt); err != nil {
		t.Fatal(err)
	}
	if w, c := findingTexts(t, whole.lake()), findingTexts(t, chunked.lake()); !slices.Equal(w, c) {
		t.Errorf("findings differ: %d read whole, %d in chunks and spooled", len(w), len(c))
	}
	noTemp(t, chunked.lake())
}

// noTemp fails if a temporary file is left below root.
func noTemp(t *testing.T, root string) {
	t.Helper()
	filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err == nil && atomicfile.IsTemp(d.Name()) {
			t.Errorf("temporary file left: %s", path)
		}
		return err
	})
}

// TestSpoolOrder: findings come back in the order added, across the border between
// memory and the file, with every field; close removes the file.
func TestSpoolOrder(t *testing.T) {
	defer func(n int) { spoolMemory = n }(spoolMemory)
	spoolMemory = 3
	dir := t.TempDir()
	s := newSpool(dir)
	var want []pipeline.Finding
	for i := range 1000 {
		f := pipeline.Finding{File: "massnahmen_20261124.xlsx", Line: i * 7, Column: fmt.Sprint("Spalte", i%9), Kind: "invalid_code",
			Rejected: i%3 == 0, Reason: strings.Repeat("ü", i%50), Value: fmt.Sprint(i)}
		want = append(want, f)
		s.add(f)
	}
	if s.len() != len(want) {
		t.Fatalf("len %d, want %d", s.len(), len(want))
	}
	var got []pipeline.Finding
	if err := s.each(func(f pipeline.Finding) error { got = append(got, f); return nil }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %d findings back, or others", len(got))
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("the spool's file has a name while open: %v", left)
	}
	s.close()
}

// TestRowMarks: a row rejected and flagged counts as rejected only; ordinals count from
// the outcome's first (a chunk's start at i<<40).
func TestRowMarks(t *testing.T) {
	m := rowMarks{base: 3 << 40}
	for _, ord := range []int{0, 1, 64, 65, 200} {
		m.reject(3<<40 + ord)
	}
	for _, ord := range []int{1, 2, 65, 66, 300, 300} {
		m.flagged(3<<40 + ord)
	}
	if rej, flag := m.counts(); rej != 5 || flag != 3 {
		t.Errorf("%d rejected, %d flagged; want 5 and 3", rej, flag)
	}
	var empty rowMarks
	if rej, flag := empty.counts(); rej != 0 || flag != 0 {
		t.Errorf("empty: %d, %d", rej, flag)
	}
}
