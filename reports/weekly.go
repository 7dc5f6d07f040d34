package reports

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"ipoint/reports/german"
)

type weekRow struct {
	regs, caseload, foerder    int64
	exits                      [6]int64 // by reason, in the order of exitReasons
	al, as, massn, ik, erw, na int64
}

func (r weekRow) exitsTotal() int64 {
	var n int64
	for _, e := range r.exits {
		n += e
	}
	return n
}

var exitReasons = []string{"Arbeit oder Ausbildung", "Umzug", "Einbürgerung", "Rückkehr", "sonstige Gründe", "Grund unbekannt"}

// Weekly loads the Wochenbericht of ISO week `week` of ISO year `year` from the warehouse.
func Weekly(ctx context.Context, db *sql.DB, year, week int, k int64) (*Report, error) {
	monday := isoMonday(year, week)
	r := &Report{Kind: KindWeekly, Title: "Wochenbericht", Year: year, Number: week, K: k}
	by, weeks, err := loadWeeks(ctx, db, monday)
	if err != nil {
		return nil, err
	}
	this, ok := by[monday]
	if !ok {
		return nil, NoDataError{fmt.Sprintf("keine Zahlen für KW %02d/%d in der Auswertungsdatenbank", week, year)}
	}
	if err := loadStand(ctx, db, r); err != nil {
		return nil, err
	}
	end := monday.AddDate(0, 0, 6)
	if r.Stand.Before(end) {
		return nil, fmt.Errorf("KW %02d/%d ist noch nicht vollständig geliefert (Stand der Daten: %s)", week, year, german.Date(r.Stand))
	}
	r.Period = fmt.Sprintf("KW %02d/%d, %s–%s", week, year, monday.Format("02.01."), german.Date(end))

	starts, err := weekStarts(ctx, db, monday)
	if err != nil {
		return nil, err
	}
	coverage, err := latestCoverage(ctx, db, end)
	if err != nil {
		return nil, err
	}
	r.Keys = weeklyKeys(this, by, weeks, monday, k, starts, coverage)
	r.Text = notable(this, by, monday, k)

	last52 := weeks
	if len(last52) > 52 {
		last52 = last52[len(last52)-52:]
	}
	labels := make([]string, len(last52))
	for i, w := range last52 {
		labels[i] = weekLabel(w)
	}
	perWeek := func(get func(weekRow) []int64, names []string, withhold func(map[string]weekRow) bool) []series {
		ss := newSeriesSet(names...)
		for _, w := range last52 {
			ss.add(get(sum(by[w])), k, withhold != nil && withhold(by[w]))
		}
		return ss
	}
	regsByKreis := newSeriesSet(kreisNames()...)
	for _, w := range last52 {
		v := make([]int64, len(Kreise))
		for i, kr := range Kreise {
			v[i] = by[w][kr.Key].regs
		}
		regsByKreis.add(v, k, flowsWithheld(by[w], k))
	}
	entwicklung := Section{ID: "entwicklung", Title: "Entwicklung der letzten 52 Wochen", Charts: []Chart{
		chartSpec{ID: "zugaenge", Title: "Neue Zugänge je Woche nach Kreis", AxisHead: "Woche", Labels: labels, Stack: true,
			Description: "Gestapeltes Säulendiagramm der neuen Zugänge beim Integration Point je Kalenderwoche der letzten 52 Wochen, nach Kreis.",
			Series:      regsByKreis}.build(),
		chartSpec{ID: "bestand", Title: "Betreute Kunden am Wochenende nach Status", AxisHead: "Woche", Labels: labels, Line: true, Stack: true, Area: true,
			Description: "Gestapeltes Flächendiagramm der betreuten Kunden am Ende jeder der letzten 52 Wochen, nach Status, beide Kreise zusammen.",
			Series: perWeek(func(r weekRow) []int64 { return []int64{r.al, r.as, r.massn, r.ik, r.erw, r.na} },
				[]string{"arbeitslos", "arbeitsuchend", "in Maßnahme", "im Integrationskurs", "erwerbstätig", "nicht verfügbar"}, nil)}.build(),
		chartSpec{ID: "abgaenge", Title: "Abgänge je Woche nach Grund", AxisHead: "Woche", Labels: labels, Stack: true,
			Description: "Gestapeltes Säulendiagramm der Abgänge vom Integration Point je Kalenderwoche der letzten 52 Wochen, nach Grund, beide Kreise zusammen.",
			Series: perWeek(func(r weekRow) []int64 { return r.exits[:] }, exitReasons,
				func(m map[string]weekRow) bool { return flowTotalsWithheld(m, k) })}.build(),
	}}
	sc, err := startsChart(ctx, db, monday, k)
	if err != nil {
		return nil, err
	}
	entwicklung.Charts = append(entwicklung.Charts, sc)
	bc, err := consultationsChart(ctx, db, last52, labels, k)
	if err != nil {
		return nil, err
	}
	entwicklung.Charts = append(entwicklung.Charts, bc)
	r.Sections = append(r.Sections, entwicklung)

	structure, err := structureSection(ctx, db, end, k)
	if err != nil {
		return nil, err
	}
	if structure != nil {
		r.Sections = append(r.Sections, *structure)
	}
	if r.Quality, err = loadQuality(ctx, db, monday, end); err != nil {
		return nil, err
	}
	r.Notes = weeklyNotes(k)
	return r, nil
}

