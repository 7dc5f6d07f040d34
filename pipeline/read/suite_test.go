package read

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// One suite for every reader (design.md, habit 8): each format gets an adapter that opens
// its bytes, and samples whose outcome the suite knows; the suite checks the contract
// of read.go that holds for all of them.

type format struct {
	name    string
	open    func(t testing.TB, data []byte) (Reader, error)
	samples func(t testing.TB) []sample
}

type sample struct {
	name    string
	data    []byte
	rows    int  // rows expected before the end
	rowErrs int  // *RowErrors expected before the end
	fileErr bool // ends in a *FileError (from the constructor or from Next) instead of io.EOF
}

func formats() []format {
	return []format{
		{name: "CSV",
			open: func(_ testing.TB, data []byte) (Reader, error) {
				return NewCSV(bytes.NewReader(data), CSVOptions{Encoding: Windows1252})
			},
			samples: func(testing.TB) []sample {
				return []sample{
					{name: "clean", rows: 3, data: []byte("Kundennummer;Nachname;Gemeinde\r\n975D004711;M\xfcller;\"Siegen;\r\nNord\"\r\n\r\n975D004712;\"\"\"X\"\"\";Olpe\r\n975D004713;;Wenden\r\n")},
					{name: "dirty", rows: 2, rowErrs: 3, data: []byte("a;b\r\n1;2\r\n1\r\n\"x\"y;2\r\n3;4\r\n5;6;7\r\n")},
					{name: "cut", rows: 1, rowErrs: 1, data: []byte("a;b\r\n1;2\r\n3;")},
					{name: "header only", data: []byte("a;b\r\n")},
					{name: "empty"},
					{name: "invalid byte", rows: 1, fileErr: true, data: []byte("a;b\r\n1;2\r\n3;\x81\r\n5;6\r\n")},
					{name: "UTF-16", fileErr: true, data: []byte("\xFF\xFEa\x00;\x00b\x00\r\x00\n\x00")},
				}
			}},
		{name: "XLSX",
			open: func(t testing.TB, data []byte) (Reader, error) {
				return OpenXLSX(writeTemp(t, "massnahmen.xlsx", data), XLSXOptions{Sheet: "Teilnahmen", DateColumns: []string{"Beginn", "Ende_geplant"}})
			},
			samples: func(t testing.TB) []sample {
				return []sample{
					{name: "clean", rows: 3, data: measuresWorkbook(t)},
					{name: "dirty", rows: 1, rowErrs: 2, data: buildWorkbook(t, func(f *excelize.File) {
						f.SetSheetName("Sheet1", "Teilnahmen")
						setRow(t, f, "Teilnahmen", 1, teilnahmenHeader...)
						setRow(t, f, "Teilnahmen", 2, "T-1", "975D004711", "IK", -5)
						setRow(t, f, "Teilnahmen", 3, "T-2", "975D004711", "IK", "01.01.2026")
						setRow(t, f, "Teilnahmen", 9, "T-3", "975D004711", "IK", "", "", "rechts")
					})},
					{name: "header only", data: buildWorkbook(t, func(f *excelize.File) {
						f.SetSheetName("Sheet1", "Teilnahmen")
						setRow(t, f, "Teilnahmen", 1, teilnahmenHeader...)
					})},
					{name: "empty", fileErr: true},
					{name: "not a workbook", fileErr: true, data: []byte("PK\x03\x04 kein ZIP")},
				}
			}},
		{name: "XML",
			open: func(_ testing.TB, data []byte) (Reader, error) {
				return NewXML(bytes.NewReader(data), abhOptions)
			},
			samples: func(testing.TB) []sample {
				return []sample{
					{name: "clean", rows: 2, data: []byte(abhDoc("ISO-8859-1", "\xa7 25"))},
					{name: "root only", data: []byte("<aufenthaltsmeldungen/>")},
					{name: "cut", rows: 1, fileErr: true, data: []byte(abhDoc("UTF-8", "x")[:420])},
					{name: "empty", fileErr: true},
				}
			}},
		{name: "JSONL",
			open: func(_ testing.TB, data []byte) (Reader, error) {
				return NewJSONL(bytes.NewReader(data), beratungFields)
			},
			samples: func(testing.TB) []sample {
				return []sample{
					{name: "clean", rows: 3, data: []byte("{\"id\":\"a\",\"dauer_min\":45}\n\n{\"id\":\"b\",\"x\":null}\r\n{\"id\":\"c\"}")},
					{name: "dirty", rows: 2, rowErrs: 3, data: []byte("{\"id\":\"a\"}\n[]\n{\"id\":{}}\n{\"id\":\"b\"}\n{\"id\":")},
					{name: "empty"},
					{name: "invalid UTF-8", rows: 1, fileErr: true, data: []byte("{\"id\":\"a\"}\n{\"id\":\"\xe4\"}\n")},
				}
			}},
		{name: "StatTable",
			open: func(_ testing.TB, data []byte) (Reader, error) {
				return NewStatTable(bytes.NewReader(data), StatTableOptions{Encoding: ISO88591, HeaderFirst: "Kreis"})
			},
			samples: func(testing.TB) []sample {
				return []sample{
					{name: "clean", rows: 3, data: []byte(kiTable)},
					{name: "dirty", rows: 1, rowErrs: 2, data: []byte("Kreis;Anzahl\n1\n2;3\n4;5;6\n")},
					{name: "header only", data: []byte("Kreis;Anzahl\n")},
					{name: "empty", fileErr: true},
					{name: "no header", fileErr: true, data: []byte("Stichtag: 31.10.2026\n")},
				}
			}},
		{name: "GENESIS",
			open: func(_ testing.TB, data []byte) (Reader, error) {
				return NewGenesis(bytes.NewReader(data), opt12531)
			},
			samples: func(t testing.TB) []sample {
				real := readReal(t.(*testing.T))
				lines := strings.SplitAfter(string(real), "\n")
				head := lines[0]
				return []sample{
					{name: "real file", rows: 790, data: real},
					{name: "dirty", rows: 2, rowErrs: 3, data: []byte(head + "12531;x\n" + lines[1] + strings.Replace(lines[2], ";2024-12-31;", ";2023-12-31;", 1) + lines[3] + lines[4][:30])},
					{name: "header only", data: []byte(head)},
					{name: "empty", fileErr: true},
					{name: "invalid byte", rows: 1, fileErr: true, data: []byte(head + lines[1] + strings.Replace(lines[2], "Ukraine", "Ukra\xefne", 1))},
				}
			}},
	}
}

