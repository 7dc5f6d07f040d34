package read

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// csvCases are the table of TestCSV; TestSplitCSV reads them in chunks too.
var csvCases = []struct {
	name    string
	in      string
	opt     CSVOptions
	columns []string
	want    []string
	wantErr string // "" io.EOF, else part of a *FileError
}{
	{name: "semicolon LF", in: "a;b;c\n1;2;3\n4;5;6\n",
		columns: []string{"a", "b", "c"}, want: []string{`2 ["1" "2" "3"]`, `3 ["4" "5" "6"]`}},
	{name: "CRLF", in: "a;b\r\n1;2\r\n3;4\r\n",
		columns: []string{"a", "b"}, want: []string{`2 ["1" "2"]`, `3 ["3" "4"]`}},
	{name: "CRLF and LF mixed", in: "a;b\r\n1;2\n3;4\r\n",
		want: []string{`2 ["1" "2"]`, `3 ["3" "4"]`}},
	{name: "doubled quotes", in: "a;b\n\"Müller \"\"Jr\"\"\";\"\"\"\"\n",
		want: []string{`2 ["Müller \"Jr\"" "\""]`}},
	{name: "quoted separator", in: "a;b\n\"Siegen; Nord\";x\n",
		want: []string{`2 ["Siegen; Nord" "x"]`}},
	{name: "quoted LF spans lines, next row keeps its line", in: "a;b\n\"Zeile1\nZeile2\";x\n3;4\n",
		want: []string{`2 ["Zeile1\nZeile2" "x"]`, `4 ["3" "4"]`}},
	{name: "quoted CRLF is data", in: "a;b\r\n\"x\r\ny\";z\r\n1;2\r\n",
		want: []string{`2 ["x\r\ny" "z"]`, `4 ["1" "2"]`}},
	{name: "quoted header", in: "\"a\";\"b;c\"\n1;2\n",
		columns: []string{"a", "b;c"}, want: []string{`2 ["1" "2"]`}},
	{name: "empty fields", in: "a;b;c\n;x;\n\"\";\"\";\"\"\n",
		want: []string{`2 ["" "x" ""]`, `3 ["" "" ""]`}},
	{name: "lines of separators only are blank lines", in: "a;b;c\r\n1;2;3\r\n;;\r\n ; ;\t\r\n;;;;;;;;;;;\r\n4;5;6\r\n;;",
		want: []string{`2 ["1" "2" "3"]`, `6 ["4" "5" "6"]`, "!7 Zeile abgeschnitten: kein Zeilenende am Dateiende"}},
	{name: "trailing separator", in: "a;b\n1;\n",
		want: []string{`2 ["1" ""]`}},
	{name: "spaces kept", in: "a;b\n 1 ; 2\n",
		want: []string{`2 [" 1 " " 2"]`}},
	{name: "comma option", in: "a,b\n1,\"2,5\"\n", opt: CSVOptions{Comma: ','},
		columns: []string{"a", "b"}, want: []string{`2 ["1" "2,5"]`}},
	{name: "tab option", in: "a\tb\n1\t2\n", opt: CSVOptions{Comma: '\t'},
		want: []string{`2 ["1" "2"]`}},

	// Encodings.
	{name: "UTF-8 BOM skipped", in: "\xEF\xBB\xBFa;b\n1;ü\n",
		columns: []string{"a", "b"}, want: []string{`2 ["1" "ü"]`}},
	{name: "UTF8BOM with BOM", in: "\xEF\xBB\xBFa;b\r\n1;2\r\n", opt: CSVOptions{Encoding: UTF8BOM},
		columns: []string{"a", "b"}, want: []string{`2 ["1" "2"]`}},
	{name: "UTF8BOM without BOM", in: "a;b\n1;2\n", opt: CSVOptions{Encoding: UTF8BOM},
		columns: []string{"a", "b"}, want: []string{`2 ["1" "2"]`}},
	{name: "Windows-1252 umlauts, §, €", opt: CSVOptions{Encoding: Windows1252},
		in:      "Nachname;Rechtsgrundlage\r\nM\xfcller-\xc4\xd6\xdc\xe4\xf6\xdf;\xa7 25 Abs. 2\r\n\x80 12;\x84x\x93\r\n",
		columns: []string{"Nachname", "Rechtsgrundlage"},
		want:    []string{`2 ["Müller-ÄÖÜäöß" "§ 25 Abs. 2"]`, `3 ["€ 12" "„x“"]`}},
	{name: "Windows-1252 header decoded", opt: CSVOptions{Encoding: Windows1252},
		in: "Gem\xe4\xdf;F\xf6rderbedarf\r\n1;2\r\n", columns: []string{"Gemäß", "Förderbedarf"}, want: []string{`2 ["1" "2"]`}},
	{name: "ISO-8859-1 umlauts and §", opt: CSVOptions{Encoding: ISO88591},
		in:   "a;b\nErndtebr\xfcck;\xa7\xa760\n\x80;\xff\n",
		want: []string{`2 ["Erndtebrück" "§§60"]`, `3 ["\u0080" "ÿ"]`}},
	{name: "Windows-1252 BOM bytes are text", opt: CSVOptions{Encoding: Windows1252},
		in: "\xEF\xBB\xBFa;b\n1;2\n", columns: []string{"ï»¿a", "b"}, want: []string{`2 ["1" "2"]`}},
	{name: "invalid UTF-8 in data", in: "a;b\n1;2\n3;M\xfcller\n",
		want: []string{`2 ["1" "2"]`}, wantErr: "Zeile 3: Feld 2 enthält Bytes, die in UTF-8 ungültig sind"},
	{name: "invalid UTF-8 in header", in: "a;G\xfcltig\n1;2\n",
		wantErr: "Zeile 1: Feld 2 enthält Bytes, die in UTF-8 ungültig sind"},
	{name: "invalid UTF-8 in quoted field", in: "a;b\n\"x\xff\";2\n",
		wantErr: "Zeile 2: Feld 1 enthält Bytes, die in UTF-8 ungültig sind"},
	{name: "cut UTF-8 sequence", in: "a;b\n1;\xc3\n",
		wantErr: "Zeile 2: Feld 2 enthält Bytes, die in UTF-8 ungültig sind"},
	{name: "UTF8BOM with Latin-1 bytes", opt: CSVOptions{Encoding: UTF8BOM}, in: "\xEF\xBB\xBFa;b\n\xe4;2\n",
		wantErr: "Zeile 2: Feld 1 enthält Bytes, die in UTF-8 mit BOM ungültig sind"},

	// Row errors: the row is rejected, the rest is read.
	{name: "ragged rows", in: "a;b;c\n1;2\n1;2;3\n1;2;3;4\n5;6;7\n",
		want: []string{"!2 2 Felder statt 3", `3 ["1" "2" "3"]`, "!4 4 Felder statt 3", `5 ["5" "6" "7"]`}},
	{name: "last line without line end", in: "a;b\n1;2\n3;4",
		want: []string{`2 ["1" "2"]`, "!3 Zeile abgeschnitten: kein Zeilenende am Dateiende"}},
	{name: "last line cut inside a quoted field", in: "a;b\n1;2\n3;\"Sie",
		want: []string{`2 ["1" "2"]`, "!3 Zeile abgeschnitten: kein Zeilenende am Dateiende"}},
	{name: "quote never closed until the end", in: "a;b\n1;2\n\"3;4\n5;6\n",
		want: []string{`2 ["1" "2"]`, "!3 Anführungszeichen nicht geschlossen bis zum Dateiende"}},
	{name: "text after closing quote", in: "a;b\n\"x\"y;2\n3;4\n",
		want: []string{"!2 Zeichen nach schließendem Anführungszeichen in Feld 1", `3 ["3" "4"]`}},
	{name: "bare quote inside a field swallows nothing", in: "a;b\nM\xc3\xbcller \"Jr;2\n3;4\n5;6\n",
		want: []string{`2 ["Müller \"Jr" "2"]`, `3 ["3" "4"]`, `4 ["5" "6"]`}},
	{name: "bare quotes in field", in: "a;b\n12\"\";x\n",
		want: []string{`2 ["12\"\"" "x"]`}},

	// Blank lines, empty files.
	{name: "blank lines skipped, lines counted", in: "a;b\n\n1;2\r\n\r\n\n3;4\n\n",
		want: []string{`3 ["1" "2"]`, `6 ["3" "4"]`}},
	{name: "blank lines before header", in: "\n\r\na;b\n1;2\n",
		columns: []string{"a", "b"}, want: []string{`4 ["1" "2"]`}},
	{name: "header only LF", in: "a;b\n", columns: []string{"a", "b"}},
	{name: "header only CRLF", in: "a;b\r\n", columns: []string{"a", "b"}},
	{name: "header only, blank lines after", in: "a;b\r\n\r\n\r\n", columns: []string{"a", "b"}},
	{name: "0 bytes", in: ""},
	{name: "only a BOM", in: "\xEF\xBB\xBF"},
	{name: "only blank lines", in: "\n\r\n\n"},
	{name: "header without line end", in: "a;b", columns: []string{"a", "b"}}, // issue 15, D9
	{name: "quoted header with commas", in: "\"a\",\"b\",\"c\"\r\n1,2,3\r\n", // issue 15, D7
		wantErr: "Zeile 1: Kopfzeile enthält kein Trennzeichen ';', aber ',': falsches Trennzeichen"},
	{name: "quoted header with tabs", in: "\"a\"\t\"b\"\n",
		wantErr: "Zeile 1: Kopfzeile enthält kein Trennzeichen ';', aber '\\t': falsches Trennzeichen"},
	{name: "header unreadable", in: "\"a\"x;b\n", wantErr: "Zeile 1: Kopfzeile nicht lesbar: Zeichen nach schließendem Anführungszeichen in Feld 1"},
}

