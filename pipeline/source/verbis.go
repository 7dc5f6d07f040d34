package source

import (
	"regexp"

	"ipoint/pipeline"
	"ipoint/pipeline/read"
)

// Verbis is the client master (sources.md §1): a daily full snapshot.
var Verbis = &Export{
	Name:     "verbis_kunden",
	Title:    "Kundenbestand (VerBIS)",
	Pattern:  regexp.MustCompile(`^verbis_kunden_(?P<date>\d{8})\.csv$`),
	Snapshot: true,
	Format:   CSV,
	Encoding: read.Windows1252,
	Order:    0,
	Columns: []Column{
		{Name: "Kundennummer", Out: "kunde_token", Type: Kundennummer, Required: true, Key: true},
		{Name: "BG_Nummer", Out: "bg_token", Type: BGNummer},
		{Name: "Nachname", Type: Drop},
		{Name: "Vorname", Type: Drop},
		{Name: "Geburtsdatum", Out: "geburtsjahr", Type: BirthDate, Required: true},
		{Name: "Geschlecht", Out: "geschlecht", Type: Code, Required: true, Codes: pipeline.Sexes},
		{Name: "Staatsangehoerigkeit", Out: "staatsangehoerigkeit", Type: Code, Required: true, Codes: nationalities},
		{Name: "Aufenthaltsstatus", Out: "aufenthaltsstatus", Type: Code, Required: true, Codes: pipeline.ResidenceStatuses},
		{Name: "Rechtskreis", Out: "rechtskreis", Type: Code, Required: true, Codes: pipeline.Rechtskreise},
		{Name: "Kreis", Out: "kreis", Type: Code, Required: true, Codes: pipeline.Kreise},
		{Name: "Gemeinde", Out: "gemeinde", Type: Code, Required: true, Codes: agsCodes()},
		{Name: "Einreise", Out: "einreise", Type: Date},
		{Name: "Zugang_IP", Out: "zugang_ip", Type: Date, Required: true},
		{Name: "Abgang_IP", Out: "abgang_ip", Type: Date},
		{Name: "Abgangsgrund", Out: "abgangsgrund", Type: Code, Codes: pipeline.ExitReasons},
		{Name: "Foerderbedarf", Out: "foerderbedarf", Type: YesNo, Required: true},
		{Name: "Schulabschluss", Out: "schulabschluss", Type: Code, Codes: pipeline.SchoolLevels},
		{Name: "Berufsabschluss", Out: "berufsabschluss", Type: Code, Codes: pipeline.VocationalLevel},
		{Name: "Sprachniveau", Out: "sprachniveau", Type: Code, Codes: pipeline.GermanLevels},
		{Name: "Zielniveau", Out: "zielniveau", Type: Code, Codes: pipeline.TargetLevels},
		{Name: "Status", Out: "status", Type: Code, Required: true, Codes: pipeline.ClientStatuses},
	},
	Rules: []Rule{gemeindeInKreis("Gemeinde", "Kreis"), exitAfterEntry, exitReason},
}

func agsCodes() []string {
	var out []string
	for _, m := range pipeline.Municipalities {
		out = append(out, m.AGS)
	}
	return out
}

// gemeindeInKreis: the municipality must belong to the row's Kreis.
func gemeindeInKreis(gemeinde, kreis string) Rule {
	return func(r *RowContext) *pipeline.Finding {
		m, ok := pipeline.MunicipalityByAGS(r.Raw(gemeinde))
		if ok && m.Kreis != r.Raw(kreis) {
			return r.Finding(gemeinde, KindOutsideKreis, true, "Gemeinde "+m.Name+" liegt nicht im Kreis "+r.Shown(kreis))
		}
		return nil
	}
}

// exitAfterEntry: Abgang_IP not before Zugang_IP.
func exitAfterEntry(r *RowContext) *pipeline.Finding {
	a := r.Value("Abgang_IP")
	if !a.Null && a.I < r.Value("Zugang_IP").I {
		return r.Finding("Abgang_IP", KindInconsistent, true, "Abgang vor dem Zugang")
	}
	return nil
}

// exitReason: Abgangsgrund belongs to an exit. Missing with an exit, the row is kept
// and the reason recorded as unknown; present without an exit, the row is rejected.
func exitReason(r *RowContext) *pipeline.Finding {
	exited, reason := !r.Value("Abgang_IP").Null, r.Raw("Abgangsgrund")
	switch {
	case exited && reason == "":
		r.Set("Abgangsgrund", pipeline.Value{S: pipeline.ExitReasonUnknown})
		return r.Finding("Abgangsgrund", KindMissingReason, false, "Abgang ohne Abgangsgrund: als unbekannt gezählt")
	case !exited && reason != "":
		return r.Finding("Abgangsgrund", KindInconsistent, true, "Abgangsgrund ohne Abgang_IP")
	}
	return nil
}
