package source

import (
	"strconv"
	"strings"
	"testing"

	"ipoint/pipeline"
	"ipoint/pipeline/protect"
	"ipoint/pipeline/read"
)

var pz = func() *protect.Pseudonymizer {
	k, _ := protect.ParseKey(strings.Repeat("ab", 32))
	return protect.New(k)
}()

// valid rows, one per export, as the contract's columns in order.
var validRows = map[*Export][]string{
	Verbis: {"975D004711", "97001BG0004711", "Al-Hassan", "Omar", "00.00.1990", "m", "SYR", "AE25_2", "SGB2", "05970",
		"05970040", "01.02.2021", "03.03.2025", "", "", "J", "ABI", "KEIN", "A2", "HELFER", "IK"},
	Arbeitsaufnahmen: {"AU-2026-000001", "975D004711", "SVB_VZ", "01.12.2026", "", "37,5", "2150,00", "56.10", "N",
		"91234567", "24.11.2026", "N"},
	Massnahmen: {"TN-1", "975D004711", "IK", "Sprachinstitut", "02.03.2026", "30.10.2026", "30.10.2026", "BEENDET", "B1"},
	Aufenthalt: {"ABH-05970-2026-000001", "912345678901", "975D004711", "AE25_2", "§ 25 Abs. 2 AufenthG", "2026-11-20",
		"2029-11-19", "05970040", "ERLAUBT"},
	Beratungen:     {"B-2026-11-000001", "2026-11-03", "05970", "GEFLUECHTETE", "ARBEIT", "TELEFON", "45", "975D004711", ""},
	Schutzsuchende: {"05970", "05970040", "Siegen", "Schutz", "1234"},
	Destatis: {"05970", "Siegen-Wittgenstein, Landkreis", "SCHUTZST-AK-3", "Befristet anerkannter Schutzstatus aus Asylverf.",
		"GESW", "weiblich", "ST475", "Syrien", "1085"},
}

// check validates row against e and returns the findings.
func check(t *testing.T, e *Export, row []string) (pipeline.Record, []pipeline.Finding) {
	t.Helper()
	b, err := e.Bind(e.ColumnNames())
	if err != nil {
		t.Fatal(err)
	}
	v := b.NewValidator("x", "05970", pz)
	return v.Row(&read.Row{Line: 7, Fields: row}, nil, nil)
}

func TestValidRowsAreClean(t *testing.T) {
	for e, row := range validRows {
		rec, f := check(t, e, row)
		if rec == nil || len(f) != 0 {
			t.Errorf("%s: valid row gave %v", e.Name, f)
		}
	}
}

