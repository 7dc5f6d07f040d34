package suppress

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
)

// A System is every figure a publication shows, or has shown, as one set of unknowns
// and linear relations, the way an attacker sees it: the published figures are
// constants, every suppressed figure (and every latent figure that is never published,
// such as a Kreis's residents with unknown municipality) is an unknown, and the
// relations between them (a total is the sum of its parts, a caseload changes by
// registrations minus exits, a count of persons is at most the count of their starts)
// narrow the unknowns down. Protect chooses the suppressed figures so that linear
// programming over the whole system leaves each of them an interval at least as wide as
// the protection width (docs/suppression.md).
type System struct {
	vars  []variable
	index map[string]int
	rels  []relation
	seen  map[string]bool // canonical relations, to add each once
	// fixed: the findings the last Protect left as narrow as the figures fixed before
	// leave them (see Protect).
	fixed []Finding
	// noExplicit leaves out the relations read off this publication (withoutThis).
	noExplicit bool
}

// State of a figure in a publication.
type State int

// The states. Open figures are decided by Protect; the others are fixed by an earlier
// publication (or, for Latent, by never being published).
const (
	Open      State = iota // new: published unless Protect suppresses it
	Published              // fixed: already published with its value
	Hidden                 // fixed: already published as suppressed
	Latent                 // never published: an unknown that relations mention
)

type variable struct {
	key   string
	value int64
	state State
	supp  bool // decided: suppressed (always true for Hidden)
}

// Term is one figure of a relation with its coefficient.
type Term struct {
	Key  string
	Coef int64
}

// Plus and Minus build terms.
func Plus(key string) Term  { return Term{key, 1} }
func Minus(key string) Term { return Term{key, -1} }

type relTerm struct {
	v    int // the figure's index
	coef float64
}

type relation struct {
	terms  []relTerm
	atMost bool // Σ coef·x ≤ Σ coef·value instead of =
	// explicit: the constant is rhs (Σ coef·x = rhs or ≤ rhs), not the values' sum: for
	// what an attacker reads off a published difference, mean or share.
	explicit bool
	rhs      float64
}

// NewSystem returns an empty system.
func NewSystem() *System { return &System{index: map[string]int{}, seen: map[string]bool{}} }

// Figure adds a figure (or returns the one with that key: a figure is one cell however
// often it is shown). A figure added again with another state keeps the stronger one:
// fixed states win over Open, and a published figure is not made latent.
func (s *System) Figure(key string, value int64, st State) {
	if i, ok := s.index[key]; ok {
		v := &s.vars[i]
		if v.state == Open && st != Open && st != Latent || v.state == Latent && st != Latent {
			v.state, v.value = st, value
			v.supp = st == Hidden
		}
		return
	}
	s.index[key] = len(s.vars)
	s.vars = append(s.vars, variable{key: key, value: value, state: st, supp: st == Hidden})
}

// Has says whether the system knows a figure.
func (s *System) Has(key string) bool { _, ok := s.index[key]; return ok }

// Value is a figure's value as the system holds it (an earlier publication's, if fixed).
func (s *System) Value(key string) int64 { return s.vars[s.index[key]].value }

// Suppressed says whether a figure is shown as "*" (latent figures are never shown).
func (s *System) Suppressed(key string) bool {
	i, ok := s.index[key]
	return ok && s.vars[i].supp
}

// State returns a figure's state.
func (s *System) State(key string) State { return s.vars[s.index[key]].state }

// Equal adds the relation Σ coef·figure = const, where the constant is what the
// figures' values give: the attacker is assumed to know it exactly.
func (s *System) Equal(terms ...Term) { s.relate(false, terms) }

// AtMost adds Σ coef·figure ≤ 0: for example integrations (persons) ≤ the starts they
// rest on. Where the values break it (figures fixed at different times, with late
// deliveries between them), it holds up to what they break it by (see program).
func (s *System) AtMost(terms ...Term) { s.relate(true, terms) }

