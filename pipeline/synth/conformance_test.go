package synth_test

// Conformance of the generator's inbox and ground truth with sources.md and
// docs/synthetic-data.md. Run: go test ./pipeline/synth/ -run 'Conformance|Determinism' -count=1

import (
	"fmt"
	"maps"
	"math"
	"sort"
	"strings"
	"testing"
	"time"
)

func eachFixture(t *testing.T, f func(t *testing.T, fx *fixture)) {
	for _, name := range fixtureNames {
		t.Run(name, func(t *testing.T) { f(t, getFixture(t, name)) })
	}
}

// TestConformanceTruthHeader: the documented top-level fields echo the options.
func TestConformanceTruthHeader(t *testing.T) {
	eachFixture(t, func(t *testing.T, fx *fixture) {
		tr, o := fx.truth, fx.opts
		t.Logf("generated in %v: %d files, %d dirt entries", fx.elapsed.Round(time.Millisecond), len(fx.names), len(tr.Dirt))
		if tr.Synthetic == nil || !*tr.Synthetic {
			t.Errorf("synthetic = %v, want true", tr.Synthetic)
		}
		first := o.AsOf.AddDate(0, 0, -(o.Days - 1))
		if tr.Seed != o.Seed || tr.AsOf != ymd(o.AsOf) || tr.FirstDay != ymd(first) || tr.Days != o.Days ||
			math.Abs(tr.Scale-o.Scale) > 1e-9 || math.Abs(tr.DirtRate-o.DirtRate) > 1e-9 {
			t.Errorf("truth header seed=%d as_of=%s first_day=%s days=%d scale=%g dirt_rate=%g; want %d %s %s %d %g %g",
				tr.Seed, tr.AsOf, tr.FirstDay, tr.Days, tr.Scale, tr.DirtRate,
				o.Seed, ymd(o.AsOf), ymd(first), o.Days, o.Scale, o.DirtRate)
		}
		if len(tr.Calibration) == 0 {
			t.Errorf("calibration is empty")
		}
	})
}

// TestConformanceFiles: the inbox holds exactly the documented files, the truth lists
// every one of them, and the not-data files are what their kinds say.
func TestConformanceFiles(t *testing.T) {
	eachFixture(t, func(t *testing.T, fx *fixture) {
		if len(fx.subdirs) > 0 {
			t.Errorf("inbox holds folders: %v", fx.subdirs)
		}
		listed := map[string]int{}
		for _, f := range fx.truth.Files {
			listed[f.Name]++
		}
		for n, k := range listed {
			if k > 1 {
				t.Errorf("truth lists %s %d times", n, k)
			}
			if fx.reports[n] == nil {
				t.Errorf("truth lists %s, which is not in the inbox", n)
			}
		}
		deliveries := expectedDataFiles(fx.opts.AsOf, fx.opts.Days)
		want := maps.Clone(deliveries)
		nonData := map[string]bool{}
		for _, n := range fx.names {
			if listed[n] == 0 {
				t.Errorf("inbox file %s is not listed in the truth", n)
			}
			r := fx.reports[n]
			if r.Export == "" {
				for k := range r.Kinds {
					nonData[k] = true
				}
				continue
			}
			if _, ok := want[n]; !ok {
				t.Errorf("data file %s lies outside the window or is not a documented delivery", n)
			}
			delete(want, n)
		}
		for n := range want {
			t.Errorf("documented delivery %s is missing", n)
		}
		for _, k := range []string{"partial_file", "hidden_file", "sidecar", "unknown_name"} {
			if !nonData[k] {
				t.Errorf("no file of kind %s in the inbox (docs: a *.part and a *.tmp, a hidden file, a sidecar, an unmatched name)", k)
			}
		}
		var part, tmp bool
		for _, n := range fx.names {
			part = part || strings.HasSuffix(n, ".part")
			tmp = tmp || strings.HasSuffix(n, ".tmp")
		}
		if !part || !tmp {
			t.Errorf("want both a *.part and a *.tmp file (part=%v tmp=%v)", part, tmp)
		}
		for _, f := range fx.truth.Files {
			// The delivery day: a data file's as the docs say, a file that is not data on
			// the as-of day.
			day, ok := deliveries[f.Name]
			if !ok {
				day = ymd(fx.opts.AsOf)
			}
			if f.Delivered != day {
				t.Errorf("%s: truth delivered %q, want %s", f.Name, f.Delivered, day)
			}
			r := fx.reports[f.Name]
			if r == nil || r.Export != "" {
				continue
			}
			checkKinds(t, r, &f)
		}
	})
}

