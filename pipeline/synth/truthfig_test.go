package synth_test

// The truth's figures (weeks, months, language_results) have the documented shape and
// follow from the delivered files as docs/synthetic-data.md defines them: rejected
// snapshot rows carry the previous snapshot's state forward, deltas count only
// delivered, non-rejected versions.

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"
)

var (
	exitKeys   = set("INT UEBERG LEIST UMZ EINB RUECK MITW SONST UNBEKANNT")
	k2Kinds    = set("SVB_VZ SVB_TZ AUSB SELBST")
	monthLabel = func(t time.Time) string { return t.Format("2006-01") }
)

func sameKeys(m map[string]int, want map[string]bool) bool {
	if len(m) != len(want) {
		return false
	}
	for k := range m {
		if !want[k] {
			return false
		}
	}
	return true
}

// delivered: the truth's own outcome (whether that outcome is right is checked by the
// per-export tests; here the figures must agree with the truth's own file list).
func delivered(fx *fixture, name string) bool {
	f := fx.truthFile(name)
	return f != nil && f.Outcome == "ingest"
}

// fingerprint: every contract column but the key (a row's one defect may be its key).
func fingerprint(export, key string, v map[string]string) string {
	var b strings.Builder
	for _, c := range headers[export] {
		if c != key {
			b.WriteString(v[c] + "\x1f")
		}
	}
	return b.String()
}

// snapshotStates rebuilds, per Stichtag, the state of a full snapshot export: the
// accepted rows by key; for a rejected row, the previous state of its key (found by
// the key, or, where the key itself is the defect, by the row's other columns).
// A key without any row today is gone (clients leave the 24-month window).
func snapshotStates(fx *fixture, export, key string) map[time.Time]map[string]map[string]string {
	var reps []*fileReport
	for _, n := range fx.names {
		if r := fx.reports[n]; r.Export == export {
			reps = append(reps, r)
		}
	}
	sort.Slice(reps, func(i, j int) bool { return reps[i].Stichtag.Before(reps[j].Stichtag) })
	out := map[time.Time]map[string]map[string]string{}
	prev := map[string]map[string]string{}
	for _, r := range reps {
		if !delivered(fx, r.Name) {
			out[r.Stichtag] = prev
			continue
		}
		next := map[string]map[string]string{}
		byPrint := map[string]string{}
		for k, v := range prev {
			byPrint[fingerprint(export, key, v)] = k
		}
		var carry []string
		for _, rec := range r.Recs {
			switch k := rec.V[key]; {
			case !rec.Rejected && k != "":
				next[k] = rec.V
			case prev[k] != nil:
				carry = append(carry, k)
			case !rec.Truncated && byPrint[fingerprint(export, key, rec.V)] != "":
				carry = append(carry, byPrint[fingerprint(export, key, rec.V)])
			}
		}
		for _, k := range carry {
			if next[k] == nil {
				next[k] = prev[k]
			}
		}
		out[r.Stichtag] = next
		prev = next
	}
	return out
}

type weekKey struct {
	y, w  int
	kreis string
}