// EqualTo adds Σ coef·figure = rhs, with rhs read off a publication.
func (s *System) EqualTo(rhs float64, terms ...Term) { s.relateTo(false, rhs, terms) }

// AtMostTo adds Σ coef·figure ≤ rhs, with rhs read off a publication.
func (s *System) AtMostTo(rhs float64, terms ...Term) { s.relateTo(true, rhs, terms) }

func (s *System) relateTo(atMost bool, rhs float64, terms []Term) {
	if r := (relation{terms: s.combine(terms), atMost: atMost, explicit: true, rhs: rhs}); len(r.terms) > 0 {
		s.rels = append(s.rels, r)
	}
}

// combine merges the terms of one figure and drops zero coefficients, in the order of
// the figures.
func (s *System) combine(terms []Term) []relTerm {
	coef := map[int]int64{}
	for _, t := range terms {
		i, ok := s.index[t.Key]
		if !ok {
			panic("suppress: relation names an unknown figure " + t.Key)
		}
		coef[i] += t.Coef
	}
	var out []relTerm
	for i, c := range coef {
		if c != 0 {
			out = append(out, relTerm{i, float64(c)})
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].v < out[b].v })
	return out
}

// Sum adds total = Σ parts.
func (s *System) Sum(total string, parts ...string) {
	terms := []Term{Minus(total)}
	for _, p := range parts {
		terms = append(terms, Plus(p))
	}
	s.Equal(terms...)
}

func (s *System) relate(atMost bool, terms []Term) {
	r := relation{terms: s.combine(terms), atMost: atMost}
	if len(r.terms) < 2 {
		return
	}
	id := fmt.Sprint(atMost, r.terms) // figures in their order, so one relation has one id
	if s.seen[id] {
		return
	}
	s.seen[id] = true
	s.rels = append(s.rels, r)
}

// Relations returns the relations in a stable text form (for a ledger): the operator,
// then coefficient and key pairs, separated by tabs (keys may hold spaces).
func (s *System) Relations() []string {
	var out []string
	for _, r := range s.rels {
		if r.explicit {
			continue
		}
		op := "="
		if r.atMost {
			op = "<="
		}
		parts := []string{op}
		for _, t := range r.terms {
			parts = append(parts, fmt.Sprintf("%+d", int64(t.coef)), s.vars[t.v].key)
		}
		out = append(out, strings.Join(parts, "\t"))
	}
	sort.Strings(out)
	return out
}

// RelationKeys returns the keys a relation in the form Relations writes names.
func RelationKeys(text string) []string {
	f := strings.Split(text, "\t")
	var keys []string
	for i := 2; i < len(f); i += 2 {
		keys = append(keys, f[i])
	}
	return keys
}

// AddRelation adds a relation in the form Relations writes; a relation that names a
// figure the system does not know is skipped whole (its values are gone).
func (s *System) AddRelation(text string) {
	f := strings.Split(text, "\t")
	if len(f) < 3 || len(f)%2 != 1 || f[0] != "=" && f[0] != "<=" {
		return
	}
	var terms []Term
	for i := 1; i+1 < len(f); i += 2 {
		var c int64
		if _, err := fmt.Sscanf(f[i], "%d", &c); err != nil || !s.Has(f[i+1]) {
			return
		}
		terms = append(terms, Term{f[i+1], c})
	}
	s.relate(f[0] == "<=", terms)
}

// unknown says whether the attacker does not see a figure's value.
func (v variable) unknown() bool { return v.supp || v.state == Latent }

// lower is the attacker's lower bound: 0, or 1 for a suppressed figure that is not 0
// (zeros show "-", so a "*" is read as at least 1; assumed known to the attacker even
// where a zero is suppressed too, which only makes the audit stricter).
func (v variable) lower() float64 {
	if v.supp && v.value > 0 {
		return 1
	}
	return 0
}

// Interval is the range an attacker can narrow an unknown figure to.
type Interval struct {
	Lo, Hi  int64 // Hi is meaningful only if Bounded
	Bounded bool
}

