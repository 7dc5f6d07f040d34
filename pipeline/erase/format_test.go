package erase

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/unicode"

	"ipoint/pipeline/read"
	"ipoint/pipeline/source"
)

// X is the number the format tests erase.
const X = "975D004711"

const verbisHeader = "Kundennummer;BG_Nummer;Nachname;Vorname;Geburtsdatum;Geschlecht;Staatsangehoerigkeit;Aufenthaltsstatus;Rechtskreis;Kreis;Gemeinde;Einreise;Zugang_IP;Abgang_IP;Abgangsgrund;Foerderbedarf;Schulabschluss;Berufsabschluss;Sprachniveau;Zielniveau;Status"

func verbisRow(kn, bg, name string) string {
	return kn + ";" + bg + ";" + name + ";m;SYR;AE25_2;SGB2;05970;05970040;;01.02.2024;;;J;;;;;AL"
}

const jobsHeader = "Aufnahme_ID;Kundennummer;Art;Beginn;Ende;Wochenstunden;Bruttoentgelt;WZ2008;Gefoerdert;Betriebsnummer;Meldedatum;Storno"

func jobRow(id, kn string) string {
	return id + ";" + kn + ";SVB_VZ;01.11.2026;;38,5;2.150,00;56.10;N;12345678;02.11.2026;N"
}

func meldung(id, azr, kn, grund string) string {
	k := ""
	if kn != "" {
		k = "\n    <kundennummer>" + kn + "</kundennummer>"
	}
	return "  <meldung id=\"" + id + "\">\n    <azrNummer>" + azr + "</azrNummer>" + k +
		"\n    <status>AE25_2</status>\n    <rechtsgrundlage>" + grund + "</rechtsgrundlage>\n    <gueltigAb>2026-11-01</gueltigAb>\n    <erwerbstaetigkeit>ERLAUBT</erwerbstaetigkeit>\n  </meldung>\n"
}

func consultation(id, kn string) string {
	return `{"id":"` + id + `","datum":"2026-10-02","kreis":"05970","zielgruppe":"GEFLUECHTETE","thema":"SPRACHE","kanal":"TELEFON","dauer_min":30,"kundennummer":"` + kn + `","betriebsnummer":null}`
}

