package synth

// build draws the detailed part of a life: residence decisions, courses and measures,
// job starts, phases and consultations. It is a pure function of (seed, idx) and the
// skeleton.
func (p *life) build(seed uint64, employers int64) {
	if p.built {
		return
	}
	p.built = true
	r := newStream(seed, keyDetail, uint64(p.idx))

	p.school = int8(r.pick([]float64{0.11, 0.11, 0.20, 0.25, 0.26, 0.07})) // KEIN..ABI, empty
	if p.school == 5 {
		p.school = -1
	}
	p.voc = int8(r.pick([]float64{0.60, 0.15, 0.05, 0.02, 0.09, 0.09}))
	if p.voc == 5 {
		p.voc = -1
	}
	p.target = int8(r.pick([]float64{0.58, 0.12, 0.03, 0.04, 0.23}))
	if p.target == 4 {
		p.target = -1
	}
	p.baseAS = r.chance(0.2)
	lang := int8(r.pick([]float64{0.30, 0.30, 0.20, 0.12, 0.05, 0.03})) // A0..B2, empty
	if lang == 5 {
		lang = -1
	}
	p.levels = append(p.levels, levelEvent{p.reg, lang})

	// Separate streams, so that each part can change without reshuffling the others.
	rr := newStream(seed, keyDetail, uint64(p.idx), 1)
	p.buildResidence(&rr)
	rc := newStream(seed, keyDetail, uint64(p.idx), 2)
	p.buildCourses(&rc, lang)
	rj := newStream(seed, keyDetail, uint64(p.idx), 3)
	p.buildJobs(&rj, employers)
	rb := newStream(seed, keyDetail, uint64(p.idx), 4)
	p.buildConsults(&rb)
}

// initialStatus draws the residence status a client registers with.
func (p *life) buildResidence(r *stream) {
	var first string
	lagYears := float64(p.reg-p.einreise) / 365.25
	switch {
	case p.nat == "UKR":
		first = "AE24"
	case lagYears < 1:
		first = pickString(r, []string{"GEST", "AE25_2", "AE25_1", "AE25_3", "DUL"}, []float64{0.55, 0.30, 0.03, 0.04, 0.08})
	default:
		first = pickString(r, []string{"AE25_2", "AE25_1", "AE25_3", "DUL", "DUL_B", "GEST", "FIKT", "NE", "SONST"},
			[]float64{0.58, 0.05, 0.08, 0.12, 0.02, 0.10, 0.02, 0.02, 0.01})
	}
	decided := nextWorkday(p.reg - day(r.between(10, 400)))
	if decided < p.einreise {
		decided = nextWorkday(p.einreise + 1)
	}
	seq := 0
	add := func(status string, decided day, late bool) *resEvent {
		rep := decided
		if late {
			rep = nextWorkday(decided + day(r.between(7, 56)))
		}
		verbis := nextWorkday(rep + day(r.between(0, 5)))
		if decided < p.reg {
			verbis = p.reg
		}
		e := resEvent{decided: decided, reported: rep, verbis: verbis, status: status,
			validUntil: validity(status, decided, r), wohnsitz: r.chance(0.6), seq: seq}
		seq++
		p.res = append(p.res, e)
		return &p.res[len(p.res)-1]
	}
	add(first, decided, r.chance(0.1))

	end := p.exit
	cur := first
	// The asylum procedure ends with protection or a Duldung.
	if cur == "GEST" {
		at := nextWorkday(p.reg + day(r.between(45, 330)))
		if at < end {
			next := pickString(r, []string{"AE25_2", "AE25_1", "AE25_3", "DUL"}, []float64{0.60, 0.04, 0.07, 0.29})
			add(next, at, r.chance(0.12))
			cur = next
		}
	}
	// Renewals of limited titles while the client is registered.
	for len(p.res) < 8 {
		last := p.res[len(p.res)-1]
		if last.validUntil == noDay || last.validUntil >= end {
			break
		}
		at := nextWorkday(last.validUntil - day(r.between(3, 30)))
		if at <= last.decided {
			at = nextWorkday(last.decided + 1)
		}
		if at >= end {
			break
		}
		status := last.status
		if status == "DUL" && r.chance(0.1) {
			status = "DUL_B"
		}
		add(status, at, r.chance(0.1))
	}
}

