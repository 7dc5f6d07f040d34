package lake

import (
	"errors"
	"os"
	"sort"
	"strings"

	"ipoint/pipeline"
)

// History keeps a full-snapshot export as the state of every key over time, so that the
// lake grows with the number of changes, not with the number of snapshots, and "what
// was true of X on day D" stays answerable for every D since the first snapshot.
//
// A state holds from its valid_from up to the next change of the same key (valid_to,
// exclusive; empty while it is current). A key missing from a snapshot, or whose row was
// rejected, tells nothing: its last state carries forward. That is what a full snapshot
// with a 24-month window means: a client who drops out of the window has not been
// deleted, and a client whose row was mistyped one day has not left.
type History struct {
	fields []pipeline.Field // the export's fields; the key is fields[key]
	key    int
	points map[string][]point
	dirty  bool
}

type point struct {
	from  int64 // Stichtag, days since 1970-01-01
	state State
}

// History table columns beyond the export's own.
const (
	ValidFrom = "valid_from"
	ValidTo   = "valid_to"
)

func newHistory(fields []pipeline.Field, key int) *History {
	return &History{fields: fields, key: key, points: map[string][]point{}}
}

func (h *History) tableFields() []pipeline.Field {
	return append(append([]pipeline.Field{}, h.fields...),
		pipeline.Field{Name: ValidFrom, Type: pipeline.Date}, pipeline.Field{Name: ValidTo, Type: pipeline.Date, Optional: true})
}

func loadHistory(path string, fields []pipeline.Field, key int) (*History, error) {
	h := newHistory(fields, key)
	// The records are borrowed (readTable): the state packs a copy, and the key is
	// cloned before the map holds it (an assignment also replaces the key stored). The
	// file is sorted by key, so a key's states come together: one clone and one
	// assignment a key; a file in another order still reads right.
	var cur string
	var ps []point
	keep := func() {
		if ps != nil {
			h.points[cur] = ps
		}
	}
	// The map grows as it reads: sized by the file's rows it would be too large by the
	// states per key (some 1.5 to 2 after a year), and a history's memory counts more
	// than the rehashing's time.
	err := readTable(path, h.tableFields(), true, func(rec pipeline.Record) error {
		if ps == nil || rec[key].S != cur {
			keep()
			cur = strings.Clone(rec[key].S)
			ps = h.points[cur]
		}
		ps = append(ps, point{from: rec[len(fields)].I, state: Pack(rec[:len(fields)])})
		return nil
	})
	keep()
	if errors.Is(err, os.ErrNotExist) {
		return h, nil
	}
	for _, ps := range h.points {
		sort.Slice(ps, func(i, j int) bool { return ps[i].from < ps[j].from })
	}
	return h, err
}

// Keys calls fn for every key the history holds.
func (h *History) Keys(fn func(string)) {
	for k := range h.points {
		fn(k)
	}
}

// Has reports whether the history knows key.
func (h *History) Has(key string) bool { _, ok := h.points[key]; return ok }

// Len returns the number of states held.
func (h *History) Len() int {
	n := 0
	for _, ps := range h.points {
		n += len(ps)
	}
	return n
}

// StateAt returns the state of key on day d, or nil.
func (h *History) StateAt(key string, d int64) pipeline.Record {
	ps := h.points[key]
	i := sort.Search(len(ps), func(i int) bool { return ps[i].from > d }) - 1
	if i < 0 {
		return nil
	}
	return ps[i].state.Record()
}

// Apply records the snapshot of day s: the state of every key it holds. next is the
// next Stichtag already in the history after s (0 if s is the newest): a snapshot that
// arrives late, or a corrected one, must not change what later snapshots observed.
func (h *History) Apply(s int64, next int64, states map[string]pipeline.Record) {
	for k, rec := range states {
		if ps := h.points[k]; len(ps) > 0 {
			// Most keys keep their state: compared packed, it is not packed again.
			if i := sort.Search(len(ps), func(i int) bool { return ps[i].from > s }) - 1; i >= 0 && ps[i].state.equalRecord(rec) {
				continue
			}
		}
		h.set(k, s, next, Pack(rec))
	}
}

// ApplyPacked is Apply for a snapshot held packed.
func (h *History) ApplyPacked(s int64, next int64, states map[string]State) {
	for k, st := range states {
		h.set(k, s, next, st)
	}
}

