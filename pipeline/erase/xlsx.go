package erase

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strings"
)

// scrubXLSX removes rows from a workbook at the level of its parts, not through a
// spreadsheet library, which would rewrite every part and keep the removed values in the
// shared-string table: a removed row becomes an empty row element with its number (the
// other rows keep theirs, and so their findings), every shared string no remaining cell
// uses becomes an empty string (the indexes of the others stay), and every other part of
// the archive is copied as it was, compressed bytes and all. In the data sheet (and its
// continuation sheets, "Teilnahmen (2)", ...) the header names the columns; in any other
// sheet a row holding the number goes too.
func scrubXLSX(data []byte, sheet string, l links, drop func(*row) bool) ([]byte, []row, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, nil, fmt.Errorf("not a workbook: %w", err)
	}
	w := &workbook{files: map[string]*zip.File{}}
	for _, f := range zr.File {
		w.files[f.Name] = f
	}
	sheets, sstPath, err := w.sheets()
	if err != nil {
		return nil, nil, err
	}
	var sst *sharedStrings
	if sstPath != "" {
		if sst, err = w.sharedStrings(sstPath); err != nil {
			return nil, nil, err
		}
	}
	keep := map[int]bool{} // shared strings that cells of kept rows use
	changed := map[string][]byte{}
	var dropped []row
	offset := 0 // rows of the data sheets before this one, as the reader counts them
	for _, s := range orderSheets(sheets, sheet) {
		b, err := w.read(s.part)
		if err != nil {
			return nil, nil, err
		}
		ws, err := parseSheet(b, sst)
		if err != nil {
			return nil, nil, fmt.Errorf("sheet %q: %w", s.name, err)
		}
		isData := s.name == sheet || strings.HasPrefix(s.name, sheet+" (")
		var header map[string]int
		var cuts []sheetCut
		for _, rw := range ws.rows {
			x := row{line: rw.num, part: s.part, start: rw.start, end: rw.end, values: rw.values, data: isData}
			x.raw = []byte(strings.Join(rw.values, "\n"))
			if isData {
				x.line += offset
				if rw.num == 1 {
					header = map[string]int{}
					for i, v := range rw.values {
						header[v] = i
					}
				}
				field := func(name string) string {
					if i, ok := header[name]; ok && name != "" && i < len(rw.values) {
						return rw.values[i]
					}
					return ""
				}
				x.kunde, x.azr, x.bg, x.id = field(l.kunde.raw), field(l.azr.raw), field(l.bg.raw), field(l.id.raw)
				x.name = nameOf(l.name, field)
			}
			if !(isData && rw.num == 1) && drop(&x) {
				x.values, x.raw = nil, nil
				dropped = append(dropped, x)
				cuts = append(cuts, sheetCut{rw.start, rw.end, rw.empty})
			} else {
				for _, i := range rw.shared {
					keep[i] = true
				}
			}
		}
		if isData {
			offset += ws.last
		}
		if len(cuts) > 0 {
			changed[s.part] = cutSheet(b, cuts)
		}
	}
	if len(dropped) == 0 {
		return nil, nil, nil
	}
	if sst != nil {
		if b := sst.blank(keep); b != nil {
			changed[sstPath] = b
		}
	}
	out, err := rezip(zr, changed)
	return out, dropped, err
}

type workbook struct{ files map[string]*zip.File }

type sheetRef struct{ name, part string }

// read returns a part's bytes (at most 2 GiB unpacked, as the reader allows).
func (w *workbook) read(name string) ([]byte, error) {
	f := w.files[name]
	if f == nil {
		return nil, fmt.Errorf("part %s missing", name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, 2<<30))
}

