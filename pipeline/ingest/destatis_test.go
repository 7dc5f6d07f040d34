package ingest

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ipoint/pipeline/lake"
	"ipoint/pipeline/source"
)

// realDestatis is the real Destatis file (table 12531-0043, 31.12.2024, Kreise 05970 and
// 05966); licence in its folder's README.
func realDestatis(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "destatis-12531", "12531-0043_siegen-wittgenstein_olpe_2024-12-31_flat.csv"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestDestatisDeliveries (issue 17): the real GENESIS file is taken in whole, BOM and
// all; a GENESIS file of another table goes to quarantine as a foreign table, naming the
// table it holds; so do a table of another Stichtag than its name, one that is no GENESIS
// file, and one in another encoding. A rejected line of an aggregate table is counted
// for the Kreis whose total it makes unknown.
func TestDestatisDeliveries(t *testing.T) {
	real := realDestatis(t)
	lines := strings.SplitAfter(real, "\n")
	header := lines[0]
	// Another statistic: the population by Kreis and sex (two dimension blocks).
	population := "\uFEFFstatistics_code;statistics_label;time_code;time_label;time;1_variable_code;1_variable_label;1_variable_attribute_code;1_variable_attribute_label;" +
		"2_variable_code;2_variable_label;2_variable_attribute_code;2_variable_attribute_label;value;value_unit;value_variable_code;value_variable_label\n" +
		"12411;Fortschreibung des Bevölkerungsstandes;STAG;Stichtag;2024-12-31;KREISE;Kreise;05966;Olpe, Kreis;GES;Geschlecht;GESM;männlich;66012;Anzahl;BEVSTD;Bevölkerungsstand\n"
	// The same statistic, another table: by age groups instead of nationality.
	ages := header
	for _, l := range lines[1:4] {
		f := strings.Split(l, ";")
		f[17], f[18], f[19], f[20] = "ALTX20", "Altersgruppen", "ALTER018B25", "18 bis unter 25 Jahre"
		ages += strings.Join(f, ";")
	}
	// Two lines rejected: a nationality of the wrong form in a line of Siegen-Wittgenstein,
	// and a line cut short, whose Kreis cannot be told.
	var siwi int
	for i, l := range lines {
		if strings.Contains(l, ";KREISE;Kreise;05970;") && strings.Contains(l, ";ST475;Syrien;") {
			siwi = i
			break
		}
	}
	dirty := append([]string(nil), lines...)
	dirty[siwi] = strings.Replace(dirty[siwi], ";ST475;", ";475;", 1)
	dirty[5] = strings.Join(strings.Split(dirty[5], ";")[:12], ";") + "\n"
	latin1 := strings.NewReplacer("ü", "\xfc", "ä", "\xe4", "ö", "\xf6").Replace(strings.TrimPrefix(real, "\uFEFF"))
	ki := "Kommunales Integrationszentrum;Schutzsuchende nach Gemeinden\r\nStichtag: 31.07.2026\r\n;\r\nKreis;AGS;Gemeinde;Statusgruppe;Anzahl\r\n" +
		"05970;05970040;Siegen;Schutz;1234\r\n05970;05970040;Siegen;Geduldete;350\r\n05966;05966024;Olpe;Schutz;400\r\n05970;05966004;Attendorn;Asyl;12\r\n" +
		"__________\r\nStand: 05.08.2026\r\n"

	cases := []struct {
		name, content string
		kind          string   // "" ingested
		reason        []string // parts of the reason
	}{
		{"destatis_12531_20241231.csv", real, "", nil},
		{"destatis_12531_20231231.csv", population, source.KindForeignTable, []string{
			"die Datei ist eine andere GENESIS-Tabelle: gefunden Statistik 12411 (Fortschreibung des Bevölkerungsstandes) mit den Merkmalen KREISE (Kreise), GES (Geschlecht), Wert BEVSTD (Bevölkerungsstand)",
			"erwartet: die GENESIS-Tabelle 12531-0043 im Flatfile-Format (ffcsv): Statistik 12531 (Statistik über Schutzsuchende), Merkmale KREISE, SCHST2, GES, STAAG5, Wert BEV030"}},
		{"destatis_12531_20221231.csv", ages, source.KindForeignTable, []string{
			"gefunden Statistik 12531 (Statistik über Schutzsuchende) mit den Merkmalen KREISE (Kreise), SCHST2 (Schutzstatuskategorie), GES (Geschlecht), ALTX20 (Altersgruppen)"}},
		{"destatis_12531_20251231.csv", real, source.KindUnreadable, []string{"die Tabelle hat den Stichtag 31.12.2024 (Spalte time), der Dateiname 31.12.2025"}},
		{"destatis_12531_20211231.csv", "Kreis;AGS;Gemeinde;Statusgruppe;Anzahl\n05970;05970040;Siegen;Schutz;1234\n", source.KindWrongHeader,
			[]string{"keine einer GENESIS-Tabelle im Flatfile-Format", "gefunden: Kreis;AGS;Gemeinde;Statusgruppe;Anzahl"}},
		{"destatis_12531_20201231.csv", latin1, source.KindBadEncoding, []string{"UTF-8"}},
		{"destatis_12531_20240630.csv", real, source.KindBadName, []string{"kein Jahresende"}},
		{"destatis_12531_20191231.csv", strings.Replace(strings.Join(dirty, ""), ";2024-12-31;", ";2019-12-31;", -1), "", nil},
		{"ki_schutzsuchende_202607.csv", ki, "", nil},
		// July's table named for August would be taken in as August's.
		{"ki_schutzsuchende_202608.csv", ki, source.KindUnreadable, []string{"die Tabelle hat den Stichtag 31.07.2026 (Zeile „Stichtag:“), der Dateiname den Monat 08/2026"}},
		{"ki_schutzsuchende_202606.csv", strings.Replace(ki, "31.07.2026", "3I.06.2026", 1), source.KindUnreadable, []string{"die Zeile „Stichtag:“ der Tabelle nennt kein Datum (TT.MM.JJJJ), der Dateiname den Monat 06/2026"}},
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
	for _, c := range cases {
		q, ok := got[c.name]
		if c.kind == "" {
			if ok {
				t.Errorf("%s: quarantined: %+v", c.name, q)
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
	}
	m, err := lake.ReadManifest(h.lake())
	if err != nil {
		t.Fatal(err)
	}
	entries := map[string]lake.Entry{}
	for _, e := range m.Entries {
		entries[e.Name] = e
	}
	if e := entries["destatis_12531_20241231.csv"]; e.Outcome != lake.Ingested || e.RowsRead != 790 || e.Accepted != 790 || len(e.Findings) != 0 ||
		e.Export != "destatis_12531" || e.Stichtag != "2024-12-31" || e.RejectedKreis != nil {
		t.Errorf("the real file: %+v", e)
	}
	if e := entries["destatis_12531_20191231.csv"]; e.Rejected != 2 || e.Accepted != 788 ||
		!maps.Equal(e.RejectedKreis, map[string]int{"05970": 1, lake.UnknownKreis: 1}) {
		t.Errorf("rejected lines: %+v", e)
	}
	// The July case: a line of an unknown status group hid 350 people of Siegen-Wittgenstein;
	// a Gemeinde of Olpe under Kreis Siegen-Wittgenstein says neither for sure.
	if e := entries["ki_schutzsuchende_202607.csv"]; e.Rejected != 2 || e.Accepted != 2 ||
		!maps.Equal(e.RejectedKreis, map[string]int{"05970": 1, lake.UnknownKreis: 1}) {
		t.Errorf("population table: %+v", e)
	}
	// The real file's lines are in the lake.
	if parts, _ := filepath.Glob(filepath.Join(h.lake(), "export=destatis_12531", "stichtag=2024-12-31", "*.parquet")); len(parts) != 1 {
		t.Errorf("lake parts %v", parts)
	}
}
