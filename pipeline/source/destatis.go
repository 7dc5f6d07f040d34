package source

import (
	"regexp"

	"ipoint/pipeline"
	"ipoint/pipeline/read"
)

// Destatis is the official statistics of protection seekers (sources.md §7): the
// Statistisches Bundesamt's table 12531-0043 as GENESIS delivers it, the lines of the
// two Kreise; yearly, Stichtag 31.12.; an aggregate without personal data, the official
// denominator of coverage beside the integration centre's monthly count.
var Destatis = &Export{
	Name:     "destatis_12531",
	Title:    "Schutzsuchende nach Kreisen (Statistisches Bundesamt, Tabelle 12531-0043)",
	Pattern:  regexp.MustCompile(`^destatis_12531_(?P<date>\d{8})\.csv$`),
	Yearly:   true,
	Format:   Genesis,
	Encoding: read.UTF8BOM,
	Order:    6,
	Genesis: &GenesisTable{Statistic: "12531", Label: "Statistik über Schutzsuchende", Table: "12531-0043",
		Variables: []string{"KREISE", "SCHST2", "GES", "STAAG5"}, Value: "BEV030"},
	AggregateKreis: "KREISE",
	Columns: []Column{
		// Each dimension: the attribute's code, and its label (kept only for the
		// nationality, whose codes are GENESIS' own; the others' names are the
		// warehouse's).
		{Name: "KREISE", Out: "kreis", Type: Code, Required: true, Codes: pipeline.Kreise},
		{Name: "KREISE_label", Type: Text},
		{Name: "SCHST2", Out: "schutzstatus", Type: Code, Required: true, Codes: pipeline.ProtectionStatusCodes()},
		{Name: "SCHST2_label", Type: Text},
		{Name: "GES", Out: "geschlecht", Type: Code, Required: true, Codes: []string{"GESM", "GESW"}},
		{Name: "GES_label", Type: Text},
		{Name: "STAAG5", Out: "staatsangehoerigkeit", Type: Form, Required: true, Valid: genesisNationality.MatchString},
		{Name: "STAAG5_label", Out: "staatsangehoerigkeit_name", Type: Text},
		// Rounded by Destatis to a multiple of 5; "-" nothing, "." unknown or secret.
		{Name: "value", Out: "anzahl", Type: Count, Required: true},
	},
}

// genesisNationality is a code of GENESIS' list of nationalities (STAAG5): ST and three
// digits, or a few capitals for the special cases (UNK ungeklärt, OA ohne Angabe).
var genesisNationality = regexp.MustCompile(`^(ST\d{3}|[A-Z]{2,8})$`)
