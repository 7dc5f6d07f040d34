package read

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

var beratungFields = []string{"id", "datum", "zielgruppe", "dauer_min", "kundennummer", "betriebsnummer"}

func TestJSONL(t *testing.T) {
	spec := `{"id":"B-2026-11-000123","datum":"2026-11-03","kreis":"05970","zielgruppe":"ARBEITGEBER","thema":"EINSTELLUNG","kanal":"PERSOENLICH","dauer_min":45,"kundennummer":null,"betriebsnummer":"12345678"}`
	tests := []struct {
		name    string
		in      string
		want    []string
		extra   []string
		wantErr string
	}{
		{name: "spec line", in: spec + "\n",
			want:  []string{`1 ["B-2026-11-000123" "2026-11-03" "ARBEITGEBER" "45" "" "12345678"]`},
			extra: []string{"kanal", "kreis", "thema"}},
		{name: "strings, numbers, null, booleans, missing keys", in: `{"id":"a\"b\u00fc\n","dauer_min":37.5,"kundennummer":"975D004711"}
{"id":"","dauer_min":-1e3,"datum":true,"zielgruppe":false,"betriebsnummer":null}
{}
`,
			want: []string{`1 ["a\"bü\n" "" "" "37.5" "975D004711" ""]`, `2 ["" "true" "false" "-1e3" "" ""]`, `3 ["" "" "" "" "" ""]`}},
		{name: "whitespace and CRLF", in: "  { \"id\" : \"x\" , \"dauer_min\" : 5 }  \r\n{\"id\":\"y\"}\r\n",
			want: []string{`1 ["x" "" "" "5" "" ""]`, `2 ["y" "" "" "" "" ""]`}},
		{name: "blank lines skipped, lines counted", in: "\n{\"id\":\"a\"}\n\n \t\r\n{\"id\":\"b\"}\n\n",
			want: []string{`2 ["a" "" "" "" "" ""]`, `5 ["b" "" "" "" "" ""]`}},
		{name: "BOM on the first line", in: "\xEF\xBB\xBF{\"id\":\"a\"}\n",
			want: []string{`1 ["a" "" "" "" "" ""]`}},
		{name: "last line complete without line end", in: "{\"id\":\"a\"}\n{\"id\":\"b\"}",
			want: []string{`1 ["a" "" "" "" "" ""]`, `2 ["b" "" "" "" "" ""]`}},
		{name: "last line cut off", in: "{\"id\":\"a\"}\n{\"id\":\"b\",\"datum\":\"2026-",
			want: []string{`1 ["a" "" "" "" "" ""]`, "!2 Zeile abgeschnitten: JSON-Objekt unvollständig"}},
		{name: "line cut off in the middle", in: "{\"id\":\"a\"\n{\"id\":\"b\"}\n",
			want: []string{"!1 Zeile abgeschnitten: JSON-Objekt unvollständig", `2 ["b" "" "" "" "" ""]`}},
		{name: "not objects", in: "[1,2]\n42\n\"text\"\nnull\ntrue\n{\"id\":\"a\"} {\"id\":\"b\"}\n{\"id\":\"c\",}\nid=x\n{\"id\":\"d\"}\n",
			want: []string{"!1 kein JSON-Objekt", "!2 kein JSON-Objekt", "!3 kein JSON-Objekt", "!4 kein JSON-Objekt",
				"!5 kein JSON-Objekt", "!6 kein JSON-Objekt", "!7 kein JSON-Objekt", "!8 kein JSON-Objekt", `9 ["d" "" "" "" "" ""]`}},
		{name: "object or list as a value", in: "{\"id\":{\"a\":1}}\n{\"datum\":[1]}\n{\"thema\":{\"x\":1},\"id\":\"e\"}\n",
			want:  []string{"!1 [id] Objekt oder Liste statt eines Werts", "!2 [datum] Objekt oder Liste statt eines Werts", `3 ["e" "" "" "" "" ""]`},
			extra: []string{"thema"}},
		{name: "duplicate key, last wins", in: "{\"id\":\"a\",\"id\":\"b\"}\n",
			want: []string{`1 ["b" "" "" "" "" ""]`}},
		{name: "0 bytes", in: ""},
		{name: "only blank lines", in: "\n\r\n\n"},
		{name: "invalid UTF-8", in: "{\"id\":\"a\"}\n{\"id\":\"M\xfcller\"}\n{\"id\":\"c\"}\n",
			want: []string{`1 ["a" "" "" "" "" ""]`}, wantErr: "Zeile 2: Bytes, die in UTF-8 ungültig sind"},
		{name: "invalid UTF-8 on a blank-looking line", in: "{\"id\":\"a\"}\n\xa0\n",
			want: []string{`1 ["a" "" "" "" "" ""]`}, wantErr: "Zeile 2: Bytes, die in UTF-8 ungültig sind"},
		{name: "invalid UTF-8 in a cut line", in: "{\"id\":\"\xc3",
			wantErr: "Zeile 1: Bytes, die in UTF-8 ungültig sind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewJSONL(strings.NewReader(tt.in), beratungFields)
			if err != nil {
				t.Fatalf("NewJSONL: %v", err)
			}
			defer closeReader(t, r)
			if !slices.Equal(r.Columns(), beratungFields) {
				t.Errorf("Columns = %q", r.Columns())
			}
			got, err := events(t, r)
			checkEvents(t, got, tt.want)
			checkEnd(t, err, tt.wantErr)
			if tt.wantErr == "" && !slices.Equal(r.Extra(), tt.extra) {
				t.Errorf("Extra = %q, want %q", r.Extra(), tt.extra)
			}
		})
	}
}

