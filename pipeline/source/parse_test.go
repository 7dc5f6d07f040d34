package source

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestEpochDayMatchesTime(t *testing.T) {
	for y := 1900; y <= 2199; y++ {
		for m := 1; m <= 12; m++ {
			for d := 1; d <= 31; d++ {
				want := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Unix() / 86400
				if time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Day() != d {
					continue
				}
				if got := epochDay(y, m, d); got != want {
					t.Fatalf("%d-%d-%d: %d, want %d", y, m, d, got, want)
				}
			}
		}
	}
}

func TestDecimalMatchesParseFloat(t *testing.T) {
	for w := 0; w < 500; w++ {
		for f := 0; f < 1000; f++ {
			for _, fs := range []string{strconv.Itoa(f), "0" + strconv.Itoa(f), strconv.Itoa(f) + "7"} {
				s := strconv.Itoa(w) + "," + fs
				got, ok := decimalComma(s)
				want, _ := strconv.ParseFloat(strconv.Itoa(w)+"."+fs, 64)
				if !ok || got != want {
					t.Fatalf("%s: %v, want %v", s, got, want)
				}
			}
		}
	}
	for _, s := range []string{"123456789,123456", "999999999,999999", "1,00000000000001", "0,1", "37,5", "40"} {
		got, _ := decimalComma(s)
		w, fr, _ := cut(s, ',')
		want, _ := strconv.ParseFloat(w+"."+fr, 64)
		if fr == "" {
			want, _ = strconv.ParseFloat(w, 64)
		}
		if got != want {
			t.Fatalf("%s: %v, want %v", s, got, want)
		}
	}
}

// TestTrimSpace: the shortcut trims exactly as strings.TrimSpace does, ASCII and
// Unicode white space alike.
func TestTrimSpace(t *testing.T) {
	for _, s := range []string{"", "a", " a", "a ", "\ta\r", "\u00a0a", "a\u00a0", "\u3000a\u2029", "ä", "äb ä", "\x85", "a\u0085", "~", "\x7f a \x7f", "\v", " "} {
		if got, want := trimSpace(s), strings.TrimSpace(s); got != want {
			t.Errorf("trimSpace(%q) = %q, strings.TrimSpace %q", s, got, want)
		}
	}
}
