// Package reports renders the HTML reports for the district leadership from the
// warehouse's marts (never from raw data): German, self-contained (ECharts inline, no
// network request), printable on A4, accessible (ARIA descriptions and a table of
// figures under every chart), and safe to publish (small counts suppressed).
//
// The package reads the warehouse through database/sql only; the DuckDB driver is
// linked by the caller (cmd/ipoint), so this package's tests stay fast.
package reports

import (
	"fmt"
	"time"

	"ipoint/pipeline"
	"ipoint/reports/german"
	"ipoint/reports/suppress"
)

// Kinds of report, which are also their file names in the archive.
const (
	KindWeekly  = "wochenbericht"
	KindMonthly = "monatsbericht"
	KindCohorts = "verlaufsbericht"
)

// Report is one rendered report's content, ready for the template.
type Report struct {
	Kind        string    // KindWeekly, ...
	Title       string    // "Wochenbericht"
	Period      string    // "KW 47/2026, 16.11.–22.11.2026"
	Year        int       // ISO year (weekly) or calendar year
	Number      int       // ISO week or month
	Stand       time.Time // the newest Stichtag the report rests on
	First       time.Time // the first Stichtag delivered: earlier periods are not covered
	Complete    time.Time // the last day both daily exports (client master, job starts) are delivered for
	DataVersion string    // the manifest's hash
	Digest      string    // of the figures it shows (figureDigest)
	K           int64     // suppression threshold
	Keys        *KeyTable // key figures (optional)
	Text        []string  // what changed notably, in words
	Sections    []Section
	Quality     *Quality
	Notes       []Note // definitions and footnotes
}

// ArchivePath is the report's place in the archive, relative to its root.
func (r *Report) ArchivePath() string {
	if r.Kind == KindWeekly {
		return fmt.Sprintf("%d/KW%02d/%s.html", r.Year, r.Number, r.Kind)
	}
	return fmt.Sprintf("%d/%02d/%s.html", r.Year, r.Number, r.Kind)
}

// KeyTable is the table of key figures.
type KeyTable struct {
	Caption string
	Head    []string
	Rows    []KeyRow
}

// KeyRow is one key figure.
type KeyRow struct {
	Name  string
	Cells []string
	Note  string
}

// Section is a heading with charts and tables.
type Section struct {
	ID, Title string
	Intro     string
	Charts    []Chart
	Tables    []Table
	// Pending names what the section cannot show yet, one sentence each: a chart
	// whose export has not been delivered ("… noch keine Lieferung").
	Pending []string
}

// Chart is one chart: ECharts options plus its figures as a table.
type Chart struct {
	ID          string
	Title       string
	Description string // for screen readers (aria-label)
	Option      []byte // ECharts option JSON
	Series      int    // number of series, checked in the browser
	Unit        string // "" for counts, "%" for shares
	Table       Table
}

// Table is a table of figures as published (suppressed cells show their symbol).
type Table struct {
	Caption string
	Head    []string
	Rows    [][]string
}

// Note is a definition or footnote.
type Note struct{ Term, Text string }

// Quality is the data-quality section.
type Quality struct {
	Exports     []ExportState
	Quarantined []QuarantinedFile
	Checks      []Check
}

// ExportState is one export's freshness and its rejected rows.
type ExportState struct {
	Name, Label string
	Newest      time.Time
	AgeDays     int
	Files       int64
	Rows        int64
	Rejected    int64
	Stale       bool
}

// QuarantinedFile is a delivery moved whole to quarantine.
type QuarantinedFile struct{ Name, Export, Reason string }

// Check is a data check as the warehouse recorded it.
type Check struct {
	Name, Description string
	Rows              int64
	Notice            bool // a notice, not a failure
}

// countText formats a count as published: "*" when suppressed, "-" for none.
func countText(n int64, suppressed bool) string { return suppress.Symbol(n, suppressed, german.Int) }

// chartValue is a count as the chart shows it: a gap when suppressed.
func chartValue(n int64, suppressed bool) any {
	if suppressed {
		return nil
	}
	return n
}

// percent formats a share (0..1) as "12,3 %", or "x" when its denominator is below
// minDenominator (not meaningful, and it could reveal single persons).
func percent(num, den float64, minDenominator float64) string {
	if den < minDenominator || den == 0 {
		return "x"
	}
	return german.Decimal(100*num/den, 1) + " %"
}

// MinDenominator is the smallest denominator for which a rate is published.
const MinDenominator = 10

func weekLabel(m time.Time) string {
	y, w := m.ISOWeek()
	return fmt.Sprintf("KW %02d/%d", w, y)
}

func monthLabel(m time.Time) string { return german.MonthName(m.Month()) + " " + fmt.Sprint(m.Year()) }

func signed(n int64) string {
	switch {
	case n > 0:
		return "+" + german.Int(n)
	case n < 0:
		return "−" + german.Int(-n)
	}
	return "±0"
}

// isoMonday returns the Monday of ISO week w of ISO year y.
func isoMonday(y, w int) time.Time {
	jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC)
	return jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+7*(w-1))
}

// Kreise in the reports' order (the larger first), with their names.
var Kreise = []struct{ Key, Name string }{
	{pipeline.KreisSiegenWittgenstein, pipeline.KreisName(pipeline.KreisSiegenWittgenstein)},
	{pipeline.KreisOlpe, pipeline.KreisName(pipeline.KreisOlpe)},
}

func kreisNames() []string {
	var out []string
	for _, k := range Kreise {
		out = append(out, k.Name)
	}
	return out
}

// LastCompleteWeek is the newest ISO week whose Sunday the data reach.
func LastCompleteWeek(stand time.Time) (year, week int) {
	d := stand
	for d.Weekday() != time.Sunday {
		d = d.AddDate(0, 0, -1)
	}
	return d.ISOWeek()
}

// LastCompleteMonth is the newest month whose last day and whose last ISO week (the
// Monatsbericht counts flows over the weeks whose Thursday lies in the month, up to three
// days into the next month) the data reach.
func LastCompleteMonth(stand time.Time) (year, month int) {
	m := time.Date(stand.Year(), stand.Month(), 1, 0, 0, 0, 0, time.UTC)
	for monthDataEnd(m).After(stand) {
		m = m.AddDate(0, -1, 0)
	}
	return m.Year(), int(m.Month())
}

// monthDataEnd is the last day a Monatsbericht of month m rests on: the month's last day
// or the Sunday of its last ISO week, whichever is later.
func monthDataEnd(m time.Time) time.Time {
	end := m.AddDate(0, 1, -1)
	w := isoWeeksOf(m)
	return later(end, w[len(w)-1].AddDate(0, 0, 6))
}