// flowsWithheld says whether a week's registrations and exits per Kreis are withheld.
// The caseload per Kreis is published every week, and its change is registrations
// minus exits; so where either count of a Kreis must be suppressed, both are, in every
// Kreis (the total of each is published, so one Kreis alone would follow from the other).
func flowsWithheld(m map[string]weekRow, k int64) bool {
	regs := make([]int64, len(Kreise))
	exits := make([]int64, len(Kreise))
	for i, kr := range Kreise {
		regs[i], exits[i] = m[kr.Key].regs, m[kr.Key].exitsTotal()
	}
	for _, line := range [][]int64{regs, exits} {
		for _, hidden := range suppressLine(line, k) {
			if hidden {
				return true
			}
		}
	}
	return false
}

// flowTotalsWithheld says whether a week's registrations and exits together (both
// Kreise) are withheld: where either is small, both are, since the caseload's change is
// their difference.
func flowTotalsWithheld(m map[string]weekRow, k int64) bool {
	t := sum(m)
	return (t.regs > 0 && t.regs < k) || (t.exitsTotal() > 0 && t.exitsTotal() < k)
}

func sum(m map[string]weekRow) weekRow {
	var t weekRow
	for _, r := range m {
		t.regs += r.regs
		t.caseload += r.caseload
		t.foerder += r.foerder
		for i := range t.exits {
			t.exits[i] += r.exits[i]
		}
		t.al += r.al
		t.as += r.as
		t.massn += r.massn
		t.ik += r.ik
		t.erw += r.erw
		t.na += r.na
	}
	return t
}

func loadWeeks(ctx context.Context, db *sql.DB, monday time.Time) (map[time.Time]map[string]weekRow, []time.Time, error) {
	rows, err := db.QueryContext(ctx, `SELECT montag, kreis, zugaenge,
		abgaenge_int, abgaenge_umz, abgaenge_einb, abgaenge_rueck, abgaenge_sonst, abgaenge_unbekannt,
		bestand, foerderbedarf, bestand_al, bestand_as, bestand_massn, bestand_ik, bestand_erw, bestand_na
		FROM mart_woche_kreis WHERE montag BETWEEN ?::DATE - INTERVAL 371 DAY AND ?::DATE ORDER BY montag, kreis`,
		monday.Format(time.DateOnly), monday.Format(time.DateOnly))
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	by := map[time.Time]map[string]weekRow{}
	var weeks []time.Time
	for rows.Next() {
		var m time.Time
		var kreis string
		var r weekRow
		if err := rows.Scan(&m, &kreis, &r.regs, &r.exits[0], &r.exits[1], &r.exits[2], &r.exits[3], &r.exits[4], &r.exits[5],
			&r.caseload, &r.foerder, &r.al, &r.as, &r.massn, &r.ik, &r.erw, &r.na); err != nil {
			return nil, nil, err
		}
		m = m.UTC()
		if by[m] == nil {
			by[m] = map[string]weekRow{}
			weeks = append(weeks, m)
		}
		by[m][kreis] = r
	}
	return by, weeks, rows.Err()
}

func loadStand(ctx context.Context, db *sql.DB, r *Report) error {
	if err := db.QueryRowContext(ctx, `SELECT stand FROM dim_stichtage`).Scan(&r.Stand); err != nil {
		return err
	}
	r.Stand = r.Stand.UTC()
	return db.QueryRowContext(ctx, `SELECT coalesce(any_value(datenversion), '') FROM core_lieferungen`).Scan(&r.DataVersion)
}