// Width is Hi−Lo, or MaxInt64 if unbounded.
func (iv Interval) Width() int64 {
	if !iv.Bounded {
		return math.MaxInt64
	}
	return iv.Hi - iv.Lo
}

// Finding is an unknown figure narrowed below the protection width.
type Finding struct {
	Key      string
	Value    int64
	Interval Interval
}

func (f Finding) String() string {
	return fmt.Sprintf("%s (Wert %d) liegt zwischen %d und %d", f.Key, f.Value, f.Interval.Lo, f.Interval.Hi)
}

// needsWidth says whether an unknown figure must keep the protection width: every
// suppressed figure, and a latent one that is small (a never-published count of 1 or 2
// pinned down is as much a disclosure as a published one).
func (s *System) needsWidth(i int, k int64) bool {
	v := s.vars[i]
	return v.supp || v.state == Latent && v.value > 0 && v.value < k
}

// components groups the unknowns that relations tie together (through other unknowns;
// published figures are constants and tie nothing).
func (s *System) components() [][]int {
	parent := make([]int, len(s.vars))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for _, r := range s.rels {
		first := -1
		for _, t := range r.terms {
			if !s.vars[t.v].unknown() {
				continue
			}
			if first < 0 {
				first = t.v
			} else {
				parent[find(t.v)] = find(first)
			}
		}
	}
	groups := map[int][]int{}
	for i, v := range s.vars {
		if v.unknown() {
			groups[find(i)] = append(groups[find(i)], i)
		}
	}
	var out [][]int
	for _, g := range groups {
		out = append(out, g)
	}
	sort.Slice(out, func(a, b int) bool { return out[a][0] < out[b][0] })
	return out
}

// Audit computes the attacker's interval of every unknown figure that must keep the
// protection width, and returns those narrower than width. Components without an Open
// figure are skipped unless all is set (they were audited when they were published).
func (s *System) Audit(k, width int64, all bool) ([]Finding, error) {
	var out []Finding
	for _, comp := range s.components() {
		if !all && !s.hasOpen(comp) {
			continue
		}
		f, err := s.auditComponent(comp, k, width)
		if err != nil {
			return nil, err
		}
		out = append(out, f...)
	}
	return out, nil
}

// hasOpen says whether a component holds an Open figure, or a relation around it names
// one or is read off this publication (explicit): only then can this publication change
// what an attacker learns about it.
func (s *System) hasOpen(comp []int) bool {
	in := map[int]bool{}
	for _, i := range comp {
		if s.vars[i].state == Open {
			return true
		}
		in[i] = true
	}
	for _, r := range s.rels {
		touches, open := false, r.explicit // explicit relations are this publication's
		for _, t := range r.terms {
			touches = touches || in[t.v]
			open = open || s.vars[t.v].state == Open
		}
		if touches && open {
			return true
		}
	}
	return false
}

func (s *System) auditComponent(comp []int, k, width int64) ([]Finding, error) {
	var targets []int
	for _, i := range comp {
		if s.needsWidth(i, k) {
			targets = append(targets, i)
		}
	}
	if len(targets) == 0 {
		return nil, nil
	}
	p := s.program(comp)
	var out []Finding
	for _, i := range targets {
		iv, err := p.interval(i)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.vars[i].key, err)
		}
		if iv.Width() < width {
			out = append(out, Finding{Key: s.vars[i].key, Value: s.vars[i].value, Interval: iv})
		}
	}
	return out, nil
}

// Interval returns the attacker's interval of one unknown figure.
func (s *System) Interval(key string) (Interval, error) {
	i := s.index[key]
	for _, comp := range s.components() {
		for _, j := range comp {
			if j == i {
				return s.program(comp).interval(i)
			}
		}
	}
	return Interval{}, fmt.Errorf("%s ist veröffentlicht", key)
}

// program is a component's linear program: y = x − lower ≥ 0 per unknown, one slack
// per inequality, rows reduced to full rank.
type program struct {
	col   map[int]int // variable -> column
	lower map[int]float64
	a     [][]float64
	b     []float64
	cols  int
}

