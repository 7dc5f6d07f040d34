package ingest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"ipoint/pipeline/source"
)

// TestHostileFiles (issue 15, D7 to D11): deliveries of the wrong kind, with a foreign
// header, foreign keys or a foreign root, empty ones and header-only ones. Each goes
// where the contract says, with a German reason in valid UTF-8 that names what was
// expected and quotes no cell.
func TestHostileFiles(t *testing.T) {
	verbis := strings.Join(source.Verbis.ColumnNames(), ";")
	abh := `<?xml version="1.0"?>` + "\n"
	cases := []struct {
		name, content string
		kind          string   // "" ingested
		reason        []string // parts of the reason
	}{
		{"verbis_kunden_20261101.csv", `"` + strings.ReplaceAll(verbis, ";", `","`) + "\"\r\n", source.KindWrongHeader,
			[]string{"falsches Trennzeichen", "erwartet: die Kopfzeile Kundennummer;BG_Nummer;"}},
		{"verbis_kunden_20261102.csv", verbis, "", nil},
		{"verbis_kunden_20261103.csv", "", "", nil},
		{"verbis_kunden_20261104.csv", "975D004711;Müller;Hans;01.01.1990\r\n", source.KindWrongHeader,
			[]string{"erwartet: die Kopfzeile Kundennummer;", "gefunden: keine Spaltennamen, sondern offenbar Daten (4 Felder, nicht wiedergegeben)"}},
		// Found names are shown where they are, or are near, a contract's column names (a
		// key's case, a typo, the root's plural dropped); any other is described only.
		{"beratungen_202609.jsonl", `{"name":"Müller","Datum":"2026-09-01"}` + "\n" + `{"name":"Meier"}` + "\n", source.KindWrongHeader,
			[]string{"Felder der JSON-Objekte", "erwartet: JSON-Objekte mit den Feldern id, datum,",
				"gefunden: Datum;(Name nicht wiedergegeben, 4 Zeichen: Buchstaben)"}},
		{"abh_aufenthalt_05966_20261101.xml", abh + `<personen><person>Müller</person></personen>`, source.KindWrongHeader,
			[]string{"erwartet: Wurzelelement <aufenthaltsmeldungen> mit Elementen <meldung>", "gefunden: Element (Name nicht wiedergegeben, 8 Zeichen: Buchstaben)"}},
		{"abh_aufenthalt_05966_20261109.xml", abh + `<aufenthaltsmeldung kreis="05966"><meldung><status>DUL</status></meldung></aufenthaltsmeldung>`, source.KindWrongHeader,
			[]string{"gefunden: <aufenthaltsmeldung>"}},
		{"abh_aufenthalt_05966_20261102.xml", abh + `<aufenthaltsmeldungen kreis="05966"><person>Müller</person></aufenthaltsmeldungen>`, source.KindWrongHeader,
			[]string{"gefunden: Element (Name nicht wiedergegeben, 6 Zeichen: Buchstaben)"}},
		{"abh_aufenthalt_05966_20261103.xml", abh + `<aufenthaltsmeldungen kreis="05966"><meldung><name>Müller</name><Staus>DUL</Staus></meldung></aufenthaltsmeldungen>`, source.KindWrongHeader,
			[]string{"gefunden: Staus;(Name nicht wiedergegeben, 4 Zeichen: Buchstaben)"}},
		{"abh_aufenthalt_05966_20261104.xml", abh + `<aufenthaltsmeldungen kreis="05966"></aufenthaltsmeldungen>`, "", nil},
		{"abh_aufenthalt_05966_20261105.xml", "\xff\xfe<\x00?\x00x\x00m\x00l\x00", source.KindBadEncoding, []string{"UTF-16", "erwartet ist UTF-8 oder ISO-8859-1"}},
		{"abh_aufenthalt_05966_20261106.xml", "\x00\x01\x02\xff\xfeM\xfcller \xc3\x28", source.KindWrongFormat, []string{"keine Textdatei, sondern Binärdaten", "erwartet: Wurzelelement"}},
		{"abh_aufenthalt_05966_20261107.xml", "Kundennummer;Name\n975D004711;Müller\n", source.KindWrongFormat, []string{"kein XML-Dokument"}},
		{"abh_aufenthalt_05966_20261108.xml", abh + "<\xfcller/>", source.KindUnreadable, []string{"kein wohlgeformtes XML"}},
		{"massnahmen_20261101.xlsx", "Teilnahme_ID;Kundennummer\n", source.KindWrongFormat,
			[]string{"keine Excel-Arbeitsmappe (.xlsx), sondern eine Textdatei", `erwartet: Tabellenblatt "Teilnahmen" mit der Kopfzeile Teilnahme_ID;`}},
		{"massnahmen_20261102.xlsx", "%PDF-1.4\n", source.KindWrongFormat, []string{"sondern ein PDF-Dokument"}},
		{"ki_schutzsuchende_202609.csv", "\xef\xbb\xbfGENESIS-Tabelle: 12411-0001\nBevölkerung;Stichtag\n2020;123\n", source.KindWrongHeader,
			[]string{"keine Kopfzeile der Lieferung", "erwartet: die Kopfzeile Kreis;AGS;Gemeinde;Statusgruppe;Anzahl", "Zeichenkodierung"}},
		{"arbeitsaufnahmen_20261102.csv", "\x00\x01\x02binary\xff\n", source.KindWrongFormat, []string{"keine Textdatei"}},
	}
	h := home{t.TempDir()}
	if err := os.MkdirAll(h.inbox(), 0o750); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if err := os.WriteFile(filepath.Join(h.inbox(), c.name), []byte(c.content), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	s := h.ingest(t)
	got := map[string]Quarantined{}
	for _, q := range s.Quarantined {
		got[q.Name] = q
	}
	empty := map[string]bool{}
	for _, n := range s.Empty {
		empty[n] = true
	}
	for _, c := range cases {
		q, ok := got[c.name]
		if c.kind == "" {
			if ok || !empty[c.name] {
				t.Errorf("%s: want an empty delivery, got %+v (empty: %v)", c.name, q, s.Empty)
			}
			continue
		}
		if !ok || q.Kind != c.kind {
			t.Errorf("%s: kind %q, want %q (%s)", c.name, q.Kind, c.kind, q.Reason)
			continue
		}
		for _, part := range c.reason {
			if !strings.Contains(q.Reason, part) {
				t.Errorf("%s: reason %q lacks %q", c.name, q.Reason, part)
			}
		}
		b, err := os.ReadFile(filepath.Join(h.quarantine(), c.name+".grund.txt"))
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if !utf8.ValidString(text) || strings.ContainsAny(text, "\x00\x01\x02") || strings.Contains(text, "Meier") || strings.Contains(text, "Hans") ||
			strings.Contains(text, "975D004711") || strings.Contains(text, "Art: "+c.kind) || !strings.Contains(text, "Art: "+source.KindLabel(c.kind)) {
			t.Errorf("%s: reason file %q", c.name, text)
		}
		for _, english := range []string{"zip:", "invalid", "illegal", "unexpected", "expected element"} {
			if strings.Contains(q.Reason, english) {
				t.Errorf("%s: English in %q", c.name, q.Reason)
			}
		}
	}
}
