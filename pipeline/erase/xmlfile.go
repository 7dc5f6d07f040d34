package erase

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
)

// scrubXML removes record elements (children of the root named record) from an XML
// document, cutting its bytes: the markup and the identifiers are ASCII, so the record's
// boundaries are found on a copy in which every byte above 0x7F is masked as 'x'. That
// copy has the same offsets whatever the declared encoding (UTF-8 or ISO-8859-1), and
// even where a byte is invalid in it (a quarantined file). A removed element leaves its
// line ends behind (and its line's indentation goes), so that the start tags of the
// other records keep their line numbers. Where the document is not well-formed, the
// records before the fault are taken; the final check of the file tells whether the
// person is still in the rest.
func scrubXML(data []byte, record string, l links, drop func(*row) bool) ([]byte, []row, error) {
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
	var (
		dropped      []row
		cuts         [][2]int
		cur          *row
		field        string
		text         strings.Builder
		depth        int
		line, lineAt = 1, 0 // the line at offset lineAt
	)
	set := func(name, v string) {
		cur.values = append(cur.values, v)
		switch name {
		case l.kunde.raw:
			cur.kunde = v
		case l.azr.raw:
			cur.azr = v
		case l.bg.raw:
			cur.bg = v
		case l.id.raw:
			cur.id = v
		}
	}
	for {
		off := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			break // io.EOF, or the fault of a document that is not well-formed
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case depth == 2 && t.Name.Local == record:
				line += bytes.Count(data[lineAt:off], []byte{'\n'})
				lineAt = off
				cur = &row{line: line, start: off, data: true}
				for _, a := range t.Attr {
					set("@"+a.Name.Local, strings.TrimSpace(a.Value))
				}
			case depth == 3 && cur != nil:
				field = t.Name.Local
				text.Reset()
			}
		case xml.CharData:
			if depth == 3 && cur != nil {
				text.Write(t)
			}
		case xml.EndElement:
			switch {
			case depth == 3 && cur != nil:
				set(field, strings.TrimSpace(text.String()))
			case depth == 2 && cur != nil:
				cur.end = int(dec.InputOffset())
				cur.raw = data[cur.start:cur.end]
				if drop(cur) {
					start := cur.start
					for start > 0 && (data[start-1] == ' ' || data[start-1] == '\t') {
						start--
					}
					if start > 0 && data[start-1] != '\n' {
						start = cur.start // something else precedes it on its line
					}
					cur.values, cur.raw = nil, nil
					dropped = append(dropped, *cur)
					cuts = append(cuts, [2]int{start, cur.end})
				}
				cur = nil
			}
			depth--
		}
	}
	if len(cuts) == 0 {
		return nil, nil, nil
	}
	return blank(data, cuts), dropped, nil
}
