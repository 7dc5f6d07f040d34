package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"ipoint/pipeline"
	"ipoint/pipeline/erase"
	"ipoint/pipeline/jobs"
	"ipoint/pipeline/lake"
	"ipoint/pipeline/protect"
	"ipoint/pipeline/runs"
	"ipoint/pipeline/source"
	"ipoint/pipeline/warehouse"
	"ipoint/reports/german"
)

// The jobs and their rules live in pipeline/jobs; this file wires them to the data
// directory: the lock, the run history, the metrics file, the notice, and each stage's
// real work with what it prints for staff.

// runner is the job runner of the data directory h.
func runner(h home) *jobs.Runner {
	return &jobs.Runner{
		Now: h.e.now,
		Lock: func(job string, now time.Time) (func(), error) {
			l, err := jobs.Acquire(h.lockFile(), job, now.In(h.cfg.Location())) // the holder's time as status shows it
			if err != nil {
				return nil, err
			}
			return l.Release, nil
		},
		Record: func(r runs.Run) error { return runs.Append(h.runLog(), r) },
		Metrics: func(r runs.Run) error {
			err := writeMetrics(h, r)
			if serr := writeStateMetrics(context.Background(), h); serr != nil && err == nil {
				err = serr
			}
			return err
		},
		Notify: func(ctx context.Context, r runs.Run) error {
			err := notifyProblems(ctx, h, r)
			if err != nil {
				msg := err.Error()
				if mf := (mailFailure{}); errors.As(err, &mf) {
					msg = mf.staff // the cause goes to the log
				}
				fmt.Fprintf(h.e.stderr, "ipoint: Hinweis-Mail nicht versandt: %s\n", msg)
			}
			return err
		},
		Log:      logger(h.e),
		Announce: func(r runs.Run) { announce(h, r) },
		Explain:  staffMessage,
	}
}

// announce prints a job's first and last line for staff, with the time and the run's
// id, so that a log file of many nights tells which lines belong to which run.
func announce(h home, r runs.Run) {
	loc := h.cfg.Location()
	if r.End.IsZero() {
		fmt.Fprintf(h.e.stdout, "%s Lauf %s (%s) beginnt.\n", r.Start.In(loc).Format("02.01.2006 15:04:05"), r.ID, jobName(r.Job))
		return
	}
	fmt.Fprintf(h.e.stdout, "%s Lauf %s (%s) beendet: %s, %s s.\n", r.End.In(loc).Format("02.01.2006 15:04:05"), r.ID, jobName(r.Job),
		outcomeGerman(r.Outcome), german.Decimal(r.Duration().Seconds(), 1))
}

// runJob runs one job under the lock and records it (pipeline/jobs.Runner).
func runJob(ctx context.Context, h home, job, trigger string, fn func(ctx context.Context, j *jobs.Job) error) error {
	return runner(h).Run(ctx, job, trigger, fn)
}

// withLock runs fn under the data directory's lock, unrecorded (ingest, transform and
// report called by hand).
func withLock(h home, what string, fn func() error) error {
	l, err := jobs.Acquire(h.lockFile(), what, h.e.now().In(h.cfg.Location()))
	if err != nil {
		return err
	}
	defer l.Release()
	return fn()
}

// steps wires the stages' work for h.
func steps(h home) *jobs.Steps {
	out := h.e.stdout
	return &jobs.Steps{
		Out: out,
		Ingest: func(ctx context.Context) (*jobs.IngestResult, error) {
			s, err := ingestStage(ctx, h, pipeline.QuarantineShare, pipeline.QuarantineMinRejects)
			if s == nil {
				return nil, err
			}
			printIngestSummary(out, s)
			r := &jobs.IngestResult{Files: s.Ingested, Rows: s.RowsRead, Rejected: s.Rejected, Quarantined: len(s.Quarantined)}
			for _, q := range s.Quarantined {
				r.Attention = append(r.Attention, fmt.Sprintf("Quarantäne: %s – %s", q.Name, q.Reason))
			}
			for _, u := range s.Unknown {
				r.Attention = append(r.Attention, "unbekannte Datei im Posteingang: "+u)
			}
			r.Problems, r.Note = ingestVerdict(s, h.cfg.Ingest.RejectTolerance)
			if r.Note != "" {
				fmt.Fprintln(out, r.Note+".")
			}
			return r, err
		},
		Stale: func(ctx context.Context) string { return staleReason(ctx, h) },
		LastRun: func(job string) (runs.Run, bool) {
			all, _, _ := runs.Load(h.runLog())
			return runs.Last(all, job, nil)
		},
		Transform: func(ctx context.Context) (*jobs.TransformResult, error) {
			hb := startHeartbeat(h.e, "Aufbau der Auswertungsdatenbank")
			res, err := rebuild(ctx, h)
			hb.stop()
			if errors.Is(err, warehouse.ErrNoClientMaster) {
				// A new installation: nothing to build until the client master arrives.
				return nil, jobs.ProblemsError{Msg: err.Error() + " (sobald er geliefert ist, baut der nächste Lauf sie auf)"}
			}
			if err != nil {
				return nil, err
			}
			printTransform(out, h, res)
			r := &jobs.TransformResult{}
			for _, name := range res.Missing {
				r.Missing = append(r.Missing, fmt.Sprintf("%s (%s)", name, source.ByName(name).Title))
			}
			for _, c := range res.Failed() {
				r.Failed = append(r.Failed, fmt.Sprintf("%s – %s (%d Zeilen)", c.Name, c.Description, c.Rows))
			}
			return r, nil
		},
		MailConfigured: h.cfg.Mail.Enabled() && len(h.cfg.Mail.WeeklyReport) > 0,
		Mail:           func(ctx context.Context, r jobs.Report) (string, error) { return mailWeekly(ctx, h, r) },
		MonthDue:       monthDue(h),
		MonthMail:      monthMail(h),
		Retention: func(ctx context.Context) (int, bool, error) {
			hb := startHeartbeat(h.e, "Löschfristen")
			res, err := retentionStage(ctx, h, false)
			hb.stop()
			if res == nil {
				return 0, false, err
			}
			printRetention(h, res, false)
			if lerr := logRetention(h, res); lerr != nil && err == nil {
				err = lerr
			}
			return len(res.Deletions), res.LakeChanged(), err
		},
		WarehouseExists: func() bool { _, err := os.Stat(h.warehouseFile()); return err == nil },
	}
}

