package read

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// The differential tests of the fast XLSX path (issue 18): excelize is the oracle. Every
// workbook is read twice, by OpenXLSX and by excelize alone (checkWorkbook, then
// openExcelize: the reader as it was before the fast path), and both must give the same
// header, rows, line numbers, notes, row errors and final error.

// oracleXLSX reads the workbook at path the old way, excelize alone.
func oracleXLSX(path string, opt XLSXOptions) (Reader, error) {
	if err := checkWorkbook(path, true); err != nil {
		return nil, err
	}
	x, err := openExcelize(path, opt)
	if err != nil {
		return nil, err
	}
	return x, nil
}

// transcript is everything a reader gives, as text.
func transcript(r Reader, err error) []string {
	if err != nil {
		return []string{"open: " + errText(err)}
	}
	defer r.Close()
	out := []string{fmt.Sprintf("header %q", r.Columns())}
	for range 2 * maxCalls {
		row, err := r.Next()
		var re *RowError
		switch {
		case err == nil:
			out = append(out, fmt.Sprintf("%d %q %v", row.Line, row.Fields, row.Notes))
		case errors.As(err, &re):
			out = append(out, fmt.Sprintf("!%d [%s] %s", re.Line, re.Column, re.Reason))
		case err == io.EOF:
			return append(out, "EOF")
		default:
			return append(out, "end: "+errText(err))
		}
	}
	return append(out, "no end")
}

func errText(err error) string {
	var fe *FileError
	if errors.As(err, &fe) {
		return fmt.Sprintf("line %d reason %q detail %q", fe.Line, fe.Reason, fe.Detail)
	}
	return err.Error()
}

// onFastPath reports whether r (read to its end) stayed on the fast path.
func onFastPath(r Reader) bool {
	x, ok := r.(*xlsxReader)
	if !ok {
		return false
	}
	_, fast := x.book.(*fastBook)
	return fast && x.slow == nil
}

// differ reads data both ways and reports a difference; it returns whether the fast
// path read it to the end.
func differ(t testing.TB, name string, data []byte, opt XLSXOptions) bool {
	t.Helper()
	p := filepath.Join(t.TempDir(), "massnahmen_20261124.xlsx")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := OpenXLSX(p, opt)
	got := transcript(r, err)
	fast := err == nil && onFastPath(r)
	want := transcript(oracleXLSX(p, opt))
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s: the fast path differs from excelize\nfast:\n%s\nexcelize:\n%s", name, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if tt, ok := t.(*testing.T); ok && testing.Verbose() {
		tt.Logf("%s: fast path %v", name, fast)
	}
	return fast
}

