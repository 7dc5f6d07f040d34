package synth

import (
	"fmt"
	"slices"

	"ipoint/pipeline"
)

// measureRows writes the client's participations known on d.
func (f *dayFiles) measureRows(w *world, p *life, d day) {
	for i := range p.parts {
		pt := &p.parts[i]
		if pt.created > d {
			continue
		}
		id := teilnahmeID(participationNumber(p.idx, pt.seq))
		vals := f.measureValues(w, id, kundennummer(p.idx), pt, d)
		keys := []uint64{3, uint64(d), uint64(p.idx), uint64(pt.seq)}
		h := hash(append([]uint64{w.seed, keyDirt, 4}, keys...)...)
		kind := ""
		if !f.measBroken && f.meas.sheet == 0 && f.meas.row < excelRows-2 {
			forced := len(f.forced[exportMeasures]) > 0
			if (forced || w.dirt.row(1, keys...)) && pt.created < d && pt.stateAt(d) == pt.stateAt(d-1) &&
				mayReject(f.measRej+1, f.measRows+1) {
				if kind = f.takeForced(exportMeasures); kind == "" {
					kind = w.dirt.kindFor(exportMeasures, keys...)
				}
			}
		}
		col := ""
		switch kind {
		case kindInvalidDate:
			vals[4], col = badDate(true, h), "Beginn"
		case kindUnknownCode:
			if h%2 == 0 {
				vals[7], col = "ABGESCHLOSSEN", "Status"
			} else {
				vals[2], col = "IK_PLUS", "Massnahmeart"
			}
		case kindBadIdentifier:
			vals[1], col = badKundennummer(kundennummer(p.idx), h/2), "Kundennummer"
		case kindDuplicateKey:
			col = "Teilnahme_ID"
		case "":
			// A valid date typed as text, or (in the broken file) an ISO date that the
			// format does not allow.
			if f.measBroken && h%5 < 2 {
				vals[4] = pt.beginn.iso()
				vals[5] = pt.endPlan.iso()
			} else if !f.measBroken && f.meas.sheet == 0 && f.meas.row < excelRows-2 && w.dirt.row(5, 5, uint64(d), uint64(p.idx), uint64(pt.seq)) {
				c := []int{4, 5, 6}[h%3]
				if c == 6 && vals[6] == nil {
					c = 4
				}
				dates := []day{pt.beginn, pt.endPlan, pt.endAct}
				vals[c] = dates[c-4].german()
				kind, col = kindTextDate, measuresHeader[c]
			}
		}
		if kind != "" && handlingOf(kind) == handlingReject {
			f.measRej++
			if kind == kindDuplicateKey {
				f.measRej++
			}
		}
		if kind != "" && !f.measBroken {
			f.measDirt = append(f.measDirt, dirtEntry{f.meas.name, f.meas.row + 1, col, kind, handlingOf(kind)})
		}
		f.meas.put(vals)
		f.measRows++
		if kind == kindDuplicateKey {
			f.measDirt = append(f.measDirt, dirtEntry{f.meas.name, f.meas.row + 1, col, kind, handlingReject})
			f.meas.put(vals)
			f.measRows++
		}
	}
}

func (f *dayFiles) measureValues(w *world, id, kn string, pt *participation, d day) []any {
	s := pt.stateAt(d)
	vals := []any{id, kn, pt.kind, providers[pt.traeger], f.meas.date(pt.beginn), f.meas.date(pt.endPlan), nil, s.status, nil}
	if s.ended {
		vals[6] = f.meas.date(pt.endAct)
	}
	if s.result != "" {
		vals[8] = s.result
	}
	return vals
}

// orphanParticipations are participations of people the client master does not know.
func (f *dayFiles) orphanParticipations(w *world, d day) {
	if !w.dirt.on {
		return
	}
	n := max(1, int(w.opt.DirtRate*1000*w.opt.Scale+0.5))
	for k := 0; k < n; k++ {
		r := newStream(w.seed, keyOrphan, 3, uint64(k))
		created := w.first + day(r.intn(w.opt.Days))
		if k == 0 {
			created = w.first // at least one in every window
		}
		pt := participation{kind: []string{"MAT", "MAG"}[r.intn(2)], traeger: r.intn(len(providers)),
			created: created, beginn: created + day(r.between(7, 21)), endAct: noDay, resultDay: noDay}
		pt.endPlan = pt.beginn + day(r.between(28, 84))
		pt.endAct, pt.final = pt.endPlan, "BEENDET"
		if d < created || d > pt.endAct+60 || f.meas.sheet > 0 || f.meas.row >= excelRows-2 {
			continue
		}
		vals := f.measureValues(w, teilnahmeID(9_000_000_000+int64(k)), orphanKundennummer(orphanMeasures+int64(k)), &pt, d)
		f.measDirt = append(f.measDirt, dirtEntry{f.meas.name, f.meas.row + 1, "Kundennummer", kindOrphan, handlingKeep})
		f.meas.put(vals)
		f.measRows++
	}
}

