// Package retention deletes what ipoint may no longer keep (domain.md §5: GDPR Art. 5(1)(e),
// §84 SGB X): lake partitions and history states older than the lake period, rejected
// rows older than theirs, and the raw files in clear text (the ingest's archive and the
// quarantine) sooner. Every deletion is returned for the deletion log.
package retention

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"time"

	"ipoint/pipeline"
	"ipoint/pipeline/civil"
	"ipoint/pipeline/jsonl"
	"ipoint/pipeline/lake"
	"ipoint/pipeline/runs"
	"ipoint/pipeline/source"
)

// Options are the places and periods. A period of 0 keeps everything of its kind.
type Options struct {
	Lake                                               string
	Archive                                            string // the ingest's archive of taken-in raw files
	Quarantine                                         string
	LakeDays, RejectsDays, ArchiveDays, QuarantineDays int
	Today                                              civil.Day      // the civil day periods end on; required
	Location                                           *time.Location // the zone arrival times are read in (default Europe/Berlin)
	DryRun                                             bool           // report what would go, delete nothing
	// RunLog is the run history; entries of runs that started before RunsDays days
	// before Today go (0 keeps them all; a dry run keeps them and does not count them).
	RunLog   string
	RunsDays int
}

// Deletion is one thing deleted.
type Deletion struct {
	Kind     string `json:"kind"` // lake, history, findings, archive, quarantine
	Path     string `json:"path"`
	Stichtag string `json:"stichtag,omitempty"`
	Count    int    `json:"count,omitempty"` // history: states removed
}

// Result is what a retention run deleted.
type Result struct {
	Cutoffs   map[string]string `json:"cutoffs"` // kind -> oldest Stichtag kept
	Deletions []Deletion        `json:"deletions"`
	Undated   []string          `json:"undated,omitempty"` // raw files with no Stichtag and no arrival on record: kept
}

// LakeChanged reports whether the warehouse must be rebuilt.
func (r *Result) LakeChanged() bool {
	for _, d := range r.Deletions {
		if d.Kind == "lake" || d.Kind == "history" {
			return true
		}
	}
	return false
}

