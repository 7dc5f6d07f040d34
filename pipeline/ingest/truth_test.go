package ingest

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"ipoint/pipeline"
	"ipoint/pipeline/lake"
)

// readFindings reads every findings table of the lake.
func readFindings(t *testing.T, root string) []pipeline.Finding {
	t.Helper()
	var out []pipeline.Finding
	err := filepath.WalkDir(filepath.Join(root, "findings"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".parquet") {
			return err
		}
		return lake.ReadTable(path, lake.FindingFields, func(r pipeline.Record) error {
			out = append(out, pipeline.Finding{File: r[0].S, Line: int(r[1].I), Column: r[2].S, Kind: r[3].S, Rejected: r[4].I == 1, Reason: r[5].S, Value: r[6].S})
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestTruthAgreement is the conservation test of the issue: on the generated scenario,
// every dirty row the ground truth lists is rejected or flagged with the right kind at
// the right place, every quarantined file is the one the truth lists, and nothing else
// is touched: no clean row is rejected or flagged.
func TestTruthAgreement(t *testing.T) {
	h := newHome(t)
	checkTruth(t, h, h.ingest(t))
}

// checkTruth compares what an ingest of the scenario found with the ground truth.
func checkTruth(t *testing.T, h home, s *Summary) {
	t.Helper()

	want := map[string]int{}
	for _, d := range scenario.truth.Dirt {
		want[fmt.Sprintf("%s:%d %s %s", d.File, d.Line, d.Column, d.Kind)]++
	}
	got := map[string]int{}
	for _, f := range readFindings(t, h.lake()) {
		got[fmt.Sprintf("%s:%d %s %s", f.File, f.Line, f.Column, f.Kind)]++
		wantRejected := !map[string]bool{"missing_abgangsgrund": true, "orphan": true, "text_date": true, "thousands_separator": true}[f.Kind]
		if f.Rejected != wantRejected {
			t.Errorf("%s:%d %s: rejected=%v", f.File, f.Line, f.Kind, f.Rejected)
		}
		if f.Reason == "" {
			t.Errorf("%s:%d %s: no reason", f.File, f.Line, f.Kind)
		}
	}
	diff(t, "finding", want, got)

	wantQ, gotQ := map[string]int{}, map[string]int{}
	wantUnknown := 0
	for _, f := range scenario.truth.Files {
		switch f.Outcome {
		case "quarantine":
			wantQ[f.Name+" "+f.Kinds[len(f.Kinds)-1]]++
		case "unknown":
			wantUnknown++
		}
	}
	for _, q := range s.Quarantined {
		gotQ[q.Name+" "+q.Kind]++
		if _, err := os.Stat(filepath.Join(h.quarantine(), q.Name+".grund.txt")); err != nil {
			t.Errorf("no reason file beside %s", q.Name)
		}
	}
	diff(t, "quarantined file", wantQ, gotQ)
	if len(s.Unknown) != wantUnknown {
		t.Errorf("unknown files %v, want %d", s.Unknown, wantUnknown)
	}

	// Conservation, file by file, against the rows the truth says each file holds.
	m := readManifest(t, h.lake())
	for _, f := range scenario.truth.Files {
		if f.Outcome != "ingest" {
			continue
		}
		e, ok := m[f.Name]
		if !ok {
			t.Errorf("%s missing from the manifest", f.Name)
			continue
		}
		if e.RowsRead != f.DataRows || e.RowsRead != e.Accepted+e.Rejected {
			t.Errorf("%s: read %d (truth %d), accepted %d, rejected %d", f.Name, e.RowsRead, f.DataRows, e.Accepted, e.Rejected)
		}
	}
}

func readManifest(t *testing.T, root string) map[string]lake.Entry {
	t.Helper()
	l, err := lake.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]lake.Entry{}
	for _, e := range l.Manifest().Entries {
		out[e.Name] = e
	}
	return out
}

// diff reports the difference of two multisets, at most 30 lines.
func diff(t *testing.T, what string, want, got map[string]int) {
	t.Helper()
	var lines []string
	for k, n := range want {
		if got[k] < n {
			lines = append(lines, fmt.Sprintf("missing %s: %s (×%d)", what, k, n-got[k]))
		}
	}
	for k, n := range got {
		if want[k] < n {
			lines = append(lines, fmt.Sprintf("unexpected %s: %s (×%d)", what, k, n-want[k]))
		}
	}
	sort.Strings(lines)
	if len(lines) > 30 {
		lines = append(lines[:30], fmt.Sprintf("… and %d more", len(lines)-30))
	}
	for _, l := range lines {
		t.Error(l)
	}
}
