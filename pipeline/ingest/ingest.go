// Package ingest takes every complete file in the inbox into the lake: it detects the
// export, reads and validates each row against the export's contract, pseudonymises
// before anything is written, and records the outcome of every file in the manifest.
// Every data row ends in exactly one place: the lake, or the findings with its reason.
package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"time"

	"ipoint/pipeline"
	"ipoint/pipeline/lake"
	"ipoint/pipeline/protect"
	"ipoint/pipeline/source"
)

// Options configure one ingest.
type Options struct {
	Inbox      string
	Archive    string // where ingested files go (default Inbox/archive)
	Quarantine string
	Lake       string
	Key        protect.Key
	Share      float64 // quarantine above this share of rejected rows (default 0.05)
	MinRejects int     // ... with at least this many rejected rows (default 5)
	Batch      int     // files between checkpoints (default 64)
	Now        func() time.Time
	Log        *slog.Logger
	Progress   func(Progress)
}

// Progress reports how far an ingest has come.
type Progress struct {
	Files, FilesDone int
	Bytes, BytesDone int64
	Rows             int64
	Current          string
}

// Summary reports what an ingest did.
type Summary struct {
	Ingested    int
	Quarantined []Quarantined
	Duplicates  int
	Unknown     []string // file names that match no export: left in the inbox
	Ignored     int      // *.part, *.tmp, hidden files, sidecars
	RowsRead    int64
	Accepted    int64
	Rejected    int64
	Flagged     int64
	Orphans     int64
	ByKind      map[string]int64 // findings by kind
	ExtraCols   map[string][]string
	Bytes       int64
	Duration    time.Duration
}

// Quarantined is a file put aside whole.
type Quarantined struct {
	Name, Kind, Reason string
}

// Problems reports whether the run finished with something for staff to look at.
func (s *Summary) Problems() bool { return len(s.Quarantined) > 0 || s.Rejected > 0 }

func (o *Options) defaults() {
	if o.Archive == "" {
		o.Archive = filepath.Join(o.Inbox, "archive")
	}
	if o.Share == 0 {
		o.Share = pipeline.QuarantineShare
	}
	if o.MinRejects == 0 {
		o.MinRejects = pipeline.QuarantineMinRejects
	}
	if o.Batch <= 0 {
		o.Batch = 64
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
}

// file is one delivered file in the inbox.
type file struct {
	path string
	size int64
	d    *source.Delivery
	bad  error // BadName: why
}

// move is a file to take out of the inbox once its entry is durable.
type move struct {
	from, to   string
	reasonFile string
	reason     string
}

// Run ingests the inbox once.
func Run(ctx context.Context, opt Options) (*Summary, error) {
	opt.defaults()
	start := time.Now()
	s := &Summary{ByKind: map[string]int64{}, ExtraCols: map[string][]string{}}
	l, err := lake.Open(opt.Lake)
	if err != nil {
		return nil, err
	}
	files, err := scan(opt.Inbox, s)
	if err != nil {
		return nil, err
	}
	pz := protect.New(opt.Key)
	r := &run{opt: opt, lake: l, pz: pz, sum: s}
	prog := Progress{Files: len(files)}
	for _, f := range files {
		prog.Bytes += f.size
	}
	for i, f := range files {
		if err := ctx.Err(); err != nil {
			// Whatever is complete stays: make it durable, then stop.
			if cerr := r.checkpoint(); cerr != nil {
				return nil, cerr
			}
			return s, err
		}
		prog.Current = filepath.Base(f.path)
		if opt.Progress != nil {
			opt.Progress(prog)
		}
		if err := r.file(f); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Base(f.path), err)
		}
		prog.FilesDone++
		prog.BytesDone += f.size
		prog.Rows = s.RowsRead
		if (i+1)%opt.Batch == 0 {
			if err := r.checkpoint(); err != nil {
				return nil, err
			}
		}
	}
	if err := r.checkpoint(); err != nil {
		return nil, err
	}
	if opt.Progress != nil {
		prog.Current = ""
		opt.Progress(prog)
	}
	s.Duration = time.Since(start)
	opt.Log.Info("ingest done", "ingested", s.Ingested, "quarantined", len(s.Quarantined), "duplicates", s.Duplicates,
		"unknown", len(s.Unknown), "rows", s.RowsRead, "rejected", s.Rejected, "duration", s.Duration.Round(time.Millisecond))
	return s, nil
}

// scan lists the inbox: data files in ingest order (client master first, then by
// Stichtag), and counts what is not data.
func scan(inbox string, s *Summary) ([]file, error) {
	entries, err := os.ReadDir(inbox)
	if err != nil {
		return nil, err
	}
	var files []file
	for _, e := range entries {
		if e.IsDir() || !e.Type().IsRegular() {
			continue
		}
		class, d, err := source.Detect(e.Name())
		switch class {
		case source.Ignored:
			s.Ignored++
			continue
		case source.Unknown:
			s.Unknown = append(s.Unknown, e.Name())
			continue
		}
		info, ierr := e.Info()
		if ierr != nil {
			return nil, ierr
		}
		files = append(files, file{path: filepath.Join(inbox, e.Name()), size: info.Size(), d: d, bad: err})
	}
	sort.Slice(files, func(i, j int) bool {
		a, b := files[i].d, files[j].d
		if a.Export.Order != b.Export.Order {
			return a.Export.Order < b.Export.Order
		}
		if !a.Stichtag.Equal(b.Stichtag) {
			return a.Stichtag.Before(b.Stichtag)
		}
		return a.Name < b.Name
	})
	return files, nil
}

// run is the state of one ingest.
type run struct {
	opt     Options
	lake    *lake.Lake
	pz      *protect.Pseudonymizer
	sum     *Summary
	moves   []move
	clients *lake.History
}

func (r *run) checkpoint() error {
	if err := r.lake.Checkpoint(); err != nil {
		return err
	}
	for _, m := range r.moves {
		if err := r.apply(m); err != nil {
			return err
		}
	}
	r.moves = r.moves[:0]
	return nil
}

// apply moves a file out of the inbox; a name already taken gets the content's hash.
func (r *run) apply(m move) error {
	if err := os.MkdirAll(filepath.Dir(m.to), 0o750); err != nil {
		return err
	}
	to := m.to
	if _, err := os.Stat(to); err == nil {
		to = m.to + "." + shortHash(m.from)
	}
	if m.reasonFile != "" {
		if err := os.WriteFile(to+".grund.txt", []byte(m.reason), 0o640); err != nil {
			return err
		}
	}
	if err := os.Rename(m.from, to); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}

func shortHash(path string) string {
	sum, _, err := hashFile(path)
	if err != nil || len(sum) < 12 {
		return "x"
	}
	return sum[:12]
}

func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
