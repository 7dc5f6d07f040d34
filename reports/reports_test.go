package reports

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"ipoint/pipeline"
	"ipoint/reports/browser"
)

// sample builds a report by hand, with the same builders the warehouse loaders use.
func sample(version string) *Report {
	labels := []string{"KW 45/2026", "KW 46/2026", "KW 47/2026"}
	regs := [][]int64{{30, 12, 2}, {25, 9, 1}}
	ss := []series{}
	for i, kr := range Kreise {
		var v []fig
		for j, n := range regs[i] {
			v = append(v, fig{value: n, hidden: j == 2})
		}
		ss = append(ss, countSeries(kr.Name, v))
	}
	return &Report{Kind: KindWeekly, Title: "Wochenbericht", Period: "KW 47/2026, 16.11.–22.11.2026", Year: 2026, Number: 47,
		Stand: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), DataVersion: version, K: 3,
		Keys: &KeyTable{Caption: "Kennzahlen", Head: []string{"Kennzahl", "A", "B"}, Rows: []KeyRow{{Name: "Bestand", Cells: []string{"1.234", "*"}}}},
		Text: []string{"Der Bestand stieg um 0,5 % auf 1.060 betreute Kunden."},
		Sections: []Section{{ID: "s", Title: "Entwicklung", Charts: []Chart{
			chartSpec{ID: "zugaenge", Title: "Zugänge <&> je Woche", Description: "Säulen", AxisHead: "Woche", Labels: labels, Stack: true, Series: ss}.build(),
			chartSpec{ID: "quote", Title: "Quote", Description: "Linie", AxisHead: "Woche", Labels: labels, Line: true, Unit: "%",
				Series: []series{{Name: "Quote", Values: []any{12.5, nil, 13.1}, Texts: []string{"12,5 %", "x", "13,1 %"}}, {Name: "Bezug", Dashed: true, Values: []any{nil, 7.0, nil}, Texts: []string{"", "7 %", ""}}}}.build(),
		}}},
		Quality: &Quality{Exports: []ExportState{{Name: "verbis_kunden", Label: "Kundenbestand", Newest: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC), Files: 7, Rows: 7000, Rejected: 3}},
			Quarantined: []QuarantinedFile{{Name: "x.csv", Export: "arbeitsaufnahmen", Reason: "Pflichtspalte fehlt"}},
			Checks:      []Check{{Name: "schluessel", Description: "eindeutig", Rows: 0}, {Name: "waisen", Description: "Waisen", Rows: 4, Notice: true}}},
		Notes: symbolNotes(3),
	}
}