// TestJSONLLineLimit: one endless line must not be read into memory whole.
func TestJSONLLineLimit(t *testing.T) {
	defer func(n int) { maxRecordBytes = n }(maxRecordBytes)
	maxRecordBytes = 1 << 10
	in := "{\"id\":\"a\"}\n{\"id\":\"" + strings.Repeat("x", 5000) + "\"}\n{\"id\":\"c\"}\n"
	r, err := NewJSONL(strings.NewReader(in), beratungFields)
	if err != nil {
		t.Fatal(err)
	}
	got, err := events(t, r)
	checkEvents(t, got, []string{`1 ["a" "" "" "" "" ""]`})
	checkEnd(t, err, "Zeile 2: Zeile länger als 1 KiB")
}

// TestJSONLLongLine reads a line longer than the reader's buffer.
func TestJSONLLongLine(t *testing.T) {
	long := strings.Repeat("ü", 1<<20)
	r, err := NewJSONL(strings.NewReader("{\"id\":\""+long+"\"}\n{\"id\":\"b\"}\n"), beratungFields)
	if err != nil {
		t.Fatal(err)
	}
	row, err := r.Next()
	if err != nil || row.Line != 1 || row.Fields[0] != long {
		t.Fatalf("long line: %v", err)
	}
	got, err := events(t, r)
	checkEvents(t, got, []string{`2 ["b" "" "" "" "" ""]`})
	checkEnd(t, err, "")
}

// TestJSONLMatched (issue 15, D8): objects none of whose keys is asked for are counted
// apart; the unknown keys collected are bounded.
func TestJSONLMatched(t *testing.T) {
	var b strings.Builder
	for i := range 300 {
		b.WriteString(`{"k` + strconv.Itoa(i) + `":1}` + "\n")
	}
	b.WriteString(`{"id":"B-1","x":2}` + "\n")
	r, _ := NewJSONL(strings.NewReader(b.String()), []string{"id", "datum"})
	for {
		if _, err := r.Next(); err != nil {
			break
		}
	}
	if n := r.(Matcher).Matched(); n != 1 {
		t.Errorf("Matched = %d, want 1", n)
	}
	if n := len(r.Extra()); n != maxExtra {
		t.Errorf("%d extra names, want %d", n, maxExtra)
	}
}