// jobRow writes one reported version, with the odd defective double entry or orphan.
func (f *dayFiles) jobRow(w *world, p *life, j *jobStart, v *jobVersion, d day) {
	row := w.jobRow(p, j, v, f.row)
	keys := []uint64{6, uint64(d), uint64(p.idx), uint64(j.seq)}
	h := hash(append([]uint64{w.seed, keyDirt, 7}, keys...)...)
	forcedDots := !f.thousands && w.dirt.isForced(exportJobs, kindThousands, d)
	if v.pay >= 100_000 && (forcedDots || w.dirt.row(5, append(keys, 1)...)) {
		f.thousands = true
		row[6] = money(v.pay, true)
		f.jobsDirt = append(f.jobsDirt, dirtEntry{f.jobs.name, f.jobs.lines + 1, "Bruttoentgelt", kindThousands, handlingRead})
	}
	f.writeJob(row, h)
	f.lastJob = append(f.lastJob[:0], row...)
	// A defective double entry of the same report.
	if kind := f.dirtyJobKind(w, keys); kind != "" {
		bad := slices.Clone(row)
		col := ""
		switch kind {
		case kindInvalidDate:
			bad[3], col = badDate(true, h), "Beginn"
		case kindUnknownCode:
			if h%2 == 0 {
				bad[2], col = "FEST", "Art"
			} else {
				bad[8], col = "X", "Gefoerdert"
			}
		case kindBadIdentifier:
			switch {
			case h%3 == 0 && bad[9] != "":
				bad[9], col = bad[9][:7], "Betriebsnummer"
			case h%3 == 1:
				bad[0], col = "AU-"+bad[0][3:7]+"-"+bad[0][9:], "Aufnahme_ID"
			default:
				bad[1], col = badKundennummer(bad[1], h/3), "Kundennummer"
			}
		}
		f.jobsRej++
		f.jobsDirt = append(f.jobsDirt, dirtEntry{f.jobs.name, f.jobs.lines + 1, col, kind, handlingReject})
		f.writeJob(bad, h)
	}
	f.row = row
}

func (f *dayFiles) dirtyJobKind(w *world, keys []uint64) string {
	if !mayReject(f.jobsRej, f.jobsRows+1) {
		return ""
	}
	if len(f.forced[exportJobs]) > 0 {
		return f.takeForced(exportJobs)
	}
	if w.dirt.row(1, keys...) {
		return w.dirt.kindFor(exportJobs, keys...)
	}
	return ""
}

func (f *dayFiles) writeJob(row []string, h uint64) {
	out := row
	if f.jobsNoMeld {
		out = slices.Delete(slices.Clone(row), 10, 11)
	}
	if f.jobsExtra {
		note := ""
		if h%5 == 0 {
			note = "Nachmeldung"
		}
		out = append(slices.Clone(out), note)
	}
	f.jobs.record(out...)
	f.jobsRows++
}

// orphanJob writes a start of a person the client master does not know. It is a real
// start and counts in the truth.
func (f *dayFiles) orphanJob(w *world, d day, j int, res *dayResult) {
	r := newStream(w.seed, keyOrphan, 1, uint64(d), uint64(j))
	js := jobStart{kind: pipeline.StartKinds[r.pick([]float64{0.4, 0.2, 0.15, 0.02, 0.13, 0.08, 0.02})], ende: noDay,
		employer: int64(r.intn(int(w.employers)))}
	if js.kind == "SELBST" {
		js.employer = -1
	}
	v := jobVersion{meld: d, beginn: nextWorkday(d - day(r.between(0, 14))), hours: 10 * r.between(10, 40), pay: 100 * r.between(500, 3000)}
	row := make([]string, len(jobsHeader))
	y, _, _ := d.ymd()
	n := int64(d-w.first)*100 + int64(j)
	row[0] = aufnahmeID(y, 900_000+n%100_000)
	row[1] = orphanKundennummer(orphanJobs + n)
	fillJob(row, &js, &v, w.employerSector(js.employer))
	f.jobsDirt = append(f.jobsDirt, dirtEntry{f.jobs.name, f.jobs.lines + 1, "Kundennummer", kindOrphan, handlingKeep})
	f.writeJob(row, 0)
	if !f.jobsNoMeld {
		m := monthOf(v.beginn)
		res.starts[monthKind{m, js.kind}]++
		if pipeline.IsIntegration(js.kind) {
			res.k2[m]++
		}
	}
}

