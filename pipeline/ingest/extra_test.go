package ingest

import (
	"bytes"
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
	s, logs := runLogged(t, h)
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
	lakeText(t, h.lake(), &everything)
	if !bytes.Contains(everything.Bytes(), []byte("extra_columns")) {
		t.Fatal("the manifest was not searched")
	}
	for _, p := range planted {
		if bytes.Contains(everything.Bytes(), []byte(p)) {
			t.Errorf("planted name %q appears outside the inbox", p)
		}
	}
}

// TestFoundNamesStayInTheInbox: a delivery whose column names are all foreign is
// quarantined with the names it uses in the reason, and the reason is recorded in the
// manifest and the log. Where those names are a person's (a JSON key, XML elements, an
// XML root, a CSV header of names), the reason describes them and their text stays in
// the inbox and the quarantine; a near miss of a contract's column is still named, so
// that staff see the typo.
func TestFoundNamesStayInTheInbox(t *testing.T) {
	planted := []string{"Mueller", "Anna", "Kowalski", "Yilmaz", "Ahmet", "Schulze"}
	h := home{t.TempDir()}
	os.MkdirAll(h.inbox(), 0o750)
	files := map[string]string{
		"beratungen_202611.jsonl": `{"Mueller_Anna":"x"}` + "\n" + `{"Mueller_Anna":"y"}` + "\n",
		"abh_aufenthalt_05970_20261124.xml": `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
			`<aufenthaltsmeldungen kreis="05970"><Mueller_Anna>x</Mueller_Anna><Mueller_Anna/></aufenthaltsmeldungen>` + "\n",
		"abh_aufenthalt_05966_20261124.xml": `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
			`<Kowalski_Jan kreis="05966"><meldung><status>DUL</status></meldung></Kowalski_Jan>` + "\n",
		"verbis_kunden_20261124.csv": "Kundenummer;Yilmaz;Ahmet;Schulze;Anna\r\nx;y;z;v;w\r\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(h.inbox(), name), []byte(content), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	s, logs := runLogged(t, h)
	reasons := map[string]string{}
	for _, q := range s.Quarantined {
		if q.Kind != "wrong_header" {
			t.Errorf("%s: quarantined as %s (%s)", q.Name, q.Kind, q.Reason)
		}
		reasons[q.Name] = q.Reason
	}
	for name := range files {
		if _, ok := reasons[name]; !ok {
			t.Errorf("%s: not quarantined (quarantined: %+v)", name, s.Quarantined)
		}
	}
	if r := reasons["verbis_kunden_20261124.csv"]; !strings.Contains(r, "gefunden: Kundenummer;(Name nicht wiedergegeben, 6 Zeichen: Buchstaben);") {
		t.Errorf("CSV reason %q does not name the near miss and describe the rest", r)
	}
	var everything bytes.Buffer
	everything.Write(logs.Bytes())
	for _, r := range reasons {
		everything.WriteString(r)
	}
	lakeText(t, h.lake(), &everything)
	if m, _ := os.ReadFile(filepath.Join(h.lake(), "manifest.jsonl")); bytes.Count(m, []byte(`"outcome":"quarantined","reason":"`)) < len(files) {
		t.Fatalf("the manifest does not record the reasons: %s", m)
	}
	if !bytes.Contains(logs.Bytes(), []byte("wrong_header")) {
		t.Fatal("the log does not record the quarantines")
	}
	for _, p := range planted {
		if bytes.Contains(everything.Bytes(), []byte(p)) {
			t.Errorf("planted name %q appears outside the inbox and quarantine", p)
		}
	}
}
