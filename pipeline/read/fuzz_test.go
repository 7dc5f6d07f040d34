package read

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// The fuzz targets check the property every reader promises, whatever the bytes: no
// panic; only io.EOF, *RowError and *FileError come back (the input is in memory, so no
// I/O error can occur); io.EOF is sticky; rows obey the contract; and the work is
// bounded: each call of Next consumes input, so a file of n bytes ends within n+2 calls.
// Seeds: testdata/fuzz/<FuzzName>/, which plain `go test` runs too.

// fuzzEncoding maps a fuzzed byte to an Encoding.
func fuzzEncoding(b byte) Encoding { return Encoding(b % 4) }

// fuzzComma maps a fuzzed byte to a separator.
func fuzzComma(b byte) byte { return []byte{';', ',', '\t'}[b%3] }

func FuzzCSV(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte, enc, comma byte) {
		r, err := NewCSV(bytes.NewReader(data), CSVOptions{Encoding: fuzzEncoding(enc), Comma: fuzzComma(comma)})
		checkFuzz(t, r, err, len(data)+2)
	})
}

func FuzzStatTable(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte, enc byte) {
		r, err := NewStatTable(bytes.NewReader(data), StatTableOptions{Encoding: fuzzEncoding(enc), HeaderFirst: "Kreis"})
		checkFuzz(t, r, err, len(data)+2)
	})
}

func FuzzGenesis(f *testing.F) {
	f.Add([]byte(genesisSeed))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewGenesis(bytes.NewReader(data), opt12531)
		var ft *ForeignTableError
		if errors.As(err, &ft) { // a flat file of another table: refused whole, as a file error is
			if ft.Line < 1 {
				t.Fatalf("foreign table at line %d", ft.Line)
			}
			return
		}
		checkFuzz(t, r, err, len(data)+2)
	})
}

// genesisSeed is a GENESIS flat file of the table asked for, with a line of another
// statistic.
const genesisSeed = "\xEF\xBB\xBFstatistics_code;statistics_label;time_code;time_label;time;" +
	"1_variable_code;1_variable_label;1_variable_attribute_code;1_variable_attribute_label;" +
	"2_variable_code;2_variable_label;2_variable_attribute_code;2_variable_attribute_label;" +
	"3_variable_code;3_variable_label;3_variable_attribute_code;3_variable_attribute_label;" +
	"4_variable_code;4_variable_label;4_variable_attribute_code;4_variable_attribute_label;" +
	"value;value_unit;value_variable_code;value_variable_label\n" +
	"12531;S;STAG;Stichtag;2024-12-31;KREISE;Kreise;05966;Olpe;SCHST2;S;SCHUTZST-OF;offen;GES;G;GESW;w;STAAG5;S;ST166;Ukraine;15;Anzahl;BEV030;Schutzsuchende\n" +
	"12411;S;STAG;Stichtag;2024-12-31;KREISE;Kreise;05966;Olpe;SCHST2;S;SCHUTZST-OF;offen;GES;G;GESW;w;STAAG5;S;ST166;Ukraine;.;Anzahl;BEV030;Schutzsuchende\n"

func FuzzXML(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewXML(bytes.NewReader(data), abhOptions)
		checkFuzz(t, r, err, len(data)+2)
	})
}

func FuzzJSONL(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewJSONL(bytes.NewReader(data), beratungFields)
		checkFuzz(t, r, err, len(data)+2)
	})
}

func FuzzXLSX(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "massnahmen.xlsx")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		r, err := OpenXLSX(p, XLSXOptions{Sheet: "Teilnahmen", DateColumns: []string{"Beginn", "Ende_geplant"}})
		// A sheet holds at most 1,048,576 rows; each call reads at least one.
		checkFuzz(t, r, err, 1<<20+2)
	})
}

// checkFuzz reads r (or looks at the constructor's err) and checks the property.
func checkFuzz(t *testing.T, r Reader, err error, budget int) {
	t.Helper()
	if err != nil {
		var fe *FileError
		if !errors.As(err, &fe) || fe.Reason == "" {
			t.Fatalf("constructor: %v (%T), want a *FileError with a reason", err, err)
		}
		return
	}
	columns := r.Columns()
	for _, c := range columns {
		if !utf8.ValidString(c) {
			t.Errorf("column %q is not UTF-8", c)
		}
	}
	last := 0
	for calls := 0; ; calls++ {
		if calls > budget {
			t.Fatalf("Next called %d times without reaching the end", calls)
		}
		row, err := r.Next()
		var re *RowError
		var fe *FileError
		if err != nil && row != nil {
			t.Fatalf("Next returned a row with %v", err)
		}
		switch {
		case err == nil:
			if row == nil {
				t.Fatalf("Next returned neither a row nor an error")
			}
			if row.Line < last || row.Line == last && !sharesLines(r) || row.Line < 1 {
				t.Fatalf("row line %d after line %d", row.Line, last)
			}
			last = row.Line
			if len(row.Fields) != len(columns) {
				t.Fatalf("line %d: %d fields for %d columns", row.Line, len(row.Fields), len(columns))
			}
			for _, v := range row.Fields {
				if !utf8.ValidString(v) {
					t.Fatalf("line %d: field %q is not UTF-8", row.Line, v)
				}
			}
			for _, n := range row.Notes {
				if n.Column < 0 || n.Column >= len(columns) {
					t.Fatalf("line %d: note %+v outside the columns", row.Line, n)
				}
			}
		case errors.As(err, &re):
			if re.Line < last || re.Line == last && !sharesLines(r) || re.Reason == "" {
				t.Fatalf("row error %q at line %d after line %d", re.Reason, re.Line, last)
			}
			last = re.Line
		case errors.As(err, &fe):
			if fe.Reason == "" {
				t.Fatalf("file error without a reason")
			}
			if err := r.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			return
		case err == io.EOF:
			if row, err := r.Next(); row != nil || err != io.EOF {
				t.Fatalf("after io.EOF: %v, %v", row, err)
			}
			if err := r.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			return
		default:
			t.Fatalf("Next: %v (%T), want io.EOF, *RowError or *FileError", err, err)
		}
	}
}
