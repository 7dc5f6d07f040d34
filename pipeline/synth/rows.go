package synth

import (
	"strconv"

	"ipoint/pipeline"
)

// Headers of the exports, exactly as sources.md names them.
var (
	verbisHeader = []string{"Kundennummer", "BG_Nummer", "Nachname", "Vorname", "Geburtsdatum", "Geschlecht",
		"Staatsangehoerigkeit", "Aufenthaltsstatus", "Rechtskreis", "Kreis", "Gemeinde", "Einreise", "Zugang_IP",
		"Abgang_IP", "Abgangsgrund", "Foerderbedarf", "Schulabschluss", "Berufsabschluss", "Sprachniveau",
		"Zielniveau", "Status"}
	jobsHeader = []string{"Aufnahme_ID", "Kundennummer", "Art", "Beginn", "Ende", "Wochenstunden", "Bruttoentgelt",
		"WZ2008", "Gefoerdert", "Betriebsnummer", "Meldedatum", "Storno"}
	measuresHeader = []string{"Teilnahme_ID", "Kundennummer", "Massnahmeart", "Traeger", "Beginn", "Ende_geplant",
		"Ende_tatsaechlich", "Status", "Ergebnis"}
	populationHeader = []string{"Kreis", "AGS", "Gemeinde", "Statusgruppe", "Anzahl"}
)

// Column positions used when injecting dirt.
const (
	vKundennummer = iota
	vBG
	vNachname
	vVorname
	vGeburtsdatum
	vGeschlecht
	vNat
	vAufenthalt
	vRechtskreis
	vKreis
	vGemeinde
	vEinreise
	vZugang
	vAbgang
	vGrund
	vFoerder
	vSchule
	vBeruf
	vSprache
	vZiel
	vStatus
)

func rechtskreisOf(status string) string {
	switch status {
	case "GEST", "DUL", "DUL_A", "DUL_B":
		return "SGB3"
	}
	return "SGB2"
}

// verbisRow fills row with the client's line in the snapshot of d.
func (w *world) verbisRow(p *life, d day, row []string) []string {
	row = append(row[:0], make([]string, len(verbisHeader))...)
	row[vKundennummer] = kundennummer(p.idx)
	res := p.residenceAt(d)
	exited := p.exit <= d
	if exited && p.reason == reasonEINB {
		res = "EINB"
	}
	rk := rechtskreisOf(res)
	if rk == "SGB2" {
		row[vBG] = bgNummer(p.idx, p.kreis())
	}
	nr := newStream(w.seed, keyNames, uint64(p.idx))
	row[vNachname], row[vVorname] = personName(&nr, p.nat, p.female)
	row[vGeburtsdatum] = birthDate(p)
	row[vGeschlecht] = string(p.sex)
	row[vNat] = p.nat
	row[vAufenthalt] = res
	row[vRechtskreis] = rk
	row[vKreis] = p.kreis()
	row[vGemeinde] = pipeline.Municipalities[p.muni].AGS
	if !p.noEntry {
		row[vEinreise] = p.einreise.german()
	}
	row[vZugang] = p.reg.german()
	if exited {
		row[vAbgang] = p.exit.german()
		if !w.dirt.missingReason(p) {
			row[vGrund] = pipeline.ExitReasons[p.reason]
		}
	}
	row[vFoerder] = yesNo(p.foerder)
	row[vSchule] = code(pipeline.SchoolLevels, p.school)
	row[vBeruf] = code(pipeline.VocationalLevel, p.voc)
	row[vSprache] = code(pipeline.GermanLevels, p.levelAt(d))
	row[vZiel] = code(pipeline.TargetLevels, p.target)
	row[vStatus] = p.statusAt(d)
	return row
}

func birthDate(p *life) string {
	b := []byte("00.00.0000")
	if p.birthD > 0 {
		put2(b, p.birthD)
	}
	if p.birthM > 0 {
		put2(b[3:], p.birthM)
	}
	put4(b[6:], p.birthY)
	return string(b)
}

func yesNo(b bool) string {
	if b {
		return "J"
	}
	return "N"
}

func code(list []string, i int8) string {
	if i < 0 {
		return ""
	}
	return list[i]
}

// measureState is a participation as the snapshot of d shows it.
type measureState struct {
	status, result string
	ended          bool
}

func (pt *participation) stateAt(d day) measureState {
	switch {
	case d < pt.beginn && pt.endAct > d:
		return measureState{status: "GEPLANT"}
	case d < pt.endAct:
		return measureState{status: "LAUFEND"}
	}
	s := measureState{status: pt.final, ended: true}
	if pt.final == "BEENDET" && d >= pt.resultDay {
		s.result = pt.result
	}
	return s
}

// participationNumber makes Teilnahme_IDs unique across persons.
func participationNumber(idx int64, seq int) int64 { return idx*8 + int64(seq) }

// jobNumber makes Aufnahme_ID numbers; numbers from 900000 up are kept for orphans.
func jobNumber(idx int64, seq int) int64 { return scramble(idx*8+int64(seq), 900_000) }

// jobRow fills row with one reported version of a start.
func (w *world) jobRow(p *life, j *jobStart, v *jobVersion, row []string) []string {
	row = append(row[:0], make([]string, len(jobsHeader))...)
	y, _, _ := j.versions[0].meld.ymd()
	row[0] = aufnahmeID(y, jobNumber(p.idx, j.seq))
	row[1] = kundennummer(p.idx)
	fillJob(row, j, v, w.employerSector(j.employer))
	return row
}

func fillJob(row []string, j *jobStart, v *jobVersion, wz string) {
	row[2] = j.kind
	row[3] = v.beginn.german()
	if j.ende != noDay {
		row[4] = j.ende.german()
	}
	if v.hours >= 0 {
		row[5] = decimalComma(v.hours, 10)
	}
	if v.pay >= 0 {
		row[6] = money(v.pay, false)
	}
	if j.employer >= 0 {
		row[7] = wz
		row[9] = betriebsnummer(j.employer)
	}
	row[8] = yesNo(j.gefoerdert)
	row[10] = v.meld.german()
	row[11] = yesNo(v.storno)
}

// decimalComma formats v/div with a decimal comma, dropping a zero fraction: 375 -> 37,5.
func decimalComma(v, div int) string {
	s := strconv.Itoa(v / div)
	if f := v % div; f != 0 {
		s += "," + strconv.Itoa(f)
	}
	return s
}

// money formats cents as 2150,00 or, with thousands dots, 2.150,00.
func money(cents int, dots bool) string {
	euros := strconv.Itoa(cents / 100)
	if dots && len(euros) > 3 {
		var b []byte
		for i, c := range []byte(euros) {
			if i > 0 && (len(euros)-i)%3 == 0 {
				b = append(b, '.')
			}
			b = append(b, c)
		}
		euros = string(b)
	}
	c := cents % 100
	return euros + "," + string([]byte{byte('0' + c/10), byte('0' + c%10)})
}

// Economic sectors (WZ 2008) in which refugees often start work.
var sectors = []string{"56.10", "56", "49.41", "81.21", "78.20", "86.10", "87.10", "43.22", "25.62", "47.11",
	"10.71", "52.10", "28", "29.32", "45.20", "88.10", "41.20", "55.10", "96.02", "85.59"}

func (w *world) employerSector(e int64) string {
	if e < 0 {
		return ""
	}
	return sectors[hash(w.seed, keyEmployer, uint64(e))%uint64(len(sectors))]
}
