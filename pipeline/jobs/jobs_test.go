package jobs

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"ipoint/pipeline/runs"
)

// world is a fake data directory: a clock that moves a second per reading, a lock,
// a run history and what each stage was asked to do.
type world struct {
	now      time.Time
	locked   bool
	history  []runs.Run
	notices  []runs.Run
	metrics  int
	calls    []string
	out      bytes.Buffer
	stale    string
	failed   []string // the warehouse's failed checks
	missing  []string // exports the warehouse built as empty
	newFiles int
	fail     map[string]error
}

func newWorld() *world {
	return &world{now: time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC), fail: map[string]error{}}
}

func (w *world) clock() time.Time { w.now = w.now.Add(time.Second); return w.now }

func (w *world) runner() *Runner {
	return &Runner{Now: w.clock, PID: 7,
		Lock: func(job string, _ time.Time) (func(), error) {
			if w.locked {
				return nil, LockedError{Holder: "ipoint schedule"}
			}
			w.locked = true
			return func() { w.locked = false }, nil
		},
		Record:  func(r runs.Run) error { w.history = append(w.history, r); return nil },
		Metrics: func(runs.Run) error { w.metrics++; return nil },
		Notify:  func(_ context.Context, r runs.Run) error { w.notices = append(w.notices, r); return nil },
	}
}

func (w *world) steps() *Steps {
	call := func(name string) error { w.calls = append(w.calls, name); return w.fail[name] }
	return &Steps{Out: &w.out,
		Ingest: func(context.Context) (*IngestResult, error) {
			r := &IngestResult{Files: w.newFiles, Rows: int64(10 * w.newFiles)}
			return r, call("ingest")
		},
		Stale: func(context.Context) string { return w.stale },
		LastRun: func(job string) (runs.Run, bool) {
			for i := len(w.history) - 1; i >= 0; i-- {
				if w.history[i].Job == job {
					return w.history[i], true
				}
			}
			return runs.Run{}, false
		},
		Transform: func(context.Context) (*TransformResult, error) {
			if err := call("transform"); err != nil {
				return nil, err
			}
			w.stale = ""
			return &TransformResult{Failed: w.failed, Missing: w.missing}, nil
		},
		Reports: func(context.Context) ([]Report, error) {
			return []Report{{Path: "w.html", Period: "KW 13/2026", Weekly: true}, {Path: "m.html"}}, call("reports")
		},
		Mail:           func(_ context.Context, r Report) (string, error) { return "an 2 Empfänger", call("mail " + r.Period) },
		MailConfigured: true,
		Retention: func(context.Context) (int, bool, error) {
			return 3, w.newFiles > 0, call("retention")
		},
		Erase: func(context.Context) (*EraseResult, error) {
			return &EraseResult{Rows: 4, Files: 2, Review: 1}, call("erase")
		},
		WarehouseExists: func() bool { return true },
	}
}

func stages(r runs.Run) string {
	var s []string
	for _, st := range r.Stages {
		s = append(s, st.Name+":"+st.Outcome)
	}
	return strings.Join(s, " ")
}