// checkKinds compares the truth's file entry with the validator's own findings.
func checkKinds(t *testing.T, r *fileReport, f *truthFile) {
	t.Helper()
	tk := append([]string(nil), f.Kinds...)
	sort.Strings(tk)
	for _, k := range tk {
		if _, ok := fileKindOutcome[k]; !ok {
			t.Errorf("%s: truth kind %q is not a documented file-level kind", f.Name, k)
		}
	}
	if got := outcomeOf(tk); got != f.Outcome {
		t.Errorf("%s: truth outcome %q does not follow from its kinds %v (%s)", f.Name, f.Outcome, tk, got)
	}
	if mine := r.kindList(); strings.Join(mine, ",") != strings.Join(tk, ",") {
		t.Errorf("%s: truth kinds %v, the file shows %v", f.Name, tk, mine)
	}
	if mine := r.outcome(); mine != f.Outcome {
		t.Errorf("%s: truth outcome %s, the file deserves %s", f.Name, f.Outcome, mine)
	}
}

// checkExport runs the per-file checks for one export over both fixtures.
func checkExport(t *testing.T, export string) {
	eachFixture(t, func(t *testing.T, fx *fixture) {
		if (export == exBerat || export == exKI) && fx.name == "main" {
			// 2026-11-04..24 holds no month end: TestConformanceFiles checks there is
			// no monthly file here; the "monthend" fixture carries them.
			return
		}
		n, rows := 0, 0
		for _, name := range fx.names {
			r := fx.reports[name]
			if r.Export != export {
				continue
			}
			f := fx.truthFile(name)
			if f == nil {
				t.Errorf("%s: not in the truth", name)
				continue
			}
			n++
			if f.Export != export {
				t.Errorf("%s: truth export %q, want %q", name, f.Export, export)
			}
			if f.Stichtag != ymd(r.Stichtag) {
				t.Errorf("%s: truth stichtag %q, want %s", name, f.Stichtag, ymd(r.Stichtag))
			}
			if f.DataRows != r.DataRows {
				t.Errorf("%s: truth data_rows %d, the file holds %d", name, f.DataRows, r.DataRows)
			}
			checkKinds(t, r, f)
			if f.Outcome == "ingest" {
				rows += r.DataRows
				for i, p := range r.Problems {
					if i == 5 {
						t.Errorf("%s: ... %d problems in all", name, len(r.Problems))
						break
					}
					t.Errorf("%s: %s", name, p)
				}
				if tooManyRejects(r.Rejected, r.DataRows) {
					t.Errorf("%s: outcome ingest, but %d of %d rows (> 5 %%) would be rejected", name, r.Rejected, r.DataRows)
				}
			}
			if f.Outcome == "quarantine" {
				for _, k := range f.Kinds {
					if k == "too_many_rejects" && !tooManyRejects(r.Rejected, r.DataRows) {
						t.Errorf("%s: too_many_rejects, but only %d of %d rows are invalid", name, r.Rejected, r.DataRows)
					}
				}
				if (export == exVerbis || export == exMassn) &&
					(r.Stichtag.Equal(fx.opts.AsOf) || r.Stichtag.Weekday() == time.Sunday) {
					t.Errorf("%s: a quarantined snapshot must be neither the newest nor a Sunday's", name)
				}
			}
		}
		var style []string
		for _, name := range fx.names {
			if r := fx.reports[name]; r.Export == export {
				style = append(style, r.Style...)
			}
		}
		if len(style) > 0 {
			t.Errorf("%d values differ from the form sources.md shows, e.g. %s", len(style), style[0])
		}
		if n == 0 {
			t.Fatalf("no %s file in fixture %s", export, fx.name)
		}
		if rows == 0 {
			t.Errorf("no data rows in any ingestible %s file of fixture %s", export, fx.name)
		}
	})
}