// rels reads a part's relationships: id -> (type, resolved target).
func (w *workbook) rels(part string) (map[string][2]string, error) {
	out := map[string][2]string{}
	b, err := w.read(path.Join(path.Dir(part), "_rels", path.Base(part)+".rels"))
	if err != nil {
		return out, nil // no relationships
	}
	err = elements(b, func(e xml.StartElement) {
		if e.Name.Local == "Relationship" {
			t := attr(e, "Target")
			if strings.HasPrefix(t, "/") {
				t = t[1:]
			} else {
				t = path.Join(path.Dir(part), t)
			}
			out[attr(e, "Id")] = [2]string{attr(e, "Type"), t}
		}
	})
	return out, err
}

// sheets lists the workbook's sheets in order, and where its shared strings are.
func (w *workbook) sheets() ([]sheetRef, string, error) {
	root, err := w.rels("")
	if err != nil {
		return nil, "", err
	}
	wb := "xl/workbook.xml"
	for _, r := range root {
		if strings.HasSuffix(r[0], "/officeDocument") {
			wb = r[1]
		}
	}
	rels, err := w.rels(wb)
	if err != nil {
		return nil, "", err
	}
	b, err := w.read(wb)
	if err != nil {
		return nil, "", err
	}
	var out []sheetRef
	err = elements(b, func(e xml.StartElement) {
		if e.Name.Local == "sheet" {
			if r, ok := rels[attr(e, "id")]; ok {
				out = append(out, sheetRef{attr(e, "name"), r[1]})
			}
		}
	})
	sst := ""
	for _, r := range rels {
		if strings.HasSuffix(r[0], "/sharedStrings") {
			sst = r[1]
		}
	}
	return out, sst, err
}

// orderSheets puts the data sheet and its continuation sheets first, in the reader's
// order, then the others in the workbook's.
func orderSheets(sheets []sheetRef, data string) []sheetRef {
	var out []sheetRef
	used := map[string]bool{}
	for n := 1; ; n++ {
		name := data
		if n > 1 {
			name = fmt.Sprintf("%s (%d)", data, n)
		}
		found := false
		for _, s := range sheets {
			if s.name == name {
				out, used[name], found = append(out, s), true, true
			}
		}
		if !found {
			break
		}
	}
	for _, s := range sheets {
		if !used[s.name] {
			out = append(out, s)
		}
	}
	return out
}

// elements calls fn for every start element of a document.
func elements(b []byte, fn func(xml.StartElement)) error {
	dec := xml.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if e, ok := tok.(xml.StartElement); ok {
			fn(e)
		}
	}
}

func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// column returns the 0-based column of a cell reference such as "AB12".
func column(ref string) int {
	n := 0
	for _, c := range ref {
		if c < 'A' || c > 'Z' {
			break
		}
		n = n*26 + int(c-'A'+1)
	}
	return n - 1
}

type sheetCut struct {
	start, end int
	with       string
}

func cutSheet(b []byte, cuts []sheetCut) []byte {
	var out bytes.Buffer
	last := 0
	for _, c := range cuts {
		out.Write(b[last:c.start])
		out.WriteString(c.with)
		last = c.end
	}
	out.Write(b[last:])
	return out.Bytes()
}

// rezip writes the archive again: changed parts anew, every other part copied as it was.
func rezip(zr *zip.Reader, changed map[string][]byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		b, ok := changed[f.Name]
		if !ok {
			if err := zw.Copy(f); err != nil {
				return nil, err
			}
			continue
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: f.Method, Modified: f.Modified, Comment: f.Comment})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(b); err != nil {
			return nil, err
		}
	}
	if err := zw.SetComment(zr.Comment); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// blank empties every string no kept cell uses; nil if none changed.
func (s *sharedStrings) blank(keep map[int]bool) []byte {
	var cuts []sheetCut
	for i, t := range s.text {
		if !keep[i] && t != "" {
			cuts = append(cuts, sheetCut{s.spans[i][0], s.spans[i][1], s.empty})
		}
	}
	if len(cuts) == 0 {
		return nil
	}
	return cutSheet(s.b, cuts)
}
