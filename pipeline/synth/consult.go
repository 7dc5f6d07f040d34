package synth

import (
	"encoding/json"
	"fmt"

	"ipoint/pipeline"
)

// consultRec is one consultation, before the month's file numbers it.
type consultRec struct {
	at                           day
	kreis, group, topic, channel string
	minutes                      int
	kn, betr                     string
}

type consultJSON struct {
	ID             string  `json:"id"`
	Datum          string  `json:"datum"`
	Kreis          string  `json:"kreis"`
	Zielgruppe     string  `json:"zielgruppe"`
	Thema          string  `json:"thema"`
	Kanal          string  `json:"kanal"`
	DauerMin       int     `json:"dauer_min"`
	Kundennummer   *string `json:"kundennummer"`
	Betriebsnummer *string `json:"betriebsnummer"`
}

// officeConsults draws the day's advice to volunteers and employers.
func (w *world) officeConsults(d day, res *dayResult) {
	if !workday(d) {
		return
	}
	r := newStream(w.seed, keyDayOffice, uint64(d), 77)
	for _, kreis := range pipeline.Kreise {
		share := 0.68
		if kreis == pipeline.KreisOlpe {
			share = 0.32
		}
		nv := int(1.5*w.opt.Scale*share*2*r.float() + r.float())
		for i := 0; i < nv; i++ {
			res.consults = append(res.consults, consultRec{at: d, kreis: kreis, group: "EHRENAMT",
				topic:   pickString(&r, []string{"RECHT", "SPRACHE", "ARBEIT", "FOERDERUNG", "ANERKENNUNG"}, []float64{0.3, 0.25, 0.2, 0.15, 0.1}),
				channel: consultChannels[r.pick([]float64{0.5, 0.4, 0.1})], minutes: []int{15, 30, 45, 60}[r.intn(4)]})
		}
		ne := int(2.5*w.opt.Scale*share*2*r.float() + r.float())
		for i := 0; i < ne; i++ {
			u := r.float()
			res.consults = append(res.consults, consultRec{at: d, kreis: kreis, group: "ARBEITGEBER",
				topic:   pickString(&r, []string{"EINSTELLUNG", "FOERDERUNG", "AUSBILDUNG", "PRAKTIKUM", "RECHT"}, []float64{0.35, 0.25, 0.2, 0.1, 0.1}),
				channel: consultChannels[r.pick([]float64{0.45, 0.45, 0.1})], minutes: []int{20, 30, 45, 60, 90}[r.intn(5)],
				betr: betriebsnummer(int64(float64(w.employers) * u * u))})
		}
	}
}

// consultFile writes one month's consultation log.
type consultFile struct {
	m      month
	t      *textFile
	serial int
	rows   int
	rej    int
	dirt   []dirtEntry
	last   []byte
	forced []string
}

func (w *world) openConsults(m month) (*consultFile, error) {
	t, err := createText(w.opt.Out, "beratungen_"+m.compact()+".jsonl", nil, "\n", false)
	if err != nil {
		return nil, err
	}
	c := &consultFile{m: m, t: t}
	if w.dirt.on && m == w.dirt.consultTruncated {
		c.forced = append(c.forced, rowKinds[exportConsultations]...)
		c.forced = append(c.forced, kindOrphan)
	}
	return c, nil
}

func (c *consultFile) write(rec consultRec, kind, col string) error {
	c.serial++
	j := consultJSON{ID: fmt.Sprintf("B-%04d-%02d-%06d", c.m.year(), c.m.num(), c.serial), Datum: rec.at.iso(),
		Kreis: rec.kreis, Zielgruppe: rec.group, Thema: rec.topic, Kanal: rec.channel, DauerMin: rec.minutes}
	if rec.kn != "" {
		j.Kundennummer = &rec.kn
	}
	if rec.betr != "" {
		j.Betriebsnummer = &rec.betr
	}
	b, err := json.Marshal(j)
	if err != nil {
		return err
	}
	if kind != "" {
		c.dirt = append(c.dirt, dirtEntry{c.t.name, c.t.lines + 1, col, kind, handlingOf(kind)})
	}
	c.t.line(string(b))
	c.rows++
	c.last = b
	return nil
}

