package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"ipoint/reports/german"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// series is one series of a chart: its values for the chart (nil: a gap, for a
// suppressed or unknown value) and its texts for the table of figures.
type series struct {
	Name   string
	Values []any
	Texts  []string
	Dashed bool // a reference line, not a figure of ours
}

// chartSpec describes a chart; build turns it into options and a table.
type chartSpec struct {
	ID, Title, Description string
	AxisHead               string // the table's first column
	Labels                 []string
	Series                 []series
	Line                   bool // lines instead of bars
	Stack                  bool
	Area                   bool
	Horizontal             bool
	Connect                bool   // lines run over points not shown
	Unit                   string // "%" for shares
	YName                  string
	XName                  string   // a title under the category axis
	Colors                 []string // instead of the palette, where colours carry meaning
}

// Palette: every colour has a contrast of at least 3:1 against white (WCAG 2.1,
// non-text contrast), and neighbours differ in lightness as well as hue, so that no pair
// rests on red against green alone.
var Palette = []string{"#1f5fa8", "#c4421a", "#2e7d32", "#7b3f9e", "#8c6d00", "#00838f", "#ad1457", "#5d4037", "#455a64"}

// ResultColors colour language-test results by meaning, at 3:1 or more against white:
// the levels from unter A2 to C1 in blues and violets growing darker, a failed test in
// orange, no test in grey; no green beside red.
var ResultColors = []string{"#7b3f9e", "#00838f", "#1f5fa8", "#163f75", "#0b2545", "#c4421a", "#5f6b73"}

func commonOpts(s chartSpec) []charts.GlobalOpts {
	trigger := "axis"
	yName := s.YName
	if yName == "" && !s.Horizontal {
		yName = "Anzahl"
	}
	colors := Palette
	if len(s.Colors) > 0 {
		colors = s.Colors
	}
	return []charts.GlobalOpts{
		charts.WithColorsOpts(opts.Colors(colors)),
		charts.WithInitializationOpts(opts.Initialization{Width: "100%", Height: "360px"}),
		charts.WithTitleOpts(opts.Title{Show: opts.Bool(false)}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: trigger}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(len(s.Series) > 1), Top: "0", Type: "scroll"}),
		charts.WithAnimation(false),
		charts.WithGridOpts(opts.Grid{Top: "40", Left: "10", Right: "20", Bottom: "10", ContainLabel: opts.Bool(true)}),
		charts.WithYAxisOpts(opts.YAxis{Name: yName}),
		charts.WithToolboxOpts(opts.Toolbox{Show: opts.Bool(true), Right: "0", Top: "0", Feature: &opts.ToolBoxFeature{
			SaveAsImage: &opts.ToolBoxFeatureSaveAsImage{Show: opts.Bool(true), Title: "Als Bild speichern"},
		}}),
	}
}

