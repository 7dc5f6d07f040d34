package synth_test

// Small, independent readers: a physical-line CSV reader that keeps line numbers and
// quoting, byte-level encoding checks, and a raw XLSX (zip + XML) reader that keeps
// cell types and number formats.

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// ---- CSV ----

type csvRec struct {
	Line       int // physical line the record starts on (1-based)
	Fields     []string
	Quoted     []bool
	Terminated bool // ended with a line end (false: the file ends inside this record)
	Malformed  bool // stray quote in an unquoted field or text after a closing quote
}

func isLineEnd(s string, i int) bool {
	return s[i] == '\n' || (s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n')
}

// readCSV splits text (already decoded) into records with ';' as separator and
// RFC 4180 quoting; CRLF and LF both end a record (line ends are checked separately).
func readCSV(s string) []csvRec {
	var recs []csvRec
	line, i := 1, 0
	for i < len(s) {
		rec := csvRec{Line: line}
		for {
			var b strings.Builder
			quoted := false
			if i < len(s) && s[i] == '"' {
				quoted = true
				i++
				closed := false
				for i < len(s) {
					c := s[i]
					if c == '"' {
						if i+1 < len(s) && s[i+1] == '"' {
							b.WriteByte('"')
							i += 2
							continue
						}
						i++
						closed = true
						break
					}
					if c == '\n' {
						line++
					}
					b.WriteByte(c)
					i++
				}
				if !closed {
					rec.Fields, rec.Quoted = append(rec.Fields, b.String()), append(rec.Quoted, true)
					return append(recs, rec)
				}
				for i < len(s) && s[i] != ';' && !isLineEnd(s, i) {
					rec.Malformed = true
					b.WriteByte(s[i])
					i++
				}
			} else {
				for i < len(s) && s[i] != ';' && !isLineEnd(s, i) {
					if s[i] == '"' {
						rec.Malformed = true
					}
					b.WriteByte(s[i])
					i++
				}
			}
			rec.Fields, rec.Quoted = append(rec.Fields, b.String()), append(rec.Quoted, quoted)
			if i >= len(s) {
				return append(recs, rec) // not terminated
			}
			if s[i] == ';' {
				i++
				continue
			}
			if s[i] == '\r' {
				i++
			}
			i++
			line++
			rec.Terminated = true
			recs = append(recs, rec)
			break
		}
	}
	return recs
}

// quotingOK: a field is quoted exactly when it holds ';', '"', a line break or a
// leading space (docs: "Quoting in the CSV files").
func quotingOK(r csvRec) bool {
	if r.Malformed {
		return false
	}
	for k, f := range r.Fields {
		need := strings.ContainsAny(f, ";\"\r\n") || strings.HasPrefix(f, " ")
		if need != r.Quoted[k] {
			return false
		}
	}
	return true
}

// lineEndProblem checks that every line end is CRLF (crlf) or LF (!crlf).
func lineEndProblem(b []byte, crlf bool) string {
	for i, c := range b {
		switch {
		case crlf && c == '\n' && (i == 0 || b[i-1] != '\r'):
			return fmt.Sprintf("bare LF at byte %d (CRLF expected)", i)
		case crlf && c == '\r' && (i+1 >= len(b) || b[i+1] != '\n') && i+1 < len(b):
			return fmt.Sprintf("bare CR at byte %d", i)
		case !crlf && c == '\r':
			return fmt.Sprintf("CR at byte %d (LF line ends expected)", i)
		}
	}
	return ""
}

// ---- encodings ----

// cp1252Undefined: bytes with no character in Windows-1252.
func cp1252Undefined(b []byte) int {
	for i, c := range b {
		switch c {
		case 0x81, 0x8D, 0x8F, 0x90, 0x9D:
			return i
		}
	}
	return -1
}

// latin1Control: C1 control bytes, which no ISO-8859-1 text file should hold.
func latin1Control(b []byte) int {
	for i, c := range b {
		if c >= 0x80 && c <= 0x9F {
			return i
		}
	}
	return -1
}

// utf8Mojibake: a UTF-8 sequence for U+0080..U+00FF inside a single-byte file
// ("Ã¼" for "ü"): the writer used the wrong encoding.
func utf8Mojibake(b []byte) int {
	for i := 0; i+1 < len(b); i++ {
		if (b[i] == 0xC2 || b[i] == 0xC3) && b[i+1] >= 0x80 && b[i+1] <= 0xBF {
			return i
		}
	}
	return -1
}

func decodeCP1252(b []byte) string {
	s, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		return string(b)
	}
	return string(s)
}

func decodeLatin1(b []byte) string {
	s, err := charmap.ISO8859_1.NewDecoder().Bytes(b)
	if err != nil {
		return string(b)
	}
	return string(s)
}

var bom = []byte{0xEF, 0xBB, 0xBF}

// ---- XLSX ----

type xCell struct {
	Col   int    // 0-based
	Type  string // t attribute: "", n, s, inlineStr, str, b, e, d
	Style int
	Value string // the shared/inline string, or the raw <v>
}

type xRow struct {
	R     int
	Cells []xCell
}

type xSheet struct {
	Name string
	Rows []xRow
}

type xBook struct {
	Sheets    []xSheet
	DateStyle map[int]bool // cellXfs index -> number format is a date format
	Date1904  bool
}