// empty blanks a record for the expected output: its line ends stay.
func empty(rec string) string {
	var b strings.Builder
	for _, r := range rec {
		if r == '\r' || r == '\n' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestFormats (e): a file of each format and encoding, rewritten without the person's
// rows, byte for byte as expected, and read again by ipoint's own readers.
func TestFormats(t *testing.T) {
	crlf := func(lines ...string) string { return strings.Join(lines, "\r\n") + "\r\n" }
	lf := func(lines ...string) string { return strings.Join(lines, "\n") + "\n" }
	rami := "Haddad;Rami;00.00.1990"
	multi := `"Al;` + "\r\n" + `Sayed";Omar;12.03.1988`
	for _, c := range []struct {
		name, dir, file string
		in, want        string
		rows            int
		review          []int // lines staff should look at
		err             error // an erasure that cannot finish
	}{{
		name: "CSV Windows-1252, CRLF, quoted fields", file: "verbis_kunden_20261101.csv",
		in: crlf(verbisHeader,
			verbisRow("975A000001", "", "M\xfcller;J\xf6rg;01.01.1980"),
			verbisRow(X, "97001BG0004711", rami),
			verbisRow("975A000002", "97001BG0004711", multi),
			verbisRow("975d004711", "", rami),                  // the letter in lower case: theirs
			verbisRow("975D00471", "", rami),                   // a digit short, their name and birth date: theirs
			verbisRow("975D00471", "", "Haddad;Rana;1.1.1991"), // a digit short, another name: look
			verbisRow("975D004712", "", rami),                  // a neighbour's number: not theirs
			verbisRow("975DO04711", "", `"Had`+"\r\n"+`dad";Rami;00.00.1990`)),
		want: crlf(verbisHeader,
			verbisRow("975A000001", "", "M\xfcller;J\xf6rg;01.01.1980"),
			"",
			verbisRow("975A000002", "97001BG0004711", multi),
			"", "",
			verbisRow("975D00471", "", "Haddad;Rana;1.1.1991"),
			verbisRow("975D004712", "", rami),
			"\r\n"),
		rows: 4, review: []int{8},
	}, {
		name: "CSV UTF-8 with BOM, LF, a record id only they carry, a cut last line", file: "arbeitsaufnahmen_20261102.csv",
		in: "\xef\xbb\xbf" + lf(jobsHeader,
			jobRow("AU-2026-000001", "975A000001"),
			jobRow("AU-2026-000002", X),
			jobRow("AU-2026-000002", "975D00471"), // a digit short, but the start is theirs
			jobRow("AU-2026-000003", "975D00471"), // a digit short, nothing else: look
			"Sch\u00e4fer") + jobRow("AU-2026-000004", X),
		want: "\xef\xbb\xbf" + lf(jobsHeader,
			jobRow("AU-2026-000001", "975A000001"),
			"", "",
			jobRow("AU-2026-000003", "975D00471"),
			"Sch\u00e4fer"),
		rows: 3, review: []int{5},
	}, {
		name: "CSV UTF-8 without BOM, the person's row first", dir: "quarantine", file: "arbeitsaufnahmen_20261103.csv",
		in:   lf(jobsHeader, jobRow("AU-2026-000005", X), jobRow("AU-2026-000006", "975A000001")),
		want: lf(jobsHeader, "", jobRow("AU-2026-000006", "975A000001")),
		rows: 1,
	}, {
		name: "CSV UTF-16 (a quarantined file), transcoded and back", dir: "quarantine", file: "verbis_kunden_20261104.csv",
		in:   utf16le(crlf(verbisHeader, verbisRow(X, "", rami), verbisRow("975A000001", "", "Kaya;Elif;02.02.1992"))),
		want: utf16le(crlf(verbisHeader, "", verbisRow("975A000001", "", "Kaya;Elif;02.02.1992"))),
		rows: 1,
	}, {
		name: "XML ISO-8859-1, an AZR number only they carry", file: "abh_aufenthalt_05970_20261101.xml",
		in: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<!-- SYNTHETISCHE DATEN -->\n<aufenthaltsmeldungen kreis=\"05970\" erstellt=\"2026-11-02T02:00:00\">\n" +
			meldung("ABH-1", "900000000001", "975A000001", "\xa7 25 Abs. 2 AufenthG") +
			meldung("ABH-2", "912345678901", X, "\xa7 25 Abs. 2 AufenthG") +
			meldung("ABH-3", "912345678901", "", "\xa7 60a AufenthG") +
			meldung("ABH-4", "900000000004", "", "Gr\xfcnde") + "</aufenthaltsmeldungen>\n",
		want: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<!-- SYNTHETISCHE DATEN -->\n<aufenthaltsmeldungen kreis=\"05970\" erstellt=\"2026-11-02T02:00:00\">\n" +
			meldung("ABH-1", "900000000001", "975A000001", "\xa7 25 Abs. 2 AufenthG") +
			empty(meldung("ABH-2", "912345678901", X, "")) + empty(meldung("ABH-3", "912345678901", "", "")) +
			meldung("ABH-4", "900000000004", "", "Gr\xfcnde") + "</aufenthaltsmeldungen>\n",
		rows: 2,
	}, {
		name: "XML UTF-8, two records on one line", file: "abh_aufenthalt_05966_20261101.xml",
		in: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<aufenthaltsmeldungen kreis=\"05966\" erstellt=\"2026-11-02T02:00:00\">" +
			"<meldung id=\"A\"><azrNummer>900000000001</azrNummer><status>DUL</status><gueltigAb>2026-11-01</gueltigAb><erwerbstaetigkeit>VERBOTEN</erwerbstaetigkeit></meldung>" +
			"<meldung id=\"B\"><azrNummer>912345678999</azrNummer><kundennummer>" + X + "</kundennummer><status>DUL</status><gueltigAb>2026-11-01</gueltigAb><erwerbstaetigkeit>VERBOTEN</erwerbstaetigkeit></meldung>" +
			"</aufenthaltsmeldungen>\n",
		want: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<aufenthaltsmeldungen kreis=\"05966\" erstellt=\"2026-11-02T02:00:00\">" +
			"<meldung id=\"A\"><azrNummer>900000000001</azrNummer><status>DUL</status><gueltigAb>2026-11-01</gueltigAb><erwerbstaetigkeit>VERBOTEN</erwerbstaetigkeit></meldung>" +
			"</aufenthaltsmeldungen>\n",
		rows: 1,
	}, {
		name: "JSON Lines, a line cut off", file: "beratungen_202610.jsonl",
		in:   lf(consultation("B-1", "975A000001"), consultation("B-2", "975d004711"), consultation("B-3", "975A000002")) + consultation("B-4", X)[:160],
		want: lf(consultation("B-1", "975A000001"), "", consultation("B-3", "975A000002")),
		rows: 2,
	}, {
		name: "a header-only file stays", file: "arbeitsaufnahmen_20261104.csv",
		in: "\xef\xbb\xbf" + lf(jobsHeader, jobRow("AU-2026-000007", X)), want: "\xef\xbb\xbf" + lf(jobsHeader, ""),
		rows: 1,
	}, {
		name: "another person's row mentions them: left, and said", file: "arbeitsaufnahmen_20261105.csv",
		in:   lf(jobsHeader+";Bemerkung", jobRow("AU-2026-000008", "975A000001")+";Bruder von "+X),
		want: lf(jobsHeader+";Bemerkung", jobRow("AU-2026-000008", "975A000001")+";Bruder von "+X),
		err:  ErrIncomplete,
	}} {
		t.Run(c.name, func(t *testing.T) {
			h := home{t.TempDir()}
			dir := h.inbox()
			if c.dir == "quarantine" {
				dir = h.quarantine()
			}
			path := filepath.Join(dir, c.file)
			write(t, path, c.in)
			res, err := Run(context.Background(), h.options(), X)
			if !errors.Is(err, c.err) || res == nil {
				t.Fatalf("err %v, want %v", err, c.err)
			}
			got, _ := os.ReadFile(path)
			if string(got) != c.want {
				t.Errorf("got\n%q\nwant\n%q", got, c.want)
			}
			if c.dir != "quarantine" {
				readable(t, path)
			}
			if res.Rows != c.rows {
				t.Errorf("%d rows removed, want %d", res.Rows, c.rows)
			}
			var review []int
			for _, p := range res.Review {
				review = append(review, p.Line)
			}
			if fmt.Sprint(review) != fmt.Sprint(c.review) {
				t.Errorf("review %v, want %v", review, c.review)
			}
			if c.err == nil && len(c.in) != len(c.want) {
				again, err := Run(context.Background(), h.options(), X)
				if err != nil || again.Rows != 0 {
					t.Errorf("again: %v, %d rows", err, again.Rows)
				}
			}
		})
	}
}

// readable reads a rewritten delivery to its end with ipoint's own reader, as ingest
// opens it: the file is still its format.
func readable(t *testing.T, path string) {
	t.Helper()
	_, d, _ := source.Detect(filepath.Base(path))
	e := d.Export
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var rd read.Reader
	switch e.Format {
	case source.CSV:
		rd, err = read.NewCSV(fh, read.CSVOptions{Encoding: e.Encoding})
	case source.XML:
		rd, err = read.NewXML(fh, read.XMLOptions{Root: e.Root, Record: e.Record, Fields: e.ColumnNames()})
	case source.JSONL:
		rd, err = read.NewJSONL(fh, e.ColumnNames())
	}
	for err == nil {
		_, err = rd.Next()
		var re *read.RowError
		if errors.As(err, &re) {
			err = nil
		}
	}
	if err != io.EOF {
		t.Errorf("%s no longer reads: %v", filepath.Base(path), err)
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o640); err != nil {
		t.Fatal(err)
	}
}

func utf16le(s string) string {
	b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(err)
	}
	return string(b)
}

// TestWorkbook (e): a workbook with shared strings (as Excel writes it) loses the
// person's rows; the other rows keep their numbers; the shared strings no longer hold
// their number; the other sheet is as it was.
func TestWorkbook(t *testing.T) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", "Teilnahmen"); err != nil {
		t.Fatal(err)
	}
	rows := [][]any{
		{"Teilnahme_ID", "Kundennummer", "Massnahmeart", "Traeger", "Beginn", "Ende_geplant", "Ende_tatsaechlich", "Status", "Ergebnis"},
		{"TN-1", X, "IK", "Volkshochschule Siegen", "01.09.2026", "01.03.2027", "", "LAUFEND", ""},
		{"TN-2", "975A000001", "IK", "Volkshochschule Siegen", "01.09.2026", "01.03.2027", "", "LAUFEND", ""},
		{"TN-3", "975d004711", "BSK", "Akademie Siegerland gGmbH", "01.10.2026", "01.12.2026", "", "GEPLANT", ""},
		{"TN-4", "975A000002", "MAT", "Lernwerkstatt", "01.10.2026", "01.12.2026", "", "GEPLANT", ""},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Teilnahmen", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.NewSheet("Info"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellValue("Info", "A1", "Erstellt von "+X[:3]); err != nil {
		t.Fatal(err)
	}
	h := home{t.TempDir()}
	path := filepath.Join(h.inbox(), "massnahmen_20261101.xlsx")
	if err := os.MkdirAll(h.inbox(), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	if !bytes.Contains(textOf(before), []byte("<sst")) || !mentions(textOf(before), X) {
		t.Fatal("the test workbook has no shared strings with the number")
	}
	res, err := Run(context.Background(), h.options(), X)
	if err != nil || res.Rows != 2 {
		t.Fatalf("%v, %d rows", err, res.Rows)
	}
	after, _ := os.ReadFile(path)
	if mentions(textOf(after), X) {
		t.Error("the workbook still holds the number")
	}
	for _, s := range []string{"TN-2", "975A000001", "TN-4", "Lernwerkstatt", "Volkshochschule Siegen", "Erstellt von 975"} {
		if !bytes.Contains(textOf(after), []byte(s)) {
			t.Errorf("%q is gone", s)
		}
	}
	rd, err := read.OpenXLSX(path, read.XLSXOptions{Sheet: "Teilnahmen", DateColumns: source.Massnahmen.DateColumns()})
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	var got []string
	for {
		row, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d:%s:%s", row.Line, row.Fields[0], row.Fields[3]))
	}
	if strings.Join(got, " ") != "3:TN-2:Volkshochschule Siegen 5:TN-4:Lernwerkstatt" {
		t.Errorf("rows %v", got)
	}
	g, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if v, _ := g.GetCellValue("Info", "A1"); v != "Erstellt von 975" {
		t.Errorf("Info!A1 = %q", v)
	}
}
