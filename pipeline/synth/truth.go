package synth

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"ipoint/pipeline"
)

// truth accumulates the ground truth in day order. Dirt entries, which grow with the
// data, are spooled to a temporary file; everything else is aggregated.
type truth struct {
	w        *world
	weeks    map[weekKey]*weekTruth
	months   map[month]*monthTruth
	lang     map[langKey]int
	files    []fileInfo
	spool    *os.File
	spoolW   *bufio.Writer
	nDirt    int
	bands    [9][2]int
	popTotal int
	popMonth month
	caseload int
	foerder  int
	rows     int64
	official []officialTruth // destatis.go
}

type weekKey struct {
	y, wk int
	kreis string
}

type weekTruth struct {
	ISOYear    int            `json:"iso_year"`
	ISOWeek    int            `json:"iso_week"`
	Kreis      string         `json:"kreis"`
	Regs       int            `json:"registrations"`
	Exits      map[string]int `json:"exits"`
	Caseload   int            `json:"caseload_end"`
	ByStatus   map[string]int `json:"caseload_by_status"`
	FoerderEnd int            `json:"foerderbedarf_end"`
}

type monthTruth struct {
	Month  string         `json:"month"`
	Starts map[string]int `json:"starts_by_kind"`
	K2     int            `json:"k2_integrations"`
}

type langTruth struct {
	Month  string `json:"month"`
	Kind   string `json:"massnahmeart"`
	Result string `json:"ergebnis"`
	Count  int    `json:"count"`
}

func newTruth(w *world, spoolDir string) (*truth, error) {
	f, err := os.CreateTemp(spoolDir, ".truth-dirt-*")
	if err != nil {
		return nil, err
	}
	t := &truth{w: w, weeks: map[weekKey]*weekTruth{}, months: map[month]*monthTruth{}, lang: map[langKey]int{},
		spool: f, spoolW: bufio.NewWriter(f), popMonth: -1}
	for d := w.first.monday(); d <= w.asOf; d += 7 {
		for _, k := range pipeline.Kreise {
			t.week(d, k)
		}
	}
	for m := monthOf(w.first); m <= monthOf(w.asOf); m++ {
		t.month(m)
	}
	return t, nil
}

func (t *truth) week(d day, kreis string) *weekTruth {
	y, wk := d.isoWeek()
	k := weekKey{y, wk, kreis}
	if x := t.weeks[k]; x != nil {
		return x
	}
	x := &weekTruth{ISOYear: y, ISOWeek: wk, Kreis: kreis, Exits: map[string]int{}, ByStatus: map[string]int{}}
	for _, r := range append(append([]string{}, pipeline.ExitReasons...), pipeline.ExitReasonUnknown) {
		x.Exits[r] = 0
	}
	for _, s := range pipeline.ClientStatuses {
		x.ByStatus[s] = 0
	}
	t.weeks[k] = x
	return x
}

func (t *truth) month(m month) *monthTruth {
	if x := t.months[m]; x != nil {
		return x
	}
	x := &monthTruth{Month: m.label(), Starts: map[string]int{}}
	for _, k := range pipeline.StartKinds {
		x.Starts[k] = 0
	}
	t.months[m] = x
	return x
}

func (t *truth) addFile(f fileInfo) {
	if f.Kinds == nil {
		f.Kinds = []string{}
	}
	t.files = append(t.files, f)
}

func (t *truth) addDirt(entries []dirtEntry) error {
	enc := json.NewEncoder(t.spoolW)
	for _, e := range entries {
		if err := enc.Encode(e); err != nil {
			return err
		}
		t.nDirt++
	}
	return nil
}

// add merges one day's result, in day order.
func (t *truth) add(r *dayResult) error {
	d := r.d
	if d < t.w.first.monday() { // consultations only
		return nil
	}
	for k, n := range r.regs {
		t.week(d, k).Regs += n
	}
	for k, n := range r.exits {
		t.week(d, k[0]).Exits[k[1]] += n
	}
	for k, s := range r.caseload {
		wt := t.week(d, k)
		wt.Caseload, wt.FoerderEnd = s.n, s.foerder
		for st, n := range s.byStatus {
			wt.ByStatus[st] = n
		}
		if d == t.w.asOf {
			t.caseload += s.n
			t.foerder += s.foerder
		}
	}
	for k, n := range r.starts {
		t.month(k.m).Starts[k.kind] += n
	}
	for m, n := range r.k2 {
		t.month(m).K2 += n
	}
	for k, n := range r.lang {
		t.lang[k] += n
	}
	if d >= t.w.first {
		for i := range r.bands {
			t.bands[i][0] += r.bands[i][0]
			t.bands[i][1] += r.bands[i][1]
		}
	}
	for _, f := range r.files {
		t.addFile(f)
	}
	t.rows += r.rows
	return t.addDirt(r.dirt)
}

