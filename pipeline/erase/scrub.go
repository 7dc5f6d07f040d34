package erase

import (
	"strings"

	"ipoint/pipeline/read"
)

// The formats are read's: its scanners find each record of a raw file with its line
// (as ingest numbers it) and its bytes. Erase only says which records are the person's
// (drop) and cuts them out (cut.go).

// scrubCSV removes records of a delimited text file (`;`, or `,` or tab where the
// header holds no `;`: read.SniffComma) at the level of bytes, so that it works in every
// encoding the agencies use: the separator, quotes, line ends and identifiers are ASCII
// in Windows-1252, ISO-8859-1 and UTF-8 alike, and no byte of a multi-byte UTF-8
// character is ASCII. Bytes that are invalid in the file's encoding (a quarantined
// file) stay as they are. A file in UTF-16 (with its byte-order mark) is transcoded to
// UTF-8 and back, where that gives back its bytes.
//
// A removed record leaves its line ends behind: empty lines, which every reader skips,
// so that the lines of the other rows keep their numbers (the lake's source_line and
// every finding point at them).
func scrubCSV(data []byte, l links, drop func(*row) bool) ([]byte, []row, error) {
	body, back, err := fromUTF16(data)
	if err != nil {
		return nil, nil, err
	}
	s := read.ScanCSV(body, read.SniffComma(body))
	header := map[string]int{}
	for i, h := range trimmed(s.Header()) {
		header[h] = i
	}
	var dropped []row
	var cuts []cut
	for s.Scan() {
		rec := s.Record()
		fields := trimmed(rec.Values)
		field := func(name string) string {
			if i, ok := header[name]; ok && name != "" && i < len(fields) {
				return fields[i]
			}
			return ""
		}
		x := row{line: rec.Line, start: rec.Start, end: rec.End, values: fields, raw: body[rec.Start:rec.End], data: true}
		x.fill(l, field)
		if drop(&x) {
			x.values, x.raw = nil, nil
			dropped = append(dropped, x)
			cuts = append(cuts, blankCut(body, rec.Start, rec.End))
		}
	}
	if len(cuts) == 0 {
		return nil, nil, nil
	}
	out, err := back(splice(body, cuts))
	return out, dropped, err
}

// scrubJSONL removes lines of a JSON Lines file. A line that is no object of scalars (a
// line cut off) still counts by the number it mentions. A removed line leaves its line
// end behind, so that the other lines keep their numbers; the file's byte-order mark
// stays.
func scrubJSONL(data []byte, l links, drop func(*row) bool) ([]byte, []row, error) {
	var dropped []row
	var cuts []cut
	for s := read.ScanJSONL(data); s.Scan(); {
		rec := s.Record()
		x := row{line: rec.Line, start: rec.Start, end: rec.End, values: trimmed(rec.Values), raw: data[rec.Start:rec.End], data: true}
		x.fill(l, byKey(rec.Keys, x.values))
		if drop(&x) {
			x.values, x.raw = nil, nil
			dropped = append(dropped, x)
			cuts = append(cuts, blankCut(data, rec.Start, rec.End))
		}
	}
	if len(cuts) == 0 {
		return nil, nil, nil
	}
	return splice(data, cuts), dropped, nil
}

// scrubXML removes record elements (children of the root named record) from an XML
// document, cutting its bytes (read.XMLScanner finds them whatever the encoding). A
// removed element leaves its line ends behind (and its line's indentation goes), so
// that the start tags of the other records keep their line numbers. Where the document
// is not well-formed, the records before the fault are taken; the final check of the
// file tells whether the person is still in the rest.
func scrubXML(data []byte, record string, l links, drop func(*row) bool) ([]byte, []row, error) {
	var dropped []row
	var cuts []cut
	for s := read.ScanXML(data, record); s.Scan(); {
		rec := s.Record()
		x := row{line: rec.Line, start: rec.Start, end: rec.End, values: trimmed(rec.Values), raw: data[rec.Start:rec.End], data: true}
		field := byKey(rec.Keys, x.values)
		x.kunde, x.azr, x.bg, x.id = field(l.kunde.raw), field(l.azr.raw), field(l.bg.raw), field(l.id.raw) // no names: an XML record holds none
		if drop(&x) {
			start := x.start
			for start > 0 && (data[start-1] == ' ' || data[start-1] == '\t') {
				start--
			}
			if start > 0 && data[start-1] != '\n' {
				start = x.start // something else precedes it on its line
			}
			x.values, x.raw = nil, nil
			dropped = append(dropped, x)
			cuts = append(cuts, blankCut(data, start, x.end))
		}
	}
	if len(cuts) == 0 {
		return nil, nil, nil
	}
	return splice(data, cuts), dropped, nil
}

