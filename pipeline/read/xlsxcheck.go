package read

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The limits of a workbook (issue 15). excelize, which reads the data sheet, holds every
// part of the archive in memory except the worksheets and the shared strings larger
// than xlsxPartInMemory (those it unpacks to a temporary file and streams), parses the
// parts it holds whole, decodes one cell, one row and one shared string at a time,
// and keeps an index entry per shared string. checkWorkbook reads every part once
// before excelize sees the file (archive/zip checks each part's checksum on the way)
// and quarantines a workbook beyond these limits, which no Excel export comes near.
const (
	unzipLimit       = 2 << 30   // the unpacked archive
	maxZipEntries    = 1000      // parts of the archive (a workbook has a dozen and one per sheet)
	xlsxPartInMemory = 1 << 20   // excelize's UnzipXMLSizeLimit: a larger worksheet or shared strings part is streamed
	maxHeldPart      = 4 << 20   // one part excelize holds whole (styles, theme, workbook, images, ...)
	maxHeldParts     = 16 << 20  // all of them together
	maxPartElements  = 50000     // elements of one XML part excelize parses whole (styles: Excel allows 64,000 formats)
	maxXMLDepth      = 100       // nesting of elements (a worksheet nests 7 deep)
	maxCellBytes     = 1 << 20   // one cell or shared string element, markup included
	maxCellChars     = 32767     // the text of one cell or shared string: Excel's own limit for a cell
	maxRowCells      = 16384     // cells of one row: Excel's columns A to XFD
	maxRowBytes      = 16 << 20  // one row element
	maxSharedStrings = 1 << 20   // entries of the shared strings table: as many as a sheet has rows
	maxSharedText    = 128 << 20 // their text together, in bytes
)

// maxWorkbookToken bounds one token of a workbook's XML parts (a text, a tag with its
// attributes, a comment), as maxXMLToken does for an XML delivery.
var maxWorkbookToken = 1 << 20

// sharedStringsPart is the one shared strings part excelize reads, whatever the
// workbook's relationships say (it compares the name without case).
const sharedStringsPart = "xl/sharedstrings.xml"

// checkWorkbook reads every part of the workbook at path once: archive/zip verifies its
// checksum (excelize ignores a damaged part and would return altered values), and the
// limits above are checked. A file that is no ZIP archive at all is left to excelize to
// report. Without sheets, the worksheets are left out: the fast path reads them once,
// checking the same limits as it goes (checkedPart), and runs this with sheets before
// it hands a workbook over to excelize.
func checkWorkbook(path string, sheets bool) error {
	if err := checkZipDirectory(path); err != nil {
		return err
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil
	}
	defer zr.Close()
	workbook := false
	var total, held int64
	for _, f := range zr.File {
		name := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
		workbook = workbook || name == "xl/workbook.xml"
		streamed := name == sharedStringsPart || strings.HasPrefix(name, "xl/worksheets/sheet")
		if !sheets && streamed && name != sharedStringsPart {
			continue
		}
		if !streamed && f.UncompressedSize64 > maxHeldPart {
			return &FileError{Reason: fmt.Sprintf("Excel-Arbeitsmappe mit einem Bestandteil %s, entpackt größer als %s", strconv.Quote(f.Name), sizeText(maxHeldPart))}
		}
		rc, err := f.Open()
		var n int64
		if err == nil {
			limit := min(unzipLimit-total, maxHeldPart) + 1
			if streamed {
				limit = unzipLimit - total + 1
			}
			in := io.LimitReader(rc, limit)
			if isXMLPart(name) {
				n, err = scanPart(in, f.Name, partKind(name))
			} else {
				n, err = io.Copy(io.Discard, in)
			}
			rc.Close()
		}
		if err != nil {
			return partError(f.Name, err)
		}
		if total += n; total > unzipLimit {
			return &FileError{Reason: "Excel-Arbeitsmappe entpackt größer als " + sizeText(unzipLimit)}
		}
		if !streamed || n <= xlsxPartInMemory {
			if !streamed && n > maxHeldPart {
				return &FileError{Reason: fmt.Sprintf("Excel-Arbeitsmappe mit einem Bestandteil %s, entpackt größer als %s", strconv.Quote(f.Name), sizeText(maxHeldPart))}
			}
			if held += n; held > maxHeldParts {
				return &FileError{Reason: "Excel-Arbeitsmappe: Bestandteile außer den Tabellenblättern entpackt zusammen größer als " + sizeText(maxHeldParts)}
			}
		}
	}
	if !workbook {
		return &FileError{Reason: "keine lesbare Excel-Arbeitsmappe: ZIP-Archiv ohne xl/workbook.xml"}
	}
	return nil
}

