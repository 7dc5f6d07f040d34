package source

import (
	"slices"
	"testing"

	"ipoint/pipeline"
)

// TestCatalog: every export is declared whole, and what is derived from the
// declarations is what sources.md says.
func TestCatalog(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range All() {
		if e.Name == "" || e.Title == "" || e.Pattern == nil || len(e.Columns) == 0 || seen[e.Name] {
			t.Errorf("export %q is not declared whole (or twice)", e.Name)
		}
		seen[e.Name] = true
		if ByName(e.Name) != e {
			t.Errorf("ByName(%q)", e.Name)
		}
		if e.Snapshot && e.KeyColumn() < 0 {
			t.Errorf("%s: a snapshot without a key", e.Name)
		}
		want, cadence := DefaultDailyMaxAgeDays, "täglich"
		switch {
		case e.Monthly && e.Yearly:
			t.Errorf("%s: monthly and yearly", e.Name)
		case e.Monthly:
			want, cadence = MonthlyMaxAgeDays, "monatlich"
		case e.Yearly:
			want, cadence = YearlyMaxAgeDays, "jährlich"
		}
		if got := e.MaxAgeDays(DefaultDailyMaxAgeDays); got != want {
			t.Errorf("%s: max age %d, want %d", e.Name, got, want)
		}
		if c := e.Cadence(); c != cadence {
			t.Errorf("%s: cadence %q", e.Name, c)
		}
		if (e.Format == Genesis) != (e.Genesis != nil) {
			t.Errorf("%s: a GENESIS export names its table", e.Name)
		}
		if e.AggregateKreis != "" {
			if i, ok := e.Column(e.AggregateKreis); !ok || e.ClientColumn() >= 0 || !slices.Equal(e.Columns[i].Codes, pipeline.Kreise) {
				t.Errorf("%s: an aggregate table without persons names its Kreis column", e.Name)
			}
		}
	}
	if len(seen) != 7 {
		t.Errorf("%d exports", len(seen))
	}
	if s := Aufenthalt.Streams(); len(s) != 2 || s[0] != "abh_aufenthalt/05966" || s[1] != "abh_aufenthalt/05970" {
		t.Errorf("abh_aufenthalt streams %v", s)
	}
	if s := Verbis.Streams(); len(s) != 1 || s[0] != "verbis_kunden" {
		t.Errorf("verbis_kunden streams %v", s)
	}
	if Verbis.Columns[Verbis.ClientColumn()].Name != "Kundennummer" || Beratungen.Columns[Beratungen.ClientColumn()].Name != "kundennummer" ||
		Schutzsuchende.ClientColumn() != -1 {
		t.Error("client columns")
	}
	for _, e := range All() {
		if e.ClientMaster() != (e == Verbis) {
			t.Errorf("%s: client master %v", e.Name, e.ClientMaster())
		}
	}
	for _, k := range Kinds() {
		if KindLabel(k) == k {
			t.Errorf("kind %s has no German label", k)
		}
	}
	if c, _, err := Detect("abh_aufenthalt_05999_20261124.xml"); c != BadName || err == nil {
		t.Errorf("a foreign Kreis: %v %v", c, err)
	}
}