// Run applies the periods. Stichtage count, never file times: a delivery is as old as
// the day it reports on. A raw file whose name says no Stichtag (a quarantined file
// with a bad name) is as old as the day the manifest says it arrived; a raw file the
// manifest does not know is kept and listed as undated.
func Run(ctx context.Context, opt Options) (*Result, error) {
	if opt.Today.IsZero() {
		return nil, errors.New("retention: no day given")
	}
	if opt.Location == nil {
		opt.Location = civil.Berlin
	}
	cutoff := func(days int) time.Time {
		if days <= 0 {
			return time.Time{}
		}
		return opt.Today.AddDays(-days).Time()
	}
	res := &Result{Cutoffs: map[string]string{}}
	for kind, days := range map[string]int{"lake": opt.LakeDays, "findings": opt.RejectsDays,
		"archive": opt.ArchiveDays, "quarantine": opt.QuarantineDays} {
		if c := cutoff(days); !c.IsZero() {
			res.Cutoffs[kind] = c.Format("2006-01-02")
		}
	}
	l, err := lake.Open(opt.Lake)
	if err != nil {
		return nil, err
	}
	doomed, err := lakePartitions(l, cutoff(opt.LakeDays), cutoff(opt.RejectsDays), res)
	if err != nil {
		return res, err
	}
	if c := cutoff(opt.LakeDays); !c.IsZero() {
		if err := histories(l, c, res); err != nil {
			return res, err
		}
	}
	if !opt.DryRun {
		// The manifest keeps every delivery; entries whose rows go say so. It is saved
		// (with the expired histories) before any partition is removed: a run stopped
		// half-way leaves deliveries marked expired whose files are still there, and
		// the next run removes them; never files gone that the manifest still counts.
		if err := l.Checkpoint(); err != nil {
			return res, err
		}
		// The warehouse build's compaction cache holds copies of the delta rows; the
		// next build writes it anew from the partitions that stay.
		if len(doomed) > 0 {
			if err := lake.DropCompact(opt.Lake); err != nil {
				return res, err
			}
		}
		for _, dir := range doomed {
			if err := ctx.Err(); err != nil {
				return res, err
			}
			if err := os.RemoveAll(dir); err != nil {
				return res, err
			}
		}
	}
	arrived := arrivals(l.Manifest(), opt.Location)
	if err := rawFiles(ctx, opt.Archive, "archive", cutoff(opt.ArchiveDays), arrived, opt.DryRun, res); err != nil {
		return res, err
	}
	if err := rawFiles(ctx, opt.Quarantine, "quarantine", cutoff(opt.QuarantineDays), arrived, opt.DryRun, res); err != nil {
		return res, err
	}
	if opt.RunLog != "" && opt.RunsDays > 0 && !opt.DryRun {
		n, err := runs.Prune(opt.RunLog, opt.Today.AddDays(-opt.RunsDays).Start(opt.Location))
		if n > 0 {
			res.Deletions = append(res.Deletions, Deletion{Kind: "runs", Path: opt.RunLog, Count: n})
		}
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// Log appends a retention run's deletions to the deletion log at path (one JSON line:
// the time, the cutoffs and every deletion).
func Log(path string, now time.Time, res *Result) error {
	return jsonl.Append(path, struct {
		Time time.Time `json:"time"`
		*Result
	}{now, res})
}

// lakePartitions finds the partitions past their period, marks their deliveries
// expired in the manifest (in memory) and returns their directories.
func lakePartitions(l *lake.Lake, lakeCut, findCut time.Time, res *Result) (doomed []string, err error) {
	for _, e := range source.All() {
		for _, findings := range []bool{false, true} {
			cut, kind := lakeCut, "lake"
			if findings {
				cut, kind = findCut, "findings"
			}
			if cut.IsZero() {
				continue
			}
			parts, err := l.Partitions(e.Name, findings)
			if err != nil {
				return nil, err
			}
			days := sortedKeys(parts)
			if !findings && len(days) > 0 {
				// The newest delivery of an export is its current state: the warehouse
				// cannot be built without it, so it stays whatever its age.
				days = days[:len(days)-1]
			}
			for _, day := range days {
				d, err := time.Parse("2006-01-02", day)
				if err != nil || !d.Before(cut) {
					continue
				}
				doomed = append(doomed, parts[day])
				res.Deletions = append(res.Deletions, Deletion{Kind: kind, Path: parts[day], Stichtag: day})
				if !findings {
					markExpired(l, e.Name, day)
				}
			}
		}
	}
	return doomed, nil
}

func markExpired(l *lake.Lake, export, day string) {
	m := l.Manifest()
	for i := range m.Entries {
		if e := &m.Entries[i]; e.Export == export && e.Stichtag == day && e.Outcome == lake.Ingested {
			e.Expired = true
		}
	}
}

// histories expires the states of snapshot exports; a client whose case ended (the
// snapshot's abgang_ip) before the cutoff goes whole.
func histories(l *lake.Lake, cut time.Time, res *Result) error {
	day := cut.Unix() / 86400
	for _, e := range source.All() {
		if !e.Snapshot {
			continue
		}
		if _, err := os.Stat(l.HistoryPath(e.Name)); err != nil {
			continue
		}
		h, err := l.History(e.Name, e.Fields(), e.KeyColumn())
		if err != nil {
			return err
		}
		endCol := -1
		for i, f := range e.Fields() {
			if f.Name == "abgang_ip" && f.Type == pipeline.Date {
				endCol = i
			}
		}
		ended := func(rec pipeline.Record) (int64, bool) {
			if endCol < 0 || rec[endCol].Null {
				return 0, false
			}
			return rec[endCol].I, true
		}
		// (A dry run changes the history in memory only: it is never checkpointed.)
		if states, _ := h.Expire(day, ended); states > 0 {
			res.Deletions = append(res.Deletions, Deletion{Kind: "history", Path: l.HistoryPath(e.Name), Count: states,
				Stichtag: cut.Format("2006-01-02")})
		}
	}
	return nil
}

// arrival is one delivery of a name: the civil day it arrived and its content hash.
type arrival struct {
	day time.Time
	sha string
}

// arrivals lists every delivery of each name (the manifest's ingested_at, in loc).
func arrivals(m *lake.Manifest, loc *time.Location) map[string][]arrival {
	out := map[string][]arrival{}
	for _, e := range m.Entries {
		if e.IngestedAt.IsZero() {
			continue
		}
		out[e.Name] = append(out[e.Name], arrival{civil.Of(e.IngestedAt, loc).Time(), e.SHA256})
	}
	return out
}

// rawFiles deletes raw files (and a quarantined file's reason file) older than cut.
func rawFiles(ctx context.Context, dir, kind string, cut time.Time, arrived map[string][]arrival, dry bool, res *Result) error {
	if cut.IsZero() || dir == "" {
		return nil
	}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() || lake.IsReasonFile(d.Name()) {
			return nil
		}
		day, ok := stichtag(path, arrived)
		if !ok {
			res.Undated = append(res.Undated, path)
			return nil
		}
		if !day.Before(cut) {
			return nil
		}
		if !dry {
			if err := os.Remove(path); err != nil {
				return err
			}
			if err := os.Remove(lake.ReasonFile(path)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
		res.Deletions = append(res.Deletions, Deletion{Kind: kind, Path: path, Stichtag: day.Format("2006-01-02")})
		return nil
	})
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// stichtag is the day a raw file is aged from: the Stichtag its name says, else the day
// its own delivery arrived. A second delivery of a name is stored with a suffix of its
// hash and found by it; the file under the plain name is the one whose content hash the
// manifest records (hashed only when the name arrived more than once). A file no
// delivery can be matched to is aged from the name's latest arrival: kept rather than
// deleted too early.
func stichtag(path string, arrived map[string][]arrival) (time.Time, bool) {
	name := filepath.Base(path)
	if _, del, err := source.Detect(name); err == nil && del != nil && !del.Stichtag.IsZero() {
		return civil.FromTime(del.Stichtag).Time(), true
	}
	match := func(all []arrival, ok func(arrival) bool) (time.Time, bool) {
		var latest time.Time
		for _, a := range all {
			if ok(a) {
				return a.day, true
			}
			if a.day.After(latest) {
				latest = a.day
			}
		}
		return latest, len(all) > 0
	}
	if all, ok := arrived[name]; ok {
		if len(all) == 1 {
			return all[0].day, true
		}
		sum, _, err := lake.HashFile(path)
		return match(all, func(a arrival) bool { return err == nil && a.sha == sum })
	}
	if delivered, ok := lake.DeliveredName(name); ok {
		if all, ok := arrived[delivered]; ok {
			return match(all, func(a arrival) bool { return lake.SuffixedName(delivered, a.sha) == name })
		}
	}
	return time.Time{}, false
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