// partError says in German why a part could not be read through.
func partError(part string, err error) error {
	var fe *FileError
	switch {
	case errors.As(err, &fe):
		return fe
	case errors.Is(err, zip.ErrChecksum):
		return &FileError{Reason: "Excel-Arbeitsmappe beschädigt: Prüfsumme von " + strconv.Quote(part) + " stimmt nicht"}
	case errors.Is(err, zip.ErrAlgorithm):
		return &FileError{Reason: "Excel-Arbeitsmappe mit einem unbekannten Komprimierungsverfahren in " + strconv.Quote(part)}
	}
	return &FileError{Reason: "Excel-Arbeitsmappe beschädigt: " + strconv.Quote(part) + " nicht lesbar (Daten nicht entpackbar)", Detail: libraryDetail(err)}
}

// checkedPart reads a worksheet for the fast path and checks it on the way, as
// checkWorkbook would have before: the partScanner sees every byte before the sheet
// scanner does, the unpacked size is bounded, and archive/zip's checksum error at the
// end of the part is reported. Its errors are *FileError: the fast path ends with them
// instead of handing the workbook over.
type checkedPart struct {
	r    io.Reader
	name string
	s    *partScanner
	left *int64 // bytes the archive may still unpack, shared by its sheets
}

func newCheckedPart(r io.Reader, name string, left *int64) *checkedPart {
	return &checkedPart{r: r, name: name, s: newPartScanner(name, worksheetPart), left: left}
}

func (c *checkedPart) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		if *c.left -= int64(n); *c.left < 0 {
			return 0, &FileError{Reason: "Excel-Arbeitsmappe entpackt größer als " + sizeText(unzipLimit)}
		}
		if ferr := c.s.feed(p[:n]); ferr != nil {
			return 0, ferr
		}
	}
	if err != nil && err != io.EOF {
		return n, partError(c.name, err)
	}
	return n, err
}

// checkZipDirectory reads the end of the archive for the size of its table of contents
// before archive/zip reads that table into memory: a few hundred bytes a part, and a
// 200 MB archive of empty parts would have millions.
func checkZipDirectory(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	tail := make([]byte, min(st.Size(), 22+65535+20))
	if _, err := f.ReadAt(tail, st.Size()-int64(len(tail))); err != nil {
		return nil // left to the readers to report
	}
	i := bytes.LastIndex(tail, []byte("PK\x05\x06"))
	if i < 0 || len(tail)-i < 22 {
		return nil
	}
	entries := uint64(binary.LittleEndian.Uint16(tail[i+10:]))
	if entries == 0xFFFF && i >= 20 && bytes.HasPrefix(tail[i-20:], []byte("PK\x06\x07")) {
		// ZIP64: the count is in the ZIP64 end record the locator points to.
		rec := make([]byte, 56)
		if _, err := f.ReadAt(rec, int64(binary.LittleEndian.Uint64(tail[i-20+8:]))); err != nil || !bytes.HasPrefix(rec, []byte("PK\x06\x06")) {
			return &FileError{Reason: "Excel-Arbeitsmappe beschädigt: Inhaltsverzeichnis des ZIP-Archivs nicht lesbar"}
		}
		entries = binary.LittleEndian.Uint64(rec[32:])
	}
	if entries > maxZipEntries {
		return &FileError{Reason: fmt.Sprintf("Excel-Arbeitsmappe mit mehr als %s Bestandteilen (%s): so viele hat keine Arbeitsmappe", germanInt(maxZipEntries), germanInt(int64(min(entries, 1<<62))))}
	}
	return nil
}

