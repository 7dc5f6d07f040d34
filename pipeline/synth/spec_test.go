package synth_test

// The contract of docs/sources.md (the project's copy of /work/shared/sources.md, with
// the exit reasons of issue 17) and docs/synthetic-data.md, written down
// independently of the generator: code lists, identifier forms, places, file names,
// dates and the NRW calendar.

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ---- code lists (sources.md) ----

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

var (
	codesAufenthaltsstatus = set("GEST DUL DUL_A DUL_B AE25_1 AE25_2 AE25_3 AE24 FIKT NE EINB SONST")
	codesGeschlecht        = set("m w d o")
	codesRechtskreis       = set("SGB2 SGB3")
	codesKreis             = set("05970 05966")
	codesAbgangsgrund      = set("INT UEBERG LEIST UMZ EINB RUECK MITW SONST")
	codesJN                = set("J N")
	codesSchulabschluss    = set("KEIN GRUND HAUPT MITTL ABI")
	codesBerufsabschluss   = set("KEIN AUSL_NA AUSL_A DE AKAD")
	codesSprachniveau      = set("A0 A1 A2 B1 B2 C1 C2")
	codesZielniveau        = set("HELFER FACHKRAFT SPEZIALIST EXPERTE")
	codesKundenStatus      = set("AL AS MASSN IK ERW NA")
	codesArt               = set("SVB_VZ SVB_TZ AUSB SELBST MINI PRAK EQ")
	codesMassnahmeart      = set("IK IK_ALPHA IK_JUGEND BSK MAT MAG FBW EQ ANERK")
	codesTeilnahmeStatus   = set("GEPLANT LAUFEND BEENDET ABGEBROCHEN")
	codesErgebnisIK        = set("B1 A2 UNTER_A2 KEIN_TEST")
	codesErgebnisBSK       = set("B1 B2 C1 NICHT_BESTANDEN")
	codesErwerb            = set("ERLAUBT ZUSTIMMUNG VERBOTEN")
	codesZielgruppe        = set("GEFLUECHTETE EHRENAMT ARBEITGEBER")
	codesThema             = set("ARBEIT AUSBILDUNG PRAKTIKUM SPRACHE ANERKENNUNG RECHT EINSTELLUNG FOERDERUNG")
	codesKanal             = set("PERSOENLICH TELEFON VIDEO")
	codesStatusgruppe      = set("Asyl Duldung Schutz Ukraine Sonstige")
)

// ergebnisCodes is the Ergebnis code list of one Massnahmeart (empty: no result allowed).
func ergebnisCodes(art string) map[string]bool {
	switch art {
	case "IK", "IK_ALPHA", "IK_JUGEND":
		return codesErgebnisIK
	case "BSK":
		return codesErgebnisBSK
	}
	return map[string]bool{}
}

// ISO 3166-1 alpha-3 (current, officially assigned) plus XXA stateless, XXX unknown.
var codesNation = set(`ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN
BES BFA BGD BGR BHR BHS BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN CCK CHE CHL CHN CIV
CMR COD COG COK COL COM CPV CRI CUB CUW CXR CYM CYP CZE DEU DJI DMA DNK DOM DZA ECU EGY ERI ESH ESP
EST ETH FIN FJI FLK FRA FRO FSM GAB GBR GEO GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL GTM GUF GUM
GUY HKG HMD HND HRV HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA JAM JEY JOR JPN KAZ KEN KGZ KHM
KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAC MAF MAR MCO MDA MDG MDV MEX MHL MKD
MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM NCL NER NFK NGA NIC NIU NLD NOR NPL NRU
NZL OMN PAK PAN PCN PER PHL PLW PNG POL PRI PRK PRT PRY PSE PYF QAT REU ROU RUS RWA SAU SDN SEN SGP
SGS SHN SJM SLB SLE SLV SMR SOM SPM SRB SSD STP SUR SVK SVN SWE SWZ SXM SYC SYR TCA TCD TGO THA TJK
TKL TKM TLS TON TTO TUN TUR TUV TWN TZA UGA UKR UMI URY USA UZB VAT VCT VEN VGB VIR VNM VUT WLF WSM
YEM ZAF ZMB ZWE XXA XXX`)

