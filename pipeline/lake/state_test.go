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
