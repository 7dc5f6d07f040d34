package source

import (
	"regexp"

	"ipoint/pipeline"
)

// Aufenthalt are the immigration offices' residence decisions (sources.md §4): a daily
// delta per Kreis in XML.
var Aufenthalt = &Export{
	Name:    "abh_aufenthalt",
	Title:   "Aufenthaltsentscheidungen der Ausländerbehörden",
	Pattern: regexp.MustCompile(`^abh_aufenthalt_(?P<kreis>\d{5})_(?P<date>\d{8})\.xml$`),
	Format:  XML,
	Root:    "aufenthaltsmeldungen",
	Record:  "meldung",
	Order:   2,
	Columns: []Column{
		{Name: "@id", Out: "meldung_id", Type: RecordID, Required: true},
		{Name: "azrNummer", Out: "azr_token", Type: AZRNummer, Required: true},
		{Name: "kundennummer", Out: "kunde_token", Type: Kundennummer},
		{Name: "status", Out: "status", Type: Code, Required: true, Codes: pipeline.ResidenceStatuses},
		{Name: "rechtsgrundlage", Out: "rechtsgrundlage", Type: Text},
		{Name: "gueltigAb", Out: "gueltig_ab", Type: ISODate, Required: true},
		{Name: "gueltigBis", Out: "gueltig_bis", Type: ISODate},
		{Name: "wohnsitzauflage", Out: "wohnsitzauflage", Type: Form, Valid: func(s string) bool { return len(s) == 8 && digits(s) }},
		{Name: "erwerbstaetigkeit", Out: "erwerbstaetigkeit", Type: Code, Required: true, Codes: pipeline.WorkPermissions},
	},
	Rules: []Rule{notBefore("gueltigBis", "gueltigAb", "gültig bis vor gültig ab")},
}
