package main

import (
	"context"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"ipoint/pipeline/lake"
	"ipoint/pipeline/metrics"
	"ipoint/pipeline/runs"
	"ipoint/pipeline/status"
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
Lauf mit Problemen geht eine Mail an mail.alerts. Erscheint der Monatsbericht eines
abgeschlossenen Monats, gehen er und der Verlaufsbericht einmal an mail.monthly_report.
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
	return runJob(ctx, h, "run", "manuell", nightly(h, *force))
}

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
	if m, err := lake.ReadManifest(h.lake()); err == nil {
		snap.Newest = status.Newest(m)
	}
	return metrics.Write(h.metricsFile(rec.Job), snap)
}

// writeStateMetrics writes the state file (metrics.State): what needs a person and
// what is left on disk, from the same rules as ipoint status.
func writeStateMetrics(ctx context.Context, h home) error {
	v, err := gatherStatus(ctx, h)
	if err != nil {
		return err
	}
	return writeState(h, v)
}

// writeState writes the state file for what gatherStatus found.
func writeState(h home, v statusView) error {
	st := metrics.State{Todos: len(v.st.Todo), QuarantineOpen: v.st.OpenQuarantine(), UnknownFiles: len(v.st.Unknown),
		FreeBytes: map[string]uint64{}, LastSuccess: map[string]time.Time{}}
	st.QuarantineAcknowledged = len(v.st.Quarantine) - st.QuarantineOpen
	for _, t := range v.st.Todo {
		if strings.HasPrefix(t, "Prüfung fehlgeschlagen: ") {
			st.ChecksFailed++
		}
	}
	for name, dir := range map[string]string{"home": h.dir, "inbox": h.inbox(), "lake": h.lake(), "warehouse": h.warehouse()} {
		var fs syscall.Statfs_t
		if syscall.Statfs(dir, &fs) == nil {
			st.FreeBytes[name] = fs.Bavail * uint64(fs.Bsize)
		}
	}
	for _, r := range v.runs {
		if (r.Outcome == runs.OK || r.Outcome == runs.Problems) && r.End.After(st.LastSuccess[r.Job]) {
			st.LastSuccess[r.Job] = r.End
		}
	}
	return metrics.WriteState(filepath.Join(h.path(h.cfg.Paths.Metrics), metrics.StateFile), st)
}