func (s *System) program(comp []int) *program {
	p := &program{col: map[int]int{}, lower: map[int]float64{}}
	in := map[int]bool{}
	for _, i := range comp {
		in[i] = true
		p.col[i] = p.cols
		p.lower[i] = s.vars[i].lower()
		p.cols++
	}
	type row struct {
		c      map[int]float64
		b      float64
		atMost bool
	}
	var rows []row
	for _, r := range s.rels {
		touches := false
		for _, t := range r.terms {
			if in[t.v] {
				touches = true
				break
			}
		}
		if !touches || r.explicit && s.noExplicit {
			continue
		}
		// Σ coef·x = Σ coef·value, with x = y + lower for the unknowns and x = value
		// for the known: Σ coef·y = Σ_unknown coef·(value − lower).
		// An equality holds with the values' own constant (the attacker is given it); an
		// inequality as stated (Σ coef·x ≤ 0, or ≤ rhs): its slack is not known.
		explicit := r.explicit || r.atMost
		rw := row{c: map[int]float64{}, atMost: r.atMost}
		if r.explicit {
			rw.b = r.rhs
		} else if r.atMost {
			// An inequality the values break holds up to that amount, the way an equality
			// holds with the values' own constant: a month's integrations (fixed when the
			// Monatsbericht showed them) can exceed the weekly starts the Wochenberichte
			// fixed before a late delivery; the attacker is given the difference.
			var over float64
			for _, t := range r.terms {
				over += t.coef * float64(s.vars[t.v].value)
			}
			rw.b = math.Max(over, 0)
		}
		for _, t := range r.terms {
			v := float64(s.vars[t.v].value)
			switch {
			case in[t.v]:
				rw.c[p.col[t.v]] += t.coef
				if explicit {
					rw.b -= t.coef * p.lower[t.v]
				} else {
					rw.b += t.coef * (v - p.lower[t.v])
				}
			case explicit:
				rw.b -= t.coef * v
			}
		}
		rows = append(rows, rw)
	}
	for _, rw := range rows {
		line := make([]float64, p.cols)
		for c, v := range rw.c {
			line[c] = v
		}
		if rw.atMost {
			line = append(line, 0)
			p.cols++
			for j := range p.a {
				p.a[j] = append(p.a[j], 0)
			}
			line[len(line)-1] = 1
		}
		p.a = append(p.a, line)
		p.b = append(p.b, rw.b)
	}
	for j := range p.a {
		for len(p.a[j]) < p.cols {
			p.a[j] = append(p.a[j], 0)
		}
	}
	p.reduce()
	return p
}

// reduce brings [a|b] to row echelon form and drops dependent rows, so that the
// simplex gets a matrix of full row rank.
func (p *program) reduce() {
	const eps = 1e-9
	r := 0
	for c := 0; c < p.cols && r < len(p.a); c++ {
		piv := -1
		best := eps
		for i := r; i < len(p.a); i++ {
			if x := math.Abs(p.a[i][c]); x > best {
				piv, best = i, x
			}
		}
		if piv < 0 {
			continue
		}
		p.a[r], p.a[piv] = p.a[piv], p.a[r]
		p.b[r], p.b[piv] = p.b[piv], p.b[r]
		for i := range p.a {
			if i == r || math.Abs(p.a[i][c]) < eps {
				continue
			}
			f := p.a[i][c] / p.a[r][c]
			for j := c; j < p.cols; j++ {
				p.a[i][j] -= f * p.a[r][j]
			}
			p.b[i] -= f * p.b[r]
		}
		r++
	}
	p.a, p.b = p.a[:r], p.b[:r]
}

var errInconsistent = errors.New("Beziehungen widersprechen sich")

