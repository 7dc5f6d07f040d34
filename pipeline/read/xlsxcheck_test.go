package read

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"
)

// handWorkbook writes a workbook part by part: the sheet Teilnahmen with the rows given
// (the sheetData's content), shared strings where sst is not empty (the sst element's
// content), and the extra parts, in that order.
func handWorkbook(t testing.TB, rows, sst func(io.Writer), extra ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	put := func(name string, fill func(io.Writer)) {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		fill(w)
	}
	text := func(s string) func(io.Writer) { return func(w io.Writer) { io.WriteString(w, s) } }
	ct := `<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`
	rels := `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>`
	if sst != nil {
		ct += `<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`
		rels += `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`
	}
	put("[Content_Types].xml", text(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`+ct+`</Types>`))
	put("_rels/.rels", text(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`))
	put("xl/workbook.xml", text(`<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Teilnahmen" sheetId="1" r:id="rId1"/></sheets></workbook>`))
	put("xl/_rels/workbook.xml.rels", text(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+rels+`</Relationships>`))
	put("xl/worksheets/sheet1.xml", func(w io.Writer) {
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Teilnahme_ID</t></is></c><c r="B1" t="inlineStr"><is><t>Traeger</t></is></c></row>`)
		rows(w)
		io.WriteString(w, `</sheetData></worksheet>`)
	})
	if sst != nil {
		put("xl/sharedStrings.xml", func(w io.Writer) {
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
			sst(w)
			io.WriteString(w, `</sst>`)
		})
	}
	for i := 0; i+1 < len(extra); i += 2 {
		put(extra[i], text(extra[i+1]))
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// repeatTo writes s n times, buffered.
func repeatTo(w io.Writer, s string, n int) {
	b := []byte(strings.Repeat(s, max(1, 64<<10/len(s))))
	per := len(b) / len(s)
	for ; n >= per; n -= per {
		w.Write(b)
	}
	w.Write(b[:n*len(s)])
}

// sharedRow is a data row whose cells are the shared strings a and b.
func sharedRow(a, b int) func(io.Writer) {
	return func(w io.Writer) {
		fmt.Fprintf(w, `<row r="2"><c r="A2" t="s"><v>%d</v></c><c r="B2" t="s"><v>%d</v></c></row>`, a, b)
	}
}

// TestWorkbookLimits (issue 15): a workbook beyond the limits that bound what excelize
// holds in memory is unreadable, with a German reason that names the limit and quotes
// nothing of the data; a workbook at the limits is read.
func TestWorkbookLimits(t *testing.T) {
	long := func(n int, unit string) func(io.Writer) {
		return func(w io.Writer) { io.WriteString(w, "<si><t>"); repeatTo(w, unit, n); io.WriteString(w, "</t></si>") }
	}
	cases := []struct {
		name    string
		data    func(t testing.TB) []byte
		want    string // a part of the reason; "" readable
		value   string // readable: the second cell of row 2, its length in runes where it is long
		runes   int
		explain string
	}{
		{name: "shared string of 32,767 characters, entities counted as one", data: func(t testing.TB) []byte {
			return handWorkbook(t, sharedRow(0, 1), func(w io.Writer) {
				io.WriteString(w, "<si><t>TN-1</t></si>")
				long(32767, "&amp;")(w)
			})
		}, runes: 32767},
		{name: "shared string of 32,768 characters", data: func(t testing.TB) []byte {
			return handWorkbook(t, sharedRow(0, 1), func(w io.Writer) { io.WriteString(w, "<si><t>TN-1</t></si>"); long(32768, "ü")(w) })
		}, want: `Bestandteil "xl/sharedStrings.xml": ein gemeinsamer Text (Shared String) mit mehr als 32.767 Zeichen, mehr als Excel in einer Zelle zulässt`},
		{name: "shared string in rich-text runs, a phonetic reading not counted", data: func(t testing.TB) []byte {
			return handWorkbook(t, sharedRow(0, 1), func(w io.Writer) {
				io.WriteString(w, "<si><t>TN-1</t></si><si>")
				for range 4 {
					io.WriteString(w, "<r><rPr><b/></rPr><t>")
					repeatTo(w, "x", 8000)
					io.WriteString(w, "</t></r>")
				}
				io.WriteString(w, "<rPh sb=\"0\" eb=\"1\"><t>")
				repeatTo(w, "y", 8000)
				io.WriteString(w, "</t></rPh></si>")
			})
		}, runes: 32000},
		{name: "shared string in runs beyond the limit", data: func(t testing.TB) []byte {
			return handWorkbook(t, sharedRow(0, 1), func(w io.Writer) {
				io.WriteString(w, "<si><t>TN-1</t></si><si>")
				for range 5 {
					io.WriteString(w, "<r><t>")
					repeatTo(w, "x", 8000)
					io.WriteString(w, "</t></r>")
				}
				io.WriteString(w, "</si>")
			})
		}, want: "mehr als 32.767 Zeichen"},
		{name: "more shared strings than the limit", data: func(t testing.TB) []byte {
			return handWorkbook(t, sharedRow(0, 1), func(w io.Writer) { repeatTo(w, "<si><t>a</t></si>", maxSharedStrings+1) })
		}, want: "mehr als 1.048.576 gemeinsame Texte (Shared Strings)"},
		{name: "shared strings longer than the limit together", data: func(t testing.TB) []byte {
			return handWorkbook(t, sharedRow(0, 1), func(w io.Writer) {
				repeatTo(w, "<si><t>"+strings.Repeat("x", 32000)+"</t></si>", maxSharedText/32000+1)
			})
		}, want: "gemeinsame Texte (Shared Strings) zusammen länger als 128 MiB"},
		{name: "an inline cell of 32,768 characters", data: func(t testing.TB) []byte {
			return handWorkbook(t, func(w io.Writer) {
				io.WriteString(w, `<row r="2"><c r="A2" t="inlineStr"><is><t>TN-1</t></is></c><c r="B2" t="inlineStr"><is><t>`)
				repeatTo(w, "Müller ", 32768/7+1)
				io.WriteString(w, `</t></is></c></row>`)
			}, nil)
		}, want: `Bestandteil "xl/worksheets/sheet1.xml": eine Zelle mit mehr als 32.767 Zeichen`},
		{name: "a formula is not the cell's text", data: func(t testing.TB) []byte {
			return handWorkbook(t, func(w io.Writer) {
				io.WriteString(w, `<row r="2"><c r="A2" t="inlineStr"><is><t>TN-1</t></is></c><c r="B2" t="str"><f>`)
				repeatTo(w, "A1&amp;", 8000)
				io.WriteString(w, `</f><v>`)
				repeatTo(w, "v", 30000)
				io.WriteString(w, `</v></c></row>`)
			}, nil)
		}, runes: 30000},
		{name: "a text longer than the token limit", data: func(t testing.TB) []byte {
			return handWorkbook(t, func(w io.Writer) {
				io.WriteString(w, `<row r="2"><c r="A2" t="inlineStr"><is><t>TN-1</t></is></c></row><extLst>`)
				repeatTo(w, " ", maxWorkbookToken+1)
				io.WriteString(w, `</extLst>`)
			}, nil)
		}, want: "Text oder Element länger als 1 MiB"},
		{name: "a tag longer than the token limit", data: func(t testing.TB) []byte {
			return handWorkbook(t, func(w io.Writer) {
				io.WriteString(w, `<row r="2" x="`)
				repeatTo(w, "a>", maxWorkbookToken/2+1)
				io.WriteString(w, `"><c r="A2"><v>1</v></c></row>`)
			}, nil)
		}, want: "Text oder Element länger als 1 MiB"},
		{name: "a comment longer than the token limit", data: func(t testing.TB) []byte {
			return handWorkbook(t, func(w io.Writer) {
				io.WriteString(w, `<!--`)
				repeatTo(w, "->", maxWorkbookToken/2+1)
				io.WriteString(w, `-->`)
			}, nil)
		}, want: "Text oder Element länger als 1 MiB"},
		{name: "a CDATA section longer than the token limit", data: func(t testing.TB) []byte {
			return handWorkbook(t, func(w io.Writer) {
				io.WriteString(w, `<row r="2"><c r="A2"><v>1</v></c></row><extLst><![CDATA[`)
				repeatTo(w, "]>", maxWorkbookToken/2+1)
				io.WriteString(w, `]]></extLst>`)
			}, nil)
		}, want: "Text oder Element länger als 1 MiB"},
		{name: "a cell of 32,768 characters in CDATA", data: func(t testing.TB) []byte {
			return handWorkbook(t, func(w io.Writer) {
				io.WriteString(w, `<row r="2"><c r="A2" t="inlineStr"><is><t>TN-1</t></is></c><c r="B2" t="str"><v><![CDATA[`)
				repeatTo(w, "x", 32768)
				io.WriteString(w, `]]></v></c></row>`)
			}, nil)
		}, want: "eine Zelle mit mehr als 32.767 Zeichen"},
		{name: "a comment in a cell is not its text", data: func(t testing.TB) []byte {
			return handWorkbook(t, func(w io.Writer) {
				io.WriteString(w, `<row r="2"><c r="A2" t="inlineStr"><is><t>TN-1</t></is></c><c r="B2" t="str"><!--`)
				repeatTo(w, "x", 40000)
				io.WriteString(w, `--><v>`)
				repeatTo(w, "v", 30000)
				io.WriteString(w, `</v></c></row>`)
			}, nil)
		}, runes: 30000},
		{name: "elements nested deeper than 100 after the sheet data", data: func(t testing.TB) []byte {
			return handWorkbook(t, func(w io.Writer) {
				io.WriteString(w, `<row r="2"><c r="A2"><v>1</v></c></row></sheetData><x>`)
				repeatTo(w, "<x>", 99)
				repeatTo(w, "</x>", 100)
				io.WriteString(w, `<sheetData>`)
			}, nil)
		}, want: "Elemente mehr als 100 Ebenen tief verschachtelt"},
		{name: "a row of more cells than Excel has columns", data: func(t testing.TB) []byte {
			return handWorkbook(t, func(w io.Writer) {
				io.WriteString(w, `<row r="2">`)
				repeatTo(w, `<c/>`, maxRowCells+1)
				io.WriteString(w, `</row>`)
			}, nil)
		}, want: "eine Zeile mit mehr als 16.384 Zellen"},
		{name: "a cell longer than 1 MiB in markup", data: func(t testing.TB) []byte {
			return handWorkbook(t, func(w io.Writer) {
				io.WriteString(w, `<row r="2"><c r="A2" t="inlineStr"><is>`)
				repeatTo(w, `<r><t></t></r>`, maxCellBytes/14+1)
				io.WriteString(w, `</is></c></row>`)
			}, nil)
		}, want: "eine Zelle oder ein gemeinsamer Text länger als 1 MiB"},
		{name: "a row longer than 16 MiB", data: func(t testing.TB) []byte {
			return handWorkbook(t, func(w io.Writer) {
				io.WriteString(w, `<row r="2">`)
				repeatTo(w, `<c r="A2" t="inlineStr"><is><t>`+strings.Repeat("x", 20000)+`</t></is></c>`, maxRowBytes/20000+1)
				io.WriteString(w, `</row>`)
			}, nil)
		}, want: "eine Zeile länger als 16 MiB"},
		{name: "elements nested deeper than 100", data: func(t testing.TB) []byte {
			return handWorkbook(t, func(w io.Writer) { repeatTo(w, "<x>", 200); repeatTo(w, "</x>", 200) }, nil)
		}, want: "Elemente mehr als 100 Ebenen tief verschachtelt"},
		{name: "a part excelize holds whole, larger than 4 MiB", data: func(t testing.TB) []byte {
			return handWorkbook(t, func(io.Writer) {}, nil, "xl/media/image1.png", strings.Repeat("\x00", maxHeldPart+1))
		}, want: `Bestandteil "xl/media/image1.png", entpackt größer als 4 MiB`},
		{name: "parts excelize holds whole, larger than 16 MiB together", data: func(t testing.TB) []byte {
			var extra []string
			for i := range 5 {
				extra = append(extra, fmt.Sprintf("xl/media/image%d.png", i), strings.Repeat("\x00", maxHeldPart-1))
			}
			return handWorkbook(t, func(io.Writer) {}, nil, extra...)
		}, want: "Bestandteile außer den Tabellenblättern entpackt zusammen größer als 16 MiB"},
		{name: "a part excelize parses whole, of more elements than the limit", data: func(t testing.TB) []byte {
			return handWorkbook(t, func(io.Writer) {}, nil, "xl/styles.xml", `<styleSheet><cellXfs>`+strings.Repeat("<xf/>", maxPartElements)+`</cellXfs></styleSheet>`)
		}, want: `Bestandteil "xl/styles.xml": mehr als 50.000 Elemente`},
		{name: "more parts than the limit", data: func(t testing.TB) []byte {
			var extra []string
			for i := range maxZipEntries {
				extra = append(extra, fmt.Sprintf("customXml/item%d.xml", i), "<a/>")
			}
			return handWorkbook(t, func(io.Writer) {}, nil, extra...)
		}, want: "Excel-Arbeitsmappe mit mehr als 1.000 Bestandteilen (1.005)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := c.data(t)
			path := writeTemp(t, "massnahmen_20261124.xlsx", data)
			if c.want != "" {
				// A limit of the data sheet is found as the sheet is read (the fast
				// path checks it on the way), the others when the workbook is opened;
				// the check before a hand-over to excelize finds the same.
				err := readThrough(path)
				if err == nil {
					t.Fatalf("read, want %q", c.want)
				}
				checkEnd(t, err, c.want)
				if strings.Contains(err.Error(), "xxxx") || strings.Contains(err.Error(), "Müller") {
					t.Errorf("the reason quotes data: %q", err)
				}
				if whole := checkWorkbook(path, true); fmt.Sprint(whole) != fmt.Sprint(err) {
					t.Errorf("checkWorkbook: %v, the fast path: %v", whole, err)
				}
				if len(data) < 8<<20 {
					// Stored, the sheet comes in other reads than deflated.
					stored := writeTemp(t, "massnahmen_20261124.xlsx", storedCopy(t, data))
					if err2 := readThrough(stored); fmt.Sprint(err2) != fmt.Sprint(err) {
						t.Errorf("stored: %v, deflated: %v", err2, err)
					}
				}
				return
			}
			r, err := OpenXLSX(path, XLSXOptions{Sheet: "Teilnahmen"})
			if err != nil {
				t.Fatal(err)
			}
			defer closeReader(t, r)
			row, err := r.Next()
			if err != nil {
				t.Fatal(err)
			}
			got := row.Fields[1]
			switch {
			case c.runes > 0 && len([]rune(got)) != c.runes:
				t.Errorf("value of %d characters, want %d", len([]rune(got)), c.runes)
			case c.runes == 0 && got != c.value:
				t.Errorf("value %q, want %q", got, c.value)
			}
		})
	}
}

