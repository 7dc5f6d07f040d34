package source

import (
	"ipoint/pipeline"
	"strconv"
)

// Parsers of the contract's formats. They take the text as delivered and never
// allocate on the happy path.

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func atoi2(s string) int { return int(s[0]-'0')*10 + int(s[1]-'0') }
func atoi4(s string) int { return atoi2(s)*100 + atoi2(s[2:]) }

// epochDay returns the days since 1970-01-01 of a valid calendar date (proleptic
// Gregorian, by the civil-days formula; time.Date did the same at four times the cost).
func epochDay(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400 // years from 1900 on: never negative
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era*146097+doe) - 719468
}

// germanDate parses TT.MM.JJJJ.
func germanDate(s string) (int64, bool) {
	if len(s) != 10 || s[2] != '.' || s[5] != '.' || !digits(s[:2]) || !digits(s[3:5]) || !digits(s[6:]) {
		return 0, false
	}
	d, m, y := atoi2(s), atoi2(s[3:]), atoi4(s[6:])
	if y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 || d > pipeline.DaysInMonth(y, m) {
		return 0, false
	}
	return epochDay(y, m, d), true
}

// isoDate parses JJJJ-MM-TT.
func isoDate(s string) (int64, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s[:4]) || !digits(s[5:7]) || !digits(s[8:]) {
		return 0, false
	}
	y, m, d := atoi4(s), atoi2(s[5:]), atoi2(s[8:])
	if y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 || d > pipeline.DaysInMonth(y, m) {
		return 0, false
	}
	return epochDay(y, m, d), true
}

// birthYear parses TT.MM.JJJJ where 00.MM.JJJJ and 00.00.JJJJ are valid (only the month,
// or only the year, is known) and returns the year alone.
func birthYear(s string) (int64, bool) {
	if len(s) != 10 || s[2] != '.' || s[5] != '.' || !digits(s[:2]) || !digits(s[3:5]) || !digits(s[6:]) {
		return 0, false
	}
	d, m, y := atoi2(s), atoi2(s[3:]), atoi4(s[6:])
	switch {
	case y < 1900 || y > 2199 || m > 12:
		return 0, false
	case m == 0 && d != 0: // a day without a month
		return 0, false
	case d > 0 && d > pipeline.DaysInMonth(y, m):
		return 0, false
	}
	return int64(y), true
}

// decimalComma parses 37,5 (no thousands separator).
func decimalComma(s string) (float64, bool) {
	whole, frac, hasFrac := cut(s, ',')
	if !digits(whole) || (hasFrac && !digits(frac)) || len(whole) > 9 {
		return 0, false
	}
	if len(whole)+len(frac) <= 15 {
		// Both the digits as an integer and the power of ten are exact in a float64,
		// so their quotient is the correctly rounded value, as ParseFloat's is.
		return float64(atoiDigits(whole)*pow10[len(frac)]+atoiDigits(frac)) / float64(pow10[len(frac)]), true
	}
	f, err := strconv.ParseFloat(whole+"."+frac, 64)
	if !hasFrac {
		f, err = strconv.ParseFloat(whole, 64)
	}
	return f, err == nil
}

var pow10 = [...]int64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// atoiDigits returns the value of at most 18 decimal digits.
func atoiDigits(s string) int64 {
	var n int64
	for i := 0; i < len(s); i++ {
		n = n*10 + int64(s[i]-'0')
	}
	return n
}

// money parses 2150,00 or 2.150,00 (thousands dots in groups of three) in euros; dots
// reports whether thousands dots were used.
func money(s string) (euros float64, dots, ok bool) {
	whole, frac, hasFrac := cut(s, ',')
	if hasFrac && (len(frac) == 0 || len(frac) > 2 || !digits(frac)) {
		return 0, false, false
	}
	plain := whole
	for i := 0; i < len(whole); i++ {
		if whole[i] == '.' {
			dots = true
			break
		}
	}
	if dots {
		b := make([]byte, 0, len(whole))
		groups := splitDots(whole)
		for i, g := range groups {
			if !digits(g) || (i == 0 && (len(g) < 1 || len(g) > 3)) || (i > 0 && len(g) != 3) {
				return 0, false, false
			}
			b = append(b, g...)
		}
		plain = string(b)
	}
	if !digits(plain) || len(plain) > 9 {
		return 0, false, false
	}
	v := float64(atoiDigits(plain)) // at most 9 digits: exact, as ParseFloat gave it
	if hasFrac {
		c := int(atoiDigits(frac))
		if len(frac) == 1 {
			c *= 10
		}
		v += float64(c) / 100
	}
	return v, dots, true
}

func splitDots(s string) []string {
	var out []string
	for {
		a, b, ok := cut(s, '.')
		out = append(out, a)
		if !ok {
			return out
		}
		s = b
	}
}

func cut(s string, sep byte) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == sep {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func upper(c byte) bool { return c >= 'A' && c <= 'Z' }

// IsKundennummer reports whether s has the form of a Kundennummer (sources.md): 3 digits,
// a capital letter, 6 digits.
func IsKundennummer(s string) bool { return isKundennummer(s) }

// Identifier forms (sources.md "Identifiers").
func isKundennummer(s string) bool {
	return len(s) == 10 && digits(s[:3]) && upper(s[3]) && digits(s[4:])
}
func isBGNummer(s string) bool {
	return len(s) == 14 && digits(s[:5]) && s[5:7] == "BG" && digits(s[7:])
}
func isAZRNummer(s string) bool      { return len(s) == 12 && digits(s) }
func isBetriebsnummer(s string) bool { return len(s) == 8 && digits(s) }

// isAufnahmeID checks AU-JJJJ-NNNNNN.
func isAufnahmeID(s string) bool {
	return len(s) == 14 && s[:3] == "AU-" && digits(s[3:7]) && s[7] == '-' && digits(s[8:])
}

// isWZ2008 checks NN.NN or NN.
func isWZ2008(s string) bool {
	return (len(s) == 2 && digits(s)) || (len(s) == 5 && digits(s[:2]) && s[2] == '.' && digits(s[3:]))
}
