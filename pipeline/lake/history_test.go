package lake

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ipoint/pipeline"
)

var histFields = []pipeline.Field{{Name: "k", Type: pipeline.String}, {Name: "status", Type: pipeline.String}}

func st(k, status string) pipeline.Record {
	return pipeline.Record{{S: k}, {S: status}}
}

func statusAt(h *History, k string, d int64) string {
	r := h.StateAt(k, d)
	if r == nil {
		return "-"
	}
	return r[1].S
}

func TestHistoryAppendCarriesForward(t *testing.T) {
	h := newHistory(histFields, 0)
	h.Apply(10, 0, map[string]pipeline.Record{"a": st("a", "AL"), "b": st("b", "IK")})
	h.Apply(11, 0, map[string]pipeline.Record{"a": st("a", "AL")}) // b missing: no information
	h.Apply(12, 0, map[string]pipeline.Record{"a": st("a", "ERW"), "b": st("b", "IK")})
	for _, c := range []struct {
		k    string
		d    int64
		want string
	}{{"a", 9, "-"}, {"a", 10, "AL"}, {"a", 11, "AL"}, {"a", 12, "ERW"}, {"a", 99, "ERW"}, {"b", 11, "IK"}, {"b", 12, "IK"}} {
		if got := statusAt(h, c.k, c.d); got != c.want {
			t.Errorf("%s on %d: %s, want %s", c.k, c.d, got, c.want)
		}
	}
	if h.Len() != 3 {
		t.Errorf("%d states, want 3 (a: AL, ERW; b: IK)", h.Len())
	}
}

func TestHistoryLateAndCorrectedSnapshots(t *testing.T) {
	h := newHistory(histFields, 0)
	h.Apply(10, 0, map[string]pipeline.Record{"a": st("a", "AL")})
	h.Apply(12, 0, map[string]pipeline.Record{"a": st("a", "AL")})
	// Day 11 arrives late and says IK: day 12 still saw AL.
	h.Apply(11, 12, map[string]pipeline.Record{"a": st("a", "IK")})
	if got := []string{statusAt(h, "a", 10), statusAt(h, "a", 11), statusAt(h, "a", 12)}; got[0] != "AL" || got[1] != "IK" || got[2] != "AL" {
		t.Errorf("late snapshot: %v", got)
	}
	// A corrected day 11 says AL after all: one state again.
	h.Apply(11, 12, map[string]pipeline.Record{"a": st("a", "AL")})
	if h.Len() != 1 || statusAt(h, "a", 11) != "AL" {
		t.Errorf("corrected snapshot: %d states, day 11 %s", h.Len(), statusAt(h, "a", 11))
	}
	// Applying the same snapshot twice changes nothing.
	before := h.Len()
	h.Apply(12, 0, map[string]pipeline.Record{"a": st("a", "AL")})
	if h.Len() != before {
		t.Error("re-applying a snapshot changed the history")
	}
}

func TestHistoryRoundTrip(t *testing.T) {
	h := newHistory(histFields, 0)
	h.Apply(10, 0, map[string]pipeline.Record{"a": st("a", "AL"), "b": st("b", "IK")})
	h.Apply(20, 0, map[string]pipeline.Record{"a": st("a", "MASSN")})
	path := filepath.Join(t.TempDir(), "history.parquet")
	if err := h.write(path, "t"); err != nil {
		t.Fatal(err)
	}
	g, err := loadHistory(path, histFields, 0)
	if err != nil {
		t.Fatal(err)
	}
	if g.Len() != 3 || statusAt(g, "a", 15) != "AL" || statusAt(g, "a", 20) != "MASSN" || statusAt(g, "b", 30) != "IK" {
		t.Errorf("round trip: %d states", g.Len())
	}
	var validTo []pipeline.Value
	ReadTable(path, h.tableFields(), func(r pipeline.Record) error {
		validTo = append(validTo, r[3])
		return nil
	})
	// sorted by key, then valid_from: a@10 (to 20), a@20 (open), b@10 (open)
	if len(validTo) != 3 || validTo[0].I != 20 || !validTo[1].Null || !validTo[2].Null {
		t.Errorf("valid_to %v", validTo)
	}
}

// A corrected snapshot takes back what the wrong one added: a phantom client, and the
// state of a client whose corrected row is missing.
func TestHistoryCorrectionRetracts(t *testing.T) {
	h := newHistory(histFields, 0)
	h.Apply(100, 0, map[string]pipeline.Record{"a": st("a", "AL")})
	h.Apply(101, 0, map[string]pipeline.Record{"a": st("a", "IK"), "phantom": st("phantom", "AL")})
	corrected := map[string]pipeline.Record{}
	h.Retract(101, corrected)
	h.Apply(101, 0, corrected)
	if h.Has("phantom") {
		t.Error("the phantom client stays after the correction")
	}
	if got := statusAt(h, "a", 101); got != "AL" {
		t.Errorf("client a on day 101: %s, want the state before (AL)", got)
	}
}

