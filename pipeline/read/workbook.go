package read

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strings"
)

// Workbook is an XLSX archive read at the level of its parts: the scanner of the
// workbook format under the worksheet scanner (ScanSheet), for erase, which cuts rows
// out of the parts it reads.
type Workbook struct {
	zr    *zip.Reader
	files map[string]*zip.File
}

// OpenWorkbook opens the archive in data.
func OpenWorkbook(data []byte) (*Workbook, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("not a workbook: %w", err)
	}
	w := &Workbook{zr: zr, files: map[string]*zip.File{}}
	for _, f := range zr.File {
		w.files[f.Name] = f
	}
	return w, nil
}

// Archive is the workbook's ZIP archive.
func (w *Workbook) Archive() *zip.Reader { return w.zr }

// SheetRef is a sheet of a workbook: its name and its worksheet part.
type SheetRef struct{ Name, Part string }

// Part returns a part's bytes (at most 2 GiB unpacked, as the reader allows).
func (w *Workbook) Part(name string) ([]byte, error) {
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
func (w *Workbook) rels(part string) (map[string][2]string, error) {
	out := map[string][2]string{}
	b, err := w.Part(path.Join(path.Dir(part), "_rels", path.Base(part)+".rels"))
	if err != nil {
		return out, nil // no relationships
	}
	err = elements(b, func(e xml.StartElement) {
		if e.Name.Local == "Relationship" {
			t := xmlAttr(e, "Target")
			if strings.HasPrefix(t, "/") {
				t = t[1:]
			} else {
				t = path.Join(path.Dir(part), t)
			}
			out[xmlAttr(e, "Id")] = [2]string{xmlAttr(e, "Type"), t}
		}
	})
	return out, err
}

// Sheets lists the workbook's sheets in order, and where its shared strings are ("":
// nowhere).
func (w *Workbook) Sheets() ([]SheetRef, string, error) {
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
	b, err := w.Part(wb)
	if err != nil {
		return nil, "", err
	}
	var out []SheetRef
	err = elements(b, func(e xml.StartElement) {
		if e.Name.Local == "sheet" {
			if r, ok := rels[xmlAttr(e, "id")]; ok {
				out = append(out, SheetRef{xmlAttr(e, "name"), r[1]})
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

// Worksheet is a sheet as EachSheet scans it.
type Worksheet struct {
	SheetRef
	Data  bool   // the data sheet or one of its continuation sheets
	Bytes []byte // the worksheet part
	Sheet        // its rows; in the data sheets, Line counts across them as the reader does
}

// EachSheet scans every sheet of the workbook, in the reader's order: the data sheet
// and its continuation sheets ("NAME (2)", ...) first, then the others in the
// workbook's; sst is the workbook's shared strings (nil: none). In the data sheets a
// row's Line is its number counted across them (row 2 of "NAME (2)" follows the last
// row of "NAME"), as the reader reports it. It stops at fn's first error.
func (w *Workbook) EachSheet(sheets []SheetRef, data string, sst *SharedStrings, fn func(*Worksheet) error) error {
	offset := 0 // rows of the data sheets before this one
	for _, s := range orderSheets(sheets, data) {
		b, err := w.Part(s.Part)
		if err != nil {
			return err
		}
		ws, err := ScanSheet(b, sst)
		if err != nil {
			return fmt.Errorf("sheet %q: %w", s.Name, err)
		}
		isData := s.Name == data || strings.HasPrefix(s.Name, data+" (")
		if isData {
			for i := range ws.Rows {
				ws.Rows[i].Line += offset
			}
			offset += ws.Last
		}
		if err := fn(&Worksheet{SheetRef: s, Data: isData, Bytes: b, Sheet: *ws}); err != nil {
			return err
		}
	}
	return nil
}

// orderSheets puts the data sheet and its continuation sheets first, in the reader's
// order, then the others in the workbook's.
func orderSheets(sheets []SheetRef, data string) []SheetRef {
	var out []SheetRef
	used := map[string]bool{}
	for n := 1; ; n++ {
		name := data
		if n > 1 {
			name = fmt.Sprintf("%s (%d)", data, n)
		}
		found := false
		for _, s := range sheets {
			if s.Name == name {
				out, used[name], found = append(out, s), true, true
			}
		}
		if !found {
			break
		}
	}
	for _, s := range sheets {
		if !used[s.Name] {
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

func xmlAttr(e xml.StartElement, local string) string {
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
