package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"ipoint/pipeline/civil"
	"ipoint/pipeline/jobs"
	"ipoint/pipeline/lake"
	"ipoint/pipeline/protect"
	"ipoint/pipeline/runs"
	"ipoint/pipeline/schedule"
	"ipoint/pipeline/schedule/scheduletest"
	"ipoint/pipeline/source"
	"ipoint/pipeline/warehouse"
	"ipoint/reports/suppress"
)

// TestRunStatusLockRetention runs the nightly job as cron would: twice (the second
// finds nothing new), against a held lock, then status and retention.
func TestRunStatusLockRetention(t *testing.T) {
	home := t.TempDir()
	vars := map[string]string{"IPOINT_HOME": home}
	for _, args := range [][]string{{"init"}, {"generate", "--days", "40", "--scale", "0.2", "--as-of", "2026-11-24"}} {
		if r := call(t, vars, args...); r.code != exitOK {
			t.Fatalf("%v: %d %s", args, r.code, r.stderr)
		}
	}
	os.RemoveAll(filepath.Join(home, "synth")) // the generator's answer key is not ipoint's

	// First run: the synthetic exports carry dirt, so it finishes with problems.
	r := call(t, vars, "run")
	if r.code != exitProblems {
		t.Fatalf("run: code %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"Übernommen:", "Auswertungsdatenbank wird neu aufgebaut: ", "Wochenbericht", "(neu)"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("run output lacks %q", want)
		}
	}
	history, _, err := runs.Load(filepath.Join(home, "audit", "runs.jsonl"))
	if err != nil || len(history) != 1 {
		t.Fatalf("run history: %v, %d runs", err, len(history))
	}
	first := history[0]
	// Two reports: the Wochenbericht and the Verlaufsbericht; the 40 days begin in the
	// middle of October, which gets no Monatsbericht.
	if first.Outcome != runs.Problems || first.ExitCode != exitProblems || first.Files == 0 || first.Rows == 0 ||
		first.Rejected == 0 || first.Quarant == 0 || len(first.Reports) != 2 || len(first.Stages) != 3 {
		t.Errorf("first run recorded as %+v", first)
	}
	for _, s := range first.Stages {
		if s.Outcome != "ok" && s.Outcome != "problems" {
			t.Errorf("stage %s: %s", s.Name, s.Outcome)
		}
	}
	metrics := readMetrics(t, filepath.Join(home, "metrics", "ipoint_run.prom"))
	if metrics["ipoint_last_run_exit_code"] != 3 || metrics["ipoint_last_run_rows"] != float64(first.Rows) ||
		metrics["ipoint_last_success_timestamp_seconds"] == 0 {
		t.Errorf("metrics after the first run: %v", metrics)
	}

	// Second run: nothing new, nothing rebuilt, success.
	r = call(t, vars, "run")
	if r.code != exitOK || !strings.Contains(r.stdout, "Nichts Neues") {
		t.Fatalf("second run: code %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	history, _, _ = runs.Load(filepath.Join(home, "audit", "runs.jsonl"))
	if len(history) != 2 || history[1].Outcome != runs.OK || history[1].Stages[1].Outcome != "skipped" {
		t.Errorf("second run recorded as %+v", history[len(history)-1])
	}

	// Another process holds the lock: exit 11, named holder, nothing recorded.
	l, err := jobs.Acquire(filepath.Join(home, "ipoint.lock"), "schedule", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"run", "ingest", "transform", "report", "retention"} {
		if r := call(t, vars, cmd); r.code != exitLocked || !strings.Contains(r.stderr, "Sperre") || !strings.Contains(r.stderr, "schedule") {
			t.Errorf("%s under a held lock: code %d, %s", cmd, r.code, r.stderr)
		}
	}
	l.Release()
	if history, _, _ = runs.Load(filepath.Join(home, "audit", "runs.jsonl")); len(history) != 2 {
		t.Errorf("a locked-out run was recorded: %d runs", len(history))
	}

	// Status: the runs, every export's freshness, and the quarantined files to look at.
	r = call(t, vars, "status")
	if r.code != exitProblems {
		t.Errorf("status: code %d, want 3 (files in quarantine)", r.code)
	}
	for _, want := range []string{"Letzte Läufe:", "mit Problemen", "erfolgreich", "nichts Neues", "verbis_kunden", "24.11.2026",
		"abh_aufenthalt/05966", "in Quarantäne:", "Neulieferung"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("status lacks %q:\n%s", want, r.stdout)
		}
	}

	// Retention with short periods: older deliveries, raw files and runs go; the
	// manifest says so; the warehouse is rebuilt and its checks still pass.
	vars["IPOINT_RETENTION_LAKE_DAYS"] = "20"
	vars["IPOINT_RETENTION_ARCHIVE_DAYS"] = "10"
	vars["IPOINT_RETENTION_REJECTS_DAYS"] = "10"
	vars["IPOINT_RETENTION_QUARANTINE_DAYS"] = "10"
	if r := call(t, vars, "retention", "--dry-run"); r.code != exitUsage || !strings.Contains(r.stderr, "Mindestfrist von 365 Tagen") {
		t.Fatalf("a lake period of 20 days without confirmation: %d %s", r.code, r.stderr)
	}
	vars["IPOINT_RETENTION_BELOW_MINIMUM"] = "true" // a test installation: the short periods are a decision
	before := countFiles(t, home)
	dry := call(t, vars, "retention", "--dry-run")
	if dry.code != exitOK || !strings.Contains(dry.stdout, "Probelauf") {
		t.Fatalf("dry run: %d %s %s", dry.code, dry.stdout, dry.stderr)
	}
	if n := countFiles(t, home); n != before {
		t.Fatalf("the dry run changed the files: %d before, %d after", before, n)
	}
	r = call(t, vars, "retention")
	if r.code != exitOK {
		t.Fatalf("retention: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if countFiles(t, home) >= before {
		t.Error("retention deleted nothing")
	}
	cut := time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC) // 25.11. - 20 days
	m, err := lake.ReadManifest(filepath.Join(home, "lake"))
	if err != nil {
		t.Fatal(err)
	}
	snapshot := map[string]bool{} // snapshots expire in their history, not by delivery
	for _, e := range source.All() {
		snapshot[e.Name] = e.Snapshot
	}
	newest := map[string]string{} // the newest delivery of an export always stays
	for _, e := range m.Entries {
		if e.Outcome == lake.Ingested && e.Stichtag > newest[e.Export] {
			newest[e.Export] = e.Stichtag
		}
	}
	expired := 0
	for _, e := range m.Entries {
		d, _ := time.Parse("2006-01-02", e.Stichtag)
		if e.Outcome == lake.Ingested && !snapshot[e.Export] && d.Before(cut) != e.Expired && e.Stichtag != newest[e.Export] {
			t.Errorf("%s (Stichtag %s): expired=%v", e.Name, e.Stichtag, e.Expired)
		}
		if e.Expired {
			expired++
			dir := filepath.Join(home, "lake", "export="+e.Export, "stichtag="+e.Stichtag)
			if _, err := os.Stat(dir); err == nil {
				t.Errorf("%s still in the lake", dir)
			}
		}
	}
	if expired == 0 {
		t.Error("no delivery expired")
	}
	archived := 0
	filepath.WalkDir(filepath.Join(home, "inbox", "archive"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		archived++
		_, del, derr := source.Detect(d.Name())
		if derr != nil || del == nil {
			t.Errorf("archive file %s: no Stichtag in its name", p)
		} else if del.Stichtag.Before(time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("archive file %s (Stichtag %s) outlived its 10 days", p, del.Stichtag.Format("2006-01-02"))
		}
		return nil
	})
	if archived == 0 {
		t.Error("retention emptied the archive: the last 10 days should stay")
	}
	deletions, err := os.ReadFile(filepath.Join(home, "audit", "retention.jsonl"))
	if err != nil || !strings.Contains(string(deletions), `"kind":"lake"`) || !strings.Contains(string(deletions), `"kind":"archive"`) {
		t.Errorf("deletion log: %v %.300s", err, deletions)
	}
	history, _, _ = runs.Load(filepath.Join(home, "audit", "runs.jsonl"))
	last := history[len(history)-1]
	if last.Job != "retention" || last.Outcome != runs.OK || last.Stages[1].Name != "transform" || last.Stages[1].Outcome != "ok" {
		t.Errorf("retention run recorded as %+v", last)
	}
}

func readMetrics(t *testing.T, path string) map[string]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(f)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for name, fam := range fams {
		if ms := fam.GetMetric(); len(ms) > 0 {
			out[name] = ms[0].GetGauge().GetValue()
		}
	}
	return out
}

