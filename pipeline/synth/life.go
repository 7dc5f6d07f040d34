package synth

import (
	"math"

	"ipoint/pipeline"
)

// A life is everything the world knows of one client: who they are, when they registered
// and left, their residence decisions, courses, measures, job starts and consultations.
// It is rebuilt from (seed, index) wherever it is needed; see rng.go.
type life struct {
	idx int64

	// skeleton: cheap to draw, enough to decide whether the client is in a day's window
	nat      string
	female   bool
	sex      byte
	birthY   int
	birthM   int // 0: unknown
	birthD   int // 0: unknown
	einreise day
	noEntry  bool // Einreise not recorded
	muni     int  // index into pipeline.Municipalities
	reg      day
	exit     day // noDay while still registered at the end of time
	reason   int // index into pipeline.ExitReasons
	foerder  bool
	ageAtReg int

	// detail
	built    bool
	school   int8 // -1: empty
	voc      int8
	target   int8
	baseAS   bool // job-seeking, not unemployed (AS) rather than AL
	res      []resEvent
	phases   []phase
	levels   []levelEvent
	parts    []participation
	jobs     []jobStart
	consults []consult
}

type resEvent struct {
	decided    day // gueltigAb
	reported   day // day of the immigration office's file
	verbis     day // day the client master shows it; noDay: before registration
	status     string
	validUntil day // noDay: open-ended
	wohnsitz   bool
	seq        int
}

type phase struct {
	from, to day // [from, to)
	status   string
	prio     int
}

type levelEvent struct {
	at    day
	level int8
}

type participation struct {
	seq             int
	kind            string
	traeger         int
	created, beginn day
	endPlan, endAct day // endAct: noDay until it ends
	final           string
	result          string
	resultDay       day
}

type jobVersion struct {
	meld   day
	storno bool
	beginn day
	hours  int // tenths of an hour; -1: none
	pay    int // cents; -1: none
}

type jobStart struct {
	seq        int
	kind       string
	ende       day   // noDay: open-ended
	employer   int64 // -1: none
	gefoerdert bool
	versions   []jobVersion
}

type consult struct {
	at      day
	topic   string
	channel string
	minutes int
}

func (p *life) kreis() string { return pipeline.Municipalities[p.muni].Kreis }

// skeleton draws the cheap part of a life. reg is the registration day (from the
// schedule); horizon is the last day anything may happen.
func (p *life) skeleton(seed uint64, idx int64, reg day) {
	*p = life{idx: idx, reg: reg, res: p.res[:0], phases: p.phases[:0], levels: p.levels[:0],
		parts: p.parts[:0], jobs: p.jobs[:0], consults: p.consults[:0]}
	r := newStream(seed, keySkeleton, uint64(idx))

	for {
		p.nat = nationalities[r.pick(nationalityWeights)].code
		if p.nat != "UKR" || reg > ukraineWar+14 {
			break
		}
	}
	switch x := r.float(); {
	case x < 0.002:
		p.sex = 'd'
	case x < 0.005:
		p.sex = 'o'
	case p.nat == "UKR" && x < 0.65, p.nat != "UKR" && x < 0.28:
		p.sex, p.female = 'w', true
	default:
		p.sex = 'm'
	}
	// Age at registration (domain.md §3.2/§3.4: about half under 30).
	switch b := r.pick([]float64{0.30, 0.35, 0.20, 0.15}); b {
	case 0:
		p.ageAtReg = r.between(18, 24)
	case 1:
		p.ageAtReg = r.between(25, 34)
	case 2:
		p.ageAtReg = r.between(35, 44)
	default:
		p.ageAtReg = r.between(45, 63)
	}
	ry, _, _ := reg.ymd()
	p.birthY = ry - p.ageAtReg - r.intn(2)
	switch x := r.float(); {
	case x < 0.15: // only the year is known
	case x < 0.20:
		p.birthM = r.between(1, 12)
	case x < 0.30: // the customary 1 January for an unknown date
		p.birthM, p.birthD = 1, 1
	default:
		p.birthM = r.between(1, 12)
		p.birthD = r.between(1, pipeline.DaysInMonth(p.birthY, p.birthM))
	}

	// Arrival in Germany, before registration.
	var lag int
	switch {
	case p.nat == "UKR":
		lag = r.between(7, 200)
		if reg-day(lag) < ukraineWar {
			lag = int(reg - ukraineWar)
		}
	default:
		switch x := r.float(); {
		case x < 0.55:
			lag = 20 + int(-300*math.Log(1-r.float()))
		case x < 0.88:
			lag = r.between(365, 5*365)
		default:
			lag = r.between(5*365, 9*365)
		}
	}
	p.einreise = reg - day(lag)
	p.noEntry = r.chance(0.04)
	p.muni = r.pick(municipalityWeights)
	p.foerder = r.chance(foerderShare)

	// Stay and its end.
	// The stay's quantile comes from a golden-ratio (Weyl) sequence over the persons
	// rather than from the stream: the distribution is the same, but consecutive
	// registrations cover it evenly, so the caseload varies little from seed to seed.
	u := math.Mod(unit(hash(seed, keySkeleton))+float64(idx)*0.6180339887498949, 1)
	u = math.Min(math.Max(u, 1e-9), 1-1e-9)
	stay := int(stayMedianDays * math.Exp(staySigma*math.Sqrt2*math.Erfinv(2*u-1)))
	capped := false
	if stay < stayMinDays {
		stay = stayMinDays
	}
	if stay > stayMaxDays {
		stay, capped = stayMaxDays, true
	}
	p.exit = nextWorkday(reg + day(stay))
	years := float64(p.exit-p.einreise) / 365.25
	p.reason = pickReason(&r, p.nat, p.female, years)
	if capped {
		p.reason = reasonUEBERG
	}
}

// Indexes into pipeline.ExitReasons.
const (
	reasonINT = iota
	reasonUEBERG
	reasonLEIST
	reasonUMZ
	reasonEINB
	reasonRUECK
	reasonMITW
	reasonSONST
)

// pickReason draws why a stay ends (scenario.go): into work or training with a chance
// that rises with the years since arrival, naturalisation after some years, return
// (more often for Ukrainians), moving away, end of benefits, lost contact and other
// reasons at fixed shares; everyone else is handed over to the regular team.
func pickReason(r *stream, nat string, female bool, years float64) int {
	var w [reasonSONST + 1]float64
	w[reasonINT] = employmentRate(years) * exitWorkMen
	if female {
		w[reasonINT] = employmentRate(years) * exitWorkWomen
	}
	if nat != "UKR" {
		switch {
		case years >= 5:
			w[reasonEINB] = exitNaturalised5
		case years >= 3:
			w[reasonEINB] = exitNaturalised3
		}
	}
	w[reasonRUECK] = exitReturn
	if nat == "UKR" {
		w[reasonRUECK] = exitReturnUkraine
	}
	w[reasonUMZ] = exitMoved
	w[reasonLEIST] = exitBenefits
	w[reasonMITW] = exitNoContact
	w[reasonSONST] = exitOther
	rest := 1.0
	for _, x := range w {
		rest -= x
	}
	w[reasonUEBERG] = math.Max(rest, 0.05)
	return r.pick(w[:])
}
