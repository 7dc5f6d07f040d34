package read

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// benchCSV is a delivery of plain records (the common case the chunk reader is tuned
// for) with every 50th record quoted.
func benchCSV() []byte {
	var b bytes.Buffer
	b.WriteString("Kundennummer;BG_Nummer;Nachname;Vorname;Geburtsdatum;Kreis;Gemeinde;Status\r\n")
	for i := range 200000 {
		if i%50 == 0 {
			fmt.Fprintf(&b, "975D%06d;97001BG%07d;\"M\xfcller; J\";Anna;01.02.1980;05970;05970040;AL\r\n", i, i)
			continue
		}
		fmt.Fprintf(&b, "975D%06d;97001BG%07d;Schmidt;Anna;01.02.1980;05970;05970040;AL\r\n", i, i)
	}
	return b.Bytes()
}

// BenchmarkCSVChunk reads a whole file through the bulk path's chunk reader.
func BenchmarkCSVChunk(b *testing.B) {
	data := benchCSV()
	header := []string{"Kundennummer", "BG_Nummer", "Nachname", "Vorname", "Geburtsdatum", "Kreis", "Gemeinde", "Status"}
	first := bytes.IndexByte(data, '\n') + 1
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := NewCSVChunk(bytes.NewReader(data[first:]), CSVOptions{Encoding: Windows1252}, header, Chunk{Offset: int64(first), Size: int64(len(data) - first), FirstLine: 2})
		n := 0
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 200000 {
			b.Fatalf("%d rows", n)
		}
	}
}

// benchMeasures is a measures export of 50,000 rows as the agency's system writes it
// (excelize's stream writer: inline strings, real Excel dates with a date format).
func benchMeasures(b *testing.B) string {
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "Teilnahmen")
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: new("dd.mm.yyyy")})
	if err != nil {
		b.Fatal(err)
	}
	sw, err := f.NewStreamWriter("Teilnahmen")
	if err != nil {
		b.Fatal(err)
	}
	sw.SetRow("A1", []any{"Teilnahme_ID", "Kundennummer", "Massnahmeart", "Titel", "Beginn", "Ende_geplant", "Ende_tatsaechlich", "Status", "Traeger"})
	arten := []string{"AVGS", "FBW", "MAT", "BSK", "IK", "EGZ"}
	for i := range 50000 {
		begin := excelize.Cell{StyleID: dateStyle, Value: time.Date(2026, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)}
		end := excelize.Cell{StyleID: dateStyle, Value: time.Date(2027, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)}
		var actual any
		if i%7 == 0 {
			actual = excelize.Cell{StyleID: dateStyle, Value: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, []any{fmt.Sprintf("TN-%010d", i), fmt.Sprintf("975D%06d", i), arten[i%len(arten)],
			"Qualifizierung & Arbeit \"Neue Wege\"", begin, end, actual, "LAUFEND", "Akademie Siegerland gGmbH"}); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	p := filepath.Join(b.TempDir(), "massnahmen_20261124.xlsx")
	if err := f.SaveAs(p); err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkXLSXSheet reads the data sheet of a measures export of 50,000 rows, on the
// fast path and with excelize alone (the reader before issue 18).
func BenchmarkXLSXSheet(b *testing.B) {
	p := benchMeasures(b)
	opt := XLSXOptions{Sheet: "Teilnahmen", DateColumns: []string{"Beginn", "Ende_geplant", "Ende_tatsaechlich"}, TmpDir: b.TempDir()}
	for _, c := range []struct {
		name string
		open func(string, XLSXOptions) (Reader, error)
	}{{"fast", OpenXLSX}, {"excelize", oracleXLSX}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			rows := 0
			cpu0 := cpuTime()
			for b.Loop() {
				r, err := c.open(p, opt)
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for {
					_, err := r.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				r.Close()
				if n != 50000 {
					b.Fatalf("%d rows", n)
				}
				rows += n
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
			// The machine is shared: the process's CPU time is the steadier figure.
			b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
		})
	}
}

// cpuTime is the process's CPU time so far (user and system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
