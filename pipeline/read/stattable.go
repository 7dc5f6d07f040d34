package read

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// StatTableOptions describe a table in the style of official statistics: metadata lines
// ("Stichtag: 31.10.2026"), a header line, data lines, then a footer after a line of
// underscores with footnotes and "Stand: ...". Value markers ("-", ".") stay text.
type StatTableOptions struct {
	Encoding    Encoding
	Comma       byte   // default ';'
	HeaderFirst string // the first column's name, which marks the header line
}

type statReader struct {
	c      *csvReader
	header []string
	meta   map[string]string
	footer bool
	rule   int // the line of underscores the footer starts with
}

// NewStatTable reads the metadata and the header.
func NewStatTable(r io.Reader, opt StatTableOptions) (Reader, error) {
	c := newCSVReader(r, opt.Encoding, opt.Comma, 256<<10)
	if err := textStart(c.br, opt.Encoding); err != nil {
		return nil, err
	}
	s := &statReader{c: c, meta: map[string]string{}}
	for {
		raw, start, _, err := c.record()
		if err == io.EOF {
			return nil, &FileError{Reason: fmt.Sprintf("keine Kopfzeile (beginnend mit %q) gefunden", opt.HeaderFirst)}
		}
		if err != nil {
			return nil, err
		}
		fields, err := c.split(raw, start)
		if err != nil {
			if _, ok := err.(*FileError); ok {
				return nil, err
			}
			continue // an unparsable metadata line
		}
		if strings.TrimSpace(fields[0]) == opt.HeaderFirst {
			s.header = fields
			c.header = fields
			return s, nil
		}
		s.metaLine(fields[0])
	}
}

// metaLine records "Key: value" lines.
func (s *statReader) metaLine(line string) {
	if k, v, ok := strings.Cut(line, ":"); ok && !strings.ContainsAny(k, `"=`) {
		s.meta[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
}

func (s *statReader) Columns() []string { return s.header }
func (s *statReader) Extra() []string   { return nil }
func (s *statReader) Close() error      { return s.c.Close() }

// Meta returns the metadata lines read so far ("Stichtag", and after the data "Stand").
func (s *statReader) Meta() map[string]string { return s.meta }

func (s *statReader) Next() (*Row, error) {
	for {
		raw, start, terminated, err := s.c.record()
		if err != nil {
			return nil, err
		}
		if s.footer {
			text, ok := s.c.dec.text(raw)
			if !ok {
				return nil, &FileError{Line: start, Reason: fmt.Sprintf("Fußzeile enthält Bytes, die in %s ungültig sind", s.c.dec.enc)}
			}
			if s.dataShaped(raw, start) {
				// Data after the rule: the rule was a separator typed into the table, or
				// the table goes on after its footer. The line is not read as data, and
				// not dropped unsaid either.
				return nil, &RowError{Line: start, Reason: fmt.Sprintf(
					"Datenzeile nach der Fußzeile (Trennlinie aus Unterstrichen in Zeile %d): nicht übernommen", s.rule)}
			}
			s.metaLine(text)
			continue
		}
		if len(bytes.TrimSpace(raw)) == 0 || blankRecord(raw, s.c.comma) {
			continue // a blank line, or one of separators only (";;;;")
		}
		if raw[0] == '_' {
			s.footer, s.rule = true, start
			continue
		}
		if !terminated {
			return nil, &RowError{Line: start, Reason: "Zeile abgeschnitten: kein Zeilenende am Dateiende"}
		}
		fields, err := s.c.split(raw, start)
		if err != nil {
			return nil, err
		}
		if len(fields) != len(s.header) {
			return nil, &RowError{Line: start, Reason: fmt.Sprintf("%d Felder statt %d", len(fields), len(s.header))}
		}
		return &Row{Line: start, Fields: fields}, nil
	}
}

// dataShaped reports whether a footer line has the form of a data row: as many fields
// as the header (more than one), one of them a number. Footnotes and "Stand: ..." are
// one field of text.
func (s *statReader) dataShaped(raw []byte, line int) bool {
	if len(s.header) < 2 {
		return false
	}
	fields, err := s.c.split(raw, line)
	if err != nil || len(fields) != len(s.header) {
		return false
	}
	for _, f := range fields {
		if f = strings.TrimSpace(f); f != "" && strings.Trim(f, "0123456789") == "" {
			return true
		}
	}
	return false
}

// MetaReader is a reader with metadata lines.
type MetaReader interface {
	Reader
	Meta() map[string]string
}
