package read

import (
	"archive/zip"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

const verbisHeader = "Kundennummer;BG_Nummer;Nachname;Vorname;Geburtsdatum;Geschlecht;Staatsangehoerigkeit;Aufenthaltsstatus;Rechtskreis;Kreis;Gemeinde;Einreise;Zugang_IP;Abgang_IP;Abgangsgrund;Foerderbedarf;Schulabschluss;Berufsabschluss;Sprachniveau;Zielniveau;Status"

func junk(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 7))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func TestGenerate(t *testing.T) {
	if os.Getenv("GEN") == "" {
		t.Skip()
	}
	row := func(kn, name, gem string) string {
		return kn + ";97001BG0004711;" + name + ";Amina;00.00.1990;w;SYR;AE25_2;SGB2;05970;" + gem + ";01.02.2016;15.03.2024;;;J;HAUPT;KEIN;A2;HELFER;AL"
	}
	crlf := func(lines ...string) []byte { return []byte(strings.Join(lines, "\r\n") + "\r\n") }
	broken := map[string][]byte{}
	broken["verbis_kunden_ragged.csv"] = crlf(verbisHeader, row("975D004711", "M\xfcller", "05970040"),
		strings.TrimSuffix(row("975D004712", "Sch\xe4fer", "05970040"), ";AL"),
		row("975D004713", "Gro\xdf", "05970012")+";EXTRA",
		row("975D004714", "\"Al-Hassan; Omar\"", "05970044"))
	broken["verbis_kunden_komma.csv"] = crlf(strings.ReplaceAll(verbisHeader, ";", ","), strings.ReplaceAll(row("975D004711", "M\xfcller", "05970040"), ";", ","))
	broken["verbis_kunden_binaer.csv"] = junk(1, 2048)
	var u16 []byte
	u16 = append(u16, 0xFF, 0xFE)
	for _, r := range string(crlf(verbisHeader, row("975D004711", "Müller", "05970040"))) {
		u16 = append(u16, byte(r), byte(r>>8))
	}
	broken["verbis_kunden_utf16le.csv"] = u16
	broken["verbis_kunden_leer.csv"] = nil
	aufn := "Aufnahme_ID;Kundennummer;Art;Beginn;Ende;Wochenstunden;Bruttoentgelt;WZ2008;Gefoerdert;Betriebsnummer;Meldedatum;Storno"
	broken["arbeitsaufnahmen_abgeschnitten.csv"] = append([]byte("\xEF\xBB\xBF"), []byte(aufn+"\nAU-2026-000001;975D004711;SVB_VZ;01.11.2026;;39,0;2.150,00;49.41;N;12345678;24.11.2026;N\nAU-2026-000002;975D004712;AUSB;01.11.2026;;39,0;1.0")...)
	broken["arbeitsaufnahmen_anfuehrungszeichen.csv"] = append([]byte("\xEF\xBB\xBF"), []byte(aufn+"\n\"AU-2026-000001;975D004711;SVB_VZ;01.11.2026;;39,0;2.150,00;49.41;N;12345678;24.11.2026;N\nAU-2026-000002;975D004712;AUSB;01.11.2026;;39,0;1.000,00;49.41;N;12345678;24.11.2026;N\n")...)
	doc := abhDoc("ISO-8859-1", "\xa7 25 Abs. 2 AufenthG")
	broken["abh_aufenthalt_05966_abgeschnitten.xml"] = []byte(doc[:strings.Index(doc, "<status>DUL")+9])
	broken["abh_aufenthalt_05966_latin1_als_utf8.xml"] = []byte(abhDoc("UTF-8", "\xa7 25 Abs. 2 AufenthG"))
	broken["abh_aufenthalt_05966_binaer.xml"] = junk(2, 2048)
	broken["abh_aufenthalt_05966_leer.xml"] = nil
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	w, _ := zw.Create("massnahmen.csv")
	w.Write(crlf("Teilnahme_ID;Kundennummer", "T-1;975D004711"))
	w, _ = zw.Create("LIESMICH.txt")
	w.Write([]byte("Export der Massnahmenverwaltung\r\n"))
	zw.Close()
	broken["massnahmen_zip_ohne_excel.xlsx"] = zb.Bytes()
	broken["massnahmen_binaer.xlsx"] = junk(3, 2048)
	broken["massnahmen_leer.xlsx"] = nil
	broken["massnahmen_ohne_blatt.xlsx"] = buildWorkbook(t, func(f *excelize.File) {
		f.SetSheetName("Sheet1", "Tabelle1")
		setRow(t, f, "Tabelle1", 1, teilnahmenHeader...)
	})
	broken["beratungen_abgeschnitten.jsonl"] = []byte(`{"id":"B-2026-11-000123","datum":"2026-11-03","kreis":"05970","zielgruppe":"ARBEITGEBER","thema":"EINSTELLUNG","kanal":"PERSOENLICH","dauer_min":45,"kundennummer":null,"betriebsnummer":"12345678"}` + "\n" + `{"id":"B-2026-11-000124","datum":"2026-11-03","kreis":"059`)
	broken["beratungen_binaer.jsonl"] = junk(4, 2048)
	broken["beratungen_leer.jsonl"] = nil
	broken["ki_schutzsuchende_leer.csv"] = nil
	broken["ki_schutzsuchende_komma.csv"] = []byte(strings.ReplaceAll(kiTable, ";", ","))
	broken["ki_schutzsuchende_ragged.csv"] = []byte(strings.Replace(strings.Replace(kiTable, "Siegen;Duldung;.", "Siegen;Duldung", 1), "Ukraine;-", "Ukraine;-;-", 1))
	broken["ki_schutzsuchende_binaer.csv"] = junk(5, 2048)
	dir := "testdata/broken"
	os.MkdirAll(dir, 0o755)
	for name, b := range broken {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func writeSeed(t *testing.T, target, name string, values ...any) {
	dir := filepath.Join("testdata/fuzz", target)
	os.MkdirAll(dir, 0o755)
	var b strings.Builder
	b.WriteString("go test fuzz v1\n")
	for _, v := range values {
		switch v := v.(type) {
		case []byte:
			fmt.Fprintf(&b, "[]byte(%q)\n", v)
		case byte:
			fmt.Fprintf(&b, "byte(%q)\n", v)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestSeeds(t *testing.T) {
	if os.Getenv("GEN") == "" {
		t.Skip()
	}
	os.RemoveAll("testdata/fuzz")
	broken, _ := filepath.Glob("testdata/broken/*")
	readB := func(p string) []byte { b, _ := os.ReadFile(p); return b }
	// CSV: (data, encoding, comma)
	csv := map[string][]any{
		"verbis-1252-crlf":   {[]byte("Kundennummer;Nachname;Gemeinde\r\n975D004711;M\xfcller;\"Siegen;\r\nNord\"\r\n\r\n975D004712;\"\"\"X\"\"\";Olpe\r\n975D004713;\xa7;\x80\r\n"), byte(2), byte(0)},
		"utf8-bom-lf":        {[]byte("\xEF\xBB\xBFa;b\n1;ü\n\"x\ny\";2\n"), byte(1), byte(0)},
		"latin1":             {[]byte("a;b\nErndtebr\xfcck;\xa7\n"), byte(3), byte(0)},
		"comma":              {[]byte("a,b\n1,\"2,5\"\n"), byte(0), byte(1)},
		"tab":                {[]byte("a\tb\n1\t2\n"), byte(0), byte(2)},
		"ragged-cut":         {[]byte("a;b;c\n1;2\n1;2;3\n1;2;3;4\n5;6"), byte(0), byte(0)},
		"undefined-1252":     {[]byte("a;b\r\n1;\x81\x8d\x8f\x90\x9d\r\n"), byte(2), byte(0)},
		"bad-quotes":         {[]byte("a;b\n\"x\"y;2\nab\"c;d\n\"open;1\n2;3\n"), byte(0), byte(0)},
		"invalid-utf8":       {[]byte("a;b\n1;M\xfcller\n"), byte(0), byte(0)},
		"header-only":        {[]byte("a;b\r\n"), byte(2), byte(0)},
		"header-no-line-end": {[]byte("a;b"), byte(0), byte(0)},
		"blank-lines":        {[]byte("\n\r\na;b\n\n1;2\r\n\r\n"), byte(0), byte(0)},
		"nul":                {[]byte("a;b\n1;\x00\n"), byte(3), byte(0)},
		"empty":              {[]byte{}, byte(0), byte(0)},
	}
	for name, v := range csv {
		writeSeed(t, "FuzzCSV", name, v...)
	}
	stat := map[string][]any{
		"ki-latin1":        {[]byte(kiTable), byte(3)},
		"no-footer-lf":     {[]byte("Stichtag: 30.09.2026\nKreis;Anzahl\n05970;1\n\n05966;-\n"), byte(3)},
		"header-first-bom": {[]byte("\xEF\xBB\xBFKreis;Anzahl\n05970;\"1\"\n"), byte(0)},
		"ragged-cut":       {[]byte("Kreis;AGS;Anzahl\n05970;05970040\n05970;05970040;1;x\n\"05970\"x;1;2\n05966;05966024;3"), byte(3)},
		"footer-1252":      {[]byte("Kreis;Anzahl\n1;2\n___\nStand\x8f\n"), byte(2)},
		"no-header":        {[]byte("Stichtag: 31.10.2026\nGemeinde;Anzahl\n"), byte(3)},
	}
	for name, v := range stat {
		writeSeed(t, "FuzzStatTable", name, v...)
	}
	xmls := map[string]string{
		"utf8":           abhDoc("UTF-8", "§ 25 Abs. 2 AufenthG"),
		"latin1":         abhDoc("ISO-8859-1", "\xa7 25 Abs. 2 AufenthG"),
		"windows-1252":   abhDoc("windows-1252", "\x84\xa7\x93 \x80"),
		"extra-elements": "<aufenthaltsmeldungen>\n<kopf><quelle>ABH</quelle></kopf>\n<meldung id=\"1\" neu=\"x\"><status>DUL</status><bemerkung>frei</bemerkung></meldung>\n<meldung\n id=\"2\"/>\n<!-- c --><![CDATA[x]]>&amp;</aufenthaltsmeldungen>",
		"cut":            abhDoc("UTF-8", "x")[:300],
		"second-root":    "<aufenthaltsmeldungen><meldung id=\"1\"/></aufenthaltsmeldungen>\n<aufenthaltsmeldungen/>",
		"wrong-root":     "<?xml version=\"1.0\"?>\n<meldungen><meldung id=\"1\"/></meldungen>",
		"shift-jis":      abhDoc("Shift_JIS", "x"),
		"empty":          "",
	}
	for name, v := range xmls {
		writeSeed(t, "FuzzXML", name, []byte(v))
	}
	jsonl := map[string]string{
		"spec":         `{"id":"B-2026-11-000123","datum":"2026-11-03","kreis":"05970","zielgruppe":"ARBEITGEBER","thema":"EINSTELLUNG","kanal":"PERSOENLICH","dauer_min":45,"kundennummer":null,"betriebsnummer":"12345678"}` + "\n",
		"mixed":        "\xEF\xBB\xBF{\"id\":\"a\\\"b\\u00fc\",\"dauer_min\":37.5}\r\n\n{\"id\":{}}\n[1]\nnull\n{\"id\":\"b\"} {}\n{\"id\":\"c\"}",
		"cut":          "{\"id\":\"a\"}\n{\"id\":\"b\",\"datum\":\"2026-",
		"invalid-utf8": "{\"id\":\"a\"}\n{\"id\":\"M\xfcller\"}\n",
		"empty":        "",
	}
	for name, v := range jsonl {
		writeSeed(t, "FuzzJSONL", name, []byte(v))
	}
	writeSeed(t, "FuzzXLSX", "spec-workbook", measuresWorkbook(t))
	writeSeed(t, "FuzzXLSX", "dirty-workbook", buildWorkbook(t, func(f *excelize.File) {
		f.SetSheetName("Sheet1", "Teilnahmen")
		setRow(t, f, "Teilnahmen", 1, teilnahmenHeader...)
		setRow(t, f, "Teilnahmen", 2, "T-1", "975D004711", "IK", -5, "NaN")
		setRow(t, f, "Teilnahmen", 3, "T-2", "975D004711", "IK", "01.01.2026", 3e6)
		setRow(t, f, "Teilnahmen", 9, "T-3", "975D004711", "IK", "", "", "rechts")
	}))
	writeSeed(t, "FuzzXLSX", "empty", []byte{})
	for _, p := range broken {
		n := filepath.Base(p)
		if n == "README.md" {
			continue
		}
		b := readB(p)
		seed := "broken-" + strings.ReplaceAll(n, ".", "-")
		switch {
		case strings.HasPrefix(n, "verbis"):
			writeSeed(t, "FuzzCSV", seed, b, byte(2), byte(0))
		case strings.HasPrefix(n, "arbeits"):
			writeSeed(t, "FuzzCSV", seed, b, byte(1), byte(0))
		case strings.HasPrefix(n, "ki_"):
			writeSeed(t, "FuzzStatTable", seed, b, byte(3))
		case strings.HasPrefix(n, "abh"):
			writeSeed(t, "FuzzXML", seed, b)
		case strings.HasPrefix(n, "berat"):
			writeSeed(t, "FuzzJSONL", seed, b)
		case strings.HasPrefix(n, "massn"):
			writeSeed(t, "FuzzXLSX", seed, b)
		}
	}
}
