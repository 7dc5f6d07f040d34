package synth

import (
	"context"
	"math"
	"path/filepath"
	"testing"
	"time"
)

// TestCalibration generates the default scenario around the as-of date for several
// seeds and checks the anchor figures of the Integration Point against the issue's
// tolerances (docs/synthetic-data.md, "Calibration").
func TestCalibration(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		dir := t.TempDir()
		opt := Options{Out: filepath.Join(dir, "in"), Truth: filepath.Join(dir, "t.json"), Seed: seed,
			AsOf: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), Days: 40}
		if err := opt.normalise(); err != nil {
			t.Fatal(err)
		}
		tr := runTruth(t, opt)
		c := tr.calibration()
		within(t, seed, "active caseload", float64(c["active_caseload"].(int)), 1060, 0.05)
		within(t, seed, "refugee population", float64(c["refugee_population"].(int)), 6750, 0.05)
		within(t, seed, "registrations per week", c["registrations_per_week_52"].(float64), 40, 0.03)
		if s := c["foerderbedarf_share"].(float64); math.Abs(s-0.90) > 0.03 {
			t.Errorf("seed %d: share needing support %.3f, want 0.90 ± 0.03", seed, s)
		}
	}
}

// TestCalibrationOutcomes checks the shapes taken from domain.md §3 over a year of
// deliveries: integration-course results and the rise of exits into work with the
// years since arrival.
func TestCalibrationOutcomes(t *testing.T) {
	dir := t.TempDir()
	opt := Options{Out: filepath.Join(dir, "in"), Truth: filepath.Join(dir, "t.json"), Seed: 5,
		AsOf: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), Days: 200}
	if err := opt.normalise(); err != nil {
		t.Fatal(err)
	}
	c := runTruth(t, opt).calibration()
	ik := c["integration_course"].(map[string]any)
	if ik["finished"].(int) < 300 {
		t.Fatalf("only %d finished integration courses", ik["finished"])
	}
	for _, x := range []struct {
		key  string
		want float64
	}{{"no_test_share", 0.147}, {"b1_share_of_tested", 0.487}, {"a2_share_of_tested", 0.408}, {"below_a2_share_of_tested", 0.105}} {
		// Literacy courses pull B1 down and A2/below up; 7 points covers them and chance.
		if got := ik[x.key].(float64); math.Abs(got-x.want) > 0.07 {
			t.Errorf("%s = %.3f, want %.3f ± 0.07", x.key, got, x.want)
		}
	}
	bands := c["exits_into_work_by_years_since_arrival"].([]map[string]any)
	share := func(i int) float64 { return bands[i]["share_into_work"].(float64) }
	if !(share(0) < share(2) && share(2) < share(5) && share(0) < 0.2 && share(5) > 0.45) {
		t.Errorf("exits into work do not rise with years since arrival: %.2f, %.2f, %.2f", share(0), share(2), share(5))
	}
}

// runTruth runs a whole generation and returns the accumulated truth.
func runTruth(t *testing.T, opt Options) *truth {
	t.Helper()
	var got *truth
	testHookTruth = func(tr *truth) { got = tr }
	defer func() { testHookTruth = nil }()
	if _, err := Generate(context.Background(), opt); err != nil {
		t.Fatal(err)
	}
	return got
}

func within(t *testing.T, seed uint64, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > want*tol {
		t.Errorf("seed %d: %s %.1f, want %.0f ± %.0f %%", seed, what, got, want, tol*100)
	} else {
		t.Logf("seed %d: %s %.1f (target %.0f)", seed, what, got, want)
	}
}
