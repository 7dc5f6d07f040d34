package source

import (
	"regexp"

	"ipoint/pipeline"
	"ipoint/pipeline/read"
)

// Schutzsuchende is the municipal integration centre's population table (sources.md
// §6): monthly, an aggregate without personal data.
var Schutzsuchende = &Export{
	Name:     "ki_schutzsuchende",
	Title:    "Schutzsuchende nach Gemeinden (Kommunales Integrationszentrum)",
	Pattern:  regexp.MustCompile(`^ki_schutzsuchende_(?P<date>\d{6})\.csv$`),
	Monthly:  true,
	Format:   StatTable,
	Encoding: read.ISO88591,
	Order:    5,
	// A rejected row makes its Kreis's figures unknown, as a "." does (issue 17).
	AggregateKreis: "Kreis",
	Columns: []Column{
		{Name: "Kreis", Out: "kreis", Type: Code, Required: true, Codes: pipeline.Kreise},
		{Name: "AGS", Out: "ags", Type: Code, Required: true, Codes: agsCodes()},
		{Name: "Gemeinde", Out: "gemeinde", Type: Text, Required: true},
		{Name: "Statusgruppe", Out: "statusgruppe", Type: Code, Required: true, Codes: pipeline.StatusGroups},
		{Name: "Anzahl", Out: "anzahl", Type: Count, Required: true},
	},
	Rules: []Rule{gemeindeInKreis("AGS", "Kreis")},
}
