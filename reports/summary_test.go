package reports

import (
	"slices"
	"testing"
)

// TestSummaryForMail: a mail's lines are the key figures together, per Kreis where the
// table has a column per Kreis, then the sentences; breakdowns, coverage and figures
// that cannot be computed yet (x) stay in the report. Both reports' tables have a
// column per Kreis, then "zusammen".
func TestSummaryForMail(t *testing.T) {
	weekly := &Report{Kind: KindWeekly, Keys: &KeyTable{Rows: []KeyRow{
		{Name: "Betreute Kunden am Sonntag der Woche", Cells: []string{"1.204", "611", "1.815", "1.800", "+0,8 %"}},
		{Name: "Neue Zugänge", Cells: []string{"*", "7", "19", "21", "-9,5 %"}},
		{Name: "davon: Frauen", Cells: []string{"5", "3", "8", "", ""}},
		{Name: "Anteil mit Förderbedarf", Cells: []string{"80 %", "79 %", "80 %", "", ""}},
	}}, Text: []string{"Der Bestand stieg gegenüber der Vorwoche um 0,8 % auf 1.815 betreute Kunden."}}
	monthly := &Report{Kind: KindMonthly, Keys: &KeyTable{Rows: []KeyRow{
		{Name: "Neue Zugänge", Cells: []string{"52", "31", "83", "80", "+3,8 %", "x", "x", ""}},
		{Name: "davon: Arbeitsaufnahme", Cells: []string{"", "", "12", "10", "+20,0 %", "x", "x", ""}},
		{Name: "Integrationen nach § 48a SGB II (K2)", Cells: []string{"9", "*", "14", "11", "+27,3 %", "x", "x", "20 (6 darunter)"}},
		{Name: "Integrationsquote (12 Monate)", Cells: []string{"", "", "x", "x", "", "x", "", ""}},
		{Name: "Minijob-Quote (12 Monate)", Cells: []string{"", "", "4,1 %", "4,0 %", "", "x", "", ""}},
		{Name: "Abdeckung der geflüchteten Bevölkerung", Cells: []string{"41,0", "38,2", "40,1", "x", "", "x", "", ""}},
		{Name: "Aufnahmen: Ausbildung", Cells: []string{"", "", "3", "2", "+50,0 %", "x", "x", ""}},
	}}, Text: []string{"Im November 2026 kamen 83 Kunden neu hinzu."}}
	for _, c := range []struct {
		r    *Report
		want []string
	}{
		{weekly, []string{"Betreute Kunden am Sonntag der Woche: 1.815 (Siegen-Wittgenstein 1.204, Olpe 611)",
			"Neue Zugänge: 19 (Siegen-Wittgenstein *, Olpe 7)",
			"Der Bestand stieg gegenüber der Vorwoche um 0,8 % auf 1.815 betreute Kunden."}},
		{monthly, []string{"Neue Zugänge: 83 (Siegen-Wittgenstein 52, Olpe 31)",
			"Integrationen nach § 48a SGB II (K2): 14 (Siegen-Wittgenstein 9, Olpe *)",
			"Minijob-Quote (12 Monate): 4,1 %",
			"Im November 2026 kamen 83 Kunden neu hinzu."}},
		{&Report{Kind: KindCohorts}, nil},
	} {
		if got := summary(c.r); !slices.Equal(got, c.want) {
			t.Errorf("%s:\n got %q\nwant %q", c.r.Kind, got, c.want)
		}
	}
}
