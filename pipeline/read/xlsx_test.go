package read

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// teilnahmenHeader is the header of the sheet "Teilnahmen" in the spec.
var teilnahmenHeader = []any{"Teilnahme_ID", "Kundennummer", "Massnahmeart", "Beginn", "Ende_geplant"}

// buildWorkbook creates a workbook, lets fill write cells, and returns its bytes.
func buildWorkbook(t testing.TB, fill func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	fill(f)
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatalf("write workbook: %v", err)
	}
	return buf.Bytes()
}

// writeTemp writes data to a file in a test directory and returns its path.
func writeTemp(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// setRow writes values into row n of sheet, from column A.
func setRow(t testing.TB, f *excelize.File, sheet string, n int, values ...any) {
	t.Helper()
	cell, _ := excelize.CoordinatesToCellName(1, n)
	if err := f.SetSheetRow(sheet, cell, &values); err != nil {
		t.Fatal(err)
	}
}

// setDate writes a real Excel date (a serial number with a date format).
func setDate(t testing.TB, f *excelize.File, sheet, cell string, d time.Time) {
	t.Helper()
	style, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellValue(sheet, cell, d); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStyle(sheet, cell, cell, style); err != nil {
		t.Fatal(err)
	}
}

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

// measuresWorkbook is the spec's workbook: an "Info" sheet first, then "Teilnahmen"
// with real dates, a date typed as text, an empty row inside and trailing empty rows.
func measuresWorkbook(t testing.TB) []byte {
	return buildWorkbook(t, func(f *excelize.File) {
		f.SetSheetName("Sheet1", "Info")
		setRow(t, f, "Info", 1, "Export", "Massnahmenverwaltung")
		setRow(t, f, "Info", 2, "Erstellt", "24.11.2026")
		if _, err := f.NewSheet("Teilnahmen"); err != nil {
			t.Fatal(err)
		}
		s := "Teilnahmen"
		setRow(t, f, s, 1, teilnahmenHeader...)
		setRow(t, f, s, 2, "T-1", "975D004711", "IK")
		setDate(t, f, s, "D2", day(2026, 3, 15))
		setDate(t, f, s, "E2", day(2026, 9, 30))
		setRow(t, f, s, 3, "T-2", "975D004712", "BSK", "01.04.2026")
		setDate(t, f, s, "E3", day(2027, 1, 31))
		// row 4 left out; row 5 with whitespace only counts as empty
		setRow(t, f, s, 5, "", " ")
		setRow(t, f, s, 6, "T-3", "975D004713", "MAT", 46000, "")
		// trailing rows that only carry a style
		style, _ := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Color: []string{"FFFF00"}, Pattern: 1}})
		if err := f.SetCellStyle(s, "A7", "E12", style); err != nil {
			t.Fatal(err)
		}
	})
}

