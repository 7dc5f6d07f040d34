package synth

import (
	"archive/zip"
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// measuresFile writes the daily measures workbook: sheet Teilnahmen with the data (real
// Excel dates with a date format), sheet Info with the export metadata.
type measuresFile struct {
	dir, name string
	f         *excelize.File
	sw        *excelize.StreamWriter
	dateStyle int
	row       int // last written sheet row
	sheet     int // 0: Teilnahmen; n: the continuation sheet "Teilnahmen (n+1)"
	err       error
}

// excelRows is the number of rows an Excel sheet holds. A snapshot with more
// participations continues on sheets "Teilnahmen (2)", "Teilnahmen (3)", ..., each with
// the header in row 1 (docs/synthetic-data.md).
const excelRows = 1_048_576

func createMeasures(dir, name string) (*measuresFile, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", "Teilnahmen"); err != nil {
		return nil, err
	}
	style, err := f.NewStyle(&excelize.Style{CustomNumFmt: strPtr("dd.mm.yyyy")})
	if err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter("Teilnahmen")
	if err != nil {
		return nil, err
	}
	m := &measuresFile{dir: dir, name: name, f: f, sw: sw, dateStyle: style}
	m.header()
	return m, nil
}

func (m *measuresFile) header() {
	hdr := make([]any, len(measuresHeader))
	for i, h := range measuresHeader {
		hdr[i] = h
	}
	m.put(hdr)
}

// continuation starts the next continuation sheet.
func (m *measuresFile) continuation() {
	if m.err = m.sw.Flush(); m.err != nil {
		return
	}
	m.sheet++
	name := fmt.Sprintf("Teilnahmen (%d)", m.sheet+1)
	if _, m.err = m.f.NewSheet(name); m.err != nil {
		return
	}
	if m.sw, m.err = m.f.NewStreamWriter(name); m.err != nil {
		return
	}
	m.row = 0
	m.header()
}

func strPtr(s string) *string { return &s }

// cell values: a string is written as text; a day as an Excel date.
func (m *measuresFile) date(d day) any {
	return excelize.Cell{StyleID: m.dateStyle, Value: d.time()}
}

func (m *measuresFile) put(values []any) {
	if m.err == nil && m.row == excelRows {
		m.continuation()
	}
	if m.err != nil {
		return
	}
	m.row++
	cell, _ := excelize.CoordinatesToCellName(1, m.row)
	m.err = m.sw.SetRow(cell, values)
}

// emptyRows writes rows that exist in the sheet but hold no value.
func (m *measuresFile) emptyRows(n int) {
	for i := 0; i < n; i++ {
		m.put([]any{excelize.Cell{StyleID: m.dateStyle}, excelize.Cell{StyleID: m.dateStyle}})
	}
}

// commit adds the Info sheet (and optionally an extra sheet) and saves atomically.
func (m *measuresFile) commit(stichtag day, rows int, extraSheet bool) error {
	if m.err == nil {
		m.err = m.sw.Flush()
	}
	if m.err != nil {
		return m.err
	}
	if _, err := m.f.NewSheet("Info"); err != nil {
		return err
	}
	info := [][2]any{
		{"Export", "Teilnahmen an Maßnahmen und Kursen"},
		{"Stichtag", stichtag.german()},
		{"Erstellt", exportTime(stichtag).Format("02.01.2006 15:04")},
		{"Anzahl Teilnahmen", rows},
		{"Hinweis", "SYNTHETISCHE DATEN – keine echten Personen"},
	}
	for i, kv := range info {
		r := strconv.Itoa(i + 1)
		m.f.SetCellValue("Info", "A"+r, kv[0])
		m.f.SetCellValue("Info", "B"+r, kv[1])
	}
	if extraSheet {
		if _, err := m.f.NewSheet("Auswertung"); err != nil {
			return err
		}
		m.f.SetCellValue("Auswertung", "A1", "Teilnahmen nach Art")
		m.f.SetCellValue("Auswertung", "A2", "(Pivot-Tabelle, nicht Teil des Exports)")
	}
	tmp, err := os.CreateTemp(m.dir, ".synth-*")
	if err != nil {
		return err
	}
	// excelize assembles a workbook in memory before it writes it out (at scale 1,000
	// some 275 MB, growing by doubling: the generator's memory grew with the scale). Its
	// zip writer, given the file instead, writes the same bytes straight to disk. (In
	// memory excelize would mark entries above 4 GB as zip64 afterwards; a sheet of at
	// most excelRows rows stays far below.)
	out := bufio.NewWriterSize(tmp, 1<<20)
	m.f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(out) })
	if _, err := m.f.WriteToBuffer(); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("%s: %w", m.name, err)
	}
	if err := out.Flush(); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	m.f.Close()
	return os.Rename(tmp.Name(), filepath.Join(m.dir, m.name))
}
