package read

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// The fast path of the XLSX reader (issue 18): the workbook's structure (its sheets,
// where each sheet's part is, date1904) is still excelize's, read from a copy of the
// archive without the worksheets' and the shared strings' content; the data sheet and
// the shared strings are read by ooxmlScanner, and fastRows walks the rows exactly as
// excelize's row iterator does (the same row numbers for rows without or with gapped,
// repeated or falling numbers, the same columns for cells with and without references).
// Where a part leaves the scanner's subset, the reader hands the workbook over to
// excelize (xlsxReader.handOver).

// maxFastSharedStrings bounds the shared strings part the fast path holds in memory
// (unpacked, markup included); a larger table is left to excelize, which keeps it in a
// temporary file. An export's table is a fraction of this.
const maxFastSharedStrings = 32 << 20

// fastBook is a workbook read on the fast path.
type fastBook struct {
	zr    *zip.ReadCloser
	meta  *excelize.File       // the archive without the worksheets' and shared strings' content
	parts map[string]*zip.File // the worksheets, by the marker their stand-in in meta holds
	sst   []string
	fail  error // why the fast path gave up (an *errFallback, or a read error); a *FileError ends the reading
	left  int64 // bytes the worksheets may still unpack (checkedPart)
}

// openFastBook opens the workbook at path for the fast path; an error means it is not
// for the fast path (excelize reads it, and reports what is wrong with it).
func openFastBook(path string, opt XLSXOptions) (*fastBook, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, err
	}
	b := &fastBook{zr: zr, parts: map[string]*zip.File{}, left: unzipLimit}
	if err := b.open(opt); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

func (b *fastBook) open(opt XLSXOptions) error {
	var total int64
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	var sst *zip.File
	for i, f := range b.zr.File {
		// excelize refuses an archive by the sizes its directory states.
		size := f.FileInfo().Size()
		if total += size; size < 0 || size > unzipLimit || total > unzipLimit {
			return fallback("sizes")
		}
		lower := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
		switch {
		case lower == sharedStringsPart:
			if sst != nil {
				return fallback("two shared strings parts")
			}
			sst = f
		case strings.HasPrefix(lower, "xl/worksheets/sheet") && !f.FileInfo().IsDir():
			// A stand-in that names the part: excelize, reading it, says which part it
			// resolved a sheet's name to.
			marker := strconv.Itoa(i)
			b.parts[marker] = f
			w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Store})
			if err != nil {
				return err
			}
			fmt.Fprintf(w, `<worksheet><sheetData><row><c t="inlineStr"><is><t>%s</t></is></c></row></sheetData></worksheet>`, marker)
		default:
			fh := f.FileHeader
			w, err := zw.CreateRaw(&fh)
			if err != nil {
				return err
			}
			rc, err := f.OpenRaw()
			if err != nil {
				return err
			}
			if _, err := io.Copy(w, rc); err != nil {
				return err
			}
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	meta, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()), excelize.Options{UnzipSizeLimit: unzipLimit, UnzipXMLSizeLimit: xlsxPartInMemory, TmpDir: opt.TmpDir})
	if err != nil {
		if meta != nil {
			meta.Close()
		}
		return err
	}
	b.meta = meta
	if sst != nil {
		if b.sst, err = readSharedStrings(sst); err != nil {
			return err
		}
	}
	return nil
}

func (b *fastBook) Close() error {
	var err error
	if b.meta != nil {
		err = b.meta.Close()
	}
	b.zr.Close()
	return err
}

func (b *fastBook) workbookProps() (excelize.WorkbookPropsOptions, error) {
	return b.meta.GetWorkbookProps()
}

func (b *fastBook) hasSheet(name string) bool {
	idx, err := b.meta.GetSheetIndex(name)
	return err == nil && idx >= 0
}

func (b *fastBook) failed() error { return b.fail }

// rows opens a sheet: excelize resolves its name to the stand-in, whose text names the part.
func (b *fastBook) rows(name string) (rowIter, error) {
	stand, err := b.meta.Rows(name)
	if err != nil {
		return nil, err
	}
	var marker []string
	if stand.Next() {
		marker, _ = stand.Columns()
	}
	stand.Close()
	if len(marker) != 1 || b.parts[marker[0]] == nil {
		b.fail = fallback("the sheet's part")
		return emptyRows{}, nil
	}
	f := b.parts[marker[0]]
	rc, err := f.Open()
	if err != nil {
		b.fail = err
		return emptyRows{}, nil
	}
	return &fastRows{book: b, rc: rc, sc: newOOXMLScanner(newCheckedPart(rc, f.Name, &b.left), false)}, nil
}