// validity returns gueltigBis for a title decided on d.
func validity(status string, d day, r *stream) day {
	switch status {
	case "AE25_1", "AE25_2":
		return d.addYears(3) - 1
	case "AE25_3":
		return d.addYears(1) - 1
	case "AE24":
		for _, e := range ae24Extensions {
			if e > d+30 {
				return e
			}
		}
		return d.addYears(1)
	case "DUL", "DUL_B":
		return d + day(r.between(90, 180))
	case "DUL_A":
		return d.addYears(3)
	case "GEST":
		return d + 180
	case "FIKT":
		return d + day(r.between(90, 180))
	}
	return noDay
}

func pickString(r *stream, values []string, weights []float64) string {
	return values[r.pick(weights)]
}

// statusAt returns the residence status the client master shows on d.
func (p *life) residenceAt(d day) string {
	s := p.res[0].status
	for _, e := range p.res[1:] {
		if e.verbis <= d {
			s = e.status
		}
	}
	return s
}

// buildCourses plans the language courses and measures of the stay.
func (p *life) buildCourses(r *stream, lang int8) {
	seq := 0
	t := p.reg + day(r.between(3, 20))
	addPart := func(kind string, created, beginn day, weeks int) *participation {
		pt := participation{seq: seq, kind: kind, traeger: r.intn(len(providers)), created: created,
			beginn: beginn, endPlan: beginn + day(weeks*7) - 1, endAct: noDay, resultDay: noDay}
		seq++
		dropout := measureDropout
		if integrationCourse(kind) {
			dropout = courseDropout
		}
		switch {
		case p.exit < pt.endPlan && p.leaves(r, kind):
			// Left during the course, or before it began: cancelled then (never before
			// its Beginn).
			pt.endAct, pt.final = maxDay(p.exit, pt.beginn), "ABGEBROCHEN"
		case r.chance(dropout):
			pt.endAct = pt.beginn + day(float64(weeks*7)*(0.2+0.6*r.float()))
			pt.final = "ABGEBROCHEN"
		default:
			pt.endAct = pt.endPlan + day(r.between(-3, 3))
			pt.final = "BEENDET"
		}
		p.parts = append(p.parts, pt)
		return &p.parts[len(p.parts)-1]
	}

	if lang < 3 && r.chance(0.8) { // below B1: an integration course first
		kind, weeks := "IK", r.between(30, 36)
		switch {
		case p.school >= 0 && p.school <= 1 && r.chance(0.6):
			kind, weeks = "IK_ALPHA", r.between(48, 56)
		case p.ageAtReg < 27 && r.chance(0.25):
			kind, weeks = "IK_JUGEND", r.between(38, 42)
		}
		beginn := nextWorkday(t + day(r.between(14, 70)))
		pt := addPart(kind, t, beginn, weeks)
		if pt.final == "BEENDET" {
			pt.resultDay = pt.endAct + day(r.between(14, 42))
			if r.chance(ikNoTest) {
				pt.result = "KEIN_TEST"
			} else {
				w := ikResults
				if kind == "IK_ALPHA" {
					w = ikAlphaResult
				}
				pt.result = []string{"B1", "A2", "UNTER_A2"}[r.pick(w)]
				switch pt.result {
				case "B1":
					lang = 3
					p.levels = append(p.levels, levelEvent{pt.resultDay, 3})
				case "A2":
					if lang < 2 {
						lang = 2
						p.levels = append(p.levels, levelEvent{pt.resultDay, 2})
					}
				}
			}
		}
		t = pt.endAct + day(r.between(7, 42))
	}
	// Further measures while the client is registered.
	for n := 0; n < 3 && t < p.exit; n++ {
		var kind string
		var weeks int
		switch {
		case lang == 3 && r.chance(0.35):
			kind, weeks = "BSK", r.between(24, 30)
		case p.voc == 1 && r.chance(0.3):
			kind, weeks = "ANERK", r.between(2, 8)
		case p.ageAtReg < 25 && r.chance(0.15):
			kind, weeks = "EQ", r.between(26, 52)
		case r.chance(0.55):
			kind, weeks = "MAT", r.between(8, 12)
		case r.chance(0.25):
			kind, weeks = "MAG", r.between(4, 6)
		case r.chance(0.15):
			kind, weeks = "FBW", r.between(26, 52)
		default:
			t += day(r.between(30, 90))
			continue
		}
		beginn := nextWorkday(t + day(r.between(14, 42)))
		if beginn >= p.exit {
			break
		}
		pt := addPart(kind, t, beginn, weeks)
		if kind == "BSK" && pt.final == "BEENDET" {
			pt.resultDay = pt.endAct + day(r.between(14, 42))
			pt.result = pickString(r, []string{"B2", "B1", "C1", "NICHT_BESTANDEN"}, []float64{0.50, 0.20, 0.05, 0.25})
			switch pt.result {
			case "B2":
				lang = 4
				p.levels = append(p.levels, levelEvent{pt.resultDay, 4})
			case "C1":
				lang = 5
				p.levels = append(p.levels, levelEvent{pt.resultDay, 5})
			}
		}
		t = pt.endAct + day(r.between(7, 60))
	}
	// Phases: courses and measures decide the client's status while they run.
	for _, pt := range p.parts {
		st, prio := "MASSN", 2
		if integrationCourse(pt.kind) {
			st, prio = "IK", 3
		}
		if pt.kind == "ANERK" { // counselling, not a measure that takes the client's time
			continue
		}
		p.phases = append(p.phases, phase{pt.beginn, pt.endAct, st, prio})
	}
	// Parental leave or illness.
	if (p.female && r.chance(0.08)) || r.chance(0.02) {
		from := p.reg + day(r.between(20, 200))
		p.phases = append(p.phases, phase{from, from + day(r.between(60, 365)), "NA", 4})
	}
}

