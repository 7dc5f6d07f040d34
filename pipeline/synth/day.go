package synth

import (
	"fmt"
	"slices"
	"time"

	"golang.org/x/text/encoding/charmap"

	"ipoint/pipeline"
)

// Number spaces of the orphan Kundennummern, so that no two orphans share a person.
const (
	orphanJobs     = 0
	orphanRes      = 300_000
	orphanConsult  = 600_000
	phantomVerbis  = 800_000
	orphanMeasures = 900_000
)

type fileInfo struct {
	Name     string `json:"name"`
	Export   string `json:"export,omitempty"`
	Stichtag string `json:"stichtag,omitempty"`
	// Delivered is the day the agency puts the file into the inbox: a daily export on its
	// Stichtag (the nightly run after it takes it in), a monthly one on its workday after
	// the month, a file that is not data on the as-of day.
	Delivered string   `json:"delivered"`
	DataRows  int      `json:"data_rows"`
	Outcome   string   `json:"outcome"`
	Kinds     []string `json:"kinds"`
}

type monthKind struct {
	m    month
	kind string
}

type langKey struct {
	m            month
	kind, result string
}

type stock struct {
	n, foerder int
	byStatus   map[string]int
}

// dayResult is what one day contributes to the ground truth and the monthly files.
type dayResult struct {
	d        day
	regs     map[string]int
	exits    map[[2]string]int
	caseload map[string]*stock
	starts   map[monthKind]int
	k2       map[month]int
	lang     map[langKey]int
	ki       map[[2]string]int
	consults []consultRec
	files    []fileInfo
	dirt     []dirtEntry
	bands    [9][2]int // exits by whole years since arrival (8: 8+): all, INT
	rows     int64
	err      error
}

func newDayResult(d day) *dayResult {
	return &dayResult{d: d, regs: map[string]int{}, exits: map[[2]string]int{}, caseload: map[string]*stock{},
		starts: map[monthKind]int{}, k2: map[month]int{}, lang: map[langKey]int{}}
}

// runDay simulates day d: with files false it only counts the truth (days of the first
// ISO week before the window).
func (w *world) runDay(d day, files bool) *dayResult {
	res := newDayResult(d)
	var out *dayFiles
	if files {
		var err error
		if out, err = w.openDay(d); err != nil {
			res.err = err
			return res
		}
	}
	endOfWeek := d.weekday() == time.Sunday || d == w.asOf
	monthEnd := d == monthOf(d).last()
	if monthEnd && files {
		res.ki = map[[2]string]int{}
	}
	var p life
	w.eachClient(d, &p, func(p *life) {
		kreis := p.kreis()
		if p.reg == d {
			res.regs[kreis]++
		}
		if p.exit == d {
			reason := pipeline.ExitReasons[p.reason]
			if w.dirt.missingReason(p) {
				reason = pipeline.ExitReasonUnknown
			}
			res.exits[[2]string{kreis, reason}]++
			band := min(int(float64(p.exit-p.einreise)/365.25), 8)
			res.bands[band][0]++
			if p.reason == reasonINT {
				res.bands[band][1]++
			}
		}
		active := p.reg <= d && p.exit > d
		if !files && !(active && endOfWeek) && !(p.reg <= d && p.exit > d) {
			return
		}
		w.build(p)
		if !files {
			res.clientConsults(p, d)
		}
		if active && endOfWeek {
			s := res.caseload[kreis]
			if s == nil {
				s = &stock{byStatus: map[string]int{}}
				res.caseload[kreis] = s
			}
			s.n++
			if p.foerder {
				s.foerder++
			}
			s.byStatus[p.statusAt(d)]++
		}
		if !files {
			return
		}
		if active && res.ki != nil {
			res.ki[[2]string{pipeline.Municipalities[p.muni].AGS, w.groupAt(p, d)}]++
		}
		out.client(w, p, d, res)
	})
	if !files {
		return res
	}
	out.background(w, d, res)
	if err := out.close(w, d, res); err != nil {
		res.err = err
	}
	return res
}

// clientConsults adds p's consultations on d.
func (res *dayResult) clientConsults(p *life, d day) {
	for _, c := range p.consults {
		if c.at == d {
			res.consults = append(res.consults, consultRec{at: d, kreis: p.kreis(), group: "GEFLUECHTETE",
				topic: c.topic, channel: c.channel, minutes: c.minutes, kn: kundennummer(p.idx)})
		}
	}
}

// groupAt returns the client's status group on d; FIKT keeps the previous group.
func (w *world) groupAt(p *life, d day) string {
	g := ""
	for i, e := range p.res {
		if i > 0 && e.verbis > d {
			break
		}
		if x := pipeline.StatusGroup(e.status); x != "" {
			g = x
		}
	}
	if g == "" {
		g = pipeline.GroupSonstige
	}
	return g
}

