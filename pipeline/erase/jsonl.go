package erase

import (
	"bytes"
	"encoding/json"
	"strings"
)

// scrubJSONL removes lines of a JSON Lines file. A line is read as an object of
// scalars; one that is not (a line cut off) still counts by the number it mentions. A
// removed line leaves its line end behind, so that the other lines keep their numbers.
func scrubJSONL(data []byte, l links, drop func(*row) bool) ([]byte, []row, error) {
	var dropped []row
	var cuts [][2]int
	for pos, line := 0, 1; pos < len(data); line++ {
		start := pos
		end := bytes.IndexByte(data[pos:], '\n')
		if end < 0 {
			end, pos = len(data), len(data)
		} else {
			end, pos = pos+end, pos+end+1
		}
		rec := bytes.TrimRight(data[start:end], "\r")
		text := rec
		if line == 1 {
			text = bytes.TrimPrefix(text, utf8BOM)
		}
		if len(bytes.TrimSpace(text)) == 0 {
			continue
		}
		x := row{line: line, start: start, end: start + len(rec), raw: rec, data: true}
		var obj map[string]json.RawMessage
		if json.Unmarshal(text, &obj) == nil {
			field := func(name string) string { return scalar(obj[name]) }
			for _, v := range obj {
				x.values = append(x.values, scalar(v))
			}
			x.kunde, x.azr, x.bg, x.id = field(l.kunde.raw), field(l.azr.raw), field(l.bg.raw), field(l.id.raw)
			x.name = nameOf(l.name, field)
		}
		if drop(&x) {
			if line == 1 && bytes.HasPrefix(rec, utf8BOM) {
				x.start += len(utf8BOM) // the file's byte-order mark stays
			}
			x.values, x.raw = nil, nil
			dropped = append(dropped, x)
			cuts = append(cuts, [2]int{x.start, x.end})
		}
	}
	if len(cuts) == 0 {
		return nil, nil, nil
	}
	return blank(data, cuts), dropped, nil
}

// scalar returns a JSON scalar as text: a string unquoted, anything else as written,
// null as "".
func scalar(v json.RawMessage) string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || string(v) == "null" {
		return ""
	}
	if v[0] == '"' {
		var s string
		if json.Unmarshal(v, &s) == nil {
			return strings.TrimSpace(s)
		}
	}
	return string(v)
}
