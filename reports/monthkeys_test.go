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
