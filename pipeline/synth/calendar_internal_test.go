package synth

import (
	"testing"
	"time"
)

func date(y, m, d int) day { return dayOf(time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)) }

func TestHolidaysNRW2026(t *testing.T) {
	holidays := []day{date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 1), date(2026, 5, 14),
		date(2026, 5, 25), date(2026, 6, 4), date(2026, 10, 3), date(2026, 11, 1), date(2026, 12, 25), date(2026, 12, 26)}
	for _, h := range holidays {
		if !holidayNRW(h) {
			t.Errorf("%s should be a holiday in NRW", h.iso())
		}
	}
	n := 0
	for d := date(2026, 1, 1); d <= date(2026, 12, 31); d++ {
		if holidayNRW(d) {
			n++
		}
	}
	if n != len(holidays) {
		t.Errorf("2026 has %d NRW holidays, want %d", n, len(holidays))
	}
	if workday(date(2026, 4, 3)) || workday(date(2026, 11, 21)) || !workday(date(2026, 11, 24)) {
		t.Error("workday wrong for Karfreitag, a Saturday or a Tuesday")
	}
}

func TestISOWeekAtYearEnds(t *testing.T) {
	cases := []struct {
		d       day
		y, w    int
		mon, su day
	}{
		{date(2026, 12, 31), 2026, 53, date(2026, 12, 28), date(2027, 1, 3)},
		{date(2027, 1, 3), 2026, 53, date(2026, 12, 28), date(2027, 1, 3)},
		{date(2027, 1, 4), 2027, 1, date(2027, 1, 4), date(2027, 1, 10)},
		{date(2024, 12, 30), 2025, 1, date(2024, 12, 30), date(2025, 1, 5)},
		{date(2026, 11, 22), 2026, 47, date(2026, 11, 16), date(2026, 11, 22)},
	}
	for _, c := range cases {
		y, w := c.d.isoWeek()
		if y != c.y || w != c.w || c.d.monday() != c.mon || c.d.sunday() != c.su {
			t.Errorf("%s: week %d/%d %s..%s, want %d/%d %s..%s", c.d.iso(), w, y, c.d.monday().iso(), c.d.sunday().iso(),
				c.w, c.y, c.mon.iso(), c.su.iso())
		}
	}
}

func TestDayFormats(t *testing.T) {
	d := date(2026, 2, 3)
	if d.german() != "03.02.2026" || d.iso() != "2026-02-03" || d.compact() != "20260203" || monthOf(d).label() != "2026-02" {
		t.Errorf("formats: %s %s %s %s", d.german(), d.iso(), d.compact(), monthOf(d).label())
	}
	if m := monthOf(d); m.first() != date(2026, 2, 1) || m.last() != date(2026, 2, 28) {
		t.Errorf("month bounds %s..%s", m.first().iso(), m.last().iso())
	}
	if got := windowStart(date(2026, 11, 24)); got != date(2024, 11, 24) {
		t.Errorf("window start %s", got.iso())
	}
}

func TestIdentifiersUniqueAndWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for i := int64(0); i < 300_000; i++ {
		kn := kundennummer(i)
		if seen[kn] {
			t.Fatalf("Kundennummer %s twice (index %d)", kn, i)
		}
		seen[kn] = true
		if len(kn) != 10 || kn[0] != '9' || kn[3] < 'A' || kn[3] > 'Y' {
			t.Fatalf("Kundennummer %q malformed", kn)
		}
	}
	if got := bgNummer(42, "05966"); len(got) != 14 || got[:7] != "96601BG" {
		t.Errorf("BG-Nummer %q", got)
	}
	if got := azrNummer(42); len(got) != 12 || got[0] != '9' {
		t.Errorf("AZR-Nummer %q", got)
	}
	if got := aufnahmeID(2026, 42); got != "AU-2026-000042" {
		t.Errorf("Aufnahme_ID %q", got)
	}
	if got := money(215000, true); got != "2.150,00" {
		t.Errorf("money with dots %q", got)
	}
	if got := money(5, false); got != "0,05" {
		t.Errorf("money %q", got)
	}
	if got := decimalComma(375, 10); got != "37,5" {
		t.Errorf("decimal %q", got)
	}
}

func TestCSVQuoting(t *testing.T) {
	got := csvLine(nil, []string{"a", "Al-Khatib; geb. Haddad", `Mohammed "Abu Ali"`, " Omar", ""})
	want := `a;"Al-Khatib; geb. Haddad";"Mohammed ""Abu Ali""";" Omar";`
	if got != want {
		t.Errorf("csvLine = %s, want %s", got, want)
	}
}