func (s *xSheet) hasValue(r xRow) bool {
	for _, c := range r.Cells {
		if c.Value != "" {
			return true
		}
	}
	return false
}

func (b *xBook) sheet(name string) *xSheet {
	for i := range b.Sheets {
		if b.Sheets[i].Name == name {
			return &b.Sheets[i]
		}
	}
	return nil
}

var reCellRef = regexp.MustCompile(`^([A-Z]+)(\d+)$`)

func colIndex(ref string) int {
	m := reCellRef.FindStringSubmatch(ref)
	if m == nil {
		return -1
	}
	n := 0
	for _, c := range m[1] {
		n = n*26 + int(c-'A'+1)
	}
	return n - 1
}

// isDateFormat: built-in date formats, or a custom code with day/year tokens.
func isDateFormat(id int, code string) bool {
	switch {
	case id >= 14 && id <= 17, id == 22, id >= 27 && id <= 36, id >= 50 && id <= 58:
		return true
	case code == "":
		return false
	}
	c := regexp.MustCompile(`"[^"]*"|\[[^\]]*\]|\\.`).ReplaceAllString(code, "")
	c = strings.ToLower(c)
	return strings.ContainsAny(c, "dy")
}

func zipRead(z *zip.Reader, name string) ([]byte, error) {
	for _, f := range z.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			defer rc.Close()
			return io.ReadAll(rc)
		}
	}
	return nil, fmt.Errorf("%s missing", name)
}

func readXLSX(data []byte) (*xBook, error) {
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	var wb struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name string     `xml:"name,attr"`
			Attr []xml.Attr `xml:",any,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	var sst struct {
		SI []struct {
			T string `xml:"t"`
			R []struct {
				T string `xml:"t"`
			} `xml:"r"`
		} `xml:"si"`
	}
	var styles struct {
		NumFmts []struct {
			ID   int    `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmtID int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	for _, p := range []struct {
		name     string
		v        any
		optional bool
	}{{"xl/workbook.xml", &wb, false}, {"xl/_rels/workbook.xml.rels", &rels, false},
		{"xl/sharedStrings.xml", &sst, true}, {"xl/styles.xml", &styles, true}} {
		b, err := zipRead(z, p.name)
		if err != nil {
			if p.optional {
				continue
			}
			return nil, err
		}
		if err := xml.Unmarshal(b, p.v); err != nil {
			return nil, fmt.Errorf("%s: %v", p.name, err)
		}
	}
	strs := make([]string, len(sst.SI))
	for i, si := range sst.SI {
		s := si.T
		for _, r := range si.R {
			s += r.T
		}
		strs[i] = s
	}
	codes := map[int]string{}
	for _, f := range styles.NumFmts {
		codes[f.ID] = f.Code
	}
	book := &xBook{DateStyle: map[int]bool{}, Date1904: wb.Pr.Date1904 == "1" || wb.Pr.Date1904 == "true"}
	for i, xf := range styles.Xfs {
		book.DateStyle[i] = isDateFormat(xf.NumFmtID, codes[xf.NumFmtID])
	}
	target := map[string]string{}
	for _, r := range rels.Rel {
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join("xl", t)
		}
		target[r.ID] = t
	}
	for _, s := range wb.Sheets {
		rid := ""
		for _, a := range s.Attr {
			if a.Name.Local == "id" {
				rid = a.Value
			}
		}
		b, err := zipRead(z, target[rid])
		if err != nil {
			return nil, fmt.Errorf("sheet %s: %v", s.Name, err)
		}
		var ws struct {
			Rows []struct {
				R     int `xml:"r,attr"`
				Cells []struct {
					R  string  `xml:"r,attr"`
					T  string  `xml:"t,attr"`
					S  int     `xml:"s,attr"`
					V  *string `xml:"v"`
					Is *struct {
						T string `xml:"t"`
						R []struct {
							T string `xml:"t"`
						} `xml:"r"`
					} `xml:"is"`
				} `xml:"c"`
			} `xml:"sheetData>row"`
		}
		if err := xml.Unmarshal(b, &ws); err != nil {
			return nil, fmt.Errorf("sheet %s: %v", s.Name, err)
		}
		sh := xSheet{Name: s.Name}
		prev := 0
		for _, r := range ws.Rows {
			row := xRow{R: r.R}
			if row.R == 0 {
				row.R = prev + 1
			}
			prev = row.R
			pc := -1
			for _, c := range r.Cells {
				cell := xCell{Col: colIndex(c.R), Type: c.T, Style: c.S}
				if c.R == "" {
					cell.Col = pc + 1
				}
				pc = cell.Col
				switch {
				case c.T == "s" && c.V != nil:
					k, err := strconv.Atoi(*c.V)
					if err != nil || k < 0 || k >= len(strs) {
						return nil, fmt.Errorf("sheet %s %s: bad shared string index", s.Name, c.R)
					}
					cell.Value = strs[k]
				case c.T == "inlineStr" && c.Is != nil:
					cell.Value = c.Is.T
					for _, rr := range c.Is.R {
						cell.Value += rr.T
					}
				case c.V != nil:
					cell.Value = *c.V
				}
				row.Cells = append(row.Cells, cell)
			}
			sh.Rows = append(sh.Rows, row)
		}
		book.Sheets = append(book.Sheets, sh)
	}
	return book, nil
}
