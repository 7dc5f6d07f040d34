package read

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
)

// CSVOptions describe a delimited text file.
type CSVOptions struct {
	Encoding Encoding
	Comma    byte // default ';'
}

// csvReader reads RFC 4180 records with a configurable separator: a field is quoted
// with '"' where needed, a '"' inside is doubled, and a quoted field may span lines. CRLF
// and LF line ends are both accepted. A last line without a line end was cut off: that
// row is rejected, because a cut row cannot be told from a complete one otherwise.
type csvReader struct {
	csvRecords
	closer io.Closer
	dec    decoder
	header []string
	text   []byte   // the current record, decoded
	ends   []int    // where each decoded field ends in text
	slab   []string // room for the fields of the next rows
	rows   []Row    // room for the next rows

	reuse bool // a chunk's reader: each row and its field list hold until the next call only
	row   Row
	list  []string
}

// newCSVReader sets up the record reader that CSV files, their chunks and statistics
// tables share.
func newCSVReader(r io.Reader, enc Encoding, comma byte, bufSize int) *csvReader {
	if comma == 0 {
		comma = ';'
	}
	c := &csvReader{csvRecords: csvRecords{br: bufio.NewReaderSize(r, bufSize), comma: comma}, dec: decoder{enc: enc}}
	if cl, ok := r.(io.Closer); ok {
		c.closer = cl
	}
	return c
}

// NewCSV reads the header line and returns a reader over the data rows. An empty file
// has no columns and no rows.
func NewCSV(r io.Reader, opt CSVOptions) (Reader, error) {
	c := newCSVReader(r, opt.Encoding, opt.Comma, 1<<20)
	if err := textStart(c.br, opt.Encoding); err != nil {
		return nil, err
	}
	for {
		// A header without a line end is a header-only file whose writer left the last
		// line end out: the contract allows zero rows (a cut header misses columns).
		raw, start, _, err := c.record()
		if err == io.EOF {
			return c, nil
		}
		if err != nil {
			return nil, err
		}
		if len(raw) == 0 {
			continue // blank lines before the header
		}
		fields, ferr := c.split(raw, start)
		var re *RowError
		if (errors.As(ferr, &re) || ferr == nil && len(fields) == 1) && c.otherSeparator(raw, start) != 0 {
			// Quoted or not, a header that splits by another separator was written with it.
			return nil, &FileError{Line: start, Reason: fmt.Sprintf("Kopfzeile enthält kein Trennzeichen %q, aber %q: falsches Trennzeichen", c.comma, c.otherSeparator(raw, start))}
		}
		if re != nil {
			return nil, &FileError{Line: start, Reason: "Kopfzeile nicht lesbar: " + re.Reason}
		}
		if ferr != nil {
			return nil, ferr
		}
		c.header = fields
		return c, nil
	}
}

func (c *csvReader) Columns() []string { return c.header }
func (c *csvReader) Extra() []string   { return nil }

func (c *csvReader) Close() error {
	if c.closer != nil {
		return c.closer.Close()
	}
	return nil
}

// Next returns the next data row. Blank lines are skipped, and so are lines of
// separators and blanks only (blankRecord).
func (c *csvReader) Next() (*Row, error) {
	for {
		raw, start, terminated, err := c.record()
		if err != nil {
			return nil, err
		}
		if terminated && blankRecord(raw, c.comma) {
			continue
		}
		if !terminated {
			if raw[len(raw)-1] == '\n' { // the file ends inside a quoted field
				return nil, &RowError{Line: start, Reason: "Anführungszeichen nicht geschlossen bis zum Dateiende"}
			}
			return nil, &RowError{Line: start, Reason: "Zeile abgeschnitten: kein Zeilenende am Dateiende"}
		}
		fields, rerr := c.split(raw, start)
		if rerr != nil {
			return nil, rerr
		}
		if len(fields) != len(c.header) {
			return nil, &RowError{Line: start, Reason: fmt.Sprintf("%d Felder statt %d", len(fields), len(c.header))}
		}
		row := &c.row
		if !c.reuse {
			if len(c.rows) == 0 {
				c.rows = make([]Row, 256) // one allocation for many rows, as for the fields
			}
			row, c.rows = &c.rows[0], c.rows[1:]
		}
		row.Line, row.Fields = start, fields
		return row, nil
	}
}

