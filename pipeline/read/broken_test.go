package read

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// openers read a file of testdata/broken the way the pipeline reads its export.
var openers = map[string]func(path string, data []byte) (Reader, error){
	"verbis": func(_ string, b []byte) (Reader, error) {
		return NewCSV(bytes.NewReader(b), CSVOptions{Encoding: Windows1252})
	},
	"arbeitsaufnahmen": func(_ string, b []byte) (Reader, error) {
		return NewCSV(bytes.NewReader(b), CSVOptions{Encoding: UTF8BOM})
	},
	"massnahmen": func(p string, _ []byte) (Reader, error) {
		return OpenXLSX(p, XLSXOptions{Sheet: "Teilnahmen", DateColumns: []string{"Beginn", "Ende_geplant"}})
	},
	"abh": func(_ string, b []byte) (Reader, error) { return NewXML(bytes.NewReader(b), abhOptions) },
	"beratungen": func(_ string, b []byte) (Reader, error) {
		return NewJSONL(bytes.NewReader(b), beratungFields)
	},
	"ki": func(_ string, b []byte) (Reader, error) {
		return NewStatTable(bytes.NewReader(b), StatTableOptions{Encoding: ISO88591, HeaderFirst: "Kreis"})
	},
}

// TestBrokenFiles reads every file of testdata/broken (see its README.md). Each ends in a
// *FileError (the file goes to quarantine) or in rows and *RowErrors (the rows are
// rejected, the rest is kept); the reasons are German and say what is wrong.
func TestBrokenFiles(t *testing.T) {
	tests := []struct {
		file    string
		rows    int      // good rows before the end
		rowErrs []string // `!line reason` of each rejected row
		fileErr string   // part of the *FileError; "" means the file ends with io.EOF
	}{
		{file: "verbis_kunden_ragged.csv", rows: 2, rowErrs: []string{"!3 20 Felder statt 21", "!4 22 Felder statt 21"}},
		{file: "verbis_kunden_komma.csv", fileErr: "Zeile 1: Kopfzeile enthält kein Trennzeichen ';', aber ',': falsches Trennzeichen"},
		{file: "verbis_kunden_binaer.csv", fileErr: "Zeile 1: Feld 1 enthält Bytes, die in Windows-1252 ungültig sind"},
		{file: "verbis_kunden_utf16le.csv", fileErr: "Zeile 1: Datei ist UTF-16-kodiert (Byte-Order-Mark), erwartet Windows-1252"},
		{file: "verbis_kunden_leer.csv"}, // valid: zero rows (sources.md, Known dirt)
		{file: "arbeitsaufnahmen_abgeschnitten.csv", rows: 1, rowErrs: []string{"!3 Zeile abgeschnitten: kein Zeilenende am Dateiende"}},
		{file: "arbeitsaufnahmen_anfuehrungszeichen.csv", rowErrs: []string{"!2 Anführungszeichen nicht geschlossen bis zum Dateiende"}},
		{file: "massnahmen_zip_ohne_excel.xlsx", fileErr: "keine lesbare Excel-Arbeitsmappe: ZIP-Archiv ohne xl/workbook.xml"},
		{file: "massnahmen_beschaedigt.xlsx", fileErr: `Excel-Arbeitsmappe beschädigt: Prüfsumme von "xl/sharedStrings.xml" stimmt nicht`},
		{file: "massnahmen_binaer.xlsx", fileErr: "keine lesbare Excel-Arbeitsmappe"},
		{file: "massnahmen_leer.xlsx", fileErr: "keine lesbare Excel-Arbeitsmappe"},
		{file: "massnahmen_ohne_blatt.xlsx", fileErr: `Tabellenblatt "Teilnahmen" fehlt`},
		{file: "abh_aufenthalt_05966_abgeschnitten.xml", rows: 1, fileErr: "Zeile 13: XML-Dokument endet vorzeitig"},
		{file: "abh_aufenthalt_05966_latin1_als_utf8.xml", fileErr: "Zeile 7: kein wohlgeformtes XML"},
		{file: "abh_aufenthalt_05966_binaer.xml", fileErr: "Zeile 1: kein wohlgeformtes XML"},
		{file: "abh_aufenthalt_05966_leer.xml", fileErr: "kein Wurzelelement <aufenthaltsmeldungen>"},
		{file: "beratungen_abgeschnitten.jsonl", rows: 1, rowErrs: []string{"!2 Zeile abgeschnitten: JSON-Objekt unvollständig"}},
		{file: "beratungen_binaer.jsonl", fileErr: "Zeile 1: Bytes, die in UTF-8 ungültig sind"},
		{file: "beratungen_leer.jsonl"}, // valid: zero rows
		{file: "ki_schutzsuchende_ragged.csv", rows: 1, rowErrs: []string{"!6 4 Felder statt 5", "!7 6 Felder statt 5"}},
		{file: "ki_schutzsuchende_komma.csv", fileErr: `keine Kopfzeile (beginnend mit "Kreis") gefunden`},
		{file: "ki_schutzsuchende_binaer.csv", fileErr: "Zeile 2: Feld 4 enthält ein Nullbyte: keine Textdatei"},
		{file: "ki_schutzsuchende_leer.csv", fileErr: `keine Kopfzeile (beginnend mit "Kreis") gefunden`},
	}
	files, err := filepath.Glob("testdata/broken/*.*")
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, tt := range tests {
		listed = append(listed, filepath.Join("testdata/broken", tt.file))
	}
	for _, f := range files {
		if !slices.Contains(listed, f) && filepath.Base(f) != "README.md" {
			t.Errorf("%s has no case in this test", f)
		}
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			p := filepath.Join("testdata/broken", tt.file)
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			prefix, _, _ := strings.Cut(tt.file, "_")
			open := openers[prefix]
			if open == nil {
				t.Fatalf("no reader for %s", tt.file)
			}
			r, err := open(p, data)
			if err != nil {
				checkEnd(t, err, tt.fileErr)
				if tt.fileErr == "" || tt.rows > 0 || len(tt.rowErrs) > 0 {
					t.Fatalf("opening: %v", err)
				}
				return
			}
			defer closeReader(t, r)
			var rows int
			var rowErrs []string
			var end error
			for _, e := range collect(t, r) {
				switch {
				case e.end != nil:
					end = e.end
				case e.row != nil:
					rows++
				default:
					rowErrs = append(rowErrs, e.text)
				}
			}
			if rows != tt.rows {
				t.Errorf("%d rows, want %d", rows, tt.rows)
			}
			checkEvents(t, rowErrs, tt.rowErrs)
			checkEnd(t, end, tt.fileErr)
		})
	}
}
