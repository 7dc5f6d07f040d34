package read

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
)

// csvRecords cuts a delimited text stream into records: the one record grammar of the
// CSV reader, its chunks, the statistics tables and CSVScanner. A record is a line, or
// several where a quoted field spans line ends (quoteState).
type csvRecords struct {
	br        *bufio.Reader
	comma     byte
	line      int    // physical lines read so far
	pos       int    // bytes read so far
	at        int    // where the record record returned last starts
	rec       []byte // the current record's bytes
	eof       bool
	unbounded bool // no bound on a record's length: the bytes are in memory already
}

// record reads one record: a line, or several where a quoted field spans line ends. It
// returns the record without its line end and the line it starts on (c.at: its
// offset); the bytes hold until the next call. A '"' opens a quoted field only at the
// start of a field, as in split; elsewhere it is data.
func (c *csvRecords) record() (raw []byte, start int, terminated bool, err error) {
	if c.eof {
		return nil, 0, false, io.EOF
	}
	c.rec = c.rec[:0]
	start, c.at = c.line+1, c.pos
	q := quoteState{comma: c.comma}
	q.reset()
	for {
		chunk, err := c.br.ReadSlice('\n')
		c.pos += len(chunk)
		q.scan(chunk)
		if err == nil && len(c.rec) == 0 && !q.inQuotes && (len(chunk) <= maxRecordBytes || c.unbounded) {
			// The whole record is in the reader's buffer (the common case): it is
			// returned from there, not copied.
			c.line++
			return trimLineEnd(chunk), start, true, nil
		}
		var ok bool
		c.rec, ok = appendRecord(c.rec, chunk, c.unbounded)
		if !ok {
			return nil, 0, false, &FileError{Line: start, Reason: fmt.Sprintf("Datensatz länger als %s (Anführungszeichen nicht geschlossen?)", sizeText(maxRecordBytes))}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
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
		if q.inQuotes { // inside a quoted field: the line end is data
			continue
		}
		return trimLineEnd(c.rec), start, true, nil
	}
}

// trimLineEnd cuts the line end ('\n' or "\r\n") off a line that has one.
func trimLineEnd(line []byte) []byte {
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line
}

// quoteState follows the quoting of one record: a '"' opens a quoted field only at the
// start of a field (elsewhere it is data); inside, '""' stands for '"' and a line end is
// data. split reads fields by the same rule.
type quoteState struct {
	comma                        byte
	inQuotes, closed, fieldStart bool
}

// reset starts a record.
func (q *quoteState) reset() { q.inQuotes, q.closed, q.fieldStart = false, false, true }

// scan follows the next bytes of the record.
func (q *quoteState) scan(b []byte) {
	if bytes.IndexByte(b, '"') < 0 {
		if !q.inQuotes && len(b) > 0 {
			q.closed, q.fieldStart = false, b[len(b)-1] == q.comma
		}
		return
	}
	for _, c := range b {
		switch {
		case q.inQuotes:
			if c == '"' {
				q.inQuotes, q.closed = false, true
			}
		case c == '"' && (q.fieldStart || q.closed): // opens a field, or a doubled '"'
			q.inQuotes, q.closed, q.fieldStart = true, false, false
		default:
			q.closed, q.fieldStart = false, c == q.comma
		}
	}
}

// appendRecord appends chunk to a record's bytes; false once the record would be longer
// than maxRecordBytes (unless unbounded: the bytes are in memory already). Its room
// doubles up to the bound and never beyond it: a record that reaches the bound is held
// once, not in the larger array append would grow it into.
func appendRecord(rec, chunk []byte, unbounded bool) ([]byte, bool) {
	n := len(rec) + len(chunk)
	if unbounded {
		return append(rec, chunk...), true
	}
	if n > maxRecordBytes {
		return rec, false
	}
	if n > cap(rec) {
		grown := make([]byte, len(rec), min(max(2*cap(rec), n), maxRecordBytes))
		copy(grown, rec)
		rec = grown
	}
	return append(rec, chunk...), true
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// CSVScanner finds the records of a delimited text file in memory by the readers'
// grammar: the header, the first record that is not blank (after a UTF-8 byte-order
// mark, in any encoding), then each data record with its line and its bytes. Blank
// lines, and lines of separators and blanks only, are skipped, as the reader does; a
// last record without a line end is a record too (the reader rejects it). Fields are
// split leniently (see csvFields).
type CSVScanner struct {
	r      csvRecords
	header []string
	rec    Record
}

// ScanCSV scans data with the separator comma (see SniffComma) and reads its header.
func ScanCSV(data []byte, comma byte) *CSVScanner {
	bom := 0
	if bytes.HasPrefix(data, utf8BOM) {
		bom = len(utf8BOM)
	}
	s := &CSVScanner{r: csvRecords{br: bufio.NewReaderSize(bytes.NewReader(data[bom:]), 64<<10), comma: comma, pos: bom, unbounded: true}}
	if s.next(false) {
		s.header, s.rec = s.rec.Values, Record{}
	}
	return s
}

// Header is the file's header record, split as the records are; nil for a file without
// any record.
func (s *CSVScanner) Header() []string { return s.header }

// Scan finds the next data record; false at the end.
func (s *CSVScanner) Scan() bool { return s.next(true) }

// Record is the record Scan found.
func (s *CSVScanner) Record() *Record { return &s.rec }

// next finds the next record that is not blank; with data, not one of separators and
// blanks only either (the header is the first line that is not empty, as for NewCSV).
func (s *CSVScanner) next(data bool) bool {
	for {
		raw, start, terminated, err := s.r.record()
		if err != nil { // io.EOF: the bytes are in memory and unbounded
			return false
		}
		if len(raw) == 0 || data && terminated && blankRecord(raw, s.r.comma) {
			continue
		}
		s.rec = Record{Line: start, Start: s.r.at, End: s.r.at + len(raw), Values: csvFields(raw, s.r.comma)}
		return true
	}
}

// csvFields cuts a record into fields the lenient way: quoted fields unquoted, and what
// the reader rejects read as far as it goes (an unclosed quote takes the rest of the
// record, characters after a closing quote are kept). Where split reads a record, it
// reads the same fields (FuzzScanCSV).
func csvFields(rec []byte, sep byte) []string {
	var out []string
	for i := 0; ; {
		var field []byte
		if i < len(rec) && rec[i] == '"' {
			j := i + 1
			for j < len(rec) {
				k := bytes.IndexByte(rec[j:], '"')
				if k < 0 {
					field, j = append(field, rec[j:]...), len(rec)
					break
				}
				field = append(field, rec[j:j+k]...)
				j += k + 1
				if j < len(rec) && rec[j] == '"' {
					field = append(field, '"')
					j++
					continue
				}
				break
			}
			for j < len(rec) && rec[j] != sep { // characters after the closing quote
				field = append(field, rec[j])
				j++
			}
			i = j
		} else {
			k := bytes.IndexByte(rec[i:], sep)
			if k < 0 {
				k = len(rec) - i
			}
			field, i = rec[i:i+k], i+k
		}
		out = append(out, string(field))
		if i >= len(rec) {
			return out
		}
		i++ // the separator
		if i == len(rec) {
			return append(out, "")
		}
	}
}

// SniffComma tells a file's separator from its first line: ';' unless that line holds
// none but a ',' or a tab.
func SniffComma(data []byte) byte {
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		data = data[:i]
	}
	for _, c := range []byte{';', ',', '\t'} {
		if bytes.IndexByte(data, c) >= 0 {
			return c
		}
	}
	return ';'
}
