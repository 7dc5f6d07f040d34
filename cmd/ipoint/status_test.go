package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ipoint/pipeline/ingest"
	"ipoint/pipeline/runs"
	"ipoint/pipeline/status"
)

// TestStatusJSONAndAcknowledgedQuarantine: status lists a quarantined file and an
// unknown inbox file as to-dos, in text and as JSON; an acknowledged file is no to-do
// any more (recorded with user and reason), other bytes under its name are again; the
// state metrics follow.
func TestStatusJSONAndAcknowledgedQuarantine(t *testing.T) {
	home := t.TempDir()
	vars := map[string]string{"IPOINT_HOME": home}
	if r := call(t, vars, "init"); r.code != exitOK {
		t.Fatal(r.stderr)
	}
	q := filepath.Join(home, "quarantine")
	os.MkdirAll(q, 0o750)
	bad := "massnahmen_20261120.csv"
	os.WriteFile(filepath.Join(q, bad), []byte("kaputt\n"), 0o640)
	os.WriteFile(filepath.Join(q, bad+".grund.txt"), []byte("Spalte fehlt\n"), 0o640)
	os.WriteFile(filepath.Join(home, "inbox", "Liste_final(2).xlsx"), []byte("x"), 0o640)

	type view struct {
		Quarantine []status.QuarantineFile `json:"quarantine"`
		Open       int                     `json:"quarantine_open"`
		Unknown    []string                `json:"unknown_files"`
		Todo       []string                `json:"todo"`
		ExitCode   int                     `json:"exit_code"`
		Now        time.Time               `json:"now"`
	}
	statusJSON := func() (view, callResult) {
		t.Helper()
		r := call(t, vars, "status", "--json")
		var v view
		if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
			t.Fatalf("status --json: %v\n%s", err, r.stdout)
		}
		return v, r
	}
	v, r := statusJSON()
	todo := strings.Join(v.Todo, "\n")
	if r.code != exitProblems || v.ExitCode != exitProblems || v.Open != 1 || len(v.Quarantine) != 1 || len(v.Unknown) != 1 ||
		!strings.Contains(todo, "in Quarantäne: "+bad) || !strings.Contains(todo, "unbekannte Datei im Posteingang: Liste_final(2).xlsx") ||
		!v.Now.Equal(time.Date(2026, 11, 25, 7, 0, 0, 0, time.UTC)) {
		t.Fatalf("status --json: code %d %+v", r.code, v)
	}
	metrics := readMetrics(t, filepath.Join(home, "metrics", "ipoint_state.prom"))
	if metrics["ipoint_inbox_unknown_files"] != 1 || metrics["ipoint_open_todos"] != float64(len(v.Todo)) || metrics["ipoint_disk_free_bytes"] <= 0 {
		t.Errorf("state metrics: %v", metrics)
	}

	// Acknowledging: a reason is required, the file must be in quarantine.
	for _, args := range [][]string{{"--quittieren", bad}, {"--grund", "x"}, {"--quittieren", "nicht_da.csv", "--grund", "x"},
		{"--quittieren", "../ipoint.toml", "--grund", "x"}} {
		if r := call(t, vars, append([]string{"status"}, args...)...); r.code != exitUsage {
			t.Errorf("status %v: code %d %s", args, r.code, r.stderr)
		}
	}
	r = call(t, vars, "status", "--quittieren", bad, "--grund", "Neulieferung am 26.11. angefordert")
	if r.code != exitOK || !strings.Contains(r.stdout, "Quittiert: "+bad) {
		t.Fatalf("acknowledge: %d %s %s", r.code, r.stdout, r.stderr)
	}
	log, _ := os.ReadFile(filepath.Join(home, "audit", status.AckLogName))
	if !strings.Contains(string(log), "Neulieferung am 26.11. angefordert") || !strings.Contains(string(log), `"sha256":"`) {
		t.Errorf("acknowledgement log: %s", log)
	}
	v, _ = statusJSON()
	if v.Open != 0 || v.Quarantine[0].Ack == nil || strings.Contains(strings.Join(v.Todo, "\n"), "in Quarantäne") {
		t.Errorf("after acknowledging: %+v", v)
	}
	if m := readMetrics(t, filepath.Join(home, "metrics", "ipoint_state.prom")); m["ipoint_open_todos"] != float64(len(v.Todo)) {
		t.Errorf("state metrics after acknowledging: %v", m)
	}
	text := call(t, vars, "status")
	if !strings.Contains(text.stdout, "quittiert von") || !strings.Contains(text.stdout, "Neulieferung am 26.11. angefordert") {
		t.Errorf("status text does not show the acknowledgement:\n%s", text.stdout)
	}
	// Other bytes under the same name: open again.
	os.WriteFile(filepath.Join(q, bad), []byte("wieder kaputt\n"), 0o640)
	if v, _ = statusJSON(); v.Open != 1 {
		t.Errorf("new bytes under an acknowledged name: %+v", v)
	}
}

