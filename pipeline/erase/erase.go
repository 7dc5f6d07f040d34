// Package erase removes one person from everything ipoint holds (GDPR Art. 17, §84
// SGB X): their rows in the lake (deltas, snapshot histories, findings), in the raw
// files ipoint keeps in clear text (archive, quarantine, inbox), and the manifest's
// count of what is left of each delivery. Every file is rewritten under a temporary name
// and renamed; a journal in the lake makes a run after a crash finish the same job, and
// a run after a complete one finds nothing and changes nothing. Logs hold counts, paths
// and the person's token, never the Kundennummer or another value. docs/erase.md says
// what counts as the person's trace.
package erase

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"ipoint/pipeline/jsonl"
	"ipoint/pipeline/lake"
	"ipoint/pipeline/protect"
	"ipoint/pipeline/source"
)

// Kinds of files an erasure changes.
const (
	KindLake       = "lake"       // a delta export's delivery in the lake
	KindHistory    = "history"    // a snapshot export's history
	KindFindings   = "findings"   // a delivery's rejected and flagged rows
	KindArchive    = "archive"    // a delivered file after ingest
	KindQuarantine = "quarantine" // a file put aside whole
	KindInbox      = "inbox"      // a file waiting for the next ingest
)

// Options configure an erasure; the directories are ingest's.
type Options struct {
	Inbox      string
	Archive    string // default Inbox/archive
	Quarantine string
	Lake       string
	Key        protect.Key
	Now        func() time.Time
	Log        *slog.Logger
}

// Result reports what an erasure did.
type Result struct {
	Token string       // the person's Kunde token (for the audit record)
	Files []FileResult // every file changed
	Rows  int          // rows removed, over all files

	// Review lists rows that may be the person's and that nothing tells apart: a
	// malformed Kundennummer one character from theirs, in a row with no other tie to
	// them. They stay; staff look.
	Review []Position
	// Unresolved lists files that still hold the person's Kundennummer or AZR number in
	// clear text and that the erasure did not rewrite: a file an agency is still
	// writing, a file that is no delivery, a file that cannot be read in its format,
	// another person's row that mentions them. Run returns ErrIncomplete with them.
	Unresolved []Unresolved
}

// FileResult is a file an erasure rewrote.
type FileResult struct {
	Path string `json:"path"`
	Kind string `json:"kind"` // KindLake, KindHistory, KindFindings, KindArchive, KindQuarantine, KindInbox
	Rows int    `json:"rows"` // rows removed
}

// Position is a row of a raw file (see read.Row.Line).
type Position struct {
	Path string `json:"path"`
	Line int    `json:"line"`
}

// Unresolved is a file that still holds the person, and why the erasure left it.
type Unresolved struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// ErrIncomplete means the erasure did all it could, but Result.Unresolved lists files
// that still hold the person: they need a person's decision.
var ErrIncomplete = errors.New("erasure incomplete: files still hold the person")

// ErrInvalidNumber is an argument that is not a Kundennummer; staff read it.
var ErrInvalidNumber = errors.New("ungültige Kundennummer: erwartet werden 3 Ziffern, ein Großbuchstabe und 6 Ziffern, z. B. 975D004711")

