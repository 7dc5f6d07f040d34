package ingest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"ipoint/pipeline"
	"ipoint/pipeline/lake"
	"ipoint/pipeline/source"
)

// TestChunkedAgreesWithWhole reads every CSV delta of the scenario the way the bulk
// path reads a large file: split into chunks, read by two goroutines, each into a
// Parquet part of its own. The ground truth must hold as for the whole-file path, and
// the lake must hold the same rows, the same findings and the same counts.
func TestChunkedAgreesWithWhole(t *testing.T) {
	whole := newHome(t)
	whole.ingest(t)

	defer func(n int64) { bigFile = n }(bigFile)
	bigFile = 1
	chunked := newHome(t)
	opt := chunked.options()
	opt.Workers = 2
	s, err := Run(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	checkTruth(t, chunked, s)

	parts := 0
	w, c := lakeRows(t, whole.lake(), nil), lakeRows(t, chunked.lake(), &parts)
	if parts == 0 {
		t.Fatal("no delivery was read in chunks")
	}
	if len(w) != len(c) {
		t.Errorf("%d deliveries read whole, %d in chunks", len(w), len(c))
	}
	for k, rows := range w {
		if !slices.Equal(rows, c[k]) {
			t.Errorf("%s: %d rows read whole, %d in chunks, or other values", k, len(rows), len(c[k]))
		}
	}
	fw, fc := findingTexts(t, whole.lake()), findingTexts(t, chunked.lake())
	if !slices.Equal(fw, fc) {
		t.Errorf("findings differ: %d read whole, %d in chunks", len(fw), len(fc))
	}
	mw, mc := readManifest(t, whole.lake()), readManifest(t, chunked.lake())
	for name, e := range mw {
		g := mc[name]
		if e.RowsRead != g.RowsRead || e.Accepted != g.Accepted || e.Rejected != g.Rejected || e.Orphans != g.Orphans {
			t.Errorf("%s: read/accepted/rejected/orphans %d/%d/%d/%d whole, %d/%d/%d/%d in chunks", name,
				e.RowsRead, e.Accepted, e.Rejected, e.Orphans, g.RowsRead, g.Accepted, g.Rejected, g.Orphans)
		}
	}
}

var deltaPart = regexp.MustCompile(`^export=([^/]+)/stichtag=[^/]+/(.+?)(\.p\d+)?\.parquet$`)

// lakeRows reads the delta deliveries of a lake: each delivery's rows as text, sorted,
// by export and file; parts counts the files that are a second or later part.
func lakeRows(t *testing.T, root string, parts *int) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		m := deltaPart.FindStringSubmatch(filepath.ToSlash(rel))
		if m == nil {
			return nil
		}
		e := source.ByName(m[1])
		if e == nil || e.Snapshot {
			return nil
		}
		if m[3] != "" && parts != nil {
			*parts++
		}
		key := m[1] + "/" + m[2]
		return lake.ReadTable(path, e.Fields(), func(r pipeline.Record) error {
			out[key] = append(out[key], fmt.Sprint(r))
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	for k := range out {
		slices.Sort(out[k])
	}
	return out
}

// findingTexts returns every finding of a lake as text, sorted.
func findingTexts(t *testing.T, root string) []string {
	var out []string
	for _, f := range readFindings(t, root) {
		out = append(out, fmt.Sprintf("%+v", f))
	}
	slices.Sort(out)
	return out
}