// ---- places ----

// agsTable: AGS -> Gemeinde name (UTF-8 here; files carry it in their encoding).
var agsTable = map[string]string{
	"05970004": "Bad Berleburg", "05970008": "Burbach", "05970012": "Erndtebrück",
	"05970016": "Freudenberg", "05970020": "Hilchenbach", "05970024": "Kreuztal",
	"05970028": "Bad Laasphe", "05970032": "Netphen", "05970036": "Neunkirchen",
	"05970040": "Siegen", "05970044": "Wilnsdorf",
	"05966004": "Attendorn", "05966008": "Drolshagen", "05966012": "Finnentrop",
	"05966016": "Kirchhundem", "05966020": "Lennestadt", "05966024": "Olpe",
	"05966028": "Wenden",
}

// agsKreis is the Kreis an AGS belongs to (its first five digits).
func agsKreis(ags string) string {
	if len(ags) < 5 {
		return ""
	}
	return ags[:5]
}

// ---- identifiers ----

var (
	reKundennummerAny = regexp.MustCompile(`^\d{3}[A-Z]\d{6}$`)
	reKundennummer    = regexp.MustCompile(`^9\d{2}[A-Z]\d{6}$`) // synthetic ones
	reBG              = regexp.MustCompile(`^\d{5}BG\d{7}$`)
	reAZR             = regexp.MustCompile(`^\d{12}$`)
	reBetriebsnummer  = regexp.MustCompile(`^\d{8}$`)
	reAufnahmeID      = regexp.MustCompile(`^AU-\d{4}-\d{6}$`)
	reAGS             = regexp.MustCompile(`^\d{8}$`)
	reMeldungID       = regexp.MustCompile(`^ABH-(\d{5})-\d{4}-\d+$`)
	reMeldungID6      = regexp.MustCompile(`^ABH-\d{5}-\d{4}-\d{6}$`) // the form sources.md shows
	reBeratungID      = regexp.MustCompile(`^B-(\d{4})-(\d{2})-\d{6}$`)
	reWZ2008          = regexp.MustCompile(`^\d{2}(\.\d{2})?$`)
	reDecimal         = regexp.MustCompile(`^\d+(,\d+)?$`)
	reThousands       = regexp.MustCompile(`^\d{1,3}(\.\d{3})+(,\d+)?$`)
	reDateDE          = regexp.MustCompile(`^(\d{2})\.(\d{2})\.(\d{4})$`)
	reDateISO         = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)
)

// kundennummerDefect says what is wrong with a Kundennummer ("" = fine).
func kundennummerDefect(v string) string {
	switch {
	case reKundennummer.MatchString(v):
		return ""
	case reKundennummerAny.MatchString(v):
		return "!non_synthetic_kundennummer" // well-formed but not a synthetic (9..) number
	}
	return "bad_identifier"
}

// ---- dates ----

func mkDate(y, m, d int) (time.Time, bool) {
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t, y >= 1900 && y <= 2100 && t.Year() == y && int(t.Month()) == m && t.Day() == d
}

// parseDE parses TT.MM.JJJJ; partialBirth admits 00.00.JJJJ and 00.MM.JJJJ.
func parseDE(s string, partialBirth bool) (time.Time, bool) {
	m := reDateDE.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false
	}
	d, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	y, _ := strconv.Atoi(m[3])
	if partialBirth && d == 0 {
		if mo == 0 {
			return mkDate(y, 1, 1)
		}
		if mo >= 1 && mo <= 12 {
			return mkDate(y, mo, 1)
		}
		return time.Time{}, false
	}
	return mkDate(y, mo, d)
}

func parseISO(s string) (time.Time, bool) {
	m := reDateISO.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	return mkDate(y, mo, d)
}

func ymd(t time.Time) string { return t.Format("2006-01-02") }

func lastOfMonth(y int, m time.Month) time.Time {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC)
}

// ---- NRW public holidays ----