// build renders the chart's ECharts options and its table of figures.
func (s chartSpec) build() Chart {
	c := Chart{ID: s.ID, Title: s.Title, Description: s.Description, Unit: s.Unit, Series: len(s.Series)}
	if m := s.message(); m != "" {
		c.Description += " " + m
	}
	c.Table = Table{Caption: s.Title, Head: []string{s.AxisHead}}
	for _, se := range s.Series {
		c.Table.Head = append(c.Table.Head, se.Name)
	}
	for i, l := range s.Labels {
		row := []string{l}
		for _, se := range s.Series {
			row = append(row, se.Texts[i])
		}
		c.Table.Rows = append(c.Table.Rows, row)
	}
	var raw []byte
	if s.Line {
		ch := charts.NewLine()
		ch.SetGlobalOptions(commonOpts(s)...)
		ch.SetXAxis(s.Labels)
		for _, se := range s.Series {
			data := make([]opts.LineData, len(se.Values))
			for i, v := range se.Values {
				data[i] = opts.LineData{Value: gap(v)}
			}
			o := []charts.SeriesOpts{charts.WithLineChartOpts(opts.LineChart{Stack: stackName(s.Stack), ConnectNulls: opts.Bool(s.Connect)})}
			if s.Area {
				o = append(o, charts.WithAreaStyleOpts(opts.AreaStyle{Opacity: opts.Float(0.55)}))
			}
			if se.Dashed {
				o = append(o, charts.WithLineStyleOpts(opts.LineStyle{Type: "dashed", Width: 2}))
			}
			ch.AddSeries(se.Name, data, o...)
		}
		ch.Validate()
		raw = []byte(ch.JSONNotEscaped())
	} else {
		ch := charts.NewBar()
		ch.SetGlobalOptions(commonOpts(s)...)
		ch.SetXAxis(s.Labels)
		for _, se := range s.Series {
			data := make([]opts.BarData, len(se.Values))
			for i, v := range se.Values {
				data[i] = opts.BarData{Value: gap(v)}
			}
			ch.AddSeries(se.Name, data, charts.WithBarChartOpts(opts.BarChart{Stack: stackName(s.Stack)}))
		}
		if s.Horizontal {
			ch.XYReversal()
		}
		ch.Validate()
		raw = []byte(ch.JSONNotEscaped())
	}
	raw = decorate(raw, s)
	if marked, ok := markWithheld(raw, s); ok {
		raw = marked
		c.Series++
	}
	var buf bytes.Buffer
	// Compact, and escape <, > and & so that no label can end the script element.
	_ = json.Compact(&buf, raw)
	var out bytes.Buffer
	json.HTMLEscape(&out, buf.Bytes())
	c.Option = out.Bytes()
	return c
}

// gap turns a missing value into ECharts' "-" (an empty point).
func gap(v any) any {
	if v == nil {
		return "-"
	}
	return v
}

func stackName(stack bool) string {
	if stack {
		return "gesamt"
	}
	return ""
}

// seriesSet is a chart's series of counts, built one point (one value per series) at a time.
type seriesSet []series

func newSeriesSet(names ...string) seriesSet {
	ss := make(seriesSet, len(names))
	for i, n := range names {
		ss[i].Name = n
	}
	return ss
}

// add appends one point: one figure per series.
func (ss seriesSet) add(v []fig) {
	for i := range ss {
		ss[i].Values = append(ss[i].Values, v[i].chart())
		ss[i].Texts = append(ss[i].Texts, v[i].text())
	}
}

// countSeries builds a series of figures.
func countSeries(name string, values []fig) series {
	s := series{Name: name}
	for _, v := range values {
		s.Values = append(s.Values, v.chart())
		s.Texts = append(s.Texts, v.text())
	}
	return s
}

// Withheld is the name of the marker series that shows where a value is withheld.
const Withheld = "* geheim gehalten"

// markWithheld adds a series of markers labelled "*" at the base of every category where
// a value is withheld, so that a gap is not read as zero (the table under the chart says
// which value). Charts without a withheld value are left as they are.
func markWithheld(raw []byte, s chartSpec) ([]byte, bool) {
	var points []any
	some := false
	for i := range s.Labels {
		hidden := false
		for _, se := range s.Series {
			if i < len(se.Texts) && se.Texts[i] == "*" {
				hidden = true
			}
		}
		switch {
		case hidden && s.Horizontal:
			points = append(points, []any{0, i})
		case hidden:
			points = append(points, []any{i, 0})
		default:
			points = append(points, "-")
		}
		some = some || hidden
	}
	if !some {
		return raw, false
	}
	var opt map[string]any
	if err := json.Unmarshal(raw, &opt); err != nil {
		return raw, false
	}
	series, _ := opt["series"].([]any)
	opt["series"] = append(series, map[string]any{
		"name": Withheld, "type": "scatter", "data": points, "symbol": "triangle", "symbolSize": 9,
		"itemStyle": map[string]any{"color": "#1a1a1a"}, "z": 10, "tooltip": map[string]any{"show": false},
		"label": map[string]any{"show": true, "formatter": "*", "position": "top", "fontWeight": "bold"},
	})
	out, err := json.Marshal(opt)
	if err != nil {
		return raw, false
	}
	return out, true
}

