package reports

import (
	"database/sql"
	"slices"
	"testing"
	"time"

	"ipoint/pipeline"
	"ipoint/reports/suppress"
)

// monthEnd builds a month end's composition: every resident has a sex, an age group and
// a municipality; Kirchhundem (Olpe) has one resident.
func monthEnd(day time.Time, nationalities map[string]int64) *structure {
	s := &structure{stichtag: day, counts: map[string]map[string]int64{}, byKreis: map[string]map[string]map[string]int64{}}
	add := func(m, kreis, v string, n int64) {
		if s.counts[m] == nil {
			s.counts[m] = map[string]int64{}
			s.byKreis[m] = map[string]map[string]int64{}
		}
		if s.byKreis[m][kreis] == nil {
			s.byKreis[m][kreis] = map[string]int64{}
		}
		s.counts[m][v] += n
		s.byKreis[m][kreis][v] += n
	}
	for _, m := range pipeline.Municipalities {
		n := int64(40)
		if m.Name == "Kirchhundem" {
			n = 1
		}
		add("gemeinde", m.Kreis, m.AGS, n)
		add("geschlecht", m.Kreis, "m", n/2)
		add("geschlecht", m.Kreis, "w", n-n/2)
		add("altersgruppe", m.Kreis, "25 bis unter 35", n)
		add("sprachniveau", m.Kreis, "A1", n)
	}
	var total int64
	for _, v := range s.counts["geschlecht"] {
		total += v
	}
	var rest int64
	for c, n := range nationalities {
		add("staatsangehoerigkeit", pipeline.KreisSiegenWittgenstein, c, n)
		rest += n
	}
	add("staatsangehoerigkeit", pipeline.KreisSiegenWittgenstein, "unbekannt", total-rest)
	add("herkunftsgruppe", pipeline.KreisSiegenWittgenstein, "Sonstige", total)
	return s
}

func emptyLedger() *Ledger {
	return &Ledger{Figures: map[string]LedgerFigure{}, Texts: map[string]string{}}
}

// A single resident of a municipality does not come back from the other municipalities
// and the month end's caseload (every resident has one municipality, and the sex chart
// adds up to the same caseload) — the relation a reviewer found missing.
func TestLoneMunicipalityProtected(t *testing.T) {
	s := monthEnd(time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), map[string]int64{"SYR": 300})
	f := newFigures(emptyLedger())
	s.register(f)
	if err := f.sys.Protect(3, 3); err != nil {
		t.Fatal(err)
	}
	if found, err := f.sys.Audit(3, 3, true); err != nil || len(found) > 0 {
		t.Fatalf("narrowed: %v %v", found, err)
	}
	// The attacker's own view: the 18 municipalities and "unbekannt" add up to the sex chart.
	a := suppress.NewSystem()
	var terms []suppress.Term
	for _, k := range []string{"m", "w"} {
		key := s.key("geschlecht", k)
		a.Figure(key, f.sys.Value(key), suppress.Published)
		terms = append(terms, suppress.Minus(key))
	}
	for _, m := range append(pipeline.Municipalities, pipeline.Municipality{AGS: "unbekannt"}) {
		key := s.key("gemeinde", m.AGS)
		st := suppress.Published
		if f.sys.Suppressed(key) {
			st = suppress.Hidden
		}
		a.Figure(key, f.sys.Value(key), st)
		terms = append(terms, suppress.Plus(key))
	}
	a.Equal(terms...)
	if found, err := a.Audit(3, 3, true); err != nil || len(found) > 0 {
		t.Fatalf("the attacker narrows %v %v (suppressed: %v)", found, err, f.sys.Decisions())
	}
}

// The eight nationalities shown for a month end stay those first shown, even when later
// data would rank another one eighth: two different rest bars of one day could be
// differenced.
func TestTopNationalitiesFrozen(t *testing.T) {
	day := time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	nat := map[string]int64{"SYR": 90, "UKR": 80, "AFG": 70, "IRQ": 60, "TUR": 50, "IRN": 40, "ERI": 30, "RUS": 11, "GEO": 10, "SOM": 3}
	l := emptyLedger()
	f := newFigures(l)
	s := monthEnd(day, nat)
	s.register(f)
	if err := f.sys.Protect(3, 3); err != nil {
		t.Fatal(err)
	}
	l.record(f)
	first, rest := s.topNationalities(f)
	nat["RUS"] = 9 // a late correction: Georgia would now be eighth
	g := newFigures(l)
	s2 := monthEnd(day, nat)
	s2.register(g)
	again, rest2 := s2.topNationalities(g)
	if rest != rest2 || len(first) != len(again) || first[7] != "RUS" || again[7] != "RUS" {
		t.Fatalf("first %v %s, then %v %s", first, rest, again, rest2)
	}
	if err := g.sys.Protect(3, 3); err != nil {
		t.Fatal(err)
	}
}

// A withheld nationality among the eight goes after the shown ones, in the order of the
// codes: between two shown bars its place would bound it.
func TestWithheldNationalitiesLast(t *testing.T) {
	day := time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	nat := map[string]int64{"SYR": 90, "UKR": 80, "AFG": 70, "IRQ": 60, "TUR": 2, "IRN": 1, "ERI": 1, "RUS": 1}
	f := newFigures(emptyLedger())
	s := monthEnd(day, nat)
	s.register(f)
	if err := f.sys.Protect(3, 3); err != nil {
		t.Fatal(err)
	}
	chosen, _ := s.topNationalities(f)
	shown, _ := s.shownNationalities(f)
	if chosen[4] != "TUR" || len(shown) != 8 {
		t.Fatalf("chosen %v, shown %v", chosen, shown)
	}
	// TUR (2) is chosen fifth by size; it and the three of 1 are withheld, and IRQ as
	// well (secondary: the rest bar and the caseload would give their sum).
	want := []string{"SYR", "UKR", "AFG", "ERI", "IRN", "IRQ", "RUS", "TUR"}
	if !slices.Equal(shown, want) {
		t.Errorf("shown in the order %v, want %v (withheld: %v)", shown, want, f.sys.Decisions())
	}
}

// A coverage share shown after the month end's figures were published is audited with
// them: its bounds on the caseload cannot pin a suppressed municipality.
func TestLateCoverageAudited(t *testing.T) {
	day := time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	l := emptyLedger()
	f := newFigures(l)
	s := monthEnd(day, map[string]int64{"SYR": 300})
	s.register(f)
	if err := f.sys.Protect(3, 3); err != nil {
		t.Fatal(err)
	}
	l.record(f)
	g := newFigures(l)
	s.register(g)
	var olpe int64
	for _, m := range pipeline.Municipalities {
		if m.Kreis == pipeline.KreisOlpe {
			olpe += s.counts["gemeinde"][m.AGS]
		}
	}
	cov := &coverage{stichtag: day, bestand: map[string]int64{pipeline.KreisOlpe: olpe}, pop: map[string]sql.NullInt64{pipeline.KreisOlpe: {Int64: 10 * olpe, Valid: true}}, known: map[string]int64{}}
	if text := coverageText(g, cov, pipeline.KreisOlpe); text != "10 %" {
		t.Fatalf("coverage %q", text)
	}
	if err := g.sys.Protect(3, 3); err != nil {
		t.Fatal(err)
	}
	if found, err := g.sys.Audit(3, 3, true); err != nil || len(found) > 0 {
		t.Fatalf("narrowed with the coverage: %v %v", found, err)
	}
}
