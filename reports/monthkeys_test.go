package reports

import (
	"strings"
	"testing"
	"time"

	"ipoint/pipeline"
	"ipoint/reports/suppress"
)

// TestMonthSummary: the Monatsbericht's summary names a rise, a drop and no change
// honestly, in percent where the base is large enough, compares with the target, and
// never mentions a withheld figure.
func TestMonthSummary(t *testing.T) {
	cur := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	prev := cur.AddDate(0, -1, 0)
	yearAgo := cur.AddDate(-1, 0, 0)
	type month struct{ regs, exits, work, stock, k2 int64 }
	build := func(c, p, y month, hidden ...string) []string {
		f := newFigures(&Ledger{Figures: map[string]LedgerFigure{}, Texts: map[string]string{}})
		o := &monthOverview{f: f, cur: cur, periods: []time.Time{cur, prev, yearAgo}, targets: Targets{IntegrationsPerMonth: 60}}
		for _, x := range []struct {
			m time.Time
			v month
		}{{cur, c}, {prev, p}, {yearAgo, y}} {
			f.count(monthFlowKey("zugaenge", "alle", x.m), x.v.regs)
			f.count(monthFlowKey("abgaenge", "alle", x.m), x.v.exits)
			f.count(monthFlowKey("abgang/int", "alle", x.m), x.v.work)
			f.count(stockKey("alle", o.sunday(x.m)), x.v.stock)
			f.count("k2/"+monthKey(x.m), x.v.k2)
		}
		for _, kr := range Kreise {
			f.count("k2/"+kr.Key+"/"+monthKey(cur), c.k2/2)
			f.count(stockKey(kr.Key, o.sunday(cur)), c.stock/2)
		}
		for _, h := range hidden {
			f.sys.Figure(h, f.sys.Value(h), suppress.Hidden)
		}
		return o.summary()
	}
	got := strings.Join(build(month{41, 60, 13, 1069, 58}, month{45, 60, 9, 1069, 50}, month{30, 61, 12, 900, 62}), "\n")
	for _, want := range []string{
		"Im November (KW 45–48) kamen 41 neue Kunden hinzu, 9 % weniger als im Vormonat (45); 37 % mehr als im November 2025 (30).",
		"60 Kunden gingen ab, genauso viele wie im Vormonat (60); etwa so viele wie im November 2025 (61); 13 davon in Arbeit oder Ausbildung.",
		"Am 29.11.2026 betreute der Integration Point 1.069 Kunden, genauso viele wie am 01.11.2026 (1.069).",
		"58 Personen nahmen im November eine Beschäftigung, Ausbildung oder Selbständigkeit auf (Integrationen nach § 48a SGB II), 16 % mehr als im Vormonat (50); 6 % weniger als im November 2025 (62); das Monatsziel von 60 ist um 2 verfehlt; je 100 betreute Kunden: Siegen-Wittgenstein 5,4, Olpe 5,4.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks\n  %s\ngot\n  %s", want, strings.ReplaceAll(got, "\n", "\n  "))
		}
	}
	// Small bases are compared in persons, not percent; a withheld figure is not named.
	got = strings.Join(build(month{12, 8, 2, 1069, 61}, month{9, 8, 1, 1000, 50}, month{15, 9, 1, 1000, 40}, monthFlowKey("abgang/int", "alle", cur), monthFlowKey("zugaenge", "alle", yearAgo)), "\n")
	for _, want := range []string{
		"kamen 12 neue Kunden hinzu, 3 mehr als im Vormonat (9).",
		"8 Kunden gingen ab, genauso viele wie im Vormonat (8); 1 weniger als im November 2025 (9).",
		"7 % mehr als am 01.11.2026 (1.000)",
		"das Monatsziel von 60 ist erreicht",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks\n  %s\ngot\n  %s", want, strings.ReplaceAll(got, "\n", "\n  "))
		}
	}
	if strings.Contains(got, "davon in Arbeit") {
		t.Errorf("a withheld count is named: %s", got)
	}
}

// TestMonthTargets: a target is compared with the published figure, never with a
// withheld one.
func TestMonthTargets(t *testing.T) {
	o := &monthOverview{}
	for _, c := range []struct {
		n    fig
		goal int64
		want string
	}{
		{fig{value: 58}, 60, "60 (2 darunter)"},
		{fig{value: 61}, 60, "60 (erreicht)"},
		{fig{value: 2, hidden: true}, 60, "60"},
		{fig{value: 58}, 0, ""},
	} {
		if got := o.target(c.n, c.goal); got != c.want {
			t.Errorf("target(%v, %d) = %q, want %q", c.n, c.goal, got, c.want)
		}
	}
	for _, c := range []struct {
		text string
		goal int
		want string
	}{
		{"24,5 %", 25, "25 % (0,5 Prozentpunkte darunter)"},
		{"16 %", 15, "15 % (erreicht)"},
		{". (höchstens 18 %)", 15, "15 %"},
		{"x", 25, "25 %"},
	} {
		if got := o.percentTarget(c.text, c.goal); got != c.want {
			t.Errorf("percentTarget(%q, %d) = %q, want %q", c.text, c.goal, got, c.want)
		}
	}
}

