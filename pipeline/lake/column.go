package lake

import (
	"bytes"
	"encoding/binary"
	"math"
	"strings"

	"github.com/parquet-go/parquet-go/encoding/delta"
	"github.com/parquet-go/parquet-go/encoding/rle"
	"github.com/parquet-go/parquet-go/format"

	"ipoint/pipeline"
)

// column collects one column's values of the current row group in a typed buffer:
// no per-value boxing, and the page encoders work on whole slices.
type column struct {
	field pipeline.Field
	ptype format.Type
	defs  []byte // optional columns: 1 for a value, 0 for null, per row

	i32  []int32   // Date, Int32
	i64  []int64   // Int64
	f64  []float64 // Double
	bits []byte    // Bool: 0 or 1 per value

	data []byte   // String (plain): the values' bytes, end to end
	offs []uint32 // String (plain): where each value starts, and one past the last

	dict     map[string]int32 // String (dictionary): index of each distinct value
	dictVals []string         // String (dictionary): the dictionary, in first-seen order
	idx      []int32          // String (dictionary): a dictionary index per value
}

func newColumn(f pipeline.Field) *column {
	c := &column{field: f}
	switch f.Type {
	case pipeline.String:
		c.ptype = format.ByteArray
		if f.Dict {
			c.dict = map[string]int32{}
		} else {
			c.offs = []uint32{0}
		}
	case pipeline.Date, pipeline.Int32:
		c.ptype = format.Int32
	case pipeline.Int64:
		c.ptype = format.Int64
	case pipeline.Double:
		c.ptype = format.Double
	case pipeline.Bool:
		c.ptype = format.Boolean
	}
	return c
}

// add appends a value (not null).
func (c *column) add(v pipeline.Value) {
	if c.field.Optional {
		c.defs = append(c.defs, 1)
	}
	switch c.field.Type {
	case pipeline.String:
		if c.dict != nil {
			i, ok := c.dict[v.S]
			if !ok {
				i = int32(len(c.dictVals))
				s := strings.Clone(v.S)
				c.dict[s] = i
				c.dictVals = append(c.dictVals, s)
			}
			c.idx = append(c.idx, i)
			return
		}
		c.data = append(c.data, v.S...)
		c.offs = append(c.offs, uint32(len(c.data)))
	case pipeline.Date, pipeline.Int32:
		c.i32 = append(c.i32, int32(v.I))
	case pipeline.Int64:
		c.i64 = append(c.i64, v.I)
	case pipeline.Double:
		c.f64 = append(c.f64, v.F)
	case pipeline.Bool:
		b := byte(0)
		if v.I != 0 {
			b = 1
		}
		c.bits = append(c.bits, b)
	}
}

// addNull appends a null (optional columns only).
func (c *column) addNull() { c.defs = append(c.defs, 0) }

// values returns how many non-null values the row group holds.
func (c *column) values() int {
	switch c.field.Type {
	case pipeline.String:
		if c.dict != nil {
			return len(c.idx)
		}
		return len(c.offs) - 1
	case pipeline.Date, pipeline.Int32:
		return len(c.i32)
	case pipeline.Int64:
		return len(c.i64)
	case pipeline.Double:
		return len(c.f64)
	}
	return len(c.bits)
}

// rawSize estimates the plain size of the row group's values, to cut pages.
func (c *column) rawSize() int {
	switch c.field.Type {
	case pipeline.String:
		if c.dict != nil {
			return 2 * len(c.idx)
		}
		return len(c.data) + 4*(len(c.offs)-1)
	case pipeline.Date, pipeline.Int32:
		return 4 * len(c.i32)
	case pipeline.Int64, pipeline.Double:
		return 8 * c.values()
	}
	return len(c.bits) / 8
}

// reset empties the buffers for the next row group, keeping their memory.
func (c *column) reset() {
	c.defs, c.i32, c.i64, c.f64, c.bits, c.data, c.idx = c.defs[:0], c.i32[:0], c.i64[:0], c.f64[:0], c.bits[:0], c.data[:0], c.idx[:0]
	if c.offs != nil {
		c.offs = c.offs[:1]
	}
	if c.dict != nil {
		clear(c.dict)
		c.dictVals = c.dictVals[:0]
	}
}

// encoding returns the encoding of the column's data pages.
func (c *column) encoding() format.Encoding {
	switch {
	case c.dict != nil:
		return format.RLEDictionary
	case c.field.Type == pipeline.String:
		return format.DeltaLengthByteArray
	}
	return format.Plain
}

var (
	dictEncoding   rle.DictionaryEncoding
	lengthEncoding delta.LengthByteArrayEncoding
	levelEncoding  = rle.Encoding{BitWidth: 1}
)