// isXMLPart reports whether a part is XML that excelize may parse.
func isXMLPart(name string) bool {
	return strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") || strings.HasSuffix(name, ".vml")
}

type xmlPartKind int

const (
	otherPart xmlPartKind = iota
	worksheetPart
	sharedStringsKind
)

func partKind(name string) xmlPartKind {
	switch {
	case name == sharedStringsPart:
		return sharedStringsKind
	case strings.HasPrefix(name, "xl/worksheets/"):
		return worksheetPart
	}
	return otherPart
}

// Element codes on the scanner's stack.
const (
	elOther byte = iota
	elRow
	elCell
	elSI
	elSkip // a formula or a phonetic reading: not the cell's text
)

// partScanner walks one XML part as a stream of bytes: the markup is ASCII, and only
// tags, their nesting and the amount of text are looked at (encoding/xml in excelize
// checks the rest).
type partScanner struct {
	part  string
	kind  xmlPartKind
	off   int64  // bytes read
	stack []byte // element codes, at most maxXMLDepth
	skip  int    // open formulas and phonetic readings
	// the token being read
	inTag       bool
	tag         []byte // the first bytes of the tag: its name
	tagLen      int
	quote       byte
	special     int  // 0 a tag, 1 a comment, 2 a CDATA section, 3 a declaration or processing instruction
	prev, prev2 byte // the bytes before the current one in the markup
	textLen     int
	entity      bool // inside a character or entity reference
	// what is open
	cellAt, siAt, rowAt int64 // where it started; -1 none
	chars               int   // the open cell's or shared string's characters
	rowCells            int
	elements            int // of a part excelize parses whole
	strings             int
	stringText          int64
}

// scanPart reads a part through, checking its limits; it returns the bytes read.
func scanPart(r io.Reader, part string, kind xmlPartKind) (int64, error) {
	s := newPartScanner(part, kind)
	buf := make([]byte, 64<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if ferr := s.feed(buf[:n]); ferr != nil {
				return s.off, ferr
			}
		}
		if err == io.EOF {
			return s.off, nil
		}
		if err != nil {
			return s.off, err
		}
	}
}

func newPartScanner(part string, kind xmlPartKind) *partScanner {
	return &partScanner{part: part, kind: kind, rowAt: -1, cellAt: -1, siAt: -1, tag: make([]byte, 0, 64)}
}

func (s *partScanner) fail(format string, args ...any) error {
	return &FileError{Reason: "Excel-Arbeitsmappe, Bestandteil " + strconv.Quote(s.part) + ": " + fmt.Sprintf(format, args...)}
}

func (s *partScanner) tooLong() error {
	return s.fail("Text oder Element länger als %s: so lange Werte kennt die Lieferung nicht", sizeText(maxWorkbookToken))
}

