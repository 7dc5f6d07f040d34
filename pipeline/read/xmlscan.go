package read

import (
	"bytes"
	"encoding/xml"
	"io"
)

// XMLScanner finds the record elements of an XML document in memory (children of the
// root named as the records are), each with the line of its start tag, as the reader
// reports it, and its bytes from '<' to the end tag's '>'. The markup is ASCII, so the
// boundaries are found on a copy in which every byte above 0x7F is masked as 'x': it
// has the same offsets whatever the declared encoding (UTF-8 or ISO-8859-1), and even
// where a byte is invalid in it (a quarantined file). The values are read from that
// copy too: text beyond ASCII shows as 'x'. A record's values are its attributes
// ("@name") and the text of its child elements (by name), in document order. Where
// the document is not well-formed, the records before the fault are found (Err says
// why the scan ended).
type XMLScanner struct {
	data   []byte
	dec    *xml.Decoder
	record string
	depth  int
	line   int // the line at offset lineAt
	lineAt int
	rec    Record
	err    error
}

// ScanXML scans data for the elements named record.
func ScanXML(data []byte, record string) *XMLScanner {
	masked := make([]byte, len(data))
	for i, c := range data {
		if c >= 0x80 {
			c = 'x'
		}
		masked[i] = c
	}
	dec := xml.NewDecoder(bytes.NewReader(masked))
	dec.Strict = false
	dec.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil }
	return &XMLScanner{data: data, dec: dec, record: record, line: 1}
}

// Record is the record Scan found.
func (s *XMLScanner) Record() *Record { return &s.rec }

// Err is the fault that ended the scan of a document that is not well-formed; nil at
// its end.
func (s *XMLScanner) Err() error { return s.err }

// Scan finds the next record; false at the end of the document or at its fault.
func (s *XMLScanner) Scan() bool {
	var (
		cur   *Record
		field string
		text  bytes.Buffer
	)
	for s.err == nil {
		off := int(s.dec.InputOffset())
		tok, err := s.dec.Token()
		if err != nil {
			if err != io.EOF {
				s.err = err
			}
			return false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			s.depth++
			switch {
			case s.depth == 2 && t.Name.Local == s.record:
				s.line += bytes.Count(s.data[s.lineAt:off], []byte{'\n'})
				s.lineAt = off
				cur = &Record{Line: s.line, Start: off}
				for _, a := range t.Attr {
					cur.Keys, cur.Values = append(cur.Keys, "@"+a.Name.Local), append(cur.Values, a.Value)
				}
			case s.depth == 3 && cur != nil:
				field = t.Name.Local
				text.Reset()
			}
		case xml.CharData:
			if s.depth == 3 && cur != nil {
				text.Write(t)
			}
		case xml.EndElement:
			switch {
			case s.depth == 3 && cur != nil:
				cur.Keys, cur.Values = append(cur.Keys, field), append(cur.Values, text.String())
			case s.depth == 2 && cur != nil:
				s.depth--
				cur.End = int(s.dec.InputOffset())
				s.rec = *cur
				return true
			}
			s.depth--
		}
	}
	return false
}