func TestNightlyRebuildsOnlyWhenSomethingIsNew(t *testing.T) {
	w := newWorld()
	r, ctx := w.runner(), context.Background()
	nightly := func(force bool) error {
		return r.Run(ctx, "run", "manuell", func(ctx context.Context, j *Job) error { return Nightly(ctx, j, w.steps(), force) })
	}
	w.newFiles = 5
	if err := nightly(false); err != nil {
		t.Fatal(err)
	}
	w.newFiles = 0
	if err := nightly(false); err != nil {
		t.Fatal(err)
	}
	w.stale = "Auswertungsdatenbank von einem früheren Tag"
	if err := nightly(false); err != nil {
		t.Fatal(err)
	}
	if err := nightly(true); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"ingest:ok transform:ok report:ok",
		"ingest:ok transform:skipped report:skipped",
		"ingest:ok transform:ok report:ok",
		"ingest:ok transform:ok report:ok",
	}
	for i, rec := range w.history {
		if got := stages(rec); got != want[i] || rec.Outcome != runs.OK || rec.ExitCode != ExitOK {
			t.Errorf("run %d: %s %s, want %s ok", i, got, rec.Outcome, want[i])
		}
	}
	if w.history[0].Files != 5 || w.history[0].Rows != 50 || len(w.history[0].Reports) != 2 || w.history[0].ID != "20260329T003001-7" {
		t.Errorf("first run recorded as %+v", w.history[0])
	}
	if w.history[2].Stages[1].Note != "Auswertungsdatenbank von einem früheren Tag" || w.history[3].Stages[1].Note != "--force" {
		t.Errorf("rebuild reasons: %q, %q", w.history[2].Stages[1].Note, w.history[3].Stages[1].Note)
	}
	if !strings.Contains(w.out.String(), "Nichts Neues") || len(w.notices) != 0 || w.metrics != 4 || w.locked {
		t.Errorf("out %q, notices %d, metrics %d, locked %v", w.out.String(), len(w.notices), w.metrics, w.locked)
	}
}

func TestNightlyProblemsFailuresAndRecovery(t *testing.T) {
	w := newWorld()
	r, ctx := w.runner(), context.Background()
	nightly := func() error {
		return r.Run(ctx, "run", "zeitplan", func(ctx context.Context, j *Job) error { return Nightly(ctx, j, w.steps(), false) })
	}
	// Failed checks: the chain goes on, the run ends with problems and a notice.
	w.newFiles, w.failed = 1, []string{"aktualitaet – zu alt (6 Zeilen)"}
	err := nightly()
	var p ProblemsError
	if !errors.As(err, &p) || ExitCode(ctx, err) != ExitProblems || len(w.notices) != 1 {
		t.Fatalf("failed checks: %v, %d notices", err, len(w.notices))
	}
	if got := stages(w.history[0]); got != "ingest:ok transform:ok report:ok" || w.history[0].Checks != 1 ||
		w.history[0].Outcome != runs.Problems || w.history[0].Attention[0] != "Prüfung fehlgeschlagen: aktualitaet – zu alt (6 Zeilen)" {
		t.Errorf("recorded as %s %+v", got, w.history[0])
	}
	// A failing build stops the chain: no reports.
	w.failed, w.fail["transform"] = nil, errors.New("disk full")
	if err := nightly(); ExitCode(ctx, err) != ExitFailure {
		t.Fatalf("failed build: %v", err)
	}
	if got := stages(w.history[1]); got != "ingest:ok transform:failed" || w.history[1].Error != "disk full" {
		t.Errorf("failed run: %s %q", got, w.history[1].Error)
	}
	// The next night has nothing new but rebuilds, because the last run failed.
	w.newFiles, w.fail["transform"] = 0, nil
	if err := nightly(); err != nil {
		t.Fatal(err)
	}
	if got := w.history[2].Stages[1].Note; got != "der letzte Lauf ist nicht durchgelaufen" {
		t.Errorf("after a failure: %q", got)
	}
	// A panic is recovered and recorded; a held lock is not recorded at all.
	w.fail["ingest"] = nil
	n := len(w.history)
	err = r.Run(ctx, "run", "manuell", func(context.Context, *Job) error { panic("boom") })
	var pe PanicError
	if !errors.As(err, &pe) || w.history[n].Outcome != runs.Panicked || w.locked {
		t.Errorf("panic: %v %+v", err, w.history[n])
	}
	w.locked = true
	if err := nightly(); ExitCode(ctx, err) != ExitLocked || len(w.history) != n+1 {
		t.Errorf("locked: %v, %d runs", err, len(w.history))
	}
	w.locked = false
	// A cancelled run starts no further stage and sends no notice.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	notices := len(w.notices)
	err = r.Run(cctx, "run", "manuell", func(ctx context.Context, j *Job) error { return Nightly(ctx, j, w.steps(), false) })
	if ExitCode(cctx, err) != ExitCancelled || stages(w.history[len(w.history)-1]) != "ingest:cancelled" || len(w.notices) != notices {
		t.Errorf("cancelled: %v %s", err, stages(w.history[len(w.history)-1]))
	}
}