// write assembles the ground-truth JSON at path (atomically).
func (t *truth) write(path string) error {
	if err := t.spoolW.Flush(); err != nil {
		return err
	}
	w := t.w
	weeks := make([]*weekTruth, 0, len(t.weeks))
	for _, x := range t.weeks {
		weeks = append(weeks, x)
	}
	sort.Slice(weeks, func(i, j int) bool {
		a, b := weeks[i], weeks[j]
		if a.ISOYear != b.ISOYear {
			return a.ISOYear < b.ISOYear
		}
		if a.ISOWeek != b.ISOWeek {
			return a.ISOWeek < b.ISOWeek
		}
		return a.Kreis < b.Kreis
	})
	months := make([]*monthTruth, 0, len(t.months))
	for _, x := range t.months {
		months = append(months, x)
	}
	sort.Slice(months, func(i, j int) bool { return months[i].Month < months[j].Month })
	langs := make([]langTruth, 0, len(t.lang))
	for k, n := range t.lang {
		langs = append(langs, langTruth{k.m.label(), k.kind, k.result, n})
	}
	sort.Slice(langs, func(i, j int) bool {
		a, b := langs[i], langs[j]
		if a.Month != b.Month {
			return a.Month < b.Month
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Result < b.Result
	})
	sort.Slice(t.files, func(i, j int) bool { return t.files[i].Name < t.files[j].Name })

	head := map[string]any{
		"synthetic": true, "seed": w.seed, "as_of": w.asOf.iso(), "first_day": w.first.iso(),
		"days": w.opt.Days, "scale": w.opt.Scale, "dirt_rate": w.opt.DirtRate,
		"calibration": t.calibration(),
		"weeks":       weeks, "months": months, "language_results": langs, "files": t.files,
		"official_population": append([]officialTruth{}, t.official...),
	}
	if w.from > w.first {
		head["resumed_from"] = w.from.iso()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".groundtruth-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	out := bufio.NewWriter(tmp)
	b, err := json.MarshalIndent(head, "", " ")
	if err != nil {
		return err
	}
	// Append the spooled dirt list as the last member of the object.
	out.Write(b[:len(b)-2])
	out.WriteString(",\n \"dirt\": [")
	if _, err := t.spool.Seek(0, io.SeekStart); err != nil {
		return err
	}
	sc := bufio.NewScanner(t.spool)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for i := 0; sc.Scan(); i++ {
		if i > 0 {
			out.WriteByte(',')
		}
		out.WriteString("\n  ")
		out.Write(sc.Bytes())
	}
	if err := sc.Err(); err != nil {
		return err
	}
	out.WriteString("\n ]\n}\n")
	if err := out.Flush(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func (t *truth) close() {
	t.spool.Close()
	os.Remove(t.spool.Name())
}

// calibration reports the figures the default scenario is calibrated to.
func (t *truth) calibration() map[string]any {
	w := t.w
	// Registrations over the 364 days ending with as-of, from the schedule.
	lo := int(w.asOf - 363 - w.simStart)
	regs := w.cum[len(w.cum)-1] - w.cum[max(lo, 0)]
	c := map[string]any{
		"active_caseload":             t.caseload,
		"registrations_per_week_52":   float64(regs) / 52,
		"foerderbedarf_share":         ratio(t.foerder, t.caseload),
		"refugee_population":          t.popTotal,
		"refugee_population_stichtag": "",
	}
	if t.popMonth >= 0 {
		c["refugee_population_stichtag"] = t.popMonth.last().iso()
	}
	band := make([]map[string]any, 0, len(t.bands))
	for i, b := range t.bands {
		label := fmt.Sprintf("%d", i)
		if i == len(t.bands)-1 {
			label = fmt.Sprintf("%d+", i)
		}
		band = append(band, map[string]any{"years_since_arrival": label, "exits": b[0], "share_into_work": ratio(b[1], b[0])})
	}
	c["exits_into_work_by_years_since_arrival"] = band
	// Integration-course results as the newest snapshot shows them.
	ik := map[string]int{}
	for k, n := range t.lang {
		if k.kind == "IK" || k.kind == "IK_JUGEND" {
			ik[k.result] += n
		}
	}
	tested := ik["B1"] + ik["A2"] + ik["UNTER_A2"]
	c["integration_course"] = map[string]any{
		"finished": tested + ik["KEIN_TEST"], "no_test_share": ratio(ik["KEIN_TEST"], tested+ik["KEIN_TEST"]),
		"b1_share_of_tested": ratio(ik["B1"], tested), "a2_share_of_tested": ratio(ik["A2"], tested),
		"below_a2_share_of_tested": ratio(ik["UNTER_A2"], tested),
	}
	// The figures of issue 17, on the simulated lives (measure.go).
	m := w.measure()
	c["k2_quota_12m"] = m.K2Quota12m
	c["integrations_12m"] = m.Integrations12m
	c["mean_caseload_12m"] = m.MeanCaseload
	c["cohort_first_integration_12m"] = map[string]any{"cohort": m.CohortSize, "share": m.CohortShare, "kaplan_meier": m.CohortKM12m}
	c["exits_12m"] = map[string]any{"exits": m.Exits, "share_by_reason": m.ExitShares}
	c["integration_course_endings_12m"] = map[string]any{"endings": m.CourseEndings, "dropout_share": m.CourseDropout,
		"no_test_share": m.CourseNoTest, "below_b1_share": m.CourseBelowB1, "b1_share": m.CourseB1Share}
	return c
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