// delivered reports whether a job version reached the pipeline: reported inside the
// window, in a file that is not quarantined.
func (w *world) delivered(v *jobVersion) bool {
	return v.meld >= w.first && v.meld <= w.asOf && v.meld != w.dirt.jobsMissingColumn
}

// finalVersion returns the index of the latest delivered version of j, or -1.
func (w *world) finalVersion(j *jobStart) int {
	for i := len(j.versions) - 1; i >= 0; i-- {
		if w.delivered(&j.versions[i]) {
			return i
		}
	}
	return -1
}

// countStart adds j to the truth if its final delivered version was reported on d.
func (w *world) countStart(p *life, ji int, d day, res *dayResult) {
	j := &p.jobs[ji]
	fv := w.finalVersion(j)
	if fv < 0 || j.versions[fv].meld != d || j.versions[fv].storno {
		return
	}
	m := monthOf(j.versions[fv].beginn)
	res.starts[monthKind{m, j.kind}]++
	if !pipeline.IsIntegration(j.kind) {
		return
	}
	// At most one integration per person and month: the first start of the month
	// (in the person's order) carries it.
	for k := 0; k < ji; k++ {
		o := &p.jobs[k]
		ov := w.finalVersion(o)
		if ov >= 0 && !o.versions[ov].storno && pipeline.IsIntegration(o.kind) && monthOf(o.versions[ov].beginn) == m {
			return
		}
	}
	res.k2[m]++
}

// dayFiles are the files of one delivered day, open while the day's clients are visited.
type dayFiles struct {
	verbis      *textFile
	jobs        *textFile
	meas        *measuresFile
	res         map[string][]meldung
	verbisDirt  []dirtEntry
	jobsDirt    []dirtEntry
	measDirt    []dirtEntry
	verbisRows  int
	jobsRows    int
	measRows    int
	verbisExtra bool
	jobsExtra   bool
	jobsNoMeld  bool
	verbisUTF8  bool
	measBroken  bool
	forced      map[string][]string
	row, prev   []string
	lastJob     []string
	lastVerbis  []string
	resSerial   int64
	resOrphan   bool
	verbisRej   int
	jobsRej     int
	measRej     int
	resRej      map[string]int
	thousands   bool
}

func (w *world) openDay(d day) (*dayFiles, error) {
	dir := w.opt.Out
	dp := w.dirt
	f := &dayFiles{res: map[string][]meldung{}, forced: map[string][]string{}, resRej: map[string]int{}}
	f.verbisExtra = inRange(d, dp.verbisExtra)
	f.jobsExtra = inRange(d, dp.jobsExtra)
	f.jobsNoMeld = d == dp.jobsMissingColumn
	f.verbisUTF8 = d == dp.verbisBadEncoding
	f.measBroken = d == dp.measTooMany
	for _, e := range []string{exportVerbis, exportJobs, exportMeasures, exportResidence} {
		f.forced[e] = dp.forcedToday(e, d)
	}
	var err error
	enc := charmap.Windows1252
	if f.verbisUTF8 {
		enc = nil
	}
	if f.verbis, err = createText(dir, "verbis_kunden_"+d.compact()+".csv", enc, "\r\n", false); err != nil {
		return nil, err
	}
	hdr := verbisHeader
	if f.verbisExtra {
		hdr = append(slices.Clone(hdr), "Sachbearbeitung")
	}
	f.verbis.record(hdr...)
	if f.jobs, err = createText(dir, "arbeitsaufnahmen_"+d.compact()+".csv", nil, "\n", d != dp.jobsEmpty); err != nil {
		return nil, err
	}
	switch {
	case d == dp.jobsEmpty:
	case d == dp.jobsWrongHeader:
		f.jobs.record(measuresHeader...)
	default:
		f.jobs.record(f.jobsHeader()...)
	}
	if f.meas, err = createMeasures(dir, "massnahmen_"+d.compact()+".xlsx"); err != nil {
		return nil, err
	}
	return f, nil
}

func (f *dayFiles) jobsHeader() []string {
	h := slices.Clone(jobsHeader)
	if f.jobsNoMeld {
		h = slices.Delete(h, 10, 11)
	}
	if f.jobsExtra {
		h = append(h, "Bemerkung")
	}
	return h
}

// takeForced pops a forced dirt kind for export, if one is pending.
func (f *dayFiles) takeForced(export string) string {
	k := f.forced[export]
	if len(k) == 0 {
		return ""
	}
	f.forced[export] = k[1:]
	return k[0]
}

