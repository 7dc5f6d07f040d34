package read

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The streaming worksheet scanner (issue 18). excelize reads a worksheet through
// encoding/xml, token by token, which made the data sheet most of a first load's work.
// ooxmlScanner reads a worksheet or the shared strings part as bytes, in one pass,
// without holding the part: it checks the XML it meets and yields the events excelize's
// row iterator acts on (a row begins, a cell with its value, the sheet data ends).
//
// It understands a subset of XML on purpose: the one spreadsheet writers produce. UTF-8,
// the XML declaration at the start, elements with ASCII names (a prefix allowed),
// attributes in quotes, text with the predefined entities and character references, and
// in the sheet data only rows of cells holding <v>, <f> and <is> (<t>, runs of <t>). A
// part outside that subset (a comment, CDATA, a processing instruction, a DOCTYPE,
// formatting in rich text, a phonetic reading, an element out of place, anything
// encoding/xml would reject) is not guessed at: the scanner reports errFallback, and
// the reader hands the workbook to excelize, whose results are the reference.

// errFallback says a part is outside the scanner's subset.
type errFallback struct{ why string }

func (e *errFallback) Error() string { return "outside the fast path: " + e.why }

func fallback(why string) error { return &errFallback{why} }

// Contexts of the open elements.
const (
	ctxOther     byte = iota // outside the sheet data, or in the shared strings' root
	ctxSheetData             // <sheetData>
	ctxRow                   // <row>
	ctxCell                  // <c>
	ctxV                     // <v>: the cell's value
	ctxF                     // <f>: a formula, not the value
	ctxIS                    // <is> or <si>: a string item
	ctxT                     // <t> directly in the string item
	ctxR                     // <r>: a rich-text run
	ctxRT                    // <t> in a run
	ctxSST                   // <sst>
)

// Events of a worksheet.
const (
	evRow       = iota + 1 // a row element begins (rowR, hasRowR)
	evCell                 // a cell element ended (cell)
	evSheetEnd             // </sheetData>
	evEOF                  // the part ended
	evSharedStr            // a shared string item ended (str)
)

// scannedCell is a cell as excelize's cell handler sees it.
type scannedCell struct {
	r, t         []byte
	hasR, hasT   bool
	v            []byte // the text of <v>
	hasF, hasIS  bool
	isT          []byte // the string item's <t>
	runs         []byte // its runs' <t>, concatenated
	hasV, hasIST bool
	runT         bool // the open run has its <t>
}

type ooxmlScanner struct {
	r       io.Reader
	buf     []byte
	pos     int
	end     int
	eof     bool
	begun   bool // past the XML declaration's place
	root    bool // the root element was closed
	stack   []byte
	names   []byte // the open elements' names, as written
	nameAt  []int  // where each starts in names
	sst     bool   // the shared strings part, not a worksheet
	phase   int    // worksheet: 0 before the sheet data, 1 in it, 2 after it
	cell    scannedCell
	rowR    []byte // the row's r as written, valid until the next row
	hasRowR bool
	// the current string item (shared strings)
	str scannedCell
	// attributes of the tag being read
	attrs    []attr
	attrSrc  []byte
	prefixed bool // the start tag being read has a prefix
}

// attr is an attribute: where its local name and its value are in s.attrSrc (offsets,
// not slices: no pointers to write for each attribute).
type attr struct{ ls, le, vs, ve int32 }

func newOOXMLScanner(r io.Reader, sst bool) *ooxmlScanner {
	return &ooxmlScanner{r: r, buf: make([]byte, 64<<10), sst: sst}
}

// fill reads more of the part, keeping buf[pos:end]; false at the end of the part.
func (s *ooxmlScanner) fill() (bool, error) {
	if s.eof {
		return false, nil
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.pos, s.end = 0, n
	}
	if s.end == len(s.buf) {
		// A token fits in the buffer whole: checkWorkbook has bounded tokens to
		// maxWorkbookToken, and this bound stands should that ever change.
		if len(s.buf) > 2*maxWorkbookToken {
			return false, fallback("a token beyond the limits")
		}
		s.buf = append(s.buf, make([]byte, len(s.buf))...)
	}
	for {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err == io.EOF {
			s.eof = true
			return n > 0, nil
		}
		if err != nil {
			return false, err
		}
		if n > 0 {
			return true, nil
		}
	}
}

