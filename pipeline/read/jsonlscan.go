package read

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"sort"
)

// jsonlLines cuts a JSON Lines stream into lines: the grammar of the JSON Lines reader
// and of JSONLScanner.
type jsonlLines struct {
	br        *bufio.Reader
	line      int // lines read so far
	pos       int // bytes read so far
	buf       []byte
	unbounded bool // no bound on a line's length: the bytes are in memory already
}

// next returns the next line without its line end (and any '\r' before it) and the
// offset it starts at; io.EOF at the end.
func (j *jsonlLines) next() (line []byte, start int, err error) {
	j.buf = j.buf[:0]
	start = j.pos
	for {
		var chunk []byte
		chunk, err = j.br.ReadSlice('\n')
		var ok bool
		j.buf, ok = appendRecord(j.buf, chunk, j.unbounded)
		j.pos += len(chunk)
		if !ok {
			return nil, 0, &FileError{Line: j.line + 1, Reason: "Zeile länger als " + sizeText(maxRecordBytes)}
		}
		if err != bufio.ErrBufferFull {
			break
		}
	}
	if err != nil && err != io.EOF {
		return nil, 0, err
	}
	if len(j.buf) == 0 && err == io.EOF {
		return nil, 0, io.EOF
	}
	j.line++
	return bytes.TrimRight(j.buf, "\r\n"), start, nil
}

// JSONLScanner finds the lines of a JSON Lines file in memory by the reader's grammar:
// each line that is not blank (a UTF-8 byte-order mark on line 1 left out), with its
// line and its bytes. An object's fields are its keys and scalars (see Values); a line
// that is no object (cut off, or not JSON) is a record without fields.
type JSONLScanner struct {
	l   jsonlLines
	rec Record
}

// ScanJSONL scans data.
func ScanJSONL(data []byte) *JSONLScanner {
	return &JSONLScanner{l: jsonlLines{br: bufio.NewReaderSize(bytes.NewReader(data), 64<<10), unbounded: true}}
}

// Record is the record Scan found.
func (s *JSONLScanner) Record() *Record { return &s.rec }

// Scan finds the next record; false at the end.
func (s *JSONLScanner) Scan() bool {
	for {
		text, start, err := s.l.next()
		if err != nil { // io.EOF: the bytes are in memory and unbounded
			return false
		}
		s.rec = Record{Line: s.l.line, Start: start, End: start + len(text)}
		if s.l.line == 1 && bytes.HasPrefix(text, utf8BOM) {
			text, s.rec.Start = text[len(utf8BOM):], start+len(utf8BOM)
		}
		if len(bytes.TrimSpace(text)) == 0 {
			continue
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal(text, &obj) == nil {
			for k := range obj {
				s.rec.Keys = append(s.rec.Keys, k)
			}
			sort.Strings(s.rec.Keys)
			for _, k := range s.rec.Keys {
				s.rec.Values = append(s.rec.Values, jsonText(obj[k]))
			}
		}
		return true
	}
}

// jsonText is a value as text: a scalar as the reader has it, anything else (an
// object, a list, a broken string) as written.
func jsonText(v json.RawMessage) string {
	s, err := scalar(v)
	if err != nil {
		return string(bytes.TrimSpace(v))
	}
	return s
}
