package source

import (
	"strconv"
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
