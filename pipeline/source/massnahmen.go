package source

import (
	"fmt"
	"regexp"

	"ipoint/pipeline"
)

// Massnahmen are the participations in measures and courses (sources.md §3): a daily
// full snapshot in an Excel workbook.
var Massnahmen = &Export{
	Name:     "massnahmen",
	Title:    "Teilnahmen an Maßnahmen und Kursen",
	Pattern:  regexp.MustCompile(`^massnahmen_(?P<date>\d{8})\.xlsx$`),
	Snapshot: true,
	Format:   XLSX,
	Sheet:    "Teilnahmen",
	Order:    1,
	Columns: []Column{
		{Name: "Teilnahme_ID", Out: "teilnahme_id", Type: RecordID, Required: true, Key: true},
		{Name: "Kundennummer", Out: "kunde_token", Type: Kundennummer, Required: true},
		{Name: "Massnahmeart", Out: "massnahmeart", Type: Code, Required: true, Codes: pipeline.MeasureKinds},
		{Name: "Traeger", Out: "traeger", Type: Text},
		{Name: "Beginn", Out: "beginn", Type: Date, Required: true},
		{Name: "Ende_geplant", Out: "ende_geplant", Type: Date, Required: true},
		{Name: "Ende_tatsaechlich", Out: "ende_tatsaechlich", Type: Date},
		{Name: "Status", Out: "status", Type: Code, Required: true, Codes: pipeline.MeasureStatuses},
		{Name: "Ergebnis", Out: "ergebnis", Type: Code, Codes: measureResultCodes()},
	},
	Rules: []Rule{notBefore("Ende_geplant", "Beginn", "geplantes Ende vor dem Beginn"), measureResult},
}

// DateColumns are the columns the XLSX reader returns as dates.
func (e *Export) DateColumns() []string {
	var out []string
	for _, c := range e.Columns {
		if c.Type == Date {
			out = append(out, c.Name)
		}
	}
	return out
}

// measureResultCodes are the results of every kind of measure: a cell holding anything
// else is an unknown code; measureResult checks that it belongs to the row's kind.
func measureResultCodes() []string {
	var out []string
	for _, k := range pipeline.MeasureKinds {
		for _, r := range pipeline.MeasureResults(k) {
			if !pipeline.Contains(out, r) {
				out = append(out, r)
			}
		}
	}
	return out
}

// measureResult: a result only once BEENDET, and only one of the kind's results.
func measureResult(r *RowContext) *pipeline.Finding {
	res := r.Raw("Ergebnis")
	if res == "" {
		return nil
	}
	allowed := pipeline.MeasureResults(r.Raw("Massnahmeart"))
	if !pipeline.Contains(allowed, res) {
		return r.Finding("Ergebnis", KindUnknownCode, true, fmt.Sprintf("Ergebnis %s ist für %s nicht vorgesehen", r.Shown("Ergebnis"), r.Shown("Massnahmeart")))
	}
	if r.Raw("Status") != "BEENDET" {
		return r.Finding("Ergebnis", KindInconsistent, true, "Ergebnis vor dem Ende der Teilnahme")
	}
	return nil
}
