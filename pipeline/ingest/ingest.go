// Package ingest takes every complete file in the inbox into the lake: it detects the
// export, reads and validates each row against the export's contract, pseudonymises
// before anything is written, and records the outcome of every file in the manifest.
// Every data row ends in exactly one place: the lake, or the findings with its reason.
package ingest

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"ipoint/pipeline"
	"ipoint/pipeline/atomicfile"
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
	Workers    int     // files read in parallel (default: the number of CPUs)
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
	Unknown     []string      // file names that match no export: left in the inbox
	Ignored     int           // *.part, *.tmp, hidden files, sidecars
	Skipped     []Quarantined // left in the inbox for the next run: unreadable, or changed while read
	Empty       []string      // ingested deliveries without rows (0 bytes, or a header only)
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
func (s *Summary) Problems() bool {
	return len(s.Quarantined) > 0 || s.Rejected > 0 || len(s.Skipped) > 0
}

func (o *Options) defaults() {
	if o.Archive == "" {
		o.Archive = filepath.Join(o.Inbox, lake.ArchiveDir)
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
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
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
	stamp      stamp // the version that was read; another one stays for the next run
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
	r := &run{opt: opt, lake: l, sum: s, known: map[string]bool{}, sizes: map[string]*atomic.Int64{}}
	for _, e := range source.All() {
		if e.Snapshot {
			r.sizes[e.Name] = new(atomic.Int64)
		}
	}
	for _, e := range l.Manifest().Entries {
		r.known[e.Name+" "+e.SHA256] = true
		// A night's first snapshot of an export is about as large as the last one taken in
		// (bounded: the hint allocates up front).
		if c := r.sizes[e.Export]; c != nil && e.Outcome == lake.Ingested && e.Accepted > 0 && !e.Superseded {
			c.Store(int64(min(e.Accepted, maxSizeHint)))
		}
	}
	prog := Progress{Files: len(files)}
	for _, f := range files {
		prog.Bytes += f.size
	}
	// The client master first, completely: every other export's orphans are told
	// against it.
	split := 0
	for split < len(files) && files[split].d.Export == source.Verbis {
		split++
	}
	for _, phase := range [][]file{files[:split], files[split:]} {
		if err := r.phase(ctx, phase, &prog); err != nil {
			if ctx.Err() != nil {
				// Whatever is complete stays: make it durable, then stop.
				if cerr := r.checkpoint(); cerr != nil {
					return nil, cerr
				}
				return s, ctx.Err()
			}
			return nil, err
		}
		if err := r.checkpoint(); err != nil {
			return nil, err
		}
		r.loadClients()
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
	sum     *Summary
	moves   []move
	clients *lake.History
	known   map[string]bool // "name sha256" of every file taken in before this run
	done    int
	ack     []chan struct{} // closed as each file of the phase is committed
	// sizes holds, per snapshot export, the keys of its last snapshot read (at the
	// start, the rows accepted of the last one in the manifest): the next one's maps are
	// made that large at once instead of growing (and rehashing) from nothing, which
	// took a tenth of a snapshot's reading.
	sizes map[string]*atomic.Int64
}

// maxSizeHint bounds the size hint taken from the manifest: some 16 million keys, three
// times the client master of scale 1,000 (docs/performance.md).
const maxSizeHint = 1 << 24

// sizeHint is how many keys a snapshot of e will likely hold (0 for a delta export).
func (r *run) sizeHint(e *source.Export) int {
	if c := r.sizes[e.Name]; c != nil {
		return int(c.Load())
	}
	return 0
}

// job is one file read by a worker, waiting to be committed in order.
type job struct {
	f      file
	entry  lake.Entry
	o      *outcome
	err    error
	dup    bool
	skip   string // why the file stays in the inbox for the next run (German)
	detail string // the system's own words on it, for the log
	stamp  stamp  // the file as it was read
}

// stamp identifies the version of a file: a file replaced under the same name while a
// run reads it is not the file that was read.
type stamp struct {
	size int64
	mod  time.Time
}

func stampOf(path string) (stamp, error) {
	st, err := os.Stat(path)
	if err != nil {
		return stamp{}, err
	}
	return stamp{st.Size(), st.ModTime()}, nil
}

// phase reads files in parallel and commits them in their order.
func (r *run) phase(ctx context.Context, files []file, prog *Progress) error {
	jobs := make([]chan *job, len(files))
	for i := range jobs {
		jobs[i] = make(chan *job, 1)
	}
	r.ack = make([]chan struct{}, len(files))
	for i := range r.ack {
		r.ack[i] = make(chan struct{})
	}
	next := make(chan int)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	wg := r.spawn(next, func(i int, pz *protect.Pseudonymizer) {
		stage(ctx, files[i], "read", func() { jobs[i] <- r.prepare(files[i], pz) })
	})
	go func() {
		defer close(next)
		for i := range files {
			// Stay at most a few files ahead of the committer: bounded memory.
			if i >= 2*r.opt.Workers {
				select {
				case <-ctx.Done():
					return
				case <-r.ack[i-2*r.opt.Workers]:
				}
			}
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	defer wg.Wait()
	for i := range files {
		var j *job
		select {
		case j = <-jobs[i]:
		case <-ctx.Done():
			return ctx.Err()
		}
		prog.Current = filepath.Base(j.f.path)
		if r.opt.Progress != nil {
			r.opt.Progress(*prog)
		}
		var err error
		stage(ctx, j.f, "commit", func() { err = r.finish(j) })
		close(r.ack[i])
		if err != nil {
			cancel()
			drain(jobs[i+1:])
			return fmt.Errorf("%s: %w", filepath.Base(j.f.path), err)
		}
		prog.FilesDone++
		prog.BytesDone += j.f.size
		prog.Rows = r.sum.RowsRead
		r.done++
		if r.done%r.opt.Batch == 0 {
			stage(ctx, j.f, "checkpoint", func() { err = r.checkpoint() })
			if err != nil {
				cancel()
				drain(jobs[i+1:])
				return err
			}
		}
		if ctx.Err() != nil {
			drain(jobs[i+1:])
			return ctx.Err()
		}
	}
	return nil
}

// stage runs fn with profiler labels naming the file's export and the stage, so that a
// CPU profile of an ingest (IPOINT_CPUPROFILE, docs/performance.md) can be split by
// them; without a profile they cost a few allocations a file.
func stage(ctx context.Context, f file, name string, fn func()) {
	export := "?"
	if f.d != nil && f.d.Export != nil {
		export = f.d.Export.Name
	}
	pprof.Do(ctx, pprof.Labels("export", export, "stage", name, "export_stage", export+" "+name), func(context.Context) { fn() })
}

// spawn starts the run's workers on the indexes sent to next; each has a pseudonymizer
// of its own (they are not safe for concurrent use).
func (r *run) spawn(next <-chan int, work func(i int, pz *protect.Pseudonymizer)) *sync.WaitGroup {
	var wg sync.WaitGroup
	for w := 0; w < r.opt.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pz := protect.New(r.opt.Key)
			for i := range next {
				work(i, pz)
			}
		}()
	}
	return &wg
}

// drain discards the files read ahead, removing their temporary parts.
func drain(jobs []chan *job) {
	for _, c := range jobs {
		select {
		case j := <-c:
			if j != nil {
				j.o.abort()
			}
		default:
		}
	}
}

// loadClients loads the client master's history, against which orphans are told.
// Without any client master in the lake nobody can be told an orphan: the check is off.
func (r *run) loadClients() {
	h, err := r.lake.History(source.Verbis.Name, source.Verbis.Fields(), source.Verbis.KeyColumn())
	switch {
	case err != nil:
		r.opt.Log.Warn("client master unreadable: orphans not told", "error", err)
	case h.Len() == 0:
		r.opt.Log.Warn("no client master in the lake yet: orphans not told")
	default:
		r.clients = h
	}
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
	if now, err := stampOf(m.from); err == nil && m.stamp != (stamp{}) && now != m.stamp {
		// Replaced since it was read (a corrected delivery under the same name): it
		// stays for the next run.
		r.opt.Log.Warn("file changed since it was read: left in the inbox", "file", filepath.Base(m.from))
		return nil
	}
	to := m.to
	if _, err := os.Stat(to); err == nil {
		sum, _, _ := lake.HashFile(m.from)
		to = lake.SuffixedName(m.to, sum)
	}
	if m.reasonFile != "" {
		if err := atomicfile.WriteFile(lake.ReasonFile(to), []byte(m.reason), 0o640); err != nil {
			return err
		}
	}
	atomicfile.Moved(to)
	if err := os.Rename(m.from, to); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}