// sheetWorkbook is a workbook whose sheet "Teilnahmen" is sheet as written, with the
// shared strings sst (none where ""), and more parts (name, content pairs).
func sheetWorkbook(t testing.TB, sheet, sst string, extra ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	put := func(name, s string) {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, s)
	}
	ct := `<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`
	rels := `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>`
	if sst != "" {
		ct += `<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`
		rels += `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`
	}
	put("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`+ct+`</Types>`)
	put("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	put("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Teilnahmen" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	put("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+rels+`</Relationships>`)
	put("xl/worksheets/sheet1.xml", sheet)
	if sst != "" {
		put("xl/sharedStrings.xml", sst)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		put(extra[i], extra[i+1])
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const (
	diffSheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><dimension ref="A1:C9"/><sheetData>`
	diffHeaderRow = `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>Beginn</t></is></c></row>`
	diffSheetTail = `</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`
	diffSST       = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="6" uniqueCount="6"><si><t>Teilnahme_ID</t></si><si><t>Traeger</t></si>` +
		`<si><t xml:space="preserve"> Müller &amp; Söhne </t></si><si><r><t>Rich</t></r><r><t xml:space="preserve"> text</t></r></si><si><t>a_x000D_b_x005F_x000D_c_xD800_d</t></si><si><t/></si></sst>`
)

// diffRows are sheet data (after the header row) and what they try.
var diffRows = []struct{ name, rows string }{
	{"shared strings", `<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row><row r="3"><c r="A3" t="s"><v>4</v></c><c r="B3" t="s"><v>5</v></c></row>`},
	{"shared string index out of the table, not a number, spaced, negative", `<row r="2"><c r="A2" t="s"><v>99</v></c><c r="B2" t="s"><v>x</v></c><c r="C2" t="s"><v> 1 </v></c></row><row r="3"><c r="A3" t="s"><v>-1</v></c><c r="B3" t="s"><v></v></c><c r="C3" t="s"><v>99999999999999999999</v></c></row>`},
	{"inline strings, runs, escapes", `<row r="2"><c r="A2" t="inlineStr"><is><t>a</t><r><t>b</t></r><r><t>c</t></r></is></c><c r="B2" t="inlineStr"><is><r><t>x</t></r><t>y</t></is></c><c r="C2" t="inlineStr"><is><t>_x0041__x005f_</t></is></c></row>`},
	{"inline string without is, with empty is", `<row r="2"><c r="A2" t="inlineStr"><v>plain</v></c><c r="B2" t="inlineStr"><is/><v>v</v></c></row>`},
	{"types", `<row r="2"><c r="A2" t="b"><v>1</v></c><c r="B2" t="e"><v>#DIV/0!</v></c><c r="C2" t="n"><v>1.5</v></c><c r="D2" t="d"><v>2026-01-02T00:00:00</v></c><c r="E2" t="str"><v>_x0041_</v></c><c r="F2" t="zz"><v>z</v></c></row>`},
	{"cells without reference and with gaps", `<row r="2"><c><v>1</v></c><c r="C2"><v>3</v></c><c><v>4</v></c></row><row r="3"><c r="B3"><v>b</v></c><c r="A3"><v>a</v></c><c r="B3"><v>b2</v></c></row>`},
	{"rows without numbers", `<row><c r="A2"><v>1</v></c></row><row><c r="A3"><v>2</v></c></row><row r="7"><c r="A7"><v>7</v></c></row><row><c><v>8</v></c></row>`},
	{"rows out of order and repeated", `<row r="5"><c r="A5"><v>5</v></c></row><row r="3"><c r="A3"><v>3</v></c><c r="B3"><v>3b</v></c></row><row r="3"><c><v>again</v></c></row><row r="8"><c><v>8</v></c></row>`},
	{"row numbers zero, negative, not numbers", `<row r="0"><c><v>zero</v></c></row><row r="-4"><c><v>neg</v></c></row><row r="2"><c><v>two</v></c></row>`},
	{"row number not a number", `<row r="2"><c><v>1</v></c></row><row r="x"><c><v>2</v></c></row>`},
	{"row number beyond the sheet", `<row r="2"><c><v>1</v></c></row><row r="1048577"><c><v>2</v></c></row>`},
	{"row number beyond int", `<row r="2"><c><v>1</v></c></row><row r="99999999999999999999"><c><v>2</v></c></row>`},
	{"empty rows, whitespace, trailing", `<row r="2"/><row r="3"><c r="A3" t="inlineStr"><is><t xml:space="preserve">  </t></is></c></row><row r="4"><c r="A4"><v>x</v></c></row><row r="5" s="1"/><row r="6"><c r="A6" s="1"/></row>`},
	{"value right of the last column", `<row r="2"><c r="A2"><v>1</v></c><c r="E2"><v>far</v></c></row><row r="3"><c r="A3"><v>ok</v></c><c r="E3" t="inlineStr"><is><t> </t></is></c></row>`},
	{"entities and character references", `<row r="2"><c r="A2" t="inlineStr"><is><t>&amp;&lt;&gt;&quot;&apos;&#65;&#x42;&#X43;</t></is></c></row>`},
	{"entities", `<row r="2"><c r="A2" t="inlineStr"><is><t>&amp;&lt;&gt;&quot;&apos;&#65;&#x42;&#0067;&#xe4;</t></is></c><c r="B2"><v>&#x1F600;</v></c></row>`},
	{"line ends", "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>a\r\nb\rc\nd&#13;e</t></is></c></row>"},
	{"CDATA end in text", `<row r="2"><c r="A2"><v>1</v></c></row><row r="3"><c r="A3" t="inlineStr"><is><t>a]]>b</t></is></c></row>`},
	{"CDATA", `<row r="2"><c r="A2" t="inlineStr"><is><t><![CDATA[x<y & z]]></t></is></c><c r="B2"><v>1<![CDATA[2]]>3</v></c></row>`},
	{"comment and processing instruction", `<row r="2"><!-- note --><c r="A2"><v>1<!--x-->2</v></c><?pi x?></row>`},
	{"formulas", `<row r="2"><c r="A2"><f>1+1</f><v>2</v></c><c r="B2" t="str"><f t="shared" ref="B2:B3" si="0">A2&amp;"x"</f><v>2x</v></c><c r="C2"><f/></c></row><row r="3"><c r="A3"><f ca="1">NOW()</f></c><c r="B3"><f si="x"/><v>3</v></c></row>`},
	{"formula only", `<row r="2"><c r="B2"><f>A1</f></c></row>`},
	{"cell references", `<row r="2"><c r="b2"><v>lower</v></c><c r="$C$2"><v>abs</v></c></row><row r="3"><c r="A03"><v>lead</v></c><c r="AAA3"><v>x</v></c></row>`},
	{"cell reference broken", `<row r="2"><c r="A2"><v>1</v></c></row><row r="3"><c r="3A"><v>2</v></c></row>`},
	{"cell reference beyond the columns", `<row r="2"><c r="XFE2"><v>1</v></c></row>`},
	{"cell reference beyond the rows", `<row r="2"><c r="A1048577"><v>1</v></c></row>`},
	{"cell reference empty", `<row r="2"><c r=""><v>1</v></c><c r=""><v>2</v></c></row>`},
	{"cell style not a number", `<row r="2"><c r="A2" s="x"><v>1</v></c><c r="B2"><v>2</v></c></row>`},
	{"attributes spaced and single-quoted", `<row r = '2' spans="1:3"><c r='A2'  t = "str" ><v>1</v></c></row>`},
	{"unknown elements", `<row r="2"><c r="A2"><v>1</v><extLst/></c></row><row r="3"><extLst/><c r="A3"><v>3</v></c></row>`},
	{"rich text formatting in an inline string", `<row r="2"><c r="A2" t="inlineStr"><is><r><rPr><b/><sz val="11"/></rPr><t>bold</t></r><rPh sb="0" eb="1"><t>ph</t></rPh></is></c></row>`},
	{"nested in a value", `<row r="2"><c r="A2"><v>1<b>2</b>3</v></c></row>`},
	{"two values", `<row r="2"><c r="A2"><v>1</v><v>2</v></c></row>`},
	{"mismatched end tag", `<row r="2"><c r="A2"><v>1</v></c></rows><row r="3"><c r="A3"><v>3</v></c></row>`},
	{"unclosed cell", `<row r="2"><c r="A2"><v>1</v></row><row r="3"><c r="A3"><v>3</v></c></row>`},
	{"unknown entity", `<row r="2"><c r="A2"><v>1</v></c></row><row r="3"><c r="A3"><v>&nbsp;</v></c></row>`},
	{"bare ampersand", `<row r="2"><c r="A2"><v>a & b</v></c></row>`},
	{"invalid UTF-8", "<row r=\"2\"><c r=\"A2\"><v>a\xff</v></c></row>"},
	{"control character", "<row r=\"2\"><c r=\"A2\"><v>a\x01</v></c></row>"},
	{"character reference to nothing", `<row r="2"><c r="A2"><v>&#0;</v></c></row><row r="3"><c r="A3"><v>&#xD800;</v></c></row>`},
	{"less-than in an attribute", `<row r="2"><c r="A2" t="<"><v>1</v></c></row>`},
	{"ampersand in an attribute", `<row r="2"><c r="A2" t="s&amp;"><v>1</v></c></row>`},
	{"dates", `<row r="2"><c r="A2"><v>1</v></c><c r="C2"><v>45000</v></c></row><row r="3"><c r="A3"><v>2</v></c><c r="C3" t="inlineStr"><is><t>01.02.2026</t></is></c></row><row r="4"><c r="A4"><v>3</v></c><c r="C4"><v>2958466</v></c></row><row r="5"><c r="A5"><v>4</v></c><c r="C5"><v>-1</v></c></row><row r="6"><c r="A6"><v>5</v></c><c r="C6"><v>NaN</v></c></row><row r="7"><c r="A7"><v>6</v></c><c r="C7"><v>1e3</v></c></row><row r="8"><c r="C8"><v>0.5</v></c></row>`},
	{"far row", `<row r="2"><c><v>1</v></c></row><row r="40000"><c><v>2</v></c></row>`},
}

// diffSheets are whole worksheets.
var diffSheets = []struct{ name, sheet string }{
	{"namespace prefixes", `<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>Teilnahme_ID</x:t></x:is></x:c><x:c r="B1" t="s"><x:v>1</x:v></x:c></x:row><x:row r="2"><x:c r="A2" t="s"><x:v>2</x:v></x:c></x:row></x:sheetData></x:worksheet>`},
	{"no declaration, self-closing sheet data", `<worksheet><sheetData/></worksheet>`},
	{"no sheet data", `<worksheet><dimension ref="A1"/></worksheet>`},
	{"row after the sheet data", diffSheetHead + diffHeaderRow + `</sheetData><row r="5"><c><v>late</v></c></row></worksheet>`},
	{"second sheet data", diffSheetHead + diffHeaderRow + `</sheetData><sheetData><row r="5"><c><v>late</v></c></row></sheetData></worksheet>`},
	{"row before the sheet data", `<worksheet><sheetPr><row r="9"/></sheetPr><sheetData>` + diffHeaderRow + `</sheetData></worksheet>`},
	{"broken after the sheet data", diffSheetHead + diffHeaderRow + `<row r="2"><c><v>1</v></c></row></sheetData><broken></worksheet>`},
	{"truncated", diffSheetHead + diffHeaderRow + `<row r="2"><c><v>1</v></c></row><row r="3"><c><v>2</v>`},
	{"latin-1 declared", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><worksheet><sheetData>" + diffHeaderRow + "<row r=\"2\"><c t=\"str\"><v>M\xfcller</v></c></row></sheetData></worksheet>"},
	{"version 1.1", `<?xml version="1.1"?><worksheet><sheetData>` + diffHeaderRow + `</sheetData></worksheet>`},
	{"byte order mark", "\ufeff" + `<?xml version="1.0"?><worksheet><sheetData>` + diffHeaderRow + `</sheetData></worksheet>`},
	{"doctype", `<?xml version="1.0"?><!DOCTYPE worksheet><worksheet><sheetData>` + diffHeaderRow + `</sheetData></worksheet>`},
	{"text outside the root", `<?xml version="1.0"?>x<worksheet><sheetData>` + diffHeaderRow + `</sheetData></worksheet>`},
	{"header with gaps and trailing blanks", `<worksheet><sheetData><row r="1"><c r="B1" t="s"><v>0</v></c><c r="D1" t="inlineStr"><is><t> </t></is></c></row><row r="2"><c r="B2"><v>1</v></c></row></sheetData></worksheet>`},
	{"header row not first", `<worksheet><sheetData><row r="3">` + strings.TrimPrefix(diffHeaderRow, `<row r="1">`) + `<row r="4"><c><v>1</v></c></row></sheetData></worksheet>`},
	{"empty sheet", ``},
}

func TestXLSXDifferentialHandMade(t *testing.T) {
	opt := XLSXOptions{Sheet: "Teilnahmen", DateColumns: []string{"Beginn"}}
	fast := 0
	for _, c := range diffRows {
		if differ(t, c.name, sheetWorkbook(t, diffSheetHead+diffHeaderRow+c.rows+diffSheetTail, diffSST), opt) {
			fast++
		}
		if differ(t, c.name+" (date1904)", sheetWorkbook(t, diffSheetHead+diffHeaderRow+c.rows+diffSheetTail, diffSST,
			"xl/workbook.xml", `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr date1904="1"/><sheets><sheet name="Teilnahmen" sheetId="1" r:id="rId1"/></sheets></workbook>`), opt) {
			fast++
		}
	}
	for _, c := range diffSheets {
		if differ(t, c.name, sheetWorkbook(t, c.sheet, diffSST), opt) {
			fast++
		}
	}
	// The shared strings part: variants the fast path reads and ones it leaves to excelize.
	ssts := []struct{ name, sst string }{
		{"no shared strings", ""},
		{"prefixed root", `<x:sst xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:si><x:t>A</x:t></x:si><x:si><x:t>B</x:t></x:si></x:sst>`},
		{"root in another namespace", `<sst xmlns="urn:other"><si><t>A</t></si><si><t>B</t></si></sst>`},
		{"count not a number", `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="x"><si><t>A</t></si><si><t>B</t></si></sst>`},
		{"phonetic reading", `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>A</t><rPh sb="0" eb="1"><t>a</t></rPh><phoneticPr fontId="1"/></si><si><t>B</t></si></sst>`},
		{"broken", `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>A</t></si><si><t>B</t></sst>`},
		{"strict namespace in the text", `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>http://purl.oclc.org/ooxml/spreadsheetml/main</t></si><si><t>B</t></si></sst>`},
		{"empty part", " "},
	}
	for _, c := range ssts {
		differ(t, "shared strings: "+c.name, sheetWorkbook(t, diffSheetHead+diffHeaderRow+`<row r="2"><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row>`+diffSheetTail, c.sst), opt)
	}
	// Most of the cases are on the fast path; the others show the hand-over.
	if fast < len(diffRows) {
		t.Errorf("only %d of %d workbooks read on the fast path", fast, 2*len(diffRows)+len(diffSheets))
	}
}

// TestXLSXDifferentialWritten: workbooks excelize writes, all on the fast path.
func TestXLSXDifferentialWritten(t *testing.T) {
	opt := XLSXOptions{Sheet: "Teilnahmen", DateColumns: []string{"Beginn", "Ende_geplant"}}
	check := func(name string, data []byte) {
		if !differ(t, name, data, opt) {
			t.Errorf("%s: not read on the fast path", name)
		}
	}
	check("measures", measuresWorkbook(t))
	check("measures, stored", storedCopy(t, measuresWorkbook(t)))
	rng := rand.New(rand.NewPCG(18, 1))
	texts := []string{"", " ", "Müller", "a & b < c", "x\ny", "\t", "_x000D_", "TN-1", "  lead", "trail  ", "€", "😀", "a\"b'c", "]]>", "1", "007", "=SUM(A1)"}
	value := func() any {
		switch rng.IntN(7) {
		case 0:
			return texts[rng.IntN(len(texts))]
		case 1:
			return rng.IntN(100000) - 500
		case 2:
			return rng.Float64() * 1000
		case 3:
			return rng.IntN(2) == 0
		case 4:
			return day(2020+rng.IntN(8), 1+rng.IntN(12), 1+rng.IntN(28))
		case 5:
			return nil
		}
		return fmt.Sprintf("T-%d", rng.IntN(1000))
	}
	for n := range 12 {
		stream := n%2 == 1
		data := buildWorkbook(t, func(f *excelize.File) {
			f.SetSheetName("Sheet1", "Teilnahmen")
			if n%3 == 0 {
				f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: boolPtr(true)})
			}
			sheets := []string{"Teilnahmen"}
			if n%4 == 2 {
				f.NewSheet("Teilnahmen (2)")
				sheets = append(sheets, "Teilnahmen (2)")
			}
			f.NewSheet("Info")
			setRow(t, f, "Info", 1, "Export", "x")
			dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
			for _, s := range sheets {
				var sw *excelize.StreamWriter
				if stream {
					var err error
					if sw, err = f.NewStreamWriter(s); err != nil {
						t.Fatal(err)
					}
					sw.SetRow("A1", teilnahmenHeader)
				} else {
					setRow(t, f, s, 1, teilnahmenHeader...)
				}
				row := 1
				for range 30 + rng.IntN(60) {
					row += 1 + rng.IntN(3)
					vals := make([]any, 5+rng.IntN(2))
					for i := range vals {
						vals[i] = value()
					}
					cell, _ := excelize.CoordinatesToCellName(1, row)
					if stream {
						if rng.IntN(10) == 0 {
							vals[3] = excelize.Cell{StyleID: dateStyle, Value: day(2026, 1+rng.IntN(12), 1)}
						}
						if rng.IntN(10) == 0 {
							vals[0] = excelize.Cell{Formula: "1+1", Value: 2}
						}
						if err := sw.SetRow(cell, vals); err != nil {
							t.Fatal(err)
						}
					} else {
						f.SetSheetRow(s, cell, &vals)
						if rng.IntN(8) == 0 {
							f.SetCellFormula(s, "B"+fmt.Sprint(row), "A1&\"x\"")
						}
						if rng.IntN(8) == 0 {
							f.SetCellRichText(s, "C"+fmt.Sprint(row), []excelize.RichTextRun{{Text: "Rich "}, {Text: "Text"}})
						}
						if rng.IntN(8) == 0 {
							setDate(t, f, s, "D"+fmt.Sprint(row), time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
						}
					}
				}
				if stream {
					if err := sw.Flush(); err != nil {
						t.Fatal(err)
					}
				}
			}
		})
		name := fmt.Sprintf("written %d (stream %v)", n, stream)
		if n%6 == 5 {
			// rich text runs carry formatting: excelize reads those
			differ(t, name, data, opt)
			continue
		}
		if !stream {
			differ(t, name, data, opt) // SetCellRichText writes formatted runs
			continue
		}
		check(name, data)
	}
}

func boolPtr(b bool) *bool { return &b }

var manyDigits = regexp.MustCompile(`[0-9]{6}`)

// FuzzXLSXSheet mutates the worksheet's XML (and the shared strings'): the fast path
// and excelize must agree on every one.
func FuzzXLSXSheet(f *testing.F) {
	for _, c := range diffRows {
		f.Add([]byte(diffSheetHead+diffHeaderRow+c.rows+diffSheetTail), []byte(diffSST))
	}
	for _, c := range diffSheets {
		f.Add([]byte(c.sheet), []byte(diffSST))
	}
	f.Fuzz(func(t *testing.T, sheet, sst []byte) {
		if len(sheet) > 64<<10 || len(sst) > 16<<10 || manyDigits.Match(sheet) {
			return // a row number far down takes a million calls of Next to reach
		}
		opt := XLSXOptions{Sheet: "Teilnahmen", DateColumns: []string{"Beginn"}}
		differ(t, "fuzzed", sheetWorkbook(t, string(sheet), string(sst)), opt)
	})
}

// TestBstrDecodeInPlace: the escapes of an inline string are resolved in the row's
// buffer as bstrDecode resolves them in a string.
func TestBstrDecodeInPlace(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 2))
	parts := []string{"_x", "_x0041_", "_x005F_", "_x005f_", "_xD800_", "_x00e4_", "_X0041_", "_x00", "41_", "_", "x", "a", "ü", "_x1F60_", "__x0041_"}
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(8) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		s := b.String()
		buf := []byte(s)
		if got, want := string(buf[:bstrDecodeInPlace(buf)]), bstrDecode(s); got != want {
			t.Fatalf("%q: %q, want %q", s, got, want)
		}
	}
}