func (o *Options) defaults() {
	if o.Archive == "" {
		o.Archive = filepath.Join(o.Inbox, lake.ArchiveDir)
	}
	for _, p := range []*string{&o.Inbox, &o.Archive, &o.Quarantine, &o.Lake} {
		*p = filepath.Clean(*p)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
}

// run is the state of one erasure.
type run struct {
	opt     Options
	p       *person
	res     *Result
	current map[string]*lake.Entry // the delivery in force, by file name

	azrOwners, idOwners, bgOwners owners
	candAZR, candIDs, candBGs     set               // in the person's rows; theirs if theirs alone
	clear                         map[string]string // a candidate (token, or export and id) -> as delivered
	linked                        [][]byte          // the linked identifiers as delivered: files to read

	lines     lines // of the person's rows, by delivered file (the delivery in force)
	snapLines lines // the same, of snapshot deliveries
	rejected  lines // of snapLines: rejected at ingest, never in the lake

	broken  map[string]error  // raw files that cannot be read in their format
	sums    map[string]string // SHA-256 of the raw deliveries, as first read
	inForce map[string]bool   // raw files that are the delivery in force of their name
}

// note records who carries an AZR token, a BG token and a record token (owner: a Kunde
// token, or empty), and which occur in the person's rows.
func (r *run) note(e *source.Export, mine bool, owner, azr, bg, id string) {
	if mine {
		owner = r.p.token
	}
	if id != "" {
		id = e.Name + "\x00" + id
	}
	r.azrOwners.add(azr, owner)
	r.bgOwners.add(bg, owner)
	r.idOwners.add(id, owner)
	if mine {
		r.candAZR.add(azr)
		r.candBGs.add(bg)
		r.candIDs.add(id)
	}
}

// link makes the identifiers the person alone carries theirs.
func (r *run) link() {
	t := r.p.token
	for a := range r.candAZR {
		if r.azrOwners.only(a, t) {
			r.p.azr.add(a)
		}
	}
	for b := range r.candBGs {
		if r.bgOwners.only(b, t) {
			r.p.bgs.add(b)
		}
	}
	for id := range r.candIDs {
		if r.idOwners.only(id, t) {
			r.p.ids.add(r.p.valueToken(id))
		}
	}
	for k, v := range r.clear {
		switch {
		case r.p.azr[k]:
			r.p.clearAZR.add(v)
		case !r.p.bgs[k] && !r.p.ids[r.p.valueToken(k)]:
			continue
		}
		r.linked = append(r.linked, []byte(v))
	}
}

// Run erases the person with the Kundennummer kundennummer. The caller holds ipoint's
// lock and rebuilds the warehouse afterwards.
func Run(ctx context.Context, opt Options, kundennummer string) (*Result, error) {
	kn := strings.TrimSpace(kundennummer)
	if !source.IsKundennummer(kn) {
		return nil, ErrInvalidNumber
	}
	if opt.Inbox == "" || opt.Quarantine == "" || opt.Lake == "" {
		return nil, errors.New("erase: the inbox, quarantine and lake directories are required")
	}
	opt.defaults()
	r := &run{opt: opt, p: newPerson(opt.Key, kn), current: map[string]*lake.Entry{},
		azrOwners: owners{}, idOwners: owners{}, bgOwners: owners{},
		candAZR: set{}, candIDs: set{}, candBGs: set{}, clear: map[string]string{},
		lines: lines{}, snapLines: lines{}, rejected: lines{}, broken: map[string]error{},
		sums: map[string]string{}, inForce: map[string]bool{}}
	r.res = &Result{Token: r.p.token}
	log := opt.Log.With("token", r.p.token)

	var lk *lake.Lake
	var j *journal
	journalPath := filepath.Join(opt.Lake, JournalName)
	if ok, err := exists(opt.Lake); err != nil {
		return nil, err
	} else if ok {
		if lk, err = lake.Open(opt.Lake); err != nil {
			return nil, err
		}
		if j, err = loadJournal(journalPath); err != nil {
			return nil, err
		}
		if j != nil && j.Token != r.p.token {
			return nil, fmt.Errorf("an interrupted erasure of another person (token %s) must be finished first: run it again with that person's Kundennummer", j.Token)
		}
		if j != nil {
			log.Info("finishing an interrupted erasure", "started", j.Started)
			r.p.remember(j)
		}
		m := lk.Manifest()
		for i := range m.Entries {
			if e := &m.Entries[i]; e.Outcome == lake.Ingested && !e.Superseded {
				r.current[e.Name] = e
			}
		}
	}
	raws, err := rawFiles(opt)
	if err != nil {
		return nil, err
	}
	if raws, err = sweep(raws); err != nil {
		return nil, err
	}
	var tables []lakeFile
	if lk != nil {
		if tables, err = lakeFiles(opt.Lake, lk.Manifest()); err != nil {
			return nil, err
		}
	}

	// Learn which identifiers the person's rows hold, who else carries them, and so
	// which are theirs alone. Only files whose bytes hold the number (or, later, one of
	// those identifiers) are parsed.
	if err := r.eachRaw(ctx, raws, r.mentioned, r.collect); err != nil {
		return nil, err
	}
	var cand [][]byte
	for _, v := range r.clear {
		cand = append(cand, []byte(v))
	}
	if err := r.eachRaw(ctx, raws, func(t []byte) bool { return !r.mentioned(t) && containsAny(t, cand) }, r.collect); err != nil {
		return nil, err
	}
	for _, f := range tables {
		if err := r.own(f); err != nil {
			return nil, fmt.Errorf("read %s: %w", f.path, err)
		}
	}
	r.link()
	r.findInForce(raws)

	// Plan: every change is known before the first one is made. After an interrupted
	// run the identifiers are known as tokens only: every file is read.
	maybe := r.maybe
	if j != nil {
		maybe = nil
	}
	rawTodo := map[string]bool{}
	if err := r.eachRaw(ctx, raws, maybe, func(f rawFile, data []byte) error {
		n, err := r.planRaw(f, data)
		rawTodo[f.path] = n > 0
		return err
	}); err != nil {
		return nil, err
	}
	lakeTodo := map[string]int{}
	deltaRows := map[*lake.Entry]int{}
	for _, f := range tables {
		plan := r.planLake
		if f.kind == KindFindings {
			plan = r.planFindings
		}
		n, err := plan(f)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", f.path, err)
		}
		lakeTodo[f.path] = n
		if f.entry != nil {
			deltaRows[f.entry] += n
		}
	}
	targets := r.targets(deltaRows, j)
	work := len(targets) > 0
	for _, n := range lakeTodo {
		work = work || n > 0
	}
	for _, t := range rawTodo {
		work = work || t
	}

	if work && lk != nil && j == nil {
		j = &journal{Token: r.p.token, Started: opt.Now().UTC(), AZR: r.p.azr.sorted(), IDs: r.p.ids.sorted(),
			BGs: r.p.bgs.sorted(), Names: r.p.names.sorted(), Values: r.p.values.sorted(), Erased: targets}
		if err := j.save(journalPath); err != nil {
			return nil, fmt.Errorf("write the erasure journal: %w", err)
		}
	}

	// The warehouse build's compaction cache holds copies of the lake's delta rows: it
	// goes first (the next build writes it anew from what the erasure leaves).
	if lk != nil {
		if err := lake.DropCompact(opt.Lake); err != nil {
			return nil, err
		}
	}
	// The lake first (its findings are found by the lines of the raw files), then the
	// manifest, then the raw files.
	for _, f := range tables {
		if lakeTodo[f.path] == 0 {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n, err := r.rewriteLake(f)
		if err != nil {
			return nil, err
		}
		r.changed(f.path, f.kind, n)
	}
	if lk != nil {
		if err := r.manifest(lk, targets); err != nil {
			return nil, err
		}
	}
	rewritten := map[string]bool{}
	var todo []rawFile
	for _, f := range raws {
		if rawTodo[f.path] {
			todo = append(todo, f)
		}
	}
	if err := r.eachRaw(ctx, todo, nil, func(f rawFile, data []byte) error {
		n, out, err := r.rewriteRaw(f, data)
		if err != nil {
			return err
		}
		if n > 0 {
			r.changed(f.path, f.kind, n)
			rewritten[f.path] = true
			r.check(f, out)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	for _, f := range raws {
		if rewritten[f.path] {
			continue
		}
		data, err := os.ReadFile(f.path)
		if err != nil {
			return nil, err
		}
		r.check(f, data)
	}
	if j != nil {
		if err := removeJournal(journalPath); err != nil {
			return nil, err
		}
	}
	log.Info("erasure done", "files", len(r.res.Files), "rows", r.res.Rows, "review", len(r.res.Review), "unresolved", len(r.res.Unresolved))
	if len(r.res.Unresolved) > 0 {
		return r.res, fmt.Errorf("%w: %d files (see the list)", ErrIncomplete, len(r.res.Unresolved))
	}
	return r.res, nil
}

// eachRaw reads every raw delivery with persons whose text passes filter (all, where
// filter is nil) and calls fn; a file that cannot be read in its format is noted and
// left to the final check.
func (r *run) eachRaw(ctx context.Context, files []rawFile, filter func(text []byte) bool, fn func(rawFile, []byte) error) error {
	for _, f := range files {
		if !f.holdsPersons() || r.broken[f.path] != nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		data, err := os.ReadFile(f.path)
		if err != nil {
			return err
		}
		if _, ok := r.sums[f.path]; !ok {
			r.sums[f.path] = sha(data)
		}
		if len(data) == 0 || filter != nil && !filter(textOf(data)) {
			continue
		}
		if err := fn(f, data); err != nil {
			var stop fatal
			if errors.As(err, &stop) {
				return err
			}
			r.broken[f.path] = err
			r.opt.Log.Warn("file not readable in its format: left to the final check", "path", f.path)
		}
	}
	return nil
}

// mentioned reports whether a file's text holds the person's number.
func (r *run) mentioned(text []byte) bool { return mentions(text, r.p.kn) }

// maybe reports whether a file's text may hold a row of the person: their number, an
// identifier only they carry, or what a malformed number one character from theirs
// keeps intact (its first five or its last five characters).
func (r *run) maybe(text []byte) bool {
	kn := r.p.kn
	lower := kn[:3] + strings.ToLower(kn[3:4]) + kn[4:5]
	return r.mentioned(text) || containsAny(text, r.linked) ||
		bytes.Contains(text, []byte(kn[:5])) || bytes.Contains(text, []byte(lower)) || bytes.Contains(text, []byte(kn[5:]))
}

func containsAny(text []byte, needles [][]byte) bool {
	for _, n := range needles {
		if bytes.Contains(text, n) {
			return true
		}
	}
	return false
}

// fatal marks an error that stops the erasure, as opposed to a file that cannot be read
// in its format.
type fatal struct{ error }

func (f fatal) Unwrap() error { return f.error }

func (r *run) changed(path, kind string, n int) {
	r.res.Files = append(r.res.Files, FileResult{Path: path, Kind: kind, Rows: n})
	r.res.Rows += n
	r.opt.Log.Info("file rewritten without the person", "token", r.p.token, "path", path, "kind", kind, "rows", n)
}

// targets are the rows_erased each delivery in force will have: for a delta, what it
// had plus its rows in the lake that are the person's; for a snapshot (whose history
// keeps no delivery's rows), plus the person's rows of its delivered file that were
// accepted. An interrupted run's journal says it for the deliveries it knew.
func (r *run) targets(deltaRows map[*lake.Entry]int, j *journal) map[string]int {
	out := map[string]int{}
	for e, n := range deltaRows {
		if n > 0 && !e.Expired {
			out[e.Name+" "+e.SHA256] = e.Erased + n
		}
	}
	for name, ls := range r.snapLines {
		e := r.current[name]
		n := 0
		for line := range ls {
			if !r.rejected.has(name, line) {
				n++
			}
		}
		if e != nil && n > 0 && !e.Expired { // retention took an expired delivery's rows already
			out[e.Name+" "+e.SHA256] = e.Erased + n
		}
	}
	if j != nil {
		for k, v := range j.Erased {
			out[k] = v
		}
	}
	return out
}

// manifest sets each delivery's rows_erased to its target and saves the manifest if
// anything changed.
func (r *run) manifest(lk *lake.Lake, targets map[string]int) error {
	m := lk.Manifest()
	dirty := false
	for i := range m.Entries {
		e := &m.Entries[i]
		if t, ok := targets[e.Name+" "+e.SHA256]; ok && e.Outcome == lake.Ingested && !e.Superseded && e.Erased != t {
			e.Erased, dirty = t, true
		}
	}
	if !dirty {
		return nil
	}
	if testHook != nil {
		if err := testHook(filepath.Join(r.opt.Lake, lake.ManifestName)); err != nil {
			return err
		}
	}
	return lk.Checkpoint()
}

// Audit appends an erasure to the erasure log at path: when, who ran it, the request's
// reference, the person's token (never the number) and what changed.
func Audit(path string, now time.Time, user, ref string, res *Result) error {
	return jsonl.Append(path, struct {
		Time       time.Time    `json:"time"`
		User       string       `json:"user"`
		Ref        string       `json:"vorgang,omitempty"`
		Token      string       `json:"token"`
		Rows       int          `json:"rows"`
		Files      []FileResult `json:"files"`
		Review     []Position   `json:"review,omitempty"`
		Unresolved []Unresolved `json:"unresolved,omitempty"`
	}{now, user, ref, res.Token, res.Rows, res.Files, res.Review, res.Unresolved})
}