func TestHistoryExpire(t *testing.T) {
	h := newHistory(histFields, 0)
	h.Apply(10, 0, map[string]pipeline.Record{"a": st("a", "AL"), "b": st("b", "IK"), "c": st("c", "AL")})
	h.Apply(20, 0, map[string]pipeline.Record{"a": st("a", "IK"), "b": st("b", "ENDE")})
	h.Apply(30, 0, map[string]pipeline.Record{"a": st("a", "ERW")})
	// b's case ended (status ENDE stands in for an exit date before the cutoff).
	ended := func(r pipeline.Record) (int64, bool) { return 15, r[1].S == "ENDE" }
	states, keys := h.Expire(25, ended)
	if states != 3 || keys != 1 {
		t.Errorf("expired %d states of %d keys, want 3 of 1 (a's AL, b whole)", states, keys)
	}
	for _, c := range []struct {
		k    string
		d    int64
		want string
	}{{"a", 15, "-"}, {"a", 20, "IK"}, {"a", 25, "IK"}, {"a", 30, "ERW"}, {"b", 20, "-"}, {"c", 10, "AL"}, {"c", 99, "AL"}} {
		if got := statusAt(h, c.k, c.d); got != c.want {
			t.Errorf("%s on %d after expiry: %s, want %s", c.k, c.d, got, c.want)
		}
	}
	if !h.dirty {
		t.Error("an expired history must be written at the next checkpoint")
	}
}

// TestHistoryLoadsLargeAndUnsorted: a history is read with borrowed records (the
// reader's bytes, which parquet-go may reuse for the next rows), so every key and state
// the history keeps must be its own copy. A large history round-trips through write and load; one whose
// file holds its rows in another order (a key's states apart, out of date order) loads
// the same states.
func TestHistoryLoadsLargeAndUnsorted(t *testing.T) {
	const keys, days = 20000, 3 // far more rows than one read of the reader's buffer
	key := func(i int) string { return fmt.Sprintf("K-%06d-%s", i, strings.Repeat("x", i%40)) }
	status := func(i, d int) string { return fmt.Sprintf("S%d-%d", (i*7+d)%5, i%3) }
	h := newHistory(histFields, 0)
	for d := range days {
		snap := map[string]pipeline.Record{}
		for i := range keys {
			snap[key(i)] = st(key(i), status(i, d))
		}
		h.Apply(int64(10+d), 0, snap)
	}
	check := func(label string, g *History) {
		t.Helper()
		if g.Len() != h.Len() {
			t.Errorf("%s: %d states, want %d", label, g.Len(), h.Len())
		}
		for i := range keys {
			for d := range days {
				if got, want := statusAt(g, key(i), int64(10+d)), status(i, d); got != want {
					t.Fatalf("%s: %s on day %d: %s, want %s", label, key(i), 10+d, got, want)
				}
			}
		}
		n := 0
		g.Keys(func(k string) {
			if !h.Has(k) {
				t.Errorf("%s: unknown key %q", label, k)
			}
			n++
		})
		if n != keys {
			t.Errorf("%s: %d keys, want %d", label, n, keys)
		}
	}
	dir := t.TempDir()
	sorted := filepath.Join(dir, "sorted.parquet")
	if err := h.write(sorted, "t"); err != nil {
		t.Fatal(err)
	}
	g, err := loadHistory(sorted, histFields, 0)
	if err != nil {
		t.Fatal(err)
	}
	check("sorted", g)

	// The same rows, newest day first and the keys interleaved.
	var rows []pipeline.Record
	ReadTable(sorted, h.tableFields(), func(r pipeline.Record) error {
		rows = append(rows, r)
		return nil
	})
	slices.SortStableFunc(rows, func(a, b pipeline.Record) int { return cmp.Compare(b[2].I, a[2].I) })
	unsorted := filepath.Join(dir, "unsorted.parquet")
	p, err := create(unsorted)
	if err != nil {
		t.Fatal(err)
	}
	tw := NewTableWriter(p, "t", h.tableFields(), nil)
	for _, r := range rows {
		if err := tw.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := p.Commit(); err != nil {
		t.Fatal(err)
	}
	u, err := loadHistory(unsorted, histFields, 0)
	if err != nil {
		t.Fatal(err)
	}
	check("unsorted", u)
}