// TestRejectTolerance: rejected rows within ingest.reject_tolerance are reported but
// are no problem; above it, or with a quarantined or held-back file, they are.
func TestRejectTolerance(t *testing.T) {
	cases := []struct {
		s        ingest.Summary
		tol      float64
		problems bool
		note     string
	}{
		{ingest.Summary{RowsRead: 10000, Rejected: 12}, 0.01, false, "12 Zeilen abgewiesen (0,12 % der gelesenen, innerhalb der Toleranz von 1,00 %"},
		{ingest.Summary{RowsRead: 10000, Rejected: 12}, 0, true, ""},
		{ingest.Summary{RowsRead: 1000, Rejected: 12}, 0.01, true, ""},
		{ingest.Summary{RowsRead: 10000, Rejected: 12, Quarantined: []ingest.Quarantined{{Name: "x"}}}, 0.01, true, "12 Zeilen"},
		{ingest.Summary{RowsRead: 10000, Skipped: []ingest.Quarantined{{Name: "x"}}}, 0.01, true, ""},
		{ingest.Summary{Rejected: 1}, 0.01, true, ""},
		{ingest.Summary{RowsRead: 10}, 0, false, ""},
	}
	for i, c := range cases {
		p, note := ingestVerdict(&c.s, c.tol)
		if (p != "") != c.problems || !strings.HasPrefix(note, c.note) || (c.note == "") != (note == "") {
			t.Errorf("case %d: problems %q, note %q", i, p, note)
		}
	}
	// The configuration refuses a tolerance above the quarantine share.
	vars := map[string]string{"IPOINT_HOME": t.TempDir(), "IPOINT_INGEST_REJECT_TOLERANCE": "0,2"}
	if r := call(t, vars, "config"); r.code != exitUsage || !strings.Contains(r.stderr, "ingest.reject_tolerance") {
		t.Errorf("tolerance 0,2: %d %s", r.code, r.stderr)
	}
	vars["IPOINT_INGEST_REJECT_TOLERANCE"] = "0,002"
	if r := call(t, vars, "config"); r.code != exitOK || !strings.Contains(r.stdout, "0.002") {
		t.Errorf("tolerance 0,002: %d %s %s", r.code, r.stdout, r.stderr)
	}
}

// TestStatusFailedRunInGerman (issue 15): a run that fails on an error of the operating
// system records, and status shows, a German sentence saying what happened and what to
// do; so does the to-do for a warehouse DuckDB cannot open. The system's and DuckDB's
// English words go to the log only.
func TestStatusFailedRunInGerman(t *testing.T) {
	home := t.TempDir()
	vars := map[string]string{"IPOINT_HOME": home}
	if r := call(t, vars, "init"); r.code != exitOK {
		t.Fatal(r.stderr)
	}
	lakeDir := filepath.Join(home, "lake")
	if err := os.RemoveAll(lakeDir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(lakeDir, []byte("kein Ordner\n"), 0o640); err != nil { // a file where the lake should be
		t.Fatal(err)
	}
	r := call(t, vars, "run")
	const staff = "ein Teil des Pfades ist kein Ordner, sondern eine Datei"
	if r.code != exitFailure || !strings.Contains(r.stderr, "ipoint: Fehler: Das Betriebssystem meldet bei "+lakeDir) ||
		!strings.Contains(r.stderr, staff) || !strings.Contains(r.stderr, `"err":"open `+lakeDir) {
		t.Fatalf("run with a file for the lake: %d\n%s", r.code, r.stderr)
	}
	history, _, err := runs.Load(filepath.Join(home, "audit", "runs.jsonl"))
	if err != nil || len(history) != 1 || history[0].Outcome != runs.Failed || !strings.Contains(history[0].Error, staff) {
		t.Fatalf("failed run recorded as %+v (%v)", history, err)
	}
	// The lake repaired; the warehouse is no DuckDB database.
	os.Remove(lakeDir)
	os.MkdirAll(lakeDir, 0o750)
	if err := os.WriteFile(filepath.Join(home, "warehouse", "ipoint.duckdb"), []byte(strings.Repeat("kaputt ", 4096)), 0o640); err != nil {
		t.Fatal(err)
	}
	english := []string{"not a directory", "IO Error", "not a valid DuckDB", "open /"}
	text := call(t, vars, "status")
	if !strings.Contains(text.stdout, "ist GESCHEITERT: Das Betriebssystem meldet") || !strings.Contains(text.stdout, staff) ||
		!strings.Contains(text.stdout, "Auswertungsdatenbank (DuckDB) meldet einen Fehler") {
		t.Errorf("status:\n%s", text.stdout)
	}
	js := call(t, vars, "status", "--json")
	var v struct {
		Todo []string `json:"todo"`
	}
	if err := json.Unmarshal([]byte(js.stdout), &v); err != nil {
		t.Fatal(err)
	}
	todo := strings.Join(v.Todo, "\n")
	if !strings.Contains(todo, staff) || !strings.Contains(todo, "Auswertungsdatenbank (DuckDB) meldet einen Fehler") {
		t.Errorf("status --json to-dos:\n%s", todo)
	}
	for _, out := range []string{text.stdout, js.stdout, history[0].Error} {
		for _, e := range english {
			if strings.Contains(out, e) {
				t.Errorf("English %q for staff:\n%s", e, out)
			}
		}
	}
	if !strings.Contains(text.stderr, "not a valid DuckDB") {
		t.Errorf("DuckDB's words are not in the log:\n%s", text.stderr)
	}
}