func countFiles(t *testing.T, dir string) int {
	n := 0
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

// TestScheduleCatchesUpOnceAndStopsCleanly starts the service after a downtime: the
// nightly run missed since the recorded last run is made up once at start, a second
// scheduler on the same directory is refused, and cancelling (SIGTERM) ends it with 0.
func TestScheduleCatchesUpOnceAndStopsCleanly(t *testing.T) {
	home := t.TempDir()
	// The scheduler runs on a fake clock: it moves only when the test moves it, and the
	// test learns that the scheduler has finished its work when it asks for its next
	// timer. No real time passes; nothing depends on timing.
	now := time.Date(2026, 11, 25, 7, 0, 0, 0, time.UTC)
	clk := scheduletest.NewClock(now)
	defer func(c schedule.Clock) { scheduleClock = c }(scheduleClock)
	scheduleClock = clk
	vars := map[string]string{"IPOINT_HOME": home, "IPOINT_SCHEDULE_TIMEZONE": "UTC",
		"IPOINT_SCHEDULE_NIGHTLY": "30 2 * * *", "IPOINT_SCHEDULE_WEEKLY_REPORT": "0 6 * * 1", "IPOINT_SCHEDULE_RETENTION": "0 3 * * 0"}
	for _, args := range [][]string{{"init"}, {"generate", "--days", "40", "--scale", "0.1", "--as-of", "2026-11-24"}} {
		if r := call(t, vars, args...); r.code != exitOK {
			t.Fatalf("%v: %d %s", args, r.code, r.stderr)
		}
	}
	// The last nightly run was three days ago; weekly report and retention never ran
	// (a fresh install of those jobs: nothing to make up).
	last := now.Add(-72 * time.Hour)
	if err := runs.Append(filepath.Join(home, "audit", "runs.jsonl"), runs.Run{ID: "old", Job: "run", Start: last, End: last.Add(time.Minute), Outcome: runs.OK}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	e := env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }, now: clk.Now}
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"schedule"}, e) }()

	// The scheduler makes up the missed night, then waits for the next job's time.
	select {
	case tm := <-clk.Timers():
		if next := time.Date(2026, 11, 26, 2, 30, 0, 0, time.UTC); !tm.When.After(now) || tm.When.After(next) {
			t.Errorf("next wake-up %s, want after %s and not after the next night %s", tm.When, now, next)
		}
	case code := <-done:
		t.Fatalf("the scheduler ended: %d\n%s\n%s", code, out.String(), errb.String())
	case <-time.After(5 * time.Minute): // a hang, not a timing assumption
		t.Fatal("the scheduler never waited for its next job")
	}
	history, _, _ := runs.Load(filepath.Join(home, "audit", "runs.jsonl"))
	if len(history) != 2 || history[1].Job != "run" || history[1].Trigger != "zeitplan" || history[1].Outcome != runs.Problems {
		t.Fatalf("after start: %d runs, last %+v\n%s", len(history), history[len(history)-1], errb.String())
	}
	if r := call(t, vars, "schedule"); r.code != exitLocked {
		t.Errorf("a second scheduler: code %d, %s", r.code, r.stderr)
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK || !strings.Contains(out.String(), "Zeitplan beendet") {
			t.Errorf("stop: code %d\n%s\n%s", code, out.String(), errb.String())
		}
	case <-time.After(5 * time.Minute): // a hang, not a timing assumption
		t.Fatal("the scheduler did not stop")
	}
	// Made up once, not once per missed night.
	if history, _, _ = runs.Load(filepath.Join(home, "audit", "runs.jsonl")); len(history) != 2 {
		t.Errorf("%d runs after the stop, want 2", len(history))
	}
	for _, lock := range []string{"ipoint.lock", "schedule.lock"} {
		l, err := jobs.Acquire(filepath.Join(home, lock), "test", time.Now())
		if err != nil {
			t.Errorf("%s still held after the stop: %v", lock, err)
			continue
		}
		l.Release()
	}
}