// readSharedStrings reads the shared strings part: each item's text as excelize gives it.
func readSharedStrings(f *zip.File) ([]string, error) {
	if f.UncompressedSize64 > maxFastSharedStrings {
		return nil, fallback("a large shared strings table")
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var r io.Reader = rc
	if f.UncompressedSize64 <= xlsxPartInMemory {
		// excelize decodes a small table whole, after rewriting the Strict namespaces
		// (a byte replacement that would reach into the text).
		b, err := io.ReadAll(io.LimitReader(rc, xlsxPartInMemory+1))
		if err != nil {
			return nil, err
		}
		if len(b) == 0 {
			return nil, nil
		}
		if bytes.Contains(b, []byte("purl.oclc.org")) {
			return nil, fallback("Strict namespaces in the shared strings")
		}
		r = bytes.NewReader(b)
	}
	sc := newOOXMLScanner(r, true)
	var out []string
	for {
		ev, err := sc.next()
		if err != nil {
			return nil, err
		}
		switch ev {
		case evEOF:
			return out, nil
		case evSharedStr:
			if len(out) >= maxSharedStrings {
				return nil, fallback("too many shared strings")
			}
			out = append(out, stringItem(&sc.str))
		}
	}
}

// stringItem is the text of a string item as excelize's xlsxSI.String gives it: the
// item's <t>, then its runs' <t>, with the _xHHHH_ escapes resolved.
func stringItem(c *scannedCell) string {
	if len(c.runs) == 0 {
		return bstrDecode(string(c.isT))
	}
	return bstrDecode(string(c.isT) + string(c.runs))
}

// appendStringItem appends the text of a string item, as stringItem gives it.
func appendStringItem(dst []byte, c *scannedCell) []byte {
	start := len(dst)
	dst = append(append(dst, c.isT...), c.runs...)
	return dst[:start+bstrDecodeInPlace(dst[start:])]
}

// bstrDecodeInPlace is bstrDecode on b, written over b (the text never grows): the
// length of the result.
func bstrDecodeInPlace(b []byte) int {
	i := bytes.Index(b, []byte("_x"))
	if i < 0 {
		return len(b)
	}
	w := i
	for i < len(b) {
		if i+7 <= len(b) && b[i] == '_' && b[i+1] == 'x' && b[i+6] == '_' && isHex4(string(b[i+2:i+6])) {
			n, _ := strconv.ParseUint(string(b[i+2:i+6]), 16, 32)
			if r := rune(n); utf8.ValidRune(r) {
				w += utf8.EncodeRune(b[w:], r) // at most 4 bytes where 7 were read
			}
			i += 7
			continue
		}
		b[w] = b[i]
		w++
		i++
	}
	return w
}

// bstrDecode resolves the escapes ECMA-376 writes characters XML cannot hold in
// (_x000D_; _x005F_ is an underscore), as excelize does: each _xHHHH_ from the left,
// not overlapping, becomes its character, or nothing where it is no character.
func bstrDecode(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var out strings.Builder
	for i := 0; i < len(s); {
		if i+7 <= len(s) && s[i] == '_' && s[i+1] == 'x' && s[i+6] == '_' && isHex4(s[i+2:i+6]) {
			n, _ := strconv.ParseUint(s[i+2:i+6], 16, 32)
			if s[i+2:i+6] == "005F" {
				out.WriteByte('_')
			} else if r := rune(n); utf8.ValidRune(r) {
				out.WriteRune(r)
			}
			i += 7
			continue
		}
		out.WriteByte(s[i])
		i++
	}
	return out.String()
}

func isHex4(s string) bool {
	for i := 0; i < 4; i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// emptyRows is a sheet with no rows (the fast path has given up on it).
type emptyRows struct{}

func (emptyRows) Next() bool                 { return false }
func (emptyRows) Columns() ([]string, error) { return nil, nil }
func (emptyRows) Error() error               { return nil }
func (emptyRows) Close() error               { return nil }

// fastRows walks a worksheet's rows as excelize's Rows does (rows.go, v2.11.1): Next
// counts a row on each call and reads on to the next row element only once the count
// has reached the last number read; Columns gathers the cells up to the next row
// element, which it leaves for Next where its number lies ahead, and otherwise takes
// into the same row.
type fastRows struct {
	book            *fastBook
	rc              io.ReadCloser
	sc              *ooxmlScanner
	curRow, seekRow int
	pending         bool // a row element read and not yet taken (excelize's rows.token)
	pendR           []byte
	pendHasR        bool
	err             error // excelize.ErrMaxRows
	// the row Columns gathers: cells is handed out again by the next call; the values
	// not taken from the shared strings are written to text and become one string
	// when the row is complete (spans: where each is).
	cells []string
	text  []byte
	spans []cellSpan
}

// cellSpan is a cell's value in fastRows.text.
type cellSpan struct{ cell, start, end int }

func (r *fastRows) Close() error { return r.rc.Close() }
func (r *fastRows) Error() error { return r.err }

// event reads the next event; a fast-path failure is recorded and ends the sheet.
func (r *fastRows) event() int {
	if r.book.fail != nil {
		return evEOF
	}
	ev, err := r.sc.next()
	if err != nil {
		r.book.fail = err
		return evEOF
	}
	return ev
}

// rowNumber is excelize's attrValToInt for a row's r.
func rowNumber(v []byte, has bool) (int, error) {
	if !has {
		return 0, nil
	}
	return strconv.Atoi(string(v))
}

func (r *fastRows) Next() bool {
	if r.err != nil || r.book.fail != nil {
		return false
	}
	r.seekRow++
	if r.curRow >= r.seekRow {
		return true
	}
	for {
		switch r.event() {
		case evEOF, evSheetEnd:
			return false
		case evRow:
			r.curRow++
			n, _ := rowNumber(r.sc.rowR, r.sc.hasRowR)
			if n > excelize.TotalRows {
				r.err = excelize.ErrMaxRows
				return false
			}
			if n != 0 {
				r.curRow = n
			}
			r.pending, r.pendR, r.pendHasR = true, append(r.pendR[:0], r.sc.rowR...), r.sc.hasRowR
			return true
		}
	}
}

// Columns returns the row's values; the list is valid until the next call (its
// strings stay valid).
func (r *fastRows) Columns() ([]string, error) {
	if r.curRow > r.seekRow {
		return nil, nil
	}
	r.cells, r.text, r.spans = r.cells[:0], r.text[:0], r.spans[:0]
	col := 0
	for {
		ev, fromPending := evRow, r.pending
		if !fromPending {
			ev = r.event()
		}
		switch ev {
		case evEOF, evSheetEnd:
			return r.row(), nil
		case evRow:
			v, has := r.sc.rowR, r.sc.hasRowR
			if fromPending {
				v, has = r.pendR, r.pendHasR
			}
			n, err := rowNumber(v, has)
			switch {
			case n > excelize.TotalRows:
				r.err, r.pending = excelize.ErrMaxRows, false
				return r.row(), r.err
			case n != 0:
				r.curRow = n
			case !fromPending:
				r.curRow++
			}
			r.pending = false
			if r.curRow > r.seekRow || err != nil {
				return r.row(), err
			}
		case evCell:
			c := &r.sc.cell
			col++
			if len(c.r) != 0 {
				var err error
				if col, err = cellColumn(c.r); err != nil {
					return r.row(), err
				}
			}
			start := len(r.text)
			val := r.value(c)
			if val != "" || len(r.text) > start || c.hasF {
				for i := len(r.cells) + 1; i < col; i++ {
					r.cells = append(r.cells, "")
				}
				if len(r.text) > start {
					r.spans = append(r.spans, cellSpan{len(r.cells), start, len(r.text)})
				}
				r.cells = append(r.cells, val)
			}
		}
	}
}

// row is the row gathered: nil for a row without values, as excelize's; the values
// written to r.text are cut from one string.
func (r *fastRows) row() []string {
	if len(r.cells) == 0 {
		return nil
	}
	if len(r.spans) > 0 {
		s := string(r.text)
		for _, sp := range r.spans {
			r.cells[sp.cell] = s[sp.start:sp.end]
		}
	}
	return r.cells
}

// value is a cell's raw value as excelize returns it (xlsxC.getValueFrom with
// RawCellValue): a shared string's or an inline string's text, else <v> as written. A
// shared string's is returned; any other is appended to r.text (and "" returned). A
// shared string index outside the table is excelize's error, which its row iterator
// drops: the cell is empty.
func (r *fastRows) value(c *scannedCell) string {
	switch string(c.t) {
	case "s":
		if len(c.v) == 0 {
			return ""
		}
		idx, _ := strconv.Atoi(string(bytes.TrimSpace(c.v)))
		if idx < 0 || idx >= len(r.book.sst) {
			return ""
		}
		return r.book.sst[idx]
	case "inlineStr":
		if c.hasIS {
			r.text = appendStringItem(r.text, c)
			return ""
		}
	}
	r.text = append(r.text, c.v...)
	return ""
}

// cellColumn is the column of a cell reference, as excelize.CellNameToCoordinates
// gives it (which is asked where the reference is not a plain A1).
func cellColumn(ref []byte) (int, error) {
	i, col := 0, 0
	for i < len(ref) && i < 3 && ref[i] >= 'A' && ref[i] <= 'Z' {
		col = col*26 + int(ref[i]-'A'+1)
		i++
	}
	row := 0
	j := i
	for j < len(ref) && j-i < 7 && ref[j] >= '0' && ref[j] <= '9' {
		row = row*10 + int(ref[j]-'0')
		j++
	}
	if i > 0 && j > i && j == len(ref) && ref[i] != '0' && col <= excelize.MaxColumns && row <= excelize.TotalRows {
		return col, nil
	}
	col, _, err := excelize.CellNameToCoordinates(string(ref))
	return col, err
}