func TestCSV(t *testing.T) {
	for _, tt := range csvCases {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewCSV(strings.NewReader(tt.in), tt.opt)
			if err != nil {
				checkEnd(t, err, tt.wantErr)
				if tt.wantErr == "" || len(tt.want) > 0 {
					t.Fatalf("NewCSV: %v", err)
				}
				return
			}
			defer closeReader(t, r)
			if tt.columns != nil && !slices.Equal(r.Columns(), tt.columns) {
				t.Errorf("Columns = %q, want %q", r.Columns(), tt.columns)
			}
			got, err := events(t, r)
			checkEvents(t, got, tt.want)
			checkEnd(t, err, tt.wantErr)
			if x := r.Extra(); x != nil {
				t.Errorf("Extra = %q, want nil", x)
			}
		})
	}
}

// TestCSVUndefinedWindows1252 checks each byte that Windows-1252 leaves undefined, in the
// header and in a data row.
func TestCSVUndefinedWindows1252(t *testing.T) {
	for _, b := range []byte{0x81, 0x8D, 0x8F, 0x90, 0x9D} {
		t.Run(fmt.Sprintf("%#x data", b), func(t *testing.T) {
			in := "Name;Ort\r\nM\xfcller;Siegen\r\nx" + string([]byte{b}) + "y;Olpe\r\n"
			r, err := NewCSV(strings.NewReader(in), CSVOptions{Encoding: Windows1252})
			if err != nil {
				t.Fatal(err)
			}
			got, err := events(t, r)
			checkEvents(t, got, []string{`2 ["Müller" "Siegen"]`})
			checkEnd(t, err, "Zeile 3: Feld 1 enthält Bytes, die in Windows-1252 ungültig sind")
		})
		t.Run(fmt.Sprintf("%#x header", b), func(t *testing.T) {
			in := "Name;O" + string([]byte{b}) + "t\r\n1;2\r\n"
			_, err := NewCSV(strings.NewReader(in), CSVOptions{Encoding: Windows1252})
			checkEnd(t, err, "Zeile 1: Feld 2 enthält Bytes, die in Windows-1252 ungültig sind")
		})
		t.Run(fmt.Sprintf("%#x ISO-8859-1 accepts", b), func(t *testing.T) {
			in := "Name\n" + string([]byte{b}) + "\n"
			r, err := NewCSV(strings.NewReader(in), CSVOptions{Encoding: ISO88591})
			if err != nil {
				t.Fatal(err)
			}
			got, err := events(t, r)
			checkEvents(t, got, []string{fmt.Sprintf("2 [%q]", string(rune(b)))})
			checkEnd(t, err, "")
		})
	}
}

