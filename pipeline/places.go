package pipeline

// Kreis keys of the two districts the Integration Point serves.
const (
	KreisSiegenWittgenstein = "05970"
	KreisOlpe               = "05966"
)

// Municipality is one of the 18 Gemeinden of the two districts.
type Municipality struct {
	AGS        string // 8-digit Amtlicher Gemeindeschlüssel
	Name       string
	Kreis      string
	Population int // inhabitants (IT.NRW; SiWi 31.12.2019, Olpe 30.06.2023; domain.md §6)
}

// Municipalities lists the 18 Gemeinden in AGS order.
var Municipalities = []Municipality{
	{"05966004", "Attendorn", KreisOlpe, 24395},
	{"05966008", "Drolshagen", KreisOlpe, 11732},
	{"05966012", "Finnentrop", KreisOlpe, 16877},
	{"05966016", "Kirchhundem", KreisOlpe, 11489},
	{"05966020", "Lennestadt", KreisOlpe, 25279},
	{"05966024", "Olpe", KreisOlpe, 25036},
	{"05966028", "Wenden", KreisOlpe, 19580},
	{"05970004", "Bad Berleburg", KreisSiegenWittgenstein, 18914},
	{"05970008", "Burbach", KreisSiegenWittgenstein, 14856},
	{"05970012", "Erndtebrück", KreisSiegenWittgenstein, 6934},
	{"05970016", "Freudenberg", KreisSiegenWittgenstein, 17711},
	{"05970020", "Hilchenbach", KreisSiegenWittgenstein, 14801},
	{"05970024", "Kreuztal", KreisSiegenWittgenstein, 31122},
	{"05970028", "Bad Laasphe", KreisSiegenWittgenstein, 13504},
	{"05970032", "Netphen", KreisSiegenWittgenstein, 23081},
	{"05970036", "Neunkirchen", KreisSiegenWittgenstein, 13165},
	{"05970040", "Siegen", KreisSiegenWittgenstein, 102770},
	{"05970044", "Wilnsdorf", KreisSiegenWittgenstein, 20086},
}

// Kreise lists the district keys in order.
var Kreise = []string{KreisOlpe, KreisSiegenWittgenstein}

// KreisName returns the German name of a district.
func KreisName(kreis string) string {
	switch kreis {
	case KreisSiegenWittgenstein:
		return "Siegen-Wittgenstein"
	case KreisOlpe:
		return "Olpe"
	}
	return ""
}

// MunicipalityByAGS returns the municipality with the given key.
func MunicipalityByAGS(ags string) (Municipality, bool) {
	for _, m := range Municipalities {
		if m.AGS == ags {
			return m, true
		}
	}
	return Municipality{}, false
}

// DaysInMonth returns the number of days of month m (1-12) of year y (Gregorian).
func DaysInMonth(y, m int) int {
	switch m {
	case 4, 6, 9, 11:
		return 30
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	}
	return 31
}