// syncBuffer is a bytes.Buffer safe for the scheduler's goroutine and the test's.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestEraseReachesTheWarehouse erases one client after a nightly run: the warehouse is
// rebuilt without their token, no file outside the generator's answer key holds their
// number, and only the erasure's audit record names their token.
func TestEraseReachesTheWarehouse(t *testing.T) {
	home := t.TempDir()
	vars := map[string]string{"IPOINT_HOME": home, "IPOINT_KEY": strings.Repeat("5a", 32)}
	for _, args := range [][]string{{"init"}, {"generate", "--days", "40", "--scale", "0.1", "--as-of", "2026-11-24"}} {
		if r := call(t, vars, args...); r.code != exitOK {
			t.Fatalf("%v: %d %s", args, r.code, r.stderr)
		}
	}
	os.RemoveAll(filepath.Join(home, "synth"))
	if r := call(t, vars, "run"); r.code != exitProblems {
		t.Fatalf("run: %d %s", r.code, r.stderr)
	}
	// A client from the newest client snapshot, who also started a job.
	kdnr := clientWithJobStart(t, filepath.Join(home, "inbox", "archive"))
	key, _ := protect.ParseKey(vars["IPOINT_KEY"])
	token := protect.New(key).Token(protect.Kunde, kdnr)
	if n := tokenRows(t, home, token); n == 0 {
		t.Fatal("the client is not in the warehouse before the erasure: the test proves nothing")
	}

	if r := call(t, vars, "erase", "--kundennummer", "975d0047"); r.code != exitUsage {
		t.Errorf("invalid number: code %d %s", r.code, r.stderr)
	}
	r := call(t, vars, "erase", "--kundennummer", kdnr, "--vorgang", "DS-2026-017")
	if r.code != exitOK && r.code != exitProblems {
		t.Fatalf("erase: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "neu aufgebaut") || strings.Contains(r.stdout+r.stderr, kdnr) {
		t.Errorf("erase output:\n%s\n%s", r.stdout, r.stderr)
	}
	if n := tokenRows(t, home, token); n != 0 {
		t.Errorf("%d warehouse values still hold the token", n)
	}
	filepath.WalkDir(home, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := os.ReadFile(p)
		if bytes.Contains(b, []byte(kdnr)) {
			t.Errorf("%s holds the number", p)
		}
		if bytes.Contains(b, []byte(token)) && !strings.HasSuffix(p, filepath.Join("audit", "erase.jsonl")) {
			t.Errorf("%s holds the token", p)
		}
		return nil
	})
	audit, err := os.ReadFile(filepath.Join(home, "audit", "erase.jsonl"))
	if err != nil || !bytes.Contains(audit, []byte(token)) || !bytes.Contains(audit, []byte("DS-2026-017")) {
		t.Errorf("audit record: %v %s", err, audit)
	}
	history, _, _ := runs.Load(filepath.Join(home, "audit", "runs.jsonl"))
	if last := history[len(history)-1]; last.Job != "erase" || last.Stages[len(last.Stages)-1].Name != "transform" {
		t.Errorf("erasure recorded as %+v", last)
	}
}

