package synth

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"

	"golang.org/x/text/encoding/charmap"

	"ipoint/pipeline"
)

// meldung is one residence decision of an immigration office's daily XML file.
type meldung struct {
	id         string
	azr        string
	kundennr   string // empty: the person is no client
	status     string
	legalBasis string
	validFrom  string
	validUntil string
	wohnsitz   string
	work       string
	dirtKind   string // injected defect, if any
	dirtColumn string
}

var legalBasis = map[string]string{
	"GEST": "§ 55 AsylG", "DUL": "§ 60a AufenthG", "DUL_A": "§ 60c AufenthG", "DUL_B": "§ 60d AufenthG",
	"AE25_1": "§ 25 Abs. 1 AufenthG", "AE25_2": "§ 25 Abs. 2 AufenthG", "AE25_3": "§ 25 Abs. 3 AufenthG",
	"AE24": "§ 24 AufenthG", "FIKT": "§ 81 Abs. 4 AufenthG", "NE": "§ 26 Abs. 3 AufenthG", "EINB": "§ 10 StAG",
	"SONST": "sonstige Rechtsgrundlage",
}

func workPermission(status string, r *stream) string {
	switch status {
	case "GEST":
		if r.chance(0.2) {
			return "VERBOTEN"
		}
		return "ZUSTIMMUNG"
	case "DUL":
		if r.chance(0.3) {
			return "VERBOTEN"
		}
		return "ZUSTIMMUNG"
	}
	return "ERLAUBT"
}

// residenceEncoding: each office has its own software. Olpe's writes ISO-8859-1,
// Siegen-Wittgenstein's UTF-8.
func residenceEncoding(kreis string) (*charmap.Charmap, string) {
	if kreis == pipeline.KreisOlpe {
		return charmap.ISO8859_1, "ISO-8859-1"
	}
	return nil, "UTF-8"
}

