package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"
	"time"

	"ipoint/pipeline"
	"ipoint/pipeline/atomicfile"
	"ipoint/pipeline/lake"
	"ipoint/pipeline/protect"
	"ipoint/pipeline/read"
	"ipoint/pipeline/source"
)

// outcome of reading one file.
type outcome struct {
	entry    lake.Entry
	findings []*spool              // the findings in the order found (a chunked file: one spool per chunk)
	states   map[string]lake.State // snapshot exports: state per key, packed
	parts    []*lake.PartWriter    // delta exports: the delivery's records
	marks    rowMarks              // rejected rows, rows kept with a remark
	seq      int                   // the next row's ordinal
}

// newOutcome starts the outcome of a file (or of a chunk of it, whose rows are
// numbered from seq); its findings beyond a few thousand wait in dir.
func newOutcome(entry lake.Entry, dir string, seq int) *outcome {
	return &outcome{entry: entry, findings: []*spool{newSpool(dir)}, marks: rowMarks{base: seq}, seq: seq}
}

// finding records a finding.
func (o *outcome) finding(f pipeline.Finding) { o.findings[len(o.findings)-1].add(f) }

// eachFinding calls fn with every finding in the order found.
func (o *outcome) eachFinding(fn func(pipeline.Finding) error) error {
	for _, s := range o.findings {
		if err := s.each(fn); err != nil {
			return err
		}
	}
	return nil
}

// abort removes the unfinished parts and lets go of the findings.
func (o *outcome) abort() {
	if o == nil {
		return
	}
	for _, p := range o.parts {
		p.Abort()
	}
	o.parts = nil
	o.release()
}

// release lets go of the findings.
func (o *outcome) release() {
	for _, s := range o.findings {
		s.close()
	}
}

// bigFile is the size from which a CSV delivery is read by several goroutines (a
// variable for the test that reads every delivery so).
var bigFile int64 = 48 << 20

// quarantine is why a file cannot be taken in; detail is a library's own (English)
// words on it, for the log only.
type quarantine struct {
	kind, reason string
	detail       string
}

func (q *quarantine) Error() string { return q.reason }

// testPanic, when set by a test, is called with each file's name as it is read, and
// with "NAME chunk N" as a chunk of a large CSV file is read: the failure injection that
// proves a panic of ours costs one file, not the run.
var testPanic func(name string)

// chunkPanic is a panic in a chunk's goroutine, carried to the goroutine that reads the
// file (prepare), which recovers it as any panic of its own.
type chunkPanic struct {
	v     any
	stack []byte
}

func (c chunkPanic) String() string { return fmt.Sprint(c.v) }

// prepare reads a file (in a worker): its hash, and unless the same bytes came before,
// its rows.
func (r *run) prepare(f file, pz *protect.Pseudonymizer) (j *job) {
	name := filepath.Base(f.path)
	j = &job{f: f}
	defer func() {
		// A panic is a bug of ours, not the agency's: the file stays in the inbox,
		// reported, and the other files go on. (Temporary parts are swept next run.)
		if v := recover(); v != nil {
			stack := debug.Stack()
			if c, ok := v.(chunkPanic); ok {
				v, stack = c.v, c.stack
			}
			r.opt.Log.Error("panic while reading a file", "file", name, "panic", fmt.Sprint(v), "stack", string(stack))
			j = &job{f: f, skip: fmt.Sprintf("interner Fehler beim Lesen (%v): bitte an die Entwicklung melden; die Datei bleibt im Posteingang", v)}
		}
	}()
	if testPanic != nil {
		testPanic(name)
	}
	var err error
	if j.stamp, err = stampOf(f.path); err != nil {
		j.skip, j.detail = unreadable(err), err.Error()
		return j
	}
	defer func() {
		// A file replaced while it was read is not what was read: next run.
		if now, err := stampOf(f.path); err != nil || now != j.stamp {
			j.skip = "während der Übernahme geändert oder entfernt: wird beim nächsten Lauf übernommen"
		}
	}()
	d := f.d
	j.entry = lake.Entry{Name: name, Export: d.Export.Name, Stichtag: d.Stichtag.Format("2006-01-02"), Kreis: d.Kreis,
		IngestedAt: r.opt.Now().UTC()}
	if f.size >= bigFile && r.opt.Workers > 1 && f.bad == nil {
		// A large file is hashed while it is read: the two passes share the cores
		// instead of following each other. A duplicate, rare, costs the read.
		var sha string
		var size int64
		hashed := make(chan error, 1)
		go func() {
			var err error
			sha, size, err = lake.HashFile(f.path)
			hashed <- err
		}()
		o, rerr := r.read(f, j.entry, pz)
		if err := <-hashed; err != nil {
			o.abort()
			j.skip, j.detail = unreadable(err), err.Error()
			return j
		}
		j.entry.SHA256, j.entry.Size = sha, size
		if o != nil {
			o.entry.SHA256, o.entry.Size = j.entry.SHA256, j.entry.Size
		}
		if r.known[name+" "+j.entry.SHA256] {
			o.abort()
			j.dup = true
			return j
		}
		j.o, j.err = o, rerr
	} else {
		if j.entry.SHA256, j.entry.Size, err = lake.HashFile(f.path); err != nil {
			j.skip, j.detail = unreadable(err), err.Error()
			return j
		}
		if r.known[name+" "+j.entry.SHA256] {
			j.dup = true
			return j
		}
		if f.bad != nil {
			j.err = &quarantine{kind: source.KindBadName, reason: f.bad.Error()}
			return j
		}
		j.o, j.err = r.read(f, j.entry, pz)
	}
	var pe *fs.PathError
	if errors.As(j.err, &pe) {
		j.skip, j.detail, j.err = unreadable(pe), pe.Error(), nil
	}
	return j
}

