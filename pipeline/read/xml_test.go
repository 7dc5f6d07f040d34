package read

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

var abhOptions = XMLOptions{
	Root:   "aufenthaltsmeldungen",
	Record: "meldung",
	Fields: []string{"@id", "azrNummer", "kundennummer", "status", "rechtsgrundlage", "gueltigAb", "gueltigBis"},
}

// abhDoc is the spec's example with two records; enc names the declared encoding.
func abhDoc(enc, rechtsgrundlage string) string {
	return `<?xml version="1.0" encoding="` + enc + `"?>
<aufenthaltsmeldungen kreis="05966" erstellt="2026-11-24T02:00:00">
  <meldung id="ABH-05966-2026-004711">
    <azrNummer>123456789012</azrNummer>
    <kundennummer>975D004711</kundennummer>
    <status>AE25_2</status>
    <rechtsgrundlage>` + rechtsgrundlage + `</rechtsgrundlage>
    <gueltigAb>2026-11-20</gueltigAb>
    <gueltigBis>2029-11-19</gueltigBis>
  </meldung>
  <meldung id="ABH-05966-2026-004712">
    <azrNummer> 123456789013 </azrNummer>
    <status>DUL</status>
    <gueltigAb>2026-11-21</gueltigAb>
  </meldung>
</aufenthaltsmeldungen>
`
}

