package read

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
)

// One suite for every scanner: each case is a list of records (and gaps between them)
// that each format writes in its own syntax, noting where each record must be found
// (its line or sheet row, its bytes, its values as the scanner shows them); the suite
// scans the bytes and compares. Where the format's reader can read the case, the
// reader must report the same positions.

// scanCase is a file described independently of its format.
type scanCase struct {
	name  string
	items []scanItem
	crlf  bool // CRLF line ends instead of LF
	cut   bool // the file ends inside its last record
}

// scanItem is a record with its values (id, name), or a gap (a blank line; in a
// worksheet, a row number left out).
type scanItem struct {
	gap    bool
	values [2]string
}

func rec(id, name string) scanItem { return scanItem{values: [2]string{id, name}} }

var gap = scanItem{gap: true}

var scanCases = []scanCase{
	{name: "plain", items: []scanItem{rec("1", "Anna"), rec("2", "Berta"), rec("3", "Carl")}},
	{name: "CRLF", crlf: true, items: []scanItem{rec("1", "Anna"), rec("2", "Berta")}},
	{name: "gaps", items: []scanItem{gap, rec("1", "Anna"), gap, gap, rec("2", "Berta"), gap}},
	{name: "line break in a value", items: []scanItem{rec("1", "Anna\nAnders"), rec("2", "Berta")}},
	{name: "line break in a value, CRLF", crlf: true, items: []scanItem{rec("1", "Anna\nAnders"), gap, rec("2", "Berta")}},
	{name: "separators, quotes, markup", items: []scanItem{rec("1", `a;b,"c" <d> & e`), rec("2", "x")}},
	{name: "beyond ASCII", items: []scanItem{rec("1", "Müller"), rec("2", "Jörg")}},
	{name: "empty values", items: []scanItem{rec("", ""), rec("2", "")}},
	{name: "no records", items: []scanItem{gap}},
	{name: "cut", cut: true, items: []scanItem{rec("1", "Anna"), rec("2", "Berta")}},
	{name: "cut, gaps", cut: true, items: []scanItem{rec("1", "Anna"), gap, rec("2", "Berta")}},
}

// scanFormat is a scanner under the suite.
type scanFormat struct {
	name string
	// render writes the case: the file's bytes, the records it holds as the scanner must
	// find them, and whether the scan must end with an error.
	render func(c scanCase) (data []byte, want []Record, wantErr bool)
	// scan finds the records (the header left out).
	scan func(data []byte) ([]Record, error)
	// read reads data with the format's reader, where it can: the lines of its rows and
	// row errors.
	read func(data []byte) ([]int, error)
}

// writer tracks the offset and the line of the text written so far.
type writer struct {
	b    bytes.Buffer
	line int
	eol  string
}

func (w *writer) write(s string) (start, end int) {
	start = w.b.Len()
	w.b.WriteString(s)
	w.line += strings.Count(s, "\n")
	return start, w.b.Len()
}

func newWriter(c scanCase) *writer {
	w := &writer{line: 1, eol: "\n"}
	if c.crlf {
		w.eol = "\r\n"
	}
	return w
}

// crlfIn writes a value's line breaks as the file's line ends.
func (w *writer) crlfIn(s string) string { return strings.ReplaceAll(s, "\n", w.eol) }

