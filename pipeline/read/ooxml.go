package read

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The worksheet scanner: the worksheets of a large workbook are most of an erasure's
// work; encoding/xml reads them at a fraction of the speed of this scanner of the XML
// that OOXML parts are written in: elements, attributes, text, comments, processing
// instructions, CDATA.

// tag is a start or end tag of a part.
type tag struct {
	end, empty  bool   // an end tag; a start tag that ends itself (<c/>)
	qname       []byte // the name as written, prefix included
	name        []byte // the local name
	attrs       []byte // the attributes as written
	start, stop int    // the tag's bytes
}

var errCut = errors.New("XML part ends inside a tag")

// tags walks a part, calling onTag for every tag and onText for the text between tags
// (entities resolved).
func tags(b []byte, onTag func(*tag), onText func([]byte)) error {
	var t tag
	for i := 0; i < len(b); {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 {
			j = len(b) - i
		}
		if j > 0 {
			onText(unescape(b[i : i+j]))
		}
		i += j
		if i == len(b) {
			return nil
		}
		rest := b[i:]
		var k int
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			k = bytes.Index(rest, []byte("-->")) + 2
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			k = bytes.Index(rest, []byte("]]>"))
			if k >= 0 {
				onText(rest[9:k])
				k += 2
			}
		case bytes.HasPrefix(rest, []byte("<?")), bytes.HasPrefix(rest, []byte("<!")):
			k = bytes.IndexByte(rest, '>')
		default:
			k = tagEnd(rest)
			if k < 0 {
				return errCut
			}
			inner := rest[1:k]
			t = tag{start: i, stop: i + k + 1}
			if len(inner) > 0 && inner[0] == '/' {
				t.end, inner = true, inner[1:]
			}
			if n := len(inner); n > 0 && inner[n-1] == '/' {
				t.empty, inner = true, inner[:n-1]
			}
			n := bytes.IndexAny(inner, " \t\r\n")
			if n < 0 {
				n = len(inner)
			}
			t.qname, t.attrs = inner[:n], inner[n:]
			t.name = localName(t.qname)
			onTag(&t)
		}
		if k < 0 {
			return errCut
		}
		i += k + 1
	}
	return nil
}

// tagEnd finds the '>' that ends the tag at b[0], outside quoted attribute values.
func tagEnd(b []byte) int {
	var q byte
	for k := 1; k < len(b); k++ {
		switch c := b[k]; {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '"' || c == '\'':
			q = c
		case c == '>':
			return k
		}
	}
	return -1
}

func localName(q []byte) []byte {
	if i := bytes.IndexByte(q, ':'); i >= 0 {
		return q[i+1:]
	}
	return q
}

// attr returns the value of the attribute with the local name, or "".
func (t *tag) attr(local string) string {
	a := t.attrs
	for {
		a = bytes.TrimLeft(a, " \t\r\n")
		eq := bytes.IndexByte(a, '=')
		if eq < 0 {
			return ""
		}
		name := bytes.TrimSpace(a[:eq])
		a = bytes.TrimLeft(a[eq+1:], " \t\r\n")
		if len(a) == 0 || a[0] != '"' && a[0] != '\'' {
			return ""
		}
		end := bytes.IndexByte(a[1:], a[0])
		if end < 0 {
			return ""
		}
		if string(localName(name)) == local {
			return string(unescape(a[1 : 1+end]))
		}
		a = a[end+2:]
	}
}

// unescape resolves the predefined entities and character references.
func unescape(b []byte) []byte {
	if bytes.IndexByte(b, '&') < 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		semi := bytes.IndexByte(b[i:], ';')
		if b[i] != '&' || semi < 0 {
			out = append(out, b[i])
			continue
		}
		ent := string(b[i+1 : i+semi])
		r := rune(-1)
		switch {
		case ent == "lt":
			r = '<'
		case ent == "gt":
			r = '>'
		case ent == "amp":
			r = '&'
		case ent == "quot":
			r = '"'
		case ent == "apos":
			r = '\''
		case strings.HasPrefix(ent, "#x"):
			if n, err := strconv.ParseUint(ent[2:], 16, 32); err == nil {
				r = rune(n)
			}
		case strings.HasPrefix(ent, "#"):
			if n, err := strconv.ParseUint(ent[1:], 10, 32); err == nil {
				r = rune(n)
			}
		}
		if r < 0 {
			out = append(out, b[i])
			continue
		}
		out = utf8.AppendRune(out, r)
		i += semi
	}
	return out
}

// maxColumns is a worksheet's number of columns (A to XFD).
const maxColumns = 1 << 14

