// Package runs keeps the run history: one JSON line per run of the pipeline, appended
// when the run ends, so that `ipoint status`, the metrics file and the catch-up of a
// missed nightly run know what happened. It holds counts, never personal data.
package runs

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"time"

	"ipoint/pipeline/atomicfile"
	"ipoint/pipeline/jsonl"
)

// Outcomes of a run, one each.
const (
	OK        = "ok"        // everything done, nothing to look at
	Problems  = "problems"  // finished, but rows were rejected, files quarantined or checks failed
	Failed    = "failed"    // a stage failed
	Cancelled = "cancelled" // stopped by SIGINT or SIGTERM
	Panicked  = "panicked"  // a job panicked (ipoint schedule recovered it)
)

// Run is one run of a job: the nightly chain, the weekly report, retention, an erasure.
type Run struct {
	ID        string    `json:"id"`  // start time and process, e.g. 20261125T023000-4711
	Job       string    `json:"job"` // run, weekly_report, retention, erase, ...
	Trigger   string    `json:"trigger,omitempty"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Stages    []Stage   `json:"stages"`
	Outcome   string    `json:"outcome"`
	ExitCode  int       `json:"exit_code"`
	Error     string    `json:"error,omitempty"`
	Files     int       `json:"files"`       // files taken in
	Rows      int64     `json:"rows"`        // rows read
	Rejected  int64     `json:"rejected"`    // rows rejected
	Quarant   int       `json:"quarantined"` // files quarantined
	Checks    int       `json:"checks_failed"`
	Reports   []string  `json:"reports,omitempty"` // archive paths of new reports
	Attention []string  `json:"attention,omitempty"`
}

// Stage is one stage of a run.
type Stage struct {
	Name     string        `json:"name"` // ingest, transform, report, mail, ...
	Start    time.Time     `json:"start"`
	Duration time.Duration `json:"duration_ns"`
	Outcome  string        `json:"outcome"` // ok, problems, failed, skipped, cancelled
	Note     string        `json:"note,omitempty"`
}

// Duration is the run's wall time.
func (r Run) Duration() time.Duration { return r.End.Sub(r.Start) }

// Append adds r to the history at path (see jsonl.Append); a reader skips a torn last
// line.
func Append(path string, r Run) error { return jsonl.Append(path, r) }

// Load reads the history, oldest first. A missing file is an empty history; a line that
// does not parse (a torn write after a crash) is skipped and counted.
func Load(path string) (runs []Run, skipped int, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var r Run
		if json.Unmarshal(sc.Bytes(), &r) != nil {
			skipped++
			continue
		}
		runs = append(runs, r)
	}
	return runs, skipped, sc.Err()
}

// Last returns the newest run of job (any job if job is ""), and whether there is one.
func Last(runs []Run, job string, pred func(Run) bool) (Run, bool) {
	for i := len(runs) - 1; i >= 0; i-- {
		if (job == "" || runs[i].Job == job) && (pred == nil || pred(runs[i])) {
			return runs[i], true
		}
	}
	return Run{}, false
}

// Prune removes runs that ended before cutoff, rewriting the file atomically; it
// returns how many it removed.
func Prune(path string, cutoff time.Time) (int, error) {
	all, _, err := Load(path)
	if err != nil || len(all) == 0 {
		return 0, err
	}
	var keep bytes.Buffer
	n := 0
	for _, r := range all {
		if r.End.Before(cutoff) {
			n++
			continue
		}
		b, err := json.Marshal(r)
		if err != nil {
			return 0, err
		}
		keep.Write(append(b, '\n'))
	}
	if n == 0 {
		return 0, nil
	}
	// Written to a temporary file, synced, and renamed: a crash leaves the old history
	// or the new one, never an empty one (catch-up reads it).
	return n, atomicfile.WriteFile(path, keep.Bytes(), 0o640)
}
