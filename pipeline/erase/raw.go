package erase

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"ipoint/pipeline/lake"
	"ipoint/pipeline/protect"
	"ipoint/pipeline/source"
)

// rawFile is a file ipoint keeps in clear text: in the inbox, the archive or the
// quarantine.
type rawFile struct {
	path     string
	kind     string         // KindInbox, KindArchive, KindQuarantine
	name     string         // the delivered name (without the hash the archive appends to a second delivery of a name)
	export   *source.Export // nil: not a delivery (a note, a reason file, a sidecar, ...)
	inflight bool           // *.part, *.tmp: an agency is still writing it
}

// rawFiles lists every file under the inbox (the archive included), the archive and
// the quarantine, in name order.
func rawFiles(opt Options) ([]rawFile, error) {
	var out []rawFile
	seen := map[string]bool{}
	walk := func(root, kind string) error {
		return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if errors.Is(err, fs.ErrNotExist) && path == root {
				return nil
			}
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != root && (path == opt.Archive || path == opt.Quarantine || path == opt.Lake) {
					return filepath.SkipDir // walked as what it is
				}
				return nil
			}
			if !d.Type().IsRegular() || seen[path] {
				return nil
			}
			seen[path] = true
			out = append(out, classify(path, kind))
			return nil
		})
	}
	for _, w := range []struct{ root, kind string }{{opt.Archive, KindArchive}, {opt.Quarantine, KindQuarantine}, {opt.Inbox, KindInbox}} {
		if err := walk(w.root, w.kind); err != nil {
			return nil, err
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out, nil
}

// classify tells a raw file's export by its name, as ingest does.
func classify(path, kind string) rawFile {
	f := rawFile{path: path, kind: kind, name: filepath.Base(path)}
	class, d, _ := source.Detect(f.name)
	if class == source.Unknown && kind != KindInbox {
		if delivered, ok := lake.DeliveredName(f.name); ok {
			if c, dd, _ := source.Detect(delivered); c == source.Data || c == source.BadName {
				class, d, f.name = c, dd, delivered
			}
		}
	}
	switch class {
	case source.Data, source.BadName:
		f.export = d.Export
	case source.Ignored:
		lower := strings.ToLower(f.name)
		f.inflight = strings.HasSuffix(lower, ".part") || strings.HasSuffix(lower, ".tmp") || strings.HasSuffix(lower, ".crdownload")
	}
	return f
}

// holdsPersons reports whether a raw file is a delivery of an export with persons.
func (f rawFile) holdsPersons() bool { return f.export != nil && linksOf(f.export).kunde.raw != "" }

// row is one record of a raw file as an erasure sees it.
type row struct {
	line       int      // as ingest numbers it: CSV and JSONL line, XLSX sheet row, XML start tag's line
	part       string   // XLSX: the worksheet
	start, end int      // the record's bytes (in the worksheet, for XLSX)
	values     []string // every field, trimmed
	raw        []byte   // the record's bytes: a mention of the number in free text counts
	data       bool     // a row of the export's data (not of another sheet)

	kunde, azr, bg, id, name string // by the export's columns; empty where absent
}

// scrub reads a raw file's records and returns its bytes without those drop says, and
// the records dropped (out is nil when none was).
func scrub(f rawFile, data []byte, drop func(*row) bool) (out []byte, dropped []row, err error) {
	l := linksOf(f.export)
	switch f.export.Format {
	case source.CSV:
		return scrubCSV(data, l, drop)
	case source.XLSX:
		return scrubXLSX(data, f.export.Sheet, l, drop)
	case source.XML:
		return scrubXML(data, f.export.Record, l, drop)
	case source.JSONL:
		return scrubJSONL(data, l, drop)
	}
	return nil, nil, fmt.Errorf("no persons in %s", f.export.Name)
}

// ownedBy says whose a row is, from what it holds alone: the person's (mine), another
// person's (a valid Kundennummer of someone else), or nobody's that can be told.
func (r *run) ownedBy(x *row) (mine, other bool) {
	if c, ok := canonical(x.kunde); ok {
		return c == r.p.kn, c != r.p.kn
	}
	for _, v := range x.values {
		if c, ok := canonical(v); ok && c == r.p.kn {
			return true, false
		}
	}
	return mentions(x.raw, r.p.kn), false
}

// decide says whether a raw row is the person's, and whether it may be and staff should
// look (a malformed Kundennummer one character from theirs that nothing else ties to
// them or to anybody).
func (r *run) decide(e *source.Export, x *row) (mine, review bool) {
	mine, other := r.ownedBy(x)
	switch {
	case mine:
		return true, false
	case other:
		return false, false // never another person's row, whatever else it mentions
	case x.azr != "" && r.p.azr[r.p.pz.Token(protect.AZR, x.azr)]:
		return true, false
	case x.id != "" && r.p.ids[r.p.valueToken(e.Name+"\x00"+e.RecordToken(r.p.pz, x.id))]:
		return true, false
	case x.data && near(x.kunde, r.p.kn):
		if r.p.names[r.p.nameKey(x.name)] || x.bg != "" && r.p.bgs[r.p.pz.Token(protect.BG, x.bg)] {
			return true, false
		}
		return false, true
	}
	return false, false
}

// collect learns from a raw file who carries which identifier (see note).
func (r *run) collect(f rawFile, data []byte) error {
	_, _, err := scrub(f, data, func(x *row) bool {
		mine, _ := r.ownedBy(x)
		owner := ""
		if c, ok := canonical(x.kunde); ok {
			owner = r.p.pz.Token(protect.Kunde, c)
		}
		azr, bg := "", ""
		if x.azr != "" {
			azr = r.p.pz.Token(protect.AZR, x.azr)
		}
		if x.bg != "" {
			bg = r.p.pz.Token(protect.BG, x.bg)
		}
		// The lake holds record ids as tokens: a raw row's id is compared as its token.
		id := ""
		if x.id != "" {
			id = f.export.RecordToken(r.p.pz, x.id)
		}
		r.note(f.export, mine, owner, azr, bg, id)
		if mine {
			for k, v := range map[string]string{azr: x.azr, bg: x.bg, f.export.Name + "\x00" + id: x.id} {
				if v != "" {
					r.clear[k] = v
				}
			}
		}
		if mine && x.name != "" {
			r.p.names.add(r.p.nameKey(x.name))
		}
		return false
	})
	return err
}

// planRaw finds the person's rows in a raw file: their lines (where the file is the
// delivery in force, its findings point there; see findInForce), the identifiers as delivered (findings
// show them as tokens), and the rows staff should look at.
func (r *run) planRaw(f rawFile, data []byte) (int, error) {
	var review []int
	_, dropped, err := scrub(f, data, func(x *row) bool {
		mine, look := r.decide(f.export, x)
		if look {
			review = append(review, x.line)
		}
		return mine
	})
	if err != nil {
		return 0, err
	}
	for _, line := range review {
		r.res.Review = append(r.res.Review, Position{Path: f.path, Line: line})
	}
	inForce := r.inForce[f.path]
	for _, x := range dropped {
		// Only values that are theirs alone: a number a digit short is also a neighbour's.
		if c, ok := canonical(x.kunde); ok && c == r.p.kn {
			r.p.values.add(r.p.valueToken(x.kunde))
		}
		if x.azr != "" && r.p.azr[r.p.pz.Token(protect.AZR, x.azr)] {
			r.p.values.add(r.p.valueToken(x.azr))
		}
		if inForce && x.data {
			r.lines.add(f.name, x.line)
			if f.export.Snapshot {
				r.snapLines.add(f.name, x.line)
			}
		}
	}
	return len(dropped), nil
}

// rewriteRaw writes a raw file without the person's rows, in its own format and
// encoding, under a temporary name, and renames it over the old one.
func (r *run) rewriteRaw(f rawFile, data []byte) (int, []byte, error) {
	out, dropped, err := scrub(f, data, func(x *row) bool { mine, _ := r.decide(f.export, x); return mine })
	if err != nil || len(dropped) == 0 {
		return 0, nil, err
	}
	st, err := os.Stat(f.path)
	if err != nil {
		return 0, nil, fatal{err}
	}
	if err := writeFile(f.path, out, st.Mode().Perm()); err != nil {
		return 0, nil, fatal{fmt.Errorf("rewrite %s: %w", f.path, err)}
	}
	return len(dropped), out, nil
}

// findInForce tells which raw files are the delivered file of the delivery in force of
// their name (the findings in the lake point at its lines): the file whose bytes have
// the hash the manifest recorded, or, once an erasure has rewritten it, the archive
// copy ingest named after that hash (a later delivery of a name is archived as
// NAME.<12 hex digits of its SHA-256>), or else the archive's NAME itself.
func (r *run) findInForce(files []rawFile) {
	found := map[string]bool{}
	for _, f := range files {
		if e := r.current[f.name]; e != nil && r.sums[f.path] == e.SHA256 {
			r.inForce[f.path], found[f.name] = true, true
		}
	}
	for _, f := range files {
		e := r.current[f.name]
		if e == nil || found[f.name] || f.kind != KindArchive || len(e.SHA256) < 12 {
			continue
		}
		suffixed := lake.SuffixedName(f.name, e.SHA256)
		switch filepath.Base(f.path) {
		case suffixed:
			r.inForce[f.path] = true
		case f.name:
			ok, _ := exists(filepath.Join(filepath.Dir(f.path), suffixed))
			r.inForce[f.path] = !ok
		}
	}
}

// testHook, where set, runs before each rewritten file is renamed into place; an error
// aborts the erasure there (a test's injected failure).
var testHook func(path string) error

// writeFile replaces path with data atomically, with the given permissions.
func writeFile(path string, data []byte, perm fs.FileMode) error {
	w, err := lake.CreateFile(path)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	if err == nil {
		err = w.Chmod(perm)
	}
	if err == nil && testHook != nil {
		err = testHook(path)
	}
	if err != nil {
		w.Abort()
		return err
	}
	return w.Commit()
}

// sweep removes the temporary files an interrupted erasure left beside raw files (a
// temporary name of lake.CreateFile for a delivery's name) and returns the others.
func sweep(files []rawFile) ([]rawFile, error) {
	out := files[:0]
	for _, f := range files {
		base := filepath.Base(f.path)
		i := strings.LastIndexByte(base, '-')
		if !strings.HasPrefix(base, lake.TempPrefix) || i <= len(lake.TempPrefix) ||
			classify(filepath.Join(filepath.Dir(f.path), base[len(lake.TempPrefix):i]), f.kind).export == nil {
			out = append(out, f)
			continue
		}
		if err := os.Remove(f.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	return out, nil
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