// TestDirtPerExport: every kind of row dirt of sources.md, per export, gives its
// finding on its column, rejected or kept as the contract says.
func TestDirtPerExport(t *testing.T) {
	cases := []struct {
		e        *Export
		column   string
		value    string
		kind     string
		rejected bool
	}{
		{Verbis, "Zugang_IP", "31.02.2026", KindInvalidDate, true},
		{Verbis, "Geburtsdatum", "31.02.1990", KindInvalidDate, true},
		{Verbis, "Geburtsdatum", "00.05.1990", "", false}, // only the month known: valid
		{Verbis, "Geburtsdatum", "12.00.1990", KindInvalidDate, true},
		{Verbis, "Aufenthaltsstatus", "AE26", KindUnknownCode, true},
		{Verbis, "Status", "ARB", KindUnknownCode, true},
		{Verbis, "Staatsangehoerigkeit", "SY", KindUnknownCode, true},
		{Verbis, "Kundennummer", "975d004711", KindBadIdentifier, true},
		{Verbis, "BG_Nummer", "97001-BG-0004711", KindBadIdentifier, true},
		{Verbis, "Gemeinde", "05966024", KindOutsideKreis, true},
		{Verbis, "Gemeinde", "05970099", KindUnknownCode, true},
		{Verbis, "Zugang_IP", "", KindMissingValue, true},
		{Verbis, "Abgangsgrund", "INT", KindInconsistent, true}, // a reason without an exit
		{Arbeitsaufnahmen, "Beginn", "31.02.2026", KindInvalidDate, true},
		{Arbeitsaufnahmen, "Art", "FEST", KindUnknownCode, true},
		{Arbeitsaufnahmen, "Aufnahme_ID", "AU-2026-00001", KindBadIdentifier, true},
		{Arbeitsaufnahmen, "Betriebsnummer", "9123456", KindBadIdentifier, true},
		{Arbeitsaufnahmen, "Bruttoentgelt", "2.150,00", KindThousands, false},
		{Arbeitsaufnahmen, "Bruttoentgelt", "2.15,00", KindInvalidNumber, true},
		{Arbeitsaufnahmen, "Wochenstunden", "37.5", KindInvalidNumber, true},
		{Arbeitsaufnahmen, "WZ2008", "56.1", KindInvalidValue, true},
		{Arbeitsaufnahmen, "Ende", "30.11.2026", KindInconsistent, true}, // before Beginn
		{Massnahmen, "Beginn", "31.02.2026", KindInvalidDate, true},
		{Massnahmen, "Status", "ABGESCHLOSSEN", KindUnknownCode, true},
		{Massnahmen, "Massnahmeart", "IK_PLUS", KindUnknownCode, true},
		{Massnahmen, "Kundennummer", "975D00471", KindBadIdentifier, true},
		{Massnahmen, "Ergebnis", "B2", KindUnknownCode, true}, // not a result of an integration course
		{Massnahmen, "Ende_geplant", "01.01.2026", KindInconsistent, true},
		{Aufenthalt, "gueltigAb", "2026-02-31", KindInvalidDate, true},
		{Aufenthalt, "status", "AE99", KindUnknownCode, true},
		{Aufenthalt, "erwerbstaetigkeit", "JA", KindUnknownCode, true},
		{Aufenthalt, "azrNummer", "91234567890", KindBadIdentifier, true},
		{Aufenthalt, "kundennummer", "975D0O4711", KindBadIdentifier, true},
		{Beratungen, "datum", "2026-02-30", KindInvalidDate, true},
		{Beratungen, "thema", "SONSTIGES", KindUnknownCode, true},
		{Beratungen, "kundennummer", "975d004711", KindBadIdentifier, true},
		{Beratungen, "kundennummer", "", KindMissingValue, true},
		{Beratungen, "dauer_min", "0", KindInvalidNumber, true},
		{Schutzsuchende, "Statusgruppe", "Geduldete", KindUnknownCode, true},
		{Schutzsuchende, "AGS", "05966024", KindOutsideKreis, true},
		{Schutzsuchende, "Anzahl", ".", "", false},
		{Schutzsuchende, "Anzahl", "-", "", false},
		{Schutzsuchende, "Anzahl", "12a", KindInvalidNumber, true},
		{Destatis, "KREISE", "05999", KindUnknownCode, true},
		{Destatis, "SCHST2", "SCHUTZST-AK-6", KindUnknownCode, true},
		{Destatis, "GES", "GESD", KindUnknownCode, true},
		{Destatis, "STAAG5", "475", KindInvalidValue, true},
		{Destatis, "value", ".", "", false},
		{Destatis, "value", "-", "", false},
		{Destatis, "value", "1.085", KindInvalidNumber, true},
		{Destatis, "value", "", KindMissingValue, true},
	}
	for _, c := range cases {
		row := append([]string(nil), validRows[c.e]...)
		i, ok := c.e.Column(c.column)
		if !ok {
			t.Fatalf("%s has no column %s", c.e.Name, c.column)
		}
		row[i] = c.value
		rec, f := check(t, c.e, row)
		name := c.e.Name + "/" + c.column + "=" + c.value
		if c.kind == "" {
			if rec == nil || len(f) != 0 {
				t.Errorf("%s: want clean, got %v", name, f)
			}
			continue
		}
		if len(f) != 1 || f[0].Kind != c.kind || f[0].Column != c.column || f[0].Rejected != c.rejected || f[0].Line != 7 {
			t.Errorf("%s: want one %s on %s (rejected %v), got %+v", name, c.kind, c.column, c.rejected, f)
		}
		if (rec == nil) != c.rejected {
			t.Errorf("%s: record %v, rejected %v", name, rec != nil, c.rejected)
		}
		if f[0].Reason == "" {
			t.Errorf("%s: no reason", name)
		}
	}
}

