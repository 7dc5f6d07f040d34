package read

import (
	"archive/zip"
	"compress/flate"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// maxExcelSerial is the day after Excel's last date, 31.12.9999.
const maxExcelSerial = 2958466

// maxDateCache bounds xlsxReader.dates: 4,096 days, some eleven years of dates.
const maxDateCache = 4096

// XLSXOptions describe the sheet to read.
type XLSXOptions struct {
	Sheet       string   // the data sheet; others are ignored
	DateColumns []string // columns whose Excel dates are returned as TT.MM.JJJJ
	// TmpDir is where the worksheets and shared strings larger than 1 MiB are unpacked
	// while the workbook is read (default: the system's temporary folder). Their text
	// is the agency's, personal data among it: the ingest gives a folder of its own.
	TmpDir string
}

// xlsxReader streams the rows of one sheet. Header in row 1; rows without any value
// (trailing empty rows) are skipped. In date columns an Excel date (a serial number) is
// returned as TT.MM.JJJJ and a date typed as text is returned as it is, with a note.
type xlsxReader struct {
	book     sheetBook
	rows     rowIter
	header   []string
	isDate   []bool
	row      int // row in the current sheet
	date1904 bool
	sheet    string // the data sheet's name
	part     int    // 0: the data sheet; n: its continuation sheet "NAME (n+1)"
	offset   int    // rows of the sheets before the current one
	// dates holds the dates converted so far, by the serial as written: an export's
	// dates repeat, and the conversion was a tenth of the reader's time.
	dates map[string]string
	// the fast path (xlsxfast.go): where it gives up, the workbook is handed over to
	// excelize, which reads it from the start; calls is how many of its results to skip.
	path  string
	opt   XLSXOptions
	calls int
	slow  *xlsxReader
	slab  []string // fields for the next rows (fields)
}

// rowIter is a sheet's rows: excelize's row iterator, or fastRows, which walks them the
// same way.
type rowIter interface {
	Next() bool
	Columns() ([]string, error) // the list is valid until the next call, its strings for good
	Error() error
	Close() error
}

// sheetBook is a workbook: excelize's, or the fast path's.
type sheetBook interface {
	workbookProps() (excelize.WorkbookPropsOptions, error)
	hasSheet(name string) bool
	rows(name string) (rowIter, error)
	failed() error // the fast path gave up (nil for excelize)
	Close() error
}

// excelizeBook is a workbook read by excelize alone.
type excelizeBook struct{ f *excelize.File }

func (b excelizeBook) workbookProps() (excelize.WorkbookPropsOptions, error) {
	return b.f.GetWorkbookProps()
}

func (b excelizeBook) hasSheet(name string) bool {
	idx, err := b.f.GetSheetIndex(name)
	return err == nil && idx >= 0
}

func (b excelizeBook) rows(name string) (rowIter, error) {
	rows, err := b.f.Rows(name)
	if err != nil {
		return nil, err
	}
	return excelizeRows{rows}, nil
}

func (b excelizeBook) failed() error { return nil }
func (b excelizeBook) Close() error  { return b.f.Close() }

// excelizeRows reads raw cell values.
type excelizeRows struct{ *excelize.Rows }

func (r excelizeRows) Columns() ([]string, error) {
	return r.Rows.Columns(excelize.Options{RawCellValue: true})
}

// fields returns room for a row's fields, carved from a block shared by the next rows
// (as the CSV reader's alloc): one allocation for many rows, none handed out twice.
func (x *xlsxReader) fields() []string {
	n := len(x.header)
	if len(x.slab) < n {
		x.slab = make([]string, max(n, 1024))
	}
	out := x.slab[:n:n]
	x.slab = x.slab[n:]
	return out
}

// line is the row's number counted across the data sheet and its continuation sheets:
// row 2 of "Teilnahmen (2)" follows the last row of "Teilnahmen".
func (x *xlsxReader) line() int { return x.offset + x.row }

// continuation opens the next continuation sheet, if the workbook has one: a sheet
// holds at most 1,048,576 rows, and a larger export continues on "NAME (2)", "NAME (3)",
// ..., each with the same header in row 1.
//
// A sheet of that name after a sheet that is not full (its last row is not Excel's
// last, 1,048,576) continues nothing: someone added a second data sheet, or copied the
// first. Its rows are neither read as the export's nor left out unsaid: the file cannot
// be read.
func (x *xlsxReader) continuation() (bool, error) {
	name := fmt.Sprintf("%s (%d)", x.sheet, x.part+2)
	if !x.book.hasSheet(name) {
		return false, nil
	}
	if x.row < excelize.TotalRows {
		prev := x.sheet
		if x.part > 0 {
			prev = fmt.Sprintf("%s (%d)", x.sheet, x.part+1)
		}
		return false, &FileError{Reason: fmt.Sprintf(
			"zweites Datenblatt %q: ein Fortsetzungsblatt folgt nur auf ein volles Blatt (%s Zeilen), %q endet in Zeile %s",
			name, germanInt(excelize.TotalRows), prev, germanInt(x.row))}
	}
	rows, err := x.book.rows(name)
	if err != nil {
		return false, &FileError{Line: x.line(), Reason: "Tabellenblatt " + strconv.Quote(name) + " nicht lesbar (" + excelizeFault(err) + ")", Detail: libraryDetail(err)}
	}
	x.rows.Close()
	x.offset += x.row
	x.rows, x.row, x.part = rows, 0, x.part+1
	if !rows.Next() {
		return true, nil
	}
	x.row = 1
	cells, err := rows.Columns()
	for len(cells) > 0 && strings.TrimSpace(cells[len(cells)-1]) == "" {
		cells = cells[:len(cells)-1]
	}
	if x.book.failed() != nil {
		return false, nil
	}
	if err != nil || strings.Join(cells, "\x00") != strings.Join(x.header, "\x00") {
		return false, &FileError{Line: x.line(), Reason: "Fortsetzungsblatt " + strconv.Quote(name) + " hat eine andere Kopfzeile"}
	}
	return true, nil
}

// OpenXLSX opens the workbook at path and reads the header of opt.Sheet.
func OpenXLSX(path string, opt XLSXOptions) (Reader, error) {
	// The worksheets are checked as the fast path reads them; before a hand-over to
	// excelize, with the rest.
	if err := checkWorkbook(path, false); err != nil {
		return nil, err
	}
	if b, err := openFastBook(path, opt); err == nil {
		x, err := openSheet(b, opt)
		if err == nil && b.fail == nil {
			x.path, x.opt = path, opt
			return x, nil
		}
		if x != nil {
			x.Close()
		}
		var fe *FileError
		if b.fail == nil {
			return nil, err
		} else if errors.As(b.fail, &fe) {
			return nil, fe
		}
	}
	x, err := openExcelize(path, opt)
	if err != nil {
		return nil, err
	}
	return x, nil
}

// openExcelize opens a workbook with excelize alone, once checkWorkbook has passed
// all of it.
func openExcelize(path string, opt XLSXOptions) (*xlsxReader, error) {
	if err := checkWorkbook(path, true); err != nil {
		return nil, err
	}
	f, err := excelize.OpenFile(path, excelize.Options{UnzipSizeLimit: unzipLimit, UnzipXMLSizeLimit: xlsxPartInMemory, TmpDir: opt.TmpDir})
	if err != nil {
		if f != nil {
			f.Close()
		}
		return nil, &FileError{Reason: "keine lesbare Excel-Arbeitsmappe (" + excelizeFault(err) + ")", Detail: libraryDetail(err)}
	}
	x, err := openSheet(excelizeBook{f}, opt)
	if err != nil {
		if x != nil {
			x.Close()
		}
		return nil, err
	}
	return x, nil
}

// openSheet finds the data sheet and reads its header. Where it returns an error, the
// caller closes the reader, or where there is none, openSheet has closed the book.
func openSheet(book sheetBook, opt XLSXOptions) (*xlsxReader, error) {
	x := &xlsxReader{book: book, sheet: opt.Sheet}
	if props, err := book.workbookProps(); err == nil && props.Date1904 != nil {
		x.date1904 = *props.Date1904
	}
	if !book.hasSheet(opt.Sheet) {
		book.Close()
		return nil, &FileError{Reason: "Tabellenblatt " + strconv.Quote(opt.Sheet) + " fehlt"}
	}
	rows, err := book.rows(opt.Sheet)
	if err != nil {
		book.Close()
		return nil, &FileError{Reason: "Tabellenblatt " + strconv.Quote(opt.Sheet) + " nicht lesbar (" + excelizeFault(err) + ")", Detail: libraryDetail(err)}
	}
	x.rows = rows
	if rows.Next() {
		x.row = 1
		cells, err := rows.Columns()
		if err != nil {
			return x, &FileError{Line: 1, Reason: "Kopfzeile nicht lesbar (" + excelizeFault(err) + ")", Detail: libraryDetail(err)}
		}
		for len(cells) > 0 && strings.TrimSpace(cells[len(cells)-1]) == "" {
			cells = cells[:len(cells)-1]
		}
		x.header = slices.Clone(cells) // the fast path hands its list out again
	}
	x.isDate = make([]bool, len(x.header))
	x.dates = map[string]string{}
	for i, h := range x.header {
		h = strings.TrimSpace(h) // as the contract binds it (a trailing space, an NBSP)
		for _, d := range opt.DateColumns {
			if h == d {
				x.isDate[i] = true
			}
		}
	}
	return x, nil
}

func (x *xlsxReader) Columns() []string { return x.header }
func (x *xlsxReader) Extra() []string   { return nil }

func (x *xlsxReader) Close() error {
	if x.slow != nil {
		x.slow.Close()
	}
	if x.rows != nil {
		x.rows.Close()
	}
	return x.book.Close()
}

func (x *xlsxReader) Next() (*Row, error) {
	if x.slow != nil {
		return x.slow.Next()
	}
	row, err := x.next()
	if fail := x.book.failed(); fail != nil {
		var fe *FileError
		if errors.As(fail, &fe) {
			return nil, fe // a limit or a damaged part: no hand-over
		}
		return x.handOver()
	}
	if err == nil || isRowError(err) {
		x.calls++
	}
	return row, err
}

// isRowError reports whether err is a *RowError (apart from Next: the variable
// errors.As is given escapes, an allocation a row where it was declared there).
func isRowError(err error) bool {
	var re *RowError
	return errors.As(err, &re)
}

// handOver gives the workbook to excelize where the fast path gave up: it reads it from
// the start and skips the results the fast path has given.
func (x *xlsxReader) handOver() (*Row, error) {
	if x.rows != nil {
		x.rows.Close()
		x.rows = nil
	}
	slow, err := openExcelize(x.path, x.opt)
	if err != nil {
		return nil, err
	}
	x.slow = slow
	for range x.calls {
		if _, err := slow.Next(); err != nil {
			var re *RowError
			if !errors.As(err, &re) {
				return nil, err
			}
		}
	}
	return slow.Next()
}

func (x *xlsxReader) next() (*Row, error) {
	if x.rows == nil {
		return nil, nil // a hand-over that failed: handOver tries again
	}
	for x.rows.Next() {
		x.row++
		cells, err := x.rows.Columns()
		if x.book.failed() != nil {
			return nil, nil
		}
		if err != nil {
			return nil, &FileError{Line: x.line(), Reason: "Zeile nicht lesbar (" + excelizeFault(err) + ")", Detail: libraryDetail(err)}
		}
		empty := true
		for _, c := range cells {
			if strings.TrimSpace(c) != "" {
				empty = false
				break
			}
		}
		if empty {
			continue
		}
		r := &Row{Line: x.line(), Fields: x.fields()}
		for i := range r.Fields {
			if i < len(cells) {
				r.Fields[i] = cells[i]
			}
			if !x.isDate[i] || r.Fields[i] == "" {
				continue
			}
			if d, ok := x.dates[r.Fields[i]]; ok {
				r.Fields[i] = d
			} else if serial, err := strconv.ParseFloat(r.Fields[i], 64); err == nil && !math.IsNaN(serial) && !math.IsInf(serial, 0) {
				t, err := excelize.ExcelDateToTime(serial, x.date1904)
				if err != nil || serial >= maxExcelSerial {
					return nil, &RowError{Line: x.line(), Column: x.header[i], Reason: "Excel-Datum außerhalb des gültigen Bereichs"}
				}
				d := t.Format("02.01.2006")
				if len(x.dates) >= maxDateCache {
					clear(x.dates)
				}
				x.dates[r.Fields[i]] = d
				r.Fields[i] = d
			} else {
				r.Notes = append(r.Notes, Note{Column: i, Kind: NoteTextDate})
			}
		}
		if len(cells) > len(x.header) {
			for _, c := range cells[len(x.header):] {
				if strings.TrimSpace(c) != "" {
					return nil, &RowError{Line: x.line(), Reason: "Wert rechts neben der letzten Spalte"}
				}
			}
		}
		return r, nil
	}
	if x.book.failed() != nil {
		return nil, nil
	}
	if err := x.rows.Error(); err != nil {
		return nil, &FileError{Line: x.line(), Reason: "Tabellenblatt nicht lesbar (" + excelizeFault(err) + ")", Detail: libraryDetail(err)}
	}
	if more, err := x.continuation(); err != nil || x.book.failed() != nil {
		return nil, err
	} else if more {
		return x.next()
	}
	return nil, io.EOF
}

// libraryDetail is what the log may say of a library's error: its own words where they
// are fixed text or name only positions and paths, else its kind alone. A message that
// quotes the file (an entity's name, a cell reference as written, a name the decoder
// could not read) may quote a person's name, and the log is outside the quarantine.
func libraryDetail(err error) string {
	var se *xml.SyntaxError
	var pe *fs.PathError
	var ce flate.CorruptInputError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("XML syntax error on line %d (message withheld: it may quote the file)", se.Line)
	case errors.Is(err, excelize.ErrMaxRows), errors.Is(err, excelize.ErrColumnNumber), errors.Is(err, excelize.ErrWorkbookFileFormat),
		errors.Is(err, excelize.ErrWorkbookPassword), errors.Is(err, zip.ErrFormat), errors.Is(err, zip.ErrAlgorithm),
		errors.Is(err, zip.ErrChecksum), errors.Is(err, io.ErrUnexpectedEOF), errors.As(err, &ce), errors.As(err, &pe):
		return err.Error()
	}
	return fmt.Sprintf("%T (message withheld: it may quote the file)", err)
}

