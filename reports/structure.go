package reports

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"ipoint/pipeline"
	"ipoint/reports/german"
)

// structure is the caseload at one month end by a characteristic, both Kreise together
// (or by Kreis for the municipalities, which belong to one).
type structure struct {
	stichtag time.Time
	counts   map[string]map[string]int64 // merkmal -> auspraegung -> count
}

func loadStructure(ctx context.Context, db *sql.DB, upTo time.Time) (*structure, error) {
	rows, err := db.QueryContext(ctx, `SELECT stichtag, merkmal, auspraegung, sum(anzahl)::BIGINT FROM mart_struktur_monat
		WHERE stichtag = (SELECT max(stichtag) FROM mart_struktur_monat WHERE stichtag <= ?::DATE) GROUP BY ALL`, upTo.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var s *structure
	for rows.Next() {
		if s == nil {
			s = &structure{counts: map[string]map[string]int64{}}
		}
		var m, a string
		var n int64
		if err := rows.Scan(&s.stichtag, &m, &a, &n); err != nil {
			return nil, err
		}
		if s.counts[m] == nil {
			s.counts[m] = map[string]int64{}
		}
		s.counts[m][a] = n
	}
	return s, rows.Err()
}

// countChart is a bar chart of one distribution whose total is published.
func countChart(id, title, desc, axis string, labels []string, values []int64, k int64, horizontal bool) Chart {
	return chartSpec{ID: id, Title: title, Description: desc, AxisHead: axis, Labels: labels, Horizontal: horizontal,
		Series: []series{countSeries("Kunden", values, suppressLine(values, k))}}.build()
}

// structureSection shows the caseload at the latest month end up to upTo by origin,
// age and sex, and German level.
func structureSection(ctx context.Context, db *sql.DB, upTo time.Time, k int64) (*Section, error) {
	s, err := loadStructure(ctx, db, upTo)
	if err != nil || s == nil {
		return nil, err
	}
	day := german.Date(s.stichtag)
	sec := &Section{ID: "struktur", Title: "Zusammensetzung des Bestands am " + day,
		Intro: "Gliederungen nach Staatsangehörigkeit, Alter, Geschlecht und Sprachniveau werden nur zum Monatsende ausgewiesen, beide Kreise zusammen."}

	// Origin: the leading nationalities, then the rest.
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
	var labels []string
	var values []int64
	var rest int64
	for i, e := range nat {
		if i < 8 && e.k != "unbekannt" {
			labels = append(labels, countryName(e.k))
			values = append(values, e.v)
		} else {
			rest += e.v
		}
	}
	labels = append(labels, "übrige und unbekannt")
	values = append(values, rest)
	sec.Charts = append(sec.Charts, countChart("herkunft", "Die häufigsten Staatsangehörigkeiten",
		"Balkendiagramm der betreuten Kunden am "+day+" nach den acht häufigsten Staatsangehörigkeiten und den übrigen.", "Staatsangehörigkeit", labels, values, k, true))

	groups := []string{"8 Asylherkunftsländer", "Ukraine", "Sonstige"}
	values = nil
	for _, g := range groups {
		values = append(values, s.counts["herkunftsgruppe"][g])
	}
	sec.Charts = append(sec.Charts, countChart("herkunftsgruppe", "Herkunftsgruppen",
		"Säulendiagramm der betreuten Kunden am "+day+" nach Herkunftsgruppe: die 8 zugangsstärksten Asylherkunftsländer, Ukraine, sonstige.", "Herkunftsgruppe", groups, values, k, false))

	// Age by sex: the cells add up to the published caseload, so they are suppressed as one line.
	ages := []string{"unter 25", "25 bis unter 35", "35 bis unter 45", "45 bis unter 55", "55 und älter", "unbekannt"}
	sexes := []struct{ key, name string }{{"m", "männlich"}, {"w", "weiblich"}, {"d", "divers"}, {"o", "ohne Angabe"}, {"unbekannt", "unbekannt"}}
	// Age and sex are counted separately in the mart; the chart shows both distributions.
	var ageVals, sexVals []int64
	for _, a := range ages {
		ageVals = append(ageVals, s.counts["altersgruppe"][a])
	}
	var sexLabels []string
	for _, x := range sexes {
		sexLabels = append(sexLabels, x.name)
		sexVals = append(sexVals, s.counts["geschlecht"][x.key])
	}
	sec.Charts = append(sec.Charts,
		countChart("alter", "Altersgruppen", "Säulendiagramm der betreuten Kunden am "+day+" nach Altersgruppe (aus dem Geburtsjahr).", "Altersgruppe", ages, ageVals, k, false),
		countChart("geschlecht", "Geschlecht", "Säulendiagramm der betreuten Kunden am "+day+" nach Geschlecht.", "Geschlecht", sexLabels, sexVals, k, false))

	levels := []string{"A0", "A1", "A2", "B1", "B2", "C1", "C2", "unbekannt"}
	values = nil
	for _, l := range levels {
		values = append(values, s.counts["sprachniveau"][l])
	}
	sec.Charts = append(sec.Charts, countChart("sprachniveau", "Deutschkenntnisse",
		"Säulendiagramm der betreuten Kunden am "+day+" nach ihrem Sprachniveau im Deutschen (Gemeinsamer Europäischer Referenzrahmen, A0: keine Kenntnisse).", "Sprachniveau", levels, values, k, false))
	return sec, nil
}

// municipalityChart shows the caseload at the month end in the 18 municipalities.
func municipalityChart(s *structure, k int64) Chart {
	var labels []string
	var values []int64
	var rest int64
	for _, m := range pipeline.Municipalities {
		labels = append(labels, m.Name)
		values = append(values, s.counts["gemeinde"][m.AGS])
	}
	for a, n := range s.counts["gemeinde"] {
		if _, ok := pipeline.MunicipalityByAGS(a); !ok {
			rest += n
		}
	}
	labels = append(labels, "unbekannt")
	values = append(values, rest)
	return countChart("gemeinden", "Betreute Kunden nach Wohngemeinde",
		fmt.Sprintf("Balkendiagramm der betreuten Kunden am %s in den 18 Städten und Gemeinden der beiden Kreise.", german.Date(s.stichtag)),
		"Gemeinde", labels, values, k, true)
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
