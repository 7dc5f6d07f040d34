package reports

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"ipoint/reports/german"
	"ipoint/reports/suppress"
)

type weekRow struct {
	regs, caseload, foerder    int64
	exits                      [len(exitKeys)]int64 // by reason, in the order of exitKeys
	al, as, massn, ik, erw, na int64
}

func (r weekRow) exitsTotal() int64 {
	var n int64
	for _, e := range r.exits {
		n += e
	}
	return n
}

// exitReasons label the exit reasons, in the order of exitKeys.
var exitReasons = [len(exitKeys)]string{"Arbeit oder Ausbildung", "Übergabe an die Regelbetreuung", "Ende des Leistungsbezugs", "Umzug",
	"Einbürgerung", "Rückkehr", "fehlende Mitwirkung", "sonstige Gründe", "Grund unbekannt"}

// Weekly loads the Wochenbericht of ISO week `week` of ISO year `year` from the warehouse.
func Weekly(ctx context.Context, db *sql.DB, f *figures, year, week int, k int64) (*Report, error) {
	monday := isoMonday(year, week)
	r := &Report{Kind: KindWeekly, Title: "Wochenbericht", Year: year, Number: week, K: k}
	if err := loadStand(ctx, db, r); err != nil {
		return nil, err
	}
	if monday.Before(r.First) {
		return nil, NoDataError{fmt.Sprintf("KW %02d/%d ist nicht vollständig geliefert: die Lieferungen beginnen am %s", week, year, german.Date(r.First))}
	}
	by, weeks, err := loadWeeks(ctx, db, monday.AddDate(0, 0, -371), monday)
	if err != nil {
		return nil, err
	}
	_, ok := by[monday]
	if !ok {
		return nil, NoDataError{fmt.Sprintf("keine Zahlen für KW %02d/%d in der Auswertungsdatenbank (noch keine Lieferungen für den Zeitraum)", week, year)}
	}
	end := monday.AddDate(0, 0, 6)
	if r.Stand.Before(end) {
		return nil, fmt.Errorf("KW %02d/%d ist noch nicht vollständig geliefert (Stand der Daten: %s)", week, year, german.Date(r.Stand))
	}
	if r.Complete.Before(end) {
		return nil, NoDataError{fmt.Sprintf("KW %02d/%d ist noch nicht vollständig geliefert: %s (Stand der Daten: %s)", week, year, missingDeliveries(r.Complete), german.Date(r.Stand))}
	}
	r.Period = fmt.Sprintf("KW %02d/%d, %s–%s", week, year, monday.Format("02.01."), german.Date(end))

	starts, err := weekStarts(ctx, db, weeks[0], monday)
	if err != nil {
		return nil, err
	}
	// Composition and coverage at the newest month end the data reach, up to a week after
	// the week (a Wochenbericht written on the 1st shows the month just ended).
	monthEnd := end.AddDate(0, 0, 7)
	if r.Complete.Before(monthEnd) {
		monthEnd = r.Complete
	}
	coverage, err := latestCoverage(ctx, db, monthEnd)
	if err != nil {
		return nil, err
	}
	wf := weeklyFigures(f, by, weeks, starts)
	r.Keys = weeklyKeys(wf, monday, coverage)
	if coverage == nil {
		if err := pendingCoverage(ctx, db, r.Keys, len(Kreise), time.Time{}); err != nil { // in "zusammen"
			return nil, err
		}
	}
	r.Text = notable(wf, monday)

	last52 := weeks
	if len(last52) > 52 {
		last52 = last52[len(last52)-52:]
	}
	labels := make([]string, len(last52))
	for i, w := range last52 {
		labels[i] = weekLabel(w)
	}
	perWeek := func(names []string, get func(w time.Time, i int) fig) []series {
		ss := newSeriesSet(names...)
		for _, w := range last52 {
			v := make([]fig, len(names))
			for i := range names {
				v[i] = get(w, i)
			}
			ss.add(v)
		}
		return ss
	}
	regsByKreis := perWeek(kreisNames(), func(w time.Time, i int) fig { return wf.get("zugaenge", Kreise[i].Key, w) })
	statusNames := []string{"arbeitslos", "arbeitsuchend", "in Maßnahme", "im Integrationskurs", "erwerbstätig", "nicht verfügbar"}
	entwicklung := Section{ID: "entwicklung", Title: "Entwicklung der letzten 52 Wochen", Charts: []Chart{
		chartSpec{ID: "zugaenge", Title: "Neue Zugänge je Woche nach Kreis", AxisHead: "Woche", Labels: labels, Stack: true,
			Description: "Gestapeltes Säulendiagramm der neuen Zugänge beim Integration Point je Kalenderwoche der letzten 52 Wochen, nach Kreis.",
			Series:      regsByKreis}.build(),
		chartSpec{ID: "bestand", Title: "Betreute Kunden am Sonntag jeder Woche nach Status", AxisHead: "Woche", Labels: labels, Line: true, Stack: true, Area: true,
			Description: "Gestapeltes Flächendiagramm der betreuten Kunden am Sonntag jeder der letzten 52 Wochen, nach Status, beide Kreise zusammen.",
			Series:      perWeek(statusNames, func(w time.Time, i int) fig { return wf.get("status/"+statusKeys[i], "alle", w) })}.build(),
		chartSpec{ID: "abgaenge", Title: "Abgänge je Woche nach Grund", AxisHead: "Woche", Labels: labels, Stack: true,
			Description: "Gestapeltes Säulendiagramm der Abgänge vom Integration Point je Kalenderwoche der letzten 52 Wochen, nach Grund, beide Kreise zusammen.",
			Series:      perWeek(exitReasons[:], func(w time.Time, i int) fig { return wf.get("abgang/"+exitKeys[i], "alle", w) })}.build(),
	}}
	sc, err := startsChart(ctx, db, f, end)
	if err != nil {
		return nil, err
	}
	entwicklung.Charts = append(entwicklung.Charts, sc)
	missing, err := undelivered(ctx, db)
	if err != nil {
		return nil, err
	}
	if title, ok := missing[exportConsultations]; ok {
		// An empty chart would say that nobody was advised.
		entwicklung.Pending = append(entwicklung.Pending, consultationsTitle+": "+noDelivery+" ("+title+").")
	} else {
		bc, pending, err := consultationsChart(ctx, db, f, last52, labels)
		if err != nil {
			return nil, err
		}
		entwicklung.Charts = append(entwicklung.Charts, bc)
		entwicklung.Pending = append(entwicklung.Pending, pending...)
	}
	r.Sections = append(r.Sections, entwicklung)

	s, err := loadStructure(ctx, db, monthEnd)
	if err != nil {
		return nil, err
	}
	if structure := structureSection(f, s); structure != nil {
		r.Sections = append(r.Sections, *structure)
	}
	if r.Quality, err = loadQuality(ctx, db, monday, end); err != nil {
		return nil, err
	}
	r.Notes = weeklyNotes(k)
	if coverage != nil && !coverage.official.stichtag.IsZero() {
		r.Notes = withOfficialNote(r.Notes)
	}
	return r, nil
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

// loadWeeks reads the weeks whose Monday lies from `from` to `to` and after the first
// delivery.
func loadWeeks(ctx context.Context, db *sql.DB, from, to time.Time) (map[time.Time]map[string]weekRow, []time.Time, error) {
	rows, err := db.QueryContext(ctx, `SELECT montag, kreis, zugaenge,
		abgaenge_int, abgaenge_ueberg, abgaenge_leist, abgaenge_umz, abgaenge_einb, abgaenge_rueck, abgaenge_mitw,
		abgaenge_sonst, abgaenge_unbekannt,
		bestand, foerderbedarf, bestand_al, bestand_as, bestand_massn, bestand_ik, bestand_erw, bestand_na
		FROM mart_woche_kreis WHERE montag BETWEEN ?::DATE AND ?::DATE
		  AND montag >= (SELECT erster_stichtag FROM dim_stichtage) -- a week begun before the first delivery is not covered
		ORDER BY montag, kreis`,
		from.Format(time.DateOnly), to.Format(time.DateOnly))
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
			&r.exits[6], &r.exits[7], &r.exits[8], &r.caseload, &r.foerder, &r.al, &r.as, &r.massn, &r.ik, &r.erw, &r.na); err != nil {
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

// missingDeliveries says, for a period ending after complete, what it waits for.
func missingDeliveries(complete time.Time) string {
	return fmt.Sprintf("Kundenbestand und Arbeitsaufnahmen sind erst bis zum %s beide geliefert", german.Date(complete))
}

func loadStand(ctx context.Context, db *sql.DB, r *Report) error {
	if err := db.QueryRowContext(ctx, `SELECT stand, erster_stichtag, vollstaendig_bis FROM dim_stichtage`).Scan(&r.Stand, &r.First, &r.Complete); err != nil {
		return err
	}
	r.Stand, r.First, r.Complete = r.Stand.UTC(), r.First.UTC(), r.Complete.UTC()
	return db.QueryRowContext(ctx, `SELECT coalesce(any_value(datenversion), '') FROM core_lieferungen`).Scan(&r.DataVersion)
}

// weekStarts counts the job and training starts (K2 kinds) and other entries that began
// in each week from first to last, per Kreis ("" where the Kreis is unknown).
func weekStarts(ctx context.Context, db *sql.DB, first, last time.Time) (map[time.Time]map[string][2]int64, error) {
	daily, err := startsByDay(ctx, db, first, last.AddDate(0, 0, 6))
	if err != nil {
		return nil, err
	}
	out := map[time.Time]map[string][2]int64{}
	for d, byKreis := range daily {
		m := monday(d)
		if out[m] == nil {
			out[m] = map[string][2]int64{}
		}
		for kreis, v := range byKreis {
			w := out[m][kreis]
			out[m][kreis] = [2]int64{w[0] + v[0], w[1] + v[1]}
		}
	}
	return out, nil
}

// startsByDay counts the starts that began on each day from `from` to `to`, by the
// client's Kreis ("" for none): [0] integrations (K2 kinds), [1] other starts.
func startsByDay(ctx context.Context, db *sql.DB, from, to time.Time) (map[time.Time]map[string][2]int64, error) {
	rows, err := db.QueryContext(ctx, `SELECT beginn::DATE, coalesce(kreis, ''), count(*) FILTER (integration), count(*) FILTER (NOT integration)
		FROM core_aufnahmen WHERE beginn BETWEEN ?::DATE AND ?::DATE GROUP BY ALL`, from.Format(time.DateOnly), to.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[time.Time]map[string][2]int64{}
	for rows.Next() {
		var d time.Time
		var kreis string
		var v [2]int64
		if err := rows.Scan(&d, &kreis, &v[0], &v[1]); err != nil {
			return nil, err
		}
		d = d.UTC()
		if out[d] == nil {
			out[d] = map[string][2]int64{}
		}
		out[d][kreis] = v
	}
	return out, rows.Err()
}

// pendingCoverage adds the coverage row to a key table that has no population figures
// to show: "noch keine Lieferung" in its cell `at` where the population table has never
// been delivered, or (monthEnd set, the Monatsbericht) not for that month end yet.
// Nothing is added where it was delivered and the week only lies before the first
// month end it covers.
func pendingCoverage(ctx context.Context, db *sql.DB, t *KeyTable, at int, monthEnd time.Time) error {
	missing, err := undelivered(ctx, db)
	if err != nil {
		return err
	}
	title, never := missing[exportPopulation]
	if !never && monthEnd.IsZero() {
		return nil
	}
	if !never {
		if err := db.QueryRowContext(ctx, `SELECT titel FROM dim_export WHERE export = ?`, exportPopulation).Scan(&title); err != nil {
			return err
		}
		title += " zum " + german.Date(monthEnd)
	}
	row := KeyRow{Name: coverageName, Note: "Bestand / Schutzsuchende; Quelle: " + title, Cells: make([]string, len(t.Head)-1)}
	row.Cells[at] = noDelivery
	t.Rows = append(t.Rows, row)
	return nil
}

const coverageName = "Abdeckung der geflüchteten Bevölkerung"

var (
	statusKeys = []string{"al", "as", "massn", "ik", "erw", "na"}
	// exitKeys name the exit reasons in the figures' keys and the columns abgaenge_*:
	// pipeline.ExitReasons in lower case, then the unknown reason.
	exitKeys = [...]string{"int", "ueberg", "leist", "umz", "einb", "rueck", "mitw", "sonst", "unbekannt"}
)

func dayKey(d time.Time) string   { return d.Format(time.DateOnly) }
func monthKey(d time.Time) string { return d.Format("2006-01") }
func weekKey(m time.Time) string {
	y, w := m.ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

// weekFigures are the weekly figures of every loaded week, registered once.
type weekFigures struct {
	f     *figures
	weeks []time.Time
	has   map[time.Time]bool
	// starts per week: starts[w][kreis][0] integrations, [1] other starts
	starts map[time.Time]map[string][2]int64
}

// key of a weekly figure: stocks by the week's Sunday, flows by the ISO week.
func (wf *weekFigures) key(name, kreis string, monday time.Time) string {
	switch {
	case name == "bestand" || name == "foerder" || strings.HasPrefix(name, "status/"):
		return name + "/" + kreis + "/" + dayKey(monday.AddDate(0, 0, 6))
	}
	return name + "/" + kreis + "/" + weekKey(monday)
}

func (wf *weekFigures) get(name, kreis string, monday time.Time) fig {
	return wf.f.get(wf.key(name, kreis, monday))
}

// weeklyFigures registers what a year of Wochenberichte shows, for every loaded week,
// whether this report shows it or the week's own report does: the caseload, its
// statuses and the special-support count per Kreis and together, registrations and exits
// per Kreis and together, exits by reason together, starts per Kreis and together. And
// the relations an attacker uses: Kreise add up to the total, statuses to the caseload,
// reasons to the exits, and a Kreis's caseload changes by its registrations minus its
// exits.
func weeklyFigures(f *figures, by map[time.Time]map[string]weekRow, weeks []time.Time, starts map[time.Time]map[string][2]int64) *weekFigures {
	wf := &weekFigures{f: f, weeks: weeks, has: map[time.Time]bool{}, starts: starts}
	kreise := []string{}
	for _, kr := range Kreise {
		kreise = append(kreise, kr.Key)
	}
	for _, m := range weeks {
		wf.has[m] = true
		rows := by[m]
		total := sum(rows)
		key := func(name, kreis string) string { return wf.key(name, kreis, m) }
		type measure struct {
			name    string
			get     func(weekRow) int64
			perKrei bool // shown per Kreis (else latent per Kreis)
		}
		measures := []measure{
			{"bestand", func(r weekRow) int64 { return r.caseload }, true},
			{"zugaenge", func(r weekRow) int64 { return r.regs }, true},
			{"abgaenge", func(r weekRow) int64 { return r.exitsTotal() }, true},
			{"foerder", func(r weekRow) int64 { return r.foerder }, true},
		}
		status := []func(weekRow) int64{
			func(r weekRow) int64 { return r.al }, func(r weekRow) int64 { return r.as }, func(r weekRow) int64 { return r.massn },
			func(r weekRow) int64 { return r.ik }, func(r weekRow) int64 { return r.erw }, func(r weekRow) int64 { return r.na }}
		for i, st := range statusKeys {
			measures = append(measures, measure{"status/" + st, status[i], st == "ik" || st == "massn"})
		}
		for i, e := range exitKeys {
			i := i
			measures = append(measures, measure{"abgang/" + e, func(r weekRow) int64 { return r.exits[i] }, false})
		}
		for _, ms := range measures {
			var parts []string
			for _, kr := range kreise {
				if ms.perKrei {
					f.count(key(ms.name, kr), ms.get(rows[kr]))
				} else {
					f.latent(key(ms.name, kr), ms.get(rows[kr]))
				}
				parts = append(parts, key(ms.name, kr))
			}
			f.count(key(ms.name, "alle"), ms.get(total))
			f.sum(key(ms.name, "alle"), parts...)
		}
		for _, kr := range append(kreise, "alle") {
			var st, ex []string
			for _, s := range statusKeys {
				st = append(st, key("status/"+s, kr))
			}
			for _, e := range exitKeys {
				ex = append(ex, key("abgang/"+e, kr))
			}
			f.sum(key("bestand", kr), st...)
			f.sum(key("abgaenge", kr), ex...)
			f.atMost(suppress.Plus(key("foerder", kr)), suppress.Minus(key("bestand", kr)))
		}
		// Starts that began in the week.
		for j, name := range []string{"start/int", "start/sonst"} {
			var parts []string
			var all int64
			for _, kr := range kreise {
				f.count(key(name, kr), starts[m][kr][j])
				parts = append(parts, key(name, kr))
			}
			for _, v := range starts[m] {
				all += v[j]
			}
			var known int64
			for _, kr := range kreise {
				known += starts[m][kr][j]
			}
			f.latent(key(name, "ohne"), all-known)
			f.count(key(name, "alle"), all)
			f.sum(key(name, "alle"), append(parts, key(name, "ohne"))...)
		}
		// Stock and flow: caseload(Sunday) − caseload(previous Sunday) = registrations − exits.
		prev := m.AddDate(0, 0, -7)
		if by[prev] != nil {
			for _, kr := range append(kreise, "alle") {
				f.equal(suppress.Plus(key("bestand", kr)), suppress.Minus(wf.key("bestand", kr, prev)),
					suppress.Minus(key("zugaenge", kr)), suppress.Plus(key("abgaenge", kr)))
			}
		}
	}
	return wf
}

// weeklyKeys builds the key figures: per Kreis, together, the change against the
// previous week and the average of the four weeks before. A change or an average is
// shown only where every figure it rests on is shown, so that it adds nothing an
// attacker could use.
func weeklyKeys(wf *weekFigures, monday time.Time, cov *coverage) *KeyTable {
	t := &KeyTable{Caption: "Kennzahlen der Woche", Head: append(append([]string{"Kennzahl"}, kreisNames()...), "zusammen", "Veränderung zur Vorwoche", "Schnitt der 4 Vorwochen")}
	add := func(name, note, measure string, history bool) {
		row := KeyRow{Name: name, Note: note}
		for _, kr := range Kreise {
			row.Cells = append(row.Cells, wf.get(measure, kr.Key, monday).text())
		}
		total := wf.get(measure, "alle", monday)
		row.Cells = append(row.Cells, total.text())
		change, avg := "", ""
		if history {
			change, avg = "x", "x"
			prev := monday.AddDate(0, 0, -7)
			if wf.has[prev] {
				if p := wf.get(measure, "alle", prev); shown(total, p) {
					change = signed(total.value - p.value)
				}
			}
			var s int64
			ok := true
			for d := 1; d <= 4; d++ {
				w := monday.AddDate(0, 0, -7*d)
				if !wf.has[w] {
					ok = false
					break
				}
				x := wf.get(measure, "alle", w)
				ok = ok && shown(x)
				s += x.value
			}
			if ok {
				avg = german.Decimal(float64(s)/4, 1)
			}
		}
		row.Cells = append(row.Cells, change, avg)
		t.Rows = append(t.Rows, row)
	}
	add("Betreute Kunden am Sonntag der Woche", "Bestand am Sonntag der Woche", "bestand", true)
	add("Neue Zugänge", "", "zugaenge", true)
	add("Abgänge", "", "abgaenge", true)
	for i, reason := range exitReasons {
		row := KeyRow{Name: "davon: " + reason, Note: "nur für beide Kreise zusammen"}
		for range Kreise {
			row.Cells = append(row.Cells, "")
		}
		row.Cells = append(row.Cells, wf.get("abgang/"+exitKeys[i], "alle", monday).text(), "", "")
		t.Rows = append(t.Rows, row)
	}
	add("im Integrationskurs", "Status am Sonntag der Woche", "status/ik", true)
	add("in einer Maßnahme", "Status am Sonntag der Woche", "status/massn", true)
	add("mit besonderem Förderbedarf", "", "foerder", true)
	for j, name := range []string{"Aufnahmen von Beschäftigung und Ausbildung", "Minijobs, Praktika und EQ"} {
		measure := []string{"start/int", "start/sonst"}[j]
		row := KeyRow{Name: name, Note: "nach Beginn in der Woche, gemeldet bis zum Stand; spätere Meldungen ändern die einmal gezeigte Zahl nicht; zusammen einschließlich Aufnahmen ohne Kreisangabe"}
		for _, kr := range Kreise {
			row.Cells = append(row.Cells, wf.get(measure, kr.Key, monday).text())
		}
		row.Cells = append(row.Cells, wf.get(measure, "alle", monday).text(), "", "")
		t.Rows = append(t.Rows, row)
	}

	// Shares: only where numerator and denominator are shown, and not on small denominators.
	share := func(kreis string) string {
		f, c := wf.get("foerder", kreis, monday), wf.get("bestand", kreis, monday)
		if !shown(f, c) {
			return "x"
		}
		return percent(float64(f.value), float64(c.value), MinDenominator)
	}
	row := KeyRow{Name: "Anteil mit besonderem Förderbedarf", Note: "am Bestand"}
	for _, kr := range Kreise {
		row.Cells = append(row.Cells, share(kr.Key))
	}
	row.Cells = append(row.Cells, share("alle"), "", "")
	t.Rows = append(t.Rows, row)
	if cov != nil {
		row := KeyRow{Name: coverageName, Note: withWhy("Bestand / Schutzsuchende laut Kommunalem Integrationszentrum am "+german.Date(cov.stichtag)+"; unbekannt (.), wenn die Bevölkerungszahl nicht vollständig vorliegt; dann in Klammern die obere Grenze aus den bekannten Zahlen", populationWhy(cov))}
		for _, kr := range Kreise {
			row.Cells = append(row.Cells, coverageText(wf.f, cov, kr.Key))
		}
		row.Cells = append(row.Cells, coverageText(wf.f, cov, "alle"), "", "")
		t.Rows = append(t.Rows, row)
		if !cov.official.stichtag.IsZero() {
			row := KeyRow{Name: "Abdeckung laut amtlicher Statistik", Note: withWhy("Bestand am "+german.Date(cov.stichtag)+
				" / Schutzsuchende laut amtlicher Statistik am "+german.Date(cov.official.stichtag)+" (Destatis, Werte auf ein Vielfaches von 5 gerundet)", officialWhy(cov))}
			for _, kr := range Kreise {
				row.Cells = append(row.Cells, officialCoverageText(wf.f, cov, kr.Key))
			}
			row.Cells = append(row.Cells, officialCoverageText(wf.f, cov, "alle"), "", "")
			t.Rows = append(t.Rows, row)
		}
	}
	return t
}

// withWhy appends a reason to a note, where there is one.
func withWhy(note, why string) string {
	if why == "" {
		return note
	}
	return note + ". " + why
}

// notable says in words what changed notably this week; it uses only figures the key
// table shows.
func notable(wf *weekFigures, monday time.Time) []string {
	var out []string
	regs := wf.get("zugaenge", "alle", monday)
	var avg float64
	ok := shown(regs)
	for d := 1; d <= 4; d++ {
		w := monday.AddDate(0, 0, -7*d)
		if !wf.has[w] {
			ok = false
			break
		}
		p := wf.get("zugaenge", "alle", w)
		ok = ok && shown(p)
		avg += float64(p.value) / 4
	}
	if ok {
		out = append(out, compareToMean(regs.value, avg, "neue Zugänge"))
	}
	cur := wf.get("bestand", "alle", monday)
	if prev := monday.AddDate(0, 0, -7); wf.has[prev] {
		p := wf.get("bestand", "alle", prev)
		if shown(cur, p) && p.value >= MinDenominator && cur.value >= MinDenominator {
			ch := float64(cur.value-p.value) / float64(p.value) * 100
			switch {
			case cur.value == p.value:
				out = append(out, fmt.Sprintf("Der Bestand blieb gegenüber der Vorwoche unverändert bei %s betreuten Kunden.", german.Int(cur.value)))
			case ch > 0:
				out = append(out, fmt.Sprintf("Der Bestand stieg gegenüber der Vorwoche um %s %% auf %s betreute Kunden.", german.Decimal(ch, 1), german.Int(cur.value)))
			default:
				out = append(out, fmt.Sprintf("Der Bestand sank gegenüber der Vorwoche um %s %% auf %s betreute Kunden.", german.Decimal(-ch, 1), german.Int(cur.value)))
			}
		}
	}
	exits, work := wf.get("abgaenge", "alle", monday), wf.get("abgang/int", "alle", monday)
	if shown(exits, work) && work.value > 0 {
		out = append(out, fmt.Sprintf("%s der %s Abgänge erfolgten in Arbeit oder Ausbildung.", german.Int(work.value), german.Int(exits.value)))
	}
	f := wf.get("foerder", "alle", monday)
	if shown(f, cur) && cur.value >= MinDenominator {
		share := 100 * float64(f.value) / float64(cur.value)
		if share < 85 || share > 95 {
			out = append(out, fmt.Sprintf("Der Anteil mit besonderem Förderbedarf liegt mit %s %% außerhalb des üblichen Bereichs von rund 90 %%.", german.Decimal(share, 1)))
		}
	}
	return out
}

// compareToMean says how a week's count compares with the mean of the four weeks
// before, honestly: the difference in percent whenever it is 5 % or more, "etwa so viele"
// below that ("41 neue Zugänge, 10 % unter dem Schnitt der vier Vorwochen (45,5)").
func compareToMean(n int64, mean float64, plural string) string {
	if mean <= 0 {
		return fmt.Sprintf("%s %s; in den vier Vorwochen keine.", german.Int(n), plural)
	}
	diff := (float64(n) - mean) / mean * 100
	switch {
	case diff >= 5:
		return fmt.Sprintf("%s %s, %s %% über dem Schnitt der vier Vorwochen (%s).", german.Int(n), plural, german.Decimal(diff, 0), german.Decimal(mean, 1))
	case diff <= -5:
		return fmt.Sprintf("%s %s, %s %% unter dem Schnitt der vier Vorwochen (%s).", german.Int(n), plural, german.Decimal(-diff, 0), german.Decimal(mean, 1))
	}
	return fmt.Sprintf("%s %s, etwa so viele wie im Schnitt der vier Vorwochen (%s).", german.Int(n), plural, german.Decimal(mean, 1))
}

var (
	startKinds    = []string{"svb_vz", "svb_tz", "ausb", "selbst", "mini", "prak", "eq"}
	startKindName = []string{"Vollzeit", "Teilzeit", "Ausbildung", "selbständig", "Minijob", "Praktikum", "Einstiegsqualifizierung"}
)

// monthFigures registers the starts by kind and the integrations (K2) of the given
// months, with their relations: K2 (persons) is at most the K2 starts, and a month's
// starts of each class (integrations, other starts) are the starts of the ISO weeks in
// it. A week that lies wholly in the month enters with its published weekly figure
// (where a report has shown or shows it); the days of a week the month shares with
// another month enter as a latent part (never shown, from daily: starts per day), and
// a published week is the sum of its parts. So an attacker who holds every Wochenbericht
// and the monthly starts learns no more than the system audits (found by review: the
// weeks inside a month are at most its starts, which narrowed suppressed weekly cells).
func monthFigures(f *figures, months []monthRow, daily map[time.Time]map[string][2]int64) {
	for _, m := range months {
		var k2kinds []suppress.Term
		for i, kind := range startKinds {
			key := "start_monat/" + kind + "/" + monthKey(m.month)
			f.count(key, m.kinds[i])
			if i < 4 {
				k2kinds = append(k2kinds, suppress.Minus(key))
			}
		}
		k2 := "k2/" + monthKey(m.month)
		f.count(k2, m.k2)
		f.atMost(append([]suppress.Term{suppress.Plus(k2)}, k2kinds...)...)
	}
	classes := []struct {
		name  string
		kinds []int
	}{{"start/int", []int{0, 1, 2, 3}}, {"start/sonst", []int{4, 5, 6}}}
	// part registers the starts of class j in the days of week w within month m.
	part := func(j int, w, m time.Time) string {
		key := classes[j].name + "/alle/" + weekKey(w) + "@" + monthKey(m)
		var v int64
		for d := w; d.Before(w.AddDate(0, 0, 7)); d = d.AddDate(0, 0, 1) {
			if d.Year() == m.Year() && d.Month() == m.Month() {
				for _, n := range daily[d] {
					v += n[j]
				}
			}
		}
		f.latent(key, v)
		return key
	}
	split := map[string]bool{} // weeks already tied to their parts
	for _, m := range months {
		for j, c := range classes {
			var terms []suppress.Term
			for _, i := range c.kinds {
				terms = append(terms, suppress.Minus("start_monat/"+startKinds[i]+"/"+monthKey(m.month)))
			}
			weeks := monthWeeks(f, m.month, split, func(w time.Time) string { return c.name + "/alle/" + weekKey(w) },
				func(w, m time.Time) string { return part(j, w, m) })
			f.equal(append(terms, weeks...)...)
		}
	}
}

// monthWeeks returns month m's days, week by week, as terms: a week wholly inside the
// month that the system has (a Wochenbericht shows it) as itself, every other week by
// its part in the month (part registers it). A week the system has that the month
// shares with the month before or after is tied to its two parts, once (split).
func monthWeeks(f *figures, m time.Time, split map[string]bool, week func(w time.Time) string, part func(w, m time.Time) string) []suppress.Term {
	first, last := m, m.AddDate(0, 1, -1)
	var terms []suppress.Term
	for w := monday(first); !w.After(last); w = w.AddDate(0, 0, 7) {
		key := week(w)
		inside := !w.Before(first) && !w.AddDate(0, 0, 6).After(last)
		if inside && f.sys.Has(key) {
			terms = append(terms, suppress.Plus(key))
			continue
		}
		terms = append(terms, suppress.Plus(part(w, m)))
		if !inside && f.sys.Has(key) && !split[key] {
			split[key] = true
			other := first.AddDate(0, -1, 0) // the week's other month
			if w.AddDate(0, 0, 6).After(last) {
				other = first.AddDate(0, 1, 0)
			}
			f.equal(suppress.Minus(key), suppress.Plus(part(w, m)), suppress.Plus(part(w, other)))
		}
	}
	return terms
}

// kreisMonthRelations ties each Kreis's integrations of a month (K2 persons, by the
// client's Kreis, as the Monatsbericht shows them) to that Kreis's weekly integration
// starts (by the same Kreis, as the Wochenberichte show them): the persons are at most
// the starts of the weeks inside the month plus the Kreis's part of the weeks it
// shares with the month before or after. Those parts are latent, a shown week per Kreis
// is the sum of its two, and the Kreise's parts (with those without a Kreis) make the
// week's part of the total that monthFigures declares. Found by review: with only the
// total declared, a month's K2 per Kreis recovered the suppressed weekly cells of both
// Kreise of a week (Olpe ≥ 14 − 12, the other ≥ 30 − 24, together 8). It runs after the
// K2 per Kreis are registered (the Monatsbericht's overview, or the ledger).
func kreisMonthRelations(f *figures, months []monthRow, daily map[time.Time]map[string][2]int64) {
	kreise := kreisKeys()
	all := append(append([]string{}, kreise...), "ohne")
	known := map[string]bool{}
	for _, kr := range kreise {
		known[kr] = true
	}
	// part registers Kreis kr's integration starts in the days of week w within month m,
	// with the Kreise's parts making the total's.
	part := func(kr string, w, m time.Time) string {
		key := func(kr string) string { return "start/int/" + kr + "/" + weekKey(w) + "@" + monthKey(m) }
		if f.sys.Has(key(kr)) {
			return key(kr)
		}
		v := map[string]int64{}
		for d := w; d.Before(w.AddDate(0, 0, 7)); d = d.AddDate(0, 0, 1) {
			if d.Year() != m.Year() || d.Month() != m.Month() {
				continue
			}
			for code, n := range daily[d] {
				if !known[code] {
					code = "ohne"
				}
				v[code] += n[0]
			}
		}
		var parts []string
		var sum int64
		for _, k := range all {
			f.latent(key(k), v[k])
			parts = append(parts, key(k))
			sum += v[k]
		}
		f.latent(key("alle"), sum)
		f.sum(key("alle"), parts...)
		return key(kr)
	}
	split := map[string]bool{}
	for _, m := range months {
		for _, kr := range all {
			k2 := "k2/" + kr + "/" + monthKey(m.month)
			if !f.sys.Has(k2) {
				continue
			}
			terms := []suppress.Term{suppress.Plus(k2)}
			for _, t := range monthWeeks(f, m.month, split, func(w time.Time) string { return "start/int/" + kr + "/" + weekKey(w) },
				func(w, m time.Time) string { return part(kr, w, m) }) {
				terms = append(terms, suppress.Term{Key: t.Key, Coef: -t.Coef})
			}
			f.atMost(terms...)
		}
	}
}

// monday is the Monday of d's ISO week.
func monday(d time.Time) time.Time { return d.AddDate(0, 0, -(int(d.Weekday())+6)%7) }

// dailyStarts counts the starts that began on each day around the given months (the
// weeks that reach into them included), by Kreis (startsByDay).
func dailyStarts(ctx context.Context, db *sql.DB, months []monthRow) (map[time.Time]map[string][2]int64, error) {
	if len(months) == 0 {
		return map[time.Time]map[string][2]int64{}, nil
	}
	from := monday(months[0].month)
	to := monday(months[len(months)-1].month.AddDate(0, 1, -1)).AddDate(0, 0, 6)
	return startsByDay(ctx, db, from, to)
}

// startsChart shows the job and training starts by kind in the 12 complete months up to
// the day (a month still running would change from report to report, and the
// differences would be the weeks' starts by kind).
func startsChart(ctx context.Context, db *sql.DB, f *figures, day time.Time) (Chart, error) {
	upTo := time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, time.UTC)
	if day.AddDate(0, 0, 1).Day() != 1 {
		upTo = upTo.AddDate(0, -1, 0)
	}
	months, err := loadMonths(ctx, db, upTo)
	if err != nil {
		return Chart{}, err
	}
	if len(months) > 12 {
		months = months[len(months)-12:]
	}
	daily, err := dailyStarts(ctx, db, months)
	if err != nil {
		return Chart{}, err
	}
	monthFigures(f, months, daily)
	kreisMonthRelations(f, months, daily)
	ss := newSeriesSet(startKindName...)
	var labels []string
	for _, m := range months {
		labels = append(labels, monthLabel(m.month))
		v := make([]fig, len(startKinds))
		for i, kind := range startKinds {
			v[i] = f.count("start_monat/"+kind+"/"+monthKey(m.month), m.kinds[i])
		}
		ss.add(v)
	}
	return chartSpec{ID: "aufnahmen", Title: "Aufnahmen von Arbeit und Ausbildung je Monat nach Art", AxisHead: "Monat", Labels: labels, Stack: true,
		Description: "Gestapeltes Säulendiagramm der Aufnahmen je Monat des Beginns, nach Art, für die letzten 12 abgeschlossenen Monate.",
		Series:      ss}.build(), nil
}

const consultationsTitle = "Beratungen je Woche nach Zielgruppe"

func consultationsChart(ctx context.Context, db *sql.DB, f *figures, weeks []time.Time, labels []string) (Chart, []string, error) {
	groups := []struct{ key, name string }{{"GEFLUECHTETE", "Geflüchtete"}, {"EHRENAMT", "Ehrenamtliche"}, {"ARBEITGEBER", "Arbeitgeber"}}
	rows, err := db.QueryContext(ctx, `SELECT montag, zielgruppe, sum(anzahl), bool_and(vollstaendig) FROM mart_beratung_woche
		WHERE montag BETWEEN ?::DATE AND ?::DATE GROUP BY ALL`, weeks[0].Format(time.DateOnly), weeks[len(weeks)-1].Format(time.DateOnly))
	if err != nil {
		return Chart{}, nil, err
	}
	defer rows.Close()
	counts := map[time.Time]map[string]int64{}
	complete := map[time.Time]bool{}
	for rows.Next() {
		var m time.Time
		var g string
		var n int64
		var full bool
		if err := rows.Scan(&m, &g, &n, &full); err != nil {
			return Chart{}, nil, err
		}
		m = m.UTC()
		if counts[m] == nil {
			counts[m] = map[string]int64{}
			complete[m] = true
		}
		counts[m][g] = n
		complete[m] = complete[m] && full
	}
	if err := rows.Err(); err != nil {
		return Chart{}, nil, err
	}
	var names []string
	for _, g := range groups {
		names = append(names, g.name)
	}
	// A week the monthly deliveries do not cover yet is not known: shown as ".", and not
	// registered, so that it is published (and frozen) once it is delivered, never as
	// the part delivered so far (found by review: such weeks were shown as "-").
	ss := newSeriesSet(names...)
	var open []time.Time
	for _, w := range weeks {
		v := make([]fig, len(groups))
		for i, g := range groups {
			key := "beratung/" + strings.ToLower(g.key) + "/" + weekKey(w)
			switch {
			case f.sys.Has(key) || complete[w]:
				v[i] = f.count(key, counts[w][g.key])
			default:
				v[i] = fig{key: key, unknown: true}
			}
		}
		if slices.ContainsFunc(v, func(c fig) bool { return c.unknown }) {
			open = append(open, w)
		}
		ss.add(v)
	}
	var pending []string
	if len(open) > 0 {
		pending = append(pending, fmt.Sprintf("%s: %s noch nicht vollständig geliefert (.).", consultationsTitle, weekRange(open)))
	}
	return chartSpec{ID: "beratung-zielgruppe", Title: consultationsTitle, AxisHead: "Woche", Labels: labels, Stack: true,
		Description: "Gestapeltes Säulendiagramm der Beratungen von Geflüchteten, Ehrenamtlichen und Arbeitgebern je Kalenderwoche der letzten 52 Wochen.",
		Series:      ss}.build(), pending, nil
}

// weekRange names weeks (in order) for a sentence, each run of consecutive weeks as
// one: "KW 45/2026", "KW 45/2026 bis KW 47/2026", "KW 32/2026 bis KW 35/2026 und
// KW 45/2026" (a month missing between deliveries, and the newest weeks).
func weekRange(weeks []time.Time) string {
	name := func(m time.Time) string {
		y, w := m.ISOWeek()
		return fmt.Sprintf("KW %02d/%d", w, y)
	}
	var runs []string
	for i := 0; i < len(weeks); {
		j := i
		for j+1 < len(weeks) && weeks[j+1].Equal(weeks[j].AddDate(0, 0, 7)) {
			j++
		}
		if j == i {
			runs = append(runs, name(weeks[i]))
		} else {
			runs = append(runs, name(weeks[i])+" bis "+name(weeks[j]))
		}
		i = j + 1
	}
	if len(runs) <= 1 {
		return strings.Join(runs, "")
	}
	return strings.Join(runs[:len(runs)-1], ", ") + " und " + runs[len(runs)-1]
}

func weeklyNotes(k int64) []Note {
	return append([]Note{
		{"Kalenderwoche", "ISO-Kalenderwoche (Montag bis Sonntag), gezählt nach dem ISO-Jahr."},
		{"Betreute Kunden (Bestand)", "Kunden, die am Stichtag beim Integration Point registriert und nicht abgemeldet sind (Kundenbestand aus VerBIS)."},
		{"Zugang, Abgang", "Registrierung beim Integration Point bzw. Ende der Betreuung, mit dem Abgangsgrund aus VerBIS."},
		{"Besonderer Förderbedarf", "Kennzeichen im Kundenbestand; Anteil am Bestand des Stichtags."},
		{"Aufnahmen", "Beginn einer sozialversicherungspflichtigen Beschäftigung (Voll- oder Teilzeit), Ausbildung oder selbständigen Tätigkeit (Integrationen im Sinne des § 48a SGB II); Minijobs, Praktika und Einstiegsqualifizierungen getrennt. Stornierte Meldungen zählen nicht, korrigierte in ihrer letzten Fassung. Gezählt wird, was bis zum Stand des Berichts gemeldet ist: manche Aufnahmen werden erst Wochen nach ihrem Beginn gemeldet, und eine einmal veröffentlichte Wochenzahl wird dafür nicht geändert (die Zahl einer Woche ist daher eher zu klein als zu groß)."},
		{"Abdeckung", "Betreute Kunden am Monatsende im Verhältnis zu den Schutzsuchenden des Kommunalen Integrationszentrums (zum selben Monatsende) und zu denen der amtlichen Statistik (zum 31.12. davor). Ist ein Wert der Bevölkerungstabelle unbekannt oder eine ihrer Zeilen abgewiesen, ist die Zahl des Kreises unbekannt (.), nie kleiner."},
		{"Gliederungen", "Wöchentlich nur nach Kreis; Staatsangehörigkeit, Alter, Geschlecht und Sprachniveau nur zum Monatsende."},
	}, symbolNotes(k)...)
}

func symbolNotes(k int64) []Note {
	return []Note{
		{"*", fmt.Sprintf("Statistische Geheimhaltung: Werte unter %d sowie Werte, aus denen sich ein geheim gehaltener Wert errechnen ließe, werden nicht ausgewiesen (§ 281 SGB III, § 16 BStatG).", k)},
		{"-", "nichts vorhanden"},
		{"x", fmt.Sprintf("Aussage nicht sinnvoll, z. B. ein Anteil auf einer Grundlage von weniger als %d Personen, oder eine Veränderung, die einen geheim gehaltenen Wert offenlegen würde.", MinDenominator)},
		{".", "Zahlenwert unbekannt: noch nicht (vollständig) geliefert, in der Lieferung als unbekannt oder geheim gekennzeichnet, oder eine Zeile der Lieferung wurde abgewiesen."},
	}
}