// labelled says whether a bar chart gets a label on every bar: charts with few
// categories, so that small values are readable and not only the axis.
func (s chartSpec) labelled() bool {
	return !s.Line && (s.Horizontal || len(s.Labels) <= 13)
}

// decorate adjusts the options go-echarts cannot express: every category of a chart
// with few of them is labelled (ECharts would skip some), a horizontal chart lists its
// categories from the top, in the order of the table, and bars carry their values.
func decorate(raw []byte, s chartSpec) []byte {
	var opt map[string]any
	if err := json.Unmarshal(raw, &opt); err != nil {
		return raw
	}
	category := "xAxis"
	if s.Horizontal {
		category = "yAxis"
	}
	if axes, ok := opt[category].([]any); ok && len(axes) > 0 && (s.Horizontal || len(s.Labels) <= 24) {
		if ax, ok := axes[0].(map[string]any); ok {
			ax["axisLabel"] = map[string]any{"interval": 0}
			if s.Horizontal {
				ax["inverse"] = true
			}
		}
	}
	if axes, ok := opt["xAxis"].([]any); ok && len(axes) > 0 && s.XName != "" && !s.Horizontal {
		if ax, ok := axes[0].(map[string]any); ok {
			ax["name"], ax["nameLocation"], ax["nameGap"] = s.XName, "middle", 26
		}
		if grid, ok := opt["grid"].([]any); ok && len(grid) > 0 {
			if g, ok := grid[0].(map[string]any); ok {
				g["bottom"] = 34
			}
		}
	}
	if s.labelled() {
		position := "top"
		switch {
		case s.Stack:
			position = "inside"
		case s.Horizontal:
			position = "right"
		}
		if series, ok := opt["series"].([]any); ok {
			for _, se := range series {
				if m, ok := se.(map[string]any); ok {
					m["label"] = map[string]any{"show": true, "position": position, "fontSize": 11}
				}
			}
		}
	}
	out, err := json.Marshal(opt)
	if err != nil {
		return raw
	}
	return out
}

// message states what a chart shows, from published values only, for screen readers
// (aria-label): the newest point against the one before for a series over time, the
// largest category for a distribution.
func (s chartSpec) message() string {
	if len(s.Labels) < 2 || len(s.Series) == 0 || s.Unit != "" {
		return ""
	}
	total := func(i int) (int64, bool) {
		var n int64
		for _, se := range s.Series {
			if se.Dashed || i >= len(se.Texts) {
				continue
			}
			v, ok := publishedCount(se.Texts[i])
			if !ok {
				return 0, false
			}
			n += v
		}
		return n, true
	}
	if s.Horizontal || s.AxisHead != "Woche" && s.AxisHead != "Monat" {
		best, at := int64(-1), -1
		for i := range s.Labels {
			if v, ok := total(i); ok && v > best {
				best, at = v, i
			}
		}
		if at < 0 {
			return ""
		}
		return fmt.Sprintf("Am größten: %s mit %s.", s.Labels[at], german.Int(best))
	}
	last := len(s.Labels) - 1
	n, ok1 := total(last)
	p, ok2 := total(last - 1)
	if !ok1 || !ok2 {
		return ""
	}
	change := "unverändert gegenüber"
	switch {
	case n > p:
		change = "gestiegen von"
	case n < p:
		change = "gesunken von"
	}
	return fmt.Sprintf("Zuletzt %s (%s), %s %s (%s).", german.Int(n), s.Labels[last], change, german.Int(p), s.Labels[last-1])
}

// publishedCount reads a count as a table shows it ("1.069", "-" for none); a withheld
// or unknown value is not a count.
func publishedCount(text string) (int64, bool) {
	if text == "-" {
		return 0, true
	}
	var n int64
	if text == "" {
		return 0, false
	}
	for _, r := range text {
		switch {
		case r == '.':
		case r >= '0' && r <= '9':
			n = 10*n + int64(r-'0')
		default:
			return 0, false
		}
	}
	return n, true
}
