package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"

	"ipoint/pipeline"
	"ipoint/pipeline/ingest"
	"ipoint/pipeline/lake"
	"ipoint/pipeline/metrics"
	"ipoint/pipeline/runs"
	"ipoint/pipeline/source"
	"ipoint/pipeline/warehouse"
)

func init() {
	register(command{name: "run", summary: "nächtlicher Lauf: übernehmen, aufbauen, prüfen, berichten (was neu ist)", run: runNightly})
}

func runNightly(ctx context.Context, args []string, e env) error {
	fs := newFlags("run", `Der nächtliche Lauf, einmal: übernimmt den Posteingang, baut die
Auswertungsdatenbank neu auf und prüft sie, wenn es Neues gibt (oder sie von einem
früheren Tag stammt), und erstellt dann die Berichte. Ein zweiter Aufruf ohne neue
Lieferungen ändert nichts. Jeder Lauf wird im Laufprotokoll verzeichnet
(ipoint status zeigt es) und in der Kennzahlendatei für die Überwachung; nach einem
Lauf mit Problemen geht eine Mail an mail.alerts.
Ein laufender anderer Lauf (Sperre) beendet den Aufruf mit Code 11.`, e)
	homeDir := homeFlag(fs)
	force := fs.Bool("force", false, "die Auswertungsdatenbank und die Berichte auch ohne Neues neu erstellen")
	if err := parse(fs, args); err != nil {
		return err
	}
	h, err := resolveHome(*homeDir, e)
	if err != nil {
		return err
	}
	return runJob(ctx, h, "run", "manuell", func(ctx context.Context, rec *runs.Run) error {
		return nightlyStages(ctx, h, rec, *force)
	})
}

// runJob runs one job under the lock and records it: the run history, the metrics file
// and, after problems or a failure, the notice mail. The returned error decides the
// exit code as usual.
func runJob(ctx context.Context, h home, job, trigger string, fn func(ctx context.Context, rec *runs.Run) error) error {
	start := h.e.now()
	l, err := acquireLock(h.lockFile(), job, start)
	if err != nil {
		return err // not recorded: the run that holds the lock is the one that counts
	}
	defer l.release()
	rec := runs.Run{ID: fmt.Sprintf("%s-%d", start.UTC().Format("20060102T150405"), os.Getpid()), Job: job,
		Trigger: trigger, Start: start}
	err = safely(func() error { return fn(ctx, &rec) })
	rec.End = h.e.now()
	rec.ExitCode = exitCode(ctx, err, io.Discard)
	rec.Outcome = outcomeOf(rec.ExitCode, err)
	if err != nil && rec.ExitCode != exitProblems {
		rec.Error = err.Error()
	}
	log := logger(h.e)
	var p panicError
	if errors.As(err, &p) {
		log.Error("job panicked", "job", job, "panic", fmt.Sprint(p.value), "stack", p.stack)
	}
	if werr := runs.Append(h.runLog(), rec); werr != nil {
		log.Error("run history not written", "path", h.runLog(), "err", werr)
	}
	if werr := writeMetrics(h, rec); werr != nil {
		log.Error("metrics file not written", "path", h.metricsFile(job), "err", werr)
	}
	if rec.Outcome != runs.OK && rec.Outcome != runs.Cancelled {
		if merr := notifyProblems(ctx, h, rec); merr != nil {
			log.Error("notice mail not sent", "err", merr)
			fmt.Fprintf(h.e.stderr, "ipoint: Hinweis-Mail nicht versandt: %v\n", merr)
		}
	}
	log.Info("run finished", "id", rec.ID, "job", job, "outcome", rec.Outcome, "exit_code", rec.ExitCode,
		"duration_s", rec.Duration().Seconds(), "files", rec.Files, "rows", rec.Rows, "rejected", rec.Rejected)
	return err
}

// panicError is a job's panic, recovered and recorded.
type panicError struct {
	value any
	stack string
}