// readThrough opens a measures workbook and reads all its rows: the first file error,
// or nil.
func readThrough(path string) error {
	r, err := OpenXLSX(path, XLSXOptions{Sheet: "Teilnahmen"})
	if err != nil {
		return err
	}
	defer r.Close()
	for {
		_, err := r.Next()
		var re *RowError
		switch {
		case err == io.EOF:
			return nil
		case errors.As(err, &re):
		case err != nil:
			return err
		}
	}
}

// TestWorkbookTmpDir: a worksheet larger than 1 MiB that excelize reads (here: the fast
// path hands it over for a comment) is unpacked into the folder the caller gives, not
// the system's, and removed when the reader is closed; the fast path unpacks nothing.
func TestWorkbookTmpDir(t *testing.T) {
	for _, fast := range []bool{false, true} {
		data := handWorkbook(t, func(w io.Writer) {
			if !fast {
				io.WriteString(w, "<!-- excelize -->")
			}
			for i := 2; i < 40000; i++ {
				fmt.Fprintf(w, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>TN-%d</t></is></c></row>`, i, i, i)
			}
		}, nil)
		tmp := t.TempDir()
		r, err := OpenXLSX(writeTemp(t, "massnahmen_20261124.xlsx", data), XLSXOptions{Sheet: "Teilnahmen", TmpDir: tmp})
		if err != nil {
			t.Fatal(err)
		}
		if row, err := r.Next(); err != nil || row.Fields[0] != "TN-2" {
			t.Fatalf("first row %v, %v", row, err)
		}
		if entries, _ := os.ReadDir(tmp); fast && len(entries) != 0 {
			t.Errorf("the fast path unpacked into TmpDir: %v", entries)
		} else if !fast && len(entries) == 0 {
			t.Error("the worksheet was not unpacked into TmpDir")
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
			t.Errorf("left in TmpDir: %v", entries)
		}
	}
}

// TestWorkbookFaultWithheld: excelize's message on a broken cell reference quotes it as
// written, which may be a name: neither the reason nor the log's detail repeats it.
func TestWorkbookFaultWithheld(t *testing.T) {
	data := handWorkbook(t, func(w io.Writer) {
		io.WriteString(w, `<row r="2"><c r="Müller" t="inlineStr"><is><t>TN-1</t></is></c></row>`)
	}, nil)
	r, err := OpenXLSX(writeTemp(t, "massnahmen_20261124.xlsx", data), XLSXOptions{Sheet: "Teilnahmen"})
	if err == nil {
		defer r.Close()
		for err == nil {
			_, err = r.Next()
		}
	}
	var fe *FileError
	if !errors.As(err, &fe) || !strings.Contains(fe.Reason, "ungültiger Zellbezug") {
		t.Fatalf("got %v, want an unreadable workbook for its cell reference", err)
	}
	if strings.Contains(fe.Reason+fe.Detail, "ller") || fe.Detail == "" {
		t.Errorf("reason %q, detail %q", fe.Reason, fe.Detail)
	}
}

// TestScanPartChunks: the limits pre-scan finds the same whatever the reads' sizes (it
// skips through tags in bulk within a read and byte by byte across reads).
func TestScanPartChunks(t *testing.T) {
	parts := []string{
		diffSheetHead + diffHeaderRow + `<row r="2" x='a>b"c'><c r="A2" t="inlineStr"><is><t>x</t></is></c><c/></row>` + diffSheetTail,
		`<?xml version="1.0"?><!-- a > comment --><worksheet><![CDATA[<row>]]><sheetData><row><c><f>A1&amp;"x"</f><v>1</v></c></row></sheetData></worksheet>`,
		`<row r="2">` + strings.Repeat(`<c/>`, maxRowCells+1) + `</row>`,
		`<worksheet><sheetData><row><c><v>` + strings.Repeat("ü", maxCellChars+1) + `</v></c></row></sheetData></worksheet>`,
		`<worksheet x="` + strings.Repeat("a", maxWorkbookToken) + `"/>`,
		strings.Repeat("<x>", maxXMLDepth+1),
		`<sst><si><t>a</t><rPh><t>` + strings.Repeat("b", maxCellChars+1) + `</t></rPh></si></sst>`,
	}
	for i, p := range parts {
		for _, kind := range []xmlPartKind{worksheetPart, sharedStringsKind, otherPart} {
			n1, err1 := scanPart(strings.NewReader(p), "x.xml", kind)
			n2, err2 := scanPart(iotest.OneByteReader(strings.NewReader(p)), "x.xml", kind)
			if err1 == nil && n1 != n2 || fmt.Sprint(err1) != fmt.Sprint(err2) { // n counts to the fault in its read
				t.Errorf("part %d, kind %d: whole %d %v, byte by byte %d %v", i, kind, n1, err1, n2, err2)
			}
		}
	}
}
