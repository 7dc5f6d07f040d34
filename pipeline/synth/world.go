package synth

import (
	"math"
	"time"
)

// world holds what every day's work shares: the options, the registration schedule and
// the plan of injected dirt. It is small and read-only once built.
type world struct {
	opt       Options
	seed      uint64
	first     day     // first delivered Stichtag
	from      day     // first Stichtag whose files are written (Options.From; else first)
	asOf      day     // last delivered Stichtag
	simStart  day     // first simulated registration
	cum       []int64 // cum[i]: persons registered before simStart+i
	employers int64
	dirt      *dirtPlan
}

func newWorld(opt Options) *world {
	w := &world{opt: opt, seed: opt.Seed}
	w.asOf = dayOf(opt.AsOf)
	w.first = w.asOf - day(opt.Days) + 1
	w.from = w.first
	if !opt.From.IsZero() {
		w.from = dayOf(opt.From)
	}
	w.simStart = w.first.monday() - day(windowMonths*31+stayMaxDays+14)
	w.employers = int64(math.Max(50, 500*opt.Scale))

	// The registration schedule: a fixed expected rate per workday, drawn with a
	// stochastic rounding so that counts vary from day to day but not in the long run.
	n := int(w.asOf-w.simStart) + 2
	w.cum = make([]int64, n)
	for i := 1; i < n; i++ {
		d := w.simStart + day(i-1)
		rate := registrationRate(d) * opt.Scale
		count := 0
		if rate > 0 {
			u := unit(hash(w.seed, keySchedule, uint64(d)))
			v := unit(hash(w.seed, keySchedule, uint64(d), 1))
			count = int(rate*(0.75+0.5*v) + u)
		}
		w.cum[i] = w.cum[i-1] + int64(count)
	}
	w.dirt = newDirtPlan(w)
	return w
}

// registered returns the index range of persons who registered on d.
func (w *world) registered(d day) (lo, hi int64) {
	i := int(d - w.simStart)
	if i < 0 || i+1 >= len(w.cum) {
		return 0, 0
	}
	return w.cum[i], w.cum[i+1]
}

// windowStart returns the earliest Abgang_IP a client may have and still be in the
// snapshot of d: the master keeps clients who left within the 24 months before.
func windowStart(d day) day { return dayOf(d.time().AddDate(0, -windowMonths, 0)) }

// eachClient calls fn for every client in the snapshot of d, in index order, with the
// life's skeleton drawn (the detail is drawn on demand with p.build). The life value is
// reused between calls.
func (w *world) eachClient(d day, p *life, fn func(*life)) {
	from := windowStart(d)
	lo := d - day(stayMaxDays+14) - (d - from)
	if lo < w.simStart {
		lo = w.simStart
	}
	for r := lo; r <= d; r++ {
		a, b := w.registered(r)
		for idx := a; idx < b; idx++ {
			p.skeleton(w.seed, idx, r)
			if p.exit < from {
				continue
			}
			fn(p)
		}
	}
}

// build draws p's detail.
func (w *world) build(p *life) { p.build(w.seed, w.employers) }

// days lists the simulated days: the window, preceded by the days of its first ISO week
// (for the weekly truth) and of its first month (for a complete consultation log); a
// resumed generation (Options.From) starts with From's month instead.
func (w *world) days() []day {
	var out []day
	from := min(w.first.monday(), monthOf(w.first).first())
	if w.from > w.first { // resumed: From's month, for its consultation file
		from = monthOf(w.from).first()
	}
	for d := from; d <= w.asOf; d++ {
		out = append(out, d)
	}
	return out
}

// Generation date metadata: the Info sheet and XML carry an export time; it is derived
// from the Stichtag (the night after it, 02:00), never from the clock, so that output
// is deterministic.
func exportTime(d day) time.Time { return (d + 1).time().Add(2 * time.Hour) }