// TestNightlyNamesExportsNotDelivered: a new installation's night builds what it can;
// an export never delivered ends it with problems and a to-do naming the export.
func TestNightlyNamesExportsNotDelivered(t *testing.T) {
	w := newWorld()
	r, ctx := w.runner(), context.Background()
	w.newFiles, w.missing = 5, []string{"beratungen (Beratungen)", "ki_schutzsuchende (Schutzsuchende)"}
	err := r.Run(ctx, "run", "manuell", func(ctx context.Context, j *Job) error { return Nightly(ctx, j, w.steps(), false) })
	var p ProblemsError
	if !errors.As(err, &p) || p.Msg != "noch keine Lieferung von beratungen (Beratungen), ki_schutzsuchende (Schutzsuchende)" {
		t.Fatalf("err %v", err)
	}
	rec := w.history[0]
	if got := stages(rec); got != "ingest:ok transform:ok report:ok" || rec.Outcome != runs.Problems || len(rec.Reports) != 2 ||
		strings.Join(rec.Attention, "|") != "noch keine Lieferung: beratungen (Beratungen)|noch keine Lieferung: ki_schutzsuchende (Schutzsuchende)" {
		t.Errorf("recorded as %s %+v", got, rec)
	}
}

// TestWeeklyInTheFirstDays: on the first Monday of an installation the last complete
// week began before the first delivery; the weekly job sends nothing and succeeds.
func TestWeeklyInTheFirstDays(t *testing.T) {
	w := newWorld()
	r, ctx := w.runner(), context.Background()
	s := w.steps()
	s.Reports = func(context.Context) ([]Report, error) {
		return []Report{{Weekly: true, Left: "nicht erstellt: KW 12/2026 ist nicht vollständig geliefert"}}, nil
	}
	if err := r.Run(ctx, "weekly_report", "zeitplan", func(ctx context.Context, j *Job) error { return Weekly(ctx, j, s) }); err != nil {
		t.Fatal(err)
	}
	rec := w.history[0]
	if got := stages(rec); got != "report:ok mail:skipped" || rec.Outcome != runs.OK || len(rec.Reports) != 0 ||
		rec.Stages[0].Note != "nicht erstellt: KW 12/2026 ist nicht vollständig geliefert" || len(w.notices) != 0 ||
		slices.ContainsFunc(w.calls, func(c string) bool { return strings.HasPrefix(c, "mail") }) {
		t.Errorf("recorded as %s %+v, calls %v", got, rec, w.calls)
	}
	if !strings.Contains(w.out.String(), "Kein Wochenbericht zu versenden (Wochenbericht nicht erstellt: KW 12/2026") {
		t.Errorf("out %q", w.out.String())
	}
}