func (s *partScanner) feed(b []byte) error {
	for i := 0; i < len(b); {
		if !s.inTag {
			j := 0 // most tags follow one another without text
			if b[i] != '<' {
				j = bytes.IndexByte(b[i:], '<')
				text := b[i:]
				if j >= 0 {
					text = b[i : i+j]
				}
				if err := s.text(text); err != nil {
					return err
				}
				s.off += int64(len(text))
				i += len(text)
				if j < 0 {
					return nil
				}
			}
			if err := s.boundary(); err != nil { // a tag begins
				return err
			}
			if i+1 < len(b) && b[i+1] != '!' && b[i+1] != '?' {
				// A start or end tag whole in this read (most are) is taken in one
				// step, as the byte loop below would take it: up to the first '>'
				// outside quotes.
				if k := tagClose(b[i:]); k >= 0 {
					n := k + 1
					if n > maxWorkbookToken {
						return s.tooLong()
					}
					s.off += int64(n)
					s.tagLen = n
					if err := s.element(b[i:i+min(n, cap(s.tag))], b[i+k-1] == '/'); err != nil {
						return err
					}
					i += n
					continue
				}
			}
			s.inTag, s.tag, s.tagLen, s.quote, s.special, s.prev, s.prev2 = true, s.tag[:0], 0, 0, 0, 0, 0
		}
		for i < len(b) && s.inTag { // inside markup, up to its end
			if s.special == 0 && len(s.tag) >= 2 {
				// In a start or end tag only quotes and the '>' outside them matter: the
				// bytes up to that '>' are counted and kept as the loop below would,
				// quoted values skipped whole.
				j, q := i, s.quote
				for j < len(b) {
					if q != 0 {
						k := bytes.IndexByte(b[j:], q)
						if k < 0 {
							j = len(b)
							break
						}
						j, q = j+k+1, 0
						continue
					}
					c := b[j]
					if c == '>' {
						break
					}
					if c == '"' || c == '\'' {
						q = c
					}
					j++
				}
				s.quote = q
				if n := j - i; n > 0 {
					if s.tagLen += n; s.tagLen > maxWorkbookToken {
						return s.tooLong()
					}
					s.off += int64(n)
					if room := cap(s.tag) - len(s.tag); room > 0 {
						s.tag = append(s.tag, b[i:i+min(n, room)]...)
					}
					if n >= 2 {
						s.prev2, s.prev = b[j-2], b[j-1]
					} else {
						s.prev2, s.prev = s.prev, b[i]
					}
					i = j
					if i == len(b) {
						break
					}
				}
			}
			c := b[i]
			i++
			s.off++
			if s.tagLen++; s.tagLen > maxWorkbookToken {
				return s.tooLong()
			}
			if len(s.tag) < cap(s.tag) {
				s.tag = append(s.tag, c)
				switch {
				case s.special == 0 && len(s.tag) == 2 && (c == '?' || c == '!'):
					s.special = 3
				case len(s.tag) == 4 && string(s.tag) == "<!--":
					s.special = 1
				case len(s.tag) == 9 && string(s.tag) == "<![CDATA[":
					s.special = 2
				}
			}
			done := false
			switch s.special {
			case 1:
				done = c == '>' && s.prev == '-' && s.prev2 == '-' && s.tagLen >= 7
			case 2:
				done = c == '>' && s.prev == ']' && s.prev2 == ']' && s.tagLen >= 12
				if !done && s.tagLen > 9 {
					if err := s.text(b[i-1 : i]); err != nil {
						return err
					}
				}
			case 3:
				done = c == '>' && (len(s.tag) < 4 || string(s.tag[:4]) != "<!--") && (len(s.tag) < 9 || string(s.tag[:9]) != "<![CDATA[")
			default:
				switch {
				case s.quote != 0:
					if c == s.quote {
						s.quote = 0
					}
				case c == '"' || c == '\'':
					s.quote = c
				case c == '>':
					done = true
					if err := s.element(s.tag, s.prev == '/'); err != nil {
						return err
					}
				}
			}
			s.prev2, s.prev = s.prev, c
			if done {
				s.inTag = false
			}
		}
	}
	return nil
}

// text counts a run of text.
func (s *partScanner) text(t []byte) error {
	if s.textLen += len(t); s.textLen > maxWorkbookToken {
		return s.tooLong()
	}
	if len(t) == 0 || s.skip > 0 || s.cellAt < 0 && s.siAt < 0 {
		return nil
	}
	chars, entity := s.chars, s.entity
	for _, c := range t {
		switch {
		case c == '&':
			entity = true
			chars++ // a reference stands for one character
		case entity:
			entity = c != ';'
		case utf8.RuneStart(c):
			chars++
		}
	}
	s.chars, s.entity = chars, entity
	if s.chars > maxCellChars {
		what := "eine Zelle"
		if s.siAt >= 0 {
			what = "ein gemeinsamer Text (Shared String)"
		}
		return s.fail("%s mit mehr als %s Zeichen, mehr als Excel in einer Zelle zulässt", what, germanInt(maxCellChars))
	}
	if s.siAt >= 0 {
		if s.stringText += int64(len(t)); s.stringText > maxSharedText {
			return s.fail("gemeinsame Texte (Shared Strings) zusammen länger als %s", sizeText(maxSharedText))
		}
	}
	return nil
}

