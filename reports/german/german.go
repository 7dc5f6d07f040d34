// Package german formats numbers and dates the way German public administration
// writes them: thousands dot, decimal comma, TT.MM.JJJJ.
package german

import (
	"strconv"
	"strings"
	"time"
)

// Int formats n with thousands dots: 1234567 -> 1.234.567.
func Int(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Decimal formats f with the given number of decimals, a decimal comma and thousands
// dots: 1234.5 -> 1.234,5.
func Decimal(f float64, decimals int) string {
	s := strconv.FormatFloat(f, 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	n, _ := strconv.ParseInt(intPart, 10, 64)
	out := Int(n)
	if n == 0 && strings.HasPrefix(intPart, "-") {
		out = "-0"
	}
	if decimals > 0 {
		out += "," + frac
	}
	return out
}

// Date formats t as TT.MM.JJJJ.
func Date(t time.Time) string { return t.Format("02.01.2006") }

var months = []string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"}

// MonthName returns the German name of a month.
func MonthName(m time.Month) string { return months[m-1] }
