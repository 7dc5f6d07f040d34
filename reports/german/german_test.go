package german

import (
	"testing"
	"time"
)

func TestInt(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1.000", 1234567: "1.234.567", -1234: "-1.234"} {
		if got := Int(n); got != want {
			t.Errorf("Int(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestDecimal(t *testing.T) {
	cases := []struct {
		f    float64
		d    int
		want string
	}{{1234.5, 1, "1.234,5"}, {0.25, 2, "0,25"}, {-0.5, 1, "-0,5"}, {1060, 0, "1.060"}, {-1234.56, 2, "-1.234,56"}}
	for _, c := range cases {
		if got := Decimal(c.f, c.d); got != c.want {
			t.Errorf("Decimal(%v, %d) = %q, want %q", c.f, c.d, got, c.want)
		}
	}
}

func TestDate(t *testing.T) {
	if got := Date(time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)); got != "03.11.2026" {
		t.Errorf("Date = %q", got)
	}
}
