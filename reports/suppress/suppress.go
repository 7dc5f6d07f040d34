// Package suppress applies statistical confidentiality to the figures a publication
// shows (domain.md §4; §281 SGB III with §16 BStatG): counts below a threshold are
// suppressed (primary suppression), and further figures are suppressed until an
// attacker who knows every published figure and every relation between them can narrow
// no suppressed figure to fewer values than the protection width (secondary
// suppression, audited by linear programming: System). Suppressed cells show the BA's
// symbol "*", zeros "-". The method and its sources: docs/suppression.md.
package suppress

import "fmt"

// MinK is the smallest threshold ipoint publishes with: the BA's rule, at least three
// cases per cell.
const MinK = 3

// CheckK refuses a threshold below MinK.
func CheckK(k int64) error {
	if k < MinK {
		return fmt.Errorf("Geheimhaltungsschwelle %d liegt unter dem Mindestwert %d (BA-Regel: mindestens 3 Fälle je Zelle)", k, MinK)
	}
	return nil
}

// Symbols of the BA's tables.
const (
	Secret  = "*" // statistical confidentiality
	None    = "-" // nothing there
	Unknown = "." // not known: not delivered (yet), or unknown in the delivery
)

// Symbol returns what a cell shows: the count, "*" or "-".
func Symbol(n int64, suppressed bool, format func(int64) string) string {
	switch {
	case suppressed:
		return Secret
	case n == 0:
		return None
	}
	return format(n)
}
