package lake

import (
	"encoding/binary"
	"math"
	"math/bits"
	"unsafe"

	"ipoint/pipeline"
)

// State is a snapshot row held packed in one string: a header byte, then per value a
// byte of flags (null; has text, integer, float), the text (its length as a uvarint,
// its bytes), the integer (a varint) and the float (its 8 bytes). The header is
// stPlain unless a float is NaN or a negative zero, the only values whose packed bytes
// do not tell pipeline.Value.Equal: two plain states are equal exactly when their bytes
// are, which is how a history compares a day's state with the one before (most keys
// keep theirs). An empty record packs to "". A history holds every state of every
// key of a year's snapshots, and an ingest holds a whole snapshot before it applies it:
// packed, a client's state takes some 150 bytes where a pipeline.Record of 20 values
// takes 960 and its strings besides. Packing is exact: Record gives back the values
// bit for bit.
type State string

// The header byte.
const (
	stPlain = 0 // every float is neither NaN nor -0: bytes equal iff values equal
	stOdd   = 1 // a float is NaN or -0: compare value by value
)

const (
	stNull = 1 << iota
	stText
	stInt
	stFloat
)

// Pack packs rec.
func Pack(rec pipeline.Record) State {
	if len(rec) == 0 {
		return ""
	}
	n := packedSize(rec)
	b := make([]byte, 1, n)
	b[0] = stPlain
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
			if v.F != v.F || v.F == 0 { // NaN, or -0
				b[0] = stOdd
			}
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
	// b is exactly as long as its capacity and never written again: the state takes its
	// bytes without a copy, and holds no more memory than they need.
	return State(unsafe.String(&b[0], len(b)))
}

// packedSize is the length of rec packed: Pack allocates exactly that much.
func packedSize(rec pipeline.Record) int {
	n := 1
	for _, v := range rec {
		n++
		if v.S != "" {
			n += uvarintLen(uint64(len(v.S))) + len(v.S)
		}
		if v.I != 0 {
			n += uvarintLen(uint64(v.I)<<1 ^ uint64(v.I>>63)) // zigzag, as binary.AppendVarint
		}
		if math.Float64bits(v.F) != 0 {
			n += 8
		}
	}
	return n
}

// uvarintLen is the length of u as a uvarint.
func uvarintLen(u uint64) int { return (bits.Len64(u|1) + 6) / 7 }

// body is s without its header: the values.
func (s State) body() State {
	if len(s) == 0 {
		return s
	}
	return s[1:]
}

// next unpacks the first value of a body; its text shares s's bytes.
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
	for s = s.body(); len(s) > 0; {
		var v pipeline.Value
		v, s = s.next()
		rec = append(rec, v)
	}
	return rec
}

// equalRecord reports whether s holds the values of rec (pipeline.Value.Equal each).
func (s State) equalRecord(rec pipeline.Record) bool {
	s = s.body()
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
	if len(s) == 0 || len(t) == 0 || s[0] == stPlain && t[0] == stPlain {
		return s == t
	}
	for s, t = s.body(), t.body(); len(s) > 0 && len(t) > 0; {
		var v, w pipeline.Value
		v, s = s.next()
		w, t = t.next()
		if !v.Equal(w) {
			return false
		}
	}
	return len(s) == 0 && len(t) == 0
}