func scanFormats() []scanFormat {
	return []scanFormat{
		{name: "CSV",
			render: func(c scanCase) ([]byte, []Record, bool) {
				w := newWriter(c)
				w.write("id;name" + w.eol)
				var want []Record
				for i, it := range c.items {
					if it.gap {
						w.write(w.eol)
						continue
					}
					if it.values == [2]string{} && !(c.cut && i == len(c.items)-1) {
						w.write(";" + w.eol) // a line of separators only: a blank line
						continue
					}
					fields := make([]string, 2)
					values := make([]string, 2)
					for k, v := range it.values {
						v = w.crlfIn(v)
						values[k] = v
						if strings.ContainsAny(v, ";\"\r\n") {
							v = `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
						}
						fields[k] = v
					}
					line := w.line
					text := strings.Join(fields, ";")
					if c.cut && i == len(c.items)-1 {
						text = text[:len(text)-1]
						values[1] = values[1][:len(values[1])-1]
						s, e := w.write(text)
						want = append(want, Record{Line: line, Start: s, End: e, Values: values})
						break
					}
					s, e := w.write(text)
					w.write(w.eol)
					want = append(want, Record{Line: line, Start: s, End: e, Values: values})
				}
				return w.b.Bytes(), want, false
			},
			scan: func(data []byte) ([]Record, error) {
				var out []Record
				for s := ScanCSV(data, ';'); s.Scan(); {
					out = append(out, *s.Record())
				}
				return out, nil
			},
			read: func(data []byte) ([]int, error) {
				r, err := NewCSV(bytes.NewReader(data), CSVOptions{Encoding: UTF8})
				if err != nil {
					return nil, err
				}
				return readLines(r)
			}},
		{name: "JSONL",
			render: func(c scanCase) ([]byte, []Record, bool) {
				w := newWriter(c)
				var want []Record
				for i, it := range c.items {
					if it.gap {
						w.write(w.eol)
						continue
					}
					b, _ := json.Marshal(map[string]string{"id": it.values[0], "name": it.values[1]})
					line := w.line
					if c.cut && i == len(c.items)-1 {
						s, e := w.write(string(b[:len(b)-3]))
						want = append(want, Record{Line: line, Start: s, End: e})
						break
					}
					s, e := w.write(string(b))
					w.write(w.eol)
					want = append(want, Record{Line: line, Start: s, End: e, Keys: []string{"id", "name"}, Values: it.values[:]})
				}
				return w.b.Bytes(), want, false
			},
			scan: func(data []byte) ([]Record, error) {
				var out []Record
				for s := ScanJSONL(data); s.Scan(); {
					out = append(out, *s.Record())
				}
				return out, nil
			},
			read: func(data []byte) ([]int, error) {
				r, err := NewJSONL(bytes.NewReader(data), []string{"id", "name"})
				if err != nil {
					return nil, err
				}
				return readLines(r)
			}},
		{name: "XML",
			render: func(c scanCase) ([]byte, []Record, bool) {
				w := newWriter(c)
				w.write(`<?xml version="1.0" encoding="UTF-8"?>` + w.eol + "<root>" + w.eol)
				esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
				var want []Record
				for i, it := range c.items {
					if it.gap {
						w.write(w.eol)
						continue
					}
					w.write("  ")
					line := w.line
					text := `<rec id="` + esc.Replace(it.values[0]) + `"><name>` + w.crlfIn(esc.Replace(it.values[1])) + "</name></rec>"
					if c.cut && i == len(c.items)-1 {
						w.write(text[:len(text)-3])
						return w.b.Bytes(), want, true
					}
					s, e := w.write(text)
					w.write(w.eol)
					want = append(want, Record{Line: line, Start: s, End: e, Keys: []string{"@id", "name"}, Values: []string{mask(it.values[0]), mask(it.values[1])}})
				}
				w.write("</root>" + w.eol)
				return w.b.Bytes(), want, false
			},
			scan: func(data []byte) ([]Record, error) {
				var out []Record
				s := ScanXML(data, "rec")
				for s.Scan() {
					out = append(out, *s.Record())
				}
				return out, s.Err()
			},
			read: func(data []byte) ([]int, error) {
				r, err := NewXML(bytes.NewReader(data), XMLOptions{Root: "root", Record: "rec", Fields: []string{"@id", "name"}})
				if err != nil {
					return nil, err
				}
				return readLines(r)
			}},
		{name: "XLSX worksheet",
			render: func(c scanCase) ([]byte, []Record, bool) {
				w := newWriter(c)
				w.write(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + w.eol + `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + w.eol)
				esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
				cell := func(ref, v string) string {
					return `<c r="` + ref + `" t="inlineStr"><is><t>` + esc.Replace(v) + `</t></is></c>`
				}
				w.write(`<row r="1">` + cell("A1", "id") + cell("B1", "name") + "</row>" + w.eol)
				var want []Record
				num := 2
				for i, it := range c.items {
					if it.gap {
						num++
						continue
					}
					text := fmt.Sprintf(`<row r="%d">`, num) + cell(fmt.Sprint("A", num), it.values[0]) + cell(fmt.Sprint("B", num), w.crlfIn(it.values[1])) + "</row>"
					if c.cut && i == len(c.items)-1 {
						w.write(text[:len(text)-3])
						return w.b.Bytes(), want, true
					}
					s, e := w.write(text)
					w.write(w.eol)
					values := []string{it.values[0], w.crlfIn(it.values[1])} // a cell written is a value, "" too; the scanner keeps line ends as written
					want = append(want, Record{Line: num, Start: s, End: e, Values: values})
					num++
				}
				w.write("</sheetData></worksheet>")
				return w.b.Bytes(), want, false
			},
			scan: func(data []byte) ([]Record, error) {
				ws, err := ScanSheet(data, nil)
				var out []Record
				for _, r := range ws.Rows {
					if r.Num > 1 {
						out = append(out, r.Record)
					}
				}
				return out, err
			}},
	}
}

// mask is what XMLScanner shows of a value: bytes above 0x7F as 'x'.
func mask(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 0x80 {
			b[i] = 'x'
		}
	}
	return string(b)
}

// readLines reads r to its end: the lines of its rows and row errors.
func readLines(r Reader) ([]int, error) {
	var lines []int
	for {
		row, err := r.Next()
		var re *RowError
		switch {
		case err == nil:
			lines = append(lines, row.Line)
		case err == io.EOF:
			return lines, nil
		case asRowError(err, &re):
			lines = append(lines, re.Line)
		default:
			return lines, err
		}
	}
}

func asRowError(err error, re **RowError) bool {
	e, ok := err.(*RowError)
	*re = e
	return ok
}

func TestScannerSuite(t *testing.T) {
	for _, f := range scanFormats() {
		t.Run(f.name, func(t *testing.T) {
			for _, c := range scanCases {
				t.Run(c.name, func(t *testing.T) { runScanSuite(t, f, c) })
			}
		})
	}
}

func runScanSuite(t *testing.T, f scanFormat, c scanCase) {
	data, want, wantErr := f.render(c)
	got, err := f.scan(data)
	if (err != nil) != wantErr {
		t.Errorf("scan error %v, want an error: %v", err, wantErr)
	}
	norm := func(rs []Record) string {
		var b strings.Builder
		for _, r := range rs {
			if len(r.Values) == 0 {
				r.Values = nil
			}
			fmt.Fprintf(&b, "%d [%d,%d) %q %q\n", r.Line, r.Start, r.End, r.Keys, r.Values)
		}
		return b.String()
	}
	if norm(got) != norm(want) {
		t.Errorf("records of %q:\n got %s\nwant %s", data, norm(got), norm(want))
	}
	checkSpans(t, data, got)
	if f.read == nil || c.cut {
		return
	}
	lines, err := f.read(data)
	if err != nil {
		t.Fatalf("reader: %v", err)
	}
	var scanned []int
	for _, r := range got {
		scanned = append(scanned, r.Line)
	}
	if !slices.Equal(lines, scanned) {
		t.Errorf("reader's lines %v, scanner's %v", lines, scanned)
	}
}

// checkSpans checks what holds for every scanner's records: each lies within the file,
// after the one before, and names its values where it has names.
func checkSpans(t testing.TB, data []byte, recs []Record) {
	t.Helper()
	last := 0
	for _, r := range recs {
		if r.Start < last || r.End < r.Start || r.End > len(data) {
			t.Fatalf("record at line %d: span [%d,%d) after %d in %d bytes", r.Line, r.Start, r.End, last, len(data))
		}
		if r.Keys != nil && len(r.Keys) != len(r.Values) {
			t.Errorf("record at line %d: %d keys, %d values", r.Line, len(r.Keys), len(r.Values))
		}
		last = r.End
	}
}

func TestCheckEncoding(t *testing.T) {
	latin1 := []byte("Kreis;Gemeinde\n05970;Erndtebr\xfcck\n")
	utf8Text := []byte("Kreis;Gemeinde\n05970;Erndtebr\xc3\xbcck\n")
	for _, c := range []struct {
		name string
		head []byte
		want Encoding
		line int // 0: accepted
	}{
		{"Latin-1 as Latin-1", latin1, ISO88591, 0},
		{"UTF-8 where Latin-1 is due", utf8Text, ISO88591, 2},
		{"UTF-8 where Windows-1252 is due", utf8Text, Windows1252, 2},
		{"UTF-8 BOM where Windows-1252 is due", append([]byte("\xef\xbb\xbf"), latin1...), Windows1252, 1},
		{"UTF-16 LE", []byte("\xff\xfeK\x00r\x00"), UTF8BOM, 1},
		{"UTF-16 BE where Latin-1 is due", []byte("\xfe\xff\x00K\x00r"), ISO88591, 1},
		{"UTF-8 as UTF-8", utf8Text, UTF8BOM, 0},
		{"ASCII only", []byte("Kreis;Gemeinde\n05970;Bad Berleburg\n"), Windows1252, 0},
	} {
		err := CheckEncoding(c.head, c.want)
		var fe *FileError
		switch {
		case c.line == 0 && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case c.line > 0 && (!errors.As(err, &fe) || !fe.Encoding || fe.Line != c.line || !strings.Contains(fe.Reason, "erwartet ist "+c.want.String())):
			t.Errorf("%s: %v", c.name, err)
		}
	}
	// A character cut at the end of the head does not hide UTF-8.
	head := bytes.Repeat([]byte("a"), HeadSize-3)
	head = append(head, 0xc3, 0xbc, 0xc3) // ü, then the first byte of the next one
	if err := CheckEncoding(head, ISO88591); err == nil {
		t.Error("UTF-8 cut at the head's end was taken for Latin-1")
	}
}
