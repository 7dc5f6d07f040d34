package reports

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"ipoint/reports/german"
)

// iabReference is the published employment rate of refugees by years since arrival
// (IAB-BAMF-SOEP survey; domain.md §3.1): a survey figure of employment, not the
// same measure as a first integration after registration, drawn for orientation.
var iabReference = []struct {
	Years int
	Rate  float64
}{{1, 7}, {6, 54}, {7, 62}, {8, 68}}

type cohortPoint struct {
	cohort       time.Time
	group, value string
	month        int
	atRisk       int64
	events       int64
	share        float64
}

// Cohorts loads the Verlaufsbericht as of the end of a calendar month.
func Cohorts(ctx context.Context, db *sql.DB, f *figures, year, month int, k, minGroup int64) (*Report, error) {
	first := time.Date(year, time.Month(month), 1, 0, 0, 0, 0, time.UTC)
	end := first.AddDate(0, 1, -1)
	r := &Report{Kind: KindCohorts, Title: "Verlaufsbericht", Year: year, Number: month, K: k,
		Period: fmt.Sprintf("Zugangskohorten bis Ende %s %d", german.MonthName(first.Month()), year)}
	if err := loadStand(ctx, db, r); err != nil {
		return nil, err
	}
	if r.Stand.Before(end) {
		return nil, fmt.Errorf("%s %d ist noch nicht vollständig geliefert (Stand der Daten: %s)", german.MonthName(first.Month()), year, german.Date(r.Stand))
	}
	if end.Before(r.First) {
		// Cohorts begin with the first delivery: a month that ended before it has none.
		return nil, NoDataError{fmt.Sprintf("%s %d liegt vor der ersten Lieferung am %s", german.MonthName(first.Month()), year, german.Date(r.First))}
	}
	// The mart is computed at the data's Stand; a report for an earlier month end would
	// need the mart as of that day, so only the latest complete month is offered.
	if y, m := LastCompleteMonth(r.Stand); y != year || m != month {
		return nil, fmt.Errorf("der Verlaufsbericht beruht auf dem neuesten Stand der Daten (%s) und ist nur für den letzten vollständigen Monat verfügbar", german.Date(r.Stand))
	}
	rows, err := db.QueryContext(ctx, `SELECT kohorte, gruppe, auspraegung, monat_seit_zugang, unter_risiko, integrationen, anteil_integriert
		FROM mart_kohorte ORDER BY kohorte, gruppe, auspraegung, monat_seit_zugang`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var pts []cohortPoint
	for rows.Next() {
		var p cohortPoint
		if err := rows.Scan(&p.cohort, &p.group, &p.value, &p.month, &p.atRisk, &p.events, &p.share); err != nil {
			return nil, err
		}
		p.cohort = p.cohort.UTC()
		pts = append(pts, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(pts) == 0 {
		return nil, NoDataError{"keine Zugangskohorten in der Auswertungsdatenbank (noch keine Lieferungen für den Zeitraum)"}
	}
	maxMonth := 12
	for _, p := range pts {
		if p.month > maxMonth {
			maxMonth = p.month
		}
	}
	labels := make([]string, maxMonth+1)
	for i := range labels {
		labels[i] = fmt.Sprint(i)
	}
	// line builds one series from the points of a (cohort, group, value). A curve is
	// drawn only for a group of at least minGroup people, only up to the month every
	// member has been observed beyond (later points would still change), and a point
	// only where the step from the previous point shown rests on no event or on at least
	// k of them, with at least MinDenominator people still at risk: a step of one or two
	// integrations would show single persons. Once shown, a point does not change.
	line := func(name string, sel func(cohortPoint) bool) series {
		s := series{Name: name, Values: make([]any, maxMonth+1), Texts: make([]string, maxMonth+1)}
		var curve []cohortPoint
		for _, p := range pts {
			if sel(p) {
				curve = append(curve, p)
			}
		}
		if len(curve) == 0 || curve[0].atRisk < minGroup {
			return s
		}
		horizon := finalMonths(curve[0].cohort, r.Stand)
		var pooled int64
		for _, p := range curve {
			if p.month > horizon {
				break
			}
			pooled += p.events
			if p.atRisk < MinDenominator || pooled > 0 && pooled < k {
				s.Texts[p.month] = "x"
				continue
			}
			pooled = 0
			text := f.frozen(fmt.Sprintf("km/%s/%s/%s/%d", dayKey(p.cohort), p.group, p.value, p.month), german.Decimal(100*p.share, 1)+" %")
			s.Values[p.month] = percentValue(text)
			s.Texts[p.month] = text
		}
		return s
	}
	cohorts := map[time.Time]int64{}
	for _, p := range pts {
		if p.group == "alle" && p.month == 0 {
			cohorts[p.cohort] = p.atRisk
		}
	}
	var keys []time.Time
	for c := range cohorts {
		keys = append(keys, c)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].Before(keys[j]) })
	var all []series
	for _, c := range keys {
		c := c
		name := quarterLabel(c)
		switch {
		case c.Before(r.First):
			name += " (erst ab " + german.Date(r.First) + ")"
		case c.AddDate(0, 3, -1).After(r.Stand):
			name += " (laufend)"
		}
		all = append(all, line(name, func(p cohortPoint) bool { return p.cohort.Equal(c) && p.group == "alle" }))
	}
	// The IAB survey's employment rates measure another thing (employment after arrival in
	// Germany, not a first integration after registration here): they stay in their own
	// table below, not as a point beside the curves that would invite comparing them.
	r.Sections = append(r.Sections, Section{ID: "kohorten", Title: "Erste Integration nach Monaten seit dem Zugang",
		Intro: "Für jede Zugangskohorte (Quartal der Registrierung beim Integration Point) der geschätzte Anteil, der bis zum jeweiligen Monat eine erste Integration (Beschäftigung, Ausbildung, Selbständigkeit) aufgenommen hat. Wer ohne Integration abgeht oder noch betreut wird, zählt bis dahin mit (Kaplan-Meier-Schätzung).",
		Charts: []Chart{chartSpec{ID: "kohorten", Title: "Kumulierter Anteil mit erster Integration nach Zugangskohorte", AxisHead: "Monate seit Zugang",
			Labels: labels, Line: true, Connect: true, Unit: "%", YName: "%", XName: "Monate seit dem Zugang",
			Description: "Liniendiagramm: je Zugangskohorte der kumulierte Anteil mit erster Integration in Prozent über die Monate seit dem Zugang.",
			Series:      all}.build()}})

	// The splits use the oldest cohort with enough people: the longest follow-up.
	var oldest time.Time
	for _, c := range keys {
		if cohorts[c] >= 2*minGroup {
			oldest = c
			break
		}
	}
	if !oldest.IsZero() {
		split := Section{ID: "gliederung", Title: "Nach Geschlecht und Herkunft (Kohorte " + quarterLabel(oldest) + ")",
			Intro: "Die älteste Kohorte mit ausreichender Größe, weil sie am längsten beobachtet ist."}
		for _, g := range []struct{ key, title string }{{"geschlecht", "Geschlecht"}, {"herkunft", "Herkunftsgruppe"}} {
			values := map[string]bool{}
			var hiddenMembers int64
			for _, p := range pts {
				if p.cohort.Equal(oldest) && p.group == g.key && p.month == 0 {
					if p.atRisk >= minGroup {
						values[p.value] = true
					} else {
						hiddenMembers += p.atRisk
					}
				}
			}
			// The groups not shown are the whole cohort's curve less the ones shown: if
			// they are few, their integrations would follow from the difference.
			if hiddenMembers > 0 && hiddenMembers < minGroup {
				split.Intro += fmt.Sprintf(" Nach %s wird nicht gegliedert: die Gruppen unter %d Personen zusammen wären zu klein, um sie aus dem Unterschied zum Verlauf der ganzen Kohorte herauszuhalten.", g.title, minGroup)
				continue
			}
			var names []string
			for v := range values {
				names = append(names, v)
			}
			sort.Strings(names)
			var ss []series
			for _, v := range names {
				v := v
				ss = append(ss, line(valueLabel(v), func(p cohortPoint) bool { return p.cohort.Equal(oldest) && p.group == g.key && p.value == v }))
			}
			split.Charts = append(split.Charts, chartSpec{ID: "nach-" + g.key, Title: "Kumulierter Anteil mit erster Integration nach " + g.title,
				AxisHead: "Monate seit Zugang", Labels: labels, Line: true, Connect: true, Unit: "%", YName: "%",
				Description: fmt.Sprintf("Liniendiagramm: kumulierter Anteil mit erster Integration in der Kohorte %s nach %s; Gruppen unter %d Personen werden nicht gezeigt.", quarterLabel(oldest), g.title, minGroup),
				Series:      ss}.build())
		}
		r.Sections = append(r.Sections, split)
	}
	refRows := [][]string{}
	for _, x := range iabReference {
		refRows = append(refRows, []string{fmt.Sprint(x.Years), german.Decimal(x.Rate, 0) + " %"})
	}
	r.Sections = append(r.Sections, Section{ID: "vergleich", Title: "Zum Vergleich: Erwerbstätigkeit nach Jahren seit dem Zuzug",
		Intro:  "Veröffentlichte Ergebnisse der IAB-BAMF-SOEP-Befragung Geflüchteter (Zuzüge 2013–2019; IAB 2023 und IAB-Kurzbericht 10/2024). Es handelt sich um eine Befragung zur Erwerbstätigkeit nach dem Zuzug nach Deutschland, nicht um dieselbe Messgröße wie die erste Integration nach der Registrierung beim Integration Point; die Werte dienen nur der Einordnung. Nach sechs Jahren: Männer 67 %, Frauen 23 %.",
		Tables: []Table{{Caption: "Erwerbstätigenquote Geflüchteter nach Jahren seit dem Zuzug (Befragung)", Head: []string{"Jahre seit Zuzug", "erwerbstätig"}, Rows: refRows}}})
	r.Notes = append([]Note{
		{"Zugangskohorte", "Alle Kunden, die sich im selben Kalenderquartal beim Integration Point registriert haben, ab der ersten Lieferung."},
		{"Erste Integration", "Erste Aufnahme einer sozialversicherungspflichtigen Beschäftigung, Ausbildung oder Selbständigkeit nach dem Zugang (§ 48a SGB II)."},
		{"Kaplan-Meier-Schätzung", "Berücksichtigt, dass jüngere Kohorten kürzer beobachtet sind und manche Kunden ohne Integration abgehen (Zensierung)."},
		{"x", fmt.Sprintf("Anteil nicht ausgewiesen: weniger als %d Personen werden noch beobachtet, oder der Schritt zum vorigen ausgewiesenen Wert beruht auf weniger als %d Integrationen (dann wird er mit den folgenden Monaten zusammengefasst).", MinDenominator, k)},
		{"Gruppengröße", fmt.Sprintf("Verläufe nur für Gruppen von mindestens %d Personen, und nur für Monate, die alle Mitglieder der Kohorte schon hinter sich haben.", minGroup)},
	}, symbolNotes(k)[:1]...)
	return r, nil
}

// finalMonths is the last month since registration that every member of the cohort
// (registered in the quarter starting at cohort) had passed by the Stand, minus one: the
// curve's points up to it no longer change with later deliveries.
func finalMonths(cohort, stand time.Time) int {
	lastDay := cohort.AddDate(0, 3, -1)
	days := stand.Sub(lastDay).Hours() / 24
	return int(days/30.4375) - 1
}

func quarterLabel(t time.Time) string { return fmt.Sprintf("%d/Q%d", t.Year(), (int(t.Month())-1)/3+1) }

func valueLabel(v string) string {
	switch v {
	case "m":
		return "männlich"
	case "w":
		return "weiblich"
	case "d":
		return "divers"
	case "o":
		return "ohne Angabe"
	}
	return v
}