func easter(y int) time.Time { // anonymous Gregorian algorithm
	a, b, c := y%19, y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(y, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

func isHolidayNRW(t time.Time) bool {
	y := t.Year()
	e := easter(y)
	days := []time.Time{
		time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC),
		e.AddDate(0, 0, -2), e.AddDate(0, 0, 1), e.AddDate(0, 0, 39), e.AddDate(0, 0, 50), e.AddDate(0, 0, 60),
		time.Date(y, 5, 1, 0, 0, 0, 0, time.UTC),
		time.Date(y, 10, 3, 0, 0, 0, 0, time.UTC),
		time.Date(y, 11, 1, 0, 0, 0, 0, time.UTC),
		time.Date(y, 12, 25, 0, 0, 0, 0, time.UTC),
		time.Date(y, 12, 26, 0, 0, 0, 0, time.UTC),
	}
	for _, d := range days {
		if d.Equal(t) {
			return true
		}
	}
	return false
}

func isQuietDay(t time.Time) bool {
	return t.Weekday() == time.Saturday || t.Weekday() == time.Sunday || isHolidayNRW(t)
}

// workdayAfter is the n-th NRW workday after d.
func workdayAfter(d time.Time, n int) time.Time {
	for k := 0; k < n; {
		d = d.AddDate(0, 0, 1)
		if !isQuietDay(d) {
			k++
		}
	}
	return d
}

// ---- exports, file names, headers ----

const (
	exVerbis = "verbis_kunden"
	exAufn   = "arbeitsaufnahmen"
	exMassn  = "massnahmen"
	exABH    = "abh_aufenthalt"
	exBerat  = "beratungen"
	exKI     = "ki_schutzsuchende"
	// exDestatis: export 7, the official statistics
	exDestatis = "destatis_12531"
)

var headers = map[string][]string{
	exVerbis: strings.Fields(`Kundennummer BG_Nummer Nachname Vorname Geburtsdatum Geschlecht
		Staatsangehoerigkeit Aufenthaltsstatus Rechtskreis Kreis Gemeinde Einreise Zugang_IP Abgang_IP
		Abgangsgrund Foerderbedarf Schulabschluss Berufsabschluss Sprachniveau Zielniveau Status`),
	exAufn: strings.Fields(`Aufnahme_ID Kundennummer Art Beginn Ende Wochenstunden Bruttoentgelt WZ2008
		Gefoerdert Betriebsnummer Meldedatum Storno`),
	exMassn: strings.Fields(`Teilnahme_ID Kundennummer Massnahmeart Traeger Beginn Ende_geplant
		Ende_tatsaechlich Status Ergebnis`),
	exKI: strings.Fields(`Kreis AGS Gemeinde Statusgruppe Anzahl`),
}

var jsonFields = strings.Fields(`id datum kreis zielgruppe thema kanal dauer_min kundennummer betriebsnummer`)

var reFileName = map[string]*regexp.Regexp{
	exVerbis:   regexp.MustCompile(`^verbis_kunden_(\d{8})\.csv$`),
	exAufn:     regexp.MustCompile(`^arbeitsaufnahmen_(\d{8})\.csv$`),
	exMassn:    regexp.MustCompile(`^massnahmen_(\d{8})\.xlsx$`),
	exABH:      regexp.MustCompile(`^abh_aufenthalt_(?:05970|05966)_(\d{8})\.xml$`),
	exBerat:    regexp.MustCompile(`^beratungen_(\d{6})\.jsonl$`),
	exKI:       regexp.MustCompile(`^ki_schutzsuchende_(\d{6})\.csv$`),
	exDestatis: regexp.MustCompile(`^destatis_12531_(\d{8})\.csv$`),
}

// classifyName returns the export and Stichtag of a data file name, or the
// file-level kind of a file that is not data ("partial_file", "hidden_file",
// "sidecar", "unknown_name").
func classifyName(name string) (export string, stichtag time.Time, kind string) {
	switch {
	case strings.HasPrefix(name, "."):
		return "", time.Time{}, "hidden_file"
	case strings.HasSuffix(name, ".part"), strings.HasSuffix(name, ".tmp"):
		return "", time.Time{}, "partial_file"
	case strings.HasSuffix(name, ".md5"), strings.HasSuffix(name, ".sha1"), strings.HasSuffix(name, ".sha256"):
		return "", time.Time{}, "sidecar"
	}
	for ex, re := range reFileName {
		m := re.FindStringSubmatch(name)
		if m == nil {
			continue
		}
		d := m[1]
		if len(d) == 8 {
			y, _ := strconv.Atoi(d[:4])
			mo, _ := strconv.Atoi(d[4:6])
			dd, _ := strconv.Atoi(d[6:])
			if t, ok := mkDate(y, mo, dd); ok {
				return ex, t, ""
			}
		} else {
			y, _ := strconv.Atoi(d[:4])
			mo, _ := strconv.Atoi(d[4:])
			if mo >= 1 && mo <= 12 {
				return ex, lastOfMonth(y, time.Month(mo)), ""
			}
		}
	}
	return "", time.Time{}, "unknown_name"
}

// expectedDataFiles lists the data files a window must deliver (docs: "What is
// delivered"), each with its delivery day (JJJJ-MM-TT).
func expectedDataFiles(asOf time.Time, days int) map[string]string {
	first := asOf.AddDate(0, 0, -(days - 1))
	want := map[string]string{}
	for d := first; !d.After(asOf); d = d.AddDate(0, 0, 1) {
		s := d.Format("20060102")
		for _, n := range []string{"verbis_kunden_%s.csv", "arbeitsaufnahmen_%s.csv", "massnahmen_%s.xlsx",
			"abh_aufenthalt_05970_%s.xml", "abh_aufenthalt_05966_%s.xml"} {
			want[fmt.Sprintf(n, s)] = ymd(d) // a daily export is delivered on its Stichtag
		}
		if d.Equal(lastOfMonth(d.Year(), d.Month())) {
			// docs: beratungen on the first workday after the month, ki on the third;
			// only what is delivered by the as-of date is in the inbox
			m := d.Format("200601")
			if w := workdayAfter(d, 1); !w.After(asOf) {
				want["beratungen_"+m+".jsonl"] = ymd(w)
			}
			if w := workdayAfter(d, 3); !w.After(asOf) {
				want["ki_schutzsuchende_"+m+".csv"] = ymd(w)
			}
		}
	}
	// docs: the official statistics of 31.12. of the year before each month of the window,
	// delivered on the first workday after the Stichtag, but not before the window
	for y := first.Year() - 1; y < asOf.Year(); y++ {
		d := workdayAfter(time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC), 1)
		if d.Before(first) {
			d = first
		}
		want[fmt.Sprintf("destatis_12531_%d1231.csv", y)] = ymd(d)
	}
	return want
}

