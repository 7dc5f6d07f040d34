package lake

import (
	"math"
	"strings"
	"testing"

	"ipoint/pipeline"
)

// TestPackExact: a packed record unpacks to the same values bit for bit, and the packed
// comparisons say what pipeline.Value.Equal says.
func TestPackExact(t *testing.T) {
	rec := pipeline.Record{
		{}, {Null: true}, {S: "K-0123456789abcdef"}, {S: "Müller;\x00"}, {S: strings.Repeat("x", 300)},
		{I: 1}, {I: -1}, {I: math.MaxInt64}, {I: math.MinInt64}, {F: 1.5}, {F: math.Copysign(0, -1)},
		{F: math.Inf(-1)}, {S: "a", I: 7, F: 2, Null: true}, {I: 20000},
	}
	st := Pack(rec)
	got := st.Record()
	if len(got) != len(rec) {
		t.Fatalf("%d values back, want %d", len(got), len(rec))
	}
	for i := range rec {
		if got[i].S != rec[i].S || got[i].I != rec[i].I || got[i].Null != rec[i].Null ||
			math.Float64bits(got[i].F) != math.Float64bits(rec[i].F) {
			t.Errorf("value %d: %+v back, want %+v", i, got[i], rec[i])
		}
	}
	if !st.equalRecord(rec) || !st.equalState(Pack(got)) {
		t.Error("a state differs from its own record")
	}
	other := append(pipeline.Record(nil), rec...)
	other[2].S = "K-0123456789abcdeg"
	if st.equalRecord(other) || st.equalState(Pack(other)) || st.equalRecord(rec[:3]) || st.equalState(Pack(rec[:3])) {
		t.Error("different records compare equal packed")
	}
	// Value.Equal's float semantics: +0 equals -0; NaN equals nothing.
	if !Pack(pipeline.Record{{F: 0}}).equalRecord(pipeline.Record{{F: math.Copysign(0, -1)}}) {
		t.Error("+0 and -0 differ packed")
	}
	nan := pipeline.Record{{F: math.NaN()}}
	if Pack(nan).equalState(Pack(nan)) {
		t.Error("NaN equals itself packed")
	}
	if Pack(nil) != "" || len(State("").Record()) != 0 {
		t.Error("an empty record does not pack to nothing")
	}
}

// TestPackAllocatesExactly: Pack's buffer is exactly as long as the packed state (the
// state keeps the buffer: any slack would be held by every state of a history), for
// every length class of texts and integers (the varints' boundaries) and floats.
func TestPackAllocatesExactly(t *testing.T) {
	var values []pipeline.Value
	for _, n := range []int{0, 1, 127, 128, 16383, 16384, 70000} {
		values = append(values, pipeline.Value{S: strings.Repeat("y", n)})
	}
	for shift := range 64 {
		for _, i := range []int64{1 << shift, 1<<shift - 1, -(1 << shift), -(1 << shift) + 1} {
			values = append(values, pipeline.Value{I: i})
		}
	}
	values = append(values, pipeline.Value{I: math.MinInt64}, pipeline.Value{I: math.MaxInt64}, pipeline.Value{F: 1.5},
		pipeline.Value{F: math.Copysign(0, -1)}, pipeline.Value{F: math.NaN()}, pipeline.Value{Null: true},
		pipeline.Value{S: "é", I: -300, F: 2, Null: true})
	for i, v := range values {
		for _, rec := range []pipeline.Record{{v}, {values[(i+1)%len(values)], v, {}}} {
			if got, want := len(Pack(rec)), packedSize(rec); got != want {
				t.Errorf("%+v: packed %d bytes, allocated %d", rec, got, want)
			}
		}
	}
	// And without a copy: one allocation a state.
	rec := pipeline.Record{{S: "K-0123456789abcdef"}, {I: 42}, {F: 0.5}}
	if n := testing.AllocsPerRun(100, func() { _ = Pack(rec) }); n != 1 {
		t.Errorf("Pack: %v allocations, want 1", n)
	}
}

// TestPackedEquality: for every pair of records drawn from values that differ in each
// way a value can (null, text, integer, float, +0 and -0, NaN), the packed comparison
// says what pipeline.Value.Equal says value by value, on the fast path (plain states
// compared as bytes) and the slow one (a NaN or -0 in either).
func TestPackedEquality(t *testing.T) {
	values := []pipeline.Value{{}, {Null: true}, {S: "a"}, {S: "b"}, {I: 1}, {I: -1}, {F: 1.5},
		{F: 0}, {F: math.Copysign(0, -1)}, {F: math.NaN()}, {S: "a", I: 1}, {Null: true, F: 2}}
	var recs []pipeline.Record
	for _, v := range values {
		for _, w := range values {
			recs = append(recs, pipeline.Record{v, w}, pipeline.Record{{S: "K-1"}, v, {I: 3}, w})
		}
		recs = append(recs, pipeline.Record{v})
	}
	for _, a := range recs {
		pa := Pack(a)
		for _, b := range recs {
			want := equal(a, b)
			if got := pa.equalState(Pack(b)); got != want {
				t.Fatalf("%+v and %+v: equalState %v, Value.Equal %v", a, b, got, want)
			}
			if got := pa.equalRecord(b); got != want {
				t.Fatalf("%+v and %+v: equalRecord %v, Value.Equal %v", a, b, got, want)
			}
		}
	}
}