// encodeValues appends the encoded values [a, b) (value positions, not rows) to dst.
func (c *column) encodeValues(dst []byte, a, b int) ([]byte, error) {
	switch c.field.Type {
	case pipeline.String:
		if c.dict != nil {
			return dictEncoding.EncodeInt32(dst, c.idx[a:b])
		}
		return lengthEncoding.EncodeByteArray(dst, c.data[c.offs[a]:c.offs[b]], c.offs[a:b+1])
	case pipeline.Date, pipeline.Int32:
		for _, v := range c.i32[a:b] {
			dst = binary.LittleEndian.AppendUint32(dst, uint32(v))
		}
	case pipeline.Int64:
		for _, v := range c.i64[a:b] {
			dst = binary.LittleEndian.AppendUint64(dst, uint64(v))
		}
	case pipeline.Double:
		for _, v := range c.f64[a:b] {
			dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(v))
		}
	case pipeline.Bool:
		var w byte
		for i, v := range c.bits[a:b] {
			w |= v << (i & 7)
			if i&7 == 7 {
				dst, w = append(dst, w), 0
			}
		}
		if (b-a)&7 != 0 {
			dst = append(dst, w)
		}
	}
	return dst, nil
}

// encodeDictionary appends the plain-encoded dictionary to dst.
func (c *column) encodeDictionary(dst []byte) []byte {
	for _, s := range c.dictVals {
		dst = binary.LittleEndian.AppendUint32(dst, uint32(len(s)))
		dst = append(dst, s...)
	}
	return dst
}

// bounds returns the smallest and largest of the values [a, b), plain-encoded as
// Parquet statistics want them (byte arrays without a length); ok is false for none.
func (c *column) bounds(a, b int) (lo, hi []byte, ok bool) {
	if a >= b {
		return nil, nil, false
	}
	switch c.field.Type {
	case pipeline.String:
		var l, h []byte
		if c.dict != nil {
			ls, hs := c.dictVals[c.idx[a]], c.dictVals[c.idx[a]]
			for _, i := range c.idx[a+1 : b] {
				s := c.dictVals[i]
				if s < ls {
					ls = s
				} else if s > hs {
					hs = s
				}
			}
			return truncMin([]byte(ls)), truncMax([]byte(hs)), true
		}
		l, h = c.data[c.offs[a]:c.offs[a+1]], c.data[c.offs[a]:c.offs[a+1]]
		for i := a + 1; i < b; i++ {
			v := c.data[c.offs[i]:c.offs[i+1]]
			if bytes.Compare(v, l) < 0 {
				l = v
			} else if bytes.Compare(v, h) > 0 {
				h = v
			}
		}
		return truncMin(bytes.Clone(l)), truncMax(bytes.Clone(h)), true
	case pipeline.Date, pipeline.Int32:
		l, h := c.i32[a], c.i32[a]
		for _, v := range c.i32[a+1 : b] {
			l, h = min(l, v), max(h, v)
		}
		return binary.LittleEndian.AppendUint32(nil, uint32(l)), binary.LittleEndian.AppendUint32(nil, uint32(h)), true
	case pipeline.Int64:
		l, h := c.i64[a], c.i64[a]
		for _, v := range c.i64[a+1 : b] {
			l, h = min(l, v), max(h, v)
		}
		return binary.LittleEndian.AppendUint64(nil, uint64(l)), binary.LittleEndian.AppendUint64(nil, uint64(h)), true
	case pipeline.Double:
		l, h, any := math.Inf(1), math.Inf(-1), false
		for _, v := range c.f64[a:b] {
			if v == v { // NaN has no place in an order: statistics leave it out
				l, h, any = min(l, v), max(h, v), true
			}
		}
		return binary.LittleEndian.AppendUint64(nil, math.Float64bits(l)), binary.LittleEndian.AppendUint64(nil, math.Float64bits(h)), any
	}
	l, h := c.bits[a], c.bits[a]
	for _, v := range c.bits[a+1 : b] {
		l, h = min(l, v), max(h, v)
	}
	return []byte{l}, []byte{h}, true
}

// MaxStatBytes is the most a string's statistics (a chunk's and a page's minimum and
// maximum, in the footer and the column index) hold of a value: a longer minimum is cut
// to its prefix, a longer maximum to a prefix whose last byte is raised by one. Both stay
// bounds of the values (a reader may skip a page by them) without a long value being
// copied into the footer and the page index.
const MaxStatBytes = 64

// truncMin cuts a lower bound to MaxStatBytes: a prefix is never greater.
func truncMin(b []byte) []byte {
	if len(b) <= MaxStatBytes {
		return b
	}
	return b[:MaxStatBytes:MaxStatBytes]
}

// truncMax cuts an upper bound to MaxStatBytes: the prefix with its last byte below 0xFF
// raised by one is greater than every value that begins with the prefix.
func truncMax(b []byte) []byte {
	if len(b) <= MaxStatBytes {
		return b
	}
	p := bytes.Clone(b[:MaxStatBytes])
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] < 0xFF {
			p[i]++
			return p[:i+1]
		}
	}
	return b // only 0xFF bytes (never in UTF-8 text): kept whole
}

// less compares two plain-encoded statistics values of the column's type.
func (c *column) less(x, y []byte) bool {
	switch c.field.Type {
	case pipeline.Date, pipeline.Int32:
		return int32(binary.LittleEndian.Uint32(x)) < int32(binary.LittleEndian.Uint32(y))
	case pipeline.Int64:
		return int64(binary.LittleEndian.Uint64(x)) < int64(binary.LittleEndian.Uint64(y))
	case pipeline.Double:
		return math.Float64frombits(binary.LittleEndian.Uint64(x)) < math.Float64frombits(binary.LittleEndian.Uint64(y))
	}
	return bytes.Compare(x, y) < 0
}
