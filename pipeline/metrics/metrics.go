// Package metrics writes the run's figures as a file in the Prometheus text format for
// node_exporter's textfile collector, so that monitoring can alert when the nightly run
// stops succeeding, takes too long, or rejects too much.
package metrics

import (
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"ipoint/pipeline/runs"
)

// Snapshot is what the file states after a run.
type Snapshot struct {
	Last        runs.Run             // the run that just ended
	LastSuccess time.Time            // end of the newest run of the same job that did not fail (zero: none)
	Newest      map[string]time.Time // export (and Kreis) -> newest Stichtag in the lake
}

// Write replaces the metrics file at path (temp file + rename, as the collector needs).
// Every series carries the job's label, so that the files of several jobs sit side by
// side in one collector directory without clashing.
func Write(path string, s Snapshot) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	job := prometheus.Labels{"job_name": s.Last.Job}
	gauge := func(name, help string, v float64) {
		g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help, ConstLabels: job})
		g.Set(v)
		reg.MustRegister(g)
	}
	gauge("ipoint_last_run_timestamp_seconds", "End of the last run (Unix time).", unix(s.Last.End))
	gauge("ipoint_last_success_timestamp_seconds", "End of the last run that did not fail (Unix time; 0: never).", unix(s.LastSuccess))
	gauge("ipoint_last_run_duration_seconds", "Wall time of the last run.", s.Last.Duration().Seconds())
	gauge("ipoint_last_run_exit_code", "Exit code of the last run (0 ok, 3 problems, 1 failed, 130 cancelled).", float64(s.Last.ExitCode))
	gauge("ipoint_last_run_files", "Files taken in by the last run.", float64(s.Last.Files))
	gauge("ipoint_last_run_rows", "Rows read by the last run.", float64(s.Last.Rows))
	gauge("ipoint_last_run_rows_rejected", "Rows rejected by the last run.", float64(s.Last.Rejected))
	gauge("ipoint_last_run_files_quarantined", "Files quarantined by the last run.", float64(s.Last.Quarant))
	gauge("ipoint_last_run_checks_failed", "Data checks that failed in the last run.", float64(s.Last.Checks))

	outcome := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "ipoint_last_run_outcome",
		Help: "1 for the outcome of the last run, 0 for the others.", ConstLabels: job}, []string{"outcome"})
	for _, o := range []string{runs.OK, runs.Problems, runs.Failed, runs.Cancelled, runs.Panicked} {
		v := 0.0
		if o == s.Last.Outcome {
			v = 1
		}
		outcome.WithLabelValues(o).Set(v)
	}
	reg.MustRegister(outcome)

	stage := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "ipoint_last_run_stage_duration_seconds",
		Help: "Wall time of each stage of the last run.", ConstLabels: job}, []string{"stage"})
	for _, st := range s.Last.Stages {
		stage.WithLabelValues(st.Name).Set(st.Duration.Seconds())
	}
	reg.MustRegister(stage)

	if len(s.Newest) > 0 {
		fresh := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "ipoint_export_newest_stichtag_timestamp_seconds",
			Help: "Newest Stichtag of each export in the lake (Unix time, midnight UTC).", ConstLabels: job}, []string{"export"})
		for e, t := range s.Newest {
			fresh.WithLabelValues(e).Set(unix(t))
		}
		reg.MustRegister(fresh)
	}
	return prometheus.WriteToTextfile(path, reg)
}

func unix(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixNano()) / 1e9
}

// State is what needs a person and what the installation has left, independent of any
// one run: written after every job, after an acknowledgement and by ipoint status, so
// that a night that finds nothing new does not hide five files still in quarantine.
type State struct {
	Todos                  int                  // open to-dos of ipoint status (it exits 3 when > 0)
	QuarantineOpen         int                  // quarantined files nobody acknowledged and no re-delivery replaced
	QuarantineAcknowledged int                  // quarantined files acknowledged or replaced, kept until their period ends
	UnknownFiles           int                  // inbox files that match no export
	FreeBytes              map[string]uint64    // directory name (home, inbox, lake, warehouse) -> bytes free to the account
	LastSuccess            map[string]time.Time // job -> end of its newest run that did not fail
	ChecksFailed           int                  // failed checks of the current warehouse
}

// StateFile is the state file's name in the metrics directory.
const StateFile = "ipoint_state.prom"

// WriteState replaces the state file at path.
func WriteState(path string, s State) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	gauge := func(name, help string, v float64) {
		g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
		g.Set(v)
		reg.MustRegister(g)
	}
	gauge("ipoint_open_todos", "Open to-dos of ipoint status (it exits 3 when this is not 0).", float64(s.Todos))
	gauge("ipoint_checks_failed", "Failed data checks of the current warehouse.", float64(s.ChecksFailed))
	gauge("ipoint_inbox_unknown_files", "Files in the inbox that match no export.", float64(s.UnknownFiles))
	q := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "ipoint_quarantine_files",
		Help: "Files in quarantine: open (need a person) or done (acknowledged, or replaced by a re-delivery)."}, []string{"state"})
	q.WithLabelValues("open").Set(float64(s.QuarantineOpen))
	q.WithLabelValues("done").Set(float64(s.QuarantineAcknowledged))
	reg.MustRegister(q)
	if len(s.FreeBytes) > 0 {
		free := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "ipoint_disk_free_bytes",
			Help: "Bytes free to the ipoint account on the file system of each data directory."}, []string{"dir"})
		for d, b := range s.FreeBytes {
			free.WithLabelValues(d).Set(float64(b))
		}
		reg.MustRegister(free)
	}
	if len(s.LastSuccess) > 0 {
		ok := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "ipoint_job_last_success_timestamp_seconds",
			Help: "End of each job's newest run that did not fail (Unix time), from the run history."}, []string{"job_name"})
		for j, t := range s.LastSuccess {
			ok.WithLabelValues(j).Set(unix(t))
		}
		reg.MustRegister(ok)
	}
	return prometheus.WriteToTextfile(path, reg)
}