func TestExitWithoutReasonIsKeptAsUnknown(t *testing.T) {
	row := append([]string(nil), validRows[Verbis]...)
	i, _ := Verbis.Column("Abgang_IP")
	row[i] = "01.10.2026"
	rec, f := check(t, Verbis, row)
	if rec == nil || len(f) != 1 || f[0].Kind != KindMissingReason || f[0].Rejected {
		t.Fatalf("got %v", f)
	}
	out := 0
	for j, fl := range Verbis.Fields() {
		if fl.Name == "abgangsgrund" {
			out = j
		}
	}
	if rec[out].S != pipeline.ExitReasonUnknown {
		t.Errorf("abgangsgrund stored as %q", rec[out].S)
	}
}

func TestPersonalDataNeverStored(t *testing.T) {
	rec, _ := check(t, Verbis, validRows[Verbis])
	for _, v := range rec {
		for _, personal := range []string{"975D004711", "0004711", "Al-Hassan", "Omar", "00.00.1990"} {
			if strings.Contains(v.S, personal) {
				t.Errorf("record holds %q", personal)
			}
		}
	}
	for _, f := range Verbis.Fields() {
		if f.Name == "nachname" || f.Name == "vorname" || f.Name == "geburtsdatum" {
			t.Errorf("lake field %s", f.Name)
		}
	}
}

func TestHeaderProblems(t *testing.T) {
	if _, err := Arbeitsaufnahmen.Bind(Verbis.ColumnNames()); err == nil || err.(*HeaderProblem).Kind != KindWrongHeader {
		t.Errorf("another export's header: %v", err)
	}
	cols := Arbeitsaufnahmen.ColumnNames()
	if _, err := Arbeitsaufnahmen.Bind(cols[:len(cols)-2]); err == nil || err.(*HeaderProblem).Kind != KindMissingColumn {
		t.Errorf("missing column: %v", err)
	}
	b, err := Arbeitsaufnahmen.Bind(append(cols, "Bemerkung"))
	if err != nil || len(b.Extra) != 1 || b.Extra[0] != "Bemerkung" {
		t.Errorf("extra column: %v %v", b, err)
	}
}

func TestDetect(t *testing.T) {
	cases := map[string]Class{
		"verbis_kunden_20261124.csv": Data, "abh_aufenthalt_05966_20261124.xml": Data, "beratungen_202610.jsonl": Data,
		"verbis_kunden_20261124.csv.part": Ignored, ".~lock.x#": Ignored, "verbis_kunden_20261124.csv.md5": Ignored,
		"Liesmich.txt": Unknown, "massnahmen_2026-11-24.xlsx": Unknown,
		"verbis_kunden_20261332.csv": BadName, "abh_aufenthalt_05999_20261124.xml": BadName,
	}
	for name, want := range cases {
		if got, _, _ := Detect(name); got != want {
			t.Errorf("%s: class %d, want %d", name, got, want)
		}
	}
	_, d, _ := Detect("ki_schutzsuchende_202602.csv")
	if d.Stichtag.Format("2006-01-02") != "2026-02-28" {
		t.Errorf("monthly Stichtag %s", d.Stichtag)
	}
	// The yearly official statistics: Stichtag 31.12., nothing else.
	if c, d, err := Detect("destatis_12531_20241231.csv"); c != Data || d.Export != Destatis || d.Stichtag.Format("2006-01-02") != "2024-12-31" || err != nil {
		t.Errorf("yearly: %v %+v %v", c, d, err)
	}
	if c, _, err := Detect("destatis_12531_20240630.csv"); c != BadName || err == nil || !strings.Contains(err.Error(), "kein Jahresende") {
		t.Errorf("yearly on a mid-year day: %v %v", c, err)
	}
	for _, name := range []string{"destatis_12531_2024.csv", "12531-0043_flat.csv", "destatis_12411_20241231.csv"} {
		if c, _, _ := Detect(name); c != Unknown {
			t.Errorf("%s: class %d, want unknown", name, c)
		}
	}
}