func TestWeeklyRetentionErase(t *testing.T) {
	w := newWorld()
	r, ctx := w.runner(), context.Background()
	job := func(name string, fn func(context.Context, *Job, *Steps) error, s *Steps) error {
		return r.Run(ctx, name, "manuell", func(ctx context.Context, j *Job) error { return fn(ctx, j, s) })
	}
	if err := job("weekly_report", Weekly, w.steps()); err != nil {
		t.Fatal(err)
	}
	s := w.steps()
	s.MailConfigured = false
	if err := job("weekly_report", Weekly, s); err != nil {
		t.Fatal(err)
	}
	if err := job("retention", Retention, w.steps()); err != nil {
		t.Fatal(err)
	}
	w.newFiles = 1 // the fake's retention changes the lake now
	if err := job("retention", Retention, w.steps()); err != nil {
		t.Fatal(err)
	}
	err := job("erase", Erase, w.steps())
	if ExitCode(ctx, err) != ExitProblems {
		t.Errorf("erase with a row to review: %v", err)
	}
	want := []string{"report:ok mail:ok", "report:ok mail:skipped", "retention:ok transform:skipped",
		"retention:ok transform:ok", "erase:ok transform:ok"}
	for i, rec := range w.history {
		if got := stages(rec); got != want[i] {
			t.Errorf("%s: %s, want %s", rec.Job, got, want[i])
		}
	}
	if w.history[0].Stages[0].Note != "KW 13/2026" || !strings.Contains(strings.Join(w.calls, ","), "mail KW 13/2026") {
		t.Errorf("weekly: %+v %v", w.history[0].Stages, w.calls)
	}
	if a := w.history[4].Attention; len(a) != 1 || a[0] != "Löschung: 1 Zeilen zu prüfen" {
		t.Errorf("erase attention %v", a)
	}
	// Without a weekly report there is nothing to send: a failure.
	s = w.steps()
	s.Reports = func(context.Context) ([]Report, error) { return nil, nil }
	if err := job("weekly_report", Weekly, s); ExitCode(ctx, err) != ExitFailure {
		t.Errorf("no weekly report: %v", err)
	}
}

type wrongCall struct{}

func (wrongCall) Error() string { return "falscher Aufruf" }
func (wrongCall) ExitCode() int { return 2 }

// TestCodedErrors: an error that carries its exit code is recorded with it.
func TestCodedErrors(t *testing.T) {
	w := newWorld()
	err := w.runner().Run(context.Background(), "run", "manuell", func(context.Context, *Job) error { return wrongCall{} })
	if ExitCode(context.Background(), err) != 2 || w.history[0].ExitCode != 2 || w.history[0].Outcome != runs.Failed {
		t.Errorf("recorded as %+v", w.history[0])
	}
}

// TestLogLevels: every run logs its start; its end at ERROR when it failed, WARN with
// problems, INFO when it succeeded or was stopped on request.
func TestLogLevels(t *testing.T) {
	for _, c := range []struct {
		fn    func(ctx context.Context, j *Job) error
		cctx  bool
		level string
	}{
		{func(context.Context, *Job) error { return nil }, false, "INFO"},
		{func(context.Context, *Job) error { return ProblemsError{"x"} }, false, "WARN"},
		{func(context.Context, *Job) error { return errors.New("kaputt") }, false, "ERROR"},
		{func(ctx context.Context, _ *Job) error { return ctx.Err() }, true, "INFO"},
	} {
		var buf bytes.Buffer
		w := newWorld()
		r := w.runner()
		r.Log = slog.New(slog.NewTextHandler(&buf, nil))
		ctx, cancel := context.WithCancel(context.Background())
		if c.cctx {
			cancel()
		}
		r.Run(ctx, "run", "manuell", c.fn)
		cancel()
		out := buf.String()
		if !strings.Contains(out, `level=INFO msg="run started"`) || !strings.Contains(out, "level="+c.level+` msg="run finished"`) {
			t.Errorf("want %s:\n%s", c.level, out)
		}
	}
}

// TestFailureExplained: a failed run records what Explain says for staff (and the
// notice gets it); the error's own words go to the log only.
func TestFailureExplained(t *testing.T) {
	var buf bytes.Buffer
	w := newWorld()
	r := w.runner()
	r.Log = slog.New(slog.NewTextHandler(&buf, nil))
	r.Explain = func(err error) string { return "Auf Deutsch: " + strings.ToUpper(err.Error()[:1]) }
	r.Run(context.Background(), "run", "manuell", func(context.Context, *Job) error { return errors.New("disk on fire") })
	if len(w.history) != 1 || w.history[0].Error != "Auf Deutsch: D" || len(w.notices) != 1 || w.notices[0].Error != "Auf Deutsch: D" {
		t.Fatalf("recorded %+v, noticed %+v", w.history, w.notices)
	}
	if !strings.Contains(buf.String(), `err="disk on fire"`) {
		t.Errorf("the error's own words are not in the log:\n%s", buf.String())
	}
}