// scrubXLSX removes rows from a workbook at the level of its parts, not through a
// spreadsheet library, which would rewrite every part and keep the removed values in the
// shared-string table: a removed row becomes an empty row element with its number (the
// other rows keep theirs, and so their findings), every shared string no remaining cell
// uses becomes an empty string (the indexes of the others stay), and every other part of
// the archive is copied as it was, compressed bytes and all. In the data sheet (and its
// continuation sheets, "Teilnahmen (2)", ...) the header names the columns; in any other
// sheet a row holding the number goes too.
func scrubXLSX(data []byte, sheet string, l links, drop func(*row) bool) ([]byte, []row, error) {
	w, err := read.OpenWorkbook(data)
	if err != nil {
		return nil, nil, err
	}
	sheets, sstPath, err := w.Sheets()
	if err != nil {
		return nil, nil, err
	}
	var sst *read.SharedStrings
	if sstPath != "" {
		if sst, err = w.SharedStrings(sstPath); err != nil {
			return nil, nil, err
		}
	}
	keep := map[int]bool{} // shared strings that cells of kept rows use
	changed := map[string][]byte{}
	var dropped []row
	err = w.EachSheet(sheets, sheet, sst, func(ws *read.Worksheet) error {
		var header map[string]int
		var cuts []cut
		for _, rw := range ws.Rows {
			x := row{line: rw.Line, part: ws.Part, start: rw.Start, end: rw.End, values: rw.Values, data: ws.Data}
			x.raw = []byte(strings.Join(rw.Values, "\n"))
			if ws.Data {
				if rw.Num == 1 {
					header = map[string]int{}
					for i, v := range rw.Values {
						header[v] = i
					}
				}
				x.fill(l, func(name string) string {
					if i, ok := header[name]; ok && name != "" && i < len(rw.Values) {
						return rw.Values[i]
					}
					return ""
				})
			}
			if !(ws.Data && rw.Num == 1) && drop(&x) {
				x.values, x.raw = nil, nil
				dropped = append(dropped, x)
				cuts = append(cuts, cut{rw.Start, rw.End, rw.Empty})
			} else {
				for _, i := range rw.Shared {
					keep[i] = true
				}
			}
		}
		if len(cuts) > 0 {
			changed[ws.Part] = splice(ws.Bytes, cuts)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if len(dropped) == 0 {
		return nil, nil, nil
	}
	if sst != nil {
		if b := blankStrings(sst, keep); b != nil {
			changed[sstPath] = b
		}
	}
	out, err := rezip(w.Archive(), changed)
	return out, dropped, err
}

// fill sets the row's identifiers from the export's columns.
func (x *row) fill(l links, field func(string) string) {
	x.kunde, x.azr, x.bg, x.id = field(l.kunde.raw), field(l.azr.raw), field(l.bg.raw), field(l.id.raw)
	x.name = nameOf(l.name, field)
}

// byKey looks a field up by its name, the last of that name where several have it.
func byKey(keys, values []string) func(string) string {
	return func(name string) string {
		v := ""
		for i, k := range keys {
			if k == name {
				v = values[i]
			}
		}
		return v
	}
}

// trimmed returns the values without leading and trailing white space.
func trimmed(values []string) []string {
	if values == nil {
		return nil
	}
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = strings.TrimSpace(v)
	}
	return out
}

// nameOf joins a row's name and birth date, where it has all of them.
func nameOf(cols []string, field func(string) string) string {
	var parts []string
	for _, c := range cols {
		v := field(c)
		if v == "" {
			return ""
		}
		parts = append(parts, v)
	}
	return strings.Join(parts, "\x00")
}
