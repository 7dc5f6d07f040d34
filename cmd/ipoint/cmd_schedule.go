package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"ipoint/pipeline/jobs"
	"ipoint/pipeline/runs"
	"ipoint/pipeline/schedule"
)

func init() {
	register(command{name: "schedule", summary: "Zeitplan: nächtlicher Lauf, Wochenbericht und Löschfristen als Dienst", run: runSchedule})
}

// scheduleClock is the scheduler's clock; tests replace it.
var scheduleClock schedule.Clock = schedule.SystemClock{}

func runSchedule(ctx context.Context, args []string, e env) error {
	fs := newFlags("schedule", `Läuft als Dienst und führt die Aufträge des Zeitplans aus ([schedule] der
Konfiguration, in dessen Zeitzone): den nächtlichen Lauf, den Wochenbericht (mit Versand
an mail.weekly_report) und die Löschfristen. Nie zwei Läufe zugleich: jeder Auftrag nimmt
die Sperre, die auch "ipoint run" aus dem cron des Systems nimmt. Fällt ein Zeitpunkt in
die Umstellung auf Sommer- oder Winterzeit, läuft der Auftrag genau einmal. War der Dienst
aus, wird ein verpasster nächtlicher Lauf und Wochenbericht beim Start einmal nachgeholt.
SIGTERM lässt den laufenden Schritt sauber enden und beendet dann den Dienst.`, e)
	homeDir := homeFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	h, err := resolveHome(*homeDir, e)
	if err != nil {
		return err
	}
	// One scheduler per data directory, for as long as it runs.
	own, err := jobs.Acquire(filepath.Join(h.dir, "schedule.lock"), "schedule", e.now())
	if err != nil {
		return err
	}
	defer own.Release()

	log := logger(e)
	s := &schedule.Scheduler{Location: h.cfg.Location(), Clock: scheduleClock, Jobs: scheduledJobs(h), Log: log,
		LastRun: func(job string) (time.Time, bool) {
			all, _, err := runs.Load(h.runLog())
			if err != nil {
				return time.Time{}, false
			}
			last, ok := runs.Last(all, job, nil)
			return last.Start, ok
		},
		OnEvent: func(ev schedule.Event) {
			var locked jobs.LockedError
			switch {
			case errors.As(ev.Err, &locked):
				log.Warn("job skipped: lock held", "job", ev.Job, "scheduled", ev.Scheduled)
				fmt.Fprintf(e.stderr, "ipoint schedule: %s übersprungen: %s\n", ev.Job, locked.Error())
			case ev.Panic:
				log.Error("job panicked", "job", ev.Job, "err", ev.Err)
			}
		}}
	if err := s.Validate(); err != nil {
		return configError{[]string{err.Error()}}
	}
	fmt.Fprintf(e.stdout, "Zeitplan läuft (%s, Prozess %d):\n", h.cfg.Schedule.Timezone, os.Getpid())
	for _, j := range s.Jobs {
		fmt.Fprintf(e.stdout, "  %-14s %-14s\n", j.Name, j.Spec)
	}
	if err := s.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	fmt.Fprintln(e.stdout, "Zeitplan beendet.")
	return nil // a stop by SIGTERM is the service's normal end
}

// scheduledJobs are the jobs of the config; a spec of "-" switches one off.
func scheduledJobs(h home) []schedule.Job {
	c := h.cfg.Schedule
	var list []schedule.Job
	add := func(name, spec string, catchUp bool, fn func(ctx context.Context, j *jobs.Job) error) {
		if spec == "" || spec == "-" {
			return
		}
		list = append(list, schedule.Job{Name: name, Spec: spec, CatchUp: catchUp, Run: func(ctx context.Context) error {
			return runJob(ctx, h, name, "zeitplan", fn)
		}})
	}
	add("run", c.Nightly, true, nightly(h, false))
	add("weekly_report", c.WeeklyReport, true, weeklyReport(h))
	add("retention", c.Retention, false, retentionJob(h))
	return list
}
