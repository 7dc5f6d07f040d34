package erase

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ipoint/pipeline/read"
)

// The rewriting's fuzz targets: a file scrubbed of some of its records (chosen by their
// position and a fuzzed mask) reads back through pipeline/read as the original minus
// exactly those records: the other rows and row errors at the same lines (XML: the same
// rows in the same order, at the same lines), and the same end. Where a removed record
// was the one the reader stopped at (a byte invalid in the encoding), the rewritten
// file reads on: only what came before is compared.

// readBack is what a reader yields: its rows and row errors, and how it ended ("" at
// io.EOF).
type readBack struct {
	lines  []int
	events []string
	end    string
	endAt  int // the line of the end's *read.FileError; 0: none
}

func readAllOf(r read.Reader, err error) readBack {
	var b readBack
	if err != nil {
		b.end = "open: " + err.Error()
		return b
	}
	defer r.Close()
	for range 1 << 20 {
		row, err := r.Next()
		var re *read.RowError
		var fe *read.FileError
		switch {
		case err == nil:
			b.lines, b.events = append(b.lines, row.Line), append(b.events, fmt.Sprintf("%d %q %v", row.Line, row.Fields, row.Notes))
		case errors.As(err, &re):
			b.lines, b.events = append(b.lines, re.Line), append(b.events, re.Error())
		case err == io.EOF:
			return b
		default:
			b.end = err.Error()
			if errors.As(err, &fe) {
				b.endAt = fe.Line
			}
			return b
		}
	}
	b.end = "no end"
	return b
}

// without is b without the events at the lines gone; stop: only events before the line
// (0: all).
func (b readBack) without(gone map[int]bool, stop int) []string {
	var out []string
	for i, l := range b.lines {
		if (stop == 0 || l < stop) && !gone[l] {
			out = append(out, b.events[i])
		}
	}
	return out
}

// checkReadBack compares the original's and the rewritten file's readings, where the
// rows at the lines gone were removed.
func checkReadBack(t *testing.T, before, after readBack, gone map[int]bool) {
	t.Helper()
	if before.endAt > 0 && gone[before.endAt] {
		if got, want := after.without(nil, before.endAt), before.without(gone, before.endAt); !slices.Equal(got, want) {
			t.Fatalf("before line %d: rewritten reads %q, want %q", before.endAt, got, want)
		}
		return
	}
	if after.end != before.end {
		t.Fatalf("rewritten ends with %q, the original with %q", after.end, before.end)
	}
	if got, want := after.events, before.without(gone, 0); !slices.Equal(got, want) {
		t.Fatalf("rewritten reads\n%q\nwant\n%q", got, want)
	}
}

// mask chooses records to remove by their line and a fuzzed byte.
func masked(line int, mask byte) bool { return (line*131+int(mask))%3 == 0 }

// scrubMasked scrubs a file of the export named; gone lists the lines removed, order
// the indexes (in the order the scanner found the records).
func scrubMasked(t *testing.T, name string, data []byte, mask byte) (out []byte, gone map[int]bool, order []int) {
	f := classify(filepath.Join("inbox", name), KindInbox)
	if f.export == nil {
		t.Fatalf("%s: no export", name)
	}
	i := -1
	out, dropped, err := scrub(f, data, func(x *row) bool {
		i++
		if masked(x.line, mask) || mentions(x.raw, X) {
			order = append(order, i)
			return true
		}
		return false
	})
	if err != nil {
		return nil, nil, nil
	}
	if (out == nil) != (len(dropped) == 0) || len(dropped) != len(order) {
		t.Fatalf("%d rows dropped, %d chosen, rewritten: %v", len(dropped), len(order), out != nil)
	}
	gone = map[int]bool{}
	for _, x := range dropped {
		gone[x.line] = true
	}
	return out, gone, order
}

func FuzzRewriteCSV(f *testing.F) {
	f.Add([]byte(verbisHeader+"\r\n"+verbisRow(X, "", "M\xfcller;J;01.01.1980")+"\r\n\r\n"+verbisRow("975A000002", "", `"Al;`+"\r\n"+`Sayed";Omar;12.03.1988`)+"\r\n"+verbisRow("975A000003", "", "a;b;c")), byte(0))
	f.Add([]byte("\xef\xbb\xbfKundennummer,Nachname\n975D004711,\"x\ny\"\n1,2\n3,\xff\n4,5\n"), byte(1))
	f.Fuzz(func(t *testing.T, data []byte, mask byte) {
		out, gone, _ := scrubMasked(t, "verbis_kunden_20261101.csv", data, mask)
		if out == nil || bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
			return // nothing removed; a UTF-16 file no reader reads
		}
		open := func(b []byte) readBack {
			return readAllOf(read.NewCSV(bytes.NewReader(b), read.CSVOptions{Encoding: read.Windows1252, Comma: read.SniffComma(b)}))
		}
		checkReadBack(t, open(data), open(out), gone)
	})
}

