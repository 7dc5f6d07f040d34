package pipeline

// Code lists of the agencies' exports (sources.md). Each list is in the order the
// contract gives it.

// Residence status codes (Aufenthaltsstatus) and their BA status group.
var ResidenceStatuses = []string{"GEST", "DUL", "DUL_A", "DUL_B", "AE25_1", "AE25_2", "AE25_3", "AE24", "FIKT", "NE", "EINB", "SONST"}

// Status groups of the population statistics and of the residence statuses.
const (
	GroupAsyl     = "Asyl"
	GroupDuldung  = "Duldung"
	GroupSchutz   = "Schutz"
	GroupUkraine  = "Ukraine"
	GroupSonstige = "Sonstige"
)

// StatusGroups lists the groups in the order of sources.md §6.
var StatusGroups = []string{GroupAsyl, GroupDuldung, GroupSchutz, GroupUkraine, GroupSonstige}

// StatusGroup maps a residence status to its group. FIKT keeps the previous status's
// group, which the caller must supply; here it maps to "" (unknown on its own).
func StatusGroup(status string) string {
	switch status {
	case "GEST":
		return GroupAsyl
	case "DUL", "DUL_A", "DUL_B":
		return GroupDuldung
	case "AE25_1", "AE25_2", "AE25_3":
		return GroupSchutz
	case "AE24":
		return GroupUkraine
	case "NE", "EINB", "SONST":
		return GroupSonstige
	}
	return ""
}

// Codes of the client master (sources.md §1).
var (
	Sexes           = []string{"m", "w", "d", "o"}
	Rechtskreise    = []string{"SGB2", "SGB3"}
	ExitReasons     = []string{ExitWork, ExitHandover, ExitBenefits, ExitMoved, ExitNaturalised, ExitReturned, ExitNoContact, ExitOther}
	YesNo           = []string{"J", "N"}
	SchoolLevels    = []string{"KEIN", "GRUND", "HAUPT", "MITTL", "ABI"}
	VocationalLevel = []string{"KEIN", "AUSL_NA", "AUSL_A", "DE", "AKAD"}
	GermanLevels    = []string{"A0", "A1", "A2", "B1", "B2", "C1", "C2"}
	TargetLevels    = []string{"HELFER", "FACHKRAFT", "SPEZIALIST", "EXPERTE"}
	ClientStatuses  = []string{"AL", "AS", "MASSN", "IK", "ERW", "NA"}
)

// Exit reasons (Abgangsgrund, sources.md §1): the reasons a Jobcenter records when a
// client leaves the Integration Point. UEBERG, LEIST and MITW were added in issue 17;
// before, those exits were delivered as SONST. Every earlier code is still valid, so
// a lake written before holds nothing the readers would now reject.
const (
	ExitWork        = "INT"    // work or training
	ExitHandover    = "UEBERG" // handed over to the regular team of the Jobcenter or Agentur
	ExitBenefits    = "LEIST"  // benefits ended without a job start
	ExitMoved       = "UMZ"    // moved away
	ExitNaturalised = "EINB"   // naturalised
	ExitReturned    = "RUECK"  // returned to the country of origin or moved on abroad
	ExitNoContact   = "MITW"   // no longer cooperating, contact lost
	ExitOther       = "SONST"  // other reasons
)

// ExitReasonUnknown labels an exit whose Abgangsgrund the master does not carry.
const ExitReasonUnknown = "UNBEKANNT"

// Codes of the job and training starts (sources.md §2).
var StartKinds = []string{"SVB_VZ", "SVB_TZ", "AUSB", "SELBST", "MINI", "PRAK", "EQ"}

// IsIntegration reports whether a start of this kind is an integration in the sense of
// §48a SGB II (Kennzahl K2).
func IsIntegration(kind string) bool {
	switch kind {
	case "SVB_VZ", "SVB_TZ", "AUSB", "SELBST":
		return true
	}
	return false
}

// Codes of the measures and courses (sources.md §3).
var (
	MeasureKinds    = []string{"IK", "IK_ALPHA", "IK_JUGEND", "BSK", "MAT", "MAG", "FBW", "EQ", "ANERK"}
	MeasureStatuses = []string{"GEPLANT", "LAUFEND", "BEENDET", "ABGEBROCHEN"}
)

// MeasureResults returns the results allowed for a measure kind (nil: none).
func MeasureResults(kind string) []string {
	switch kind {
	case "IK", "IK_ALPHA", "IK_JUGEND":
		return []string{"B1", "A2", "UNTER_A2", "KEIN_TEST"}
	case "BSK":
		return []string{"B1", "B2", "C1", "NICHT_BESTANDEN"}
	}
	return nil
}

// Codes of the residence decisions (sources.md §4).
var WorkPermissions = []string{"ERLAUBT", "ZUSTIMMUNG", "VERBOTEN"}

// Codes of the consultations (sources.md §5).
var (
	TargetGroups = []string{"GEFLUECHTETE", "EHRENAMT", "ARBEITGEBER"}
	Topics       = []string{"ARBEIT", "AUSBILDUNG", "PRAKTIKUM", "SPRACHE", "ANERKENNUNG", "RECHT", "EINSTELLUNG", "FOERDERUNG"}
	Channels     = []string{"PERSOENLICH", "TELEFON", "VIDEO"}
)

// MainAsylumCountries are the 8 Asylherkunftsländer (ISO alpha-3).
var MainAsylumCountries = []string{"AFG", "ERI", "IRN", "IRQ", "NGA", "PAK", "SOM", "SYR"}

// OriginGroup classifies a nationality into the report's origin groups.
func OriginGroup(nat string) string {
	if nat == "UKR" {
		return "Ukraine"
	}
	for _, c := range MainAsylumCountries {
		if c == nat {
			return "8 Asylherkunftsländer"
		}
	}
	return "Sonstige"
}

// Contains reports whether list holds v.
func Contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// A file whose share of rejected rows is above QuarantineShare, with at least
// QuarantineMinRejects rejected rows, is quarantined whole: its format has probably
// changed. The minimum keeps one or two bad rows in a small daily delta from throwing
// away the rest (both are configurable in the ingest).
const (
	QuarantineShare      = 0.05
	QuarantineMinRejects = 5
)

// TooManyRejects applies the quarantine rule to a file's counts.
func TooManyRejects(rejected, rows int, share float64, minRejects int) bool {
	return rejected >= minRejects && float64(rejected) > share*float64(rows)
}