// TestRejectsWithinToleranceAreNoProblem: an ingest with rejected rows but nothing
// for a person ends ok, without a notice; its note says what was rejected.
func TestRejectsWithinToleranceAreNoProblem(t *testing.T) {
	w := newWorld()
	s := w.steps()
	s.Ingest = func(context.Context) (*IngestResult, error) {
		return &IngestResult{Files: 1, Rows: 1000, Rejected: 3, Note: "3 Zeilen abgewiesen (innerhalb der Toleranz)"}, nil
	}
	err := w.runner().Run(context.Background(), "run", "zeitplan", func(ctx context.Context, j *Job) error { return Nightly(ctx, j, s, false) })
	rec := w.history[0]
	if err != nil || rec.Outcome != runs.OK || rec.Rejected != 3 || len(w.notices) != 0 ||
		rec.Stages[0].Note != "1 Dateien; 3 Zeilen abgewiesen (innerhalb der Toleranz)" {
		t.Errorf("%v %+v, %d notices", err, rec, len(w.notices))
	}
}

// TestNightlyMailsAClosedMonthOnce: the nightly run mails the month's reports (not the
// Wochenbericht) when they are due, after the report stage; a night they are not due
// records no mail stage; a mail that could not be sent leaves the run with problems,
// not failed, and the next night tries again.
func TestNightlyMailsAClosedMonthOnce(t *testing.T) {
	w := newWorld()
	r, ctx := w.runner(), context.Background()
	mailed := map[string]bool{}
	var got [][]string
	down := true
	nightly := func() error {
		s := w.steps()
		s.MonthDue = func(reps []Report) bool { return !mailed[reps[0].Path] }
		s.MonthMail = func(_ context.Context, reps []Report) (string, error) {
			var paths []string
			for _, r := range reps {
				paths = append(paths, r.Path)
			}
			got = append(got, paths)
			if down {
				return "", ProblemsError{"Monatsbericht nicht versandt: Mailserver nicht erreichbar"}
			}
			mailed[reps[0].Path] = true
			return "an 3 Empfänger", nil
		}
		w.stale = "Auswertungsdatenbank von einem früheren Tag"
		return r.Run(ctx, "run", "zeitplan", func(ctx context.Context, j *Job) error { return Nightly(ctx, j, s, false) })
	}
	err := nightly()
	if ExitCode(ctx, err) != ExitProblems || !strings.Contains(err.Error(), "nicht versandt") {
		t.Errorf("mail server down: %v", err)
	}
	down = false
	if err := nightly(); err != nil {
		t.Errorf("mail server up: %v", err)
	}
	if err := nightly(); err != nil {
		t.Errorf("month already mailed: %v", err)
	}
	want := []string{"ingest:ok transform:ok report:ok mail:problems", "ingest:ok transform:ok report:ok mail:ok",
		"ingest:ok transform:ok report:ok"}
	for i, rec := range w.history {
		if s := stages(rec); s != want[i] {
			t.Errorf("night %d: %s, want %s", i+1, s, want[i])
		}
	}
	if n := w.history[0].Stages[3].Note; !strings.Contains(n, "Mailserver nicht erreichbar") {
		t.Errorf("the failed mail's note: %q", n)
	}
	if len(got) != 2 || len(got[0]) != 1 || got[0][0] != "m.html" {
		t.Errorf("mailed %v, want m.html twice (the Wochenbericht never)", got)
	}
	if len(w.notices) != 1 || w.notices[0].Outcome != runs.Problems {
		t.Errorf("notices %+v", w.notices)
	}
}