func (f *dayFiles) client(w *world, p *life, d day, res *dayResult) {
	f.verbisRow(w, p, d)
	f.measureRows(w, p, d)
	for ji := range p.jobs {
		j := &p.jobs[ji]
		for vi := range j.versions {
			if j.versions[vi].meld == d {
				f.jobRow(w, p, j, &j.versions[vi], d)
			}
		}
		w.countStart(p, ji, d, res)
	}
	for i := range p.res {
		e := &p.res[i]
		if e.reported == d && e.decided >= p.reg {
			f.addMeldung(w, p.kreis(), w.clientMeldung(p, e), d)
		}
	}
	res.clientConsults(p, d)
	if d == w.asOf {
		for _, pt := range p.parts {
			if pt.created > d {
				continue
			}
			// From the first delivered month on: what the deliveries can vouch for.
			if s := pt.stateAt(d); s.ended && s.result != "" && pt.final == "BEENDET" && monthOf(pt.endAct) >= monthOf(w.first) {
				res.lang[langKey{monthOf(pt.endAct), pt.kind, s.result}]++
			}
		}
	}
}

func (f *dayFiles) verbisRow(w *world, p *life, d day) {
	f.row = w.verbisRow(p, d, f.row)
	row := f.row
	if f.verbisExtra {
		row = append(row, fmt.Sprintf("Team %d", 1+p.idx%7))
	}
	if f.verbisUTF8 && f.verbisRows == 0 {
		row[vNachname] = "Kovačević" // the UTF-8 bytes C4 8D are not Windows-1252
	}
	missing := row[vAbgang] != "" && row[vGrund] == ""
	if missing {
		f.verbisDirt = append(f.verbisDirt, dirtEntry{f.verbis.name, f.verbis.lines + 1, "Abgangsgrund", kindMissingReason, handlingAcceptFlag})
	}
	kind := ""
	if p.reg < d && !missing && !f.verbisUTF8 && mayReject(f.verbisRej+1, f.verbisRows+1) {
		forced := len(f.forced[exportVerbis]) > 0
		if forced || w.dirt.row(1, 1, uint64(d), uint64(p.idx)) {
			f.prev = w.verbisRow(p, d-1, f.prev)
			if slices.Equal(f.prev, f.row) {
				if kind = f.takeForced(exportVerbis); kind == "" {
					kind = w.dirt.kindFor(exportVerbis, 1, uint64(d), uint64(p.idx))
				}
			}
		}
	}
	h := hash(w.seed, keyDirt, 2, uint64(d), uint64(p.idx))
	col := ""
	switch kind {
	case kindInvalidDate:
		if h%2 == 0 {
			row[vZugang], col = badDate(true, h/2), "Zugang_IP"
		} else {
			row[vGeburtsdatum], col = "31.02."+row[vGeburtsdatum][6:], "Geburtsdatum"
		}
	case kindUnknownCode:
		cols := []struct {
			i    int
			v, n string
		}{{vAufenthalt, "AE26", "Aufenthaltsstatus"}, {vStatus, "ARB", "Status"}, {vGeschlecht, "x", "Geschlecht"},
			{vRechtskreis, "SGB12", "Rechtskreis"}, {vFoerder, "j", "Foerderbedarf"}, {vSprache, "B3", "Sprachniveau"}}
		c := cols[h%uint64(len(cols))]
		row[c.i], col = c.v, c.n
	case kindBadIdentifier:
		if row[vBG] != "" && h%2 == 0 {
			row[vBG], col = row[vBG][:5]+"-BG-"+row[vBG][7:], "BG_Nummer"
		} else {
			row[vKundennummer], col = badKundennummer(row[vKundennummer], h/2), "Kundennummer"
		}
	case kindOutsideKreis:
		for _, m := range pipeline.Municipalities {
			if m.Kreis != row[vKreis] {
				row[vGemeinde] = m.AGS
				if h%3 == 0 {
					break
				}
				h /= 3
			}
		}
		col = "Gemeinde"
	case kindDuplicateKey:
		col = "Kundennummer"
	}
	if kind != "" {
		f.verbisRej++
		f.verbisDirt = append(f.verbisDirt, dirtEntry{f.verbis.name, f.verbis.lines + 1, col, kind, handlingReject})
	}
	f.verbis.record(row...)
	f.verbisRows++
	if kind == kindDuplicateKey {
		f.verbisRej++
		f.verbisDirt = append(f.verbisDirt, dirtEntry{f.verbis.name, f.verbis.lines + 1, col, kind, handlingReject})
		f.verbis.record(row...)
		f.verbisRows++
	}
	f.lastVerbis = append(f.lastVerbis[:0], row...)
}