func render(t *testing.T, r *Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRenderIsSelfContainedAndDeterministic(t *testing.T) {
	a, b := render(t, sample("abc")), render(t, sample("abc"))
	if !bytes.Equal(a, b) {
		t.Fatal("the same report rendered twice differs")
	}
	s := string(a)
	// Outside the scripts (ECharts' own code builds SVG and image markup as strings).
	markup := regexp.MustCompile(`(?s)<script>.*?</script>`).ReplaceAllString(s, "")
	for _, bad := range []*regexp.Regexp{regexp.MustCompile(`\ssrc=`), regexp.MustCompile(`<link`), regexp.MustCompile(`@import`), regexp.MustCompile(`url\(`)} {
		if bad.MatchString(markup) {
			t.Errorf("report refers to an external resource: %s", bad)
		}
	}
	for _, want := range []string{`<html lang="de">`, "Content-Security-Policy", "default-src 'none'", "registerLocale", "Apache License",
		`<meta name="ipoint-stand" content="24.11.2026">`, "Datenversion abc", `role="img"`, `aria-label="Säulen"`, "<details>", "@page", "size: A4",
		"Zugänge &lt;&amp;&gt; je Woche", `data-series="2"`} {
		if !strings.Contains(s, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// A chart's title inside its JSON options cannot end the script element.
	if strings.Contains(s, "Zugänge <&>") {
		t.Error("unescaped markup in the report")
	}
	if len(a) > 2<<20 {
		t.Errorf("report is %d bytes, want under 2 MB", len(a))
	}
	if c := render(t, sample("abd")); bytes.Equal(a, c) {
		t.Error("a different data version renders the same bytes")
	}
}

// store stores a report as Publish does, with its figure digest.
func store(t *testing.T, root string, r *Report) (string, string, error) {
	r.Digest = figureDigest(r)
	return Store(root, r.ArchivePath(), render(t, r), r.Digest)
}

// TestArchiveNeverReplaces: a report is never replaced; a new version comes only with
// other figures, never for another Stand or data version alone.
func TestArchiveNeverReplaces(t *testing.T) {
	root := t.TempDir()
	r := sample("v1")
	p, out, err := store(t, root, r)
	if err != nil || out != StoredNew || !strings.HasSuffix(p, filepath.FromSlash("2026/KW47/wochenbericht.html")) {
		t.Fatalf("first store: %s %s %v", p, out, err)
	}
	if _, out, _ := store(t, root, r); out != StoredUnchanged {
		t.Errorf("same bytes: %s", out)
	}
	first, _ := os.ReadFile(p)
	restated := sample("v1b")
	restated.Stand = restated.Stand.AddDate(0, 0, 1)
	if _, out, _ := store(t, root, restated); out != StoredUnchanged {
		t.Errorf("the same figures with another Stand and data version: %s", out)
	}
	r2 := sample("v2")
	r2.Keys.Rows[0].Cells[0] = "1.235"
	p2, out, err := store(t, root, r2)
	if err != nil || out != StoredVersion || !strings.HasSuffix(p2, "wochenbericht-v2.html") {
		t.Fatalf("changed data: %s %s %v", p2, out, err)
	}
	if again, _ := os.ReadFile(p); !bytes.Equal(again, first) {
		t.Error("the first version was changed")
	}
	if _, out, _ := store(t, root, r2); out != StoredUnchanged {
		t.Errorf("v2 again: %s", out)
	}
	older := sample("v1")
	older.Number, older.Period = 46, "KW 46/2026"
	monthly := sample("v1")
	monthly.Kind, monthly.Title, monthly.Number, monthly.Period = KindMonthly, "Monatsbericht", 10, "Oktober 2026"
	for _, x := range []*Report{older, monthly} {
		if _, _, err := store(t, root, x); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteIndex(root); err != nil {
		t.Fatal(err)
	}
	idx, err := Index(root)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range idx {
		got = append(got, e.Path+" "+e.DataVersion)
	}
	want := []string{"2026/KW47/wochenbericht-v2.html v2", "2026/KW47/wochenbericht.html v1", "2026/KW46/wochenbericht.html v1", "2026/10/monatsbericht.html v1"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("index:\n got %q\nwant %q", got, want)
	}
	if !idx[1].Older || idx[0].Older {
		t.Errorf("older flags: %+v", idx[:2])
	}
	html, _ := os.ReadFile(filepath.Join(root, "index.html"))
	if !strings.Contains(string(html), `href="2026/KW47/wochenbericht-v2.html"`) || !strings.Contains(string(html), "ältere Fassung") {
		t.Errorf("index.html:\n%s", html)
	}
}

// TestReportInBrowser opens a rendered report in headless Chromium with the network
// disabled: every chart has its series and painted pixels, no error, no request.
func TestReportInBrowser(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bericht.html")
	if err := os.WriteFile(path, render(t, sample("abc")), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := browser.Check(context.Background(), path, filepath.Join("..", "build", "screenshots", "beispielbericht.png"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Problems() {
		t.Error(p)
	}
	// Bars were drawn, not only axes and legend (about 5,000 pixels).
	for _, c := range res.Charts {
		if c.ID == "zugaenge" && c.Painted < 20000 {
			t.Errorf("chart %s: only %d pixels painted", c.ID, c.Painted)
		}
	}
}

func TestLastComplete(t *testing.T) {
	d := func(s string) time.Time { x, _ := time.Parse(time.DateOnly, s); return x }
	for _, c := range []struct {
		stand string
		wy, w int
		my, m int
	}{{"2026-11-24", 2026, 47, 2026, 10}, {"2026-11-22", 2026, 47, 2026, 10}, {"2026-11-30", 2026, 48, 2026, 11}, {"2027-01-03", 2026, 53, 2026, 12},
		{"2026-10-31", 2026, 43, 2026, 9}, {"2026-11-01", 2026, 44, 2026, 10}} {
		y, w := LastCompleteWeek(d(c.stand))
		my, m := LastCompleteMonth(d(c.stand))
		if y != c.wy || w != c.w || my != c.my || m != c.m {
			t.Errorf("%s: week %d/%d month %d/%d", c.stand, w, y, m, my)
		}
	}
}

// weeklyTable protects the weeks' figures as Publish does and returns the key table.
func weeklyTable(t *testing.T, by map[time.Time]map[string]weekRow, weeks []time.Time, monday time.Time) (*KeyTable, *figures) {
	t.Helper()
	f := newFigures(&Ledger{Figures: map[string]LedgerFigure{}, Texts: map[string]string{}})
	wf := weeklyFigures(f, by, weeks, nil)
	if err := f.sys.Protect(3, 3); err != nil {
		t.Fatal(err)
	}
	if found, err := f.sys.Audit(3, 3, true); err != nil || len(found) > 0 {
		t.Fatalf("after protection, an attacker narrows %v (%v)", found, err)
	}
	return weeklyKeys(wf, monday, nil), f
}

func TestWeeklyKeysSuppress(t *testing.T) {
	monday := isoMonday(2026, 47)
	by := map[time.Time]map[string]weekRow{}
	var weeks []time.Time
	for i := 4; i >= 0; i-- {
		m := monday.AddDate(0, 0, -7*i)
		weeks = append(weeks, m)
		by[m] = map[string]weekRow{"05970": {regs: 30, caseload: 700, foerder: 630, exits: [len(exitKeys)]int64{20, 10}, al: 700}, "05966": {regs: 10, caseload: 300, foerder: 270, exits: [len(exitKeys)]int64{5, 5}, al: 300}}
	}
	// This week Olpe has 2 registrations.
	by[monday]["05966"] = weekRow{regs: 2, caseload: 300, foerder: 270, exits: [len(exitKeys)]int64{1, 1}, al: 300}
	by[monday]["05970"] = weekRow{regs: 30, caseload: 700, foerder: 630, exits: [len(exitKeys)]int64{20, 10}, al: 700}
	keys, f := weeklyTable(t, by, weeks, monday)
	row := func(keys *KeyTable, name string) []string {
		for _, r := range keys.Rows {
			if r.Name == name {
				return r.Cells
			}
		}
		t.Fatalf("no row %q", name)
		return nil
	}
	if got := row(keys, "Neue Zugänge"); got[1] != "*" || got[0] != "*" {
		t.Errorf("registrations: %v (suppressed: %v)", got, f.sys.Decisions())
	}
	if got := strings.Join(row(keys, "Betreute Kunden am Sonntag der Woche"), "|"); got != "700|300|1.000|±0|1.000,0" {
		t.Errorf("caseload: %s", got)
	}
	if got := row(keys, "Anteil mit besonderem Förderbedarf"); got[2] != "90,0 %" {
		t.Errorf("support share: %v", got)
	}
	// Exits by reason only for both Kreise together.
	if got := strings.Join(row(keys, "davon: Arbeit oder Ausbildung"), "|"); got != "||21||" {
		t.Errorf("exits to work: %s", got)
	}
	// Last week's total was 2: its change and the averages that use it are not shown.
	prev := monday.AddDate(0, 0, -7)
	by[prev]["05970"] = weekRow{regs: 0, caseload: 700, foerder: 630, exits: [len(exitKeys)]int64{0, 0}, al: 700}
	by[prev]["05966"] = weekRow{regs: 2, caseload: 300, foerder: 270, exits: [len(exitKeys)]int64{1, 1}, al: 300}
	keys, _ = weeklyTable(t, by, weeks, monday)
	if got := row(keys, "Neue Zugänge"); got[3] != "x" || got[4] != "x" {
		t.Errorf("change against a suppressed total: %v", got)
	}
	// With no small counts, the flows per Kreis are published.
	by[prev]["05970"] = weekRow{regs: 30, caseload: 700, foerder: 630, exits: [len(exitKeys)]int64{20, 10}, al: 700}
	by[prev]["05966"] = weekRow{regs: 10, caseload: 300, foerder: 270, exits: [len(exitKeys)]int64{5, 5}, al: 300}
	by[monday]["05966"] = weekRow{regs: 12, caseload: 300, foerder: 270, exits: [len(exitKeys)]int64{6, 6}, al: 300}
	keys, _ = weeklyTable(t, by, weeks, monday)
	if got := row(keys, "Neue Zugänge"); got[0] != "30" || got[1] != "12" || got[3] != "+2" {
		t.Errorf("registrations without small counts: %v", got)
	}
}

// TestBrowserCatchesFaults: the browser check itself notices a request, a script error
// and a chart with a missing series, so that a passing report means something.
func TestBrowserCatchesFaults(t *testing.T) {
	page := string(render(t, sample("abc")))
	page = strings.Replace(page, "</main>", `<img src="http://192.0.2.1/x.png" alt=""></main>`, 1)
	// The first chart claims one series more than it has.
	if m := regexp.MustCompile(`data-series="(\d+)"`).FindStringSubmatchIndex(page); m != nil {
		n, _ := strconv.Atoi(page[m[2]:m[3]])
		page = page[:m[2]] + strconv.Itoa(n+1) + page[m[3]:]
	}
	i := strings.LastIndex(page, "</body>")
	page = page[:i] + "<script>undefinedFunction();</script>" + page[i:]
	path := filepath.Join(t.TempDir(), "kaputt.html")
	if err := os.WriteFile(path, []byte(page), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := browser.Check(context.Background(), path, "")
	if err != nil {
		t.Fatal(err)
	}
	var csp, script bool
	for _, e := range res.Errors {
		csp = csp || strings.Contains(e, "csp: img-src")
		script = script || strings.Contains(e, "undefinedFunction")
	}
	if !csp || !script {
		t.Errorf("errors not caught: %q", res.Errors)
	}
	if res.Charts[0].Series == res.Charts[0].Expected || len(res.Problems()) < 4 {
		t.Errorf("faults not noticed: %+v %q", res.Charts[0], res.Problems())
	}
}

// TestNotableUsesPublishedFiguresOnly: the text never states a figure the key figures
// suppress (here the exits into work, hidden beside a reason with 2 exits).
func TestNotableUsesPublishedFiguresOnly(t *testing.T) {
	monday := isoMonday(2026, 47)
	by := map[time.Time]map[string]weekRow{}
	for i := 4; i >= 0; i-- {
		by[monday.AddDate(0, 0, -7*i)] = map[string]weekRow{"05970": {regs: 30, caseload: 700}, "05966": {regs: 10, caseload: 300}}
	}
	var weeks []time.Time
	for i := 4; i >= 0; i-- {
		weeks = append(weeks, monday.AddDate(0, 0, -7*i))
	}
	text := func() string {
		f := newFigures(&Ledger{Figures: map[string]LedgerFigure{}, Texts: map[string]string{}})
		wf := weeklyFigures(f, by, weeks, nil)
		if err := f.sys.Protect(3, 3); err != nil {
			t.Fatal(err)
		}
		return strings.Join(notable(wf, monday), " ")
	}
	by[monday]["05970"] = weekRow{regs: 30, caseload: 700, exits: [len(exitKeys)]int64{4, 2, 0, 0, 0, 0}}
	if got := text(); strings.Contains(got, "Arbeit oder Ausbildung") {
		t.Errorf("text reveals a suppressed figure: %s", got)
	}
	by[monday]["05970"] = weekRow{regs: 30, caseload: 700, exits: [len(exitKeys)]int64{4, 3, 0, 0, 0, 0}}
	if got := text(); !strings.Contains(got, "4 der 7 Abgänge") {
		t.Errorf("text: %s", got)
	}
}

// TestExitKeys: the Wochenbericht knows every exit reason of the contract, in its order,
// then the unknown one, each with a German label and a colour of its own in the chart.
func TestExitKeys(t *testing.T) {
	want := append(append([]string{}, pipeline.ExitReasons...), pipeline.ExitReasonUnknown)
	if len(exitKeys) != len(want) {
		t.Fatalf("exit keys %v, want %v", exitKeys, want)
	}
	for i, w := range want {
		if exitKeys[i] != strings.ToLower(w) || exitReasons[i] == "" {
			t.Errorf("exit key %d: %q (%q), want %q", i, exitKeys[i], exitReasons[i], strings.ToLower(w))
		}
	}
	if len(exitKeys) > len(Palette) {
		t.Errorf("%d exit reasons share %d colours", len(exitKeys), len(Palette))
	}
}

// TestPaletteContrast: every chart colour has at least 3:1 contrast against white (WCAG
// 2.1, non-text contrast), and charts use the palette.
func TestPaletteContrast(t *testing.T) {
	lin := func(c float64) float64 {
		if c <= 0.03928 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	for _, c := range append(append([]string{}, Palette...), ResultColors...) {
		var r, g, b int
		if _, err := fmt.Sscanf(c, "#%02x%02x%02x", &r, &g, &b); err != nil {
			t.Fatal(c, err)
		}
		l := 0.2126*lin(float64(r)/255) + 0.7152*lin(float64(g)/255) + 0.0722*lin(float64(b)/255)
		if ratio := 1.05 / (l + 0.05); ratio < 3 {
			t.Errorf("%s: contrast %.2f:1 against white", c, ratio)
		}
	}
	ch := sample("abc").Sections[0].Charts[0]
	if !strings.Contains(string(ch.Option), Palette[0]) || strings.Contains(string(ch.Option), "#91cc75") {
		t.Errorf("chart options do not use the palette: %.300s", ch.Option)
	}
	one := chartSpec{ID: "k2", Title: "K2", Labels: []string{"a"}, Series: []series{{Name: "Integrationen", Values: []any{1}, Texts: []string{"1"}}}}.build()
	var opt struct {
		Legend struct {
			Show *bool `json:"show"`
		} `json:"legend"`
	}
	if err := json.Unmarshal(one.Option, &opt); err != nil || opt.Legend.Show == nil || *opt.Legend.Show {
		t.Errorf("a single series has a legend: %.400s", one.Option)
	}
}

// TestCompareToMean: the summary names a rise and a drop with their size, and says when
// a week is about average.
func TestCompareToMean(t *testing.T) {
	for _, c := range []struct {
		n    int64
		mean float64
		want string
	}{
		{41, 45.5, "41 neue Zugänge, 10 % unter dem Schnitt der vier Vorwochen (45,5)."},
		{52, 40, "52 neue Zugänge, 30 % über dem Schnitt der vier Vorwochen (40,0)."},
		{44, 45, "44 neue Zugänge, etwa so viele wie im Schnitt der vier Vorwochen (45,0)."},
		{3, 0, "3 neue Zugänge; in den vier Vorwochen keine."},
	} {
		if got := compareToMean(c.n, c.mean, "neue Zugänge"); got != c.want {
			t.Errorf("%d against %.1f: %q, want %q", c.n, c.mean, got, c.want)
		}
	}
}

// TestWeekRange names each run of weeks: a month missing between deliveries and the
// newest weeks are two runs, not one range over weeks that were delivered.
func TestWeekRange(t *testing.T) {
	w := func(d int) time.Time { return time.Date(2026, 8, 31, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 7*d) } // KW 36
	for _, c := range []struct {
		weeks []time.Time
		want  string
	}{
		{[]time.Time{w(0)}, "KW 36/2026"},
		{[]time.Time{w(0), w(1), w(2)}, "KW 36/2026 bis KW 38/2026"},
		{[]time.Time{w(0), w(1), w(8), w(9)}, "KW 36/2026 bis KW 37/2026 und KW 44/2026 bis KW 45/2026"},
		{[]time.Time{w(0), w(3), w(5), w(6)}, "KW 36/2026, KW 39/2026 und KW 41/2026 bis KW 42/2026"},
		{[]time.Time{w(16), w(17)}, "KW 52/2026 bis KW 53/2026"},
	} {
		if got := weekRange(c.weeks); got != c.want {
			t.Errorf("weekRange: %q, want %q", got, c.want)
		}
	}
}
