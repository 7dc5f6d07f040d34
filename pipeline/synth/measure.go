package synth

import (
	"math"
	"slices"

	"ipoint/pipeline"
)

// modelFigures are the figures of issue 17 the default scenario is calibrated to,
// measured on the simulated lives themselves rather than on the delivered files: every
// start in its final version, whether or not it was delivered, and every life followed
// to its end. The warehouse computes the same figures from the deliveries (the
// Integrationsquote, the cohorts, the exits by reason, the course endings); they differ
// from these by what the deliveries leave out: starts reported outside the window, the
// months at its edges, the cohorts still running at the as-of date
// (docs/synthetic-data.md, "Calibration").
type modelFigures struct {
	// K2 (§48a SGB II): integrations in the 12 whole months before the as-of month,
	// divided by the mean caseload on the 15th of those months (mart_integrationsquote).
	Integrations12m int
	MeanCaseload    float64
	K2Quota12m      float64
	// The registrations of the 12 months that ended 12 months before the as-of date,
	// each followed for a year: the share with a first integration within 12 months of
	// registration, as a plain share of the cohort and as the Kaplan-Meier estimate of
	// mart_kohorte (an exit without integration censors).
	CohortSize  int
	CohortShare float64
	CohortKM12m float64
	// Exits in the 365 days up to the as-of date, by reason (pipeline.ExitReasons).
	Exits      int
	ExitShares map[string]float64
	// Integration courses (IK, IK_ALPHA, IK_JUGEND) that ended in the 365 days up to the
	// as-of date: broken off (ABGEBROCHEN), finished without a test (KEIN_TEST), with a
	// test below B1 (A2, UNTER_A2), with B1 (the certificate's language level).
	CourseEndings int
	CourseDropout float64
	CourseNoTest  float64
	CourseBelowB1 float64
	CourseB1Share float64
}

// measure follows every simulated life of w.
func (w *world) measure() modelFigures {
	var f modelFigures
	asOf := w.asOf
	last := monthOf(asOf) - 1 // the last whole month
	firstMonth := last - 11
	var stichtage [12]day
	for i := range stichtage {
		stichtage[i] = (firstMonth + month(i)).first() + 14
	}
	var caseload [12]int
	cohortFrom, cohortTo := dayOf(asOf.time().AddDate(-2, 0, 0)), dayOf(asOf.time().AddDate(-1, 0, 0))
	const kmMonths = 12
	var atRisk, events [kmMonths]int
	exits := map[string]int{}
	var courseDrop, courseNoTest, courseBelow, courseB1 int

	var p life
	for r := w.simStart; r <= asOf; r++ {
		lo, hi := w.registered(r)
		for idx := lo; idx < hi; idx++ {
			p.skeleton(w.seed, idx, r)
			if p.exit < cohortFrom && p.reg < asOf-1000 {
				continue // nothing of this life falls into what is measured
			}
			w.build(&p)
			for i, s := range stichtage {
				if p.reg <= s && p.exit > s {
					caseload[i]++
				}
			}
			if p.exit > asOf-365 && p.exit <= asOf {
				exits[pipeline.ExitReasons[p.reason]]++
				f.Exits++
			}
			// Integrations: person-months with a start of an integration kind (§48a
			// SGB II, at most one per person and month), in the start's final version.
			var seen []month
			first := noDay
			for ji := range p.jobs {
				j := &p.jobs[ji]
				v := j.versions[len(j.versions)-1]
				if v.storno || !pipeline.IsIntegration(j.kind) {
					continue
				}
				if m := monthOf(v.beginn); m >= firstMonth && m <= last && !slices.Contains(seen, m) {
					seen = append(seen, m)
					f.Integrations12m++
				}
				if v.beginn >= p.reg && (first == noDay || v.beginn < first) {
					first = v.beginn
				}
			}
			if p.reg >= cohortFrom && p.reg < cohortTo {
				f.CohortSize++
				event := first != noDay && first <= p.exit
				end := p.exit
				if event {
					end = first
				}
				months := int(math.Floor(float64(end-p.reg) / 30.4375))
				if event && months < kmMonths {
					f.CohortShare++
					events[months]++
				}
				for m := 0; m < kmMonths && m <= months; m++ {
					atRisk[m]++
				}
			}
			for _, pt := range p.parts {
				if !integrationCourse(pt.kind) || pt.endAct == noDay || pt.endAct <= asOf-365 || pt.endAct > asOf {
					continue
				}
				f.CourseEndings++
				switch {
				case pt.final == "ABGEBROCHEN":
					courseDrop++
				case pt.result == "KEIN_TEST":
					courseNoTest++
				case pt.result == "B1":
					courseB1++
				default:
					courseBelow++
				}
			}
		}
	}
	for _, n := range caseload {
		f.MeanCaseload += float64(n) / 12
	}
	f.K2Quota12m = float64(f.Integrations12m) / f.MeanCaseload
	surv := 1.0
	for m := 0; m < kmMonths; m++ {
		if atRisk[m] > 0 {
			surv *= 1 - float64(events[m])/float64(atRisk[m])
		}
	}
	f.CohortKM12m = 1 - surv
	f.CohortShare /= float64(max(f.CohortSize, 1))
	f.ExitShares = map[string]float64{}
	for _, r := range pipeline.ExitReasons {
		f.ExitShares[r] = ratio(exits[r], f.Exits)
	}
	f.CourseDropout = ratio(courseDrop, f.CourseEndings)
	f.CourseNoTest = ratio(courseNoTest, f.CourseEndings)
	f.CourseBelowB1 = ratio(courseBelow, f.CourseEndings)
	f.CourseB1Share = ratio(courseB1, f.CourseEndings)
	return f
}
