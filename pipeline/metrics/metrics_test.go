package metrics

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"ipoint/pipeline/runs"
)

func TestWriteParsesAsTextFormat(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "textfile", "ipoint.prom")
	start := time.Date(2026, 11, 25, 1, 30, 0, 0, time.UTC)
	run := runs.Run{Job: "run", Start: start, End: start.Add(95 * time.Second), Outcome: runs.Problems, ExitCode: 3,
		Files: 7, Rows: 12345, Rejected: 12, Quarant: 1, Checks: 2,
		Stages: []runs.Stage{{Name: "ingest", Duration: 60 * time.Second}, {Name: "transform", Duration: 30 * time.Second}}}
	success := start.Add(-24 * time.Hour)
	if err := Write(path, Snapshot{Last: run, LastSuccess: success,
		Newest: map[string]time.Time{"verbis_kunden": time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)}}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(f)
	if err != nil {
		t.Fatalf("not the text format: %v", err)
	}
	value := func(name string, label ...string) float64 {
		t.Helper()
		fam, ok := families[name]
		if !ok {
			t.Fatalf("metric %s missing", name)
		}
	next:
		for _, m := range fam.GetMetric() {
			for i := 0; i+1 < len(label); i += 2 {
				found := false
				for _, l := range m.GetLabel() {
					if l.GetName() == label[i] && l.GetValue() == label[i+1] {
						found = true
					}
				}
				if !found {
					continue next
				}
			}
			return m.GetGauge().GetValue()
		}
		t.Fatalf("metric %s%v missing", name, label)
		return 0
	}
	checks := []struct {
		name  string
		label []string
		want  float64
	}{
		{"ipoint_last_run_timestamp_seconds", nil, float64(run.End.Unix())},
		{"ipoint_last_success_timestamp_seconds", nil, float64(success.Unix())},
		{"ipoint_last_run_duration_seconds", nil, 95},
		{"ipoint_last_run_exit_code", nil, 3},
		{"ipoint_last_run_rows", nil, 12345},
		{"ipoint_last_run_rows_rejected", nil, 12},
		{"ipoint_last_run_files_quarantined", nil, 1},
		{"ipoint_last_run_checks_failed", nil, 2},
		{"ipoint_last_run_outcome", []string{"outcome", "problems"}, 1},
		{"ipoint_last_run_outcome", []string{"outcome", "ok"}, 0},
		{"ipoint_last_run_stage_duration_seconds", []string{"stage", "transform"}, 30},
		{"ipoint_export_newest_stichtag_timestamp_seconds", []string{"export", "verbis_kunden"}, float64(time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC).Unix())},
	}
	for _, c := range checks {
		if got := value(c.name, c.label...); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.label, got, c.want)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".prom") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

func TestWriteStateParsesAsTextFormat(t *testing.T) {
	path := filepath.Join(t.TempDir(), StateFile)
	ok := time.Date(2026, 11, 25, 1, 31, 0, 0, time.UTC)
	if err := WriteState(path, State{Todos: 6, QuarantineOpen: 5, QuarantineAcknowledged: 2, UnknownFiles: 1, ChecksFailed: 0,
		FreeBytes: map[string]uint64{"lake": 1 << 30}, LastSuccess: map[string]time.Time{"run": ok}}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(f)
	if err != nil {
		t.Fatalf("not the text format: %v", err)
	}
	got := map[string]float64{}
	for name, fam := range fams {
		for _, m := range fam.Metric {
			key := name
			for _, l := range m.Label {
				key += "{" + l.GetValue() + "}"
			}
			got[key] = m.GetGauge().GetValue()
		}
	}
	for k, want := range map[string]float64{"ipoint_open_todos": 6, "ipoint_quarantine_files{open}": 5, "ipoint_quarantine_files{done}": 2,
		"ipoint_inbox_unknown_files": 1, "ipoint_checks_failed": 0, "ipoint_disk_free_bytes{lake}": 1 << 30,
		"ipoint_job_last_success_timestamp_seconds{run}": float64(ok.Unix())} {
		if v, found := got[k]; !found || v != want {
			t.Errorf("%s = %v (found %v), want %v", k, v, found, want)
		}
	}
}