// monthDue and monthMail wire the monthly mail when mail.monthly_report is set (nil
// otherwise: the nightly run mails no month).
func monthDue(h home) func([]jobs.Report) bool {
	if !h.cfg.Mail.Enabled() || len(h.cfg.Mail.MonthlyReport) == 0 {
		return nil
	}
	return func(reps []jobs.Report) bool { return monthMailDue(h, reps) }
}

func monthMail(h home) func(context.Context, []jobs.Report) (string, error) {
	if !h.cfg.Mail.Enabled() || len(h.cfg.Mail.MonthlyReport) == 0 {
		return nil
	}
	return func(ctx context.Context, reps []jobs.Report) (string, error) { return mailMonthly(ctx, h, reps) }
}

// reportSteps wires the report stage for the reports sel selects (see reportJobs).
func reportSteps(h home, sel selection) func(ctx context.Context) ([]jobs.Report, error) {
	return func(ctx context.Context) ([]jobs.Report, error) {
		var done []storedReport
		var err error
		if _, serr := os.Stat(h.warehouseFile()); errors.Is(serr, fs.ErrNotExist) && sel.lastWeek && !clientMasterDelivered(h) {
			// The weekly job before the first client master: nothing to report yet.
			done = []storedReport{{Title: "Wochenbericht", Weekly: true,
				Outcome: "nicht erstellt: noch keine Auswertungsdatenbank, der Kundenbestand ist noch nie geliefert worden"}}
		} else {
			hb := startHeartbeat(h.e, "Berichte")
			done, err = reportStage(ctx, h, sel, int64(h.cfg.Reports.K))
			hb.stop()
		}
		var out []jobs.Report
		for _, r := range done {
			printPublished(h.e.stdout, r)
			left := ""
			if r.Path == "" {
				left = r.Outcome
			}
			out = append(out, jobs.Report{Path: r.Path, Period: r.Period, Weekly: r.Weekly, Kind: r.Kind, Summary: r.Summary, Left: left})
		}
		return out, err
	}
}

// clientMasterDelivered says whether the lake holds a delivery of the client master,
// without which there is no warehouse (an installation's first nights).
func clientMasterDelivered(h home) bool {
	m, err := lake.ReadManifest(h.lake())
	if err != nil {
		return true // unreadable: not a new installation, let the report stage say what is wrong
	}
	for _, e := range m.Entries {
		if x := source.ByName(e.Export); x != nil && x.ClientMaster() && e.Outcome == lake.Ingested {
			return true
		}
	}
	return false
}

// nightly is the nightly run's job.
func nightly(h home, force bool) func(ctx context.Context, j *jobs.Job) error {
	return func(ctx context.Context, j *jobs.Job) error {
		s := steps(h)
		s.Reports = reportSteps(h, selection{})
		return jobs.Nightly(ctx, j, s, force)
	}
}

// weeklyReport is the weekly report job: the last complete week's Wochenbericht, mailed.
func weeklyReport(h home) func(ctx context.Context, j *jobs.Job) error {
	return func(ctx context.Context, j *jobs.Job) error {
		s := steps(h)
		s.Reports = reportSteps(h, selection{lastWeek: true})
		return jobs.Weekly(ctx, j, s)
	}
}

// retentionJob applies the retention periods.
func retentionJob(h home) func(ctx context.Context, j *jobs.Job) error {
	return func(ctx context.Context, j *jobs.Job) error { return jobs.Retention(ctx, j, steps(h)) }
}

// eraseJob removes the person with the Kundennummer kdnr; ref is the request's reference.
func eraseJob(h home, key protect.Key, kdnr, ref string) func(ctx context.Context, j *jobs.Job) error {
	return func(ctx context.Context, j *jobs.Job) error {
		s := steps(h)
		s.Erase = func(ctx context.Context) (*jobs.EraseResult, error) {
			res, err := erase.Run(ctx, erase.Options{Inbox: h.inbox(), Archive: h.archive(), Quarantine: h.quarantine(),
				Lake: h.lake(), Key: key, Now: h.e.now, Log: logger(h.e)}, kdnr)
			if res != nil {
				if aerr := auditErase(h, res, ref); aerr != nil && err == nil {
					err = aerr
				}
			}
			incomplete := errors.Is(err, erase.ErrIncomplete)
			if incomplete {
				err = nil
			}
			if err != nil {
				return nil, err
			}
			printErase(h, res)
			r := &jobs.EraseResult{Rows: res.Rows, Files: len(res.Files), Review: len(res.Review), Incomplete: incomplete}
			for _, u := range res.Unresolved {
				r.Unresolved = append(r.Unresolved, u.Path)
			}
			return r, nil
		}
		return jobs.Erase(ctx, j, s)
	}
}

// staleReason says why the warehouse is not current for the lake and today ("" if it
// is): it asks the warehouse what it was built from, never a file's time.
func staleReason(ctx context.Context, h home) string {
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
	return ""
}
