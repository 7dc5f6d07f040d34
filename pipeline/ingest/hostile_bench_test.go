package ingest

import (
	"archive/zip"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkHostileMemory (issue 15, D3/D4): per format, a delivery of 200 MB on one line
// and one with a single 50 MB value, ingested whole. It reports the process's peak
// resident memory during the ingest (VmHWM, reset before it through clear_refs) as
// peak-MiB; the limit is 300 MiB. The files are generated in the benchmark's temporary
// folder, streamed to disk.
func BenchmarkHostileMemory(b *testing.B) {
	const line, value = 200 << 20, 50 << 20
	au := "Aufnahme_ID;Kundennummer;Art;Beginn;Ende;Wochenstunden;Bruttoentgelt;WZ2008;Gefoerdert;Betriebsnummer;Meldedatum;Storno\n"
	abh := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<aufenthaltsmeldungen kreis="05966" erstellt="2026-11-24T02:00:00">`
	meldung := `<meldung id="ABH-05966-2026-%06d"><azrNummer>123456789012</azrNummer><status>AE25_2</status><rechtsgrundlage>%s</rechtsgrundlage><gueltigAb>2026-11-20</gueltigAb><erwerbstaetigkeit>ERLAUBT</erwerbstaetigkeit></meldung>`
	beratung := `{"id":"B-2026-11-%06d","datum":"2026-11-03","kreis":"05970","zielgruppe":"EHRENAMT","thema":"ARBEIT","kanal":"TELEFON","dauer_min":45,"kundennummer":null,"betriebsnummer":null,"notiz":"%s"}`
	cases := []struct {
		name, file string
		write      func(w *bufio.Writer)
	}{
		{"csv/line", "arbeitsaufnahmen_20261124.csv", func(w *bufio.Writer) {
			w.WriteString(au)
			repeat(w, "AU-2026-000001;975D004711;SVB_VZ;01.12.2026;;37,5;2150,00;56.10;N;91234567;24.11.2026;N ", line)
		}},
		{"csv/value", "arbeitsaufnahmen_20261124.csv", func(w *bufio.Writer) {
			w.WriteString(au + "AU-2026-000001;975D004711;SVB_VZ;01.12.2026;;37,5;2150,00;56.10;N;")
			repeat(w, "9", value)
			w.WriteString(";24.11.2026;N\n")
		}},
		{"jsonl/line", "beratungen_202611.jsonl", func(w *bufio.Writer) {
			w.WriteString(`{"id":"`)
			repeat(w, "B", line)
		}},
		{"jsonl/value", "beratungen_202611.jsonl", func(w *bufio.Writer) {
			w.WriteString(fmt.Sprintf(beratung, 1, "x") + "\n")
			w.WriteString(strings.SplitN(fmt.Sprintf(beratung, 2, "\x00"), "\x00", 2)[0])
			repeat(w, "Müller ", value)
			w.WriteString(strings.SplitN(fmt.Sprintf(beratung, 2, "\x00"), "\x00", 2)[1] + "\n")
		}},
		{"xml/line", "abh_aufenthalt_05966_20261124.xml", func(w *bufio.Writer) {
			w.WriteString(abh)
			for i := 0; w.Buffered() >= 0; i++ { // valid records, all on the one line
				fmt.Fprintf(w, meldung, i%1000000, "§ 25 Abs. 2 AufenthG")
				if i*len(meldung) > line {
					break
				}
			}
			w.WriteString(`<meldung id="x"><rechtsgrundlage>`)
			repeat(w, "Müller ", line/4)
			w.WriteString(`</rechtsgrundlage></meldung></aufenthaltsmeldungen>`)
		}},
		{"xml/value", "abh_aufenthalt_05966_20261124.xml", func(w *bufio.Writer) {
			w.WriteString(abh + "\n")
			fmt.Fprintf(w, meldung+"\n", 1, "§ 25 Abs. 2 AufenthG")
			w.WriteString(strings.SplitN(fmt.Sprintf(meldung, 2, "\x00"), "\x00", 2)[0])
			repeat(w, "Müller ", value)
			w.WriteString(strings.SplitN(fmt.Sprintf(meldung, 2, "\x00"), "\x00", 2)[1] + "\n</aufenthaltsmeldungen>\n")
		}},
		{"xlsx/line", "massnahmen_20261124.xlsx", func(w *bufio.Writer) {
			writeXLSX(w, func(s io.Writer) {
				for i := 0; i*60 < line; i++ {
					fmt.Fprintf(s, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>TN-%d</t></is></c></row>`, i+2, i+2, i)
				}
			})
		}},
		{"xlsx/value", "massnahmen_20261124.xlsx", func(w *bufio.Writer) {
			writeXLSX(w, func(s io.Writer) {
				io.WriteString(s, `<row r="2"><c r="A2" t="inlineStr"><is><t>`)
				sw := bufio.NewWriter(s)
				repeat(sw, "Müller ", value)
				sw.Flush()
				io.WriteString(s, `</t></is></c></row>`)
			})
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				h := home{b.TempDir()}
				if err := os.MkdirAll(h.inbox(), 0o750); err != nil {
					b.Fatal(err)
				}
				f, err := os.Create(filepath.Join(h.inbox(), c.file))
				if err != nil {
					b.Fatal(err)
				}
				w := bufio.NewWriterSize(f, 1<<20)
				c.write(w)
				if err := w.Flush(); err != nil {
					b.Fatal(err)
				}
				f.Close()
				runtime.GC()
				debug.FreeOSMemory()
				resetPeak(b)
				b.StartTimer()
				s := h.ingest(b)
				b.StopTimer()
				peak := peakMiB(b)
				b.ReportMetric(peak, "peak-MiB")
				what := "ingested"
				if len(s.Quarantined) > 0 {
					what = "quarantined: " + s.Quarantined[0].Kind + " (" + s.Quarantined[0].Reason + ")"
				}
				b.Logf("%s: %s, %d rows, %d rejected, peak %.0f MiB", c.name, what, s.RowsRead, s.Rejected, peak)
				if peak > 300 {
					b.Errorf("peak %.0f MiB, more than 300", peak)
				}
				b.StartTimer()
			}
		})
	}
}

// repeat writes s over and over until n bytes are written.
func repeat(w *bufio.Writer, s string, n int) {
	for k := 0; k < n; k += len(s) {
		w.WriteString(s)
	}
}

// writeXLSX writes a workbook with the sheet Teilnahmen: its header, then rows.
func writeXLSX(w io.Writer, rows func(io.Writer)) {
	z := zip.NewWriter(w)
	put := func(name, text string) {
		f, _ := z.Create(name)
		io.WriteString(f, text)
	}
	put("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`)
	put("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	put("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Teilnahmen" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	put("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	s, _ := z.Create("xl/worksheets/sheet1.xml")
	io.WriteString(s, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">`)
	for i, h := range []string{"Teilnahme_ID", "Kundennummer", "Massnahmeart", "Traeger", "Beginn", "Ende_geplant", "Ende_tatsaechlich", "Status", "Ergebnis"} {
		fmt.Fprintf(s, `<c r="%c1" t="inlineStr"><is><t>%s</t></is></c>`, 'A'+i, h)
	}
	io.WriteString(s, `</row>`)
	rows(s)
	io.WriteString(s, `</sheetData></worksheet>`)
	z.Close()
}

// resetPeak resets the process's peak resident memory (Linux: clear_refs 5).
func resetPeak(b *testing.B) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Skipf("cannot reset the peak memory: %v", err)
	}
}

// peakMiB is the process's peak resident memory since the last reset.
func peakMiB(b *testing.B) float64 {
	st, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, l := range bytes.Split(st, []byte("\n")) {
		if f := strings.Fields(string(l)); len(f) == 3 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	b.Fatal("no VmHWM")
	return 0
}