// blankRecord reports whether a record holds nothing but separators and blanks (space,
// tab, CR): the row Excel writes for an empty row of a sheet saved as CSV (";;;;;;;;"). It
// holds no value, so it is skipped as a blank line is, not rejected. Quoted fields ("")
// are not blank: someone wrote them. The test is on the bytes, the same in every
// encoding, so that CSVScanner skips the same records.
func blankRecord(raw []byte, comma byte) bool {
	for _, b := range raw {
		if b != comma && b != ' ' && b != '\t' && b != '\r' {
			return false
		}
	}
	return true
}

// split cuts a record into decoded fields.
func (c *csvReader) split(raw []byte, line int) ([]string, error) {
	if fields, ok := c.splitPlain(raw); ok {
		return fields, nil
	}
	// Decode the whole record into one buffer and make one string of it: one
	// allocation per record, the fields are slices of it.
	c.text = c.text[:0]
	c.ends = c.ends[:0]
	var buf []byte
	tooMany := func() error {
		return &RowError{Line: line, Reason: fmt.Sprintf("mehr als %s Felder: so viele Spalten hat keine Lieferung", germanInt(maxFields))}
	}
	for i := 0; ; {
		if len(c.ends) >= maxFields {
			return nil, tooMany()
		}
		var field []byte
		if i < len(raw) && raw[i] == '"' {
			buf = buf[:0]
			j := i + 1
			closed := false
			for j < len(raw) {
				k := bytes.IndexByte(raw[j:], '"')
				if k < 0 {
					break
				}
				buf = append(buf, raw[j:j+k]...)
				j += k + 1
				if j < len(raw) && raw[j] == '"' {
					buf = append(buf, '"')
					j++
					continue
				}
				closed = true
				break
			}
			if !closed {
				return nil, &RowError{Line: line, Reason: "Anführungszeichen nicht geschlossen"}
			}
			if j < len(raw) && raw[j] != c.comma {
				return nil, &RowError{Line: line, Reason: fmt.Sprintf("Zeichen nach schließendem Anführungszeichen in Feld %d", len(c.ends)+1)}
			}
			field, i = buf, j
		} else {
			k := bytes.IndexByte(raw[i:], c.comma)
			if k < 0 {
				k = len(raw) - i
			}
			field = raw[i : i+k]
			i += k
		}
		if bytes.IndexByte(field, 0) >= 0 {
			return nil, &FileError{Line: line, Reason: fmt.Sprintf("Feld %d enthält ein Nullbyte: keine Textdatei (UTF-16 oder Binärdaten?)", len(c.ends)+1)}
		}
		var ok bool
		if c.text, ok = c.dec.appendText(c.text, field); !ok {
			return nil, &FileError{Line: line, Reason: fmt.Sprintf("Feld %d enthält Bytes, die in %s ungültig sind", len(c.ends)+1, c.dec.enc)}
		}
		c.ends = append(c.ends, len(c.text))
		if i >= len(raw) {
			return c.fields(), nil
		}
		i++ // the separator
		if i == len(raw) {
			if len(c.ends) >= maxFields {
				return nil, tooMany()
			}
			c.ends = append(c.ends, len(c.text))
			return c.fields(), nil
		}
	}
}

// fields cuts the decoded record into its fields.
func (c *csvReader) fields() []string {
	s := string(c.text)
	out := c.alloc(len(c.ends))
	start := 0
	for k, end := range c.ends {
		out[k] = s[start:end]
		start = end
	}
	return out
}

