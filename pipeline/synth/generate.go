package synth

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// testHookTruth, when set by a test, receives the accumulated truth.
var testHookTruth func(*truth)

// Summary reports what a generation wrote.
type Summary struct {
	Files    int
	Rows     int64
	Dirt     int
	First    time.Time
	AsOf     time.Time
	Caseload int
	Duration time.Duration
}

// Generate simulates the world and writes the exports into opt.Out and the ground
// truth to opt.Truth. The output folder must be empty or missing: files of another
// generation would mix with this one.
func Generate(ctx context.Context, opt Options) (*Summary, error) {
	start := time.Now()
	if err := opt.normalise(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(opt.Out, 0o750); err != nil {
		return nil, err
	}
	if entries, err := os.ReadDir(opt.Out); err != nil {
		return nil, err
	} else if len(entries) > 0 {
		return nil, fmt.Errorf("synth: output folder %s is not empty", opt.Out)
	}
	if err := os.MkdirAll(filepath.Dir(opt.Truth), 0o750); err != nil {
		return nil, err
	}
	w := newWorld(opt)
	t, err := newTruth(w, filepath.Dir(opt.Truth))
	if err != nil {
		return nil, err
	}
	defer t.close()
	opt.Log.Info("generating", "first", w.first.iso(), "as_of", w.asOf.iso(), "scale", opt.Scale, "seed", opt.Seed)

	days := w.days()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan int)
	results := make(chan *dayResult, opt.Workers)
	var wg sync.WaitGroup
	for i := 0; i < opt.Workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				d := days[i]
				select {
				case results <- w.runDay(d, d >= w.from):
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		defer close(jobs)
		// Never run more than a few days ahead of the collector, so that memory stays
		// bounded whatever the order in which days finish.
		for i := range days {
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	c := &collector{w: w, t: t, pending: map[day]*dayResult{}, next: days[0]}
	var firstErr error
	for r := range results {
		if firstErr != nil {
			continue
		}
		if r.err != nil {
			firstErr = r.err
			cancel()
			continue
		}
		if err := c.take(r); err != nil {
			firstErr = err
			cancel()
		}
	}
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	if firstErr != nil {
		c.abort()
		return nil, firstErr
	}
	written := len(t.files)
	if err := w.writeOfficial(t); err != nil {
		return nil, err
	}
	if err := w.writeNonData(t); err != nil {
		return nil, err
	}
	if opt.Delivered != nil {
		for _, f := range t.files[written:] {
			c.held = append(c.held, f.Name)
		}
		if err := opt.Delivered(w.asOf.time(), c.held); err != nil {
			return nil, err
		}
	}
	if err := t.write(opt.Truth); err != nil {
		return nil, err
	}
	if testHookTruth != nil {
		testHookTruth(t)
	}
	s := &Summary{Files: len(t.files), Rows: t.rows, Dirt: t.nDirt, First: w.first.time(), AsOf: w.asOf.time(),
		Caseload: t.caseload, Duration: time.Since(start)}
	opt.Log.Info("generated", "files", s.Files, "rows", s.Rows, "dirt", s.Dirt, "duration", s.Duration.Round(time.Millisecond))
	return s, nil
}

// md5File returns the MD5 sum and the size of a file.
func md5File(path string) ([md5.Size]byte, int64, error) {
	var sum [md5.Size]byte
	f, err := os.Open(path)
	if err != nil {
		return sum, 0, err
	}
	defer f.Close()
	h := md5.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return sum, 0, err
	}
	copy(sum[:], h.Sum(nil))
	return sum, n, nil
}

// copyHead writes the first n bytes of the file at from as name in dir (atomically;
// n is at most the file's size).
func copyHead(from, dir, name string, n int64) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	return copyAtomic(dir, name, io.LimitReader(src, n))
}

// collector takes day results in day order: it merges the truth and writes the monthly
// files, which span many days.
type collector struct {
	w       *world
	t       *truth
	pending map[day]*dayResult
	next    day
	consult *consultFile
	held    []string // names of files not yet handed to opt.Delivered
}

func (c *collector) take(r *dayResult) error {
	c.pending[r.d] = r
	for {
		r, ok := c.pending[c.next]
		if !ok {
			return nil
		}
		delete(c.pending, c.next)
		written := len(c.t.files)
		if err := c.process(r); err != nil {
			return err
		}
		if err := c.deliver(r.d, written); err != nil {
			return err
		}
		c.next++
	}
}

