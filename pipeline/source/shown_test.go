package source

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestNoCellTextInFindings: a surname (or other free text) typed into any column of any
// export never appears in a finding's reason or value. The test walks every column of
// every contract, so a column or rule added later is held to it without being listed.
func TestNoCellTextInFindings(t *testing.T) {
	texts := []string{"Müller-Lüdenscheid", "MEIER", "Meier", "Ali Hassan", "975D004711 Meier", strings.Repeat("Ö", 200)}
	for e, valid := range validRows {
		for i, c := range e.Columns {
			for _, text := range texts {
				row := append([]string(nil), valid...)
				row[i] = text
				_, findings := check(t, e, row)
				for _, f := range findings {
					for _, part := range []string{"Müller", "Lüdenscheid", "MEIER", "Meier", "Hassan", "ÖÖ"} {
						if strings.Contains(text, part) && (strings.Contains(f.Reason, part) || strings.Contains(f.Value, part)) {
							t.Errorf("%s/%s=%q: finding quotes the text: %+v", e.Name, c.Name, text, f)
						}
					}
					if len(f.Value) > maxShown+len("…") && !strings.HasPrefix(f.Value, "V-") {
						t.Errorf("%s/%s: value not shortened: %d bytes", e.Name, c.Name, len(f.Value))
					}
				}
			}
		}
	}
}

// TestFindingsSayWhatWasWrong: an unknown code is described by its length and kinds of
// characters; a valid code, a date's text and a short number are shown, as they cannot
// be personal.
func TestFindingsSayWhatWasWrong(t *testing.T) {
	cases := []struct {
		e             *Export
		column, value string
		reason, shown string // shown: the finding's value
	}{
		{Verbis, "Geschlecht", "Müller", `unbekannter Schlüssel (6 Zeichen: Buchstaben)`, ""},
		{Verbis, "Staatsangehoerigkeit", "Müller-Lüdenscheid", `unbekannter Schlüssel (18 Zeichen: Buchstaben, Sonderzeichen)`, ""},
		{Verbis, "Zugang_IP", "31.02.2026", `kein gültiges Datum TT.MM.JJJJ: "31.02.2026"`, "31.02.2026"},
		{Verbis, "Zugang_IP", "gestern", `kein gültiges Datum TT.MM.JJJJ (7 Zeichen: Buchstaben)`, ""},
		{Arbeitsaufnahmen, "Wochenstunden", "37.5", `keine Zahl mit Dezimalkomma: "37.5"`, "37.5"},
		{Arbeitsaufnahmen, "Wochenstunden", "912345678901", `keine Zahl mit Dezimalkomma (12 Zeichen: Ziffern)`, ""},
		{Arbeitsaufnahmen, "Aufnahme_ID", "AU-2026-00001", `Kennung hat nicht die vorgeschriebene Form (13 Zeichen: Buchstaben, Ziffern, Sonderzeichen)`, ""},
		{Massnahmen, "Ergebnis", "B2", `Ergebnis B2 ist für IK nicht vorgesehen`, "B2"},
		{Massnahmen, "Ergebnis", "Frau Müller", `unbekannter Schlüssel (11 Zeichen: Buchstaben, Leerzeichen)`, ""},
		{Aufenthalt, "wohnsitzauflage", "Siegen", `Wert hat nicht die vorgeschriebene Form (6 Zeichen: Buchstaben)`, ""},
	}
	for _, c := range cases {
		row := append([]string(nil), validRows[c.e]...)
		i, _ := c.e.Column(c.column)
		row[i] = c.value
		_, f := check(t, c.e, row)
		if len(f) != 1 || f[0].Reason != c.reason || f[0].Value != c.shown {
			t.Errorf("%s/%s=%q: got %+v, want reason %q and value %q", c.e.Name, c.column, c.value, f, c.reason, c.shown)
		}
	}
	// Identifiers show as the value token of their text; names and birth dates not at all.
	row := append([]string(nil), validRows[Verbis]...)
	i, _ := Verbis.Column("Kundennummer")
	row[i] = "975d004711"
	if _, f := check(t, Verbis, row); len(f) != 1 || !strings.HasPrefix(f[0].Value, "V-") || strings.Contains(f[0].Reason, "975") {
		t.Errorf("mistyped Kundennummer: %+v", f)
	}
	if got := clip(strings.Repeat("ä", 40)); len(got) > maxShown || !utf8.ValidString(got) {
		t.Errorf("clip: %q", got)
	}
}