// TestRejectedRowsOfAggregates: a rejected row of an aggregate table counts for the Kreis
// its Kreis cell names, unless that cell is invalid or the row contradicts it; rows of
// other exports count for none.
func TestRejectedRowsOfAggregates(t *testing.T) {
	cases := []struct {
		e             *Export
		column, value string
		kreis         string
	}{
		{Schutzsuchende, "Statusgruppe", "Geduldete", "05970"},
		{Schutzsuchende, "Anzahl", "12a", "05970"},
		{Schutzsuchende, "Kreis", "5970", ""},
		{Schutzsuchende, "AGS", "05966024", ""}, // the AGS lies in Olpe: which Kreis is meant?
		{Destatis, "STAAG5", "Syrien", "05970"},
		{Destatis, "KREISE", "", ""},
	}
	for _, c := range cases {
		row := append([]string(nil), validRows[c.e]...)
		i, _ := c.e.Column(c.column)
		row[i] = c.value
		b, err := c.e.Bind(c.e.ColumnNames())
		if err != nil {
			t.Fatal(err)
		}
		v := b.NewValidator("x", "", pz)
		rec, f := v.Row(&read.Row{Line: 7, Fields: row}, nil, nil)
		if rec != nil {
			t.Fatalf("%s/%s=%q: not rejected", c.e.Name, c.column, c.value)
		}
		if got := v.RejectedKreis(f); got != c.kreis {
			t.Errorf("%s/%s=%q: Kreis %q, want %q", c.e.Name, c.column, c.value, got, c.kreis)
		}
	}
	if Verbis.AggregateKreis != "" || Schutzsuchende.AggregateKreis == "" || Destatis.AggregateKreis == "" {
		t.Error("aggregate tables")
	}
}

// TestForeignTable: a GENESIS file of another table is named in the reason by its
// statistic, dimensions and value, with the table expected; what does not look like a
// code or a name is not repeated.
func TestForeignTable(t *testing.T) {
	hp := Destatis.ForeignTable(read.GenesisTable{
		Statistic: read.GenesisVariable{Code: "12411", Label: "Fortschreibung des Bevölkerungsstandes"},
		Variables: []read.GenesisVariable{{Code: "KREISE", Label: "Kreise"}, {Code: "GES", Label: "Geschlecht"}, {Code: "Müller Hans 01.01.1990", Label: "975D004711"}},
		Value:     read.GenesisVariable{Code: "BEVSTD", Label: "Bevölkerungsstand"}, Time: "2024-12-31"})
	want := "die Datei ist eine andere GENESIS-Tabelle: gefunden Statistik 12411 (Fortschreibung des Bevölkerungsstandes) mit den Merkmalen " +
		"KREISE (Kreise), GES (Geschlecht), (kein Schlüssel), Wert BEVSTD (Bevölkerungsstand); erwartet: die GENESIS-Tabelle 12531-0043 im Flatfile-Format (ffcsv): " +
		"Statistik 12531 (Statistik über Schutzsuchende), Merkmale KREISE, SCHST2, GES, STAAG5, Wert BEV030"
	if hp.Kind != KindForeignTable || hp.Reason != want {
		t.Errorf("%s:\n%s\nwant\n%s", hp.Kind, hp.Reason, want)
	}
}

// TestValueTooLong (issue 15, D4): a cell longer than MaxValue characters is rejected
// with its length, in every column of every export; nothing of its text is shown.
func TestValueTooLong(t *testing.T) {
	long := strings.Repeat("Müller ", MaxValue/7+1) + "Hans"
	for e, valid := range validRows {
		for i, c := range e.Columns {
			row := append([]string(nil), valid...)
			row[i] = long
			rec, fs := check(t, e, row)
			if rec != nil || len(fs) != 1 || fs[0].Kind != KindTooLong || fs[0].Column != c.Name || !fs[0].Rejected {
				t.Errorf("%s.%s: %v", e.Name, c.Name, fs)
				continue
			}
			want := "Wert zu lang (" + strconv.Itoa(len([]rune(long))) + " Zeichen, höchstens 1000)"
			if fs[0].Reason != want || fs[0].Value != "" {
				t.Errorf("%s.%s: %q, value %q", e.Name, c.Name, fs[0].Reason, fs[0].Value)
			}
		}
	}
}