// next returns the next event.
func (s *ooxmlScanner) next() (int, error) {
	for {
		if s.pos == s.end {
			more, err := s.fill()
			if err != nil {
				return 0, err
			}
			if !more {
				if len(s.stack) > 0 || !s.root {
					return 0, fallback("the part ends inside an element")
				}
				return evEOF, nil
			}
		}
		if s.buf[s.pos] != '<' {
			j := bytes.IndexByte(s.buf[s.pos:s.end], '<')
			if j < 0 {
				if !s.eof {
					more, err := s.fill()
					if err != nil {
						return 0, err
					}
					if more {
						continue
					}
				}
				j = s.end - s.pos
			}
			if err := s.text(s.buf[s.pos : s.pos+j]); err != nil {
				return 0, err
			}
			s.pos += j
			continue
		}
		k := tagEnd(s.buf[s.pos:s.end])
		if k < 0 {
			more, err := s.fill()
			if err != nil {
				return 0, err
			}
			if !more {
				return 0, fallback("the part ends inside a tag")
			}
			continue
		}
		t := s.buf[s.pos : s.pos+k+1]
		s.pos += k + 1
		ev, err := s.tag(t)
		if err != nil || ev != 0 {
			return ev, err
		}
	}
}

// text takes the text between two tags.
func (s *ooxmlScanner) text(b []byte) error {
	s.begun = true
	ctx := ctxOther
	if len(s.stack) > 0 {
		ctx = s.stack[len(s.stack)-1]
	}
	var dst *[]byte
	switch ctx {
	case ctxV:
		dst = &s.cell.v
	case ctxT:
		dst = &s.cur().isT
	case ctxRT:
		dst = &s.cur().runs
	}
	if len(s.stack) == 0 {
		for _, c := range b {
			if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
				return fallback("text outside the root element")
			}
		}
		return nil
	}
	var scratch []byte
	if dst == nil {
		dst = &scratch
	}
	out, ok := appendXMLText(*dst, b)
	if !ok {
		return fallback("text encoding/xml might read otherwise")
	}
	if dst != &scratch {
		*dst = out
	}
	return nil
}

// cur is the string item being read: the cell's inline string or the shared string.
func (s *ooxmlScanner) cur() *scannedCell {
	if s.sst {
		return &s.str
	}
	return &s.cell
}

// appendXMLText appends the text b means (entities resolved, line ends normalised as
// encoding/xml does) to dst; false where the text is not plainly well-formed.
func appendXMLText(dst, b []byte) ([]byte, bool) {
	if bytes.Contains(b, []byte("]]>")) {
		return dst, false // an error outside CDATA
	}
	for i := 0; i < len(b); {
		j := i
		for j < len(b) {
			c := b[j]
			if c >= 0x20 && c < 0x80 && c != '&' || c == '\n' || c == '\t' {
				j++
				continue
			}
			break
		}
		dst = append(dst, b[i:j]...)
		if j == len(b) {
			break
		}
		i = j
		switch c := b[i]; {
		case c == '\r':
			dst = append(dst, '\n')
			i++
			if i < len(b) && b[i] == '\n' {
				i++
			}
		case c == '&':
			semi := bytes.IndexByte(b[i:min(len(b), i+12)], ';')
			if semi < 0 {
				return dst, false
			}
			r, ok := entityRune(b[i+1 : i+semi])
			if !ok {
				return dst, false
			}
			dst = utf8.AppendRune(dst, r)
			i += semi + 1
		case c >= 0x80:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 || !xmlChar(r) {
				return dst, false
			}
			dst = append(dst, b[i:i+size]...)
			i += size
		default:
			return dst, false // a control character
		}
	}
	return dst, true
}

// entityRune resolves a predefined entity or a character reference (between & and ;).
func entityRune(e []byte) (rune, bool) {
	switch string(e) {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "quot":
		return '"', true
	case "apos":
		return '\'', true
	}
	if len(e) < 2 || e[0] != '#' {
		return 0, false
	}
	base, digits := 10, e[1:]
	if digits[0] == 'x' {
		base, digits = 16, digits[1:]
	}
	if len(digits) == 0 || len(digits) > 8 {
		return 0, false
	}
	for _, c := range digits {
		if !('0' <= c && c <= '9' || base == 16 && ('a' <= c && c <= 'f' || 'A' <= c && c <= 'F')) {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(string(digits), base, 32)
	if err != nil || !xmlChar(rune(n)) {
		return 0, false
	}
	return rune(n), true
}

// xmlChar reports whether r is a character XML allows.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// asciiName reports whether b is a name of ASCII letters, digits, '_', '.', '-', with at
// most one ':' between a prefix and a local name.
func asciiName(b []byte) bool {
	plain := len(b) > 0 && nameStart[b[0]]
	for _, c := range b {
		plain = plain && nameChar[c]
	}
	if plain {
		return true
	}
	colon := false
	start := true
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_':
		case c >= '0' && c <= '9' || c == '.' || c == '-':
			if start {
				return false
			}
		case c == ':':
			if colon || start || i == len(b)-1 {
				return false
			}
			colon = true
			start = true
			continue
		default:
			return false
		}
		start = false
	}
	return len(b) > 0 && !start
}