func (p panicError) Error() string { return fmt.Sprintf("interner Fehler (panic): %v", p.value) }

func outcomeOf(code int, err error) string {
	var p panicError
	switch {
	case errors.As(err, &p):
		return runs.Panicked
	case code == exitOK:
		return runs.OK
	case code == exitProblems:
		return runs.Problems
	case code == exitCancelled:
		return runs.Cancelled
	}
	return runs.Failed
}

// stage runs one stage and records its duration and outcome. A cancelled run starts no
// further stage.
func stage(ctx context.Context, h home, rec *runs.Run, name string, fn func() (note string, err error)) error {
	st := runs.Stage{Name: name, Start: h.e.now()}
	var note string
	err := ctx.Err()
	if err == nil {
		note, err = fn()
	}
	st.Duration = h.e.now().Sub(st.Start)
	st.Note = note
	var p problemsError
	switch {
	case err == nil:
		st.Outcome = "ok"
	case errors.As(err, &p):
		st.Outcome = "problems"
	case errors.Is(err, context.Canceled):
		st.Outcome = "cancelled"
	default:
		st.Outcome = "failed"
	}
	rec.Stages = append(rec.Stages, st)
	return err
}

// skipStage records a stage that had nothing to do.
func skipStage(h home, rec *runs.Run, name, why string) {
	rec.Stages = append(rec.Stages, runs.Stage{Name: name, Start: h.e.now(), Outcome: "skipped", Note: why})
}

// nightlyStages is the chain: ingest, then (if anything is new) transform with its
// checks and the reports. Problems of a stage do not stop the chain; a failure does.
func nightlyStages(ctx context.Context, h home, rec *runs.Run, force bool) error {
	out := h.e.stdout
	var problems []string
	var s *ingest.Summary
	err := stage(ctx, h, rec, "ingest", func() (string, error) {
		var err error
		s, err = ingestStage(ctx, h, pipeline.QuarantineShare, pipeline.QuarantineMinRejects)
		if s == nil {
			return "", err
		}
		printIngestSummary(out, s)
		rec.Files, rec.Rows, rec.Rejected, rec.Quarant = s.Ingested, s.RowsRead, s.Rejected, len(s.Quarantined)
		for _, q := range s.Quarantined {
			rec.Attention = append(rec.Attention, fmt.Sprintf("Quarantäne: %s – %s", q.Name, q.Reason))
		}
		for _, u := range s.Unknown {
			rec.Attention = append(rec.Attention, "unbekannte Datei im Posteingang: "+u)
		}
		if err == nil && s.Problems() {
			problems = append(problems, ingestProblems(s))
			return ingestProblems(s), nil
		}
		return fmt.Sprintf("%d Dateien", s.Ingested), err
	})
	if err != nil {
		return err
	}
	why := transformReason(ctx, h, s, force)
	if why == "" {
		skipStage(h, rec, "transform", "nichts Neues")
		skipStage(h, rec, "report", "nichts Neues")
		fmt.Fprintln(out, "Nichts Neues: Auswertungsdatenbank und Berichte sind aktuell.")
		return problemsOf(problems)
	}
	fmt.Fprintf(out, "Auswertungsdatenbank wird neu aufgebaut: %s.\n", why)
	err = stage(ctx, h, rec, "transform", func() (string, error) {
		res, err := rebuild(ctx, h)
		if err != nil {
			return "", err
		}
		printTransform(out, h, res)
		rec.Checks = len(res.Failed())
		for _, c := range res.Failed() {
			rec.Attention = append(rec.Attention, fmt.Sprintf("Prüfung fehlgeschlagen: %s – %s (%d Zeilen)", c.Name, c.Description, c.Rows))
		}
		if rec.Checks > 0 {
			p := fmt.Sprintf("%d Prüfungen fehlgeschlagen", rec.Checks)
			problems = append(problems, p)
			return p, nil
		}
		return why, nil
	})
	if err != nil {
		return err
	}
	err = stage(ctx, h, rec, "report", func() (string, error) {
		done, err := reportStage(ctx, h, "", "", int64(h.cfg.Reports.K))
		for _, r := range done {
			fmt.Fprintf(out, "%s %s: %s (%s)\n", r.Title, r.Period, r.Path, r.Outcome)
			rec.Reports = append(rec.Reports, r.Path)
		}
		return fmt.Sprintf("%d Berichte", len(done)), err
	})
	if err != nil {
		return err
	}
	return problemsOf(problems)
}

