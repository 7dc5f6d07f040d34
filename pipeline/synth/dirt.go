package synth

import (
	"time"

	"ipoint/pipeline"
)

// Dirt kinds (docs/synthetic-data.md).
const (
	kindInvalidDate     = "invalid_date"
	kindUnknownCode     = "unknown_code"
	kindBadIdentifier   = "bad_identifier"
	kindOutsideKreis    = "gemeinde_outside_kreis"
	kindDuplicateKey    = "duplicate_key"
	kindMissingReason   = "missing_abgangsgrund"
	kindTruncatedRow    = "truncated_row"
	kindOrphan          = "orphan"
	kindTextDate        = "text_date"
	kindThousands       = "thousands_separator"
	kindExtraColumn     = "extra_column"
	kindHeaderOnly      = "header_only"
	kindEmptyFile       = "empty_file"
	kindTrailingEmpty   = "trailing_empty_rows"
	kindExtraSheet      = "extra_sheet"
	kindMissingColumn   = "missing_column"
	kindWrongHeader     = "wrong_header"
	kindBadEncoding     = "bad_encoding"
	kindTooManyRejects  = "too_many_rejects"
	kindPartialFile     = "partial_file"
	kindHiddenFile      = "hidden_file"
	kindSidecar         = "sidecar"
	kindUnknownName     = "unknown_name"
	handlingReject      = "reject"
	handlingAcceptFlag  = "accept_flag"
	handlingKeep        = "keep"
	handlingRead        = "read"
	exportVerbis        = "verbis_kunden"
	exportJobs          = "arbeitsaufnahmen"
	exportMeasures      = "massnahmen"
	exportResidence     = "abh_aufenthalt"
	exportConsultations = "beratungen"
	exportPopulation    = "ki_schutzsuchende"
	outcomeIngest       = "ingest"
	outcomeQuarantine   = "quarantine"
	outcomeIgnore       = "ignore"
	outcomeUnknown      = "unknown"
)

func handlingOf(kind string) string {
	switch kind {
	case kindMissingReason:
		return handlingAcceptFlag
	case kindOrphan:
		return handlingKeep
	case kindTextDate, kindThousands:
		return handlingRead
	}
	return handlingReject
}

// dirtPlan decides, from the seed alone, where dirt goes: which whole files are broken
// and which rows carry a defect. Every kind of "Known dirt" occurs at least once when
// the rate is above zero and the window is long enough to hold it.
type dirtPlan struct {
	w    *world
	rate float64
	on   bool

	verbisBadEncoding day
	verbisExtra       [2]day // [from, to] of the period with an extra column
	jobsMissingColumn day
	jobsWrongHeader   day
	jobsEmpty         day
	jobsExtra         [2]day
	measTooMany       day
	abhBadEncoding    day
	consultTruncated  month
	forced            map[forcedKey]day
}

type forcedKey struct{ export, kind string }

var rowKinds = map[string][]string{
	exportVerbis:        {kindInvalidDate, kindUnknownCode, kindBadIdentifier, kindOutsideKreis, kindDuplicateKey},
	exportMeasures:      {kindInvalidDate, kindUnknownCode, kindBadIdentifier, kindDuplicateKey},
	exportJobs:          {kindInvalidDate, kindUnknownCode, kindBadIdentifier},
	exportResidence:     {kindInvalidDate, kindUnknownCode, kindBadIdentifier},
	exportConsultations: {kindInvalidDate, kindUnknownCode, kindBadIdentifier},
	exportPopulation:    {kindUnknownCode, kindOutsideKreis},
}