func (c *collector) process(r *dayResult) error {
	w, d := c.w, r.d
	if err := c.t.add(r); err != nil {
		return err
	}
	m := monthOf(d)
	if d < monthOf(w.first).first() { // days of the first ISO week before the first month
		return nil
	}
	if c.consult == nil {
		var err error
		if c.consult, err = w.openConsults(m); err != nil {
			return err
		}
	}
	if len(r.consults) > 0 || workday(d) {
		var office dayResult
		w.officeConsults(d, &office)
		for _, rec := range append(r.consults, office.consults...) {
			if err := c.consult.add(w, rec); err != nil {
				return err
			}
		}
	}
	if d == m.last() {
		if err := c.consult.finish(w, monthIn(m, w.consultMonths()), c.t); err != nil {
			return err
		}
		c.consult = nil
		if monthIn(m, w.populationMonths()) {
			total, err := w.writePopulation(m, r.ki, c.t)
			if err != nil {
				return err
			}
			c.t.popTotal, c.t.popMonth = total, m
		}
	}
	if d == w.asOf && c.consult != nil {
		c.consult.t.abort()
		c.consult = nil
	}
	return nil
}

// deliver hands the files completed with day d (those recorded in the truth from index
// written on) to opt.Delivered. Files completed before the first delivered day go with
// it; the last day's wait for what Generate writes after the days.
func (c *collector) deliver(d day, written int) error {
	w := c.w
	if w.opt.Delivered == nil {
		return nil
	}
	for _, f := range c.t.files[written:] {
		c.held = append(c.held, f.Name)
	}
	if d < w.from || d == w.asOf {
		return nil
	}
	files := c.held
	c.held = nil
	return w.opt.Delivered(d.time(), files)
}

func (c *collector) abort() {
	if c.consult != nil {
		c.consult.t.abort()
	}
}

// writeNonData drops what an inbox also holds: files still being written, hidden files,
// sidecars and a file that is no export.
func (w *world) writeNonData(t *truth) error {
	if !w.dirt.on {
		return nil
	}
	next := w.asOf + 1
	latest := "verbis_kunden_" + w.asOf.compact() + ".csv"
	// The newest client master is read twice, never held: at scale 1,000 it is 0.8 GB.
	sum, size, err := md5File(filepath.Join(w.opt.Out, latest))
	if err != nil {
		return err
	}
	part := "verbis_kunden_" + next.compact() + ".csv.part"
	if err := copyHead(filepath.Join(w.opt.Out, latest), w.opt.Out, part, size/3); err != nil {
		return err
	}
	t.addFile(fileInfo{Name: part, Delivered: w.asOf.iso(), Outcome: outcomeIgnore, Kinds: []string{kindPartialFile}})
	files := []struct {
		name, kind, outcome string
		data                []byte
	}{
		{"arbeitsaufnahmen_" + next.compact() + ".csv.tmp", kindPartialFile, outcomeIgnore, []byte("\uFEFFAufnahme_ID;Kundennummer;Art")},
		{".~lock.massnahmen_" + w.asOf.compact() + ".xlsx#", kindHiddenFile, outcomeIgnore, []byte(",sachbearbeitung,PC-IP-07,24.11.2026 08:12,file:///C:/Users/sb/AppData/Roaming/LibreOffice/4;")},
		{latest + ".md5", kindSidecar, outcomeIgnore, []byte(hex.EncodeToString(sum[:]) + "  " + latest + "\n")},
		{"Liesmich_Export.txt", kindUnknownName, outcomeUnknown, []byte("Hinweise zur Lieferung: bitte Rückfragen an die Fachadministration.\r\n")},
		{"massnahmen_" + w.asOf.iso() + ".xlsx", kindUnknownName, outcomeUnknown, []byte("PK\x03\x04")},
	}
	for _, f := range files {
		if err := writeAtomic(w.opt.Out, f.name, f.data); err != nil {
			return err
		}
		t.addFile(fileInfo{Name: f.name, Delivered: w.asOf.iso(), Outcome: f.outcome, Kinds: []string{f.kind}})
	}
	return nil
}
