package reports

import (
	"math/rand"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestWeeklyAttacker plays the attacker against two consecutive Wochenberichte: it
// knows every published key figure of both weeks (per Kreis and together, and the
// changes against the previous week) and the rule that a Kreis's caseload changes by its
// registrations minus its exits. From sums, differences between the Kreise and
// differences between the weeks it derives what it can, until nothing more follows. No
// suppressed registration or exit count may be among what it derives.
func TestWeeklyAttacker(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	keys := []string{Kreise[0].Key, Kreise[1].Key}
	monday := isoMonday(2026, 47)
	suppressedSeen := 0
	for trial := 0; trial < 3000; trial++ {
		by := map[time.Time]map[string]weekRow{}
		var weeks []time.Time
		caseload := map[string]int64{keys[0]: 700, keys[1]: 300}
		for i := 5; i >= 0; i-- {
			m := monday.AddDate(0, 0, -7*i)
			weeks = append(weeks, m)
			by[m] = map[string]weekRow{}
			for _, kr := range keys {
				r := weekRow{regs: rng.Int63n(8)}
				for j := range r.exits {
					if rng.Intn(3) == 0 {
						r.exits[j] = rng.Int63n(4)
					}
				}
				caseload[kr] += r.regs - r.exitsTotal()
				r.caseload = caseload[kr]
				by[m][kr] = r
			}
		}
		// What is published: the key figures of this week's and last week's report.
		known := map[string]int64{}
		publish := func(week time.Time, tag string) {
			kt := weeklyKeys(by[week], by, weeks, week, 3, nil, nil)
			for _, row := range kt.Rows[:3] {
				name := map[string]string{"Betreute Kunden am Wochenende": "case", "Neue Zugänge": "regs", "Abgänge": "exits"}[row.Name]
				for i, cell := range row.Cells[:3] {
					if v, ok := parseCount(cell); ok {
						known[name+"|"+tag+"|"+strconv.Itoa(i)] = v
					}
				}
				if v, ok := parseChange(row.Cells[3]); ok {
					known[name+"|change|"+tag] = v
				}
			}
		}
		publish(monday, "w")
		publish(monday.AddDate(0, 0, -7), "p")
		// The attacker's rules, applied until nothing new follows.
		get := func(k string) (int64, bool) { v, ok := known[k]; return v, ok }
		for changed := true; changed; {
			changed = false
			learn := func(k string, v int64) {
				if _, ok := known[k]; !ok {
					known[k] = v
					changed = true
				}
			}
			for _, tag := range []string{"w", "p"} {
				for _, name := range []string{"case", "regs", "exits"} {
					a, okA := get(name + "|" + tag + "|0")
					b, okB := get(name + "|" + tag + "|1")
					s, okS := get(name + "|" + tag + "|2")
					switch {
					case okA && okB && !okS:
						learn(name+"|"+tag+"|2", a+b)
					case okA && okS && !okB:
						learn(name+"|"+tag+"|1", s-a)
					case okB && okS && !okA:
						learn(name+"|"+tag+"|0", s-b)
					}
				}
			}
			for _, name := range []string{"case", "regs", "exits"} {
				c, okC := get(name + "|change|w")
				cur, okCur := get(name + "|w|2")
				prev, okPrev := get(name + "|p|2")
				switch {
				case okC && okPrev && !okCur:
					learn(name+"|w|2", prev+c)
				case okC && okCur && !okPrev:
					learn(name+"|p|2", cur-c)
				}
			}
			// caseload(w) - caseload(p) = regs(w) - exits(w), per Kreis and together.
			for i := 0; i < 3; i++ {
				is := strconv.Itoa(i)
				cw, ok1 := get("case|w|" + is)
				cp, ok2 := get("case|p|" + is)
				r, ok3 := get("regs|w|" + is)
				e, ok4 := get("exits|w|" + is)
				if ok1 && ok2 {
					if ok3 && !ok4 {
						learn("exits|w|"+is, r-(cw-cp))
					}
					if ok4 && !ok3 {
						learn("regs|w|"+is, (cw-cp)+e)
					}
				}
			}
		}
		// Every suppressed count of this week must still be unknown.
		kt := weeklyKeys(by[monday], by, weeks, monday, 3, nil, nil)
		for _, row := range kt.Rows[1:3] {
			name := map[string]string{"Neue Zugänge": "regs", "Abgänge": "exits"}[row.Name]
			for i, cell := range row.Cells[:3] {
				if cell != "*" {
					continue
				}
				suppressedSeen++
				if v, ok := known[name+"|w|"+strconv.Itoa(i)]; ok {
					t.Fatalf("trial %d: the attacker recovered %s of column %d = %d from\n%+v", trial, name, i, v, kt.Rows[:3])
				}
			}
		}
	}
	if suppressedSeen < 1000 {
		t.Fatalf("only %d suppressed cells were attacked; the trials are too gentle", suppressedSeen)
	}
}

func parseCount(s string) (int64, bool) {
	if s == "-" {
		return 0, true
	}
	v, err := strconv.ParseInt(strings.ReplaceAll(s, ".", ""), 10, 64)
	return v, err == nil
}

func parseChange(s string) (int64, bool) {
	switch {
	case s == "±0":
		return 0, true
	case strings.HasPrefix(s, "+"):
		return parseCount(s[1:])
	case strings.HasPrefix(s, "−"):
		v, ok := parseCount(strings.TrimPrefix(s, "−"))
		return -v, ok
	}
	return 0, false
}