func FuzzRewriteJSONL(f *testing.F) {
	f.Add([]byte(consultation("B-1", X)+"\n\n"+consultation("B-2", "975A000001")+"\r\n{\"id\":\n"+consultation("B-3", "975A000002")), byte(0))
	f.Add([]byte("\xef\xbb\xbf"+consultation("B-1", "975A000001")+"\n"+consultation("B-2", X)), byte(2))
	f.Fuzz(func(t *testing.T, data []byte, mask byte) {
		out, gone, _ := scrubMasked(t, "beratungen_202610.jsonl", data, mask)
		if out == nil {
			return
		}
		if gone[1] && bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}) {
			// The byte-order mark stays, and a line of it alone is a row error to the
			// reader (it tests for a blank line before it drops the mark): known, see
			// the branch's report.
			return
		}
		open := func(b []byte) readBack {
			return readAllOf(read.NewJSONL(bytes.NewReader(b), []string{"id", "datum", "kreis", "kundennummer", "betriebsnummer"}))
		}
		checkReadBack(t, open(data), open(out), gone)
	})
}

func FuzzRewriteXML(f *testing.F) {
	doc := func(enc string, records ...string) []byte {
		return []byte(`<?xml version="1.0" encoding="` + enc + `"?>` + "\n<aufenthaltsmeldungen kreis=\"05970\" stichtag=\"2026-11-01\">\n" + strings.Join(records, "") + "</aufenthaltsmeldungen>\n")
	}
	f.Add(doc("ISO-8859-1", meldung("M-1", "100000000001", X, "\xa7 25"), meldung("M-2", "100000000002", "", "x")), byte(0))
	f.Add(doc("UTF-8", meldung("M-1", "100000000001", "975A000001", "a"), "  <meldung id=\"M-2\"><azrNummer>1</azrNummer></meldung><meldung id=\"M-3\"/>\n"), byte(1))
	f.Fuzz(func(t *testing.T, data []byte, mask byte) {
		name := "abh_aufenthalt_05970_20261101.xml"
		out, _, order := scrubMasked(t, name, data, mask)
		if out == nil {
			return
		}
		e := classify(name, KindInbox).export
		open := func(b []byte) readBack {
			return readAllOf(read.NewXML(bytes.NewReader(b), read.XMLOptions{Root: e.Root, Record: e.Record, Fields: e.ColumnNames()}))
		}
		before, after := open(data), open(out)
		if before.end != "" {
			return // the reader quarantines the original: nothing to compare
		}
		var want []string
		for i, ev := range before.events {
			if !slices.Contains(order, i) {
				want = append(want, ev)
			}
		}
		if after.end != "" || !slices.Equal(after.events, want) {
			t.Fatalf("rewritten reads %q (end %q), want %q", after.events, after.end, want)
		}
	})
}

// FuzzRewriteXLSX builds a workbook of fuzzed cells (rows split at '\n', cells at ';',
// a cell starting with '#' written as a number), removes rows and reads it back.
func FuzzRewriteXLSX(f *testing.F) {
	f.Add("T-1;"+X+";IK;#46000\n\nT-2;975A000001;IK;01.11.2026\nT-3;975A000002;;;;x", byte(0))
	f.Fuzz(func(t *testing.T, cells string, mask byte) {
		wb := excelize.NewFile()
		defer wb.Close()
		if err := wb.SetSheetName("Sheet1", "Teilnahmen"); err != nil {
			t.Fatal(err)
		}
		name := "massnahmen_20261101.xlsx"
		e := classify(name, KindInbox).export
		header := e.ColumnNames()
		for i, h := range header {
			wb.SetCellValue("Teilnahmen", cellName(i, 1), h)
		}
		for r, line := range strings.Split(cells, "\n") {
			if r > 20 {
				break
			}
			for c, v := range strings.Split(line, ";") {
				if c >= len(header)+2 {
					break
				}
				var val any = v
				var n float64
				if _, err := fmt.Sscanf(v, "#%g", &n); err == nil {
					val = n
				}
				if err := wb.SetCellValue("Teilnahmen", cellName(c, r+2), val); err != nil {
					return // a value excelize does not take
				}
			}
		}
		var buf bytes.Buffer
		if err := wb.Write(&buf); err != nil {
			t.Fatal(err)
		}
		data := buf.Bytes()
		out, gone, _ := scrubMasked(t, name, data, mask)
		if out == nil {
			return
		}
		dir := t.TempDir()
		open := func(b []byte, file string) readBack {
			p := filepath.Join(dir, file)
			if err := os.WriteFile(p, b, 0o600); err != nil {
				t.Fatal(err)
			}
			return readAllOf(read.OpenXLSX(p, read.XLSXOptions{Sheet: e.Sheet, DateColumns: e.DateColumns()}))
		}
		checkReadBack(t, open(data, "before.xlsx"), open(out, "after.xlsx"), gone)
	})
}

func cellName(col, row int) string {
	n, _ := excelize.CoordinatesToCellName(col+1, row)
	return n
}
