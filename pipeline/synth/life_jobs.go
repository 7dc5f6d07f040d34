package synth

import "math"

// buildJobs draws the job and training starts of the stay and their reports: late
// reports, corrections and cancellations (Storno) as VerBIS delivers them.
func (p *life) buildJobs(r *stream, employers int64) {
	seq := 0
	add := func(kind string, beginn day, exitJob bool) {
		j := jobStart{seq: seq, kind: kind, ende: noDay, employer: -1}
		seq++
		years := float64(beginn-p.einreise) / 365.25
		hours, pay := -1, -1
		switch kind {
		case "SVB_VZ":
			hours = []int{385, 390, 400}[r.intn(3)]
			pay = fullTimePay(r, years)
		case "SVB_TZ":
			hours = 150 + 5*r.intn(31)
			pay = fullTimePay(r, years) * hours / 390
		case "AUSB":
			hours = []int{390, 400}[r.intn(2)]
			pay = 100 * r.between(850, 1250)
		case "SELBST":
			if r.chance(0.5) {
				hours = 400
			}
		case "MINI":
			hours = 10 * r.between(4, 10)
			pay = 100 * r.between(200, 603)
		case "PRAK":
			hours = 10 * r.between(20, 40)
			if r.chance(0.3) {
				pay = 100 * r.between(300, 600)
			}
		case "EQ":
			hours = 390
			pay = 100 * r.between(262, 350)
		}
		if r.chance(0.08) { // hours not reported
			hours = -1
		}
		switch kind {
		case "SVB_VZ", "SVB_TZ":
			if r.chance(0.3) {
				j.ende = beginn + day(r.between(180, 730))
			}
		case "AUSB":
			j.ende = beginn.addYears(2+r.intn(2)) - 1
		case "EQ":
			j.ende = beginn + day(r.between(180, 365))
		case "PRAK":
			j.ende = beginn + day(r.between(14, 84))
		}
		if kind != "SELBST" {
			u := r.float()
			j.employer = int64(float64(employers) * u * u) // a few large employers hire many
		}
		switch kind {
		case "SVB_VZ", "SVB_TZ", "SELBST":
			j.gefoerdert = r.chance(0.2)
		case "AUSB":
			j.gefoerdert = r.chance(0.1)
		case "EQ":
			j.gefoerdert = true
		}
		// The first report: usually shortly before the start, sometimes weeks late.
		meld := nextWorkday(beginn - day(r.between(0, 14)))
		if r.chance(0.10) {
			meld = nextWorkday(beginn + day(r.between(21, 45)))
		}
		if meld < p.reg {
			meld = nextWorkday(p.reg)
		}
		v := jobVersion{meld: meld, beginn: beginn, hours: hours, pay: pay}
		j.versions = append(j.versions[:0], v)
		if r.chance(0.08) { // a correction
			v.meld = nextWorkday(v.meld + day(r.between(7, 56)))
			switch r.intn(3) {
			case 0:
				v.beginn = nextWorkday(v.beginn + day(r.between(-10, 10)))
			case 1:
				if v.hours > 0 {
					v.hours = v.hours * (80 + r.intn(41)) / 100
				}
			default:
				if v.pay > 0 {
					v.pay = v.pay * (90 + r.intn(21)) / 100
				}
			}
			j.versions = append(j.versions, v)
		}
		if !exitJob && r.chance(0.03) { // cancelled: the start did not happen
			v.meld = nextWorkday(v.meld + day(r.between(5, 30)))
			v.storno = true
			j.versions = append(j.versions, v)
		}
		p.jobs = append(p.jobs, j)
	}

	stay := int(p.exit - p.reg)
	if r.chance(0.15) && stay > 40 {
		add("MINI", nextWorkday(p.reg+day(r.between(30, stay))), false)
	}
	if r.chance(0.12) && stay > 40 {
		add("PRAK", nextWorkday(p.reg+day(r.between(20, stay))), false)
	}
	if r.chance(0.04) && stay > 60 {
		b := nextWorkday(p.reg + day(r.between(30, stay)))
		if b < p.exit {
			add("SVB_TZ", b, false)
			p.phases = append(p.phases, phase{b, p.exit, "ERW", 1})
		}
	}
	for _, pt := range p.parts {
		if pt.kind == "EQ" && pt.beginn < p.exit {
			add("EQ", pt.beginn, false)
		}
	}
	if p.reason == reasonINT {
		kind := "SVB_VZ"
		switch x := r.float(); {
		case p.ageAtReg < 30 && x < 0.35, p.ageAtReg >= 30 && x < 0.08:
			kind = "AUSB"
		case x > 0.97:
			kind = "SELBST"
		case x > 0.70:
			kind = "SVB_TZ"
		}
		add(kind, p.exit, true)
	}
}

// fullTimePay draws a monthly gross wage in cents (domain.md §3.1: median 1,660 € in the
// first two years, 2,037 € in year six, 2,570 € for the 2015 cohort in 2022).
func fullTimePay(r *stream, years float64) int {
	median := 1660 + 75*math.Min(years, 9)
	return int(median*math.Exp(0.18*r.normal())) * 100
}

// buildConsults draws the client's consultations: one at registration, then every few
// weeks while registered.
func (p *life) buildConsults(r *stream) {
	t := nextWorkday(p.reg)
	for t < p.exit && len(p.consults) < 40 {
		topic := topicWeights(p.statusAt(t) == "IK")
		p.consults = append(p.consults, consult{
			at:      t,
			topic:   consultTopics[r.pick(topic)],
			channel: consultChannels[r.pick([]float64{0.70, 0.25, 0.05})],
			minutes: []int{15, 20, 30, 45, 60}[r.pick([]float64{0.15, 0.2, 0.35, 0.2, 0.1})],
		})
		t = nextWorkday(t + day(r.between(21, 63)))
	}
}

var (
	consultTopics   = []string{"ARBEIT", "AUSBILDUNG", "PRAKTIKUM", "SPRACHE", "ANERKENNUNG", "RECHT", "EINSTELLUNG", "FOERDERUNG"}
	consultChannels = []string{"PERSOENLICH", "TELEFON", "VIDEO"}
	topicsInCourse  = []float64{0.15, 0.10, 0.05, 0.40, 0.10, 0.12, 0, 0.08}
	topicsOtherwise = []float64{0.30, 0.15, 0.08, 0.15, 0.10, 0.12, 0, 0.10}
)

func topicWeights(inCourse bool) []float64 {
	if inCourse {
		return topicsInCourse
	}
	return topicsOtherwise
}