// weekStarts counts the job and training starts (K2 kinds) and other entries that began in the week, per Kreis.
func weekStarts(ctx context.Context, db *sql.DB, monday time.Time) (map[string][2]int64, error) {
	rows, err := db.QueryContext(ctx, `SELECT coalesce(kreis, ''), count(*) FILTER (integration), count(*) FILTER (NOT integration)
		FROM core_aufnahmen WHERE beginn BETWEEN ?::DATE AND ?::DATE + 6 GROUP BY ALL`, monday.Format(time.DateOnly), monday.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][2]int64{}
	for rows.Next() {
		var kreis string
		var v [2]int64
		if err := rows.Scan(&kreis, &v[0], &v[1]); err != nil {
			return nil, err
		}
		out[kreis] = v
	}
	return out, rows.Err()
}

type coverage struct {
	stichtag time.Time
	bestand  map[string]int64
	pop      map[string]sql.NullInt64 // null: a cell of the population is unknown
	known    map[string]int64         // the sum of the known cells
}

// text is a Kreis's coverage, or "." with the upper bound when a cell of the
// population is unknown (the known cells' sum is a lower bound of the population).
func (c *coverage) text(kreis string) string {
	if p := c.pop[kreis]; p.Valid {
		return percent(float64(c.bestand[kreis]), float64(p.Int64), MinDenominator)
	}
	if c.known[kreis] >= MinDenominator {
		return ". (höchstens " + percent(float64(c.bestand[kreis]), float64(c.known[kreis]), MinDenominator) + ")"
	}
	return "."
}

