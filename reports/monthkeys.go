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

// monthKreis is one row of mart_monat_kreis.
type monthKreis struct {
	regs, exits, k2 int64
	caseload        sql.NullInt64
}

// loadMonthKreis reads mart_monat_kreis for the given months: month -> Kreis (or
// "ohne") -> row.
func loadMonthKreis(ctx context.Context, db *sql.DB, months []time.Time) (map[time.Time]map[string]monthKreis, error) {
	out := map[time.Time]map[string]monthKreis{}
	for _, m := range months {
		rows, err := db.QueryContext(ctx, `SELECT kreis, coalesce(zugaenge, 0), coalesce(abgaenge, 0), integrationen_k2, bestand_monatsende
			FROM mart_monat_kreis WHERE monat = ?::DATE`, m.Format(time.DateOnly))
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var kreis string
			var r monthKreis
			if err := rows.Scan(&kreis, &r.regs, &r.exits, &r.k2, &r.caseload); err != nil {
				rows.Close()
				return nil, err
			}
			if out[m] == nil {
				out[m] = map[string]monthKreis{}
			}
			out[m][kreis] = r
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// monthOverview is what the Monatsbericht leads with: the month's registrations, exits
// by reason, caseload and integrations per Kreis and together, against the month before
// and the same month a year earlier (where the deliveries cover them) and against the
// office's targets.
//
// Registrations, exits and the caseload are counted over the month's ISO weeks (the
// weeks whose Thursday lies in the month, Monday to Sunday), not over calendar days: a
// calendar month next to the published weeks would give away, by difference, the few
// registrations of the days a week shares with the next month. So the month is the sum
// of its weeks and the caseload is that at the last Sunday, which the Wochenberichte
// show too; integrations (K2) keep the calendar month of their definition.
type monthOverview struct {
	f       *figures
	cur     time.Time
	periods []time.Time // cur, then the month before and a year before where covered (zero where not)
	weeks   map[time.Time][]time.Time
	byMonth map[time.Time]map[string]monthKreis
	reasons []string
	targets Targets
}

// isoWeeksOf lists the Mondays of the ISO weeks whose Thursday lies in month m.
func isoWeeksOf(m time.Time) []time.Time {
	var out []time.Time
	for d := m; d.Month() == m.Month(); d = d.AddDate(0, 0, 1) {
		if d.Weekday() == time.Thursday {
			out = append(out, d.AddDate(0, 0, -3))
		}
	}
	return out
}

// weeksLabel names a month's weeks: "KW 45–48 (02.11.–29.11.2026)".
func weeksLabel(weeks []time.Time) string {
	_, a := weeks[0].ISOWeek()
	_, b := weeks[len(weeks)-1].ISOWeek()
	return fmt.Sprintf("KW %02d–%02d (%s–%s)", a, b, weeks[0].Format("02.01."), german.Date(weeks[len(weeks)-1].AddDate(0, 0, 6)))
}

// newMonthOverview registers the overview's figures: the weeks of the months compared
// (latent unless a Wochenbericht showed them), the months' sums of them and the caseload
// at their last Sunday (shown), and the integrations per Kreis (those of persons the
// client master does not know as "ohne"), with their relations.
func newMonthOverview(ctx context.Context, db *sql.DB, f *figures, cur time.Time, first, stand time.Time, targets Targets) (*monthOverview, error) {
	o := &monthOverview{f: f, cur: cur, targets: targets, weeks: map[time.Time][]time.Time{}}
	o.reasons = exitKeys[:]
	covered := func(m time.Time) bool {
		w := isoWeeksOf(m)
		return !w[0].Before(first) && !w[len(w)-1].AddDate(0, 0, 6).After(stand) && !m.Before(first) && !m.AddDate(0, 1, -1).After(stand)
	}
	o.periods = []time.Time{cur, {}, {}}
	if p := cur.AddDate(0, -1, 0); covered(p) {
		o.periods[1] = p
	}
	if p := cur.AddDate(-1, 0, 0); covered(p) {
		o.periods[2] = p
	}
	var shownMonths, allWeeks []time.Time
	for _, m := range o.periods {
		if !m.IsZero() {
			shownMonths = append(shownMonths, m)
			o.weeks[m] = isoWeeksOf(m)
			allWeeks = append(allWeeks, o.weeks[m]...)
		}
	}
	from, to := allWeeks[0], allWeeks[0]
	for _, w := range allWeeks {
		from, to = earlier(from, w), later(to, w)
	}
	by, _, err := loadWeeks(ctx, db, from, to)
	if err != nil {
		return nil, err
	}
	if o.byMonth, err = loadMonthKreis(ctx, db, shownMonths); err != nil {
		return nil, err
	}
	kreise := kreisKeys()
	measures := []struct {
		name string
		get  func(weekRow) int64
		per  bool // shown per Kreis
	}{
		{"zugaenge", func(r weekRow) int64 { return r.regs }, true},
		{"abgaenge", func(r weekRow) int64 { return r.exitsTotal() }, true},
	}
	for i, e := range exitKeys {
		i := i
		measures = append(measures, struct {
			name string
			get  func(weekRow) int64
			per  bool
		}{"abgang/" + e, func(r weekRow) int64 { return r.exits[i] }, false})
	}
	for _, m := range shownMonths {
		if len(by[o.weeks[m][0]]) == 0 && !m.Equal(cur) {
			continue
		}
		// The weeks, as the Wochenberichte register them (latent here).
		for _, w := range o.weeks[m] {
			rows := by[w]
			for _, ms := range measures {
				var parts []string
				var total int64
				for _, kr := range kreise {
					f.latent(weekFlowKey(ms.name, kr, w), ms.get(rows[kr]))
					parts = append(parts, weekFlowKey(ms.name, kr, w))
					total += ms.get(rows[kr])
				}
				f.latent(weekFlowKey(ms.name, "alle", w), total)
				f.sum(weekFlowKey(ms.name, "alle", w), parts...)
			}
			for _, kr := range append(append([]string{}, kreise...), "alle") {
				var ex []string
				for _, e := range exitKeys {
					ex = append(ex, weekFlowKey("abgang/"+e, kr, w))
				}
				f.sum(weekFlowKey("abgaenge", kr, w), ex...)
			}
		}
		// The month: the sum of its weeks; per Kreis only for the report's own month (the
		// months compared with are shown together only).
		isCur := m.Equal(cur)
		for _, ms := range measures {
			krs := kreise
			if !ms.per || !isCur {
				krs = nil
			}
			for _, kr := range append(append([]string{}, krs...), "alle") {
				var parts []string
				var v int64
				for _, w := range o.weeks[m] {
					parts = append(parts, weekFlowKey(ms.name, kr, w))
					v += f.sys.Value(weekFlowKey(ms.name, kr, w))
				}
				f.count(monthFlowKey(ms.name, kr, m), v)
				f.sum(monthFlowKey(ms.name, kr, m), parts...)
			}
		}
		// The caseload at the last Sunday.
		last := o.weeks[m][len(o.weeks[m])-1]
		sunday := last.AddDate(0, 0, 6)
		var parts []string
		var total int64
		for _, kr := range kreise {
			v := by[last][kr].caseload
			if isCur {
				f.count(stockKey(kr, sunday), v)
			} else {
				f.latent(stockKey(kr, sunday), v)
			}
			parts = append(parts, stockKey(kr, sunday))
			total += v
		}
		f.count(stockKey("alle", sunday), total)
		f.sum(stockKey("alle", sunday), parts...)
		if !isCur {
			continue
		}
		// Integrations per Kreis in the calendar month.
		parts = nil
		for _, kr := range append(append([]string{}, kreise...), "ohne") {
			key := "k2/" + kr + "/" + monthKey(m)
			if kr == "ohne" {
				f.latent(key, o.byMonth[m][kr].k2)
			} else {
				f.count(key, o.byMonth[m][kr].k2)
			}
			parts = append(parts, key)
		}
		f.sum("k2/"+monthKey(m), parts...)
	}
	// Stock and flow from one month's last Sunday to the next's, per Kreis.
	if p := o.periods[1]; !p.IsZero() {
		e := o.weeks[cur][len(o.weeks[cur])-1].AddDate(0, 0, 6)
		s := o.weeks[p][len(o.weeks[p])-1].AddDate(0, 0, 6)
		for _, kr := range kreise {
			f.equal(suppress.Plus(stockKey(kr, e)), suppress.Minus(stockKey(kr, s)),
				suppress.Minus(monthFlowKey("zugaenge", kr, cur)), suppress.Plus(monthFlowKey("abgaenge", kr, cur)))
		}
	}
	return o, nil
}

// monthFlowKey names a month's flow over its ISO weeks: "zugaenge_monat/05970/2026-11",
// "abgang_monat/int/alle/2026-11".
func monthFlowKey(measure, kreis string, month time.Time) string {
	name := strings.Replace(measure, "zugaenge", "zugaenge_monat", 1)
	name = strings.Replace(name, "abgaenge", "abgaenge_monat", 1)
	name = strings.Replace(name, "abgang/", "abgang_monat/", 1)
	return name + "/" + kreis + "/" + monthKey(month)
}

// weekFlowKey names a week's flow as the Wochenbericht does ("zugaenge/05970/2026-W47").
func weekFlowKey(measure, kreis string, monday time.Time) string {
	return measure + "/" + kreis + "/" + weekKey(monday)
}

func stockKey(kreis string, day time.Time) string { return "bestand/" + kreis + "/" + dayKey(day) }

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func kreisKeys() []string {
	var out []string
	for _, kr := range Kreise {
		out = append(out, kr.Key)
	}
	return out
}

// sunday is the last Sunday of a month's ISO weeks.
func (o *monthOverview) sunday(m time.Time) time.Time {
	w := isoWeeksOf(m)
	return w[len(w)-1].AddDate(0, 0, 6)
}

// change says how n compares with an earlier p: the difference, and in percent where
// the earlier value is at least 20.
func change(n, p fig) string {
	if !shown(n, p) {
		return "x"
	}
	s := signed(n.value - p.value)
	if p.value >= 20 {
		pc := 100 * float64(n.value-p.value) / float64(p.value)
		sign := "+"
		if pc < 0 {
			sign, pc = "−", -pc
		}
		if german.Decimal(pc, 0) == "0" {
			return s + " (±0 %)"
		}
		s += " (" + sign + german.Decimal(pc, 0) + " %)"
	}
	return s
}

// keys builds the table: per Kreis and together for the month, then the month before,
// its change, the month a year before, its change, and the target.
func (o *monthOverview) keys(quotas [3]string, minis [3]string, cov [3]*coverage) *KeyTable {
	f := o.f
	t := &KeyTable{Caption: "Überblick: " + monthLabel(o.cur),
		Head: append(append([]string{"Kennzahl"}, kreisNames()...), "zusammen", "Vormonat", "Veränderung", "Vorjahresmonat", "Veränderung", "Ziel")}
	cmp := func(get func(m time.Time) (fig, bool), row *KeyRow) {
		cur, _ := get(o.cur)
		for _, p := range o.periods[1:] {
			if p.IsZero() {
				row.Cells = append(row.Cells, "x", "x")
				continue
			}
			pv, ok := get(p)
			if !ok {
				row.Cells = append(row.Cells, "x", "x")
				continue
			}
			row.Cells = append(row.Cells, pv.text(), change(cur, pv))
		}
	}
	count := func(name, note string, key func(kr string, m time.Time) string) {
		row := KeyRow{Name: name, Note: note}
		for _, kr := range append(kreisKeys(), "alle") {
			row.Cells = append(row.Cells, f.get(key(kr, o.cur)).text())
		}
		cmp(func(m time.Time) (fig, bool) {
			k := key("alle", m)
			if !f.sys.Has(k) {
				return fig{}, false
			}
			return f.get(k), true
		}, &row)
		row.Cells = append(row.Cells, "")
		t.Rows = append(t.Rows, row)
	}
	weeks := weeksLabel(isoWeeksOf(o.cur))
	count("Neue Zugänge", "in den Wochen des Monats: "+weeks, func(kr string, m time.Time) string { return monthFlowKey("zugaenge", kr, m) })
	count("Abgänge", "in den Wochen des Monats: "+weeks, func(kr string, m time.Time) string { return monthFlowKey("abgaenge", kr, m) })
	for _, r := range o.reasons {
		row := KeyRow{Name: "davon: " + reasonLabel(r), Note: "nur für beide Kreise zusammen"}
		for range Kreise {
			row.Cells = append(row.Cells, "")
		}
		key := func(m time.Time) string { return monthFlowKey("abgang/"+r, "alle", m) }
		row.Cells = append(row.Cells, f.get(key(o.cur)).text())
		cmp(func(m time.Time) (fig, bool) { return f.get(key(m)), f.sys.Has(key(m)) }, &row)
		row.Cells = append(row.Cells, "")
		t.Rows = append(t.Rows, row)
	}
	count("Betreute Kunden", "Bestand am letzten Sonntag der Wochen des Monats", func(kr string, m time.Time) string {
		return stockKey(kr, o.sunday(m))
	})
	// Integrations: per Kreis, and together including persons the client master does not
	// know (so the Kreise need not add up to the total).
	k2row := KeyRow{Name: "Integrationen nach § 48a SGB II (K2)", Note: "Personen mit mindestens einer Aufnahme von Beschäftigung, Ausbildung oder Selbständigkeit im Monat; zusammen einschließlich Personen, die der Kundenbestand keinem Kreis zuordnet"}
	for _, kr := range kreisKeys() {
		k2row.Cells = append(k2row.Cells, f.get("k2/"+kr+"/"+monthKey(o.cur)).text())
	}
	k2 := f.get("k2/" + monthKey(o.cur))
	k2row.Cells = append(k2row.Cells, k2.text())
	cmp(func(m time.Time) (fig, bool) { k := "k2/" + monthKey(m); return f.get(k), f.sys.Has(k) }, &k2row)
	k2row.Cells = append(k2row.Cells, o.target(k2, o.targets.IntegrationsPerMonth))
	t.Rows = append(t.Rows, k2row)
	// Integrations per 100 clients at the month end: from shown figures only.
	rate := func(kr string, m time.Time) string {
		k := "k2/" + kr + "/" + monthKey(m)
		if kr == "alle" {
			k = "k2/" + monthKey(m)
		}
		sk := stockKey(kr, o.sunday(m))
		if !f.sys.Has(k) || !f.sys.Has(sk) {
			return "x"
		}
		n, c := f.get(k), f.get(sk)
		if !shown(n, c) {
			return "x"
		}
		return german.Decimal(100*float64(n.value)/float64(max(c.value, 1)), 1)
	}
	{
		row := KeyRow{Name: "Integrationen je 100 betreute Kunden", Note: "Integrationen im Kalendermonat je 100 betreute Kunden am letzten Sonntag der Wochen des Monats; x bei weniger als " + fmt.Sprint(MinDenominator) + " Kunden oder geheim gehaltenen Zahlen"}
		for _, kr := range append(kreisKeys(), "alle") {
			row.Cells = append(row.Cells, rate(kr, o.cur))
		}
		for _, p := range o.periods[1:] {
			if p.IsZero() {
				row.Cells = append(row.Cells, "x", "")
				continue
			}
			row.Cells = append(row.Cells, rate("alle", p), "")
		}
		row.Cells = append(row.Cells, "")
		t.Rows = append(t.Rows, row)
	}
	blank := make([]string, len(Kreise))
	qrow := KeyRow{Name: "Integrationsquote (12 Monate)", Note: "Integrationen der letzten 12 Monate / durchschnittlicher Bestand; x, solange keine 12 Monate geliefert sind"}
	qrow.Cells = append(append(qrow.Cells, blank...), quotas[0], quotas[1], "", quotas[2], "", o.percentTarget(quotas[0], o.targets.QuotaPercent))
	mrow := KeyRow{Name: "Minijob-Quote (12 Monate)", Note: "Minijob-Aufnahmen der letzten 12 Monate / durchschnittlicher Bestand"}
	mrow.Cells = append(append(mrow.Cells, blank...), minis[0], minis[1], "", minis[2], "", "")
	t.Rows = append(t.Rows, qrow, mrow)
	if cov[0] != nil && cov[0].delivered {
		row := KeyRow{Name: "Abdeckung der geflüchteten Bevölkerung", Note: withWhy("betreute Kunden je 100 Schutzsuchende am "+german.Date(cov[0].stichtag)+" laut Kommunalem Integrationszentrum; . wenn die Bevölkerungszahl nicht vollständig vorliegt, dann in Klammern die obere Grenze", populationWhy(cov[0]))}
		for _, kr := range Kreise {
			row.Cells = append(row.Cells, coverageText(f, cov[0], kr.Key))
		}
		total := coverageText(f, cov[0], "alle")
		row.Cells = append(row.Cells, total)
		for _, c := range cov[1:] {
			if c == nil || !c.delivered {
				row.Cells = append(row.Cells, "x", "")
				continue
			}
			row.Cells = append(row.Cells, coverageText(f, c, "alle"), "")
		}
		row.Cells = append(row.Cells, o.percentTarget(total, o.targets.CoveragePercent))
		t.Rows = append(t.Rows, row)
	}
	if c := cov[0]; c != nil && !c.official.stichtag.IsZero() {
		// The official figure is the Statistisches Bundesamt's publication (issue 17):
		// shown as it is, with its date and its rounding, and the coverage against it.
		row := KeyRow{Name: "Schutzsuchende laut amtlicher Statistik", Note: withWhy(officialSource(c), officialWhy(c))}
		row.Cells = append(row.Cells, officialTotals(f, c)...)
		row.Cells = append(row.Cells, "", "", "", "", "")
		t.Rows = append(t.Rows, row)
		row = KeyRow{Name: "Abdeckung laut amtlicher Statistik", Note: "betreute Kunden je 100 Schutzsuchende laut amtlicher Statistik: Bestand am Monatsende, Schutzsuchende am " +
			german.Date(c.official.stichtag) + " (Destatis, Werte auf ein Vielfaches von 5 gerundet); Vormonat und Vorjahresmonat gegen die amtliche Zahl ihres Monatsendes"}
		for _, kr := range Kreise {
			row.Cells = append(row.Cells, officialCoverageText(f, c, kr.Key))
		}
		row.Cells = append(row.Cells, officialCoverageText(f, c, "alle"))
		for _, p := range cov[1:] {
			if p == nil || p.official.stichtag.IsZero() {
				row.Cells = append(row.Cells, "x", "")
				continue
			}
			row.Cells = append(row.Cells, officialCoverageText(f, p, "alle"), "")
		}
		row.Cells = append(row.Cells, "")
		t.Rows = append(t.Rows, row)
	}
	return t
}

// target compares a count with its target: "60 (erreicht)", "60 (12 darunter)".
func (o *monthOverview) target(n fig, goal int64) string {
	if goal <= 0 {
		return ""
	}
	g := german.Int(goal)
	switch {
	case n.hidden:
		return g
	case n.value >= goal:
		return g + " (erreicht)"
	}
	return g + " (" + german.Int(goal-n.value) + " darunter)"
}

// percentTarget compares a published percentage with a target in whole percent.
func (o *monthOverview) percentTarget(text string, goal int) string {
	if goal <= 0 {
		return ""
	}
	g := fmt.Sprintf("%d %%", goal)
	v, ok := parsePercent(text)
	if !ok {
		return g
	}
	if v >= float64(goal) {
		return g + " (erreicht)"
	}
	return g + " (" + german.Decimal(float64(goal)-v, 1) + " Prozentpunkte darunter)"
}

// summary says in three or four plain sentences what the month brought, from shown
// figures only: registrations and exits against the month before (and the year before),
// the caseload's direction, and integrations against the target, with the districts
// compared by integrations per 100 clients.
func (o *monthOverview) summary() []string {
	f := o.f
	var out []string
	prev, yearAgo := o.periods[1], o.periods[2]
	against := func(key func(m time.Time) string, cur fig) string {
		var s []string
		if !prev.IsZero() && f.sys.Has(key(prev)) {
			if p := f.get(key(prev)); shown(p) {
				s = append(s, compareWith(cur.value, p.value, "im Vormonat"))
			}
		}
		if !yearAgo.IsZero() && f.sys.Has(key(yearAgo)) {
			if p := f.get(key(yearAgo)); shown(p) {
				s = append(s, compareWith(cur.value, p.value, "im "+german.MonthName(yearAgo.Month())+" "+fmt.Sprint(yearAgo.Year())))
			}
		}
		if len(s) == 0 {
			return ""
		}
		return ", " + strings.Join(s, "; ")
	}
	w := isoWeeksOf(o.cur)
	_, a := w[0].ISOWeek()
	_, b := w[len(w)-1].ISOWeek()
	regKey := func(m time.Time) string { return monthFlowKey("zugaenge", "alle", m) }
	if regs := f.get(regKey(o.cur)); shown(regs) {
		out = append(out, fmt.Sprintf("Im %s (KW %02d–%02d) kamen %s neue Kunden hinzu%s.", german.MonthName(o.cur.Month()), a, b,
			german.Int(regs.value), against(regKey, regs)))
	}
	exitKey := func(m time.Time) string { return monthFlowKey("abgaenge", "alle", m) }
	if exits := f.get(exitKey(o.cur)); shown(exits) {
		s := fmt.Sprintf("%s Kunden gingen ab%s", german.Int(exits.value), against(exitKey, exits))
		if work := f.get(monthFlowKey("abgang/int", "alle", o.cur)); shown(work) && exits.value > 0 {
			s += fmt.Sprintf("; %s davon in Arbeit oder Ausbildung", german.Int(work.value))
		}
		out = append(out, s+".")
	}
	sunday := o.sunday(o.cur)
	if c := f.get(stockKey("alle", sunday)); shown(c) {
		s := fmt.Sprintf("Am %s betreute der Integration Point %s Kunden", german.Date(sunday), german.Int(c.value))
		if !prev.IsZero() {
			if p := f.get(stockKey("alle", o.sunday(prev))); shown(p) {
				s += ", " + compareWith(c.value, p.value, "am "+german.Date(o.sunday(prev)))
			}
		}
		out = append(out, s+".")
	}
	k2Key := func(m time.Time) string { return "k2/" + monthKey(m) }
	if k2 := f.get(k2Key(o.cur)); shown(k2) {
		s := fmt.Sprintf("%s Personen nahmen im %s eine Beschäftigung, Ausbildung oder Selbständigkeit auf (Integrationen nach § 48a SGB II)%s",
			german.Int(k2.value), german.MonthName(o.cur.Month()), against(k2Key, k2))
		if g := o.targets.IntegrationsPerMonth; g > 0 {
			if k2.value >= g {
				s += fmt.Sprintf("; das Monatsziel von %s ist erreicht", german.Int(g))
			} else {
				s += fmt.Sprintf("; das Monatsziel von %s ist um %s verfehlt", german.Int(g), german.Int(g-k2.value))
			}
		}
		// The districts compared by integrations per 100 clients, where every figure is shown.
		var rates []string
		for _, kr := range Kreise {
			n, c := f.get("k2/"+kr.Key+"/"+monthKey(o.cur)), f.get(stockKey(kr.Key, sunday))
			if !shown(n, c) || c.value < MinDenominator {
				rates = nil
				break
			}
			rates = append(rates, fmt.Sprintf("%s %s", kr.Name, german.Decimal(100*float64(n.value)/float64(c.value), 1)))
		}
		if len(rates) == len(Kreise) {
			s += "; je 100 betreute Kunden: " + strings.Join(rates, ", ")
		}
		out = append(out, s+".")
	}
	return out
}

// compareWith says how n compares with an earlier p, in percent where p is large
// enough to make a percentage meaningful.
func compareWith(n, p int64, when string) string {
	switch {
	case n == p:
		return fmt.Sprintf("genauso viele wie %s (%s)", when, german.Int(p))
	case p < 20:
		if n > p {
			return fmt.Sprintf("%s mehr als %s (%s)", german.Int(n-p), when, german.Int(p))
		}
		return fmt.Sprintf("%s weniger als %s (%s)", german.Int(p-n), when, german.Int(p))
	}
	pc := 100 * float64(n-p) / float64(p)
	switch { // below 5 % a change is not named (as in the Wochenbericht's comparison)
	case pc >= 5:
		return fmt.Sprintf("%s %% mehr als %s (%s)", german.Decimal(pc, 0), when, german.Int(p))
	case pc <= -5:
		return fmt.Sprintf("%s %% weniger als %s (%s)", german.Decimal(-pc, 0), when, german.Int(p))
	}
	return fmt.Sprintf("etwa so viele wie %s (%s)", when, german.Int(p))
}

// reasonLabel is an exit reason's German label, as the Wochenbericht names it.
func reasonLabel(key string) string {
	for i, k := range exitKeys {
		if k == key {
			return exitReasons[i]
		}
	}
	return key
}
