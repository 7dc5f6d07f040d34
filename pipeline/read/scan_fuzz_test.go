package read

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"testing"
)

// The scanners' fuzz targets: whatever the bytes, a scanner does not panic, its records
// lie in order within the file (checkSpans), and where the format's reader reads the
// file, the scanner finds the records at the reader's lines (and, for CSV and JSON
// Lines, with the reader's values). Seeds: every case of the scanner suite.

// seedScans adds the suite's cases, rendered by the format named, to a fuzz target.
func seedScans(f *testing.F, format string, add func(data []byte)) {
	for _, sf := range scanFormats() {
		if sf.name == format {
			for _, c := range scanCases {
				data, _, _ := sf.render(c)
				add(data)
			}
		}
	}
}

// readEvents reads r until its end: rows and row errors, and the error that ended it
// (nil: io.EOF).
func readEvents(r Reader) (rows []Row, end error) {
	for range len(rows) + maxCalls {
		row, err := r.Next()
		var re *RowError
		switch {
		case err == nil:
			rows = append(rows, Row{Line: row.Line, Fields: slices.Clone(row.Fields)})
		case errors.As(err, &re):
			rows = append(rows, Row{Line: re.Line}) // no fields: rejected
		case err == io.EOF:
			return rows, nil
		default:
			return rows, err
		}
	}
	return rows, errors.New("no end")
}

// endLine is the line a reader's FileError names, or a line past every record.
func endLine(err error) int {
	var fe *FileError
	if errors.As(err, &fe) && fe.Line > 0 {
		return fe.Line
	}
	return 1 << 62
}

func FuzzScanCSV(f *testing.F) {
	seedScans(f, "CSV", func(b []byte) { f.Add(b, byte(0)) })
	f.Fuzz(func(t *testing.T, data []byte, comma byte) {
		sep := fuzzComma(comma)
		s := ScanCSV(data, sep)
		var recs []Record
		for s.Scan() {
			r := *s.Record()
			if !slices.Equal(r.Values, csvFields(data[r.Start:r.End], sep)) {
				t.Fatalf("line %d: values %q are not those of its bytes %q", r.Line, r.Values, data[r.Start:r.End])
			}
			recs = append(recs, r)
		}
		checkSpans(t, data, recs)
		r, err := NewCSV(bytes.NewReader(data), CSVOptions{Encoding: UTF8, Comma: sep})
		if err != nil {
			return // no header the reader accepts: it reads no row
		}
		rows, end := readEvents(r)
		stop := endLine(end)
		var scanned []Record
		for _, rec := range recs {
			if rec.Line < stop {
				scanned = append(scanned, rec)
			}
		}
		if len(rows) != len(scanned) {
			t.Fatalf("reader: %d rows and row errors before line %d, scanner: %d records", len(rows), stop, len(scanned))
		}
		for i, row := range rows {
			if row.Line != scanned[i].Line {
				t.Fatalf("record %d: reader's line %d, scanner's %d", i, row.Line, scanned[i].Line)
			}
			if row.Fields != nil && !slices.Equal(row.Fields, scanned[i].Values) {
				t.Fatalf("line %d: reader's fields %q, scanner's %q", row.Line, row.Fields, scanned[i].Values)
			}
		}
	})
}

func FuzzScanJSONL(f *testing.F) {
	seedScans(f, "JSONL", func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, data []byte) {
		var recs []Record
		for s := ScanJSONL(data); s.Scan(); {
			recs = append(recs, *s.Record())
		}
		checkSpans(t, data, recs)
		fields := []string{"id", "name", "kundennummer"}
		r, _ := NewJSONL(bytes.NewReader(data), fields)
		rows, end := readEvents(r)
		if len(rows) > 0 && rows[0].Line == 1 && bytes.HasPrefix(data, utf8BOM) {
			line, _, _ := bytes.Cut(data[len(utf8BOM):], []byte{'\n'})
			if len(bytes.TrimSpace(line)) == 0 {
				rows = rows[1:] // a line of a byte-order mark alone: the reader rejects it, the scanner skips it
			}
		}
		stop := endLine(end)
		var scanned []Record
		for _, rec := range recs {
			if rec.Line < stop {
				scanned = append(scanned, rec)
			}
		}
		if len(rows) != len(scanned) {
			t.Fatalf("reader: %d rows and row errors before line %d, scanner: %d records", len(rows), stop, len(scanned))
		}
		for i, row := range rows {
			rec := scanned[i]
			if row.Line != rec.Line {
				t.Fatalf("record %d: reader's line %d, scanner's %d", i, row.Line, rec.Line)
			}
			for k, key := range rec.Keys {
				if j := slices.Index(fields, key); j >= 0 && row.Fields != nil && row.Fields[j] != rec.Values[k] {
					t.Fatalf("line %d, %s: reader's %q, scanner's %q", row.Line, key, row.Fields[j], rec.Values[k])
				}
			}
		}
	})
}

func FuzzScanXML(f *testing.F) {
	seedScans(f, "XML", func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, data []byte) {
		var recs []Record
		s := ScanXML(data, "rec")
		for s.Scan() {
			recs = append(recs, *s.Record())
		}
		checkSpans(t, data, recs)
		for _, r := range recs {
			if data[r.Start] != '<' || data[r.End-1] != '>' {
				t.Fatalf("line %d: record %q is not an element", r.Line, data[r.Start:r.End])
			}
		}
		r, _ := NewXML(bytes.NewReader(data), XMLOptions{Root: "root", Record: "rec", Fields: []string{"@id", "name"}})
		rows, end := readEvents(r)
		if end != nil {
			return // the reader quarantines the file: it reads no row
		}
		if s.Err() != nil {
			t.Fatalf("the reader reads the document, the scanner fails: %v", s.Err())
		}
		var lines, scanned []int
		for _, row := range rows {
			lines = append(lines, row.Line)
		}
		for _, rec := range recs {
			scanned = append(scanned, rec.Line)
		}
		if !slices.Equal(lines, scanned) {
			t.Fatalf("reader's lines %v, scanner's %v", lines, scanned)
		}
	})
}

func FuzzScanSheet(f *testing.F) {
	seedScans(f, "XLSX worksheet", func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, data []byte) {
		ws, err := ScanSheet(data, &SharedStrings{Text: []string{"a", "b"}})
		if ws == nil {
			t.Fatalf("no sheet (%v)", err)
		}
		var recs []Record
		last := 0
		for _, r := range ws.Rows {
			recs = append(recs, r.Record)
			if data[r.Start] != '<' || data[r.End-1] != '>' {
				t.Fatalf("row %d: %q is not an element", r.Num, data[r.Start:r.End])
			}
			for _, i := range r.Shared {
				if i < 0 || i > 1 {
					t.Fatalf("row %d uses shared string %d of 2", r.Num, i)
				}
			}
			if r.Line != r.Num || r.Num < last {
				t.Fatalf("row %d at line %d after row %d", r.Num, r.Line, last)
			}
			last = r.Num
		}
		checkSpans(t, data, recs)
	})
}
