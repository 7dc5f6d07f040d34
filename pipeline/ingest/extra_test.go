package ingest

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestExtraNamesStayInTheInbox: names beyond the contract's, typed into a header cell, a
// JSON key or an XML element, may hold a person's name or Kundennummer. The files are
// taken in and the names reported, counted and described, but their text appears nowhere
// outside the inbox: not in the manifest, the findings, the Parquet parts, the summary
// or the log.
func TestExtraNamesStayInTheInbox(t *testing.T) {
	planted := []string{"Yilmaz", "975D004711", "Mueller", "Anna", "Schulze", "Kowalski"}
	h := home{t.TempDir()}
	os.MkdirAll(h.inbox(), 0o750)
	write := func(name string, content []byte) {
		if err := os.WriteFile(filepath.Join(h.inbox(), name), content, 0o640); err != nil {
			t.Fatal(err)
		}
	}
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "Teilnahmen")
	for _, r := range []struct {
		cell string
		row  []any
	}{
		{"A1", []any{"Teilnahme_ID", "Kundennummer", "Massnahmeart", "Traeger", "Beginn", "Ende_geplant", "Ende_tatsaechlich", "Status", "Ergebnis", "Rückruf Yilmaz 975D004711"}},
		{"A2", []any{"T-1", "975Q000001", "IK", "", "01.04.2026", "30.09.2026", "", "LAUFEND", ""}},
	} {
		if err := f.SetSheetRow("Teilnahmen", r.cell, &r.row); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	write("massnahmen_20261124.xlsx", buf.Bytes())
	write("beratungen_202610.jsonl", []byte(
		`{"id":"B-1","datum":"2026-10-05","kreis":"05970","zielgruppe":"GEFLUECHTETE","thema":"ARBEIT","kanal":"TELEFON","dauer_min":30,"kundennummer":"975Q000001","975D004711":1,"Anna Schulze":"x"}`+"\n"))
	write("abh_aufenthalt_05970_20261124.xml", []byte(`<?xml version="1.0" encoding="UTF-8"?>
<aufenthaltsmeldungen kreis="05970">
  <Kowalski_Jan/>
  <meldung id="ABH-1" Mueller_Anna="1">
    <azrNummer>912345678901</azrNummer>
    <status>AE25_2</status>
    <gueltigAb>2026-11-20</gueltigAb>
    <erwerbstaetigkeit>ERLAUBT</erwerbstaetigkeit>
    <Mueller_Anna/>
  </meldung>
</aufenthaltsmeldungen>
`))
	var logs bytes.Buffer
	opt := h.options()
	opt.Log = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s, err := Run(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if s.Ingested != 3 || len(s.Quarantined) != 0 {
		t.Fatalf("ingested %d, quarantined %+v", s.Ingested, s.Quarantined)
	}
	// Reported: one name per planted column, key, element and attribute.
	want := map[string]int{"massnahmen_20261124.xlsx": 1, "beratungen_202610.jsonl": 2, "abh_aufenthalt_05970_20261124.xml": 3}
	for name, e := range readManifest(t, h.lake()) {
		if len(e.Extra) != want[name] {
			t.Errorf("%s: extra columns %q, want %d", name, e.Extra, want[name])
		}
		for _, x := range e.Extra {
			if !strings.Contains(x, "Name nicht wiedergegeben") {
				t.Errorf("%s: extra column recorded as %q", name, x)
			}
		}
	}
	var everything bytes.Buffer
	everything.Write(logs.Bytes())
	for _, x := range s.ExtraCols {
		everything.WriteString(strings.Join(x, " "))
	}
	filepath.WalkDir(h.lake(), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasSuffix(path, ".parquet") {
			dumpParquet(t, path, &everything)
		} else {
			b, _ := os.ReadFile(path)
			everything.Write(b)
		}
		return nil
	})
	if !bytes.Contains(everything.Bytes(), []byte("extra_columns")) {
		t.Fatal("the manifest was not searched")
	}
	for _, p := range planted {
		if bytes.Contains(everything.Bytes(), []byte(p)) {
			t.Errorf("planted name %q appears outside the inbox", p)
		}
	}
}