// renderResidence writes the XML document; it returns the document and the dirt entries
// with their line numbers. badEncoding writes '§' as a raw ISO-8859-1 byte into a file
// declared UTF-8.
func renderResidence(name, kreis string, d day, ms []meldung, badEncoding bool) ([]byte, []dirtEntry, error) {
	enc, label := residenceEncoding(kreis)
	var b bytes.Buffer
	line := 1
	var dirt []dirtEntry
	b.WriteString(`<?xml version="1.0" encoding="` + label + `"?>` + "\n")
	line++
	b.WriteString("<!-- SYNTHETISCHE DATEN: keine echten Personen -->\n")
	line++
	attrs := `kreis="` + kreis + `" erstellt="` + exportTime(d).Format("2006-01-02T15:04:05") + `"`
	if len(ms) == 0 {
		b.WriteString("<aufenthaltsmeldungen " + attrs + "/>\n")
	} else {
		b.WriteString("<aufenthaltsmeldungen " + attrs + ">\n")
		line++
		y, _, _ := d.ymd()
		doy := d.time().YearDay()
		for i, m := range ms {
			// The office numbers its decisions per day: unique per Kreis and year.
			m.id = fmt.Sprintf("ABH-%s-%04d-%06d", kreis, y, i*1000+doy)
			if m.dirtKind != "" {
				dirt = append(dirt, dirtEntry{File: name, Line: line, Column: m.dirtColumn, Kind: m.dirtKind, Handling: handlingOf(m.dirtKind)})
			}
			b.WriteString(`  <meldung id="` + esc(m.id) + `">` + "\n")
			line++
			elem := func(tag, v string) {
				if v == "" {
					return
				}
				b.WriteString("    <" + tag + ">" + esc(v) + "</" + tag + ">\n")
				line++
			}
			elem("azrNummer", m.azr)
			elem("kundennummer", m.kundennr)
			elem("status", m.status)
			elem("rechtsgrundlage", m.legalBasis)
			elem("gueltigAb", m.validFrom)
			elem("gueltigBis", m.validUntil)
			elem("wohnsitzauflage", m.wohnsitz)
			elem("erwerbstaetigkeit", m.work)
			b.WriteString("  </meldung>\n")
			line++
		}
		b.WriteString("</aufenthaltsmeldungen>\n")
	}
	out := b.Bytes()
	switch {
	case badEncoding:
		out = bytes.ReplaceAll(out, []byte("§"), []byte{0xA7})
	case enc != nil:
		var err error
		if out, err = enc.NewEncoder().Bytes(out); err != nil {
			return nil, nil, err
		}
	}
	return out, dirt, nil
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// clientMeldung turns a residence event of p into a meldung.
func (w *world) clientMeldung(p *life, e *resEvent) meldung {
	r := newStream(w.seed, keyDetail, uint64(p.idx), 10, uint64(e.seq))
	m := meldung{
		azr:        azrNummer(p.idx),
		kundennr:   kundennummer(p.idx),
		status:     e.status,
		legalBasis: legalBasis[e.status],
		validFrom:  e.decided.iso(),
		work:       workPermission(e.status, &r),
	}
	if e.validUntil != noDay {
		m.validUntil = e.validUntil.iso()
	}
	if e.wohnsitz {
		m.wohnsitz = pipeline.Municipalities[p.muni].AGS
	}
	return m
}

// officeMeldungen draws the decisions an office takes on d for people who are not
// clients: the rest of the refugee population.
func (w *world) officeMeldungen(kreis string, d day) []meldung {
	if !workday(d) {
		return nil
	}
	share := 0.68
	if kreis == pipeline.KreisOlpe {
		share = 0.32
	}
	rate := refugeePopulation * w.opt.Scale * share * 0.5 / workdaysPerYear
	r := newStream(w.seed, keyDayOffice, uint64(d), uint64(len(kreis)), uint64(kreis[3]))
	n := int(rate*(0.7+0.6*r.float()) + r.float())
	out := make([]meldung, 0, n)
	var munis []int
	for i, m := range pipeline.Municipalities {
		if m.Kreis == kreis {
			munis = append(munis, i)
		}
	}
	for j := 0; j < n; j++ {
		serial := 100_000_000 + int64(d)*1000 + int64(j)
		status := pickString(&r, []string{"AE25_2", "AE25_1", "AE25_3", "AE24", "GEST", "DUL", "DUL_B", "NE", "FIKT"},
			[]float64{0.35, 0.03, 0.06, 0.25, 0.12, 0.10, 0.02, 0.04, 0.03})
		from := d
		if r.chance(0.1) {
			from = nextWorkday(d - day(r.between(7, 56)))
			if from > d {
				from = d
			}
		}
		m := meldung{
			azr: azrNummer(5_000_000_000 + serial), status: status,
			legalBasis: legalBasis[status], validFrom: from.iso(), work: workPermission(status, &r),
		}
		if u := validity(status, from, &r); u != noDay {
			m.validUntil = u.iso()
		}
		if r.chance(0.5) {
			m.wohnsitz = pipeline.Municipalities[munis[r.intn(len(munis))]].AGS
		}
		out = append(out, m)
	}
	return out
}

// dirtyMeldung returns a defective copy of m (with a fresh id) for kind.
func dirtyMeldung(m meldung, kind string, h uint64) meldung {
	m.dirtKind = kind
	switch kind {
	case kindInvalidDate:
		m.validFrom, m.dirtColumn = badDate(false, h), "gueltigAb"
	case kindUnknownCode:
		if h%2 == 0 {
			m.status, m.dirtColumn = "AE99", "status"
		} else {
			m.work, m.dirtColumn = "JA", "erwerbstaetigkeit"
		}
	case kindBadIdentifier:
		if h%2 == 0 || m.kundennr == "" {
			m.azr, m.dirtColumn = m.azr[:11], "azrNummer"
		} else {
			m.kundennr, m.dirtColumn = badKundennummer(m.kundennr, h/2), "kundennummer"
		}
	}
	return m
}