func TestXML(t *testing.T) {
	second := `11 ["ABH-05966-2026-004712" "123456789013" "" "DUL" "" "2026-11-21" ""]`
	tests := []struct {
		name    string
		in      string
		want    []string
		extra   []string
		wantErr string
	}{
		{name: "UTF-8", in: abhDoc("UTF-8", "§ 25 Abs. 2 AufenthG"),
			want: []string{`3 ["ABH-05966-2026-004711" "123456789012" "975D004711" "AE25_2" "§ 25 Abs. 2 AufenthG" "2026-11-20" "2029-11-19"]`, second}},
		{name: "ISO-8859-1", in: abhDoc("ISO-8859-1", "\xa7 25 Abs. 2 AufenthG, M\xfcller"),
			want: []string{`3 ["ABH-05966-2026-004711" "123456789012" "975D004711" "AE25_2" "§ 25 Abs. 2 AufenthG, Müller" "2026-11-20" "2029-11-19"]`, second}},
		{name: "iso-8859-1 lower case", in: abhDoc("iso-8859-1", "\xa7"),
			want: []string{`3 ["ABH-05966-2026-004711" "123456789012" "975D004711" "AE25_2" "§" "2026-11-20" "2029-11-19"]`, second}},
		{name: "Windows-1252", in: abhDoc("windows-1252", "\x84\xa7\x93 \x80"),
			want: []string{`3 ["ABH-05966-2026-004711" "123456789012" "975D004711" "AE25_2" "„§“ €" "2026-11-20" "2029-11-19"]`, second}},
		{name: "no declaration is UTF-8", in: "<aufenthaltsmeldungen><meldung id=\"1\"><status>GEST</status></meldung></aufenthaltsmeldungen>",
			want: []string{`1 ["1" "" "" "GEST" "" "" ""]`}},
		{name: "entities, CDATA, comments", in: "<aufenthaltsmeldungen>\n<meldung id=\"a&amp;b\">\n<!-- Hinweis -->\n<status><![CDATA[A<B]]></status>\n<rechtsgrundlage>&#167; 60a &lt;AufenthG&gt;</rechtsgrundlage>\n</meldung>\n</aufenthaltsmeldungen>\n",
			want: []string{`2 ["a&b" "" "" "A<B" "§ 60a <AufenthG>" "" ""]`}},
		{name: "self-closing record and field", in: "<aufenthaltsmeldungen>\n<meldung id=\"1\"/>\n<meldung id=\"2\"><status/></meldung>\n</aufenthaltsmeldungen>",
			want: []string{`2 ["1" "" "" "" "" "" ""]`, `3 ["2" "" "" "" "" "" ""]`}},
		{name: "line of a start tag over several lines", in: "<aufenthaltsmeldungen>\n\n<meldung\n   id=\"1\"\n>\n<status>DUL</status></meldung><meldung id=\"2\"/>\n</aufenthaltsmeldungen>",
			want: []string{`3 ["1" "" "" "DUL" "" "" ""]`, `6 ["2" "" "" "" "" "" ""]`}},
		{name: "unknown elements and attributes in Extra", in: `<aufenthaltsmeldungen>
<kopf><quelle>ABH</quelle></kopf>
<meldung id="1" neu="x"><status>DUL</status><bemerkung>frei</bemerkung><status2/></meldung>
<meldung id="2"><bemerkung>frei</bemerkung></meldung>
</aufenthaltsmeldungen>`,
			want:  []string{`3 ["1" "" "" "DUL" "" "" ""]`, `4 ["2" "" "" "" "" "" ""]`},
			extra: []string{"<kopf>", "@neu", "bemerkung", "status2"}},
		{name: "a field holding elements, a field twice: the record is rejected", in: `<aufenthaltsmeldungen>
<meldung id="1"><kundennummer><id>975D004711</id></kundennummer><status>DUL</status></meldung>
<meldung id="2"><status>DUL</status><status>GEST</status></meldung>
<meldung id="3"><status>DUL<x/></status><bemerkung><a/></bemerkung></meldung>
<meldung id="4"><status>DUL</status><bemerkung/><bemerkung/></meldung>
</aufenthaltsmeldungen>`,
			want: []string{"!2 [kundennummer] Element <kundennummer> enthält weitere Elemente statt eines Werts",
				"!3 [status] Element <status> mehrfach im Datensatz",
				"!4 [status] Element <status> enthält weitere Elemente statt eines Werts",
				`5 ["4" "" "" "DUL" "" "" ""]`},
			extra: []string{"bemerkung"}},
		{name: "only the root", in: `<?xml version="1.0" encoding="UTF-8"?>` + "\n<aufenthaltsmeldungen kreis=\"05970\"/>\n"},

		{name: "wrong root", in: "<?xml version=\"1.0\"?>\n<meldungen><meldung id=\"1\"/></meldungen>",
			wantErr: "Zeile 2: Wurzelelement <aufenthaltsmeldungen> fehlt"},
		{name: "0 bytes", in: "", wantErr: "kein Wurzelelement <aufenthaltsmeldungen>"},
		{name: "only a declaration", in: `<?xml version="1.0" encoding="UTF-8"?>` + "\n", wantErr: "kein Wurzelelement <aufenthaltsmeldungen>"},
		{name: "Latin-1 byte in a UTF-8 document", in: abhDoc("UTF-8", "\xa7 25"),
			wantErr: "Zeile 7: kein wohlgeformtes XML"},
		{name: "Latin-1 byte, no declaration", in: "<aufenthaltsmeldungen>\n<meldung id=\"M\xfcller\"/>\n</aufenthaltsmeldungen>",
			wantErr: "Zeile 2: kein wohlgeformtes XML"},
		{name: "cut off inside a record", in: abhDoc("UTF-8", "x")[:300],
			want: []string{}, wantErr: "XML-Dokument endet vorzeitig"},
		{name: "cut off after a record", in: strings.SplitAfter(abhDoc("UTF-8", "x"), "</meldung>\n")[0],
			want:    []string{`3 ["ABH-05966-2026-004711" "123456789012" "975D004711" "AE25_2" "x" "2026-11-20" "2029-11-19"]`},
			wantErr: "Zeile 11: XML-Dokument endet vorzeitig"},
		{name: "cut off in a tag", in: "<aufenthaltsmeldungen>\n<meldung id=\"1", wantErr: "XML-Dokument endet vorzeitig"},
		{name: "mismatched tags", in: "<aufenthaltsmeldungen>\n<meldung id=\"1\">\n<status>DUL</gueltigAb>\n</meldung>\n</aufenthaltsmeldungen>",
			wantErr: "Zeile 3: kein wohlgeformtes XML"},
		{name: "second root after the end", in: "<aufenthaltsmeldungen><meldung id=\"1\"/></aufenthaltsmeldungen>\n<aufenthaltsmeldungen><meldung id=\"2\"/></aufenthaltsmeldungen>",
			want: []string{`1 ["1" "" "" "" "" "" ""]`}, wantErr: "Zeile 2: Element <aufenthaltsmeldungen> nach dem Ende des Wurzelelements"},
		{name: "a name after the end", in: "<aufenthaltsmeldungen><meldung id=\"1\"/></aufenthaltsmeldungen>\n<Müller_Anna/>",
			want: []string{`1 ["1" "" "" "" "" "" ""]`}, wantErr: "Zeile 2: Element <(Name nicht wiedergegeben, 11 Zeichen)> nach dem Ende des Wurzelelements"},
		{name: "unsupported encoding", in: abhDoc("Shift_JIS", "x"), wantErr: `Zeichensatz "Shift_JIS" wird nicht unterstützt`},
		{name: "not XML", in: "Kundennummer;Status\n975D004711;AL\n", wantErr: "kein Wurzelelement"},
		{name: "binary", in: "\x00\x01\x02<\xff\xfe", wantErr: "kein wohlgeformtes XML"},
		// A cell's text in an entity or a name the decoder quotes is not repeated.
		{name: "text as an entity", in: "<aufenthaltsmeldungen>\n<meldung id=\"1\"><status>&Müller-Lüdenscheid;</status></meldung>\n</aufenthaltsmeldungen>",
			wantErr: "Zeile 2: kein wohlgeformtes XML: ungültiger Entitätsverweis"},
		{name: "text as a name", in: "<aufenthaltsmeldungen>\n<meldung id=\"1\"><status>&#Müller;</status></meldung>\n</aufenthaltsmeldungen>",
			wantErr: "Zeile 2: kein wohlgeformtes XML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewXML(strings.NewReader(tt.in), abhOptions)
			if err != nil {
				t.Fatalf("NewXML: %v", err)
			}
			defer closeReader(t, r)
			if !slices.Equal(r.Columns(), abhOptions.Fields) {
				t.Errorf("Columns = %q", r.Columns())
			}
			got, err := events(t, r)
			checkEvents(t, got, tt.want)
			checkEnd(t, err, tt.wantErr)
			if err != nil && strings.Contains(err.Error(), "ller") {
				t.Errorf("the reason quotes the document's text: %v", err)
			}
			if tt.wantErr == "" && !slices.Equal(r.Extra(), tt.extra) {
				t.Errorf("Extra = %q, want %q", r.Extra(), tt.extra)
			}
		})
	}
}