// unreadable says in German why the system could not read a file, and what to do; the
// operating system's own (English) words go to the log.
func unreadable(err error) string {
	var errno syscall.Errno
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "nicht lesbar: während der Übernahme entfernt; wird sie neu geliefert, übernimmt sie der nächste Lauf"
	case errors.Is(err, fs.ErrPermission):
		return "nicht lesbar: keine Leserechte für das Konto, unter dem ipoint läuft; Rechte der Datei prüfen (z. B. Gruppe ipoint, Modus 0640)"
	case errors.Is(err, syscall.EISDIR):
		return "nicht lesbar: ein Ordner mit dem Namen einer Lieferung; Ordner aus dem Posteingang entfernen"
	case errors.Is(err, syscall.EIO):
		return "nicht lesbar: Lesefehler des Datenträgers; Datei neu liefern lassen und den Datenträger prüfen"
	case errors.As(err, &errno):
		return fmt.Sprintf("nicht lesbar: das Betriebssystem meldet einen Fehler (Nr. %d, Einzelheiten im Protokoll); die Datei bleibt im Posteingang", int(errno))
	}
	return "nicht lesbar: Einzelheiten im Protokoll; die Datei bleibt im Posteingang und wird beim nächsten Lauf erneut versucht"
}

// finish takes a prepared file into the lake, or aside (in the committer, in order).
func (r *run) finish(j *job) error {
	f, name := j.f, filepath.Base(j.f.path)
	if j.skip != "" {
		// The file stays in the inbox; nothing of it is recorded.
		j.o.abort()
		r.sum.Skipped = append(r.sum.Skipped, Quarantined{Name: name, Reason: j.skip})
		r.opt.Log.Warn("file left in the inbox", "file", name, "detail", j.detail)
		return nil
	}
	if j.dup {
		// The same bytes again: nothing changes; the file leaves the inbox as before, a
		// quarantined one with the reason recorded for these bytes (also where a crash
		// came between the manifest and the move).
		r.sum.Duplicates++
		var e *lake.Entry
		for i, x := range r.lake.Manifest().Entries {
			if x.Name == name && x.SHA256 == j.entry.SHA256 {
				e = &r.lake.Manifest().Entries[i]
			}
		}
		if e != nil && e.Outcome == lake.Quarantined {
			r.moves = append(r.moves, r.moveFor(f, true, e.ReasonKind, e.Reason, j.stamp))
		} else {
			r.moves = append(r.moves, r.moveFor(f, false, "", "", j.stamp))
		}
		r.opt.Log.Info("duplicate delivery", "file", name)
		return nil
	}
	var q *quarantine
	if errors.As(j.err, &q) {
		entry := j.entry
		j.o.abort()
		q.reason = pipeline.Clip(source.Said(q.reason), lake.MaxReasonBytes) // the summary, the manifest and the reason file
		entry.Outcome, entry.ReasonKind, entry.Reason = lake.Quarantined, q.kind, q.reason
		if j.o != nil {
			entry.RowsRead, entry.Accepted, entry.Rejected = j.o.entry.RowsRead, j.o.entry.Accepted, j.o.entry.Rejected
		}
		r.lake.Record(entry)
		r.sum.Quarantined = append(r.sum.Quarantined, Quarantined{Name: name, Kind: q.kind, Reason: q.reason})
		r.moves = append(r.moves, r.moveFor(f, true, q.kind, q.reason, j.stamp))
		r.opt.Log.Warn("file quarantined", "file", name, "kind", q.kind, "detail", q.detail)
		return nil
	}
	if j.err != nil {
		j.o.abort()
		return j.err
	}
	return r.commit(f, j.o, j.stamp)
}

