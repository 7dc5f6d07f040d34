package source

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// All lists the exports in ingest order: the client master first, so that every other
// export can tell its orphans.
func All() []*Export {
	out := []*Export{Verbis, Massnahmen, Arbeitsaufnahmen, Aufenthalt, Beratungen, Schutzsuchende, Destatis}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Order < out[j].Order })
	return out
}

// ByName returns the export with the given name.
func ByName(name string) *Export {
	for _, e := range All() {
		if e.Name == name {
			return e
		}
	}
	return nil
}

// Class is what a file in the inbox is.
type Class int

const (
	Data    Class = iota // an export's delivery
	Ignored              // being written (*.part, *.tmp), hidden, or a sidecar
	Unknown              // matches no export: left in the inbox and reported
	BadName              // looks like an export but its date or Kreis is invalid: quarantine
)

// Delivery is a file recognised as an export's delivery.
type Delivery struct {
	Name     string
	Export   *Export
	Stichtag time.Time
	Kreis    string // abh_aufenthalt only
}

var sidecars = []string{".md5", ".sha1", ".sha256", ".sha512", ".sig", ".asc", ".ok", ".done", ".chk"}

// Detect classifies a file name. For BadName the error says why.
func Detect(name string) (Class, *Delivery, error) {
	base := filepath.Base(name)
	lower := strings.ToLower(base)
	switch {
	case strings.HasPrefix(base, "."), strings.HasPrefix(base, "~$"):
		return Ignored, nil, nil
	case strings.HasSuffix(lower, ".part"), strings.HasSuffix(lower, ".tmp"), strings.HasSuffix(lower, ".crdownload"):
		return Ignored, nil, nil
	}
	for _, s := range sidecars {
		if strings.HasSuffix(lower, s) {
			return Ignored, nil, nil
		}
	}
	for _, e := range All() {
		m := e.Pattern.FindStringSubmatch(base)
		if m == nil {
			continue
		}
		d := &Delivery{Name: base, Export: e}
		date := m[e.Pattern.SubexpIndex("date")]
		if k := e.Pattern.SubexpIndex("kreis"); k >= 0 {
			d.Kreis = m[k]
			if err := validKreis(d.Kreis); err != nil {
				return BadName, d, err
			}
		}
		if e.Monthly {
			t, err := time.Parse("200601", date)
			if err != nil {
				return BadName, d, fmt.Errorf("Monat %s im Dateinamen ungültig", date)
			}
			d.Stichtag = t.AddDate(0, 1, -1)
		} else {
			t, err := time.Parse("20060102", date)
			if err != nil {
				return BadName, d, fmt.Errorf("Stichtag %s im Dateinamen ungültig", date)
			}
			d.Stichtag = t
			if e.Yearly && (t.Month() != time.December || t.Day() != 31) {
				return BadName, d, fmt.Errorf("Stichtag %s im Dateinamen ist kein Jahresende (31.12.)", date)
			}
		}
		return Data, d, nil
	}
	return Unknown, nil, nil
}
