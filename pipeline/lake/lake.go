package lake

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"ipoint/pipeline"
)

// Lake is the lake under one root directory, laid out as layout.go says.
type Lake struct {
	root string
	m    *Manifest
	hist map[string]*histEntry
}

type histEntry struct {
	h    *History
	path string
	name string
}

// Open opens (or starts) the lake at root and removes what an interrupted run left.
func Open(root string) (*Lake, error) {
	if err := os.MkdirAll(root, 0o750); err != nil {
		return nil, err
	}
	if err := sweep(root); err != nil {
		return nil, err
	}
	m, err := loadManifest(filepath.Join(root, ManifestName))
	if err != nil {
		return nil, err
	}
	return &Lake{root: root, m: m, hist: map[string]*histEntry{}}, nil
}

// Root returns the lake's directory.
func (l *Lake) Root() string { return l.root }

// Manifest returns the manifest as taken in so far (including unsaved entries).
func (l *Lake) Manifest() *Manifest { return l.m }

// Record adds a delivered file's entry; it is saved at the next Checkpoint.
func (l *Lake) Record(e Entry) { l.m.add(e) }

// DeltaPath is where part i of a delta export's delivery lies: SOURCE.parquet, and
// SOURCE.pN.parquet for the further parts of a large file read in parallel.
func (l *Lake) DeltaPath(export, stichtag, source string, part int) string {
	return filepath.Join(l.root, PartitionDir(export, stichtag), PartFile(source, part))
}

// RemoveStaleParts removes parts from part n on that an earlier, larger delivery of the
// same file left (a corrected re-delivery replaces the delivery as a whole).
func (l *Lake) RemoveStaleParts(export, stichtag, source string, n int) error {
	for i := max(n, 1); ; i++ {
		err := os.Remove(l.DeltaPath(export, stichtag, source, i))
		if os.IsNotExist(err) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// FindingsPath is where a delivery's findings lie.
func (l *Lake) FindingsPath(export, stichtag, source string) string {
	return filepath.Join(l.root, FindingsDir, PartitionDir(export, stichtag), PartFile(source, 0))
}

// HistoryPath is where a snapshot export's history lies.
func (l *Lake) HistoryPath(export string) string {
	return filepath.Join(l.root, HistoryFile(export))
}

// History returns the history of a snapshot export, loading it once.
func (l *Lake) History(export string, fields []pipeline.Field, key int) (*History, error) {
	if e, ok := l.hist[export]; ok {
		return e.h, nil
	}
	path := l.HistoryPath(export)
	h, err := loadHistory(path, fields, key)
	if err != nil {
		return nil, err
	}
	l.hist[export] = &histEntry{h: h, path: path, name: export}
	return h, nil
}

// Checkpoint makes everything taken in so far durable: histories first, then the
// manifest that names their deliveries. A crash before it loses nothing but work: the
// files are still in the inbox and are taken in again.
func (l *Lake) Checkpoint() error {
	names := make([]string, 0, len(l.hist))
	for n := range l.hist {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		e := l.hist[n]
		if e.h.dirty {
			if err := e.h.write(e.path, e.name); err != nil {
				return err
			}
		}
	}
	return l.m.save()
}

// PartWriter writes one table file of the lake under a temporary name.
type PartWriter struct {
	p  *pending
	tw *TableWriter // nil once finished
	n  int64        // rows, once finished
}

// Create starts a table file at path.
func Create(path, name string, fields []pipeline.Field) (*PartWriter, error) {
	p, err := create(path)
	if err != nil {
		return nil, err
	}
	return &PartWriter{p: p, tw: NewTableWriter(p, name, fields, nil)}, nil
}

// Write adds a record.
func (w *PartWriter) Write(rec pipeline.Record) error { return w.tw.Write(rec) }

// Rows returns the records written.
func (w *PartWriter) Rows() int64 {
	if w.tw == nil {
		return w.n
	}
	return w.tw.Rows()
}

// Finish writes the rest of the table (its last row group and footer) and lets go of
// its buffers; the file keeps its temporary name until Commit. A writer that is done
// long before its delivery is committed (a chunk of a large file) holds no memory.
func (w *PartWriter) Finish() error {
	if w.tw == nil {
		return nil
	}
	err := w.tw.Close()
	w.n, w.tw = w.tw.Rows(), nil
	return err
}

// Commit completes the file under its final name.
func (w *PartWriter) Commit() error {
	if err := w.Finish(); err != nil {
		w.p.Abort()
		return err
	}
	return w.p.Commit()
}

// Abort removes the unfinished file.
func (w *PartWriter) Abort() { w.p.Abort() }

// FindingFields are the columns of the findings tables.
var FindingFields = []pipeline.Field{
	{Name: "file", Type: pipeline.String},
	{Name: "line", Type: pipeline.Int32},
	{Name: "column", Type: pipeline.String},
	{Name: "kind", Type: pipeline.String},
	{Name: "rejected", Type: pipeline.Bool},
	{Name: "reason", Type: pipeline.String},
	{Name: "value", Type: pipeline.String},
}

// FindingRecord turns a finding into a findings-table record.
func FindingRecord(f pipeline.Finding) pipeline.Record {
	rej := int64(0)
	if f.Rejected {
		rej = 1
	}
	return pipeline.Record{{S: f.File}, {I: int64(f.Line)}, {S: f.Column}, {S: f.Kind}, {I: rej}, {S: f.Reason}, {S: f.Value}}
}

// Partitions lists the Stichtag partitions of an export (findings: under findings/),
// as JJJJ-MM-TT strings with their directories.
func (l *Lake) Partitions(export string, findings bool) (map[string]string, error) {
	dir := filepath.Join(l.root, ExportDir(export))
	if findings {
		dir = filepath.Join(l.root, FindingsDir, ExportDir(export))
	}
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, e := range entries {
		if d, ok := strings.CutPrefix(e.Name(), stichtagPrefix); ok && e.IsDir() {
			out[d] = filepath.Join(dir, e.Name())
		}
	}
	return out, nil
}
