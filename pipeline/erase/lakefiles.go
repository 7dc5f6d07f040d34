package erase

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"ipoint/pipeline"
	"ipoint/pipeline/lake"
	"ipoint/pipeline/source"
)

// links are the columns of an export that tell whose a row is, by their names in the
// delivered file and in the lake.
type links struct {
	kunde, azr, bg, id col
	name               []string // delivered only: the columns the lake never holds (names, birth date)
}

type col struct{ raw, lake string }

// linksOf reads an export's contract: its Kundennummer, AZR and BG columns, its record
// id (the first column, where it is not an identifier: Aufnahme_ID, Teilnahme_ID, ...),
// and the personal columns that never reach the lake. An export without a Kundennummer
// (the statistics table) holds no persons.
func linksOf(e *source.Export) links {
	var l links
	for i, c := range e.Columns {
		switch {
		case c.Type == source.Kundennummer:
			l.kunde = col{c.Name, c.Out}
		case c.Type == source.AZRNummer:
			l.azr = col{c.Name, c.Out}
		case c.Type == source.BGNummer:
			l.bg = col{c.Name, c.Out}
		case c.Type == source.Drop || c.Type == source.BirthDate:
			l.name = append(l.name, c.Name)
		case i == 0 && (c.Type == source.Text || c.Type == source.RecordID):
			l.id = col{c.Name, c.Out}
		}
	}
	return l
}

// lakeFile is a table of the lake that may hold a person's rows.
type lakeFile struct {
	path   string
	kind   string // KindLake, KindHistory, KindFindings
	export *source.Export
	fields []pipeline.Field
	entry  *lake.Entry // a delta's delivery
}

// lakeFiles lists the lake's tables that may hold persons: deltas first, then
// histories, then findings (which are matched against the lines of the others).
func lakeFiles(root string, m *lake.Manifest) ([]lakeFile, error) {
	current := map[string]*lake.Entry{} // export/stichtag/base of the delivery in force
	for i := range m.Entries {
		e := &m.Entries[i]
		if e.Outcome == lake.Ingested && !e.Superseded {
			current[e.Export+"/"+e.Stichtag+"/"+strings.TrimSuffix(e.Name, filepath.Ext(e.Name))] = e
		}
	}
	var out []lakeFile
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), ".parquet") || strings.HasPrefix(d.Name(), lake.TempPrefix) {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		place, ok := lake.ParsePath(rel)
		if !ok {
			return nil
		}
		e := source.ByName(place.Export)
		if e == nil || linksOf(e).kunde.raw == "" {
			return nil // the statistics table, or no export of ours: no persons
		}
		f := lakeFile{path: path, export: e}
		switch {
		case place.Findings:
			f.kind, f.fields = KindFindings, lake.FindingFields
		case place.History && e.Snapshot:
			f.kind, f.fields = KindHistory, lake.HistoryFields(e.Fields())
		case place.Stichtag != "" && !e.Snapshot:
			f.kind, f.fields = KindLake, e.Fields()
			base, _ := lake.PartSource(place.File)
			f.entry = current[e.Name+"/"+place.Stichtag+"/"+base]
		default:
			return nil
		}
		out = append(out, f)
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	order := map[string]int{KindLake: 0, KindHistory: 1, KindFindings: 2}
	sort.SliceStable(out, func(i, j int) bool {
		if order[out[i].kind] != order[out[j].kind] {
			return order[out[i].kind] < order[out[j].kind]
		}
		return out[i].path < out[j].path
	})
	return out, err
}

// index returns the position of a field, or -1.
func index(fields []pipeline.Field, name string) int {
	for i, f := range fields {
		if name != "" && f.Name == name {
			return i
		}
	}
	return -1
}

func str(rec pipeline.Record, i int) string {
	if i < 0 || rec[i].Null {
		return ""
	}
	return rec[i].S
}

