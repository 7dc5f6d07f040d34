package read

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
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
	br     *bufio.Reader
	closer io.Closer
	dec    decoder
	comma  byte
	header []string
	line   int    // physical lines read so far
	rec    []byte // the current record's bytes
	eof    bool
}

// NewCSV reads the header line and returns a reader over the data rows. An empty file
// has no columns and no rows.
func NewCSV(r io.Reader, opt CSVOptions) (Reader, error) {
	if opt.Comma == 0 {
		opt.Comma = ';'
	}
	c := &csvReader{br: bufio.NewReaderSize(r, 1<<20), dec: decoder{enc: opt.Encoding}, comma: opt.Comma}
	if cl, ok := r.(io.Closer); ok {
		c.closer = cl
	}
	if opt.Encoding == UTF8 || opt.Encoding == UTF8BOM {
		if b, err := c.br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
			c.br.Discard(3)
		}
	}
	for {
		raw, start, terminated, err := c.record()
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
		if errors.As(ferr, &re) {
			return nil, &FileError{Line: start, Reason: "Kopfzeile nicht lesbar: " + re.Reason}
		}
		if ferr != nil {
			return nil, ferr
		}
		if !terminated {
			return nil, &FileError{Line: start, Reason: "Kopfzeile ohne Zeilenende"}
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

// Next returns the next data row. Blank lines are skipped.
func (c *csvReader) Next() (*Row, error) {
	for {
		raw, start, terminated, err := c.record()
		if err != nil {
			return nil, err
		}
		if len(raw) == 0 && terminated {
			continue
		}
		if !terminated {
			return nil, &RowError{Line: start, Reason: "Zeile abgeschnitten: kein Zeilenende am Dateiende"}
		}
		fields, rerr := c.split(raw, start)
		if rerr != nil {
			return nil, rerr
		}
		if len(fields) != len(c.header) {
			return nil, &RowError{Line: start, Reason: fmt.Sprintf("%d Felder statt %d", len(fields), len(c.header))}
		}
		return &Row{Line: start, Fields: fields}, nil
	}
}

// record reads one record: a line, or several where a quoted field spans line ends. It
// returns the record without its line end and the line it starts on.
func (c *csvReader) record() (raw []byte, start int, terminated bool, err error) {
	if c.eof {
		return nil, 0, false, io.EOF
	}
	c.rec = c.rec[:0]
	start = c.line + 1
	quotes := 0
	for {
		chunk, err := c.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			c.rec = append(c.rec, chunk...)
			quotes += bytes.Count(chunk, []byte{'"'})
			continue
		}
		c.rec = append(c.rec, chunk...)
		quotes += bytes.Count(chunk, []byte{'"'})
		if err == io.EOF {
			c.eof = true
			if len(c.rec) == 0 {
				return nil, 0, false, io.EOF
			}
			c.line++
			return c.rec, start, false, nil
		}
		if err != nil {
			return nil, 0, false, err
		}
		c.line++
		if quotes%2 == 1 { // inside a quoted field: the line end is data
			continue
		}
		rec := c.rec[:len(c.rec)-1]
		if n := len(rec); n > 0 && rec[n-1] == '\r' {
			rec = rec[:n-1]
		}
		return rec, start, true, nil
	}
}

// split cuts a record into decoded fields.
func (c *csvReader) split(raw []byte, line int) ([]string, error) {
	fields := make([]string, 0, len(c.header))
	var buf []byte
	for i := 0; ; {
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
				return nil, &RowError{Line: line, Reason: fmt.Sprintf("Zeichen nach schließendem Anführungszeichen in Feld %d", len(fields)+1)}
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
		s, ok := c.dec.text(field)
		if !ok {
			return nil, &FileError{Line: line, Reason: fmt.Sprintf("Feld %d enthält Bytes, die in %s ungültig sind", len(fields)+1, c.dec.enc)}
		}
		fields = append(fields, s)
		if i >= len(raw) {
			return fields, nil
		}
		i++ // the separator
		if i == len(raw) {
			fields = append(fields, "")
			return fields, nil
		}
	}
}
