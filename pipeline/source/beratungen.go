package source

import (
	"regexp"

	"ipoint/pipeline"
)

// Beratungen are the consultations of the appointment system (sources.md §5): monthly,
// JSON Lines.
var Beratungen = &Export{
	Name:    "beratungen",
	Title:   "Beratungen (Terminverwaltung)",
	Pattern: regexp.MustCompile(`^beratungen_(?P<date>\d{6})\.jsonl$`),
	Monthly: true,
	Format:  JSONL,
	Order:   4,
	Columns: []Column{
		{Name: "id", Out: "beratung_id", Type: RecordID, Required: true},
		{Name: "datum", Out: "datum", Type: ISODate, Required: true},
		{Name: "kreis", Out: "kreis", Type: Code, Required: true, Codes: pipeline.Kreise},
		{Name: "zielgruppe", Out: "zielgruppe", Type: Code, Required: true, Codes: pipeline.TargetGroups},
		{Name: "thema", Out: "thema", Type: Code, Required: true, Codes: pipeline.Topics},
		{Name: "kanal", Out: "kanal", Type: Code, Required: true, Codes: pipeline.Channels},
		{Name: "dauer_min", Out: "dauer_min", Type: Integer, Required: true},
		{Name: "kundennummer", Out: "kunde_token", Type: Kundennummer},
		{Name: "betriebsnummer", Out: "betrieb_token", Type: Betriebsnummer},
	},
	Rules: []Rule{consultationParties},
}

// consultationParties: a Kundennummer only for refugees (and always for them), a
// Betriebsnummer only for employers.
func consultationParties(r *RowContext) *pipeline.Finding {
	group := r.Raw("zielgruppe")
	switch {
	case group == "GEFLUECHTETE" && r.Raw("kundennummer") == "":
		return r.Finding("kundennummer", KindMissingValue, true, "Beratung Geflüchteter ohne Kundennummer")
	case group != "GEFLUECHTETE" && r.Raw("kundennummer") != "":
		return r.Finding("kundennummer", KindInconsistent, true, "Kundennummer nur bei Geflüchteten")
	case group != "ARBEITGEBER" && r.Raw("betriebsnummer") != "":
		return r.Finding("betriebsnummer", KindInconsistent, true, "Betriebsnummer nur bei Arbeitgebern")
	}
	if d := r.Value("dauer_min"); d.I <= 0 || d.I > 600 {
		return r.Finding("dauer_min", KindInvalidNumber, true, "Dauer außerhalb von 1 bis 600 Minuten")
	}
	return nil
}
