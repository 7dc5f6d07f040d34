package reports

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"ipoint/reports/german"
	"ipoint/reports/suppress"
)

type monthRow struct {
	month            time.Time
	kinds            [7]int64 // SVB_VZ, SVB_TZ, AUSB, SELBST, MINI, PRAK, EQ
	k2               int64
	quota, miniQuota sql.NullFloat64
	avgCaseload      sql.NullFloat64
	complete         bool
}

func loadMonths(ctx context.Context, db *sql.DB, upTo time.Time) ([]monthRow, error) {
	rows, err := db.QueryContext(ctx, `SELECT m.monat, aufnahmen_svb_vz, aufnahmen_svb_tz, aufnahmen_ausb, aufnahmen_selbst,
		aufnahmen_mini, aufnahmen_prak, aufnahmen_eq, integrationen_k2,
		q.integrationsquote_12m, q.minijobquote_12m, q.bestand_durchschnitt_12m, coalesce(q.vollstaendig, false)
		FROM mart_monat m LEFT JOIN mart_integrationsquote q USING (monat)
		WHERE m.monat <= ?::DATE AND m.monat >= (SELECT erster_stichtag FROM dim_stichtage) -- a month begun before the first delivery is not covered
		ORDER BY m.monat`, upTo.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []monthRow
	for rows.Next() {
		var r monthRow
		if err := rows.Scan(&r.month, &r.kinds[0], &r.kinds[1], &r.kinds[2], &r.kinds[3], &r.kinds[4], &r.kinds[5], &r.kinds[6], &r.k2,
			&r.quota, &r.miniQuota, &r.avgCaseload, &r.complete); err != nil {
			return nil, err
		}
		r.month = r.month.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// Monthly loads the Monatsbericht of a calendar month.
func Monthly(ctx context.Context, db *sql.DB, f *figures, year, month int, k int64, targets Targets) (*Report, error) {
	first := time.Date(year, time.Month(month), 1, 0, 0, 0, 0, time.UTC)
	end := first.AddDate(0, 1, -1)
	r := &Report{Kind: KindMonthly, Title: "Monatsbericht", Year: year, Number: month, K: k,
		Period: fmt.Sprintf("%s %d, %s–%s", german.MonthName(first.Month()), year, first.Format("02.01."), german.Date(end))}
	if err := loadStand(ctx, db, r); err != nil {
		return nil, err
	}
	if dataEnd := monthDataEnd(first); r.Stand.Before(dataEnd) {
		return nil, fmt.Errorf("%s %d ist noch nicht vollständig geliefert: der Bericht braucht die Lieferungen bis %s, dem Ende der letzten Kalenderwoche des Monats (Stand der Daten: %s)",
			german.MonthName(first.Month()), year, german.Date(dataEnd), german.Date(r.Stand))
	}
	if first.Before(r.First) {
		return nil, NoDataError{fmt.Sprintf("%s %d ist nicht vollständig geliefert: die Lieferungen beginnen am %s", german.MonthName(first.Month()), year, german.Date(r.First))}
	}
	if dataEnd := monthDataEnd(first); r.Complete.Before(dataEnd) {
		return nil, NoDataError{fmt.Sprintf("%s %d ist noch nicht vollständig geliefert: %s (Stand der Daten: %s)",
			german.MonthName(first.Month()), year, missingDeliveries(r.Complete), german.Date(r.Stand))}
	}
	// The month's flows are those of its ISO weeks (Thursday in the month): a first week
	// that begins before the first delivery is not known whole (found by review: its
	// days before the delivery counted as none).
	if w := isoWeeksOf(first)[0]; w.Before(r.First) {
		_, kw := w.ISOWeek()
		return nil, NoDataError{fmt.Sprintf("%s %d ist nicht vollständig geliefert: der Monat zählt ab KW %02d (%s), die Lieferungen beginnen am %s",
			german.MonthName(first.Month()), year, kw, german.Date(w), german.Date(r.First))}
	}
	months, err := loadMonths(ctx, db, first)
	if err != nil {
		return nil, err
	}
	if len(months) == 0 || !months[len(months)-1].month.Equal(first) {
		return nil, NoDataError{fmt.Sprintf("keine Zahlen für %s %d in der Auswertungsdatenbank (noch keine Lieferungen für den Zeitraum)", german.MonthName(first.Month()), year)}
	}
	if len(months) > 24 {
		months = months[len(months)-24:]
	}
	// The weeks' figures as the Wochenberichte show them, with their relations (Kreise
	// and the starts without a Kreis add up to the total): the month's starts are tied
	// to its weeks, so the weeks' suppressed cells are audited here too. Weeks up to the
	// one the month ends in, as far as they are delivered.
	to := monday(r.Stand.AddDate(0, 0, 1)).AddDate(0, 0, -7)
	if last := monday(end); last.Before(to) {
		to = last
	}
	by, weeks, err := loadWeeks(ctx, db, to.AddDate(0, 0, -371), to)
	if err != nil {
		return nil, err
	}
	if len(weeks) > 0 {
		starts, err := weekStarts(ctx, db, weeks[0], to)
		if err != nil {
			return nil, err
		}
		weeklyFigures(f, by, weeks, starts)
	}
	daily, err := dailyStarts(ctx, db, months)
	if err != nil {
		return nil, err
	}
	monthFigures(f, months, daily)
	get := func(name string, m monthRow) fig {
		return f.get(name + "/" + monthKey(m.month))
	}
	cur := months[len(months)-1]
	// A 12-month rate is shown only where all 12 months' counts it rests on are shown,
	// and once shown it stays as it was.
	quota := func(name string, v sql.NullFloat64, at int, figs ...string) string {
		m := months[at]
		key := name + "/" + monthKey(m.month)
		if t, ok := f.ledger.Texts[key]; ok {
			return t
		}
		if !v.Valid || !m.complete || !m.avgCaseload.Valid || m.avgCaseload.Float64 < MinDenominator || at < 11 {
			return "x"
		}
		for j := at - 11; j <= at; j++ {
			for _, fg := range figs {
				if !shown(get(fg, months[j])) {
					return "x"
				}
			}
		}
		return f.frozen(key, german.Decimal(100*v.Float64, 1)+" %")
	}
	last := len(months) - 1
	ov, err := newMonthOverview(ctx, db, f, first, r.First, r.Stand, targets)
	if err != nil {
		return nil, err
	}
	kreisMonthRelations(f, months, daily)
	var quotaTexts, miniTexts [3]string
	var covs [3]*coverage
	for i, p := range ov.periods {
		quotaTexts[i], miniTexts[i] = "x", "x"
		if p.IsZero() {
			continue
		}
		at := last - []int{0, 1, 12}[i]
		if at >= 0 && months[at].month.Equal(p) {
			quotaTexts[i] = quota("quote", months[at].quota, at, "k2")
			miniTexts[i] = quota("minijobquote", months[at].miniQuota, at, "start_monat/mini")
		}
		// The coverage at the month end, against the centre's table where it was
		// delivered for it and against the official figure where there is one.
		c, err := coverageAt(ctx, db, p.AddDate(0, 1, -1))
		if err != nil {
			return nil, err
		}
		covs[i] = c
	}
	keys := ov.keys(quotaTexts, miniTexts, covs)
	if covs[0] == nil || !covs[0].delivered { // the month end's population table is still to come, or never came
		if err := pendingCoverage(ctx, db, keys, len(Kreise), end); err != nil {
			return nil, err
		}
	}
	kindNames := []string{"sozialversicherungspflichtig Vollzeit", "sozialversicherungspflichtig Teilzeit", "Ausbildung", "selbständig", "Minijobs", "Praktika", "Einstiegsqualifizierungen"}
	for i, n := range kindNames {
		row := KeyRow{Name: "Aufnahmen: " + n, Note: "nach Beginn im Monat, beide Kreise zusammen; eine Person kann mehrere Aufnahmen haben"}
		row.Cells = make([]string, len(Kreise))
		c := get("start_monat/"+startKinds[i], cur)
		row.Cells = append(row.Cells, c.text())
		for j, p := range ov.periods[1:] {
			at := last - []int{1, 12}[j]
			if p.IsZero() || at < 0 || !months[at].month.Equal(p) {
				row.Cells = append(row.Cells, "x", "x")
				continue
			}
			pv := get("start_monat/"+startKinds[i], months[at])
			row.Cells = append(row.Cells, pv.text(), change(c, pv))
		}
		row.Cells = append(row.Cells, "")
		keys.Rows = append(keys.Rows, row)
	}
	r.Text = ov.summary()
	r.Keys = keys

	// Charts over the last 24 months.
	var labels []string
	var k2 []fig
	quotas := series{Name: "Integrationsquote"}
	minis := series{Name: "Minijob-Quote"}
	var qLabels []string
	for i, m := range months {
		labels = append(labels, monthLabel(m.month))
		k2 = append(k2, get("k2", m))
		q, mq := quota("quote", m.quota, i, "k2"), quota("minijobquote", m.miniQuota, i, "start_monat/mini")
		if q != "x" && mq != "x" {
			qLabels = append(qLabels, monthLabel(m.month))
			quotas.Values = append(quotas.Values, percentValue(q))
			quotas.Texts = append(quotas.Texts, q)
			minis.Values = append(minis.Values, percentValue(mq))
			minis.Texts = append(minis.Texts, mq)
		}
	}
	integ := Section{ID: "integrationen", Title: "Integrationen und Aufnahmen", Charts: []Chart{
		chartSpec{ID: "k2", Title: "Integrationen nach § 48a SGB II (K2) je Monat", AxisHead: "Monat", Labels: labels,
			Description: "Säulendiagramm der Integrationen (höchstens eine je Person und Monat) je Monat.",
			Series:      []series{countSeries("Integrationen", k2)}}.build(),
	}}
	if len(qLabels) > 1 { // a line needs two points
		integ.Charts = append(integ.Charts, chartSpec{ID: "quote", Title: "Gleitende Integrationsquote und Minijob-Quote (12 Monate)", AxisHead: "Monat",
			Labels: qLabels, Line: true, Unit: "%", YName: "%",
			Description: "Liniendiagramm der gleitenden Integrationsquote und der Minijob-Quote über je 12 Monate, in Prozent des durchschnittlichen Bestands.",
			Series:      []series{quotas, minis}}.build())
	} else {
		integ.Intro = "Die gleitende Integrationsquote wird ausgewiesen, sobald 12 Monate geliefert sind; ihr Verlauf erscheint ab dem zweiten ausgewiesenen Monat (der aktuelle Wert steht im Überblick)."
	}
	sc, err := startsChart(ctx, db, f, end)

	if err != nil {
		return nil, err
	}
	integ.Charts = append(integ.Charts, sc)
	r.Sections = append(r.Sections, integ)

	s, err := loadStructure(ctx, db, end)
	if err != nil {
		return nil, err
	}
	if s != nil && s.stichtag.Equal(end) {
		r.Sections = append(r.Sections, Section{ID: "gemeinden", Title: "Städte und Gemeinden", Charts: []Chart{municipalityChart(f, s)}})
	}
	courses, err := courseSection(ctx, db, f, first, r.First)
	if err != nil {
		return nil, err
	}
	r.Sections = append(r.Sections, courses)
	if structure := structureSection(f, s); structure != nil {
		r.Sections = append(r.Sections, *structure)
	}
	if r.Quality, err = loadQuality(ctx, db, first, end); err != nil {
		return nil, err
	}
	r.Notes = append([]Note{
		{"Integration (K2)", "Aufnahme einer sozialversicherungspflichtigen Beschäftigung (Voll- oder Teilzeit), einer Ausbildung oder einer selbständigen Tätigkeit; höchstens eine je Person und Monat (§ 48a SGB II, Kennzahl K2). Minijobs, Praktika und Einstiegsqualifizierungen zählen nicht als Integration und werden getrennt ausgewiesen. Gezählt wird, was bis zum Stand des Berichts gemeldet ist: manche Aufnahmen werden erst Wochen nach ihrem Beginn gemeldet, und eine einmal veröffentlichte Monatszahl wird dafür nicht geändert (sie ist daher eher zu klein als zu groß; die Bundesagentur wartet für ihre Kennzahl drei Monate)."},
		{"Integrationsquote", "Summe der Integrationen der letzten 12 Monate geteilt durch den durchschnittlichen Bestand an den Monatsstichtagen (15.) derselben 12 Monate. Sie rechnet mit allen bis zum Stand des Berichts gemeldeten Aufnahmen, auch den für frühere Monate nachgemeldeten, und kann daher etwas höher liegen als aus den gezeigten Monatszahlen berechnet."},
		{"Sprachkursergebnisse", "Ergebnis des Abschlusstests der im vorletzten Monat vor dem Berichtsmonat beendeten Kurse (Integrationskurse: Deutsch-Test für Zuwanderer; Berufssprachkurse: Zielniveau): die Ergebnisse kommen zwei bis sechs Wochen nach dem Kursende, für den Berichtsmonat selbst lägen erst wenige vor. Je Monat, nicht über gleitende 12 Monate: aus dem Unterschied zweier gleitender Summen ließen sich kleine Monatszahlen errechnen."},
		{"Gemeinden", "Wohngemeinde des Kunden am Monatsende; Gemeindegliederungen werden nur monatlich ausgewiesen."},
		{"Abdeckung", "Betreute Kunden am Monatsende im Verhältnis zu den Schutzsuchenden des Kommunalen Integrationszentrums (zum selben Monatsende) und zu denen der amtlichen Statistik (zum 31.12. davor). Ist ein Wert der Bevölkerungstabelle unbekannt oder eine ihrer Zeilen abgewiesen, ist die Zahl des Kreises unbekannt (.), nie kleiner."},
	}, symbolNotes(k)...)
	if covs[0] != nil && !covs[0].official.stichtag.IsZero() {
		r.Notes = withOfficialNote(r.Notes)
	}
	return r, nil
}

// percentValue reads back a share as shown ("12,3 %") for the chart.
func percentValue(text string) float64 {
	v, _ := parsePercent(text)
	return v
}

var courseKinds = []struct{ key, name string }{{"IK", "Integrationskurs"}, {"IK_ALPHA", "Alphabetisierungskurs"}, {"IK_JUGEND", "Jugendintegrationskurs"}, {"BSK", "Berufssprachkurs"}}

// courseSection shows language-course participation and results.
func courseSection(ctx context.Context, db *sql.DB, f *figures, month, dataFirst time.Time) (Section, error) {
	sec := Section{ID: "sprachkurse", Title: "Sprachkurse"}
	rows, err := db.QueryContext(ctx, `SELECT monat, massnahmeart, laufend_monatsende FROM mart_kursteilnahme
		WHERE monat > ?::DATE - INTERVAL 12 MONTH AND monat <= ?::DATE ORDER BY monat`, month.Format(time.DateOnly), month.Format(time.DateOnly))
	if err != nil {
		return sec, err
	}
	defer rows.Close()
	var labels, keyMonths []string
	counts := map[string][]int64{}
	for rows.Next() {
		var m time.Time
		var kind string
		var n int64
		if err := rows.Scan(&m, &kind, &n); err != nil {
			return sec, err
		}
		l := monthLabel(m.UTC())
		if len(labels) == 0 || labels[len(labels)-1] != l {
			labels = append(labels, l)
			keyMonths = append(keyMonths, monthKey(m.UTC()))
			for _, c := range courseKinds {
				counts[c.key] = append(counts[c.key], 0)
			}
		}
		if v, ok := counts[kind]; ok {
			v[len(v)-1] = n
		}
	}
	if err := rows.Err(); err != nil {
		return sec, err
	}
	var kLabels []string
	for _, c := range courseKinds {
		kLabels = append(kLabels, c.name)
	}
	ss := newSeriesSet(kLabels...)
	for j := range labels {
		v := make([]fig, len(courseKinds))
		for i, c := range courseKinds {
			v[i] = f.count("kurs_laufend/"+strings.ToLower(c.key)+"/"+keyMonths[j], counts[c.key][j])
		}
		ss.add(v)
	}
	sec.Charts = append(sec.Charts, chartSpec{ID: "kursteilnahme", Title: "Laufende Sprachkursteilnahmen am Monatsende", AxisHead: "Monat", Labels: labels, Stack: true,
		Description: "Gestapeltes Säulendiagramm der am Monatsende laufenden Teilnahmen an Integrations- und Berufssprachkursen, nach Kursart, für die letzten 12 Monate.",
		Series:      ss}.build())

	// Endings: completed and broken off, all course kinds together, per month.
	erows, err := db.QueryContext(ctx, `SELECT monat, sum(beendet)::BIGINT, sum(abgebrochen)::BIGINT FROM mart_kursteilnahme
		WHERE monat > ?::DATE - INTERVAL 12 MONTH AND monat <= ?::DATE GROUP BY monat ORDER BY monat`, month.Format(time.DateOnly), month.Format(time.DateOnly))
	if err != nil {
		return sec, err
	}
	var endLabels []string
	endings := newSeriesSet("regulär beendet", "abgebrochen")
	var lastDone, lastBroken fig
	for erows.Next() {
		var m time.Time
		var done, broken int64
		if err := erows.Scan(&m, &done, &broken); err != nil {
			erows.Close()
			return sec, err
		}
		m = m.UTC()
		endLabels = append(endLabels, monthLabel(m))
		lastDone, lastBroken = f.count("kurs_ende/beendet/"+monthKey(m), done), f.count("kurs_ende/abgebrochen/"+monthKey(m), broken)
		endings.add([]fig{lastDone, lastBroken})
	}
	erows.Close()
	if err := erows.Err(); err != nil {
		return sec, err
	}
	if len(endLabels) > 0 {
		desc := "Säulendiagramm der im Monat beendeten Teilnahmen an Integrations- und Berufssprachkursen, regulär beendet oder abgebrochen, für die letzten 12 Monate."
		if shown(lastDone, lastBroken) && lastDone.value+lastBroken.value >= MinDenominator {
			desc += fmt.Sprintf(" Im %s wurden %s der beendeten Teilnahmen abgebrochen.", endLabels[len(endLabels)-1],
				percent(float64(lastBroken.value), float64(lastDone.value+lastBroken.value), MinDenominator))
		}
		sec.Charts = append(sec.Charts, chartSpec{ID: "kursende", Title: "Beendete und abgebrochene Sprachkursteilnahmen je Monat", AxisHead: "Monat",
			Labels: endLabels, Description: desc, Series: endings}.build())
	}

	// Results of the courses that ended two months before, by kind: a test's result comes
	// two to six weeks after the course (found by review: the report's own month, frozen
	// when it is published, showed the few results in by then). A count per month, not a
	// window of 12 months (consecutive windows would differ by the months' small counts).
	month = month.AddDate(0, -2, 0)
	if month.Before(time.Date(dataFirst.Year(), dataFirst.Month(), 1, 0, 0, 0, 0, time.UTC)) {
		sec.Pending = append(sec.Pending, fmt.Sprintf("Ergebnisse der im %s beendeten Sprachkurse: nicht ausweisbar, die Lieferungen beginnen am %s.",
			monthLabel(month), german.Date(dataFirst)))
		return sec, nil
	}
	results := []struct{ key, name string }{{"UNTER_A2", "unter A2"}, {"A2", "A2"}, {"B1", "B1"}, {"B2", "B2"}, {"C1", "C1"}, {"NICHT_BESTANDEN", "nicht bestanden"}, {"KEIN_TEST", "ohne Test"}}
	rrows, err := db.QueryContext(ctx, `SELECT massnahmeart, ergebnis, sum(anzahl)::BIGINT FROM mart_sprachkurs
		WHERE monat = ?::DATE GROUP BY ALL`, month.Format(time.DateOnly))
	if err != nil {
		return sec, err
	}
	defer rrows.Close()
	res := map[string]map[string]int64{}
	for rrows.Next() {
		var kind, result string
		var n int64
		if err := rrows.Scan(&kind, &result, &n); err != nil {
			return sec, err
		}
		if res[kind] == nil {
			res[kind] = map[string]int64{}
		}
		res[kind][result] = n
	}
	if err := rrows.Err(); err != nil {
		return sec, err
	}
	var resultNames []string
	for _, x := range results {
		resultNames = append(resultNames, x.name)
	}
	rs := newSeriesSet(resultNames...)
	for _, c := range courseKinds {
		v := make([]fig, len(results))
		for i, x := range results {
			v[i] = f.count("kurs_ergebnis/"+strings.ToLower(c.key)+"/"+strings.ToLower(x.key)+"/"+monthKey(month), res[c.key][x.key])
		}
		rs.add(v)
	}
	// The results are those of completed participations: at most the month's completed.
	if f.sys.Has("kurs_ende/beendet/" + monthKey(month)) {
		terms := []suppress.Term{suppress.Minus("kurs_ende/beendet/" + monthKey(month))}
		for _, c := range courseKinds {
			for _, x := range results {
				terms = append(terms, suppress.Plus("kurs_ergebnis/"+strings.ToLower(c.key)+"/"+strings.ToLower(x.key)+"/"+monthKey(month)))
			}
		}
		f.atMost(terms...)
	}
	name := monthLabel(month)
	sec.Charts = append(sec.Charts, chartSpec{ID: "kursergebnisse", Title: "Ergebnisse der im " + name + " beendeten Sprachkurse", AxisHead: "Kursart",
		Labels: kLabels, Stack: true, Horizontal: true, Colors: ResultColors,
		Description: "Gestapeltes Balkendiagramm der Ergebnisse der im " + name + " beendeten Sprachkurse, je Kursart nach erreichtem Niveau.",
		Series:      rs}.build())
	return sec, nil
}