// ---- dirt kinds (docs/synthetic-data.md) ----

// rowKindHandling maps each row-level dirt kind to its documented handling.
var rowKindHandling = map[string]string{
	"invalid_date":           "reject",
	"unknown_code":           "reject",
	"bad_identifier":         "reject",
	"gemeinde_outside_kreis": "reject",
	"duplicate_key":          "reject",
	"missing_abgangsgrund":   "accept",
	"truncated_row":          "reject",
	"orphan":                 "keep",
	"text_date":              "read",
	"thousands_separator":    "read",
}

var fileKindOutcome = map[string]string{
	"extra_column": "ingest", "header_only": "ingest", "empty_file": "ingest",
	"trailing_empty_rows": "ingest", "extra_sheet": "ingest",
	"missing_column": "quarantine", "wrong_header": "quarantine", "bad_encoding": "quarantine",
	"too_many_rejects": "quarantine",
	"partial_file":     "ignore", "hidden_file": "ignore", "sidecar": "ignore",
	"unknown_name": "unknown",
}

// rejects says whether a row with this (possibly pseudo) kind is rejected by the ingest.
// Pseudo kinds ("!...") are contract violations the docs know no dirt kind for; they
// count as rejects and never appear in the truth, so they always show up in the diff.
func rejects(kind string) bool {
	h, ok := rowKindHandling[kind]
	return !ok || h == "reject"
}