// interval minimises and maximises one unknown.
func (p *program) interval(i int) (Interval, error) {
	c := p.col[i]
	lo := p.lower[i]
	// Columns no row mentions are free (≥ 0, no upper bound).
	used := make([]bool, p.cols)
	for _, row := range p.a {
		for j, x := range row {
			if math.Abs(x) > 1e-9 {
				used[j] = true
			}
		}
	}
	if !used[c] {
		return Interval{Lo: int64(lo)}, nil
	}
	obj := make([]float64, p.cols)
	obj[c] = 1
	min, st := minimize(p.a, p.b, obj)
	if st != lpOptimal {
		return Interval{}, errInconsistent
	}
	obj[c] = -1
	negMax, st := minimize(p.a, p.b, obj)
	if st == lpUnbounded {
		return Interval{Lo: int64(math.Ceil(min + lo - 1e-6))}, nil
	}
	if st != lpOptimal {
		return Interval{}, errInconsistent
	}
	return Interval{Lo: int64(math.Ceil(min + lo - 1e-6)), Hi: int64(math.Floor(-negMax + lo + 1e-6)), Bounded: true}, nil
}

// Protect decides the Open figures: those below k (and above 0) are suppressed
// (primary suppression); then, while an unknown figure is narrower than width, the
// smallest Open published figure that a relation ties to it is suppressed as well
// (secondary suppression; positive figures before zeros, then by key, so the choice is
// reproducible). Fixed figures keep their state.
//
// A latent figure (never shown) or one suppressed before that is narrower than width
// even with every Open figure suppressed is not this publication's to protect: earlier
// publications fixed what narrows it, or the audit's exact residuals pin a latent part
// whose value changed since the figures around it were fixed (stricter than any
// attacker, who sees the value of that time). Stopping would stop every later
// publication too. Protect keeps it as wide as those figures alone leave it (this
// publication must not narrow it further) and lists it in Fixed. It fails if a figure
// cannot be protected although this publication's figures narrow it, and if a figure
// this publication shows as "*" for the first time is pinned by fixed ones.
func (s *System) Protect(k, width int64) error {
	if err := CheckK(k); err != nil {
		return err
	}
	if width < k {
		return fmt.Errorf("Schutzbreite %d liegt unter der Geheimhaltungsschwelle %d", width, k)
	}
	for i := range s.vars {
		v := &s.vars[i]
		if v.state == Open && v.value > 0 && v.value < k {
			v.supp = true
		}
	}
	s.fixed = nil
	// The intervals fixed figures alone leave (every Open figure suppressed), for the
	// unknowns fixed before that are narrower than width.
	before := map[string]Interval{}
	for round := 0; round < 2*len(s.vars)+1; round++ {
		found, err := s.Audit(k, width, false)
		if err != nil {
			return err
		}
		// The first finding, by key, that this publication narrows: suppress the best
		// candidate next to it, until it has the width (or, where fixed figures alone
		// leave less, the width they leave).
		sort.Slice(found, func(a, b int) bool { return found[a].Key < found[b].Key })
		var fixed []Finding
		target, goal := -1, width
		for _, x := range found {
			if st := s.vars[s.index[x.Key]].state; st == Latent || st == Hidden {
				r, ok := before[x.Key]
				if !ok {
					r = s.withoutThis(x.Key)
					before[x.Key] = r
				}
				if r.Width() < width {
					if x.Interval.Width() >= r.Width() {
						fixed = append(fixed, x)
						continue
					}
					goal = r.Width()
				}
			}
			target = s.index[x.Key]
			break
		}
		if target < 0 {
			s.fixed = fixed
			return nil
		}
		c := s.candidate(target, goal)
		if c < 0 {
			return fmt.Errorf("%s lässt sich nicht schützen: alle Zahlen, die es eingrenzen, sind schon veröffentlicht", s.vars[target].key)
		}
		s.vars[c].supp = true
	}
	return errors.New("Geheimhaltung: keine Lösung gefunden")
}

// withoutThis is the interval an unknown has with every Open figure suppressed and
// without the relations read off this publication: what the figures fixed before
// leave an attacker (unbounded where that cannot be computed).
func (s *System) withoutThis(key string) Interval {
	var opened []int
	for i := range s.vars {
		if v := &s.vars[i]; v.state == Open && !v.supp {
			v.supp = true
			opened = append(opened, i)
		}
	}
	s.noExplicit = true
	iv, err := s.Interval(key)
	s.noExplicit = false
	for _, i := range opened {
		s.vars[i].supp = false
	}
	if err != nil {
		return Interval{}
	}
	return iv
}

