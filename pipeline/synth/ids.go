package synth

import (
	"strconv"
)

// Synthetic identifiers. They follow the forms of sources.md and begin with 9, so that
// no synthetic number can be mistaken for a real one. A bijective scramble keeps them
// unique while hiding the registration order.

const (
	knCapacity     = 25_000_000 // letters A..Y times 10^6; Z is kept for orphans
	bgCapacity     = 10_000_000
	azrCapacity    = 100_000_000_000
	betrCapacity   = 10_000_000
	scrambleFactor = 7_919_003 // odd, not a multiple of 5: coprime to every capacity above
)

func scramble(i int64, capacity int64) int64 {
	return int64((uint64(i)*scrambleFactor + 12_345) % uint64(capacity))
}

// kundennummer: 3 digits, 1 capital letter, 6 digits, e.g. 975D004711.
func kundennummer(idx int64) string {
	n := scramble(idx, knCapacity)
	return knFormat('A'+byte(n/1_000_000), n%1_000_000)
}

// orphanKundennummer is a well-formed number that no client of the world carries.
func orphanKundennummer(i int64) string { return knFormat('Z', i%1_000_000) }

func knFormat(letter byte, n int64) string {
	b := []byte("975A000000")
	b[3] = letter
	pad(b[4:], n)
	return string(b)
}

// bgNummer: 5 digits, BG, 7 digits; the prefix names the Jobcenter.
func bgNummer(idx int64, kreis string) string {
	b := []byte("97001BG0000000")
	if kreis == "05966" {
		copy(b, "96601")
	}
	pad(b[7:], scramble(idx, bgCapacity))
	return string(b)
}

// azrNummer: 12 digits.
func azrNummer(n int64) string {
	b := []byte("900000000000")
	pad(b[1:], scramble(n, azrCapacity))
	return string(b)
}

// betriebsnummer: 8 digits.
func betriebsnummer(n int64) string {
	b := []byte("90000000")
	pad(b[1:], scramble(n, betrCapacity))
	return string(b)
}

// aufnahmeID: AU-JJJJ-NNNNNN; the number is unique across years.
func aufnahmeID(year int, n int64) string {
	b := []byte("AU-0000-000000")
	put4(b[3:], year)
	pad(b[8:], n%1_000_000)
	return string(b)
}

func teilnahmeID(n int64) string { return "TN-" + strconv.FormatInt(n, 10) }

func pad(b []byte, n int64) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
}
