package synth

import "math"

// The generator draws every random number from a stream keyed by the seed and by what
// it is drawn for (a person, a day, a file). A person's life is therefore a pure
// function of the seed and the person's index, and can be rebuilt wherever it is needed
// instead of being kept in memory: that is what keeps memory flat as the scale grows.

// mix is SplitMix64's finaliser: a bijective 64-bit hash.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// hash combines keys into one 64-bit value.
func hash(keys ...uint64) uint64 {
	h := uint64(0x243f6a8885a308d3)
	for _, k := range keys {
		h = mix(h ^ k)
	}
	return h
}

// unit maps a hash to [0, 1).
func unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }

// stream is a small, fast random stream (SplitMix64).
type stream struct{ s uint64 }

func newStream(keys ...uint64) stream { return stream{hash(keys...)} }

func (r *stream) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// float returns a uniform number in [0, 1).
func (r *stream) float() float64 { return unit(r.next()) }

// chance returns true with probability p.
func (r *stream) chance(p float64) bool { return r.float() < p }

// intn returns a uniform integer in [0, n).
func (r *stream) intn(n int) int {
	if n <= 0 {
		return 0
	}
	return int(r.next() % uint64(n))
}

// between returns a uniform integer in [lo, hi].
func (r *stream) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// normal returns a standard normal deviate (Box-Muller).
func (r *stream) normal() float64 {
	u1 := r.float()
	if u1 < 1e-12 {
		u1 = 1e-12
	}
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*r.float())
}

// pick returns an index drawn with the given weights.
func (r *stream) pick(weights []float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	x := r.float() * total
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// Stream purposes, so that draws for different things never share a stream.
const (
	keySkeleton uint64 = iota + 1
	keyDetail
	keyNames
	keySchedule
	keyDayOffice
	keyPopulation
	keyDirt
	keyEmployer
	keyOrphan
	keyFileDirt
)
