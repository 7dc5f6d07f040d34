package jobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"ipoint/pipeline/runs"
)

// IngestResult is what the ingest stage reports to the job.
type IngestResult struct {
	Files       int   // files taken in
	Rows        int64 // rows read
	Rejected    int64
	Quarantined int
	Attention   []string // quarantined and unknown files, for the notice
	Problems    string   // what needs a person ("" if nothing)
	Note        string   // what the stage's note adds when nothing needs a person (rejected rows within the tolerance)
}

// TransformResult is what a warehouse build reports: its failed checks, one line each,
// and the exports it built as empty because the lake holds no delivery of them yet
// (the first nights of an installation), each as "name (Titel)".
type TransformResult struct {
	Failed  []string
	Missing []string
}

// Report is one rendered report, or one the data's Stand chose but left out.
type Report struct {
	Path    string // "" for a report left out
	Period  string
	Weekly  bool
	Kind    string   // wochenbericht, monatsbericht, verlaufsbericht (the archive's file names)
	Summary []string // key figures and sentences for a mail's body
	// Left says why the report was left out: its period is not covered by the
	// deliveries (the first days of an installation).
	Left string
}

// Steps is the work a job's stages do, wired by the command line. A job uses the
// steps it needs; the others may be nil.
type Steps struct {
	Out io.Writer // staff-facing lines (German)

	Ingest func(ctx context.Context) (*IngestResult, error)
	// Stale says why the warehouse is not current for the lake and today ("" if it is).
	Stale     func(ctx context.Context) string
	LastRun   func(job string) (runs.Run, bool) // the last recorded run of a job
	Transform func(ctx context.Context) (*TransformResult, error)
	// Reports renders the reports the job publishes (the nightly run: the current ones;
	// the weekly job: the last complete week's).
	Reports func(ctx context.Context) ([]Report, error)
	// Mail sends the Wochenbericht; MailConfigured says whether a list is configured.
	Mail           func(ctx context.Context, r Report) (note string, err error)
	MailConfigured bool
	// MonthDue says whether the nightly run's reports hold a closed month's reports
	// (the Monatsbericht and the Verlaufsbericht) that have not been mailed yet;
	// MonthMail mails them to their list and records it, so that they go out once.
	// Both nil: no list configured.
	MonthDue  func(reports []Report) bool
	MonthMail func(ctx context.Context, reports []Report) (note string, err error)
	// Retention deletes what is past its period and says whether the lake changed.
	Retention func(ctx context.Context) (deletions int, lakeChanged bool, err error)
	// Erase removes one person; WarehouseExists says whether there is a warehouse to rebuild.
	Erase           func(ctx context.Context) (*EraseResult, error)
	WarehouseExists func() bool
}

func (s *Steps) printf(format string, a ...any) {
	if s.Out != nil {
		fmt.Fprintf(s.Out, format, a...)
	}
}

// RebuildReason is the nightly run's rule for rebuilding the warehouse: asked for, new
// files, a warehouse that is not current (another state of the lake, another day, none),
// or a last nightly run that did not finish. "" means the warehouse and the reports are
// current and the run does nothing more.
func RebuildReason(ctx context.Context, s *Steps, force bool, in *IngestResult) string {
	switch {
	case force:
		return "--force"
	case in != nil && in.Files > 0:
		return fmt.Sprintf("%d neue Dateien", in.Files)
	}
	if why := s.Stale(ctx); why != "" {
		return why
	}
	if last, ok := s.LastRun("run"); ok && last.Outcome != runs.OK && last.Outcome != runs.Problems {
		return "der letzte Lauf ist nicht durchgelaufen"
	}
	return ""
}