// shortErr keeps a library's message short enough for a reason file (the XML reader's
// decoder messages about markup).
func shortErr(err error) string {
	s := err.Error()
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}

// excelizeFault says in German what excelize found wrong with a workbook; its own
// (English) words go to the log as the FileError's Detail where they quote nothing of
// the file (libraryDetail). Its messages may quote a cell reference as written, which
// could be any text, so none is shown.
func excelizeFault(err error) string {
	msg := err.Error()
	var se *xml.SyntaxError
	switch {
	case errors.Is(err, excelize.ErrMaxRows):
		return "mehr als 1.048.576 Zeilen in einem Tabellenblatt, mehr als Excel zulässt"
	case errors.As(err, &se):
		return fmt.Sprintf("kein wohlgeformtes XML (Zeile %d des Bestandteils)", se.Line)
	case errors.Is(err, zip.ErrFormat), errors.Is(err, zip.ErrAlgorithm), errors.Is(err, zip.ErrChecksum):
		return "ZIP-Archiv beschädigt"
	case strings.HasPrefix(msg, "unzip size exceeds"):
		return "entpackt größer als " + sizeText(unzipLimit)
	case errors.Is(err, excelize.ErrWorkbookFileFormat), errors.Is(err, excelize.ErrWorkbookPassword):
		return "verschlüsselt oder kein unterstütztes Format"
	case errors.Is(err, excelize.ErrColumnNumber), strings.HasPrefix(msg, "cannot convert cell"), strings.HasPrefix(msg, "invalid cell name"):
		return "ungültiger Zellbezug"
	case strings.HasPrefix(msg, "invalid shared string index"):
		return "Verweis auf einen gemeinsamen Text (Shared String), den es nicht gibt"
	}
	return "Einzelheiten im Protokoll"
}