// SheetRow is a row element of a worksheet: Line is its number (r), or the one after
// the last row's, Start and End its element's bytes in the part, Values its cells' text
// by column (a shared string resolved, trimmed).
type SheetRow struct {
	Record
	Num    int    // the row's number in its sheet
	Empty  string // the element that stands for the row without its cells: its name and number
	Shared []int  // the shared strings its cells use
}

// Sheet is a worksheet's rows.
type Sheet struct {
	Rows []SheetRow
	Last int // the last row's number
}

// ScanSheet reads the rows of a worksheet part with their byte spans and values; sst
// is the workbook's shared strings (nil: none).
func ScanSheet(b []byte, sst *SharedStrings) (*Sheet, error) {
	ws := &Sheet{}
	var (
		cur          *SheetRow
		col          int
		cellType     string
		v, is        []byte
		inV, inT, ph bool
		fail         error
	)
	cell := func() {
		val := string(v)
		switch cellType {
		case "inlineStr":
			val = string(is)
		case "s":
			i, err := strconv.Atoi(strings.TrimSpace(val))
			if err != nil || sst == nil || i < 0 || i >= len(sst.Text) {
				fail = fmt.Errorf("row %d: shared string %q unknown", cur.Num, val)
				return
			}
			val = sst.Text[i]
			cur.Shared = append(cur.Shared, i)
		}
		for len(cur.Values) <= col {
			cur.Values = append(cur.Values, "")
		}
		cur.Values[col] = strings.TrimSpace(val)
		col++
	}
	err := tags(b, func(t *tag) {
		open := !t.end && !t.empty
		switch string(t.name) {
		case "row":
			if !t.end {
				num := ws.Last + 1
				if n, err := strconv.Atoi(t.attr("r")); err == nil {
					num = n
				}
				if num <= ws.Last || num < 1 {
					// Rows are numbered from 1 upwards (ECMA-376 §18.3.1.73): a row out of
					// order is a broken sheet, not a row to place.
					if fail == nil {
						fail = fmt.Errorf("row %d after row %d", num, ws.Last)
					}
					cur = nil
					return
				}
				cur = &SheetRow{Record: Record{Line: num, Start: t.start}, Num: num, Empty: fmt.Sprintf("<%s r=\"%d\"/>", t.qname, num)}
				ws.Last, col = num, 0
			}
			if !open && cur != nil {
				cur.End = t.stop
				ws.Rows = append(ws.Rows, *cur)
				cur = nil
			}
		case "c":
			if !t.end {
				if ref := t.attr("r"); ref != "" {
					col = column(ref)
					if (col < 0 || col >= maxColumns) && cur != nil && fail == nil {
						fail = fmt.Errorf("row %d: cell reference %q", cur.Num, ref)
					}
				}
				cellType, v, is, inV, inT, ph = t.attr("t"), v[:0], is[:0], false, false, false
			}
			if !open && cur != nil && fail == nil {
				cell()
			}
		case "v":
			inV = open
		case "t":
			inT = open
		case "rPh":
			ph = open // a phonetic reading: not the cell's text
		}
	}, func(text []byte) {
		switch {
		case inV:
			v = append(v, text...)
		case inT && !ph:
			is = append(is, text...)
		}
	})
	if err == nil {
		err = fail
	}
	return ws, err
}

// SharedStrings is a workbook's table of shared strings, with the byte span of each
// entry in its part.
type SharedStrings struct {
	Part  []byte   // the part's bytes
	Text  []string // each entry's text
	Spans [][2]int // each entry's bytes in Part
	Empty string   // an empty entry, with the document's prefix
}

// SharedStrings reads the workbook's shared strings part.
func (w *Workbook) SharedStrings(part string) (*SharedStrings, error) {
	b, err := w.Part(part)
	if err != nil {
		return nil, err
	}
	s := &SharedStrings{Part: b}
	var text []byte
	start, inT, ph := 0, false, false
	err = tags(b, func(t *tag) {
		open := !t.end && !t.empty
		switch string(t.name) {
		case "si":
			if !t.end {
				start, text = t.start, text[:0]
				if s.Empty == "" {
					prefix := strings.TrimSuffix(string(t.qname), "si")
					s.Empty = "<" + prefix + "si><" + prefix + "t></" + prefix + "t></" + prefix + "si>"
				}
			}
			if !open {
				s.Text = append(s.Text, string(text))
				s.Spans = append(s.Spans, [2]int{start, t.stop})
			}
		case "t":
			inT = open
		case "rPh":
			ph = open
		}
	}, func(b []byte) {
		if inT && !ph {
			text = append(text, b...)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("shared strings: %w", err)
	}
	return s, nil
}