// add writes rec, and now and then a defective double entry or an orphan beside it.
func (c *consultFile) add(w *world, rec consultRec) error {
	if err := c.write(rec, "", ""); err != nil {
		return err
	}
	keys := []uint64{10, uint64(c.m), uint64(c.serial)}
	h := hash(keys...)
	kind := ""
	if w.dirt.row(1, keys...) {
		kind = w.dirt.kindFor(exportConsultations, keys...)
	} else if len(c.forced) > 0 {
		kind, c.forced = c.forced[0], c.forced[1:]
	}
	if kind != "" && kind != kindOrphan {
		// Keep one rejection in hand for the cut-off last line.
		if !mayReject(c.rej+1, c.rows+1) {
			return nil
		}
		c.rej++
	}
	bad, col := rec, ""
	switch kind {
	case "":
		return nil
	case kindInvalidDate:
		return c.writeBadDate(rec, h)
	case kindUnknownCode:
		bad.topic, col = "SONSTIGES", "thema"
	case kindBadIdentifier:
		if rec.betr != "" {
			bad.betr, col = rec.betr[:7], "betriebsnummer"
		} else if rec.kn != "" {
			bad.kn, col = badKundennummer(rec.kn, h), "kundennummer"
		} else {
			bad.group, bad.betr, col = "ARBEITGEBER", "1234567", "betriebsnummer"
		}
	case kindOrphan:
		bad = consultRec{at: rec.at, kreis: rec.kreis, group: "GEFLUECHTETE", topic: "ARBEIT", channel: "TELEFON", minutes: 20,
			kn: orphanKundennummer(orphanConsult + int64(c.m)%100*1000 + int64(c.serial)%1000)}
		col = "kundennummer"
	}
	return c.write(bad, kind, col)
}

// writeBadDate writes a record whose date does not exist.
func (c *consultFile) writeBadDate(rec consultRec, h uint64) error {
	c.serial++
	j := consultJSON{ID: fmt.Sprintf("B-%04d-%02d-%06d", c.m.year(), c.m.num(), c.serial), Datum: badDate(false, h),
		Kreis: rec.kreis, Zielgruppe: rec.group, Thema: rec.topic, Kanal: rec.channel, DauerMin: rec.minutes}
	if rec.kn != "" {
		j.Kundennummer = &rec.kn
	}
	if rec.betr != "" {
		j.Betriebsnummer = &rec.betr
	}
	b, err := json.Marshal(j)
	if err != nil {
		return err
	}
	c.dirt = append(c.dirt, dirtEntry{c.t.name, c.t.lines + 1, "datum", kindInvalidDate, handlingReject})
	c.t.line(string(b))
	c.rows++
	return nil
}

// finish closes the month: with a cut-off last line where the plan says so.
func (c *consultFile) finish(w *world, deliver bool, res *truth) error {
	if !deliver {
		c.t.abort()
		return nil
	}
	info := fileInfo{Name: c.t.name, Export: exportConsultations, Stichtag: c.m.last().iso(), Delivered: deliveryDay(c.m, 1).iso(), Outcome: outcomeIngest}
	if w.dirt.on && c.m == w.dirt.consultTruncated && c.last != nil {
		c.dirt = append(c.dirt, dirtEntry{c.t.name, c.t.lines + 1, "", kindTruncatedRow, handlingReject})
		c.t.partial(string(c.last[:len(c.last)/2]))
		c.rows++
	}
	if c.rows == 0 {
		info.Kinds = []string{kindHeaderOnly}
	}
	info.DataRows = c.rows
	if err := c.t.commit(); err != nil {
		return err
	}
	res.addFile(info)
	return res.addDirt(c.dirt)
}