// TestRecordIDsAreTokens: the agencies' record ids reach the lake as record tokens of
// their export, never in clear and never as a client's token.
func TestRecordIDsAreTokens(t *testing.T) {
	for e, valid := range validRows {
		rec, _ := check(t, e, valid)
		if rec == nil {
			t.Fatalf("%s: valid row rejected", e.Name)
		}
		out := 0
		if !e.Snapshot {
			out = 1 // source_line
		}
		for i, c := range e.Columns {
			if c.Out == "" {
				continue
			}
			if c.Type == RecordID {
				if got, want := rec[out].S, e.RecordToken(pz, valid[i]); got != want || strings.Contains(got, valid[i]) {
					t.Errorf("%s/%s stored as %q, want its record token %q", e.Name, c.Name, got, want)
				}
			}
			out++
		}
	}
	for _, name := range []string{"Aufnahme_ID"} {
		if i, _ := Arbeitsaufnahmen.Column(name); Arbeitsaufnahmen.Columns[i].Type != RecordID {
			t.Errorf("%s is not a record id", name)
		}
	}
	for e, col := range map[*Export]string{Massnahmen: "Teilnahme_ID", Aufenthalt: "@id", Beratungen: "id"} {
		if i, _ := e.Column(col); e.Columns[i].Type != RecordID {
			t.Errorf("%s/%s is not a record id", e.Name, col)
		}
	}
}

// TestShownExtra: a name beyond the contract's is recorded as it is only where it is a
// column of some export's contract; any other, also one that looks like a column's name,
// by its length and kinds of characters.
func TestShownExtra(t *testing.T) {
	got := ShownExtra([]string{"Zugang_IP", "@id", "<status>", "Bemerkung", "Mueller_Anna", "@Yilmaz", "<Kowalski_Jan>", " "})
	want := []string{"Zugang_IP", "@id", "<status>",
		"(Name nicht wiedergegeben, 9 Zeichen: Buchstaben)",
		"(Name nicht wiedergegeben, 12 Zeichen: Buchstaben, Sonderzeichen)",
		"Attribut (Name nicht wiedergegeben, 6 Zeichen: Buchstaben)",
		"Element außerhalb der Datensätze (Name nicht wiedergegeben, 12 Zeichen: Buchstaben, Sonderzeichen)",
		"(leer)"}
	if !slices.Equal(got, want) {
		t.Errorf("ShownExtra = %q,\nwant %q", got, want)
	}
}

// TestShownNames: a quarantine reason names what a delivery holds instead of its
// contract's columns only where a name is a contract's column (or XML root or record)
// or plausibly a misspelling of one; any other, a person's name above all, is described
// by its length and kinds of characters. A data row in the header's place is not
// described name by name.
func TestShownNames(t *testing.T) {
	cases := []struct {
		names []string
		want  string
	}{
		{[]string{"Kundennummer", "@id", "<meldung>", "<aufenthaltsmeldung>"}, "Kundennummer;@id;<meldung>;<aufenthaltsmeldung>"},
		// Near misses: a letter dropped, neighbours swapped, case, a space for the
		// underscore, an umlaut for its transliteration.
		{[]string{"Kundenummer", "Geschelcht", "Datum", "Zugang IP", "staatsangehörigkeit"},
			"Kundenummer;Geschelcht;Datum;Zugang IP;staatsangehörigkeit"},
		{[]string{"Mueller_Anna", "Yilmaz", "Jaeger", "@Kowalski", "<Schulze>", " "},
			"(Name nicht wiedergegeben, 12 Zeichen: Buchstaben, Sonderzeichen);" +
				"(Name nicht wiedergegeben, 6 Zeichen: Buchstaben);" +
				"(Name nicht wiedergegeben, 6 Zeichen: Buchstaben);" +
				"Attribut (Name nicht wiedergegeben, 8 Zeichen: Buchstaben);" +
				"Element (Name nicht wiedergegeben, 7 Zeichen: Buchstaben);(leer)"},
		{[]string{"975D004711", "Müller", "Hans", "01.01.1990"}, "keine Spaltennamen, sondern offenbar Daten (4 Felder, nicht wiedergegeben)"},
		{[]string{"Kreis", "AGS", "Gemeinde", "Status", "Anzahl", "Kreis", "AGS", "Gemeinde", "Anna"},
			"Kreis;AGS;Gemeinde;Status;Anzahl;Kreis;AGS;Gemeinde;… und 1 weitere"},
		{nil, "nichts"},
	}
	for _, c := range cases {
		if got := ShownNames(c.names); got != c.want {
			t.Errorf("ShownNames(%q) =\n%q,\nwant %q", c.names, got, c.want)
		}
	}
	// One edit from a short name, two from a long one, no more.
	for name, near := range map[string]bool{"Staus": true, "Stautss": false, "Staatsangehoerigkiet": true, "Staatsangehorigkiet": true,
		"Staatsangehrgkiet": false, "Traeger": true, "Träger": true, "Jaeger": false, "Mueller": false} {
		if nearName(name) != near {
			t.Errorf("nearName(%q) = %v", name, !near)
		}
	}
}