// addMeldung queues a decision for its office's file, with the odd defective copy or
// orphan beside it.
func (f *dayFiles) addMeldung(w *world, kreis string, m meldung, d day) {
	f.res[kreis] = append(f.res[kreis], m)
	keys := []uint64{8, uint64(d), mustAtoi(m.azr), uint64(len(f.res[kreis])), uint64(kreis[3])}
	kind := ""
	switch {
	case !mayReject(f.resRej[kreis], len(f.res[kreis])+1): // the file would cross the quarantine rule
	case len(f.forced[exportResidence]) > 0:
		kind = f.takeForced(exportResidence)
	case w.dirt.row(1, keys...):
		kind = w.dirt.kindFor(exportResidence, keys...)
	}
	if kind != "" {
		f.resRej[kreis]++
		f.resSerial++
		f.res[kreis] = append(f.res[kreis], dirtyMeldung(m, kind, hash(keys...)))
	}
	if w.dirt.row(1, append(keys, 1)...) || (w.dirt.isForced(exportResidence, kindOrphan, d) && !f.resOrphan) {
		f.resOrphan = true
		f.resSerial++
		o := m
		o.kundennr = orphanKundennummer(orphanRes + int64(d-w.first)*100 + f.resSerial%100)
		o.azr = azrNummer(7_000_000_000 + int64(d)*1000 + f.resSerial)
		o.dirtKind, o.dirtColumn = kindOrphan, "kundennummer"
		f.res[kreis] = append(f.res[kreis], o)
	}
}

// background writes what the day holds beyond the clients' own records: decisions for
// non-clients, orphans, and the forced dirt that found no row of its own.
func (f *dayFiles) background(w *world, d day, res *dayResult) {
	for _, kreis := range pipeline.Kreise {
		for _, m := range w.officeMeldungen(kreis, d) {
			f.addMeldung(w, kreis, m, d)
		}
	}
	f.orphanParticipations(w, d)
	if workday(d) && w.dirt.on {
		n := 0
		for j := 0; j < f.jobsRows+1; j++ {
			if w.dirt.row(1, 9, uint64(d), uint64(j)) || (j == 0 && w.dirt.isForced(exportJobs, kindOrphan, d)) {
				f.orphanJob(w, d, n, res)
				n++
			}
		}
	}
	// A row cut off at the end: a job start or a client whose last line broke off.
	if w.dirt.on && d != w.dirt.jobsEmpty && d != w.dirt.jobsWrongHeader && mayReject(f.jobsRej, f.jobsRows+1) &&
		(unit(hash(w.seed, keyFileDirt, 20, uint64(d))) < 0.03 || w.dirt.isForced(exportJobs, kindTruncatedRow, d)) {
		row := slices.Clone(f.lastJob)
		if row == nil {
			row = make([]string, len(jobsHeader))
			js, v := jobStart{kind: "SVB_VZ", ende: noDay, employer: 1}, jobVersion{meld: d, beginn: d, hours: 400, pay: 250_000}
			row[1] = orphanKundennummer(phantomVerbis + 50_000 + int64(d)%10_000)
			fillJob(row, &js, &v, w.employerSector(1))
		}
		y, _, _ := d.ymd()
		row[0] = aufnahmeID(y, 999_000+int64(d)%1000)
		line := csvLine(nil, row)
		f.jobsDirt = append(f.jobsDirt, dirtEntry{f.jobs.name, f.jobs.lines + 1, "", kindTruncatedRow, handlingReject})
		f.jobs.partial(line[:len(line)*2/5])
		f.jobsRows++
	}
	if w.dirt.on && !f.verbisUTF8 && f.lastVerbis != nil && mayReject(f.verbisRej, f.verbisRows+1) &&
		(unit(hash(w.seed, keyFileDirt, 21, uint64(d))) < 0.01 || w.dirt.isForced(exportVerbis, kindTruncatedRow, d)) {
		row := slices.Clone(f.lastVerbis)
		row[vKundennummer] = orphanKundennummer(phantomVerbis + int64(d)%100_000)
		if f.verbisExtra {
			row = row[:len(verbisHeader)+1]
		}
		line := csvLine(nil, row)
		f.verbisDirt = append(f.verbisDirt, dirtEntry{f.verbis.name, f.verbis.lines + 1, "", kindTruncatedRow, handlingReject})
		f.verbis.partial(line[:len(line)/2])
		f.verbisRows++
	}
}