// own learns from a data table who carries which AZR number, record id and household,
// and which of them occur in the person's rows.
func (r *run) own(f lakeFile) error {
	if f.kind == KindFindings {
		return nil
	}
	l := linksOf(f.export)
	ik, ia, ib, id := index(f.fields, l.kunde.lake), index(f.fields, l.azr.lake), index(f.fields, l.bg.lake), index(f.fields, l.id.lake)
	return lake.ReadTable(f.path, f.fields, func(rec pipeline.Record) error {
		k := str(rec, ik)
		r.note(f.export, k == r.p.token, k, str(rec, ia), str(rec, ib), str(rec, id))
		return nil
	})
}

// mine reports whether a row of a data table is the person's: their Kunde token, or an
// AZR number only they carry.
func (r *run) mine(f lakeFile, rec pipeline.Record, ik, ia int) bool {
	return str(rec, ik) == r.p.token || (ia >= 0 && r.p.azr[str(rec, ia)])
}

// planLake counts the person's rows in a data table and, for a delta, learns their
// lines in the delivered file (findings point there).
func (r *run) planLake(f lakeFile) (int, error) {
	l := linksOf(f.export)
	ik, ia, il := index(f.fields, l.kunde.lake), index(f.fields, l.azr.lake), index(f.fields, "source_line")
	n := 0
	err := lake.ReadTable(f.path, f.fields, func(rec pipeline.Record) error {
		if !r.mine(f, rec, ik, ia) {
			return nil
		}
		n++
		if f.entry != nil && il >= 0 {
			r.lines.add(f.entry.Name, int(rec[il].I))
		}
		return nil
	})
	return n, err
}

// finding reports whether a finding is about the person: its value is one of their
// identifiers (as token), or it points at a line of one of their rows.
func (r *run) finding(rec pipeline.Record) bool {
	v := rec[6].S
	return r.p.values[v] || v == r.p.token || r.p.azr[v] || r.lines.has(rec[0].S, int(rec[1].I))
}

// planFindings counts the findings about the person, and notes which of their rows
// in a snapshot were rejected (those never reached the lake).
func (r *run) planFindings(f lakeFile) (int, error) {
	n := 0
	err := lake.ReadTable(f.path, f.fields, func(rec pipeline.Record) error {
		if r.finding(rec) {
			n++
			if rec[4].I == 1 && r.snapLines.has(rec[0].S, int(rec[1].I)) {
				r.rejected.add(rec[0].S, int(rec[1].I))
			}
		}
		return nil
	})
	return n, err
}

// rewriteLake writes a table without the person's rows under a temporary name and
// renames it over the old one.
func (r *run) rewriteLake(f lakeFile) (int, error) {
	l := linksOf(f.export)
	ik, ia := index(f.fields, l.kunde.lake), index(f.fields, l.azr.lake)
	drop := func(rec pipeline.Record) bool { return r.mine(f, rec, ik, ia) }
	name := f.export.Name
	if f.kind == KindFindings {
		drop, name = r.finding, "findings"
	}
	w, err := lake.Create(f.path, name, f.fields)
	if err != nil {
		return 0, err
	}
	n := 0
	err = lake.ReadTable(f.path, f.fields, func(rec pipeline.Record) error {
		if drop(rec) {
			n++
			return nil
		}
		return w.Write(rec)
	})
	if err == nil && testHook != nil {
		err = testHook(f.path)
	}
	if err != nil {
		w.Abort()
		return 0, fmt.Errorf("rewrite %s: %w", f.path, err)
	}
	if err := w.Commit(); err != nil {
		return 0, fmt.Errorf("rewrite %s: %w", f.path, err)
	}
	return n, nil
}

// lines are positions in delivered files, by file name.
type lines map[string]map[int]bool

func (l lines) add(file string, line int) {
	if l[file] == nil {
		l[file] = map[int]bool{}
	}
	l[file][line] = true
}

func (l lines) has(file string, line int) bool { return l[file][line] }

// exists reports whether path exists (an error other than its absence is returned).
func exists(path string) (bool, error) {
	_, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}
