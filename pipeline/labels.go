package pipeline

// German labels of the contract's codes (sources.md), for the warehouse's code table
// (dim_code) and the data dictionary. A label is found by the export and the lake
// column that carry the code ("verbis_kunden.status"), or, for a column whose codes
// mean the same in every export, by the column alone ("kreis"). Nationalities are ISO
// 3166-1 alpha-3 codes and carry no label here; Kreise and Gemeinden have their own
// tables (dim_kreis, dim_gemeinde) and their names come from Municipalities.
var codeLabels = map[string]map[string]string{
	"geschlecht":            {"m": "männlich", "w": "weiblich", "d": "divers", "o": "ohne Angabe"},
	"aufenthaltsstatus":     residenceLabels,
	"abh_aufenthalt.status": residenceLabels,
	"rechtskreis":           {"SGB2": "Grundsicherung für Arbeitsuchende (SGB II)", "SGB3": "Arbeitsförderung (SGB III)"},
	"abgangsgrund": {
		"INT": "Arbeit oder Ausbildung", "UEBERG": "Übergabe an die Regelbetreuung", "LEIST": "Ende des Leistungsbezugs",
		"MITW": "fehlende Mitwirkung", "UMZ": "Umzug", "EINB": "Einbürgerung", "RUECK": "Rückkehr",
		"SONST": "sonstige Gründe", ExitReasonUnknown: "Grund unbekannt",
	},
	"schulabschluss": {
		"KEIN": "kein Schulabschluss", "GRUND": "Grundschule", "HAUPT": "Hauptschulabschluss",
		"MITTL": "mittlerer Schulabschluss", "ABI": "Abitur oder Fachhochschulreife",
	},
	"berufsabschluss": {
		"KEIN": "kein Berufsabschluss", "AUSL_NA": "ausländischer Abschluss, nicht anerkannt",
		"AUSL_A": "ausländischer Abschluss, anerkannt", "DE": "deutscher Berufsabschluss", "AKAD": "akademischer Abschluss",
	},
	"sprachniveau": germanLevelLabels,
	"zielniveau": {
		"HELFER": "Helfertätigkeit", "FACHKRAFT": "fachlich ausgerichtete Tätigkeit",
		"SPEZIALIST": "komplexe Spezialistentätigkeit", "EXPERTE": "hoch komplexe Tätigkeit",
	},
	"verbis_kunden.status": {
		"AL": "arbeitslos", "AS": "arbeitsuchend, nicht arbeitslos", "MASSN": "in einer Maßnahme",
		"IK": "im Integrationskurs", "ERW": "erwerbstätig", "NA": "nicht verfügbar (Elternzeit, Krankheit)",
	},
	"art": {
		"SVB_VZ": "sozialversicherungspflichtig, Vollzeit", "SVB_TZ": "sozialversicherungspflichtig, Teilzeit",
		"AUSB": "Ausbildung", "SELBST": "selbständig", "MINI": "Minijob", "PRAK": "Praktikum", "EQ": "Einstiegsqualifizierung",
	},
	"massnahmeart": {
		"IK": "Integrationskurs", "IK_ALPHA": "Integrationskurs mit Alphabetisierung", "IK_JUGEND": "Jugendintegrationskurs",
		"BSK": "Berufssprachkurs (DeuFöV)", "MAT": "Maßnahme zur Aktivierung bei einem Träger (§ 45 SGB III)",
		"MAG": "Maßnahme zur Aktivierung bei einem Arbeitgeber (§ 45 SGB III)", "FBW": "berufliche Weiterbildung",
		"EQ": "Einstiegsqualifizierung", "ANERK": "Anerkennungsberatung",
	},
	"massnahmen.status": {"GEPLANT": "geplant", "LAUFEND": "laufend", "BEENDET": "beendet", "ABGEBROCHEN": "abgebrochen"},
	"ergebnis": {
		"B1": "Sprachprüfung B1 bestanden", "A2": "A2 erreicht (B1 nicht bestanden)", "UNTER_A2": "unter A2",
		"KEIN_TEST": "ohne Abschlussprüfung", "B2": "Sprachprüfung B2 bestanden", "C1": "Sprachprüfung C1 bestanden",
		"NICHT_BESTANDEN": "Prüfung nicht bestanden",
	},
	"erwerbstaetigkeit": {"ERLAUBT": "Erwerbstätigkeit erlaubt", "ZUSTIMMUNG": "mit Zustimmung der Ausländerbehörde", "VERBOTEN": "nicht erlaubt"},
	"zielgruppe":        {"GEFLUECHTETE": "Geflüchtete", "EHRENAMT": "Ehrenamtliche", "ARBEITGEBER": "Arbeitgeber"},
	"thema": {
		"ARBEIT": "Arbeit", "AUSBILDUNG": "Ausbildung", "PRAKTIKUM": "Praktikum", "SPRACHE": "Sprache",
		"ANERKENNUNG": "Anerkennung von Abschlüssen", "RECHT": "Aufenthalts- und Arbeitsrecht",
		"EINSTELLUNG": "Einstellung von Geflüchteten", "FOERDERUNG": "Förderung",
	},
	"kanal": {"PERSOENLICH": "persönlich", "TELEFON": "telefonisch", "VIDEO": "per Video"},
	"statusgruppe": {
		GroupAsyl: "Asylverfahren läuft (Gestattung)", GroupDuldung: "Duldung", GroupSchutz: "Schutz anerkannt",
		GroupUkraine: "Schutz nach § 24 AufenthG (Ukraine)", GroupSonstige: "sonstiger Aufenthalt",
	},
	// the official statistics (destatis_12531)
	"destatis_12531.geschlecht": {"GESM": "männlich", "GESW": "weiblich"},
	"schutzstatus":              protectionStatusLabels(),
}

var residenceLabels = map[string]string{
	"GEST": "Aufenthaltsgestattung (Asylverfahren, § 55 AsylG)", "DUL": "Duldung (§ 60a AufenthG)",
	"DUL_A": "Ausbildungsduldung (§ 60c AufenthG)", "DUL_B": "Beschäftigungsduldung (§ 60d AufenthG)",
	"AE25_1": "Asyl (§ 25 Abs. 1 AufenthG)", "AE25_2": "Flüchtlingsschutz oder subsidiärer Schutz (§ 25 Abs. 2 AufenthG)",
	"AE25_3": "Abschiebungsverbot (§ 25 Abs. 3 AufenthG)", "AE24": "vorübergehender Schutz (§ 24 AufenthG)",
	"FIKT": "Fiktionsbescheinigung (vorheriger Status gilt fort)", "NE": "Niederlassungserlaubnis",
	"EINB": "eingebürgert", "SONST": "sonstiger Aufenthaltstitel",
}

var germanLevelLabels = map[string]string{
	"A0": "keine Deutschkenntnisse", "A1": "A1 (Anfänger)", "A2": "A2 (Grundlagen)", "B1": "B1 (selbständig)",
	"B2": "B2 (fortgeschritten)", "C1": "C1 (fachkundig)", "C2": "C2 (annähernd muttersprachlich)",
}

// CodeLabel returns the German label of a code in an export's column, and whether the
// contract gives one.
func CodeLabel(export, column, code string) (string, bool) {
	m, ok := codeLabels[export+"."+column]
	if !ok {
		m = codeLabels[column]
	}
	s, ok := m[code]
	return s, ok
}

// protectionStatusLabels are the official statistics' categories (schutzstatus.go).
func protectionStatusLabels() map[string]string {
	out := map[string]string{}
	for _, s := range ProtectionStatuses {
		out[s.Code] = s.Label
	}
	return out
}