func problemsOf(p []string) error {
	if len(p) == 0 {
		return nil
	}
	msg := p[0]
	for _, q := range p[1:] {
		msg += "; " + q
	}
	return problemsError{msg}
}

// transformReason says why the warehouse must be rebuilt, or "" if it is current: it
// is rebuilt when files were taken in, when it is missing, when it rests on another
// version of the manifest (an erasure, retention, a re-delivery), when it was built on
// an earlier day (the freshness check depends on the day), or when the last run failed.
func transformReason(ctx context.Context, h home, s *ingest.Summary, force bool) string {
	switch {
	case force:
		return "--force"
	case s != nil && s.Ingested > 0:
		return fmt.Sprintf("%d neue Dateien", s.Ingested)
	}
	version, err := lake.DataVersion(h.lake())
	if err != nil {
		return "Manifest nicht lesbar"
	}
	switch warehouse.Currency(ctx, h.warehouseFile(), version, h.today()) {
	case warehouse.Missing:
		return "keine Auswertungsdatenbank vorhanden"
	case warehouse.Unreadable:
		return "Auswertungsdatenbank nicht lesbar"
	case warehouse.OtherDay:
		return "Auswertungsdatenbank von einem früheren Tag"
	case warehouse.OtherData:
		return "der Datensee hat sich geändert"
	}
	all, _, _ := runs.Load(h.runLog())
	if last, ok := runs.Last(all, "run", nil); ok && last.Outcome != runs.OK && last.Outcome != runs.Problems {
		return "der letzte Lauf ist nicht durchgelaufen"
	}
	return ""
}

// safely runs fn and turns a panic into an error that is recorded like any failure.
func safely(fn func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = panicError{value: v, stack: stackTrace()}
		}
	}()
	return fn()
}

// lakeNewest is the newest Stichtag of every export (abh_aufenthalt per Kreis) in the
// manifest, for the freshness in status and metrics.
func lakeNewest(lakeDir string) (map[string]time.Time, error) {
	m, err := lake.ReadManifest(lakeDir)
	if err != nil {
		return nil, err
	}
	out := map[string]time.Time{}
	for _, e := range m.Entries {
		if e.Outcome != lake.Ingested {
			continue
		}
		t, err := time.Parse("2006-01-02", e.Stichtag)
		if err != nil {
			continue
		}
		name := source.Stream(e.Export, e.Kreis)
		if t.After(out[name]) {
			out[name] = t
		}
	}
	return out, nil
}

func stackTrace() string { return string(debug.Stack()) }

// writeMetrics writes the job's metrics file after a run. A history or manifest that
// cannot be read leaves out what it would have told; the run's own figures still go.
func writeMetrics(h home, rec runs.Run) error {
	snap := metrics.Snapshot{Last: rec}
	if rec.Outcome == runs.OK || rec.Outcome == runs.Problems {
		snap.LastSuccess = rec.End
	} else if all, _, err := runs.Load(h.runLog()); err == nil {
		if ok, found := runs.Last(all, rec.Job, func(r runs.Run) bool { return r.Outcome == runs.OK || r.Outcome == runs.Problems }); found {
			snap.LastSuccess = ok.End
		}
	}
	snap.Newest, _ = lakeNewest(h.lake())
	return metrics.Write(h.metricsFile(rec.Job), snap)
}