// boundary checks the open cell, shared string and row where a token begins.
func (s *partScanner) boundary() error {
	s.textLen = 0
	if s.cellAt >= 0 && s.off-s.cellAt > maxCellBytes || s.siAt >= 0 && s.off-s.siAt > maxCellBytes {
		return s.fail("eine Zelle oder ein gemeinsamer Text länger als %s", sizeText(maxCellBytes))
	}
	if s.rowAt >= 0 && s.off-s.rowAt > maxRowBytes {
		return s.fail("eine Zeile länger als %s", sizeText(maxRowBytes))
	}
	return nil
}

// tagClose is where the tag b begins with ends: the index of its first '>' outside
// quotes (from b[1] on, as feed's byte loop reads it), or -1.
func tagClose(b []byte) int {
	var q byte
	for k := 1; k < len(b); k++ {
		c := b[k]
		if !tagStop[c] {
			continue
		}
		switch {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '>':
			return k
		default:
			q = c
		}
	}
	return -1
}

// nameEnd are the bytes element looks for in a tag's name: where it ends, and ':'.
var nameEnd = [256]bool{' ': true, '\t': true, '\r': true, '\n': true, '/': true, '>': true, ':': true}

// tagStop are the bytes tagClose looks at.
var tagStop = [256]bool{'>': true, '"': true, '\'': true}

// element takes a complete start or end tag, of which tag holds the first bytes (at
// most cap(s.tag)); empty: it ends itself, <c/>.
func (s *partScanner) element(tag []byte, empty bool) error {
	name := tag[1:]
	end := len(name) > 0 && name[0] == '/'
	if end {
		name = name[1:]
	}
	// The name ends at a space, '/' or '>'; its local part follows the first ':'.
	from, to := 0, len(name)
	for k, c := range name {
		if nameEnd[c] {
			if c != ':' {
				to = k
				break
			}
			if from == 0 {
				from = k + 1
			}
		}
	}
	name = name[from:to]
	code := elOther
	switch len(name) {
	case 1:
		switch {
		case s.kind == worksheetPart && name[0] == 'c':
			code = elCell
		case s.kind == worksheetPart && name[0] == 'f':
			code = elSkip
		}
	case 2:
		if s.kind == sharedStringsKind && string(name) == "si" {
			code = elSI
		}
	case 3:
		switch {
		case s.kind == worksheetPart && string(name) == "row":
			code = elRow
		case string(name) == "rPh":
			code = elSkip
		}
	}
	if end {
		if len(s.stack) > 0 {
			s.close(s.stack[len(s.stack)-1])
			s.stack = s.stack[:len(s.stack)-1]
		}
		return nil
	}
	if s.kind == otherPart {
		if s.elements++; s.elements > maxPartElements {
			return s.fail("mehr als %s Elemente, mehr als eine Arbeitsmappe an dieser Stelle braucht", germanInt(maxPartElements))
		}
	}
	start := s.off - int64(s.tagLen)
	switch code {
	case elRow:
		s.rowAt, s.rowCells = start, 0
	case elCell:
		s.cellAt, s.chars, s.entity = start, 0, false
		if s.rowCells++; s.rowCells > maxRowCells {
			return s.fail("eine Zeile mit mehr als %s Zellen, mehr als Excel Spalten hat", germanInt(maxRowCells))
		}
	case elSI:
		s.siAt, s.chars, s.entity = start, 0, false
		if s.strings++; s.strings > maxSharedStrings {
			return s.fail("mehr als %s gemeinsame Texte (Shared Strings)", germanInt(maxSharedStrings))
		}
	case elSkip:
		s.skip++
	}
	if empty {
		s.close(code)
		return nil
	}
	if len(s.stack) >= maxXMLDepth {
		return s.fail("Elemente mehr als %d Ebenen tief verschachtelt", maxXMLDepth)
	}
	s.stack = append(s.stack, code)
	return nil
}

// close ends an element.
func (s *partScanner) close(code byte) {
	switch code {
	case elRow:
		s.rowAt = -1
	case elCell:
		s.cellAt = -1
	case elSI:
		s.siAt = -1
	case elSkip:
		s.skip--
	}
}

// germanInt writes n with dots between thousands: 32.767.
func germanInt[T int | int64](n T) string {
	s := strconv.FormatInt(int64(n), 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "." + s[i:]
	}
	return s
}
