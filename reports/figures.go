package reports

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"ipoint/pipeline/atomicfile"
	"ipoint/reports/suppress"
)

// figures is every count one publication shows, by a key that names what it counts
// ("zugaenge/05970/2026-W47"), so that a figure is one cell however many reports and
// charts show it, with the relations between them. The report loaders run twice: once
// to collect the figures and relations, then, after suppress.System.Protect has decided
// which are suppressed, once more to render them.
type figures struct {
	sys    *suppress.System
	ledger *Ledger
	texts  map[string]string // frozen texts of this publication (rates, curves)
}

func newFigures(l *Ledger) *figures {
	f := &figures{sys: suppress.NewSystem(), ledger: l, texts: map[string]string{}}
	keys := make([]string, 0, len(l.Figures))
	for k := range l.Figures {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		e := l.Figures[k]
		st := suppress.Published
		if e.Suppressed {
			st = suppress.Hidden
		}
		f.sys.Figure(k, e.Value, st)
	}
	for _, r := range l.Relations {
		f.sys.AddRelation(r)
	}
	return f
}

// fig is a count as a report shows it.
type fig struct {
	key    string
	value  int64
	hidden bool
	// unknown: not delivered yet (or not completely), shown as "." and not registered,
	// so that a later report shows the delivered count, not a frozen gap.
	unknown bool
}

// count registers a count a report shows (or returns it as an earlier publication
// fixed it) and returns it as it is to be shown.
func (f *figures) count(key string, v int64) fig {
	f.sys.Figure(key, v, suppress.Open)
	return fig{key: key, value: f.sys.Value(key), hidden: f.sys.Suppressed(key)}
}

// get returns a figure registered before.
func (f *figures) get(key string) fig {
	if !f.sys.Has(key) {
		panic("reports: figure not registered: " + key)
	}
	return fig{key: key, value: f.sys.Value(key), hidden: f.sys.Suppressed(key)}
}

// public registers a count someone else publishes (the official statistics): a fixed,
// published constant of the system, never suppressed and not kept in the ledger (it is
// not ipoint's publication; a corrected delivery changes it). See docs/suppression.md.
func (f *figures) public(key string, v int64) fig {
	f.sys.Figure(key, v, suppress.Published)
	return f.get(key)
}

// latent registers a count no report shows that relations need (say, the residents of
// a Kreis whose municipality is unknown).
func (f *figures) latent(key string, v int64) { f.sys.Figure(key, v, suppress.Latent) }

func (f *figures) sum(total string, parts ...string) { f.sys.Sum(total, parts...) }

func (f *figures) equal(terms ...suppress.Term) { f.sys.Equal(terms...) }

func (f *figures) atMost(terms ...suppress.Term) { f.sys.AtMost(terms...) }

// frozen returns the text an earlier publication showed under key, or records text as
// this publication's: a rate or a curve point, once published, does not change.
func (f *figures) frozen(key, text string) string {
	if t, ok := f.ledger.Texts[key]; ok {
		return t
	}
	if t, ok := f.texts[key]; ok {
		return t
	}
	f.texts[key] = text
	return text
}

func (c fig) text() string {
	if c.unknown {
		return suppress.Unknown
	}
	return countText(c.value, c.hidden)
}

func (c fig) chart() any {
	if c.unknown {
		return nil
	}
	return chartValue(c.value, c.hidden)
}

// shown says whether every one of the figures is shown with its value.
func shown(cs ...fig) bool {
	for _, c := range cs {
		if c.hidden {
			return false
		}
	}
	return true
}

// Ledger is what earlier publications showed: every figure with its value and whether
// it was suppressed, the relations between them, and frozen texts. It holds the values
// of suppressed cells, so it lives with the ETL account, never in the archive.
type Ledger struct {
	Figures   map[string]LedgerFigure `json:"zahlen"`
	Relations []string                `json:"beziehungen"`
	Texts     map[string]string       `json:"texte"`
}

// LedgerFigure is one published figure.
type LedgerFigure struct {
	Value      int64 `json:"wert"`
	Suppressed bool  `json:"gesperrt,omitempty"`
}

// LoadLedger reads the ledger at path; a missing file is an empty ledger (a new
// installation).
func LoadLedger(path string) (*Ledger, error) {
	l := &Ledger{Figures: map[string]LedgerFigure{}, Texts: map[string]string{}}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return l, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, l); err != nil {
		return nil, fmt.Errorf("%s: Verzeichnis der veröffentlichten Zahlen ist beschädigt: %v", path, err)
	}
	if l.Figures == nil {
		l.Figures = map[string]LedgerFigure{}
	}
	if l.Texts == nil {
		l.Texts = map[string]string{}
	}
	return l, nil
}

// record adds this publication's decided figures, relations and texts.
func (l *Ledger) record(f *figures) {
	f.sys.Each(func(key string, v int64, st suppress.State, supp bool) {
		if st == suppress.Open {
			l.Figures[key] = LedgerFigure{Value: v, Suppressed: supp}
		}
	})
	have := map[string]bool{}
	for _, r := range l.Relations {
		have[r] = true
	}
	for _, r := range f.sys.Relations() {
		if !have[r] && relationFixed(r, l) {
			l.Relations = append(l.Relations, r)
		}
	}
	sort.Strings(l.Relations)
	for k, t := range f.texts {
		l.Texts[k] = t
	}
}

// relationFixed says whether a relation names only figures the ledger keeps (latent
// figures are recomputed every time and not kept).
func relationFixed(r string, l *Ledger) bool {
	for _, k := range suppress.RelationKeys(r) {
		if _, ok := l.Figures[k]; !ok {
			return false
		}
	}
	return true
}

// Save writes the ledger atomically, readable by its owner only.
func (l *Ledger) Save(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	b, err := json.Marshal(l)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, b, 0o600)
}

// figureDigest is the digest of what a report publishes: every figure and text it
// shows, not its Stand, data version or data-quality section. A report gets a new
// version in the archive only when this changes.
func figureDigest(r *Report) string {
	h := sha256.New()
	w := func(s ...string) {
		for _, x := range s {
			h.Write([]byte(x))
			h.Write([]byte{0})
		}
		h.Write([]byte{1})
	}
	w(r.Kind, r.Period)
	if r.Keys != nil {
		w(r.Keys.Head...)
		for _, row := range r.Keys.Rows {
			w(append([]string{row.Name, row.Note}, row.Cells...)...)
		}
	}
	w(r.Text...)
	for _, s := range r.Sections {
		w(append([]string{s.ID, s.Title, s.Intro}, s.Pending...)...)
		for _, c := range s.Charts {
			w(c.ID, c.Title)
			w(c.Table.Head...)
			for _, row := range c.Table.Rows {
				w(row...)
			}
		}
		for _, t := range s.Tables {
			w(t.Caption)
			w(t.Head...)
			for _, row := range t.Rows {
				w(row...)
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
