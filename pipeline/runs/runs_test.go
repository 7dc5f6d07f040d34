package runs

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestAppendLoadLastPrune(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit", "runs.jsonl")
	if all, _, err := Load(path); err != nil || len(all) != 0 {
		t.Fatalf("missing history: %v %d", err, len(all))
	}
	day := time.Date(2026, 11, 1, 2, 30, 0, 0, time.UTC)
	for i, o := range []string{OK, Failed, Problems, OK} {
		job := "run"
		if i == 3 {
			job = "retention"
		}
		start := day.AddDate(0, 0, i)
		if err := Append(path, Run{ID: start.Format(time.RFC3339), Job: job, Start: start, End: start.Add(time.Minute), Outcome: o,
			Stages: []Stage{{Name: "ingest", Duration: time.Second, Outcome: "ok"}}}); err != nil {
			t.Fatal(err)
		}
	}
	// A crash in the middle of a write leaves a torn line: it is skipped, not fatal.
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString(`{"id":"torn","job":"ru`)
	f.Close()
	all, torn, err := Load(path)
	if err != nil || len(all) != 4 || torn != 1 {
		t.Fatalf("load: %v, %d runs, %d torn", err, len(all), torn)
	}
	if all[1].Stages[0].Duration != time.Second {
		t.Errorf("stage duration lost: %+v", all[1].Stages)
	}
	if r, ok := Last(all, "run", nil); !ok || r.Outcome != Problems {
		t.Errorf("last run: %+v", r)
	}
	if r, ok := Last(all, "run", func(r Run) bool { return r.Outcome == OK }); !ok || !r.Start.Equal(day) {
		t.Errorf("last successful run: %+v", r)
	}
	if _, ok := Last(all, "erase", nil); ok {
		t.Error("a job that never ran has a last run")
	}
	n, err := Prune(path, day.AddDate(0, 0, 2))
	if err != nil || n != 2 {
		t.Fatalf("prune: %v, %d removed", err, n)
	}
	if all, torn, _ = Load(path); len(all) != 2 || torn != 0 || all[0].Outcome != Problems {
		t.Errorf("after prune: %d runs, %d torn", len(all), torn)
	}
}
