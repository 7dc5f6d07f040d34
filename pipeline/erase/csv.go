package erase

import (
	"bytes"
	"errors"
	"strings"

	"golang.org/x/text/encoding/unicode"
)

// scrubCSV removes records of a delimited text file (`;`, or `,` or tab where the header
// holds no `;`; RFC 4180 quoting; CRLF or LF) at the level of bytes, so that it works in
// every encoding the agencies use: the separator, quotes, line ends and identifiers are
// ASCII in Windows-1252, ISO-8859-1 and UTF-8 alike, and no byte of a multi-byte UTF-8
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
	pos := 0
	if bytes.HasPrefix(body, utf8BOM) {
		pos = len(utf8BOM)
	}
	sep := separator(body[pos:])
	var header map[string]int
	var dropped []row
	var cuts [][2]int
	for line := 1; pos < len(body); {
		start, startLine := pos, line
		end, next, n := recordEnd(body, pos, sep)
		pos, line = next, line+n
		rec := body[start:end]
		if len(rec) == 0 {
			continue
		}
		fields := splitCSV(rec, sep)
		if header == nil {
			header = map[string]int{}
			for i, h := range fields {
				header[h] = i
			}
			continue
		}
		field := func(name string) string {
			if i, ok := header[name]; ok && name != "" && i < len(fields) {
				return fields[i]
			}
			return ""
		}
		x := row{line: startLine, start: start, end: end, values: fields, raw: rec, data: true,
			kunde: field(l.kunde.raw), azr: field(l.azr.raw), bg: field(l.bg.raw), id: field(l.id.raw)}
		x.name = nameOf(l.name, field)
		if drop(&x) {
			x.values, x.raw = nil, nil
			dropped = append(dropped, x)
			cuts = append(cuts, [2]int{start, end})
		}
	}
	if len(cuts) == 0 {
		return nil, nil, nil
	}
	out, err := back(blank(body, cuts))
	return out, dropped, err
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

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

// separator is `;` unless the first line holds none but a `,` or a tab.
func separator(b []byte) byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	for _, c := range []byte{';', ',', '\t'} {
		if bytes.IndexByte(b, c) >= 0 {
			return c
		}
	}
	return ';'
}

// recordEnd finds the end of the record at i (before its line end), where the next one
// starts, and how many line ends it spans. A '"' opens a quoted field only at the start
// of a field, as the reader has it; inside one a line end is data.
func recordEnd(b []byte, i int, sep byte) (end, next, lines int) {
	inQuotes, closed, fieldStart := false, false, true
	for j := i; j < len(b); j++ {
		c := b[j]
		switch {
		case inQuotes:
			if c == '"' {
				inQuotes, closed = false, true
			} else if c == '\n' {
				lines++
			}
		case c == '"' && (fieldStart || closed):
			inQuotes, closed, fieldStart = true, false, false
		case c == '\n':
			end = j
			if end > i && b[end-1] == '\r' {
				end--
			}
			return end, j + 1, lines + 1
		default:
			closed, fieldStart = false, c == sep
		}
	}
	return len(b), len(b), lines
}

// splitCSV cuts a record into trimmed fields, unquoting quoted ones. It never fails: a
// malformed record still shows what it holds.
func splitCSV(rec []byte, sep byte) []string {
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
		out = append(out, strings.TrimSpace(string(field)))
		if i >= len(rec) {
			return out
		}
		i++ // the separator
		if i == len(rec) {
			return append(out, "")
		}
	}
}

// blank replaces each span with the line ends it holds (CRLF or LF as they were).
func blank(b []byte, cuts [][2]int) []byte {
	out := make([]byte, 0, len(b))
	last := 0
	for _, c := range cuts {
		out = append(out, b[last:c[0]]...)
		for j := c[0]; j < c[1]; j++ {
			if b[j] == '\n' {
				if j > c[0] && b[j-1] == '\r' {
					out = append(out, '\r')
				}
				out = append(out, '\n')
			}
		}
		last = c[1]
	}
	return append(out, b[last:]...)
}

// fromUTF16 returns a file that starts with a UTF-16 byte-order mark as UTF-8, and the
// way back; other files as they are.
func fromUTF16(data []byte) ([]byte, func([]byte) ([]byte, error), error) {
	same := func(b []byte) ([]byte, error) { return b, nil }
	var order unicode.Endianness
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		order = unicode.LittleEndian
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		order = unicode.BigEndian
	default:
		return data, same, nil
	}
	enc := unicode.UTF16(order, unicode.ExpectBOM)
	text, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return nil, nil, err
	}
	back := func(b []byte) ([]byte, error) { return unicode.UTF16(order, unicode.UseBOM).NewEncoder().Bytes(b) }
	if again, err := back(text); err != nil || !bytes.Equal(again, data) {
		return nil, nil, errUTF16
	}
	return text, back, nil
}

var errUTF16 = errors.New("UTF-16 file that does not survive transcoding (unpaired surrogates?): not rewritten")