// Fixed lists the unknowns the last Protect left narrower than the width because the
// figures published before leave them no more (see Protect), by key.
func (s *System) Fixed() []Finding { return s.fixed }

// candidate chooses the Open, still published figure to suppress next for the unknown
// i: among the figures that share a relation with i or with an unknown tied to it, in
// order of value (positive ones first, the smallest first, then by key), the first whose
// suppression gives i the protection width; failing that, the one that widens i's
// interval most; failing that, the first.
func (s *System) candidate(i int, width int64) int {
	comp := map[int]bool{}
	for _, c := range s.components() {
		for _, j := range c {
			if j == i {
				for _, x := range c {
					comp[x] = true
				}
			}
		}
	}
	seen := map[int]bool{}
	var cands []int
	for _, r := range s.rels {
		near := false
		for _, t := range r.terms {
			near = near || comp[t.v]
		}
		if !near {
			continue
		}
		for _, t := range r.terms {
			if v := s.vars[t.v]; v.state == Open && !v.supp && !seen[t.v] {
				seen[t.v] = true
				cands = append(cands, t.v)
			}
		}
	}
	sort.Slice(cands, func(a, b int) bool {
		va, vb := s.vars[cands[a]].value, s.vars[cands[b]].value
		if (va > 0) != (vb > 0) {
			return va > 0
		}
		if va != vb {
			return va < vb
		}
		return s.vars[cands[a]].key < s.vars[cands[b]].key
	})
	if len(cands) == 0 {
		return -1
	}
	key := s.vars[i].key
	before, err := s.Interval(key)
	if err != nil {
		return cands[0]
	}
	best, bestWidth := -1, before.Width()
	for _, c := range cands {
		s.vars[c].supp = true
		iv, err := s.Interval(key)
		s.vars[c].supp = false
		if err != nil {
			continue
		}
		if iv.Width() >= width {
			return c
		}
		if iv.Width() > bestWidth {
			best, bestWidth = c, iv.Width()
		}
	}
	if best >= 0 {
		return best
	}
	// No single figure helps: two together often do (a Kreis's registrations and exits
	// both, when the caseload's change ties them). The pair with the smallest sum that
	// gives the width, else the first that widens at all.
	top := cands
	if len(top) > 14 {
		top = top[:14]
	}
	type pair struct{ a, b int }
	var pairs []pair
	for x := 0; x < len(top); x++ {
		for y := x + 1; y < len(top); y++ {
			pairs = append(pairs, pair{top[x], top[y]})
		}
	}
	sort.SliceStable(pairs, func(x, y int) bool {
		return s.vars[pairs[x].a].value+s.vars[pairs[x].b].value < s.vars[pairs[y].a].value+s.vars[pairs[y].b].value
	})
	widen := -1
	for _, p := range pairs {
		s.vars[p.a].supp, s.vars[p.b].supp = true, true
		iv, err := s.Interval(key)
		s.vars[p.a].supp, s.vars[p.b].supp = false, false
		if err != nil {
			continue
		}
		if iv.Width() >= width {
			return p.a
		}
		if widen < 0 && iv.Width() > before.Width() {
			widen = p.a
		}
	}
	if widen >= 0 {
		return widen
	}
	return cands[0]
}

// Decisions lists the suppressed figures' keys.
func (s *System) Decisions() (suppressed []string) {
	for _, v := range s.vars {
		if v.supp {
			suppressed = append(suppressed, v.key)
		}
	}
	sort.Strings(suppressed)
	return suppressed
}

// Keys lists every figure with its value and whether it is suppressed, fixed or latent.
func (s *System) Each(f func(key string, value int64, st State, suppressed bool)) {
	for _, v := range s.vars {
		f(v.key, v.value, v.state, v.supp)
	}
}