func TestReaderSuite(t *testing.T) {
	for _, f := range formats() {
		t.Run(f.name, func(t *testing.T) {
			for _, s := range f.samples(t) {
				t.Run(s.name, func(t *testing.T) { runSuite(t, f, s) })
			}
		})
	}
}

func runSuite(t *testing.T, f format, s sample) {
	// Close right after opening is safe.
	if r, err := f.open(t, s.data); err == nil {
		closeReader(t, r)
	}

	r, err := f.open(t, s.data)
	if err != nil {
		var fe *FileError
		if !errors.As(err, &fe) || fe.Reason == "" {
			t.Fatalf("constructor: %v (%T), want a *FileError with a reason", err, err)
		}
		if !s.fileErr {
			t.Fatalf("constructor: %v", err)
		}
		return
	}
	columns := slices.Clone(r.Columns())
	for _, c := range columns {
		if !utf8.ValidString(c) {
			t.Errorf("column %q is not UTF-8", c)
		}
	}
	rows, rowErrs, last := 0, 0, 0
	var end error
	for calls := 0; end == nil; calls++ {
		if calls == maxCalls {
			t.Fatalf("Next did not reach the end")
		}
		row, err := r.Next()
		var re *RowError
		switch {
		case err == nil:
			rows++
			if row.Line < last || row.Line == last && !sharesLines(r) || row.Line < 1 {
				t.Errorf("row line %d after line %d", row.Line, last)
			}
			last = row.Line
			if len(row.Fields) != len(columns) {
				t.Errorf("line %d: %d fields, %d columns", row.Line, len(row.Fields), len(columns))
			}
			for _, v := range row.Fields {
				if !utf8.ValidString(v) {
					t.Errorf("line %d: field %q is not UTF-8", row.Line, v)
				}
			}
			for _, n := range row.Notes {
				if n.Column < 0 || n.Column >= len(columns) || n.Kind == "" {
					t.Errorf("line %d: note %+v", row.Line, n)
				}
			}
		case errors.As(err, &re):
			rowErrs++
			if row != nil {
				t.Errorf("a row with %v", err)
			}
			if re.Line < last || re.Line == last && !sharesLines(r) {
				t.Errorf("row error at line %d after line %d", re.Line, last)
			}
			last = re.Line
			if re.Reason == "" {
				t.Errorf("row error without a reason at line %d", re.Line)
			}
		default:
			if row != nil {
				t.Errorf("a row with %v", err)
			}
			end = err
		}
	}
	if rows != s.rows || rowErrs != s.rowErrs {
		t.Errorf("%d rows, %d row errors; want %d, %d", rows, rowErrs, s.rows, s.rowErrs)
	}
	var fe *FileError
	switch {
	case s.fileErr:
		if !errors.As(end, &fe) || fe.Reason == "" {
			t.Errorf("end %v (%T), want a *FileError with a reason", end, end)
		}
		r.Next() // the caller stops here; another call must still not panic
	case end != io.EOF:
		t.Errorf("end %v (%T), want io.EOF", end, end)
	default:
		for range 3 {
			if row, err := r.Next(); row != nil || err != io.EOF {
				t.Fatalf("after io.EOF: %v, %v; want nil, io.EOF", row, err)
			}
		}
	}
	if !slices.Equal(r.Columns(), columns) {
		t.Errorf("Columns changed while reading: %q, was %q", r.Columns(), columns)
	}
	if x := r.Extra(); !slices.IsSorted(x) || len(slices.Compact(slices.Clone(x))) != len(x) {
		t.Errorf("Extra %q is not sorted and unique", x)
	}
	closeReader(t, r)
	r.Close() // a second Close may report an error, but must not panic
}

// sharesLines reports whether several rows of a reader may start on one line: XML
// records can (a whole document may be one line); the line-based formats cannot.
func sharesLines(r Reader) bool {
	_, ok := r.(*xmlReader)
	return ok
}