// leaves reports whether a client whose stay ends before a participation of this kind
// does breaks it off (scenario.go): one who returns or no longer cooperates always;
// one who moves away or takes up work leaves a measure, and an integration course
// sometimes (it goes on at another provider, or in the evening). A handover, the end of
// benefits or a naturalisation leaves the participation running.
func (p *life) leaves(r *stream, kind string) bool {
	switch p.reason {
	case reasonRUECK, reasonMITW:
		return true
	case reasonUMZ:
		return !integrationCourse(kind) || r.chance(courseLeaveOnMove)
	case reasonINT:
		return !integrationCourse(kind) || r.chance(courseLeaveOnWork)
	}
	return false
}

// integrationCourse reports whether a measure kind is an integration course.
func integrationCourse(kind string) bool {
	return kind == "IK" || kind == "IK_ALPHA" || kind == "IK_JUGEND"
}

func maxDay(a, b day) day {
	if a > b {
		return a
	}
	return b
}

// providers of courses and measures (fictitious).
var providers = []string{
	"Sprachinstitut Rothaar", "Bildungszentrum Lennetal", "Akademie Siegerland gGmbH",
	"Lernwerkstatt Wittgenstein", "Integrationskurse Bigge e.V.", "Berufsbildungswerk Südwestfalen",
	"Sprachschule am Markt", "Qualifizierung & Arbeit \"Neue Wege\"", "Werkstatt Beruf; Olpe",
}

// levelAt returns the German level on d (-1: not recorded).
func (p *life) levelAt(d day) int8 {
	l := p.levels[0].level
	for _, e := range p.levels[1:] {
		if e.at <= d && e.level > l {
			l = e.level
		}
	}
	return l
}

// statusAt returns the client's Status on d.
func (p *life) statusAt(d day) string {
	if d >= p.exit {
		if p.reason == reasonINT {
			return "ERW"
		}
		d = p.exit - 1
	}
	best, prio := "AL", 0
	if p.baseAS {
		best = "AS"
	}
	for _, ph := range p.phases {
		if ph.from <= d && d < ph.to && ph.prio > prio {
			best, prio = ph.status, ph.prio
		}
	}
	return best
}
