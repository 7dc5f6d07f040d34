package read

import (
	"fmt"
	"testing"
)

// TestSheetScanner: the worksheet scanner reads prefixed names, entities and character
// references, CDATA, comments, quoted '>' in attributes, and leaves phonetic readings
// out of a cell's text.
func TestSheetScanner(t *testing.T) {
	row := `<x:row r="2" spans="1:4"><x:c r="B2" t="inlineStr"><x:is><x:r><x:t>a &amp; b &#252;&#x21;</x:t></x:r>` +
		`<x:rPh><x:t>ignored</x:t></x:rPh></x:is></x:c><x:c r="C2" t="str" q='a>b'><x:f>1</x:f><x:v><![CDATA[<raw>]]></x:v></x:c><x:c r="E2"/></x:row>`
	doc := `<?xml version="1.0"?><!-- <row r="9"> --><x:worksheet><x:sheetData>` + row + `</x:sheetData></x:worksheet>`
	ws, err := ScanSheet([]byte(doc), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ws.Rows) != 1 || ws.Last != 2 {
		t.Fatalf("rows %+v", ws.Rows)
	}
	r := ws.Rows[0]
	if got := fmt.Sprintf("%q", r.Values); got != `["" "a & b ü!" "<raw>" "" ""]` {
		t.Errorf("values %s", got)
	}
	if doc[r.Start:r.End] != row || r.Empty != `<x:row r="2"/>` {
		t.Errorf("span %q, empty %q", doc[r.Start:r.End], r.Empty)
	}
	if _, err := ScanSheet([]byte(`<row r="1"><c t="s"><v>0</v></c></row>`), nil); err == nil {
		t.Error("a shared string without a table")
	}
	if err := tags([]byte(`<row r="1`), func(*tag) {}, func([]byte) {}); err == nil {
		t.Error("a cut tag")
	}
}

// TestSheetScannerBadReference: a cell reference without a column, or beyond XFD, is an
// error (it used to index the row's values at -1, or grow them without bound).
func TestSheetScannerBadReference(t *testing.T) {
	for _, doc := range []string{`<row><c r="0"></c></row>`, `<row r="1"><c r="AAAAAAAAAAAAAAAAAAAA1"><v>1</v></c></row>`, `<row r="1"><c r="XFE1"><v>1</v></c></row>`} {
		if _, err := ScanSheet([]byte(doc), nil); err == nil {
			t.Errorf("%s: no error", doc)
		}
	}
	ws, err := ScanSheet([]byte(`<row r="1"><c r="XFD1"><v>1</v></c></row>`), nil)
	if err != nil || len(ws.Rows) != 1 || len(ws.Rows[0].Values) != maxColumns {
		t.Errorf("XFD1: %v", err)
	}
}