// close completes the day's files and records them in the truth.
func (f *dayFiles) close(w *world, d day, res *dayResult) error {
	dp := w.dirt
	stichtag := d.iso()
	// client master
	vi := fileInfo{Name: f.verbis.name, Export: exportVerbis, Stichtag: stichtag, Delivered: stichtag, DataRows: f.verbisRows, Outcome: outcomeIngest}
	if f.verbisExtra {
		vi.Kinds = append(vi.Kinds, kindExtraColumn)
	}
	if f.verbisUTF8 {
		vi.Outcome, vi.Kinds = outcomeQuarantine, append(vi.Kinds, kindBadEncoding)
	} else {
		res.dirt = append(res.dirt, f.verbisDirt...)
	}
	if err := f.verbis.commit(); err != nil {
		return err
	}
	res.files = append(res.files, vi)
	// job starts
	ji := fileInfo{Name: f.jobs.name, Export: exportJobs, Stichtag: stichtag, Delivered: stichtag, DataRows: f.jobsRows, Outcome: outcomeIngest}
	switch {
	case d == dp.jobsEmpty:
		ji.Kinds = []string{kindEmptyFile}
	case d == dp.jobsWrongHeader:
		ji.Outcome, ji.Kinds = outcomeQuarantine, []string{kindWrongHeader}
	case f.jobsNoMeld:
		ji.Outcome, ji.Kinds = outcomeQuarantine, []string{kindMissingColumn}
	default:
		if f.jobsExtra {
			ji.Kinds = append(ji.Kinds, kindExtraColumn)
		}
		if f.jobsRows == 0 {
			ji.Kinds = append(ji.Kinds, kindHeaderOnly)
		}
		res.dirt = append(res.dirt, f.jobsDirt...)
	}
	if err := f.jobs.commit(); err != nil {
		return err
	}
	res.files = append(res.files, ji)
	// measures
	mi := fileInfo{Name: f.meas.name, Export: exportMeasures, Stichtag: stichtag, Delivered: stichtag, DataRows: f.measRows, Outcome: outcomeIngest}
	trailing := dp.on && unit(hash(w.seed, keyFileDirt, 22, uint64(d))) < 0.2
	extraSheet := dp.on && unit(hash(w.seed, keyFileDirt, 23, uint64(d))) < 0.1
	if trailing {
		f.meas.emptyRows(1 + int(hash(w.seed, keyFileDirt, 24, uint64(d))%4))
		mi.Kinds = append(mi.Kinds, kindTrailingEmpty)
	}
	if extraSheet {
		mi.Kinds = append(mi.Kinds, kindExtraSheet)
	}
	if f.measBroken {
		mi.Outcome, mi.Kinds = outcomeQuarantine, append(mi.Kinds, kindTooManyRejects)
	} else {
		res.dirt = append(res.dirt, f.measDirt...)
	}
	if err := f.meas.commit(d, f.measRows, extraSheet); err != nil {
		return err
	}
	res.files = append(res.files, mi)
	// residence decisions, one file per office
	for _, kreis := range pipeline.Kreise {
		name := "abh_aufenthalt_" + kreis + "_" + d.compact() + ".xml"
		bad := d == dp.abhBadEncoding && kreis == pipeline.KreisSiegenWittgenstein
		data, dirt, err := renderResidence(name, kreis, d, f.res[kreis], bad)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		ri := fileInfo{Name: name, Export: exportResidence, Stichtag: stichtag, Delivered: stichtag, DataRows: len(f.res[kreis]), Outcome: outcomeIngest}
		if len(f.res[kreis]) == 0 {
			ri.Kinds = []string{kindHeaderOnly}
		}
		if bad {
			ri.Outcome, ri.Kinds = outcomeQuarantine, []string{kindBadEncoding}
		} else {
			res.dirt = append(res.dirt, dirt...)
		}
		if err := writeAtomic(w.opt.Out, name, data); err != nil {
			return err
		}
		res.files = append(res.files, ri)
	}
	res.rows = int64(f.verbisRows + f.jobsRows + f.measRows + len(f.res[pipeline.KreisOlpe]) + len(f.res[pipeline.KreisSiegenWittgenstein]))
	return nil
}