// Retract takes back what an earlier delivery of day s said about the keys a corrected
// delivery of the same day does not hold (absent, or rejected): their state from s on is
// again what it was before s. Apply the correction's states after it.
func (h *History) Retract(s int64, keep map[string]pipeline.Record) {
	h.retract(s, func(k string) bool { _, ok := keep[k]; return ok })
}

// RetractPacked is Retract for a correction held packed.
func (h *History) RetractPacked(s int64, keep map[string]State) {
	h.retract(s, func(k string) bool { _, ok := keep[k]; return ok })
}

func (h *History) retract(s int64, keep func(string) bool) {
	for k, ps := range h.points {
		if keep(k) {
			continue
		}
		i := sort.Search(len(ps), func(i int) bool { return ps[i].from >= s })
		if i == len(ps) || ps[i].from != s {
			continue
		}
		ps = append(ps[:i], ps[i+1:]...)
		if len(ps) == 0 {
			delete(h.points, k)
		} else {
			h.points[k] = merge(ps)
		}
		h.dirty = true
	}
}

func (h *History) set(k string, s, next int64, rec State) {
	ps := h.points[k]
	i := sort.Search(len(ps), func(i int) bool { return ps[i].from > s }) - 1 // last point at or before s
	var old State
	hadOld := i >= 0
	if hadOld {
		old = ps[i].state
		if old.equalState(rec) {
			return
		}
	}
	if i >= 0 && ps[i].from == s {
		ps[i].state = rec // a corrected snapshot of the same day
	} else {
		i++
		ps = insert(ps, i, point{s, rec})
	}
	// The next snapshot saw the old state (where there was one and no change came in
	// between): keep it from there on.
	if hadOld && next > s && (i+1 >= len(ps) || ps[i+1].from > next) {
		ps = insert(ps, i+1, point{next, old})
	}
	h.points[k] = merge(ps)
	h.dirty = true
}

func insert(ps []point, i int, p point) []point {
	ps = append(ps, point{})
	copy(ps[i+1:], ps[i:])
	ps[i] = p
	return ps
}

// merge drops points that repeat the state before them.
func merge(ps []point) []point {
	out := ps[:1]
	for _, p := range ps[1:] {
		if out[len(out)-1].state.equalState(p.state) {
			continue
		}
		out = append(out, p)
	}
	return out
}

func equal(a, b pipeline.Record) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Equal(b[i]) {
			return false
		}
	}
	return true
}

func clone(r pipeline.Record) pipeline.Record { return append(pipeline.Record(nil), r...) }

// write stores the history, sorted by key and valid_from.
func (h *History) write(path, name string) error {
	keys := make([]string, 0, len(h.points))
	for k := range h.points {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	p, err := create(path)
	if err != nil {
		return err
	}
	tw := NewTableWriter(p, name, h.tableFields(), nil)
	rec := make(pipeline.Record, 0, len(h.fields)+2) // the writer keeps no record
	for _, k := range keys {
		ps := h.points[k]
		for i, pt := range ps {
			rec = append(pt.state.appendTo(rec[:0]), pipeline.Value{I: pt.from}, pipeline.Value{Null: true})
			if i+1 < len(ps) {
				rec[len(rec)-1] = pipeline.Value{I: ps[i+1].from}
			}
			if err := tw.Write(rec); err != nil {
				p.Abort()
				return err
			}
		}
	}
	if err := tw.Close(); err != nil {
		p.Abort()
		return err
	}
	if err := p.Commit(); err != nil {
		return err
	}
	h.dirty = false
	return nil
}

// Expire applies a retention period: it drops every state that a later state replaced
// on or before cutoff (days since 1970-01-01), and every key whose current state says
// the case ended before cutoff (ended returns that day). It returns the states and keys
// removed; Checkpoint writes the change.
func (h *History) Expire(cutoff int64, ended func(pipeline.Record) (int64, bool)) (states, keys int) {
	for k, ps := range h.points {
		drop := 0
		for drop+1 < len(ps) && ps[drop+1].from <= cutoff {
			drop++
		}
		if d, ok := ended(ps[len(ps)-1].state.Record()); ok && d < cutoff {
			drop = len(ps)
		}
		if drop == 0 {
			continue
		}
		states += drop
		h.dirty = true
		if drop == len(ps) {
			delete(h.points, k)
			keys++
			continue
		}
		h.points[k] = ps[drop:]
	}
	return states, keys
}