// moveFor says where a file goes once its entry is durable.
func (r *run) moveFor(f file, quarantined bool, kind, reason string, stamp stamp) move {
	name := filepath.Base(f.path)
	if quarantined {
		text := fmt.Sprintf("Datei: %s\nGrund: %s\nArt: %s\nZeitpunkt: %s\n\nDie Datei wurde nicht übernommen. Bitte die Lieferung prüfen und berichtigt erneut liefern.\n",
			name, reason, source.KindLabel(kind), r.opt.Now().Format("02.01.2006 15:04"))
		return move{from: f.path, to: filepath.Join(r.opt.Quarantine, name), reasonFile: name, reason: text, stamp: stamp}
	}
	return move{from: f.path, to: filepath.Join(r.opt.Archive, f.d.Export.Name, name), stamp: stamp}
}

// read reads and validates one file into an outcome, or says why it is quarantined.
func (r *run) read(f file, entry lake.Entry, pz *protect.Pseudonymizer) (*outcome, error) {
	e := f.d.Export
	o := newOutcome(entry, r.lake.Root(), 0)
	if e.Snapshot {
		o.states = make(map[string]lake.State, r.sizeHint(e))
	} else {
		part, err := lake.Create(r.lake.DeltaPath(e.Name, entry.Stichtag, entry.Name, 0), e.Name, e.Fields())
		if err != nil {
			return nil, err
		}
		o.parts = []*lake.PartWriter{part}
	}
	if f.size == 0 { // an empty file is valid: no rows
		return o, nil
	}
	head, err := readHead(f.path)
	if err != nil {
		return o, err
	}
	if q := checkKind(e, head); q != nil {
		return o, q
	}
	if err := checkEncoding(e, head); err != nil {
		if hp := foreignHead(e, head); hp != nil {
			// Another table in another encoding: what staff must ask for is the right table.
			return o, &quarantine{kind: hp.Kind, reason: hp.Reason + " (außerdem in einer anderen Zeichenkodierung als " + e.Encoding.String() + " gespeichert)"}
		}
		return o, asQuarantine(e, err)
	}
	tmp := ""
	if e.Format == source.XLSX {
		// The workbook's large parts are unpacked in a folder in the lake, not in the system's
		// temporary folder: a crash leaves them to the next start's sweep.
		if tmp, err = os.MkdirTemp(r.lake.Root(), atomicfile.TempPrefix+"xlsx-"); err != nil {
			return o, err
		}
		defer os.RemoveAll(tmp)
	}
	rd, err := open(e, f.path, tmp)
	if err != nil {
		return o, asQuarantine(e, err)
	}
	defer rd.Close()
	if g, ok := rd.(interface{ Table() read.GenesisTable }); ok {
		if q := genesisStichtag(g.Table().Time, entry.Stichtag); q != nil {
			return o, q
		}
	}
	if m, ok := rd.(read.MetaReader); ok && e.Format == source.StatTable {
		if q := statStichtag(m.Meta()["Stichtag"], entry.Stichtag); q != nil {
			return o, q
		}
	}
	cols := rd.Columns()
	if len(cols) == 0 && e.Format == source.CSV { // blank lines only
		return o, nil
	}
	var b *source.Binding
	if e.Format == source.XML || e.Format == source.JSONL {
		b, err = e.Bind(e.ColumnNames())
	} else {
		b, err = e.Bind(cols)
	}
	var hp *source.HeaderProblem
	if errors.As(err, &hp) {
		return o, &quarantine{kind: hp.Kind, reason: hp.Reason}
	}
	if err != nil {
		return o, err
	}
	if e.Format == source.CSV && !e.Snapshot && f.size >= bigFile && r.opt.Workers > 1 {
		rd.Close()
		if err := r.chunked(f, e, b, o); err != nil {
			return o, err
		}
	} else {
		v := b.NewValidator(entry.Name, f.d.Kreis, pz)
		if err := r.rows(e, rd, v, o, o.part0()); err != nil {
			return o, err
		}
		o.count()
	}
	if m, ok := rd.(read.Matcher); ok && m.Matched() == 0 && (o.entry.RowsRead > 0 || len(rd.Extra()) > 0) {
		// JSON Lines or XML none of whose records holds a field of the contract: another
		// kind of data, as a CSV file with a foreign header is, not a file of bad rows.
		hp := e.Foreign(rd.Extra(), 0)
		return o, &quarantine{kind: hp.Kind, reason: hp.Reason}
	}
	if x, ok := rd.(interface{ RootAttrs() map[string]string }); ok && f.d.Kreis != "" {
		if k := x.RootAttrs()["kreis"]; k != f.d.Kreis {
			return o, &quarantine{kind: source.KindUnreadable, reason: fmt.Sprintf("Kreis %s im Dokument passt nicht zum Dateinamen (%s)", source.ShownKreis(k), f.d.Kreis)}
		}
	}
	// Only names of a contract's columns are recorded as they are: any other may be a
	// note typed into a header cell (source.ShownExtra).
	o.entry.Extra = source.ShownExtra(append(b.Extra, rd.Extra()...))
	if pipeline.TooManyRejects(o.entry.Rejected, o.entry.RowsRead, r.opt.Share, r.opt.MinRejects) {
		return o, &quarantine{kind: source.KindTooManyRejects, reason: fmt.Sprintf(
			"%d von %d Zeilen abgewiesen (mehr als %s %%): das Exportformat hat sich vermutlich geändert",
			o.entry.Rejected, o.entry.RowsRead, strings.TrimSuffix(fmt.Sprintf("%.1f", r.opt.Share*100), ".0"))}
	}
	return o, nil
}

