package lake

import (
	"encoding/binary"
	"math"

	"ipoint/pipeline"
)

// State is a snapshot row held packed in one string: per value a byte of flags (null;
// has text, integer, float), then the text (its length as a uvarint, its bytes), the
// integer (a varint) and the float (its 8 bytes). A history holds every state of every
// key of a year's snapshots, and an ingest holds a whole snapshot before it applies it:
// packed, a client's state takes some 150 bytes where a pipeline.Record of 20 values
// takes 960 and its strings besides. Packing is exact: Record gives back the values
// bit for bit.
type State string

const (
	stNull = 1 << iota
	stText
	stInt
	stFloat
)

// Pack packs rec.
func Pack(rec pipeline.Record) State {
	n := 0
	for _, v := range rec {
		n += 1 + len(v.S) + binary.MaxVarintLen64
		if v.I != 0 {
			n += binary.MaxVarintLen64
		}
		if v.F != 0 {
			n += 8
		}
	}
	b := make([]byte, 0, n)
	for _, v := range rec {
		var flags byte
		if v.Null {
			flags |= stNull
		}
		if v.S != "" {
			flags |= stText
		}
		if v.I != 0 {
			flags |= stInt
		}
		fb := math.Float64bits(v.F)
		if fb != 0 {
			flags |= stFloat
		}
		b = append(b, flags)
		if v.S != "" {
			b = binary.AppendUvarint(b, uint64(len(v.S)))
			b = append(b, v.S...)
		}
		if v.I != 0 {
			b = binary.AppendVarint(b, v.I)
		}
		if fb != 0 {
			b = binary.LittleEndian.AppendUint64(b, fb)
		}
	}
	return State(b)
}

// next unpacks the first value of s; its text shares s's bytes.
func (s State) next() (pipeline.Value, State) {
	var v pipeline.Value
	flags := s[0]
	s = s[1:]
	v.Null = flags&stNull != 0
	if flags&stText != 0 {
		n, w := uvarint(s)
		v.S = string(s[w : w+int(n)])
		s = s[w+int(n):]
	}
	if flags&stInt != 0 {
		u, w := uvarint(s)
		v.I = int64(u>>1) ^ -int64(u&1) // zig-zag, as binary.AppendVarint writes it
		s = s[w:]
	}
	if flags&stFloat != 0 {
		v.F = math.Float64frombits(binary.LittleEndian.Uint64([]byte(s[:8])))
		s = s[8:]
	}
	return v, s
}

// uvarint reads a uvarint from the start of s without copying it.
func uvarint(s State) (uint64, int) {
	var x uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 {
			return x | uint64(c)<<(7*i), i + 1
		}
		x |= uint64(c&0x7f) << (7 * i)
	}
	panic("lake: truncated packed state")
}

// Record unpacks s.
func (s State) Record() pipeline.Record { return s.appendTo(nil) }

// appendTo appends s's values to rec.
func (s State) appendTo(rec pipeline.Record) pipeline.Record {
	for len(s) > 0 {
		var v pipeline.Value
		v, s = s.next()
		rec = append(rec, v)
	}
	return rec
}

// equalRecord reports whether s holds the values of rec (pipeline.Value.Equal each).
func (s State) equalRecord(rec pipeline.Record) bool {
	for _, w := range rec {
		if len(s) == 0 {
			return false
		}
		var v pipeline.Value
		v, s = s.next()
		if !v.Equal(w) {
			return false
		}
	}
	return len(s) == 0
}

// equalState reports whether s and t hold equal values (pipeline.Value.Equal each).
func (s State) equalState(t State) bool {
	for len(s) > 0 && len(t) > 0 {
		var v, w pipeline.Value
		v, s = s.next()
		w, t = t.next()
		if !v.Equal(w) {
			return false
		}
	}
	return len(s) == 0 && len(t) == 0
}
