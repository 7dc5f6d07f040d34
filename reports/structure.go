package reports

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"ipoint/pipeline"
	"ipoint/reports/german"
	"ipoint/reports/suppress"
)

// structure is the caseload at one month end by a characteristic, both Kreise together
// (or by Kreis for the municipalities, which belong to one).
type structure struct {
	stichtag time.Time
	counts   map[string]map[string]int64            // merkmal -> auspraegung -> count
	byKreis  map[string]map[string]map[string]int64 // merkmal -> kreis -> auspraegung -> count
}

func loadStructure(ctx context.Context, db *sql.DB, upTo time.Time) (*structure, error) {
	rows, err := db.QueryContext(ctx, `SELECT stichtag, coalesce(kreis, ''), merkmal, auspraegung, sum(anzahl)::BIGINT FROM mart_struktur_monat
		WHERE stichtag = (SELECT max(stichtag) FROM mart_struktur_monat WHERE stichtag <= ?::DATE) GROUP BY ALL`, upTo.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var s *structure
	for rows.Next() {
		if s == nil {
			s = &structure{counts: map[string]map[string]int64{}, byKreis: map[string]map[string]map[string]int64{}}
		}
		var kreis, m, a string
		var n int64
		if err := rows.Scan(&s.stichtag, &kreis, &m, &a, &n); err != nil {
			return nil, err
		}
		if s.counts[m] == nil {
			s.counts[m] = map[string]int64{}
			s.byKreis[m] = map[string]map[string]int64{}
		}
		if s.byKreis[m][kreis] == nil {
			s.byKreis[m][kreis] = map[string]int64{}
		}
		s.counts[m][a] += n
		s.byKreis[m][kreis][a] += n
	}
	if s != nil {
		s.stichtag = s.stichtag.UTC()
	}
	return s, rows.Err()
}

func (s *structure) key(merkmal, value string) string {
	return "struktur/" + merkmal + "/" + value + "/" + dayKey(s.stichtag)
}

// total is the caseload at the month end, together or for a Kreis: the same figure as a
// Wochenbericht's caseload where the month ends on a Sunday.
func (s *structure) total(kreis string) string { return "bestand/" + kreis + "/" + dayKey(s.stichtag) }

// topNationalities are the eight most frequent known nationalities, the rest in one bar.
// The choice is frozen the first time a month end is shown: chosen again from later data,
// two rest bars of the same day could be differenced.
func (s *structure) topNationalities(f *figures) (top []string, rest string) {
	type kv struct {
		k string
		v int64
	}
	var nat []kv
	for a, n := range s.counts["staatsangehoerigkeit"] {
		nat = append(nat, kv{a, n})
	}
	sort.Slice(nat, func(i, j int) bool {
		if nat[i].v != nat[j].v {
			return nat[i].v > nat[j].v
		}
		return nat[i].k < nat[j].k
	})
	for _, e := range nat {
		if len(top) < 8 && e.k != "unbekannt" {
			top = append(top, e.k)
		}
	}
	chosen := f.frozen("struktur/staatsangehoerigkeit-auswahl/"+dayKey(s.stichtag), strings.Join(top, ","))
	top = nil
	if chosen != "" {
		top = strings.Split(chosen, ",")
	}
	sorted := append([]string(nil), top...)
	sort.Strings(sorted)
	return top, "uebrige-ohne-" + strings.Join(sorted, ".")
}

// shownNationalities are the eight nationalities in the order the chart shows them: the
// shown bars by size, as chosen, and the withheld ones after them in the order of their
// codes. A withheld bar between two shown ones would be bounded by them (found by
// review; the municipalities chart keeps a fixed order for the same reason).
func (s *structure) shownNationalities(f *figures) (top []string, rest string) {
	chosen, rest := s.topNationalities(f)
	var hidden []string
	for _, c := range chosen {
		if f.get(s.key("staatsangehoerigkeit", c)).hidden {
			hidden = append(hidden, c)
		} else {
			top = append(top, c)
		}
	}
	sort.Strings(hidden)
	return append(top, hidden...), rest
}

// register adds the month end's figures and relations: every distribution adds up to
// the caseload; nationalities make up the origin groups and the rest bar; municipalities
// and a latent count of unknown municipality make up each Kreis's caseload.
func (s *structure) register(f *figures) {
	sumOf := func(m string) (n int64) {
		for _, v := range s.counts[m] {
			n += v
		}
		return n
	}
	f.latent(s.total("alle"), sumOf("geschlecht"))
	for _, kr := range Kreise {
		var n int64
		for _, v := range s.byKreis["geschlecht"][kr.Key] {
			n += v
		}
		f.latent(s.total(kr.Key), n)
	}
	distribution := func(m string, shownValues []string) {
		shownSet := map[string]bool{}
		for _, v := range shownValues {
			f.count(s.key(m, v), s.counts[m][v])
			shownSet[v] = true
		}
		var parts []string
		for _, v := range sortedKeys(s.counts[m]) {
			if !shownSet[v] {
				f.latent(s.key(m, v), s.counts[m][v])
			}
		}
		for _, v := range sortedKeys(union(s.counts[m], shownSet)) {
			parts = append(parts, s.key(m, v))
		}
		f.sum(s.total("alle"), parts...)
	}
	distribution("geschlecht", sexKeys)
	distribution("altersgruppe", ageGroups)
	distribution("sprachniveau", levels)
	distribution("herkunftsgruppe", originGroups)
	// Nationalities: each code latent, the top eight and the rest shown.
	top, rest := s.topNationalities(f)
	distribution("staatsangehoerigkeit", top)
	isTop := map[string]bool{}
	for _, c := range top {
		isTop[c] = true
	}
	var restParts, asyl, other []string
	for _, c := range sortedKeys(s.counts["staatsangehoerigkeit"]) {
		k := s.key("staatsangehoerigkeit", c)
		if !isTop[c] {
			restParts = append(restParts, k)
		}
		switch {
		case c == "UKR":
		case asylumCountries[c]:
			asyl = append(asyl, k)
		default:
			other = append(other, k)
		}
	}
	var restValue int64
	for _, c := range sortedKeys(s.counts["staatsangehoerigkeit"]) {
		if !isTop[c] {
			restValue += s.counts["staatsangehoerigkeit"][c]
		}
	}
	f.count(s.key("staatsangehoerigkeit", rest), restValue)
	f.sum(s.key("staatsangehoerigkeit", rest), restParts...)
	if s.counts["staatsangehoerigkeit"]["UKR"] > 0 || f.sys.Has(s.key("staatsangehoerigkeit", "UKR")) {
		f.sum(s.key("herkunftsgruppe", "Ukraine"), s.key("staatsangehoerigkeit", "UKR"))
	}
	f.sum(s.key("herkunftsgruppe", "8 Asylherkunftsländer"), asyl...)
	f.sum(s.key("herkunftsgruppe", "Sonstige"), other...)
	// Municipalities: every resident has one municipality (an AGS or none), so the 18
	// and "unbekannt" (none, or one outside the two Kreise) add up to the caseload. Per
	// Kreis, its municipalities hold its residents less those living elsewhere or
	// unknown (x) plus residents of the other Kreis registered in one of its
	// municipalities (y); and the Kreise with those without a Kreis make the total.
	listed := map[string]string{} // AGS -> Kreis
	for _, m := range pipeline.Municipalities {
		listed[m.AGS] = m.Kreis
	}
	var gemParts []string
	var unknownAll int64
	for _, m := range pipeline.Municipalities {
		f.count(s.key("gemeinde", m.AGS), s.counts["gemeinde"][m.AGS])
		gemParts = append(gemParts, s.key("gemeinde", m.AGS))
	}
	for ags, n := range s.counts["gemeinde"] {
		if _, ok := listed[ags]; !ok {
			unknownAll += n
		}
	}
	f.count(s.key("gemeinde", "unbekannt"), unknownAll)
	f.sum(s.total("alle"), append(gemParts, s.key("gemeinde", "unbekannt"))...)
	var kreisTotals []string
	var withKreis int64
	for _, kr := range Kreise {
		var x, y int64
		terms := []suppress.Term{suppress.Minus(s.total(kr.Key))}
		for _, m := range pipeline.Municipalities {
			if m.Kreis == kr.Key {
				terms = append(terms, suppress.Plus(s.key("gemeinde", m.AGS)))
			}
		}
		for kreis, byAGS := range s.byKreis["gemeinde"] {
			for ags, n := range byAGS {
				switch {
				case kreis == kr.Key && listed[ags] != kr.Key:
					x += n
				case kreis != kr.Key && listed[ags] == kr.Key:
					y += n
				}
			}
		}
		xk := "struktur/gemeinde_anderswo/" + kr.Key + "/" + dayKey(s.stichtag)
		yk := "struktur/gemeinde_von_ausserhalb/" + kr.Key + "/" + dayKey(s.stichtag)
		f.latent(xk, x)
		f.latent(yk, y)
		f.equal(append(terms, suppress.Plus(xk), suppress.Minus(yk))...)
		kreisTotals = append(kreisTotals, s.total(kr.Key))
		withKreis += f.sys.Value(s.total(kr.Key))
	}
	// (Where the weekly caseload and the month-end composition disagree, the difference
	// can be negative; then the relation is left out rather than made false.)
	if n := f.sys.Value(s.total("alle")) - withKreis; n >= 0 {
		none := s.total("ohne")
		f.latent(none, n)
		f.sum(s.total("alle"), append(kreisTotals, none)...)
	}
}

var (
	sexKeys         = []string{"m", "w", "d", "o", "unbekannt"}
	ageGroups       = []string{"unter 25", "25 bis unter 35", "35 bis unter 45", "45 bis unter 55", "55 und älter", "unbekannt"}
	levels          = []string{"A0", "A1", "A2", "B1", "B2", "C1", "C2", "unbekannt"}
	originGroups    = []string{"8 Asylherkunftsländer", "Ukraine", "Sonstige"}
	asylumCountries = map[string]bool{"AFG": true, "ERI": true, "IRN": true, "IRQ": true, "NGA": true, "PAK": true, "SOM": true, "SYR": true}
)

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func union(m map[string]int64, set map[string]bool) map[string]bool {
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	for k := range set {
		out[k] = true
	}
	return out
}

// countChart is a bar chart of one distribution.
func countChart(f *figures, s *structure, id, title, desc, axis string, labels []string, keys []string, horizontal bool) Chart {
	v := make([]fig, len(keys))
	for i, k := range keys {
		v[i] = f.get(k)
	}
	return chartSpec{ID: id, Title: title, Description: desc, AxisHead: axis, Labels: labels, Horizontal: horizontal,
		Series: []series{countSeries("Kunden", v)}}.build()
}

// structureSection shows a month end's caseload (loadStructure; nil: none) by origin,
// age and sex, and German level.
func structureSection(f *figures, s *structure) *Section {
	if s == nil {
		return nil
	}
	s.register(f)
	day := german.Date(s.stichtag)
	sec := &Section{ID: "struktur", Title: "Zusammensetzung des Bestands am " + day,
		Intro: "Gliederungen nach Staatsangehörigkeit, Alter, Geschlecht und Sprachniveau werden nur zum Monatsende ausgewiesen, beide Kreise zusammen."}
	keysOf := func(m string, values []string) []string {
		var out []string
		for _, v := range values {
			out = append(out, s.key(m, v))
		}
		return out
	}
	top, rest := s.shownNationalities(f)
	var labels []string
	for _, c := range top {
		labels = append(labels, countryName(c))
	}
	sec.Charts = append(sec.Charts, countChart(f, s, "herkunft", "Die häufigsten Staatsangehörigkeiten",
		"Balkendiagramm der betreuten Kunden am "+day+" nach den acht häufigsten Staatsangehörigkeiten und den übrigen.", "Staatsangehörigkeit",
		append(labels, "übrige und unbekannt"), keysOf("staatsangehoerigkeit", append(top, rest)), true))
	sec.Charts = append(sec.Charts, countChart(f, s, "herkunftsgruppe", "Herkunftsgruppen",
		"Säulendiagramm der betreuten Kunden am "+day+" nach Herkunftsgruppe: die 8 zugangsstärksten Asylherkunftsländer, Ukraine, sonstige.", "Herkunftsgruppe",
		originGroups, keysOf("herkunftsgruppe", originGroups), false))
	sexLabels := []string{"männlich", "weiblich", "divers", "ohne Angabe", "unbekannt"}
	sec.Charts = append(sec.Charts,
		countChart(f, s, "alter", "Altersgruppen", "Säulendiagramm der betreuten Kunden am "+day+" nach Altersgruppe (aus dem Geburtsjahr).", "Altersgruppe",
			ageGroups, keysOf("altersgruppe", ageGroups), false),
		countChart(f, s, "geschlecht", "Geschlecht", "Säulendiagramm der betreuten Kunden am "+day+" nach Geschlecht.", "Geschlecht",
			sexLabels, keysOf("geschlecht", sexKeys), false))
	sec.Charts = append(sec.Charts, countChart(f, s, "sprachniveau", "Deutschkenntnisse",
		"Säulendiagramm der betreuten Kunden am "+day+" nach ihrem Sprachniveau im Deutschen (Gemeinsamer Europäischer Referenzrahmen, A0: keine Kenntnisse).", "Sprachniveau",
		levels, keysOf("sprachniveau", levels), false))
	return sec
}

// municipalityChart shows the caseload at the month end in the 18 municipalities.
func municipalityChart(f *figures, s *structure) Chart {
	s.register(f)
	// Largest first by the published value; withheld ones after them, in AGS order (their
	// place must not hint at their value); "unbekannt" last.
	type bar struct {
		name, key string
		v         fig
	}
	var bars []bar
	for _, m := range pipeline.Municipalities {
		k := s.key("gemeinde", m.AGS)
		bars = append(bars, bar{m.Name, k, f.get(k)})
	}
	sort.SliceStable(bars, func(i, j int) bool {
		a, b := bars[i].v, bars[j].v
		if a.hidden != b.hidden {
			return !a.hidden
		}
		return !a.hidden && a.value > b.value
	})
	var labels, keys []string
	for _, b := range bars {
		labels = append(labels, b.name)
		keys = append(keys, b.key)
	}
	labels = append(labels, "unbekannt")
	keys = append(keys, s.key("gemeinde", "unbekannt"))
	return countChart(f, s, "gemeinden", "Betreute Kunden nach Wohngemeinde",
		fmt.Sprintf("Balkendiagramm der betreuten Kunden am %s in den 18 Städten und Gemeinden der beiden Kreise, die größten zuerst.", german.Date(s.stichtag)),
		"Gemeinde", labels, keys, true)
}

var countries = map[string]string{
	"SYR": "Syrien", "UKR": "Ukraine", "AFG": "Afghanistan", "IRQ": "Irak", "TUR": "Türkei", "IRN": "Iran",
	"ERI": "Eritrea", "RUS": "Russland", "SOM": "Somalia", "PAK": "Pakistan", "NGA": "Nigeria", "GEO": "Georgien",
	"XXA": "staatenlos", "XXX": "ungeklärt",
}

func countryName(code string) string {
	if n, ok := countries[code]; ok {
		return n
	}
	return code
}