// readHead returns the first read.HeadSize bytes of a file.
func readHead(path string) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	head := make([]byte, read.HeadSize)
	n, err := io.ReadFull(fh, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return head[:n], nil
}

// checkKind looks at what a delivery is, whatever its name says: a workbook must be a
// ZIP archive, the other exports text; an XML delivery must start with markup. The
// reason names what the file is and what was expected.
func checkKind(e *source.Export, head []byte) *quarantine {
	k := read.Sniff(head)
	switch {
	case e.Format == source.XLSX && k != read.KindZIP:
		return &quarantine{kind: source.KindWrongFormat, reason: fmt.Sprintf("die Datei ist keine Excel-Arbeitsmappe (.xlsx), sondern %s; erwartet: %s", k.Describe(), e.Expected())}
	case e.Format == source.XLSX:
		return nil
	case e.Format == source.XML && k == read.KindUTF16:
		return &quarantine{kind: source.KindBadEncoding, reason: "die Datei ist in UTF-16 gespeichert; erwartet ist UTF-8 oder ISO-8859-1, wie die XML-Deklaration sagt: in der richtigen Kodierung neu exportieren lassen"}
	case k == read.KindZIP || k == read.KindXLS || k == read.KindPDF || k == read.KindBinary:
		return &quarantine{kind: source.KindWrongFormat, reason: fmt.Sprintf("die Datei ist keine Textdatei, sondern %s; erwartet: %s", k.Describe(), e.Expected())}
	case e.Format == source.XML:
		t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF")), " \t\r\n")
		if len(t) > 0 && t[0] != '<' {
			return &quarantine{kind: source.KindWrongFormat, reason: "die Datei ist kein XML-Dokument, sondern eine andere Textdatei; erwartet: " + e.Expected()}
		}
	}
	return nil
}

// checkEncoding looks at the head of a text delivery for another encoding than its
// export's (read.CheckEncoding).
func checkEncoding(e *source.Export, head []byte) error {
	want := e.Encoding
	switch e.Format {
	case source.CSV, source.StatTable, source.Genesis:
	case source.JSONL:
		want = read.UTF8
	default:
		return nil // XLSX is zipped XML; XML declares its encoding
	}
	return read.CheckEncoding(head, want)
}

// foreignHead reads the header of a CSV delivery or statistics table from its head,
// taken as UTF-8, and returns the header problem of a table that is not the export's.
// A file in the wrong encoding that is the wrong table too (a GENESIS table delivered
// as the refugee figures) is told as the wrong table.
func foreignHead(e *source.Export, head []byte) *source.HeaderProblem {
	if e.Format != source.CSV && e.Format != source.StatTable {
		return nil
	}
	head = bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
	var first []string
	for _, l := range strings.Split(strings.ToValidUTF8(string(head), "\uFFFD"), "\n") {
		l = strings.TrimRight(l, "\r")
		if strings.TrimSpace(l) == "" {
			continue
		}
		cells := strings.Split(l, ";")
		for i := range cells {
			cells[i] = strings.Trim(strings.TrimSpace(cells[i]), `"`)
		}
		if e.Format == source.CSV {
			first = cells
			break
		}
		if cells[0] == e.Columns[0].Name {
			first = cells
			break
		}
	}
	if first == nil {
		if e.Format == source.StatTable {
			return &source.HeaderProblem{Kind: source.KindWrongHeader, Reason: "keine Kopfzeile der Lieferung " + e.Title + " gefunden; erwartet: " + e.Expected()}
		}
		return nil
	}
	var hp *source.HeaderProblem
	if _, err := e.Bind(first); errors.As(err, &hp) && hp.Kind == source.KindWrongHeader {
		return hp
	}
	return nil
}