// Nightly is the nightly chain: ingest, then (if anything is new) the warehouse with
// its checks and the reports. Problems of a stage do not stop the chain; a failure does.
func Nightly(ctx context.Context, j *Job, s *Steps, force bool) error {
	var problems []string
	var in *IngestResult
	err := j.Stage(ctx, "ingest", func() (string, error) {
		var err error
		in, err = s.Ingest(ctx)
		if in == nil {
			return "", err
		}
		j.Rec.Files, j.Rec.Rows, j.Rec.Rejected, j.Rec.Quarant = in.Files, in.Rows, in.Rejected, in.Quarantined
		j.Rec.Attention = append(j.Rec.Attention, in.Attention...)
		if err == nil && in.Problems != "" {
			problems = append(problems, in.Problems)
			return in.Problems, nil
		}
		note := fmt.Sprintf("%d Dateien", in.Files)
		if in.Note != "" {
			note += "; " + in.Note
		}
		return note, err
	})
	if err != nil {
		return err
	}
	why := RebuildReason(ctx, s, force, in)
	if why == "" {
		j.Skip("transform", "nichts Neues")
		j.Skip("report", "nichts Neues")
		s.printf("Nichts Neues: Auswertungsdatenbank und Berichte sind aktuell.\n")
		return Problems(problems)
	}
	s.printf("Auswertungsdatenbank wird neu aufgebaut: %s.\n", why)
	if err := transformStage(ctx, j, s, why, &problems); err != nil {
		return err
	}
	var done []Report
	err = j.Stage(ctx, "report", func() (string, error) {
		var err error
		done, err = s.Reports(ctx)
		for _, r := range done {
			if r.Path != "" {
				j.Rec.Reports = append(j.Rec.Reports, r.Path)
			}
		}
		return fmt.Sprintf("%d Berichte", len(j.Rec.Reports)), err
	})
	if err != nil {
		return err
	}
	if err := monthMailStage(ctx, j, s, done, &problems); err != nil {
		return err
	}
	return Problems(problems)
}

// monthMailStage mails a month's reports when the month has closed, once. A mail that
// could not be sent is a problem, not a failure: the reports are published, the
// warehouse is built, and the next night tries again (the month is recorded only once
// it went out).
func monthMailStage(ctx context.Context, j *Job, s *Steps, done []Report, problems *[]string) error {
	if s.MonthDue == nil || s.MonthMail == nil {
		return nil
	}
	var month []Report
	for _, r := range done {
		if !r.Weekly && r.Path != "" {
			month = append(month, r)
		}
	}
	if len(month) == 0 || !s.MonthDue(month) {
		return nil
	}
	err := j.Stage(ctx, "mail", func() (string, error) {
		note, err := s.MonthMail(ctx, month)
		var p ProblemsError
		if errors.As(err, &p) {
			*problems = append(*problems, p.Msg)
			return p.Msg, err
		}
		return note, err
	})
	var p ProblemsError
	if errors.As(err, &p) {
		return nil
	}
	return err
}

// transformStage rebuilds the warehouse; failed checks are problems, noted with note.
func transformStage(ctx context.Context, j *Job, s *Steps, note string, problems *[]string) error {
	return j.Stage(ctx, "transform", func() (string, error) {
		res, err := s.Transform(ctx)
		if err != nil {
			return "", err
		}
		j.Rec.Checks = len(res.Failed)
		// An export never delivered is a to-do of its own, named, not only a row of the
		// freshness check: the agency has to be asked for it.
		for _, m := range res.Missing {
			j.Rec.Attention = append(j.Rec.Attention, "noch keine Lieferung: "+m)
		}
		for _, f := range res.Failed {
			j.Rec.Attention = append(j.Rec.Attention, "Prüfung fehlgeschlagen: "+f)
		}
		var p []string
		if len(res.Missing) > 0 {
			p = append(p, "noch keine Lieferung von "+strings.Join(res.Missing, ", "))
		}
		if len(res.Failed) > 0 {
			p = append(p, fmt.Sprintf("%d Prüfungen fehlgeschlagen", len(res.Failed)))
		}
		if len(p) > 0 {
			if problems != nil {
				*problems = append(*problems, p...)
			}
			return strings.Join(p, "; "), nil
		}
		return note, nil
	})
}