// TestXLSXRowsKept: the rows the fast path gives stay as they were while it reads on
// (it hands out its list of cells again and cuts values from a buffer it reuses), and
// the header stays the header.
func TestXLSXRowsKept(t *testing.T) {
	opt := XLSXOptions{Sheet: "Teilnahmen", DateColumns: []string{"Beginn"}}
	var sheets []string
	for _, c := range diffRows {
		sheets = append(sheets, diffSheetHead+diffHeaderRow+c.rows+diffSheetTail)
	}
	sheets = append(sheets, diffSheetHead+diffHeaderRow+strings.Repeat(`<row><c t="inlineStr"><is><t>a_x0041_</t></is></c><c><v>2</v></c><c t="s"><v>2</v></c></row>`, 300)+diffSheetTail)
	for i, sheet := range sheets {
		p := writeTemp(t, "massnahmen_20261124.xlsx", sheetWorkbook(t, sheet, diffSST))
		r, err := OpenXLSX(p, opt)
		if err != nil {
			continue
		}
		header := fmt.Sprintf("%q", r.Columns())
		var rows []*Row
		var now []string
		for {
			row, err := r.Next()
			if err != nil {
				break
			}
			rows = append(rows, row)
			now = append(now, fmt.Sprintf("%d %q", row.Line, row.Fields))
		}
		if got := fmt.Sprintf("%q", r.Columns()); got != header {
			t.Errorf("sheet %d: header %s after reading, %s before", i, got, header)
		}
		r.Close()
		for k, row := range rows {
			if got := fmt.Sprintf("%d %q", row.Line, row.Fields); got != now[k] {
				t.Errorf("sheet %d: row %s after reading on, %s when read", i, got, now[k])
			}
		}
	}
}