func TestConformanceTruthFigures(t *testing.T) {
	eachFixture(t, func(t *testing.T, fx *fixture) {
		tr := fx.truth
		asOf := fx.opts.AsOf
		first := asOf.AddDate(0, 0, -(fx.opts.Days - 1))
		errs := 0
		fail := func(format string, a ...any) {
			if errs++; errs <= 25 {
				t.Errorf(format, a...)
			}
		}
		defer func() {
			if errs > 25 {
				t.Errorf("... %d figure mismatches in all", errs)
			}
		}()

		// ---- weeks ----
		weekEnd := map[weekKey]time.Time{}
		for d := first; !d.After(asOf); d = d.AddDate(0, 0, 1) {
			y, w := d.ISOWeek()
			for k := range codesKreis {
				weekEnd[weekKey{y, w, k}] = d // the last window day of the week: Sunday or as_of
			}
		}
		states := snapshotStates(fx, exVerbis, "Kundennummer")
		type pair struct{ kn, date string }
		regKreis, exitKreis, exitReason := map[pair]string{}, map[pair]string{}, map[pair]string{}
		var days []time.Time
		for d := range states {
			days = append(days, d)
		}
		sort.Slice(days, func(i, j int) bool { return days[i].Before(days[j]) })
		for _, d := range days {
			for kn, v := range states[d] {
				if p := (pair{kn, v["Zugang_IP"]}); regKreis[p] == "" {
					regKreis[p] = v["Kreis"]
				}
				if v["Abgang_IP"] != "" {
					p := pair{kn, v["Abgang_IP"]}
					if exitKreis[p] == "" {
						exitKreis[p] = v["Kreis"]
					}
					if v["Abgangsgrund"] != "" {
						exitReason[p] = v["Abgangsgrund"]
					}
				}
			}
		}
		weekOf := func(s string) (weekKey, bool) {
			d, ok := parseDE(s, false)
			if !ok {
				return weekKey{}, false
			}
			y, w := d.ISOWeek()
			return weekKey{y: y, w: w}, true
		}
		regs, exits := map[weekKey]int{}, map[weekKey]map[string]int{}
		for p, k := range regKreis {
			if wk, ok := weekOf(p.date); ok {
				wk.kreis = k
				regs[wk]++
			}
		}
		for p, k := range exitKreis {
			if wk, ok := weekOf(p.date); ok {
				wk.kreis = k
				if exits[wk] == nil {
					exits[wk] = map[string]int{}
				}
				reason := exitReason[p]
				if reason == "" {
					reason = "UNBEKANNT"
				}
				exits[wk][reason]++
			}
		}
		seen := map[weekKey]bool{}
		for _, w := range tr.Weeks {
			k := weekKey{w.ISOYear, w.ISOWeek, w.Kreis}
			end, ok := weekEnd[k]
			if !ok || seen[k] {
				fail("weeks: unexpected or repeated entry %d-W%02d %s", w.ISOYear, w.ISOWeek, w.Kreis)
				continue
			}
			seen[k] = true
			if !sameKeys(w.Exits, exitKeys) || !sameKeys(w.CaseloadByStatus, codesKundenStatus) {
				fail("weeks %v: exits keys %v / caseload_by_status keys %v are not the documented ones", k, w.Exits, w.CaseloadByStatus)
			}
			sum := 0
			for _, n := range w.CaseloadByStatus {
				sum += n
			}
			if sum != w.CaseloadEnd || w.FoerderbedarfEnd > w.CaseloadEnd {
				fail("weeks %v: caseload_by_status sums to %d, caseload_end %d, foerderbedarf_end %d", k, sum, w.CaseloadEnd, w.FoerderbedarfEnd)
			}
			load, fb, by := 0, 0, map[string]int{}
			for _, v := range states[end] {
				zu, ok := parseDE(v["Zugang_IP"], false)
				ab, abok := parseDE(v["Abgang_IP"], false)
				if v["Kreis"] != w.Kreis || !ok || zu.After(end) || (abok && !ab.After(end)) {
					continue
				}
				load++
				by[v["Status"]]++
				if v["Foerderbedarf"] == "J" {
					fb++
				}
			}
			if load != w.CaseloadEnd || fb != w.FoerderbedarfEnd {
				fail("weeks %v (end %s): caseload_end %d foerderbedarf_end %d; the snapshot shows %d and %d",
					k, ymd(end), w.CaseloadEnd, w.FoerderbedarfEnd, load, fb)
			}
			for s := range codesKundenStatus {
				if by[s] != w.CaseloadByStatus[s] {
					fail("weeks %v: caseload_by_status[%s] %d; the snapshot shows %d", k, s, w.CaseloadByStatus[s], by[s])
				}
			}
			if regs[k] != w.Registrations {
				fail("weeks %v: registrations %d; the snapshots show %d", k, w.Registrations, regs[k])
			}
			for r := range exitKeys {
				if exits[k][r] != w.Exits[r] {
					fail("weeks %v: exits[%s] %d; the snapshots show %d", k, r, w.Exits[r], exits[k][r])
				}
			}
		}
		for k := range weekEnd {
			if !seen[k] {
				fail("weeks: no entry for %d-W%02d %s", k.y, k.w, k.kreis)
			}
		}

		// ---- months ----
		type version struct {
			meld     time.Time
			file     time.Time
			line     int
			art, kn  string
			beginn   time.Time
			storno   bool
			beginnOK bool
		}
		latest := map[string]version{}
		for _, n := range fx.names {
			r := fx.reports[n]
			if r.Export != exAufn || !delivered(fx, n) {
				continue
			}
			for _, rec := range r.Recs {
				if rec.Rejected {
					continue
				}
				m, _ := parseDE(rec.V["Meldedatum"], false)
				b, bok := parseDE(rec.V["Beginn"], false)
				v := version{m, r.Stichtag, rec.Line, rec.V["Art"], rec.V["Kundennummer"], b, rec.V["Storno"] == "J", bok}
				old, ok := latest[rec.V["Aufnahme_ID"]]
				if !ok || v.meld.After(old.meld) || (v.meld.Equal(old.meld) && (v.file.After(old.file) ||
					(v.file.Equal(old.file) && v.line > old.line))) {
					latest[rec.V["Aufnahme_ID"]] = v
				}
			}
		}
		starts, k2 := map[string]map[string]int{}, map[string]map[string]bool{}
		for _, v := range latest {
			if v.storno || !v.beginnOK {
				continue
			}
			m := monthLabel(v.beginn)
			if starts[m] == nil {
				starts[m], k2[m] = map[string]int{}, map[string]bool{}
			}
			starts[m][v.art]++
			if k2Kinds[v.art] {
				k2[m][v.kn] = true
			}
		}
		// The documented range, plus every month a delivered start begins in.
		monthSet := map[string]bool{}
		for m := time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(asOf); m = m.AddDate(0, 1, 0) {
			monthSet[monthLabel(m)] = true
		}
		for m := range starts {
			monthSet[m] = true
		}
		var wantMonths []string
		for m := range monthSet {
			wantMonths = append(wantMonths, m)
		}
		sort.Strings(wantMonths)
		var gotMonths []string
		for _, m := range tr.Months {
			gotMonths = append(gotMonths, m.Month)
			if !sameKeys(m.StartsByKind, codesArt) {
				fail("months %s: starts_by_kind keys %v are not the seven kinds", m.Month, m.StartsByKind)
			}
			for a := range codesArt {
				if m.StartsByKind[a] != starts[m.Month][a] {
					fail("months %s: starts_by_kind[%s] %d; the delivered deltas show %d", m.Month, a, m.StartsByKind[a], starts[m.Month][a])
				}
			}
			if m.K2Integrations != len(k2[m.Month]) {
				fail("months %s: k2_integrations %d; the delivered deltas show %d", m.Month, m.K2Integrations, len(k2[m.Month]))
			}
		}
		if fmt.Sprint(gotMonths) != fmt.Sprint(wantMonths) {
			fail("months %v, want %v", gotMonths, wantMonths)
		}

		// ---- language_results ----
		mstates := snapshotStates(fx, exMassn, "Teilnahme_ID")
		want := map[string]int{}
		for _, v := range mstates[asOf] {
			if v["Status"] != "BEENDET" || v["Ergebnis"] == "" {
				continue
			}
			e, ok := parseISO(v["Ende_tatsaechlich"])
			if !ok {
				fail("language_results: BEENDET participation %s has no readable Ende_tatsaechlich", v["Teilnahme_ID"])
				continue
			}
			// Documented: from the first day's month on.
			if monthLabel(e) < monthLabel(first) {
				continue
			}
			want[fmt.Sprintf("%s %s %s", monthLabel(e), v["Massnahmeart"], v["Ergebnis"])]++
		}
		got := map[string]int{}
		for _, l := range tr.LanguageResults {
			k := fmt.Sprintf("%s %s %s", l.Month, l.Massnahmeart, l.Ergebnis)
			if got[k] != 0 || l.Count <= 0 || !ergebnisCodes(l.Massnahmeart)[l.Ergebnis] {
				fail("language_results: repeated, non-positive or invalid entry %s (%d)", k, l.Count)
			}
			got[k] += l.Count
		}
		// A short window may hold no result at all (results come 2 to 6 weeks after a
		// course ends); TestCalibrationOutcomes and the warehouse's truth test cover many.
		for k, n := range want {
			if got[k] != n {
				fail("language_results %s: truth %d, the newest snapshot shows %d", k, got[k], n)
			}
		}
		for k, n := range got {
			if _, ok := want[k]; !ok {
				fail("language_results %s: truth %d, the newest snapshot shows none", k, n)
			}
		}
	})
}
