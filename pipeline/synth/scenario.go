package synth

import (
	"math"
	"time"

	"ipoint/pipeline"
)

// Calibration of the default scenario. Each figure names its source (domain.md) or says
// that it was tuned so that the simulated world meets the Integration Point's anchor
// figures at the as-of date: 1,060 active clients, about 40 registrations a week, 90 %
// needing special support, about 6,750 refugees in the two districts.
const (
	// Registrations: about 40 a week (domain.md §0), spread over the ~250 NRW workdays
	// of a year, with a mild seasonal swing (more in autumn).
	registrationsPerWeek = 40.0
	workdaysPerYear      = 250.0
	seasonalAmplitude    = 0.10

	// Length of stay with the Integration Point: log-normal. With 40 registrations a
	// week, a stock of 1,060 needs a mean stay of about 26.5 weeks (Little's law); the
	// median was tuned so that the simulated caseload meets 1,060 at the as-of date.
	stayMedianDays = 125.5
	staySigma      = 0.85
	stayMinDays    = 14
	stayMaxDays    = 3 * 365 // after three years every client is handed over (UEBERG)

	// Refugee population of the two districts (domain.md §0: ~6,750).
	refugeePopulation = 6750.0

	// Share of clients needing special support (domain.md §0: ~90 %).
	foerderShare = 0.90

	// Siegen drew self-organised arrivals (domain.md §6): its weight is multiplied.
	siegenWeight = 1.8

	// History simulated before the first delivered day: the 24-month window of the
	// client master plus the longest stay, so that the window is in steady state.
	windowMonths = 24
)

// Why a stay ends (Abgangsgrund; docs/synthetic-data.md, "Calibration").
//
// Into work or training: the IAB employment rate by years since arrival (below) times a
// factor, men 2.9 times women (domain.md §3.1: 67 % against 23 % six years after
// arrival). The factor is tuned so that the 12-month K2 quota (§48a SGB II,
// integrations over the mean caseload) meets the published magnitude (domain.md §3.2:
// 24.6 % for all SGB II in 2014, Jobcenters between 14.5 % and 47.2 %), and a first
// integration within 12 months of registration reaches 10–30 % of a cohort (issue 17).
// The employment rate is a stock of the whole population, most of whom found work
// after their time with the Integration Point; an exit into work is one transition.
//
// Naturalisation: only after years in Germany (§10 StAG asks for five years' residence),
// Ukrainians not (they hold §24 titles); domain.md §0 shows how strong it became for
// Syrians. Return: rare, more often for Ukrainians. Moving away, end of benefits, lost
// contact and other reasons: tuned shares; "sonstige" at most 10 % (issue 17). Every
// other stay ends with the handover to the regular team of the Jobcenter or Agentur,
// and so does every stay that reaches three years.
const (
	exitWorkMen       = 0.48
	exitWorkWomen     = exitWorkMen * 23 / 67
	exitNaturalised5  = 0.12 // five years or more since arrival
	exitNaturalised3  = 0.02 // three to five years
	exitReturn        = 0.02
	exitReturnUkraine = 0.10
	exitMoved         = 0.12
	exitBenefits      = 0.10
	exitNoContact     = 0.06
	exitOther         = 0.05
)

// employmentByYear is the IAB employment rate by years since arrival (domain.md §3.1:
// 7 % in year 1, 54 % in year 6, 62 % in year 7, 68 % in year 8, interpolated between).
// It shapes the chance that a stay ends in work or training.
var employmentByYear = []float64{0.07, 0.20, 0.32, 0.42, 0.49, 0.54, 0.62, 0.68}

func employmentRate(years float64) float64 {
	if years < 0 {
		years = 0
	}
	i := int(years)
	if i >= len(employmentByYear)-1 {
		return employmentByYear[len(employmentByYear)-1]
	}
	f := years - float64(i)
	return employmentByYear[i]*(1-f) + employmentByYear[i+1]*f
}

// Integration courses broken off: of the about 135,000 Ukrainians whose course ended by
// 09/2023, 16,546 (12.3 %) broke it off without taking the test, 56,750 (42 %) failed
// and 61,266 (46 %) passed (domain.md §3.3; the Bundesrechnungshof's figures as the
// press gave them, docs/synthetic-data.md). A client who leaves the Integration Point
// during a course breaks it off as life.leaves says; besides, illness, pregnancy or
// care duties end a few courses early. The shares are tuned to the 12.3 %. Other
// measures are broken off more often.
const (
	courseDropout     = 0.02
	courseLeaveOnMove = 0.1
	courseLeaveOnWork = 0.15
	measureDropout    = 0.10
)

// Integration-course results (domain.md §3.3): 14.7 % of participants take no test; of
// the test takers 48.7 % reach B1, 40.8 % A2, 10.5 % less. Literacy courses: 17 % B1,
// 43 % A2.
var (
	ikNoTest      = 0.147
	ikResults     = []float64{0.487, 0.408, 0.105} // B1, A2, UNTER_A2
	ikAlphaResult = []float64{0.17, 0.43, 0.40}
)

// Nationalities of the clients, weighted to the local mix (domain.md §0 and §3.4).
var nationalities = []struct {
	code   string
	weight float64
}{
	{"SYR", 24}, {"UKR", 22}, {"AFG", 13}, {"IRQ", 9}, {"TUR", 8}, {"IRN", 4}, {"ERI", 4},
	{"SOM", 2}, {"NGA", 2}, {"PAK", 2}, {"GEO", 2}, {"RUS", 2}, {"ARM", 1}, {"XXA", 1}, {"XXX", 1},
}

var nationalityWeights = func() []float64 {
	w := make([]float64, len(nationalities))
	for i, n := range nationalities {
		w[i] = n.weight
	}
	return w
}()

// Residence weights: by population, Siegen over-weighted.
var municipalityWeights = func() []float64 {
	w := make([]float64, len(pipeline.Municipalities))
	for i, m := range pipeline.Municipalities {
		w[i] = float64(m.Population)
		if m.Name == "Siegen" {
			w[i] *= siegenWeight
		}
	}
	return w
}()

// ukraineWar is the first day Ukrainians can have arrived (24 February 2022).
var ukraineWar = dayOf(time.Date(2022, 2, 24, 0, 0, 0, 0, time.UTC))

// ae24Extensions are the dates to which §24 protection was extended.
var ae24Extensions = []day{
	dayOf(time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC)),
	dayOf(time.Date(2025, 3, 4, 0, 0, 0, 0, time.UTC)),
	dayOf(time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)),
	dayOf(time.Date(2027, 3, 4, 0, 0, 0, 0, time.UTC)),
}

// registrationRate is the expected number of registrations on day d at scale 1.
func registrationRate(d day) float64 {
	if !workday(d) {
		return 0
	}
	doy := float64(d.time().YearDay())
	season := 1 + seasonalAmplitude*math.Sin(2*math.Pi*(doy-200)/365.25)
	return registrationsPerWeek * 52 / workdaysPerYear * season
}