// Weekly renders the Wochenbericht of the last complete week and mails it to the
// list. A Wochenbericht already archived unchanged is mailed again: the job's purpose
// is that the list has it on Monday morning.
//
// In the first days of an installation the last complete week is not covered by the
// deliveries: the report is left out with its reason, nothing is mailed, and the job
// succeeds (time, not a person, mends it).
func Weekly(ctx context.Context, j *Job, s *Steps) error {
	var weekly *Report
	left := ""
	err := j.Stage(ctx, "report", func() (string, error) {
		done, err := s.Reports(ctx)
		for i, r := range done {
			switch {
			case r.Path != "":
				j.Rec.Reports = append(j.Rec.Reports, r.Path)
				if r.Weekly {
					weekly = &done[i]
				}
			case r.Weekly:
				left = r.Left
			}
		}
		if weekly == nil {
			return left, err
		}
		return weekly.Period, err
	})
	if err != nil {
		return err
	}
	if weekly == nil && left != "" {
		j.Skip("mail", "kein Wochenbericht zu versenden")
		s.printf("Kein Wochenbericht zu versenden (Wochenbericht %s).\n", left)
		return nil
	}
	if weekly == nil {
		return errors.New("kein Wochenbericht erstellt: nichts zu versenden")
	}
	if !s.MailConfigured {
		j.Skip("mail", "kein Verteiler konfiguriert")
		return nil
	}
	return j.Stage(ctx, "mail", func() (string, error) { return s.Mail(ctx, *weekly) })
}

// Retention deletes what is past its period, then rebuilds the warehouse if the lake
// changed.
func Retention(ctx context.Context, j *Job, s *Steps) error {
	var changed bool
	err := j.Stage(ctx, "retention", func() (string, error) {
		n, lakeChanged, err := s.Retention(ctx)
		changed = lakeChanged
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%d Löschungen", n), nil
	})
	if err != nil {
		return err
	}
	if !changed {
		j.Skip("transform", "Datensee unverändert")
		return nil
	}
	return transformStage(ctx, j, s, "nach Löschung", nil)
}

// EraseResult is what an erasure reports to the job.
type EraseResult struct {
	Rows, Files int
	Unresolved  []string // files that still hold the person and need a decision
	Review      int      // rows that may be the person's (a damaged number)
	Incomplete  bool
}

// Erase removes one person, then rebuilds the warehouse without them.
func Erase(ctx context.Context, j *Job, s *Steps) error {
	var res *EraseResult
	err := j.Stage(ctx, "erase", func() (string, error) {
		var err error
		res, err = s.Erase(ctx)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%d Zeilen in %d Dateien", res.Rows, res.Files), nil
	})
	if err != nil {
		return err
	}
	for _, u := range res.Unresolved {
		j.Rec.Attention = append(j.Rec.Attention, "Löschung unvollständig: "+u)
	}
	if res.Review > 0 {
		j.Rec.Attention = append(j.Rec.Attention, fmt.Sprintf("Löschung: %d Zeilen zu prüfen", res.Review))
	}
	if !s.WarehouseExists() {
		j.Skip("transform", "keine Auswertungsdatenbank")
	} else {
		err = j.Stage(ctx, "transform", func() (string, error) {
			r, err := s.Transform(ctx)
			if err != nil {
				return "", fmt.Errorf("Auswertungsdatenbank nach der Löschung nicht neu aufgebaut (die alte enthält die Person noch; ipoint transform wiederholen): %w", err)
			}
			s.printf("Auswertungsdatenbank ohne die Person neu aufgebaut.\n")
			return fmt.Sprintf("%d Prüfungen fehlgeschlagen", len(r.Failed)), nil
		})
	}
	if err == nil && (res.Incomplete || res.Review > 0) {
		return ProblemsError{fmt.Sprintf("Löschung: %d Dateien von Hand prüfen, %d Zeilen prüfen", len(res.Unresolved), res.Review)}
	}
	return err
}
