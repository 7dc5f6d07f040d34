package reports

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"ipoint/reports/assets"
	"ipoint/reports/german"
)

//go:embed templates/*.html
var templateFiles embed.FS

var funcs = template.FuncMap{
	"date": german.Date,
	"int":  german.Int,
	"json": func(b []byte) template.JS { return template.JS(b) },
	"short": func(s string) string {
		if len(s) > 12 {
			return s[:12]
		}
		return s
	},
}

var (
	reportTemplate = template.Must(template.New("report.html").Funcs(funcs).ParseFS(templateFiles, "templates/report.html"))
	indexTemplate  = template.Must(template.New("index.html").Funcs(funcs).ParseFS(templateFiles, "templates/index.html"))
)

// Render writes the report as one self-contained HTML file. The same report from the
// same data gives the same bytes: nothing in it depends on the time of rendering.
func Render(w io.Writer, r *Report) error {
	for _, js := range []string{assets.ECharts, assets.LocaleDE} {
		if strings.Contains(strings.ToLower(js), "</script") {
			return fmt.Errorf("an embedded script contains </script")
		}
	}
	var buf bytes.Buffer
	err := reportTemplate.Execute(&buf, map[string]any{
		"R":              r,
		"Begin":          r.Begin().Format(time.DateOnly),
		"ECharts":        template.JS(assets.ECharts),
		"LocaleDE":       template.JS(assets.LocaleDE),
		"License":        assets.License,
		"EChartsVersion": assets.Version,
	})
	if err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// Begin is the first day of the report's period.
func (r *Report) Begin() time.Time {
	if r.Kind == KindWeekly {
		return isoMonday(r.Year, r.Number)
	}
	return time.Date(r.Year, time.Month(r.Number), 1, 0, 0, 0, 0, time.UTC)
}