// splitPlain is split for the common record: ASCII only (where every encoding agrees
// with UTF-8), no quotes, no null byte. It reports false for any other record, which
// split then reads byte by byte.
func (c *csvReader) splitPlain(raw []byte) ([]string, bool) {
	ends, ok := plainSeparators(raw, c.comma, c.ends[:0])
	c.ends = ends
	if !ok || len(ends) >= maxFields {
		return nil, false // split reads the record, or says why it cannot
	}
	s := string(raw)
	out := c.alloc(len(ends) + 1)
	start := 0
	for k, i := range ends {
		out[k], start = s[start:i], i+1
	}
	out[len(ends)] = s[start:]
	return out, true
}

const ones, lows, highs = 0x0101010101010101, 0x7F7F7F7F7F7F7F7F, 0x8080808080808080

// plainSeparators appends the offsets of the separators comma (ASCII) in b to at, if b
// is plain (ASCII without '"' and without a null byte), and reports whether it is; it
// stops at maxFields separators or more, where the record is not read as plain. It
// reads eight bytes at a time: a byte of 0x80 or more has its high bit set, and x^'"'
// and x are zero exactly where the byte is '"' or 0, which (x - 0x01) &^ x marks with
// the high bit. Within plain bytes (all below 0x80) x^comma is zero exactly where
// x^comma + 0x7F has no high bit, with no carry into the next byte.
func plainSeparators(b []byte, comma byte, at []int) ([]int, bool) {
	const quotes = 0x2222222222222222
	commas := ones * uint64(comma)
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		q := w ^ quotes
		if (w|(w-ones)&^w|(q-ones)&^q)&highs != 0 {
			return at, false
		}
		for m := ^((w ^ commas) + lows) & highs; m != 0; m &= m - 1 {
			at = append(at, i+bits.TrailingZeros64(m)>>3)
		}
		if len(at) >= maxFields {
			return at, true // too many fields: split says so, without a list of millions
		}
	}
	for ; i < len(b); i++ {
		switch x := b[i]; {
		case x >= 0x80 || x == '"' || x == 0:
			return at, false
		case x == comma:
			at = append(at, i)
		}
	}
	return at, true
}

// alloc returns room for n fields, carved from a block shared by the next rows: one
// allocation for many rows. The fields stay valid for as long as a caller keeps them;
// a chunk's reader (reuse) hands out one list again and again instead.
func (c *csvReader) alloc(n int) []string {
	if c.reuse {
		if cap(c.list) < n {
			c.list = make([]string, n)
		}
		return c.list[:n:n]
	}
	if len(c.slab) < n {
		c.slab = make([]string, max(n, 1024))
	}
	out := c.slab[:n:n]
	c.slab = c.slab[n:]
	return out
}

// maxFields bounds the fields of one record (CSV, statistics table): a record of 60 MB
// of separators would be 60 million fields, a gigabyte of field headers.
const maxFields = 10000

// maxRecordBytes bounds one record (CSV, statistics table) or line (JSONL): a quote that
// is never closed must not pull the rest of the file into memory.
var maxRecordBytes = 64 << 20

func sizeText(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

// textStart skips a UTF-8 byte-order mark where the encoding is UTF-8, and refuses a
// file that starts with a UTF-16 byte-order mark.
func textStart(br *bufio.Reader, enc Encoding) error {
	if enc == UTF8 || enc == UTF8BOM {
		if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
			br.Discard(3)
		}
	}
	if b, err := br.Peek(2); err == nil && (b[0] == 0xFF && b[1] == 0xFE || b[0] == 0xFE && b[1] == 0xFF) {
		return &FileError{Line: 1, Reason: "Datei ist UTF-16-kodiert (Byte-Order-Mark), erwartet " + enc.String()}
	}
	return nil
}

// otherSeparator returns a common separator other than the file's by which the header
// line splits into several fields (quoted or not), or 0.
func (c *csvReader) otherSeparator(header []byte, line int) byte {
	comma := c.comma
	defer func() { c.comma = comma }()
	for _, sep := range []byte{';', ',', '\t'} {
		if sep == comma || bytes.IndexByte(header, sep) < 0 {
			continue
		}
		c.comma = sep
		if fields, err := c.split(header, line); err == nil && len(fields) > 1 {
			return sep
		}
	}
	return 0
}