// TestCSVNotText checks files that are not text in the expected encoding at all.
func TestCSVNotText(t *testing.T) {
	utf16 := func(s string) string {
		b := []byte{0xFF, 0xFE}
		for _, r := range s {
			b = append(b, byte(r), byte(r>>8))
		}
		return string(b)
	}
	tests := []struct {
		name string
		in   string
		opt  CSVOptions
		want string
	}{
		{"UTF-16 LE BOM read as Windows-1252", utf16("a;b\r\n1;2\r\n"), CSVOptions{Encoding: Windows1252}, "UTF-16"},
		{"UTF-16 LE BOM read as UTF-8", utf16("a;b\r\n1;2\r\n"), CSVOptions{}, "UTF-16"},
		{"UTF-16 BE BOM", "\xFE\xFF\x00a\x00;\x00b\x00\n", CSVOptions{Encoding: ISO88591}, "UTF-16"},
		{"UTF-16 without BOM", "a\x00;\x00b\x00\r\x00\n\x001\x00;\x002\x00\r\x00\n\x00", CSVOptions{Encoding: Windows1252}, "Nullbyte"},
		{"NUL in a data row", "a;b\n1;2\n3;\x00\n", CSVOptions{Encoding: ISO88591}, "Zeile 3: Feld 2 enthält ein Nullbyte"},
		{"wrong delimiter", "Kundennummer,Nachname,Vorname\n975D004711,M,A\n", CSVOptions{}, `kein Trennzeichen ';'`},
		{"wrong delimiter, tab", "Kundennummer\tNachname\n1\t2\n", CSVOptions{}, `kein Trennzeichen ';'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewCSV(strings.NewReader(tt.in), tt.opt)
			if err == nil {
				_, err = events(t, r)
			}
			checkEnd(t, err, tt.want)
		})
	}
}

// TestCSVOneColumn: a file with a single column is fine as long as nothing suggests
// another separator.
func TestCSVOneColumn(t *testing.T) {
	r, err := NewCSV(strings.NewReader("Kundennummer\n975D004711\n\"a,b\"\n"), CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := events(t, r)
	checkEvents(t, got, []string{`2 ["975D004711"]`, `3 ["a,b"]`})
	checkEnd(t, err, "")
}

// TestCSVLongLines reads records longer than the reader's buffer.
func TestCSVLongLines(t *testing.T) {
	long := strings.Repeat("x", 3<<20)
	in := "a;b\n" + long + ";\"" + long + "\n" + long + "\"\n1;2\n"
	r, err := NewCSV(strings.NewReader(in), CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	row, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	if row.Line != 2 || row.Fields[0] != long || row.Fields[1] != long+"\n"+long {
		t.Errorf("long row: line %d, field lengths %d, %d", row.Line, len(row.Fields[0]), len(row.Fields[1]))
	}
	got, err := events(t, r)
	checkEvents(t, got, []string{`4 ["1" "2"]`})
	checkEnd(t, err, "")
}

// TestCSVRecordLimit: an unclosed quote must not make the reader hold the rest of the
// file in memory.
func TestCSVRecordLimit(t *testing.T) {
	defer func(n int) { maxRecordBytes = n }(maxRecordBytes)
	maxRecordBytes = 1 << 10
	in := "a;b\n1;2\n\"3;4\n" + strings.Repeat("5;6\n", 1000)
	r, err := NewCSV(strings.NewReader(in), CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := events(t, r)
	checkEvents(t, got, []string{`2 ["1" "2"]`})
	checkEnd(t, err, "Zeile 3: Datensatz länger als 1 KiB")

	// A record at the limit is still read.
	field := strings.Repeat("x", 1<<10-1)
	r, err = NewCSV(strings.NewReader("a\n"+field+"\n"), CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err = events(t, r)
	checkEvents(t, got, []string{fmt.Sprintf("2 [%q]", field)})
	checkEnd(t, err, "")
}

// TestCSVClose closes the underlying file, if it is one.
func TestCSVClose(t *testing.T) {
	c := &closeCounter{Reader: strings.NewReader("a\n1\n")}
	r, err := NewCSV(c, CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	closeReader(t, r)
	if c.n != 1 {
		t.Errorf("underlying Close called %d times, want 1", c.n)
	}
}

type closeCounter struct {
	*strings.Reader
	n int
}

func (c *closeCounter) Close() error { c.n++; return nil }

// TestCSVIOError passes a failing reader's error on as it is: it is not a row problem.
func TestCSVIOError(t *testing.T) {
	boom := errors.New("Netzlaufwerk getrennt")
	r, err := NewCSV(&failAfter{data: []byte("a;b\n1;2\n3;"), err: boom}, CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := events(t, r)
	checkEvents(t, got, []string{`2 ["1" "2"]`})
	if !errors.Is(err, boom) {
		t.Errorf("error %v, want %v", err, boom)
	}
}

// failAfter yields data, then err.
type failAfter struct {
	data []byte
	err  error
}

func (f *failAfter) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

// TestPlainFindsEveryByte: the eight-bytes-at-a-time test of splitPlain agrees with a
// byte-by-byte one for every byte value at every position, in words and in the tail,
// and finds every separator, also next to another one and across a word's border.
func TestPlainFindsEveryByte(t *testing.T) {
	naive := func(b []byte, comma byte) ([]int, bool) {
		var at []int
		for i, x := range b {
			if x >= 0x80 || x == '"' || x == 0 {
				return nil, false
			}
			if x == comma {
				at = append(at, i)
			}
		}
		return at, true
	}
	check := func(b []byte, comma byte) {
		t.Helper()
		want, wantOK := naive(b, comma)
		got, ok := plainSeparators(b, comma, nil)
		if ok != wantOK || ok && fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("plainSeparators(%q, %q) = %v, %v, want %v, %v", b, comma, got, ok, want, wantOK)
		}
	}
	for _, comma := range []byte{';', ',', '\t'} {
		for n := 1; n <= 20; n++ {
			for pos := 0; pos < n; pos++ {
				for x := 0; x < 256; x++ {
					b := bytes.Repeat([]byte{'a'}, n)
					b[pos] = byte(x)
					check(b, comma)
				}
				for pos2 := pos + 1; pos2 < n; pos2++ {
					for _, x := range []byte{comma, comma + 1, comma - 1, 0x7F, 0x01} {
						b := bytes.Repeat([]byte{comma ^ 0x40}, n)
						b[pos], b[pos2] = comma, x
						check(b, comma)
					}
				}
			}
			check(bytes.Repeat([]byte{comma}, n), comma)
		}
	}
	if at, ok := plainSeparators([]byte("AU-2022-364369;975H931348;SVB_TZ;10.08.2022;"), ';', nil); !ok || fmt.Sprint(at) != "[14 25 32 43]" {
		t.Errorf("plain text: %v, %v", at, ok)
	}
	if _, ok := plainSeparators(nil, ';', nil); !ok {
		t.Error("no bytes: not plain")
	}
}