func newDirtPlan(w *world) *dirtPlan {
	p := &dirtPlan{w: w, rate: w.opt.DirtRate, on: w.opt.DirtRate > 0, forced: map[forcedKey]day{},
		verbisBadEncoding: noDay, jobsMissingColumn: noDay, jobsWrongHeader: noDay, jobsEmpty: noDay,
		measTooMany: noDay, abhBadEncoding: noDay, consultTruncated: -1,
		verbisExtra: [2]day{noDay, noDay}, jobsExtra: [2]day{noDay, noDay}}
	if !p.on {
		return p
	}
	notLast := func(d day) bool { return d != w.asOf }
	weekday := func(d day) bool { return d.weekday() != time.Sunday && d != w.first }
	offDay := func(d day) bool { return !workday(d) }
	p.verbisBadEncoding = p.pickDay(1, func(d day) bool { return notLast(d) && weekday(d) })
	p.measTooMany = p.pickDay(2, func(d day) bool { return notLast(d) && weekday(d) && d != p.verbisBadEncoding })
	p.jobsMissingColumn = p.pickDay(3, func(d day) bool { return notLast(d) && workday(d) })
	p.jobsWrongHeader = p.pickDay(4, offDay)
	p.jobsEmpty = p.pickDay(5, func(d day) bool { return offDay(d) && d != p.jobsWrongHeader })
	p.abhBadEncoding = p.pickDay(6, workday)
	span := day(w.opt.Days / 10)
	if s := p.pickDay(7, func(day) bool { return true }); s != noDay {
		p.verbisExtra = [2]day{s, s + span}
	}
	if s := p.pickDay(8, func(day) bool { return true }); s != noDay {
		p.jobsExtra = [2]day{s, s + span}
	}
	if ms := w.consultMonths(); len(ms) > 0 {
		p.consultTruncated = ms[int(hash(w.seed, keyFileDirt, 9)%uint64(len(ms)))]
	}
	// Orphans and cut-off rows at least once, too.
	p.forced[forcedKey{exportJobs, kindOrphan}] = p.pickDay(30, workday)
	p.forced[forcedKey{exportResidence, kindOrphan}] = p.pickDay(31, workday)
	p.forced[forcedKey{exportJobs, kindTruncatedRow}] = p.pickDay(32, func(d day) bool {
		return workday(d) && d != p.jobsMissingColumn
	})
	p.forced[forcedKey{exportJobs, kindThousands}] = p.pickDay(34, workday)
	p.forced[forcedKey{exportVerbis, kindTruncatedRow}] = p.pickDay(33, func(d day) bool { return d != p.verbisBadEncoding })
	// One forced occurrence of every row kind, on a day drawn for it.
	n := uint64(10)
	for _, export := range []string{exportVerbis, exportMeasures, exportJobs, exportResidence, exportConsultations, exportPopulation} {
		for _, k := range rowKinds[export] {
			n++
			key := forcedKey{export, k}
			switch export {
			case exportPopulation, exportConsultations:
				p.forced[key] = noDay // decided per month in the writers
			default:
				p.forced[key] = p.pickDay(hash(uint64(len(export)), n), workday)
			}
		}
	}
	return p
}

// pickDay draws a delivered day satisfying ok, or noDay if none does.
func (p *dirtPlan) pickDay(salt uint64, ok func(day) bool) day {
	w := p.w
	n := uint64(w.opt.Days)
	start := hash(w.seed, keyFileDirt, salt) % n
	for i := uint64(0); i < n; i++ {
		d := w.first + day((start+i)%n)
		if ok(d) {
			return d
		}
	}
	return noDay
}

// row reports whether the row identified by keys carries dirt at the given multiple of
// the rate.
func (p *dirtPlan) row(factor float64, keys ...uint64) bool {
	if !p.on {
		return false
	}
	return unit(hash(append([]uint64{p.w.seed, keyDirt}, keys...)...)) < p.rate*factor
}

// kindFor draws one of the export's row kinds.
func (p *dirtPlan) kindFor(export string, keys ...uint64) string {
	kinds := rowKinds[export]
	return kinds[hash(append([]uint64{p.w.seed, keyDirt, 99}, keys...)...)%uint64(len(kinds))]
}

// mayReject reports whether one more rejected row keeps a file of rows rows (so far)
// below the quarantine rule; only the file meant for quarantine crosses it.
func mayReject(rejects, rows int) bool {
	return !pipeline.TooManyRejects(rejects+1, max(rows, 1), pipeline.QuarantineShare, pipeline.QuarantineMinRejects)
}

// isForced reports whether kind is forced into export's file of d.
func (p *dirtPlan) isForced(export, kind string, d day) bool {
	f, ok := p.forced[forcedKey{export, kind}]
	return p.on && ok && f == d
}

// forcedToday returns the kinds forced into export's file of d.
func (p *dirtPlan) forcedToday(export string, d day) []string {
	var out []string
	if !p.on {
		return nil
	}
	for _, k := range rowKinds[export] {
		if p.forced[forcedKey{export, k}] == d {
			out = append(out, k)
		}
	}
	return out
}

func inRange(d day, r [2]day) bool { return r[0] != noDay && d >= r[0] && d <= r[1] }

// dirtEntry is one injected dirty row of the ground truth.
type dirtEntry struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Column   string `json:"column"`
	Kind     string `json:"kind"`
	Handling string `json:"handling"`
}

// Defective values, one per kind and column type.
func badDate(german bool, h uint64) string {
	vals := []string{"31.02.2026", "30.02.2025", "31.04.2026", "00.13.2026", "32.01.2026"}
	if !german {
		vals = []string{"2026-02-31", "2025-02-30", "2026-04-31", "2026-13-01", "2026-01-32"}
	}
	return vals[h%uint64(len(vals))]
}

func badKundennummer(kn string, h uint64) string {
	switch h % 3 {
	case 0:
		return kn[:3] + string(kn[3]+('a'-'A')) + kn[4:] // lower-case letter
	case 1:
		return kn[:9] // a digit short
	}
	return kn[:4] + "O" + kn[5:] // letter O for zero
}

// missingReason reports whether the caseworker never recorded p's Abgangsgrund.
func (p *dirtPlan) missingReason(l *life) bool {
	return p.on && l.exit != noDay && unit(hash(p.w.seed, keyDirt, 77, uint64(l.idx))) < p.rate*5
}