func TestXMLRootAttrs(t *testing.T) {
	r, err := NewXML(strings.NewReader(abhDoc("UTF-8", "x")), abhOptions)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	attrs := r.(interface{ RootAttrs() map[string]string }).RootAttrs()
	if attrs["kreis"] != "05966" || attrs["erstellt"] != "2026-11-24T02:00:00" || len(attrs) != 2 {
		t.Errorf("RootAttrs = %v", attrs)
	}
}

// TestXMLTokenCap (issue 15, D3): a text, a tag, a comment, a CDATA section or a skipped
// element longer than the cap makes the document unreadable before the decoder holds
// it; a field's text below the cap is read whole.
func TestXMLTokenCap(t *testing.T) {
	defer func(n int) { maxXMLToken = n }(maxXMLToken)
	maxXMLToken = 4 << 10
	big := strings.Repeat("x", 8<<10)
	head := `<?xml version="1.0"?>` + "\n" + `<aufenthaltsmeldungen kreis="05966">`
	for name, doc := range map[string]string{
		"field text":     head + `<meldung id="1"><status>` + big + `</status></meldung></aufenthaltsmeldungen>`,
		"text in root":   head + big + `</aufenthaltsmeldungen>`,
		"text before":    big + head + `</aufenthaltsmeldungen>`,
		"attribute":      head + `<meldung id="` + big + `"/></aufenthaltsmeldungen>`,
		"comment":        head + `<!--` + strings.Repeat("<", 8<<10) + `--></aufenthaltsmeldungen>`,
		"cdata":          head + `<meldung><status><![CDATA[` + strings.Repeat("<>", 4<<10) + `]]></status></meldung></aufenthaltsmeldungen>`,
		"nesting":        head + `<meldung><status>` + strings.Repeat("<a>", 4<<10) + `</status></meldung></aufenthaltsmeldungen>`,
		"skipped nested": head + strings.Repeat("<a>", 4<<10) + strings.Repeat("</a>", 4<<10) + `</aufenthaltsmeldungen>`,
	} {
		r, _ := NewXML(strings.NewReader(doc), abhOptions)
		_, err := events(t, r)
		checkEnd(t, err, "Text oder Element länger als 4 KiB")
		if t.Failed() {
			t.Fatalf("%s", name)
		}
	}
	ok := head + `<meldung id="1"><status>` + strings.Repeat("y", 3<<10) + `</status></meldung></aufenthaltsmeldungen>`
	r, _ := NewXML(strings.NewReader(ok), abhOptions)
	row, err := r.Next()
	if err != nil || len(row.Fields[3]) != 3<<10 {
		t.Fatalf("a field below the cap: %v", err)
	}
}

// TestXMLMatched (issue 15, D8): a reader counts the records that held a field asked for;
// the names it collects as Extra are bounded.
func TestXMLMatched(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<aufenthaltsmeldungen kreis="05966">`)
	for i := range 500 {
		fmt.Fprintf(&b, "<meldung><feld%d>1</feld%d></meldung>", i, i)
	}
	b.WriteString(`<meldung><status>AE24</status></meldung></aufenthaltsmeldungen>`)
	r, _ := NewXML(strings.NewReader(b.String()), abhOptions)
	if _, err := events(t, r); err != nil {
		t.Fatal(err)
	}
	if n := r.(Matcher).Matched(); n != 1 {
		t.Errorf("Matched = %d, want 1", n)
	}
	if n := len(r.Extra()); n != maxExtra {
		t.Errorf("%d extra names, want %d", n, maxExtra)
	}
}