func TestXLSX(t *testing.T) {
	opt := XLSXOptions{Sheet: "Teilnahmen", DateColumns: []string{"Beginn", "Ende_geplant"}}
	tests := []struct {
		name    string
		data    func(t testing.TB) []byte
		opt     XLSXOptions
		columns []string
		want    []string
		notes   map[int][]Note // by row line
		wantErr string
	}{
		{name: "spec workbook", data: measuresWorkbook, opt: opt,
			columns: []string{"Teilnahme_ID", "Kundennummer", "Massnahmeart", "Beginn", "Ende_geplant"},
			want: []string{
				`2 ["T-1" "975D004711" "IK" "15.03.2026" "30.09.2026"]`,
				`3 ["T-2" "975D004712" "BSK" "01.04.2026" "31.01.2027"]`,
				`6 ["T-3" "975D004713" "MAT" "09.12.2025" ""]`,
			},
			notes: map[int][]Note{3: {{Column: 3, Kind: NoteTextDate}}},
		},
		{name: "without date columns serials stay numbers", data: measuresWorkbook, opt: XLSXOptions{Sheet: "Teilnahmen"},
			want: []string{
				`2 ["T-1" "975D004711" "IK" "46096" "46295"]`,
				`3 ["T-2" "975D004712" "BSK" "01.04.2026" "46418"]`,
				`6 ["T-3" "975D004713" "MAT" "46000" ""]`,
			},
		},
		{name: "extra sheet is ignored, read it by name", data: measuresWorkbook, opt: XLSXOptions{Sheet: "Info"},
			columns: []string{"Export", "Massnahmenverwaltung"}, want: []string{`2 ["Erstellt" "24.11.2026"]`}},
		{name: "text in a date column", opt: opt, data: func(t testing.TB) []byte {
			return buildWorkbook(t, func(f *excelize.File) {
				f.SetSheetName("Sheet1", "Teilnahmen")
				setRow(t, f, "Teilnahmen", 1, teilnahmenHeader...)
				setRow(t, f, "Teilnahmen", 2, "T-1", "975D004711", "IK", "unbekannt", "NaN")
				setRow(t, f, "Teilnahmen", 3, "T-2", "975D004711", "IK", "Inf", "31.02.2026")
			})
		},
			want:  []string{`2 ["T-1" "975D004711" "IK" "unbekannt" "NaN"]`, `3 ["T-2" "975D004711" "IK" "Inf" "31.02.2026"]`},
			notes: map[int][]Note{2: {{3, NoteTextDate}, {4, NoteTextDate}}, 3: {{3, NoteTextDate}, {4, NoteTextDate}}},
		},
		{name: "serials outside Excel's dates", opt: opt, data: func(t testing.TB) []byte {
			return buildWorkbook(t, func(f *excelize.File) {
				f.SetSheetName("Sheet1", "Teilnahmen")
				setRow(t, f, "Teilnahmen", 1, teilnahmenHeader...)
				setRow(t, f, "Teilnahmen", 2, "T-1", "975D004711", "IK", -1)
				setRow(t, f, "Teilnahmen", 3, "T-2", "975D004711", "IK", 46000, 3e6)
				setRow(t, f, "Teilnahmen", 4, "T-3", "975D004711", "IK", 2958465, 1e300)
				setRow(t, f, "Teilnahmen", 5, "T-4", "975D004711", "IK", 46000.75)
			})
		},
			want: []string{
				"!2 [Beginn] Excel-Datum außerhalb des gültigen Bereichs",
				"!3 [Ende_geplant] Excel-Datum außerhalb des gültigen Bereichs",
				"!4 [Ende_geplant] Excel-Datum außerhalb des gültigen Bereichs",
				`5 ["T-4" "975D004711" "IK" "09.12.2025" ""]`,
			},
		},
		{name: "1904 date system", opt: opt, data: func(t testing.TB) []byte {
			return buildWorkbook(t, func(f *excelize.File) {
				yes := true
				if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}); err != nil {
					t.Fatal(err)
				}
				f.SetSheetName("Sheet1", "Teilnahmen")
				setRow(t, f, "Teilnahmen", 1, teilnahmenHeader...)
				setRow(t, f, "Teilnahmen", 2, "T-1", "975D004711", "IK", 0, 44634)
			})
		},
			want: []string{`2 ["T-1" "975D004711" "IK" "01.01.1904" "15.03.2026"]`},
		},
		{name: "date column names with a space or NBSP around them", opt: opt, data: func(t testing.TB) []byte {
			return buildWorkbook(t, func(f *excelize.File) {
				f.SetSheetName("Sheet1", "Teilnahmen")
				setRow(t, f, "Teilnahmen", 1, "Teilnahme_ID", "Kundennummer", "Massnahmeart", "Beginn ", "\u00a0Ende_geplant\u00a0")
				setRow(t, f, "Teilnahmen", 2, "T-1", "975D004711", "IK")
				setDate(t, f, "Teilnahmen", "D2", day(2026, 3, 15))
				setDate(t, f, "Teilnahmen", "E2", day(2026, 9, 30))
			})
		},
			want: []string{`2 ["T-1" "975D004711" "IK" "15.03.2026" "30.09.2026"]`},
		},
		{name: "header trailing empty cells, short and long rows", opt: XLSXOptions{Sheet: "Teilnahmen"}, data: func(t testing.TB) []byte {
			return buildWorkbook(t, func(f *excelize.File) {
				f.SetSheetName("Sheet1", "Teilnahmen")
				setRow(t, f, "Teilnahmen", 1, "a", "b", "", " ")
				setRow(t, f, "Teilnahmen", 2, "1")
				setRow(t, f, "Teilnahmen", 3, "1", "2", "", "")
				setRow(t, f, "Teilnahmen", 4, "1", "2", "", "rechts")
				setRow(t, f, "Teilnahmen", 5, "Gemäß §", 37.5)
			})
		},
			columns: []string{"a", "b"},
			want:    []string{`2 ["1" ""]`, `3 ["1" "2"]`, "!4 Wert rechts neben der letzten Spalte", `5 ["Gemäß §" "37.5"]`},
		},
		{name: "empty sheet", opt: XLSXOptions{Sheet: "Teilnahmen"}, data: func(t testing.TB) []byte {
			return buildWorkbook(t, func(f *excelize.File) { f.SetSheetName("Sheet1", "Teilnahmen") })
		}},
		{name: "header only", opt: opt, data: func(t testing.TB) []byte {
			return buildWorkbook(t, func(f *excelize.File) {
				f.SetSheetName("Sheet1", "Teilnahmen")
				setRow(t, f, "Teilnahmen", 1, teilnahmenHeader...)
			})
		}, columns: []string{"Teilnahme_ID", "Kundennummer", "Massnahmeart", "Beginn", "Ende_geplant"}},
		{name: "missing sheet", data: measuresWorkbook, opt: XLSXOptions{Sheet: "Daten"},
			wantErr: `Tabellenblatt "Daten" fehlt`},
		{name: "not a workbook", opt: opt, data: func(testing.TB) []byte { return []byte("Teilnahme_ID;Kundennummer\r\nT-1;975D004711\r\n") },
			wantErr: "keine lesbare Excel-Arbeitsmappe"},
		{name: "0 bytes", opt: opt, data: func(testing.TB) []byte { return nil },
			wantErr: "keine lesbare Excel-Arbeitsmappe"},
		{name: "a ZIP of something else", opt: opt, data: func(t testing.TB) []byte {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			w, _ := zw.Create("bericht.txt")
			w.Write([]byte("kein Excel"))
			if err := zw.Close(); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}, wantErr: "keine lesbare Excel-Arbeitsmappe: ZIP-Archiv ohne xl/workbook.xml"},
		{name: "a damaged entry: checksum", opt: opt, data: func(t testing.TB) []byte {
			b := storedCopy(t, measuresWorkbook(t))
			return bytes.Replace(b, []byte("975D004712"), []byte("975D004799"), 1)
		}, wantErr: `Excel-Arbeitsmappe beschädigt: Prüfsumme von "xl/sharedStrings.xml" stimmt nicht`},
		{name: "a damaged entry: compressed data", opt: opt, data: func(t testing.TB) []byte {
			b := measuresWorkbook(t)
			zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range zr.File {
				if f.Name == "xl/worksheets/sheet2.xml" {
					off, _ := f.DataOffset()
					b[off+5] ^= 0x55
				}
			}
			return b
		}, wantErr: `Excel-Arbeitsmappe beschädigt: "xl/worksheets/sheet2.xml" nicht lesbar`},
		{name: "stored entries are fine", data: func(t testing.TB) []byte { return storedCopy(t, measuresWorkbook(t)) },
			opt: XLSXOptions{Sheet: "Teilnahmen"}, want: []string{
				`2 ["T-1" "975D004711" "IK" "46096" "46295"]`,
				`3 ["T-2" "975D004712" "BSK" "01.04.2026" "46418"]`,
				`6 ["T-3" "975D004713" "MAT" "46000" ""]`,
			}},
		{name: "a workbook cut off", opt: opt, data: func(t testing.TB) []byte {
			b := measuresWorkbook(t)
			return b[:len(b)/2]
		}, wantErr: "keine lesbare Excel-Arbeitsmappe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := OpenXLSX(writeTemp(t, "massnahmen_20261124.xlsx", tt.data(t)), tt.opt)
			if err != nil {
				checkEnd(t, err, tt.wantErr)
				if tt.wantErr == "" {
					t.Fatalf("OpenXLSX: %v", err)
				}
				return
			}
			defer closeReader(t, r)
			if tt.wantErr != "" {
				t.Fatalf("OpenXLSX succeeded, want %q", tt.wantErr)
			}
			if tt.columns != nil && !slices.Equal(r.Columns(), tt.columns) {
				t.Errorf("Columns = %q, want %q", r.Columns(), tt.columns)
			}
			notes := map[int][]Note{}
			var got []string
			for _, e := range collect(t, r) {
				if e.end != nil {
					t.Fatalf("Next: %v", e.end)
				}
				got = append(got, e.text)
				if e.row != nil && e.row.Notes != nil {
					notes[e.row.Line] = e.row.Notes
				}
			}
			checkEvents(t, got, tt.want)
			if tt.notes == nil {
				tt.notes = map[int][]Note{}
			}
			for line, want := range tt.notes {
				if !slices.Equal(notes[line], want) {
					t.Errorf("row %d notes = %v, want %v", line, notes[line], want)
				}
			}
			for line, n := range notes {
				if tt.notes[line] == nil {
					t.Errorf("row %d has unexpected notes %v", line, n)
				}
			}
		})
	}
}