func TestConformanceVerbisKunden(t *testing.T)     { checkExport(t, exVerbis) }
func TestConformanceArbeitsaufnahmen(t *testing.T) { checkExport(t, exAufn) }
func TestConformanceMassnahmen(t *testing.T)       { checkExport(t, exMassn) }
func TestConformanceABH(t *testing.T)              { checkExport(t, exABH) }

func TestConformanceBeratungen(t *testing.T) { checkExport(t, exBerat) }

func TestConformanceKISchutzsuchende(t *testing.T) { checkExport(t, exKI) }

// TestConformanceDirt: the multiset of dirty rows the validator finds in the files the
// truth ingests equals the truth's dirt list exactly.
func TestConformanceDirt(t *testing.T) {
	eachFixture(t, func(t *testing.T, fx *fixture) {
		ingest := map[string]bool{}
		for _, f := range fx.truth.Files {
			ingest[f.Name] = f.Outcome == "ingest"
		}
		count := map[string]int{}
		var mine, theirs []string
		for _, n := range fx.names {
			if !ingest[n] {
				continue
			}
			for _, f := range fx.reports[n].Rows {
				mine = append(mine, f.String())
			}
		}
		badHandling := map[string]int{}
		for _, d := range fx.truth.Dirt {
			if h, ok := rowKindHandling[d.Kind]; !ok {
				t.Errorf("truth dirt kind %q is not documented (%s:%d)", d.Kind, d.File, d.Line)
			} else if hw := strings.FieldsFunc(d.Handling, func(r rune) bool { return r == '_' || r == ',' || r == ' ' }); len(hw) == 0 || hw[0] != h {
				// the docs give the handling in words ("accept, reason unknown");
				// the JSON value must at least start with the documented verb
				badHandling[fmt.Sprintf("kind %s: handling %q, docs say %q", d.Kind, d.Handling, h)]++
			}
			theirs = append(theirs, finding{d.File, d.Line, d.Column, d.Kind}.String())
			count[d.Kind]++
		}
		for k, n := range badHandling {
			t.Errorf("truth dirt %s (%d entries)", k, n)
		}
		t.Logf("truth dirt by kind: %v", count)
		for _, k := range []string{"invalid_date", "unknown_code", "bad_identifier", "orphan"} {
			if count[k] == 0 {
				t.Errorf("no dirt of kind %s at all", k)
			}
		}
		diffMultisets(t, mine, theirs)
	})
}

// diffMultisets prints at most 30 differing entries and a count per side.
func diffMultisets(t *testing.T, mine, theirs []string) {
	t.Helper()
	m := map[string]int{}
	for _, s := range mine {
		m[s]++
	}
	for _, s := range theirs {
		m[s]--
	}
	var onlyFile, onlyTruth []string
	for s, k := range m {
		for ; k > 0; k-- {
			onlyFile = append(onlyFile, s)
		}
		for ; k < 0; k++ {
			onlyTruth = append(onlyTruth, s)
		}
	}
	if len(onlyFile)+len(onlyTruth) == 0 {
		return
	}
	sort.Strings(onlyFile)
	sort.Strings(onlyTruth)
	var b strings.Builder
	fmt.Fprintf(&b, "dirt differs: %d found in the files only, %d listed in the truth only (of %d found, %d listed)\n",
		len(onlyFile), len(onlyTruth), len(mine), len(theirs))
	shown := 0
	for _, s := range onlyFile {
		if shown < 20 {
			fmt.Fprintf(&b, "  + file only:  %s\n", s)
			shown++
		}
	}
	for _, s := range onlyTruth {
		if shown < 30 {
			fmt.Fprintf(&b, "  - truth only: %s\n", s)
			shown++
		}
	}
	t.Error(b.String())
}
