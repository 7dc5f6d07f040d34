package source

import (
	"regexp"

	"ipoint/pipeline"
	"ipoint/pipeline/read"
)

// Arbeitsaufnahmen are the job and training starts (sources.md §2): a daily delta.
var Arbeitsaufnahmen = &Export{
	Name:     "arbeitsaufnahmen",
	Title:    "Arbeits- und Ausbildungsaufnahmen (VerBIS)",
	Pattern:  regexp.MustCompile(`^arbeitsaufnahmen_(?P<date>\d{8})\.csv$`),
	Format:   CSV,
	Encoding: read.UTF8BOM,
	Order:    3,
	Columns: []Column{
		{Name: "Aufnahme_ID", Out: "aufnahme_id", Type: RecordID, Required: true, Valid: isAufnahmeID},
		{Name: "Kundennummer", Out: "kunde_token", Type: Kundennummer, Required: true},
		{Name: "Art", Out: "art", Type: Code, Required: true, Codes: pipeline.StartKinds},
		{Name: "Beginn", Out: "beginn", Type: Date, Required: true},
		{Name: "Ende", Out: "ende", Type: Date},
		{Name: "Wochenstunden", Out: "wochenstunden", Type: Decimal},
		{Name: "Bruttoentgelt", Out: "bruttoentgelt", Type: Money},
		{Name: "WZ2008", Out: "wz2008", Type: WZ2008},
		{Name: "Gefoerdert", Out: "gefoerdert", Type: YesNo, Required: true},
		{Name: "Betriebsnummer", Out: "betrieb_token", Type: Betriebsnummer},
		{Name: "Meldedatum", Out: "meldedatum", Type: Date, Required: true},
		{Name: "Storno", Out: "storno", Type: YesNo, Required: true},
	},
	Rules: []Rule{notBefore("Ende", "Beginn", "Ende vor dem Beginn")},
}

// notBefore: column a, where set, is not before column b.
func notBefore(a, b, reason string) Rule {
	return func(r *RowContext) *pipeline.Finding {
		va, vb := r.Value(a), r.Value(b)
		if !va.Null && !vb.Null && va.I < vb.I {
			return r.Finding(a, KindInconsistent, true, reason)
		}
		return nil
	}
}