// nameStart and nameChar are the bytes a name without a prefix starts with and consists of.
var nameStart, nameChar = func() (start, char [256]bool) {
	for c := 0; c < 256; c++ {
		start[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
		char[c] = start[c] || c >= '0' && c <= '9' || c == '.' || c == '-'
	}
	return
}()

// attrPlain are the bytes an attribute value holds as they are.
var attrPlain = func() (plain [256]bool) {
	for c := 0; c < 0x80; c++ {
		plain[c] = c >= 0x20 && c != '&' && c != '<' || c == '\t' || c == '\n'
	}
	return
}()

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func trimSpaceRight(b []byte) []byte {
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// parseAttrs reads the attributes of a start tag into s.attrs.
func (s *ooxmlScanner) parseAttrs(a []byte) error {
	s.attrs = s.attrs[:0]
	src, off := a, 0
	for {
		n := 0
		for n < len(a) && isSpace(a[n]) {
			n++
		}
		if n == len(a) {
			if len(s.attrs) > 0 {
				s.attrSrc = src
			}
			return nil
		}
		if n == 0 {
			return fallback("attributes not separated by space")
		}
		a, off = a[n:], off+n
		eq := bytes.IndexByte(a, '=')
		if eq <= 0 {
			return fallback("an attribute without a name or a value")
		}
		name := a[:eq]
		if isSpace(name[len(name)-1]) {
			name = trimSpaceRight(name)
		}
		if !asciiName(name) {
			return fallback("an attribute's name")
		}
		ls := off
		if k := bytes.IndexByte(name, ':'); k >= 0 {
			ls += k + 1
		}
		le := off + len(name)
		a, off = a[eq+1:], off+eq+1
		for len(a) > 0 && isSpace(a[0]) {
			a, off = a[1:], off+1
		}
		if len(a) == 0 || a[0] != '"' && a[0] != '\'' {
			return fallback("an attribute value without quotes")
		}
		end := bytes.IndexByte(a[1:], a[0])
		if end < 0 {
			return fallback("an attribute value without its closing quote")
		}
		v := a[1 : 1+end]
		for i := 0; i < len(v); {
			c := v[i]
			switch {
			case attrPlain[c]:
				i++
			case c >= 0x80:
				r, size := utf8.DecodeRune(v[i:])
				if r == utf8.RuneError && size == 1 || !xmlChar(r) {
					return fallback("an attribute value's characters")
				}
				i += size
			default:
				return fallback("an attribute value with a reference or a line end")
			}
		}
		s.attrs = append(s.attrs, attr{int32(ls), int32(le), int32(off + 1), int32(off + 1 + end)})
		a, off = a[end+2:], off+end+2
	}
}

// local and value are an attribute's local name and value as written.
func (s *ooxmlScanner) local(a attr) []byte { return s.attrSrc[a.ls:a.le] }
func (s *ooxmlScanner) value(a attr) []byte { return s.attrSrc[a.vs:a.ve] }

// tag takes a tag (from '<' to '>'); it returns an event or 0.
func (s *ooxmlScanner) tag(t []byte) (int, error) {
	if len(t) < 3 {
		return 0, fallback("an empty tag")
	}
	switch t[1] {
	case '?':
		if s.begun || !bytes.HasPrefix(t, []byte("<?xml ")) || !bytes.HasSuffix(t, []byte("?>")) {
			return 0, fallback("a processing instruction")
		}
		s.begun = true
		return 0, s.declaration(t[len("<?xml") : len(t)-2])
	case '!':
		return 0, fallback("a comment, CDATA or a declaration")
	case '/':
		name := trimSpaceRight(t[2 : len(t)-1])
		if len(s.stack) == 0 {
			return 0, fallback("an end tag without its start")
		}
		top := len(s.stack) - 1
		if !bytes.Equal(name, s.names[s.nameAt[top]:]) {
			return 0, fallback("an end tag that does not match")
		}
		return s.closeElem()
	}
	s.begun = true
	if s.root && len(s.stack) == 0 {
		return 0, fallback("a second root element")
	}
	inner := t[1 : len(t)-1]
	empty := inner[len(inner)-1] == '/'
	if empty {
		inner = inner[:len(inner)-1]
	}
	n := 0
	for n < len(inner) && !isSpace(inner[n]) {
		n++
	}
	qname := inner[:n]
	if !asciiName(qname) {
		return 0, fallback("an element's name")
	}
	if len(s.stack) >= maxXMLDepth {
		return 0, fallback("nesting")
	}
	if err := s.parseAttrs(inner[n:]); err != nil {
		return 0, err
	}
	local := localName(qname)
	s.prefixed = len(local) != len(qname)
	ev, ctx, err := s.start(local)
	if err != nil {
		return 0, err
	}
	s.nameAt = append(s.nameAt, len(s.names))
	s.names = append(s.names, qname...)
	s.stack = append(s.stack, ctx)
	if !empty {
		return ev, nil
	}
	ev2, err := s.closeElem() // <c/>: the start and the end of an element
	if ev != 0 {
		return ev, err // <row/>: a row's end makes no event
	}
	return ev2, err
}

// declaration checks the XML declaration's pseudo-attributes: version 1.0, UTF-8.
func (s *ooxmlScanner) declaration(b []byte) error {
	if err := s.parseAttrs(trimSpaceRight(b)); err != nil {
		return err
	}
	for _, a := range s.attrs {
		switch string(s.local(a)) {
		case "version":
			if string(s.value(a)) != "1.0" {
				return fallback("XML version")
			}
		case "encoding":
			if !strings.EqualFold(string(s.value(a)), "utf-8") {
				return fallback("an encoding other than UTF-8")
			}
		case "standalone":
		default:
			return fallback("the XML declaration")
		}
	}
	// encoding/xml finds the values by searching for "name=" and a quote: no space around
	// the '=' keeps what it finds what parseAttrs found.
	if bytes.Contains(b, []byte(" =")) || bytes.Contains(b, []byte("= ")) || bytes.ContainsAny(b, "\t\r\n") {
		return fallback("the XML declaration's spacing")
	}
	return nil
}

// start takes a start tag by its local name: the event it makes and the context it opens.
func (s *ooxmlScanner) start(local []byte) (int, byte, error) {
	ctx := ctxOther
	if len(s.stack) > 0 {
		ctx = s.stack[len(s.stack)-1]
	}
	if s.sst {
		return s.startSST(ctx, local)
	}
	switch ctx {
	case ctxOther:
		switch string(local) {
		case "row":
			return 0, 0, fallback("a row outside the sheet data")
		case "sheetData":
			if s.phase != 0 {
				return 0, 0, fallback("a second sheet data")
			}
			s.phase = 1
			return 0, ctxSheetData, nil
		}
		return 0, ctxOther, nil
	case ctxSheetData:
		if string(local) != "row" {
			return 0, 0, fallback("an element other than a row in the sheet data")
		}
		s.rowR, s.hasRowR = s.rowR[:0], false
		for _, a := range s.attrs {
			if string(s.local(a)) == "r" {
				if s.hasRowR {
					return 0, 0, fallback("a row's number twice")
				}
				s.rowR, s.hasRowR = append(s.rowR, s.value(a)...), true
			}
		}
		return evRow, ctxRow, nil
	case ctxRow:
		if string(local) != "c" {
			return 0, 0, fallback("an element other than a cell in a row")
		}
		c := &s.cell
		c.r, c.t, c.hasR, c.hasT = c.r[:0], c.t[:0], false, false
		c.v, c.isT, c.runs = c.v[:0], c.isT[:0], c.runs[:0]
		c.hasV, c.hasF, c.hasIS, c.hasIST = false, false, false, false
		hasS := false
		for _, a := range s.attrs {
			switch string(s.local(a)) {
			case "r":
				if c.hasR {
					return 0, 0, fallback("a cell's reference twice")
				}
				c.r, c.hasR = append(c.r, s.value(a)...), true
			case "t":
				if c.hasT {
					return 0, 0, fallback("a cell's type twice")
				}
				c.t, c.hasT = append(c.t, s.value(a)...), true
			case "s":
				// excelize stops reading a cell whose style is no number.
				if !isInt64(s.value(a)) || hasS {
					return 0, 0, fallback("a cell's style")
				}
				hasS = true
			}
		}
		return 0, ctxCell, nil
	case ctxCell:
		switch string(local) {
		case "v":
			if s.cell.hasV {
				return 0, 0, fallback("a value twice")
			}
			s.cell.hasV = true
			return 0, ctxV, nil
		case "f":
			if s.cell.hasF || !s.formulaAttrs() {
				return 0, 0, fallback("a formula twice or its attributes")
			}
			s.cell.hasF = true
			return 0, ctxF, nil
		case "is":
			if s.cell.hasIS {
				return 0, 0, fallback("an inline string twice")
			}
			s.cell.hasIS = true
			return 0, ctxIS, nil
		}
		return 0, 0, fallback("an element other than a value, formula or inline string in a cell")
	case ctxIS, ctxR:
		return s.startString(ctx, local)
	}
	return 0, 0, fallback("an element inside a text")
}

// startString opens an element in a string item (<is>, <si>) or one of its runs.
func (s *ooxmlScanner) startString(ctx byte, local []byte) (int, byte, error) {
	c := s.cur()
	switch {
	case ctx == ctxIS && string(local) == "t":
		if c.hasIST {
			return 0, 0, fallback("a string item's text twice")
		}
		c.hasIST = true
		return 0, ctxT, nil
	case ctx == ctxIS && string(local) == "r":
		c.runT = false
		return 0, ctxR, nil
	case ctx == ctxR && string(local) == "t":
		if c.runT {
			return 0, 0, fallback("a run's text twice")
		}
		c.runT = true
		return 0, ctxRT, nil
	}
	return 0, 0, fallback("formatting or a phonetic reading in a string item")
}

func (s *ooxmlScanner) startSST(ctx byte, local []byte) (int, byte, error) {
	switch {
	case len(s.stack) == 0:
		if string(local) != "sst" || s.prefixed {
			return 0, 0, fallback("the shared strings' root")
		}
		ns := false
		for _, a := range s.attrs {
			switch string(s.local(a)) {
			case "count", "uniqueCount":
				if len(s.value(a)) == 0 || len(s.value(a)) > 9 || strings.Trim(string(s.value(a)), "0123456789") != "" {
					return 0, 0, fallback("the shared strings' count")
				}
			case "xmlns":
				ns = string(s.value(a)) == "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
			}
		}
		if !ns {
			return 0, 0, fallback("the shared strings' namespace")
		}
		return 0, ctxSST, nil
	case ctx == ctxSST && string(local) == "si":
		s.str.isT, s.str.runs, s.str.hasIST = s.str.isT[:0], s.str.runs[:0], false
		return 0, ctxIS, nil
	case ctx == ctxIS || ctx == ctxR:
		return s.startString(ctx, local)
	}
	return 0, 0, fallback("an element other than a string item in the shared strings")
}

// formulaAttrs reports whether encoding/xml decodes a formula's attributes without
// error (excelize's formula has typed ones).
func (s *ooxmlScanner) formulaAttrs() bool {
	for _, a := range s.attrs {
		switch string(s.local(a)) {
		case "aca", "dt2D", "dtr", "del1", "del2", "ca":
			switch string(s.value(a)) {
			case "0", "1", "true", "false":
			default:
				return false
			}
		case "si":
			if len(s.value(a)) == 0 || len(s.value(a)) > 9 || strings.Trim(string(s.value(a)), "0123456789") != "" {
				return false
			}
		}
	}
	return true
}

// closeElem closes the innermost element; it returns an event or 0.
func (s *ooxmlScanner) closeElem() (int, error) {
	top := len(s.stack) - 1
	ctx := s.stack[top]
	s.names = s.names[:s.nameAt[top]]
	s.nameAt = s.nameAt[:top]
	s.stack = s.stack[:top]
	if top == 0 {
		s.root = true
	}
	switch ctx {
	case ctxSheetData:
		s.phase = 2
		return evSheetEnd, nil
	case ctxCell:
		return evCell, nil
	case ctxIS:
		if s.sst {
			return evSharedStr, nil
		}
	}
	return 0, nil
}

// isInt64 reports whether strconv.ParseInt(b, 10, 64) succeeds.
func isInt64(b []byte) bool {
	if len(b) > 0 && len(b) < 19 {
		for _, c := range b {
			if c < '0' || c > '9' {
				_, err := strconv.ParseInt(string(b), 10, 64)
				return err == nil
			}
		}
		return true
	}
	_, err := strconv.ParseInt(string(b), 10, 64)
	return err == nil
}
