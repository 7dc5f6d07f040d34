// Package jobs is ipoint's job model: a job (the nightly run, the weekly report,
// retention, an erasure) runs under the data directory's lock as a sequence of stages,
// and is recorded whatever happens: the run history, the metrics file and, after
// problems or a failure, the notice. The stages' work (ingest, the warehouse, reports,
// mail) is injected, so that the order and the rules of each job are tested here
// against fakes with a fake clock; cmd/ipoint wires the real work and prints.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"ipoint/pipeline/runs"
)

// Exit codes of a job, one meaning each (README "Exit codes"); the command line adds
// 2 for a wrong call.
const (
	ExitOK        = 0   // success
	ExitFailure   = 1   // failed
	ExitProblems  = 3   // finished, but input was rejected or a check failed
	ExitLocked    = 11  // another run holds the lock
	ExitCancelled = 130 // cancelled (SIGINT, SIGTERM)
)

// ProblemsError marks a job that finished but left something for staff: exit code 3.
type ProblemsError struct{ Msg string }

func (p ProblemsError) Error() string { return p.Msg }

// Problems joins what a job's stages left for staff into one ProblemsError, or nil.
func Problems(p []string) error {
	if len(p) == 0 {
		return nil
	}
	return ProblemsError{strings.Join(p, "; ")}
}

// PanicError is a job's panic, recovered and recorded as a failure.
type PanicError struct {
	Value any
	Stack string
}

func (p PanicError) Error() string { return fmt.Sprintf("interner Fehler (panic): %v", p.Value) }

// Coded is an error that carries its own exit code (the command line's wrong calls
// and invalid configurations, 2).
type Coded interface {
	error
	ExitCode() int
}

// ExitCode is the exit code err means for a job run under ctx.
func ExitCode(ctx context.Context, err error) int {
	var p ProblemsError
	var l LockedError
	var c Coded
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &c):
		return c.ExitCode()
	case errors.As(err, &p):
		return ExitProblems
	case errors.As(err, &l):
		return ExitLocked
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		return ExitCancelled
	}
	return ExitFailure
}

// Outcome is the run history's word for a job's end.
func Outcome(code int, err error) string {
	var p PanicError
	switch {
	case errors.As(err, &p):
		return runs.Panicked
	case code == ExitOK:
		return runs.OK
	case code == ExitProblems:
		return runs.Problems
	case code == ExitCancelled:
		return runs.Cancelled
	}
	return runs.Failed
}

// Runner runs jobs. Every field but Log is required.
type Runner struct {
	Now     func() time.Time // the clock
	Lock    func(job string, now time.Time) (release func(), err error)
	Record  func(runs.Run) error                        // appends to the run history
	Metrics func(runs.Run) error                        // writes the job's metrics file
	Notify  func(ctx context.Context, r runs.Run) error // the notice after problems or a failure
	Log     *slog.Logger
	PID     int // for the run's id (default: this process)
	// Announce, if set, is told of the run when it starts (End zero) and when it has
	// ended and been recorded: the staff-facing lines with time and run id.
	Announce func(r runs.Run)
	// Explain, if set, says a failure in German for staff: what the run history, status
	// and the notice show. The error's own text (the operating system's or DuckDB's,
	// often English) goes to the log only.
	Explain func(error) string
}

// Job is a job being run: its record and its clock.
type Job struct {
	Rec *runs.Run
	now func() time.Time
}

// Run runs fn as job under the lock and records it. A job that cannot take the lock is
// not recorded (the run holding it is the one that counts). A panic in fn is recovered
// and recorded. The returned error decides the exit code (ExitCode).
func (r *Runner) Run(ctx context.Context, job, trigger string, fn func(ctx context.Context, j *Job) error) error {
	log := r.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	start := r.Now()
	release, err := r.Lock(job, start)
	if err != nil {
		return err
	}
	defer release()
	pid := r.PID
	if pid == 0 {
		pid = os.Getpid()
	}
	rec := runs.Run{ID: fmt.Sprintf("%s-%d", start.UTC().Format("20060102T150405"), pid), Job: job, Trigger: trigger, Start: start}
	log.Info("run started", "id", rec.ID, "job", job, "trigger", trigger)
	if r.Announce != nil {
		r.Announce(rec)
	}
	j := &Job{Rec: &rec, now: r.Now}
	err = safely(func() error { return fn(ctx, j) })
	rec.End = r.Now()
	rec.ExitCode = ExitCode(ctx, err)
	rec.Outcome = Outcome(rec.ExitCode, err)
	if err != nil && rec.ExitCode != ExitProblems {
		rec.Error = err.Error()
		if r.Explain != nil {
			rec.Error = r.Explain(err)
		}
	}
	var p PanicError
	if errors.As(err, &p) {
		log.Error("job panicked", "job", job, "panic", fmt.Sprint(p.Value), "stack", p.Stack)
	}
	if werr := r.Record(rec); werr != nil {
		log.Error("run history not written", "err", werr)
	}
	if werr := r.Metrics(rec); werr != nil {
		log.Error("metrics file not written", "err", werr)
	}
	if rec.Outcome != runs.OK && rec.Outcome != runs.Cancelled {
		if merr := r.Notify(ctx, rec); merr != nil {
			log.Error("notice mail not sent", "err", merr)
		}
	}
	// A failure is an error, problems a warning, success and a requested stop news.
	level := slog.LevelInfo
	switch rec.Outcome {
	case runs.Failed, runs.Panicked:
		level = slog.LevelError
	case runs.Problems:
		level = slog.LevelWarn
	}
	attrs := []any{"id", rec.ID, "job", job, "outcome", rec.Outcome, "exit_code", rec.ExitCode,
		"duration_s", rec.Duration().Seconds(), "files", rec.Files, "rows", rec.Rows, "rejected", rec.Rejected}
	if rec.Error != "" {
		attrs = append(attrs, "err", err.Error()) // the detail staff do not see
	}
	log.Log(ctx, level, "run finished", attrs...)
	if r.Announce != nil {
		r.Announce(rec)
	}
	return err
}

// safely runs fn and turns a panic into an error that is recorded like any failure.
func safely(fn func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = PanicError{Value: v, Stack: string(debug.Stack())}
		}
	}()
	return fn()
}

// Stage outcomes in the run history.
const (
	StageOK        = "ok"
	StageProblems  = "problems"
	StageFailed    = "failed"
	StageSkipped   = "skipped"
	StageCancelled = "cancelled"
)

// Stage runs one stage and records its duration, outcome and note. A cancelled job
// starts no further stage.
func (j *Job) Stage(ctx context.Context, name string, fn func() (note string, err error)) error {
	st := runs.Stage{Name: name, Start: j.now()}
	var note string
	err := ctx.Err()
	if err == nil {
		note, err = fn()
	}
	st.Duration = j.now().Sub(st.Start)
	st.Note = note
	var p ProblemsError
	switch {
	case err == nil:
		st.Outcome = StageOK
	case errors.As(err, &p):
		st.Outcome = StageProblems
	case errors.Is(err, context.Canceled):
		st.Outcome = StageCancelled
	default:
		st.Outcome = StageFailed
	}
	j.Rec.Stages = append(j.Rec.Stages, st)
	return err
}

// Skip records a stage that had nothing to do.
func (j *Job) Skip(name, why string) {
	j.Rec.Stages = append(j.Rec.Stages, runs.Stage{Name: name, Start: j.now(), Outcome: StageSkipped, Note: why})
}
