package read

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"unicode/utf8"
)

// jsonlReader reads one JSON object per line (UTF-8). A line that is not a JSON object
// is a RowError (a cut-off last line among them); blank lines are skipped. Values are
// returned as text: strings unquoted, numbers and booleans as written, null as "".
type jsonlReader struct {
	jsonlLines
	closer io.Closer
	fields []string
	index  map[string]int
	extra  map[string]bool
	known  int // objects that held one of fields
}

// NewJSONL returns a reader over the objects' fields.
func NewJSONL(r io.Reader, fields []string) (Reader, error) {
	j := &jsonlReader{jsonlLines: jsonlLines{br: bufio.NewReaderSize(r, 1<<20)}, fields: fields, index: map[string]int{}, extra: map[string]bool{}}
	if cl, ok := r.(io.Closer); ok {
		j.closer = cl
	}
	for i, f := range fields {
		j.index[f] = i
	}
	return j, nil
}

func (j *jsonlReader) Columns() []string { return j.fields }

func (j *jsonlReader) Matched() int { return j.known }

func (j *jsonlReader) Extra() []string {
	var out []string
	for k := range j.extra {
		out = append(out, k)
	}
	return sortStrings(out)
}

func (j *jsonlReader) Close() error {
	if j.closer != nil {
		return j.closer.Close()
	}
	return nil
}

func (j *jsonlReader) Next() (*Row, error) {
	for {
		line, _, err := j.next()
		if err != nil {
			return nil, err
		}
		if !utf8.Valid(line) {
			return nil, &FileError{Line: j.line, Reason: "Bytes, die in UTF-8 ungültig sind"}
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if j.line == 1 && bytes.HasPrefix(line, utf8BOM) {
			line = line[3:]
		}
		return j.object(line)
	}
}

// maxJSONKeys bounds the members of one object: a line of 60 MB of "k":0 would be a map
// of millions of entries.
const maxJSONKeys = 1000

// tooManyKeys reports whether an object's line has more than maxJSONKeys members at its
// top level (a ':' outside strings at depth 1), before it is decoded into a map.
func tooManyKeys(line []byte) bool {
	depth, n := 0, 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '"':
			for i++; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '\\' {
					i++
				}
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		case ':':
			if depth == 1 {
				if n++; n > maxJSONKeys {
					return true
				}
			}
		}
	}
	return false
}

func (j *jsonlReader) object(line []byte) (*Row, error) {
	if tooManyKeys(line) {
		return nil, &RowError{Line: j.line, Reason: fmt.Sprintf("JSON-Objekt mit mehr als %s Feldern: so viele hat keine Lieferung", germanInt(maxJSONKeys))}
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(line, &obj); err != nil || obj == nil { // obj == nil: the line is null
		reason := "kein JSON-Objekt"
		if err != nil && err.Error() == "unexpected end of JSON input" {
			reason = "Zeile abgeschnitten: JSON-Objekt unvollständig"
		}
		return nil, &RowError{Line: j.line, Reason: reason}
	}
	r := &Row{Line: j.line, Fields: make([]string, len(j.fields))}
	matched := false
	for k, v := range obj {
		i, ok := j.index[k]
		if !ok {
			addExtra(j.extra, k)
			continue
		}
		if !matched {
			matched = true
			j.known++
		}
		s, err := scalar(v)
		if err != nil {
			return nil, &RowError{Line: j.line, Column: k, Reason: err.Error()}
		}
		r.Fields[i] = s
	}
	return r, nil
}

// scalar returns a JSON scalar as text.
func scalar(v json.RawMessage) (string, error) {
	v = bytes.TrimSpace(v)
	switch {
	case len(v) == 0 || string(v) == "null":
		return "", nil
	case v[0] == '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return "", fmt.Errorf("Zeichenkette nicht lesbar")
		}
		return s, nil
	case v[0] == '{' || v[0] == '[':
		return "", fmt.Errorf("Objekt oder Liste statt eines Werts")
	}
	return string(v), nil
}

func sortStrings(s []string) []string { sort.Strings(s); return s }