// TestExitReasonLabels: the reports and the warehouse's code table name each exit
// reason the same.
func TestExitReasonLabels(t *testing.T) {
	for i, k := range exitKeys {
		if l, ok := pipeline.CodeLabel("verbis_kunden", "abgangsgrund", strings.ToUpper(k)); !ok || l != exitReasons[i] {
			t.Errorf("%s: report says %q, dim_code %q", k, exitReasons[i], l)
		}
	}
}

// TestK2PerKreisBoundsWeeklyStarts is the review's attack: February 2027 is exactly KW 05
// to 08. Olpe's weekly integration starts are 4, 2, 3, 5 and Siegen-Wittgenstein's 7, 6,
// 8, 9; the Monatsbericht shows K2 14 and 30 per Kreis (one start per person). With
// KW 06's Kreise suppressed and its total shown, K2 per Kreis bounds each from below
// (14 − 12, 30 − 24) and the total fixes both. An attacker who holds the published
// figures and the per-Kreis inequality must not narrow a suppressed cell.
func TestK2PerKreisBoundsWeeklyStarts(t *testing.T) {
	f := newFigures(&Ledger{Figures: map[string]LedgerFigure{}, Texts: map[string]string{}})
	feb := time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)
	olpe, sw := pipeline.KreisOlpe, pipeline.KreisSiegenWittgenstein
	weekly := map[string][]int64{olpe: {4, 2, 3, 5}, sw: {7, 6, 8, 9}}
	daily := map[time.Time]map[string][2]int64{}
	var weeks []string
	for i := range 4 {
		w := feb.AddDate(0, 0, 7*i)
		wk := weekKey(w)
		weeks = append(weeks, wk)
		var parts []string
		var all int64
		for _, kr := range []string{sw, olpe} {
			f.count("start/int/"+kr+"/"+wk, weekly[kr][i])
			parts = append(parts, "start/int/"+kr+"/"+wk)
			all += weekly[kr][i]
			daily[w.AddDate(0, 0, 2)] = map[string][2]int64{olpe: {weekly[olpe][i], 0}, sw: {weekly[sw][i], 0}}
		}
		f.latent("start/int/ohne/"+wk, 0)
		f.count("start/int/alle/"+wk, all)
		f.sum("start/int/alle/"+wk, append(parts, "start/int/ohne/"+wk)...)
	}
	months := []monthRow{{month: feb, kinds: [7]int64{44}, k2: 44}}
	monthFigures(f, months, daily)
	f.count("k2/"+olpe+"/2027-02", 14)
	f.count("k2/"+sw+"/2027-02", 30)
	f.latent("k2/ohne/2027-02", 0)
	f.sum("k2/2027-02", "k2/"+sw+"/2027-02", "k2/"+olpe+"/2027-02", "k2/ohne/2027-02")
	kreisMonthRelations(f, months, daily)
	if err := f.sys.Protect(3, 3); err != nil {
		t.Fatal(err)
	}
	// The attacker: published figures as constants, "*" as unknowns of at least 1, the
	// weeks' totals and the per-Kreis inequality.
	a := suppress.NewSystem()
	fig := func(key string) {
		c := f.get(key)
		st := suppress.Published
		if c.hidden {
			st = suppress.Hidden
		}
		a.Figure(key, c.value, st)
	}
	for _, kr := range []string{sw, olpe} {
		fig("k2/" + kr + "/2027-02")
		terms := []suppress.Term{suppress.Plus("k2/" + kr + "/2027-02")}
		for _, wk := range weeks {
			fig("start/int/" + kr + "/" + wk)
			terms = append(terms, suppress.Minus("start/int/"+kr+"/"+wk))
		}
		a.AtMostTo(0, terms...)
	}
	hidden := 0
	for _, wk := range weeks {
		fig("start/int/alle/" + wk)
		a.Figure("start/int/ohne/"+wk, 0, suppress.Latent)
		a.Sum("start/int/alle/"+wk, "start/int/"+sw+"/"+wk, "start/int/"+olpe+"/"+wk, "start/int/ohne/"+wk)
		for _, kr := range []string{sw, olpe} {
			if !f.get("start/int/" + kr + "/" + wk).hidden {
				continue
			}
			hidden++
			iv, err := a.Interval("start/int/" + kr + "/" + wk)
			if err != nil {
				t.Fatal(err)
			}
			if iv.Width() < 3 {
				t.Errorf("start/int/%s/%s narrowed to %+v", kr, wk, iv)
			}
		}
	}
	if hidden == 0 {
		t.Fatal("nothing suppressed: the test proves nothing")
	}
}