// clientWithJobStart finds a Kundennummer in the archived job starts.
func clientWithJobStart(t *testing.T, archive string) string {
	t.Helper()
	re := regexp.MustCompile(`(?m)^[^;\n]*;(9[0-9]{2}[A-Z][0-9]{6});`)
	files, _ := filepath.Glob(filepath.Join(archive, "arbeitsaufnahmen", "*"))
	for i := len(files) - 1; i >= 0; i-- {
		b, _ := os.ReadFile(files[i])
		if m := re.FindSubmatch(b); m != nil {
			return string(m[1])
		}
	}
	t.Fatal("no Kundennummer in the archived job starts")
	return ""
}

// tokenRows counts the values in every text column of every warehouse table equal to token.
func tokenRows(t *testing.T, home, token string) int {
	t.Helper()
	db, err := warehouse.OpenAnalyst(filepath.Join(home, "warehouse", "ipoint.duckdb"), 1, "1GB")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT table_name, column_name FROM information_schema.columns WHERE data_type = 'VARCHAR'`)
	if err != nil {
		t.Fatal(err)
	}
	type col struct{ table, column string }
	var cols []col
	for rows.Next() {
		var c col
		rows.Scan(&c.table, &c.column)
		cols = append(cols, c)
	}
	rows.Close()
	if len(cols) < 10 {
		t.Fatalf("only %d text columns", len(cols))
	}
	n := 0
	for _, c := range cols {
		var k int
		if err := db.QueryRow(`SELECT count(*) FROM "`+c.table+`" WHERE "`+c.column+`" = ?`, token).Scan(&k); err != nil {
			t.Fatal(err)
		}
		n += k
	}
	return n
}

// TestRebuildFollowsTheCivilDay: the nightly run rebuilds the warehouse when the lake
// changed or a new civil day (in the configured zone) began, and at no other time,
// whatever the machine's date: across both DST changes, New Year's Eve and the real
// date. No decision rests on a file's modification time.
func TestRebuildFollowsTheCivilDay(t *testing.T) {
	home := t.TempDir()
	vars := map[string]string{"IPOINT_HOME": home}
	for _, args := range [][]string{{"init"}, {"generate", "--days", "40", "--scale", "0.1", "--as-of", "2026-11-24"}} {
		if r := call(t, vars, args...); r.code != exitOK {
			t.Fatalf("%v: %d %s", args, r.code, r.stderr)
		}
	}
	os.RemoveAll(filepath.Join(home, "synth"))
	utc := func(s string) time.Time {
		at, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return at
	}
	real := time.Now()
	steps := []struct {
		now     time.Time
		rebuild bool
	}{
		{utc("2026-11-25T07:00:00Z"), true},  // first run: everything is new
		{utc("2026-11-25T22:59:59Z"), false}, // 23:59:59 CET, the same day
		{utc("2026-11-25T23:00:00Z"), true},  // midnight in Berlin, still the 25th in UTC
		{utc("2027-03-28T00:30:00Z"), true},  // 01:30 CET on the spring change's day
		{utc("2027-03-28T01:30:00Z"), false}, // 03:30 CEST, the same day
		{utc("2027-03-28T21:59:59Z"), false}, // 23:59:59 CEST
		{utc("2027-03-28T22:00:00Z"), true},  // midnight CEST
		{utc("2027-10-31T00:30:00Z"), true},  // 02:30 CEST on the autumn change's day
		{utc("2027-10-31T01:30:00Z"), false}, // 02:30 CET, the hour repeated
		{utc("2027-10-31T22:59:59Z"), false}, // 23:59:59 CET
		{utc("2027-12-31T22:59:59Z"), true},  // New Year's Eve, a second before midnight
		{utc("2027-12-31T23:00:00Z"), true},  // New Year's Day
		{real, true},
		{real.Add(time.Second), false},
	}
	for i, s := range steps {
		if i > 0 && s.now.After(steps[i-1].now) {
			// What the rule says for the real date: a rebuild exactly when the civil day
			// changed since the step before (the real date may be 1 January 2028, or the
			// second may cross midnight).
			if s.now.Equal(real) || s.now.Equal(real.Add(time.Second)) {
				s.rebuild = !civil.Of(s.now, civil.Berlin).Equal(civil.Of(steps[i-1].now, civil.Berlin))
			}
		}
		r := callAt(t, vars, s.now, "run")
		rebuilt := strings.Contains(r.stdout, "Auswertungsdatenbank wird neu aufgebaut")
		if r.code != exitOK && r.code != exitProblems || rebuilt != s.rebuild ||
			!rebuilt && !strings.Contains(r.stdout, "Nichts Neues") {
			t.Fatalf("run at %s (Berlin %s): code %d, rebuilt %v, want %v\n%s\n%s", s.now.UTC().Format(time.RFC3339),
				s.now.In(civil.Berlin).Format("2006-01-02 15:04 MST"), r.code, rebuilt, s.rebuild, r.stdout, r.stderr)
		}
	}
	// A changed lake is new on the same day: here a delivery marked as replaced, as an
	// interrupted erasure or retention would leave it.
	st, err := warehouse.ReadStamp(context.Background(), filepath.Join(home, "warehouse", "ipoint.duckdb"))
	if err != nil || !st.Day.Equal(civil.Of(real.Add(time.Second), civil.Berlin)) {
		t.Fatalf("stamp %+v: %v", st, err)
	}
	manifest := filepath.Join(home, "lake", lake.ManifestName)
	b, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(manifest, bytes.Replace(b, []byte(`"superseded":false`), []byte(`"superseded":true`), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	r := callAt(t, vars, real.Add(2*time.Second), "run")
	if !strings.Contains(r.stdout, "der Datensee hat sich geändert") {
		t.Errorf("a changed manifest was not taken as new: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// TestReportThresholdFloor: the configured k is the floor of every report: --k below
// it (or below 3, or 0) is refused, never silently replaced.
func TestReportThresholdFloor(t *testing.T) {
	home := t.TempDir()
	vars := map[string]string{"IPOINT_HOME": home}
	if r := call(t, vars, "init"); r.code != exitOK {
		t.Fatal(r.stderr)
	}
	for _, k := range []string{"0", "1", "2"} {
		if r := call(t, vars, "report", "--k", k); r.code != exitUsage || !strings.Contains(r.stderr, "Mindestschwelle") {
			t.Errorf("--k %s: %d %s", k, r.code, r.stderr)
		}
	}
	vars["IPOINT_REPORTS_K"] = "5"
	vars["IPOINT_REPORTS_WIDTH"] = "5" // the protection width is at least k
	if r := call(t, vars, "report", "--k", "4"); r.code != exitUsage || !strings.Contains(r.stderr, "reports.k = 5") {
		t.Errorf("--k 4 under k = 5: %d %s", r.code, r.stderr)
	}
	if err := suppress.CheckK(2); err == nil {
		t.Error("the suppress package takes k = 2")
	}
}

// TestKeySafety: a lake that holds data is never given a new key. Without its key,
// ingest and init stop and say to restore the backup; with another key, ingest stops.
func TestKeySafety(t *testing.T) {
	home := t.TempDir()
	vars := map[string]string{"IPOINT_HOME": home}
	for _, args := range [][]string{{"init"}, {"generate", "--days", "40", "--scale", "0.1", "--as-of", "2026-11-24"}} {
		if r := call(t, vars, args...); r.code != exitOK {
			t.Fatalf("%v: %d %s", args, r.code, r.stderr)
		}
	}
	if r := call(t, vars, "ingest"); r.code != exitProblems {
		t.Fatalf("ingest: %d %s", r.code, r.stderr)
	}
	keyFile := filepath.Join(home, "secrets", "pseudonym.key")
	good, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(keyFile)
	for _, cmd := range []string{"ingest", "init"} {
		if r := call(t, vars, cmd); r.code == exitOK || !strings.Contains(r.stderr, "Sicherung des Schlüssels zurückspielen") {
			t.Errorf("%s without the key: %d %s", cmd, r.code, r.stderr)
		}
	}
	if _, err := os.Stat(keyFile); err == nil {
		t.Fatal("init created a new key for a lake with data")
	}
	if err := protect.CreateKeyFile(keyFile); err != nil { // someone makes a new one by hand
		t.Fatal(err)
	}
	if r := call(t, vars, "ingest"); r.code == exitOK || !strings.Contains(r.stderr, "passt nicht zum Datensee") {
		t.Errorf("ingest with another key: %d %s", r.code, r.stderr)
	}
	if err := os.WriteFile(keyFile, good, 0o600); err != nil { // the backup restored
		t.Fatal(err)
	}
	if r := call(t, vars, "ingest"); r.code != exitOK {
		t.Errorf("ingest with the restored key: %d %s", r.code, r.stderr)
	}
}

// TestRunDetail: the list of runs says what a retention run did, never "nichts Neues"
// for a job other than the nightly run.
func TestRunDetail(t *testing.T) {
	ret := runs.Run{Job: "retention", Stages: []runs.Stage{{Name: "retention", Outcome: "ok", Note: "1421 Löschungen"},
		{Name: "transform", Outcome: "skipped", Note: "Datensee unverändert"}}}
	if d := runDetail(ret); !strings.Contains(d, "1421 Löschungen") || strings.Contains(d, "nichts Neues") {
		t.Errorf("retention: %q", d)
	}
	night := runs.Run{Job: "run", Stages: []runs.Stage{{Name: "ingest", Outcome: "ok", Note: "0 Dateien"}, {Name: "transform", Outcome: "skipped"}}}
	if d := runDetail(night); d != "nichts Neues" {
		t.Errorf("nightly: %q", d)
	}
}
