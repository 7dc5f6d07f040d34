package ingest

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// Canaries: distinctive personal values planted in the inputs. None may appear in the
// lake, the findings, the manifest, the logs or the summary.
var canaries = []string{"Kanarienvogel", "Zebulon", "975Q123456", "975q123456", "7654321", "17.03.1988", "1988-03-17",
	"03.1988", "93456789", "987654321098", "98765432109"}

const canaryHeader = "Kundennummer;BG_Nummer;Nachname;Vorname;Geburtsdatum;Geschlecht;Staatsangehoerigkeit;Aufenthaltsstatus;Rechtskreis;Kreis;Gemeinde;Einreise;Zugang_IP;Abgang_IP;Abgangsgrund;Foerderbedarf;Schulabschluss;Berufsabschluss;Sprachniveau;Zielniveau;Status\r\n"

func TestCanaries(t *testing.T) {
	h := home{t.TempDir()}
	os.MkdirAll(h.inbox(), 0o750)
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(h.inbox(), name), []byte(content), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	// A valid client, one with an impossible birth date, one with a mistyped number.
	write("verbis_kunden_20261124.csv", canaryHeader+
		"975Q123456;97001BG7654321;Kanarienvogel;Zebulon;17.03.1988;m;SYR;AE25_2;SGB2;05970;05970040;01.02.2020;03.03.2025;;;J;ABI;KEIN;A2;HELFER;AL\r\n"+
		"975Q123457;;Kanarienvogel;Zebulon;31.02.1988;w;SYR;GEST;SGB3;05970;05970040;;03.03.2025;;;J;;;;;AL\r\n"+
		"975q123456;;Kanarienvogel;Zebulon;17.03.1988;m;SYR;GEST;SGB3;05970;05970040;;03.03.2025;;;J;;;;;AL\r\n")
	write("arbeitsaufnahmen_20261124.csv", "\uFEFFAufnahme_ID;Kundennummer;Art;Beginn;Ende;Wochenstunden;Bruttoentgelt;WZ2008;Gefoerdert;Betriebsnummer;Meldedatum;Storno\n"+
		"AU-2026-000001;975Q123456;SVB_VZ;01.12.2026;;39;2150,00;56.10;N;93456789;24.11.2026;N\n"+
		"AU-2026-000002;975Q123456;SVB_VZ;01.12.2026;;39;2150,00;56.10;N;9345678;24.11.2026;N\n")
	write("abh_aufenthalt_05970_20261124.xml", `<?xml version="1.0" encoding="UTF-8"?>
<aufenthaltsmeldungen kreis="05970" erstellt="2026-11-25T02:00:00">
  <meldung id="ABH-05970-2026-000001">
    <azrNummer>987654321098</azrNummer>
    <kundennummer>975Q123456</kundennummer>
    <status>AE25_2</status>
    <gueltigAb>2026-11-24</gueltigAb>
    <erwerbstaetigkeit>ERLAUBT</erwerbstaetigkeit>
  </meldung>
  <meldung id="ABH-05970-2026-000002">
    <azrNummer>98765432109</azrNummer>
    <status>AE25_2</status>
    <gueltigAb>2026-11-24</gueltigAb>
    <erwerbstaetigkeit>ERLAUBT</erwerbstaetigkeit>
  </meldung>
</aufenthaltsmeldungen>
`)
	s, logs := runLogged(t, h)
	// Rejected: the impossible birth date, the mistyped Kundennummer, the short
	// Betriebsnummer, the short AZR-Nummer.
	if s.Ingested != 3 || s.Rejected != 4 {
		t.Fatalf("ingested %d files, rejected %d rows; want 3 and 4", s.Ingested, s.Rejected)
	}
	var everything bytes.Buffer
	everything.Write(logs.Bytes())
	everything.WriteString(strings.Join(s.Unknown, " "))
	for _, q := range s.Quarantined {
		everything.WriteString(q.Reason)
	}
	lakeText(t, h.lake(), &everything)
	if everything.Len() < 1000 {
		t.Fatalf("only %d bytes to search: the lake is not being read", everything.Len())
	}
	for _, c := range canaries {
		if bytes.Contains(everything.Bytes(), []byte(c)) {
			t.Errorf("personal value %q appears outside the inbox", c)
		}
	}
	// The tokens join across exports: the client's token in the job start and the
	// decision is the master's.
	if !bytes.Contains(everything.Bytes(), []byte(testTokenOf("975Q123456"))) {
		t.Error("the client's token is missing from the lake")
	}
}

// dumpParquet writes every value of a Parquet file, decompressed, as text.
func dumpParquet(t *testing.T, path string, w *bytes.Buffer) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	r := parquet.NewReader(pf)
	defer r.Close()
	rows := make([]parquet.Row, 64)
	for {
		n, err := r.ReadRows(rows)
		for _, row := range rows[:n] {
			for _, v := range row {
				w.WriteString(v.String())
				w.WriteByte(' ')
			}
		}
		if err != nil {
			return
		}
	}
}

// lakeText appends every file below the lake to buf as text, Parquet files dumped row
// by row: what a search for clear text must cover.
func lakeText(t *testing.T, lake string, buf *bytes.Buffer) {
	t.Helper()
	filepath.WalkDir(lake, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasSuffix(path, ".parquet") {
			dumpParquet(t, path, buf)
		} else {
			b, _ := os.ReadFile(path)
			buf.Write(b)
		}
		return nil
	})
}

// runLogged runs the ingest on h with every log line, debug included, kept: what a
// search for clear text must cover besides the lake.
func runLogged(t *testing.T, h home) (*Summary, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	opt := h.options()
	opt.Log = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s, err := Run(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	return s, &logs
}