func latestCoverage(ctx context.Context, db *sql.DB, end time.Time) (*coverage, error) {
	rows, err := db.QueryContext(ctx, `SELECT stichtag, kreis, bestand, schutzsuchende, schutzsuchende_bekannt FROM mart_abdeckung
		WHERE stichtag = (SELECT max(stichtag) FROM mart_abdeckung WHERE stichtag <= ?::DATE)`, end.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var c *coverage
	for rows.Next() {
		if c == nil {
			c = &coverage{bestand: map[string]int64{}, pop: map[string]sql.NullInt64{}, known: map[string]int64{}}
		}
		var kreis string
		var b int64
		var p, known sql.NullInt64
		if err := rows.Scan(&c.stichtag, &kreis, &b, &p, &known); err != nil {
			return nil, err
		}
		c.bestand[kreis], c.pop[kreis], c.known[kreis] = b, p, known.Int64
	}
	return c, rows.Err()
}

// weeklyKeys builds the key figures: per Kreis, together, the change against the
// previous week and the average of the four weeks before. A change or an average is
// shown only where every total it rests on was published, so that it cannot reveal a
// suppressed total.
func weeklyKeys(this map[string]weekRow, by map[time.Time]map[string]weekRow, weeks []time.Time, monday time.Time, k int64,
	starts map[string][2]int64, cov *coverage) *KeyTable {
	t := &KeyTable{Caption: "Kennzahlen der Woche", Head: append(append([]string{"Kennzahl"}, kreisNames()...), "zusammen", "Veränderung zur Vorwoche", "Schnitt der 4 Vorwochen")}
	hidden := func(n int64) bool { return n > 0 && n < k }
	// withheld says whether a week's total of a figure is suppressed. Registrations and
	// exits share one rule: the caseload's change together is their difference.
	var flowTotals bool
	withheld := func(m map[string]weekRow, get func(weekRow) int64) bool {
		if flowTotals {
			return flowTotalsWithheld(m, k)
		}
		return hidden(get(sum(m)))
	}
	add := func(name, note string, get func(weekRow) int64, history bool, supp []bool) {
		v := make([]int64, len(Kreise))
		var total int64
		for i, kr := range Kreise {
			v[i] = get(this[kr.Key])
			total += v[i]
		}
		if supp == nil {
			supp = suppressLine(v, k)
		}
		row := KeyRow{Name: name, Note: note}
		for i := range Kreise {
			row.Cells = append(row.Cells, countText(v[i], supp[i]))
		}
		row.Cells = append(row.Cells, countText(total, withheld(this, get)))
		change, avg := "", ""
		if history {
			change, avg = "x", "x"
			if p, ok := by[monday.AddDate(0, 0, -7)]; ok {
				pt := get(sum(p))
				if !withheld(this, get) && !withheld(p, get) {
					change = signed(total - pt)
				}
			}
			var s, n int64
			ok := true
			for _, wk := range weeks {
				if wk.Before(monday) && !wk.Before(monday.AddDate(0, 0, -28)) {
					x := get(sum(by[wk]))
					ok = ok && !withheld(by[wk], get)
					s += x
					n++
				}
			}
			if n == 4 && ok {
				avg = german.Decimal(float64(s)/4, 1)
			}
		}
		row.Cells = append(row.Cells, change, avg)
		t.Rows = append(t.Rows, row)
	}
	add("Betreute Kunden am Wochenende", "Bestand am Sonntag der Woche", func(r weekRow) int64 { return r.caseload }, true, nil)
	var flows []bool
	if flowsWithheld(this, k) {
		flows = make([]bool, len(Kreise))
		for i := range flows {
			flows[i] = true
		}
	}
	flowTotals = true
	add("Neue Zugänge", "", func(r weekRow) int64 { return r.regs }, true, flows)
	add("Abgänge", "", func(r weekRow) int64 { return r.exitsTotal() }, true, flows)
	flowTotals = false
	// Exits by reason only for both Kreise together: per Kreis, the reasons would add up
	// to a Kreis's exits, which the caseload's change can reveal.
	reasons := make([]int64, len(exitReasons))
	for i := range exitReasons {
		for _, kr := range Kreise {
			reasons[i] += this[kr.Key].exits[i]
		}
	}
	rs := suppressLine(reasons, k)
	if flowTotalsWithheld(this, k) {
		// The reasons add up to the exits, which are withheld.
		for i := range rs {
			rs[i] = true
		}
	}
	for i, reason := range exitReasons {
		row := KeyRow{Name: "davon: " + reason, Note: "nur für beide Kreise zusammen"}
		for range Kreise {
			row.Cells = append(row.Cells, "x")
		}
		row.Cells = append(row.Cells, countText(reasons[i], rs[i]), "", "")
		t.Rows = append(t.Rows, row)
	}
	add("im Integrationskurs", "Status am Wochenende", func(r weekRow) int64 { return r.ik }, true, nil)
	add("in einer Maßnahme", "Status am Wochenende", func(r weekRow) int64 { return r.massn }, true, nil)
	add("mit besonderem Förderbedarf", "", func(r weekRow) int64 { return r.foerder }, true, nil)

	// Job and training starts of the week (by their start date).
	for j, name := range []string{"Aufnahmen von Beschäftigung und Ausbildung", "Minijobs, Praktika und EQ"} {
		v := make([]int64, len(Kreise))
		var total int64
		for i, kr := range Kreise {
			v[i] = starts[kr.Key][j]
			total += v[i]
		}
		total += starts[""][j]
		supp := suppressLine(v, k)
		row := KeyRow{Name: name, Note: "nach Beginn in der Woche; Nachmeldungen ändern die Zahl noch"}
		for i := range Kreise {
			row.Cells = append(row.Cells, countText(v[i], supp[i]))
		}
		row.Cells = append(row.Cells, countText(total, hidden(total)), "", "")
		t.Rows = append(t.Rows, row)
	}

	// Shares: suppressed on small denominators.
	row := KeyRow{Name: "Anteil mit besonderem Förderbedarf", Note: "am Bestand"}
	var f, c int64
	for _, kr := range Kreise {
		row.Cells = append(row.Cells, percent(float64(this[kr.Key].foerder), float64(this[kr.Key].caseload), MinDenominator))
		f += this[kr.Key].foerder
		c += this[kr.Key].caseload
	}
	row.Cells = append(row.Cells, percent(float64(f), float64(c), MinDenominator), "", "")
	t.Rows = append(t.Rows, row)
	if cov != nil {
		row := KeyRow{Name: "Abdeckung der geflüchteten Bevölkerung", Note: "Bestand / Schutzsuchende am " + german.Date(cov.stichtag) + "; unbekannt (.), wenn die Bevölkerungszahl nicht vollständig vorliegt; dann in Klammern die obere Grenze aus den bekannten Zahlen"}
		var b, p int64
		known := true
		for _, kr := range Kreise {
			pop := cov.pop[kr.Key]
			row.Cells = append(row.Cells, cov.text(kr.Key))
			if !pop.Valid {
				known = false
				continue
			}
			b += cov.bestand[kr.Key]
			p += pop.Int64
		}
		if known {
			row.Cells = append(row.Cells, percent(float64(b), float64(p), MinDenominator), "", "")
		} else {
			row.Cells = append(row.Cells, ".", "", "")
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// notable says in words what changed notably this week; it uses only published totals.
func notable(this map[string]weekRow, by map[time.Time]map[string]weekRow, monday time.Time, k int64) []string {
	var out []string
	cur := sum(this)
	// Registrations and exits are stated only where the key figures publish them.
	var avg float64
	n := 0
	published := !flowTotalsWithheld(this, k)
	for d := 1; d <= 4; d++ {
		if p, ok := by[monday.AddDate(0, 0, -7*d)]; ok {
			avg += float64(sum(p).regs)
			n++
			published = published && !flowTotalsWithheld(p, k)
		}
	}
	if n == 4 && published {
		avg /= float64(n)
		switch {
		case avg > 0 && float64(cur.regs) > 1.25*avg:
			out = append(out, fmt.Sprintf("Deutlich mehr neue Zugänge als im Schnitt der Vorwochen: %s statt %s.", german.Int(cur.regs), german.Decimal(avg, 1)))
		case avg > 0 && float64(cur.regs) < 0.75*avg:
			out = append(out, fmt.Sprintf("Deutlich weniger neue Zugänge als im Schnitt der Vorwochen: %s statt %s.", german.Int(cur.regs), german.Decimal(avg, 1)))
		default:
			out = append(out, fmt.Sprintf("Neue Zugänge im Rahmen der Vorwochen: %s (Schnitt %s).", german.Int(cur.regs), german.Decimal(avg, 1)))
		}
	}
	if p, ok := by[monday.AddDate(0, 0, -7)]; ok {
		prev := sum(p)
		if prev.caseload >= MinDenominator && cur.caseload >= MinDenominator {
			ch := float64(cur.caseload-prev.caseload) / float64(prev.caseload) * 100
			switch {
			case cur.caseload == prev.caseload:
				out = append(out, fmt.Sprintf("Der Bestand blieb gegenüber der Vorwoche unverändert bei %s betreuten Kunden.", german.Int(cur.caseload)))
			case ch > 0:
				out = append(out, fmt.Sprintf("Der Bestand stieg gegenüber der Vorwoche um %s %% auf %s betreute Kunden.", german.Decimal(ch, 1), german.Int(cur.caseload)))
			default:
				out = append(out, fmt.Sprintf("Der Bestand sank gegenüber der Vorwoche um %s %% auf %s betreute Kunden.", german.Decimal(-ch, 1), german.Int(cur.caseload)))
			}
		}
	}
	// Only as the key figures publish it: the reasons' line is suppressed as a whole.
	if e := cur.exitsTotal(); !flowTotalsWithheld(this, k) && cur.exits[0] > 0 && !suppressLine(cur.exits[:], k)[0] {
		out = append(out, fmt.Sprintf("%s der %s Abgänge erfolgten in Arbeit oder Ausbildung.", german.Int(cur.exits[0]), german.Int(e)))
	}
	if cur.caseload >= MinDenominator {
		share := 100 * float64(cur.foerder) / float64(cur.caseload)
		if share < 85 || share > 95 {
			out = append(out, fmt.Sprintf("Der Anteil mit besonderem Förderbedarf liegt mit %s %% außerhalb des üblichen Bereichs von rund 90 %%.", german.Decimal(share, 1)))
		}
	}
	return out
}

// startsChart shows the job and training starts by kind in the 12 months up to the week's month.
func startsChart(ctx context.Context, db *sql.DB, day time.Time, k int64) (Chart, error) {
	rows, err := db.QueryContext(ctx, `SELECT monat, aufnahmen_svb_vz, aufnahmen_svb_tz, aufnahmen_ausb, aufnahmen_selbst,
		aufnahmen_mini, aufnahmen_prak, aufnahmen_eq FROM mart_monat
		WHERE monat > date_trunc('month', ?::DATE) - INTERVAL 12 MONTH AND monat <= ?::DATE
		  AND monat >= (SELECT date_trunc('month', erster_stichtag) FROM dim_stichtage) ORDER BY monat`,
		day.Format(time.DateOnly), day.Format(time.DateOnly))
	if err != nil {
		return Chart{}, err
	}
	defer rows.Close()
	kinds := []string{"Vollzeit", "Teilzeit", "Ausbildung", "selbständig", "Minijob", "Praktikum", "Einstiegsqualifizierung"}
	ss := newSeriesSet(kinds...)
	var labels []string
	for rows.Next() {
		var m time.Time
		v := make([]int64, len(kinds))
		if err := rows.Scan(&m, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]); err != nil {
			return Chart{}, err
		}
		labels = append(labels, monthLabel(m))
		ss.add(v, k, false)
	}
	if err := rows.Err(); err != nil {
		return Chart{}, err
	}
	return chartSpec{ID: "aufnahmen", Title: "Aufnahmen von Arbeit und Ausbildung je Monat nach Art", AxisHead: "Monat", Labels: labels, Stack: true,
		Description: "Gestapeltes Säulendiagramm der Aufnahmen je Monat des Beginns, nach Art, für die letzten 12 Monate; der laufende Monat ist unvollständig.",
		Series:      ss}.build(), nil
}

func consultationsChart(ctx context.Context, db *sql.DB, weeks []time.Time, labels []string, k int64) (Chart, error) {
	groups := []struct{ key, name string }{{"GEFLUECHTETE", "Geflüchtete"}, {"EHRENAMT", "Ehrenamtliche"}, {"ARBEITGEBER", "Arbeitgeber"}}
	rows, err := db.QueryContext(ctx, `SELECT montag, zielgruppe, sum(anzahl) FROM mart_beratung_woche
		WHERE montag BETWEEN ?::DATE AND ?::DATE GROUP BY ALL`, weeks[0].Format(time.DateOnly), weeks[len(weeks)-1].Format(time.DateOnly))
	if err != nil {
		return Chart{}, err
	}
	defer rows.Close()
	counts := map[time.Time]map[string]int64{}
	for rows.Next() {
		var m time.Time
		var g string
		var n int64
		if err := rows.Scan(&m, &g, &n); err != nil {
			return Chart{}, err
		}
		m = m.UTC()
		if counts[m] == nil {
			counts[m] = map[string]int64{}
		}
		counts[m][g] = n
	}
	if err := rows.Err(); err != nil {
		return Chart{}, err
	}
	var names []string
	for _, g := range groups {
		names = append(names, g.name)
	}
	ss := newSeriesSet(names...)
	for _, w := range weeks {
		v := make([]int64, len(groups))
		for i, g := range groups {
			v[i] = counts[w][g.key]
		}
		ss.add(v, k, false)
	}
	return chartSpec{ID: "beratung-zielgruppe", Title: "Beratungen je Woche nach Zielgruppe", AxisHead: "Woche", Labels: labels, Stack: true,
		Description: "Gestapeltes Säulendiagramm der Beratungen von Geflüchteten, Ehrenamtlichen und Arbeitgebern je Kalenderwoche der letzten 52 Wochen.",
		Series:      ss}.build(), nil
}

func weeklyNotes(k int64) []Note {
	return append([]Note{
		{"Kalenderwoche", "ISO-Kalenderwoche (Montag bis Sonntag), gezählt nach dem ISO-Jahr."},
		{"Betreute Kunden (Bestand)", "Kunden, die am Stichtag beim Integration Point registriert und nicht abgemeldet sind (Kundenbestand aus VerBIS)."},
		{"Zugang, Abgang", "Registrierung beim Integration Point bzw. Ende der Betreuung, mit dem Abgangsgrund aus VerBIS."},
		{"Besonderer Förderbedarf", "Kennzeichen im Kundenbestand; Anteil am Bestand des Stichtags."},
		{"Aufnahmen", "Beginn einer sozialversicherungspflichtigen Beschäftigung (Voll- oder Teilzeit), Ausbildung oder selbständigen Tätigkeit (Integrationen im Sinne des § 48a SGB II); Minijobs, Praktika und Einstiegsqualifizierungen getrennt. Stornierte Meldungen zählen nicht, korrigierte in ihrer letzten Fassung."},
		{"Abdeckung", "Betreute Kunden am Monatsende im Verhältnis zu den Schutzsuchenden des Kommunalen Integrationszentrums."},
		{"Gliederungen", "Wöchentlich nur nach Kreis; Staatsangehörigkeit, Alter, Geschlecht und Sprachniveau nur zum Monatsende."},
	}, symbolNotes(k)...)
}

func symbolNotes(k int64) []Note {
	return []Note{
		{"*", fmt.Sprintf("Statistische Geheimhaltung: Werte unter %d sowie Werte, aus denen sich ein geheim gehaltener Wert errechnen ließe, werden nicht ausgewiesen (§ 281 SGB III, § 16 BStatG).", k)},
		{"-", "nichts vorhanden"},
		{"x", fmt.Sprintf("Aussage nicht sinnvoll, z. B. ein Anteil auf einer Grundlage von weniger als %d Personen, oder eine Veränderung, die einen geheim gehaltenen Wert offenlegen würde.", MinDenominator)},
		{".", "Zahlenwert unbekannt (in der Lieferung als unbekannt gekennzeichnet)."},
	}
}