// storedCopy rewrites a workbook with uncompressed ZIP entries, so that a test can change
// bytes of its XML in place.
func storedCopy(t testing.TB, wb []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(wb), int64(len(wb)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestXLSXContinuationSheets: an export larger than a sheet continues on "NAME (2)";
// rows count on across the sheets. The first sheet is full, its last row Excel's last
// (written sparsely: rows 2, 3 and 1,048,576).
func TestXLSXContinuationSheets(t *testing.T) {
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "Teilnahmen")
	f.SetSheetRow("Teilnahmen", "A1", &[]any{"ID", "Wert"})
	f.SetSheetRow("Teilnahmen", "A2", &[]any{"a", "1"})
	f.SetSheetRow("Teilnahmen", "A3", &[]any{"b", "2"})
	f.SetSheetRow("Teilnahmen", "A1048576", &[]any{"z", "9"})
	f.NewSheet("Teilnahmen (2)")
	f.SetSheetRow("Teilnahmen (2)", "A1", &[]any{"ID", "Wert"})
	f.SetSheetRow("Teilnahmen (2)", "A2", &[]any{"c", "3"})
	f.NewSheet("Info")
	path := filepath.Join(t.TempDir(), "m.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	r, err := OpenXLSX(path, XLSXOptions{Sheet: "Teilnahmen"})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var got []string
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d %s", row.Line, row.Fields[0]))
	}
	if strings.Join(got, ",") != "2 a,3 b,1048576 z,1048578 c" {
		t.Errorf("rows %v", got)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("after the end: %v", err)
	}

	// A continuation sheet with another header is not this export's.
	f.SetSheetRow("Teilnahmen (2)", "A1", &[]any{"ID", "Anders"})
	f.SaveAs(path)
	r2, _ := OpenXLSX(path, XLSXOptions{Sheet: "Teilnahmen"})
	defer r2.Close()
	var last error
	for i := 0; i < 5; i++ {
		if _, last = r2.Next(); last != nil {
			break
		}
	}
	var fe *FileError
	if !errors.As(last, &fe) || !strings.Contains(fe.Reason, "Kopfzeile") {
		t.Errorf("other header: %v", last)
	}

	// After a sheet that is not full, "Teilnahmen (2)" is a second data sheet: the
	// file cannot be read, rather than its rows read as the export's or left out.
	f.SetSheetRow("Teilnahmen (2)", "A1", &[]any{"ID", "Wert"})
	f.RemoveRow("Teilnahmen", 1048576)
	f.SaveAs(path)
	r3, err := OpenXLSX(path, XLSXOptions{Sheet: "Teilnahmen"})
	if err != nil {
		t.Fatal(err)
	}
	defer r3.Close()
	got = nil
	for i := 0; i < 5; i++ {
		row, err := r3.Next()
		if err != nil {
			last = err
			break
		}
		got = append(got, fmt.Sprintf("%d %s", row.Line, row.Fields[0]))
	}
	want := `zweites Datenblatt "Teilnahmen (2)": ein Fortsetzungsblatt folgt nur auf ein volles Blatt (1.048.576 Zeilen), "Teilnahmen" endet in Zeile 3`
	if strings.Join(got, ",") != "2 a,3 b" || !errors.As(last, &fe) || fe.Reason != want {
		t.Errorf("a second sheet after one that is not full: rows %v, then %v", got, last)
	}
}