// open opens a delivery with its format's reader; tmp is where a workbook's large parts
// are unpacked.
func open(e *source.Export, path, tmp string) (read.Reader, error) {
	if e.Format == source.XLSX {
		return read.OpenXLSX(path, read.XLSXOptions{Sheet: e.Sheet, DateColumns: e.DateColumns(), TmpDir: tmp})
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	var rd read.Reader
	switch e.Format {
	case source.CSV:
		rd, err = read.NewCSV(fh, read.CSVOptions{Encoding: e.Encoding})
	case source.StatTable:
		rd, err = read.NewStatTable(fh, read.StatTableOptions{Encoding: e.Encoding, HeaderFirst: e.Columns[0].Name})
	case source.Genesis:
		g := e.Genesis
		rd, err = read.NewGenesis(fh, read.GenesisOptions{Encoding: e.Encoding, Statistic: g.Statistic, Variables: g.Variables, Value: g.Value})
	case source.XML:
		rd, err = read.NewXML(fh, read.XMLOptions{Root: e.Root, Record: e.Record, Fields: e.ColumnNames()})
	case source.JSONL:
		rd, err = read.NewJSONL(fh, e.ColumnNames())
	}
	if err != nil {
		fh.Close()
		return nil, err
	}
	return rd, nil
}

// genesisStichtag is the quarantine of a GENESIS table whose time is not the Stichtag
// its name says (nil where it is, or where no line said a time).
func genesisStichtag(found, want string) *quarantine {
	if found == "" || found == want {
		return nil
	}
	shown := "kein Datum"
	if t, err := time.Parse("2006-01-02", found); err == nil {
		shown = t.Format("02.01.2006")
	}
	w, _ := time.Parse("2006-01-02", want)
	return &quarantine{kind: source.KindUnreadable, reason: fmt.Sprintf("die Tabelle hat den Stichtag %s (Spalte time), der Dateiname %s: Datei mit dem richtigen Stichtag im Namen neu liefern",
		shown, w.Format("02.01.2006"))}
}

// statStichtag checks a statistics table's "Stichtag:" line against the month of its
// name: a table of October named for November would be taken in as November's. A table
// without the line is dated by its name. The line's text is shown only where it is a
// date.
func statStichtag(found, want string) *quarantine {
	if found == "" {
		return nil
	}
	w, _ := time.Parse("2006-01-02", want)
	t, err := time.Parse("2.1.2006", found)
	if err == nil && t.Year() == w.Year() && t.Month() == w.Month() {
		return nil
	}
	if err != nil {
		return &quarantine{kind: source.KindUnreadable, reason: fmt.Sprintf("die Zeile „Stichtag:“ der Tabelle nennt kein Datum (TT.MM.JJJJ), der Dateiname den Monat %s: Datei mit lesbarem Stichtag neu liefern",
			w.Format("01/2006"))}
	}
	return &quarantine{kind: source.KindUnreadable, reason: fmt.Sprintf("die Tabelle hat den Stichtag %s (Zeile „Stichtag:“), der Dateiname den Monat %s: Datei mit dem richtigen Monat im Namen neu liefern",
		t.Format("02.01.2006"), w.Format("01/2006"))}
}

// asQuarantine turns a reader's file error into a quarantine.
func asQuarantine(e *source.Export, err error) error {
	var ft *read.ForeignTableError
	if errors.As(err, &ft) && e.Format == source.Genesis {
		hp := e.ForeignTable(ft.Found)
		return &quarantine{kind: hp.Kind, reason: hp.Reason}
	}
	var fe *read.FileError
	if errors.As(err, &fe) {
		if fe.Found != nil {
			hp := e.Foreign(fe.Found, 0)
			return &quarantine{kind: hp.Kind, reason: hp.Reason}
		}
		if strings.HasPrefix(fe.Reason, "keine Kopfzeile") || strings.Contains(fe.Reason, "falsches Trennzeichen") {
			return &quarantine{kind: source.KindWrongHeader, reason: fe.Error() + "; erwartet: " + e.Expected()}
		}
		kind := source.KindUnreadable
		if fe.Encoding || strings.Contains(fe.Reason, "ungültig sind") || strings.Contains(fe.Reason, "Zeichensatz") ||
			strings.Contains(fe.Reason, "invalid UTF-8") || strings.Contains(fe.Reason, "UTF-16") {
			kind = source.KindBadEncoding
		}
		return &quarantine{kind: kind, reason: fe.Error(), detail: fe.Detail}
	}
	return err
}

func (o *outcome) part0() *lake.PartWriter {
	if len(o.parts) == 0 {
		return nil
	}
	return o.parts[0]
}

// chunked reads a large CSV delivery in chunks, one goroutine and one Parquet part each.
func (r *run) chunked(f file, e *source.Export, b *source.Binding, o *outcome) error {
	chunks, err := read.SplitCSV(f.path, 2*r.opt.Workers)
	if err != nil {
		return err
	}
	header := b.Header()
	subs := make([]*outcome, len(chunks))
	for i := range chunks {
		subs[i] = newOutcome(o.entry, r.lake.Root(), i<<40)
		if i == 0 {
			subs[0].parts = o.parts
			continue
		}
		p, err := lake.Create(r.lake.DeltaPath(e.Name, o.entry.Stichtag, o.entry.Name, i), e.Name, e.Fields())
		if err != nil {
			return err
		}
		subs[i].parts = []*lake.PartWriter{p}
		o.parts = append(o.parts, p)
	}
	errs := make([]error, len(chunks))
	panics := make([]*chunkPanic, len(chunks))
	next := make(chan int, len(chunks))
	for i := range chunks {
		next <- i
	}
	close(next)
	r.spawn(next, func(i int, pz *protect.Pseudonymizer) {
		defer func() {
			// A panic here would end the process: it is carried to prepare's goroutine,
			// which recovers it (the file stays in the inbox, the run goes on).
			if v := recover(); v != nil {
				panics[i] = &chunkPanic{v: v, stack: debug.Stack()}
			}
		}()
		if testPanic != nil {
			testPanic(fmt.Sprintf("%s chunk %d", o.entry.Name, i))
		}
		fh, err := os.Open(f.path)
		if err != nil {
			errs[i] = err
			return
		}
		defer fh.Close()
		rd := read.NewCSVChunk(io.NewSectionReader(fh, chunks[i].Offset, chunks[i].Size), read.CSVOptions{Encoding: e.Encoding}, header, chunks[i])
		v := b.NewValidator(o.entry.Name, f.d.Kreis, pz)
		errs[i] = r.rows(e, rd, v, subs[i], subs[i].parts[0])
	}).Wait()
	for _, p := range panics {
		if p != nil {
			panic(*p)
		}
	}
	// The chunks' findings follow the file's own (none: its header is bound already).
	o.findings = o.findings[:1]
	for _, s := range subs {
		o.findings = append(o.findings, s.findings...)
	}
	for i, s := range subs {
		if errs[i] != nil {
			return errs[i]
		}
		s.count()
		o.entry.RowsRead += s.entry.RowsRead
		o.entry.Orphans += s.entry.Orphans
		o.entry.Rejected += s.entry.Rejected
		o.entry.Flagged += s.entry.Flagged
	}
	o.entry.Accepted = o.entry.RowsRead - o.entry.Rejected
	return nil
}

// count completes the entry's counts from the rows read.
func (o *outcome) count() {
	o.entry.Rejected, o.entry.Flagged = o.marks.counts()
	o.entry.Accepted = o.entry.RowsRead - o.entry.Rejected
}

// rows reads and validates every row of rd; valid rows of a delta go to part. Rows are
// counted by their ordinal, not their line: several XML records may share a line.
func (r *run) rows(e *source.Export, rd read.Reader, v *source.Validator, o *outcome, part *lake.PartWriter) error {
	var rec pipeline.Record
	var found []pipeline.Finding // the row's
	keyCol, clientCol := -1, -1
	if e.Snapshot {
		keyCol = e.KeyColumn()
	}
	if !e.ClientMaster() {
		clientCol = e.ClientColumn() // its clients are checked against the client master's
	}
	n := r.sizeHint(e)
	first := newKeyIndex(n)        // snapshot keys: the first row that carried each
	var clientOf map[string]string // snapshot keys: the client token of the accepted row
	if clientCol >= 0 {
		clientOf = make(map[string]string, n)
	}
	for {
		row, err := rd.Next()
		if err == io.EOF {
			if c := r.sizes[e.Name]; c != nil {
				c.Store(int64(len(o.states)))
			}
			break
		}
		ord := o.seq
		o.seq++
		if err != nil {
			if f, ok := v.ReadError(err); ok {
				o.entry.RowsRead++
				o.reject(f, ord)
				o.rejectedKreis(e, "")
				continue
			}
			return asQuarantine(e, err)
		}
		o.entry.RowsRead++
		rec, found = v.Row(row, rec, found[:0])
		if rec == nil {
			o.rejectedKreis(e, v.RejectedKreis(found))
		}
		for _, f := range found {
			o.finding(f)
			if f.Rejected {
				o.marks.reject(ord)
			} else {
				o.marks.flagged(ord)
			}
		}
		if e.Snapshot && v.Valid(keyCol) {
			// Every row with a duplicated key is rejected, also where another cell
			// rejected it already.
			key := v.Token(keyCol)
			if s, ok := first.get(key); ok {
				if !s.dup() {
					o.reject(duplicate(o, e, keyCol, int(s.line)), int(s.ord))
					delete(o.states, key)
					first.put(key, seen{s.line, s.ord | seenDup})
				}
				o.reject(duplicate(o, e, keyCol, row.Line), ord)
				continue
			}
			if row.Line > math.MaxUint32 || ord >= seenDup {
				return &quarantine{kind: source.KindUnreadable, reason: "mehr als 2.147.483.647 Zeilen: für einen Bestand zu groß; die Lieferung aufteilen lassen"}
			}
			first.put(key, seen{uint32(row.Line), uint32(ord)})
			if rec != nil {
				o.states[key] = lake.Pack(rec)
				if clientCol >= 0 {
					clientOf[key] = v.Token(clientCol)
				}
			}
			continue
		}
		if rec == nil {
			continue
		}
		if clientCol >= 0 {
			if tok := v.Token(clientCol); tok != "" && !r.isClient(tok) {
				o.orphan(e, clientCol, row.Line, ord)
			}
		}
		if err := part.Write(rec); err != nil {
			return err
		}
	}
	// Orphans of a snapshot: told once its duplicates are known, in the order of the file.
	var keys []string
	for k := range o.states {
		if tok := clientOf[k]; tok != "" && !r.isClient(tok) {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(a, b int) bool { return first.at(keys[a]).ord < first.at(keys[b]).ord })
	for _, k := range keys {
		s := first.at(k)
		o.orphan(e, clientCol, int(s.line), int(s.ord&^seenDup))
	}
	if err := o.findings[len(o.findings)-1].err; err != nil {
		return err // the findings could not be written aside (a full disk)
	}
	if part != nil {
		return part.Finish() // its buffers go now, not when the delivery is committed
	}
	return nil
}

// seen is the first row that carried a snapshot key (its line and ordinal), and whether
// another one did (the ordinal's top bit). 8 bytes: a hostile snapshot of millions of
// rejected rows with a key each is held by this index.
type seen struct{ line, ord uint32 }

const seenDup = 1 << 31

func (s seen) dup() bool { return s.ord&seenDup != 0 }

// keyIndex maps a snapshot's keys to the first row that carried each. A key is a token,
// held as the 16 bytes of its hash (protect.Digest): some 40 bytes a key, where its text
// in a map took 100.
type keyIndex struct {
	kind  byte // of the tokens in digests
	sums  map[[16]byte]seen
	texts map[string]seen // keys that are no tokens, or tokens of another kind
}

// newKeyIndex makes an index for about n keys.
func newKeyIndex(n int) *keyIndex {
	return &keyIndex{sums: make(map[[16]byte]seen, n), texts: map[string]seen{}}
}

func (k *keyIndex) get(key string) (seen, bool) {
	if kind, sum, ok := protect.Digest(key); ok && kind == k.kind {
		s, ok := k.sums[sum]
		return s, ok
	}
	s, ok := k.texts[key]
	return s, ok
}

func (k *keyIndex) at(key string) seen { s, _ := k.get(key); return s }

func (k *keyIndex) put(key string, s seen) {
	kind, sum, ok := protect.Digest(key)
	if ok && len(k.sums) == 0 && len(k.texts) == 0 {
		k.kind = kind
	}
	if ok && kind == k.kind {
		k.sums[sum] = s
		return
	}
	k.texts[key] = s
}

func duplicate(o *outcome, e *source.Export, keyCol, line int) pipeline.Finding {
	return pipeline.Finding{File: o.entry.Name, Line: line, Column: e.Columns[keyCol].Name, Kind: source.KindDuplicateKey,
		Reason: "Schlüssel mehrfach im Bestand: alle Zeilen mit ihm abgewiesen"}
}

// orphan flags a kept row whose person the client master has never held.
func (o *outcome) orphan(e *source.Export, clientCol, line, ord int) {
	o.finding(pipeline.Finding{File: o.entry.Name, Line: line, Column: e.Columns[clientCol].Name,
		Kind: source.KindOrphan, Reason: "Person fehlt im Kundenbestand: Zeile übernommen"})
	o.marks.flagged(ord)
	o.entry.Orphans++
}

// rejectedKreis counts a rejected row of an aggregate table for the Kreis whose total
// it makes unknown ("": it does not say which).
func (o *outcome) rejectedKreis(e *source.Export, kreis string) {
	if e.AggregateKreis == "" {
		return
	}
	if kreis == "" {
		kreis = lake.UnknownKreis
	}
	if o.entry.RejectedKreis == nil {
		o.entry.RejectedKreis = map[string]int{}
	}
	o.entry.RejectedKreis[kreis]++
}

func (o *outcome) reject(f pipeline.Finding, ord int) {
	f.Rejected = true
	o.finding(f)
	o.marks.reject(ord)
}

// isClient reports whether the client master knows a token. Workers call it while the
// client master's history is complete and no longer changes.
func (r *run) isClient(tok string) bool {
	return r.clients == nil || r.clients.Has(tok)
}

// commit puts an outcome into the lake.
func (r *run) commit(f file, o *outcome, st stamp) error {
	e := f.d.Export
	defer o.release()
	// Conservation: every row read is accepted or rejected, never both, never neither.
	if o.entry.RowsRead != o.entry.Accepted+o.entry.Rejected {
		return fmt.Errorf("conservation violated: %d read, %d accepted, %d rejected", o.entry.RowsRead, o.entry.Accepted, o.entry.Rejected)
	}
	if e.Snapshot {
		if int64(len(o.states))+int64(o.entry.Rejected) < int64(o.entry.RowsRead) {
			return fmt.Errorf("conservation violated: %d states for %d accepted rows", len(o.states), o.entry.Accepted)
		}
		h, err := r.lake.History(e.Name, e.Fields(), e.KeyColumn())
		if err != nil {
			return err
		}
		s, _ := time.Parse("2006-01-02", o.entry.Stichtag)
		if prev := r.lake.Manifest().Find(o.entry.Name); prev != nil && prev.Outcome == lake.Ingested {
			// A corrected delivery replaces the earlier one of the same day as a whole.
			h.RetractPacked(day(s), o.states)
		}
		h.ApplyPacked(day(s), r.nextStichtag(e.Name, o.entry.Stichtag), o.states)
	} else {
		// A corrected delivery replaces the day's rows: the warehouse build's cache of
		// the day's month must not keep the replaced ones until the next build.
		if err := lake.DropCompactMonth(r.lake.Root(), e.Name, o.entry.Stichtag); err != nil {
			return err
		}
		for _, p := range o.parts {
			if err := p.Commit(); err != nil {
				return err
			}
		}
		if err := r.lake.RemoveStaleParts(e.Name, o.entry.Stichtag, o.entry.Name, len(o.parts)); err != nil {
			return err
		}
	}
	fw, err := lake.Create(r.lake.FindingsPath(e.Name, o.entry.Stichtag, o.entry.Name), "findings", lake.FindingFields)
	if err != nil {
		return err
	}
	o.entry.Findings = map[string]int{}
	byKind := map[string]int64{}
	if err := o.eachFinding(func(fd pipeline.Finding) error {
		o.entry.Findings[fd.Kind]++
		byKind[fd.Kind]++
		return fw.Write(lake.FindingRecord(fd))
	}); err != nil {
		fw.Abort()
		return err
	}
	for k, n := range byKind {
		r.sum.ByKind[k] += n
	}
	if err := fw.Commit(); err != nil {
		return err
	}
	o.entry.Outcome = lake.Ingested
	r.lake.Record(o.entry)
	if o.entry.RowsRead == 0 {
		r.sum.Empty = append(r.sum.Empty, o.entry.Name) // valid, and worth a word: an empty snapshot empties nothing
	}
	r.sum.Ingested++
	r.sum.RowsRead += int64(o.entry.RowsRead)
	r.sum.Accepted += int64(o.entry.Accepted)
	r.sum.Rejected += int64(o.entry.Rejected)
	r.sum.Flagged += int64(o.entry.Flagged)
	r.sum.Orphans += int64(o.entry.Orphans)
	r.sum.Bytes += o.entry.Size
	if len(o.entry.Extra) > 0 {
		r.sum.ExtraCols[o.entry.Name] = o.entry.Extra
	}
	r.moves = append(r.moves, r.moveFor(f, false, "", "", st))
	return nil
}

// nextStichtag returns the next Stichtag of export already in the lake after s (0: none).
func (r *run) nextStichtag(export, s string) int64 {
	for _, x := range r.lake.Manifest().Stichtage(export) {
		if x > s {
			t, _ := time.Parse("2006-01-02", x)
			return day(t)
		}
	}
	return 0
}

func day(t time.Time) int64 { return t.Unix() / 86400 }
