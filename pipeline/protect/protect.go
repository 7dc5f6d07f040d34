// Package protect pseudonymises identifiers before anything leaves the inbox: keyed
// HMAC-SHA256 tokens, one key for all exports so that they join. The key is kept apart
// from the data (a file with mode 0600, or the environment); without it nothing runs.
package protect

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/maphash"
	"io/fs"
	"os"
	"strings"
)

// Kind is the kind of identifier; it separates the token spaces, so that equal digits
// of different identifiers never give equal tokens.
type Kind byte

const (
	Kunde   Kind = 'K' // Kundennummer
	BG      Kind = 'B' // BG-Nummer (household)
	AZR     Kind = 'A' // AZR-Nummer
	Betrieb Kind = 'E' // Betriebsnummer (employer)
	Value   Kind = 'V' // any other personal value that must stay comparable, e.g. a rejected value
	Record  Kind = 'R' // an agency's record id (Aufnahme_ID, Teilnahme_ID, ...): see RecordToken
)

// KeyEnv is the environment variable that may carry the key (hex, at least 32 bytes).
const KeyEnv = "IPOINT_KEY"

// KeySize is the size of a generated key in bytes.
const KeySize = 32

// Key is the pseudonymisation key. It never prints.
type Key struct{ b []byte }

func (Key) String() string   { return "<redacted>" }
func (Key) GoString() string { return "<redacted>" }

// ErrNoKey means no key is configured: ingest refuses to run rather than fall back to
// an unkeyed hash, which anybody could reverse by trying all Kundennummern.
var ErrNoKey = errors.New("kein Pseudonymisierungsschlüssel: ipoint init erzeugt einen, oder " + KeyEnv + " setzen")

// ParseKey reads a hex-encoded key.
func ParseKey(s string) (Key, error) {
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return Key{}, fmt.Errorf("Schlüssel ist nicht hexadezimal")
	}
	if len(b) < KeySize {
		return Key{}, fmt.Errorf("Schlüssel zu kurz: %d Bytes, mindestens %d", len(b), KeySize)
	}
	return Key{b}, nil
}

// LoadKey reads the key from the environment value env, if set, else from the file at
// path. The file must not be readable by group or others.
func LoadKey(path, env string) (Key, error) {
	if env != "" {
		return ParseKey(env)
	}
	if path == "" {
		return Key{}, ErrNoKey
	}
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Key{}, ErrNoKey
	}
	if err != nil {
		return Key{}, err
	}
	if st.Mode().Perm()&0o077 != 0 {
		return Key{}, fmt.Errorf("Schlüsseldatei %s ist für andere lesbar (Rechte %o); erlaubt ist 0600", path, st.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Key{}, err
	}
	return ParseKey(string(b))
}

// CreateKeyFile writes a new random key to path with mode 0600. It never overwrites an
// existing key: tokens made with it would no longer join.
func CreateKeyFile(path string) error {
	b := make([]byte, KeySize)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(hex.EncodeToString(b) + "\n"); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}

var b32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Pseudonymizer makes tokens. It is not safe for concurrent use: give each goroutine
// its own (they are cheap and agree with each other).
//
// An HMAC costs two SHA-256 blocks; a file repeats identifiers, so tokens are kept for
// reuse. A client's rows, a household's members and a job start's versions mostly follow
// one another: the last value of each kind and its token are kept, and a repeat costs a
// comparison. Beyond that, tokens are cached in two caches of fixed size: a direct-
// mapped one for Kundennummern and other values, and a two-way one for employers,
// households and residence numbers, which recur all over a file, apart from the stream
// of clients that would evict them. A cache slot holds its input in place: a hit
// allocates nothing, a miss the token.
//
// Both caches are small enough to stay in a core's own cache (512 KB each). A cache
// that holds every employer of a large file (150,000 in 5 million job starts) is not:
// its hit was a miss in memory for the slot and another for the token it points to,
// dearer than the HMAC it saved (BenchmarkIngestVsDuckDB: a sixth of the ingest's CPU
// time with 8 MB per worker).
//
// Where values do not recur within a cache's reach (a bulk file of millions of distinct
// clients, whose repeats follow one another), a cache only adds a miss to every HMAC.
// Each cache's hit rate is judged over windows of twice its size, counting only the
// second half, when the cache is warm again: a value that comes back within a cache's
// length is a hit there. When too few lookups of that half hit, the cache is passed by
// for some windows, then tried again: fewer than one in eight for the clients' cache,
// fewer than one in two for the two-way cache. Its lookup, spread over the whole cache,
// mostly misses in the core's own cache and costs about half an HMAC; employers spread
// over a file as in the bulk file of BenchmarkIngestVsDuckDB (one lookup in nine hit)
// made it cost more than it saved.
type Pseudonymizer struct {
	mac    hash.Hash
	sum    []byte
	buf    []byte
	seed   maphash.Seed
	last   [8]lastToken // by kind&7 (kinds may share one; its kind tells)
	recent []cacheSlot  // direct-mapped: Kundennummern and other values
	known  []cacheSlot  // two-way (slots 2i and 2i+1): the recurring kinds; allocated on first use

	recentUse, knownUse use // how well each cache hits

	lastScope, lastRecord, lastRecordToken string // RecordToken's last id and its token
}

// lastToken is the last value of a kind and its token.
type lastToken struct {
	kind         Kind // 0: none yet
	value, token string
}

// use judges a cache's hit rate over windows of twice its n entries.
type use struct {
	probes, hits int // lookups in the current window, and hits in its second half
	skip         int // lookups that pass the cache by
}

// pass reports whether a lookup passes the cache by, because it hit too rarely.
func (u *use) pass() bool {
	if u.skip > 0 {
		u.skip--
		return true
	}
	return false
}

// look counts a lookup in a cache of n entries that pays from need hits in the n
// lookups of a window's second half on; it reports whether the lookup lies in that
// half, where a hit counts.
func (u *use) look(n, need int) bool {
	if u.probes++; u.probes == 2*n {
		if u.hits < need {
			u.skip = skipWindows * 2 * n
		}
		u.probes, u.hits = 0, 0
	}
	return u.probes > n
}

const (
	probeWindow = 2 * recentSlots // lookups in recent over which its hit rate is judged
	skipWindows = 8               // windows a cache is passed by when it hits too rarely
)

// cacheSlot is 32 bytes: two of them share a cache line.
type cacheSlot struct {
	n     uint8 // length of the input; 0: empty
	in    [slotBytes]byte
	token string
}

const (
	slotBytes   = 15      // the kind and a value of up to 14 bytes: every identifier
	recentSlots = 1 << 14 // 512 KB
	knownSlots  = 1 << 14 // 512 KB, and the tokens
)

// New returns a pseudonymizer for key.
func New(key Key) *Pseudonymizer {
	if len(key.b) == 0 {
		panic("protect: zero key")
	}
	return &Pseudonymizer{mac: hmac.New(sha256.New, key.b), seed: maphash.MakeSeed(), recent: make([]cacheSlot, recentSlots)}
}

// Token returns the token of value: the kind's letter, '-', and 26 base32 characters
// (130 bits of the HMAC). Equal values of a kind give equal tokens under one key.
func (p *Pseudonymizer) Token(kind Kind, value string) string {
	last := &p.last[kind&7]
	if last.kind == kind && last.value == value {
		return last.token
	}
	t := p.cached(kind, value)
	*last = lastToken{kind: kind, value: value, token: t}
	return t
}

// cached returns the token of value from a cache, or makes it and keeps it there.
func (p *Pseudonymizer) cached(kind Kind, value string) string {
	if len(value) >= slotBytes {
		return p.token(kind, value)
	}
	recent := kind == Kunde || kind == Value
	u, n, need := &p.knownUse, knownSlots, knownSlots/2
	if recent {
		u, n, need = &p.recentUse, recentSlots, recentSlots/8
	}
	if u.pass() {
		return p.token(kind, value)
	}
	var key [slotBytes]byte
	key[0] = byte(kind)
	k := uint8(1 + copy(key[1:], value))
	h := maphash.Bytes(p.seed, key[:k])
	counts := u.look(n, need)
	if recent {
		slot := &p.recent[h&(recentSlots-1)]
		if slot.n == k && slot.in == key {
			if counts {
				u.hits++
			}
			return slot.token
		}
		t := p.token(kind, value)
		*slot = cacheSlot{n: k, in: key, token: t}
		return t
	}
	if p.known == nil {
		p.known = make([]cacheSlot, knownSlots)
	}
	set := p.known[h&(knownSlots-2) : h&(knownSlots-2)+2]
	for i := range set {
		if set[i].n == k && set[i].in == key {
			if i == 1 { // the way used last comes first: the other is evicted next
				set[0], set[1] = set[1], set[0]
			}
			if counts {
				u.hits++
			}
			return set[0].token
		}
	}
	t := p.token(kind, value)
	set[1] = set[0]
	set[0] = cacheSlot{n: k, in: key, token: t}
	return t
}

// token computes the token of a value.
func (p *Pseudonymizer) token(kind Kind, value string) string {
	p.buf = append(append(p.buf[:0], byte(kind), 0), value...)
	return p.sign(kind)
}

// sign makes the token of kind from the HMAC of p.buf.
func (p *Pseudonymizer) sign(kind Kind) string {
	p.mac.Reset()
	p.mac.Write(p.buf)
	p.sum = p.mac.Sum(p.sum[:0])
	var out [2 + 26]byte
	out[0], out[1] = byte(kind), '-'
	b32.Encode(out[2:], p.sum[:16])
	return string(out[:])
}

// Digest returns what a token encodes: its kind and its 128-bit keyed hash, 17 bytes
// instead of 28 characters; a set of millions of tokens of one kind (a snapshot's keys)
// holds them so. Two tokens are equal exactly when kind and sum are. ok is false for a
// text that is not a token.
func Digest(token string) (kind byte, sum [16]byte, ok bool) {
	if len(token) != 28 || token[1] != '-' {
		return 0, sum, false
	}
	if n, err := b32.Decode(sum[:], []byte(token[2:])); err != nil || n != 16 || b32.EncodeToString(sum[:]) != token[2:] {
		return 0, sum, false
	}
	return token[0], sum, true
}

// RecordToken returns the token of an agency's record id (an Aufnahme_ID, a Teilnahme_ID,
// the id of a consultation or a residence decision). Such an id is personal in the same
// way a Kundennummer is: with the agency's own system, or the archived raw file, it leads
// to the person. Its tokens are of kind Record and are scoped: the HMAC covers scope (the
// export's name) as well, so an id never gives the token of a client, household,
// employer or value of the same text, nor of an equal id of another export. Record ids
// only need to join within their export (the versions of one job start). Within a file
// a record id recurs only where an initial load lists a record's versions one after the
// other: the last id's token is kept for those, and there is no cache beyond it.
func (p *Pseudonymizer) RecordToken(scope, value string) string {
	if value == p.lastRecord && scope == p.lastScope && p.lastRecordToken != "" {
		return p.lastRecordToken
	}
	p.buf = append(append(append(append(p.buf[:0], byte(Record), 0), scope...), 0), value...)
	t := p.sign(Record)
	p.lastScope, p.lastRecord, p.lastRecordToken = scope, value, t
	return t
}

// Fingerprint identifies a key without revealing it: a keyed hash of a fixed text. The
// lake keeps the fingerprint of the key its tokens were made with, so that a command
// given another key refuses to work rather than make tokens that join nothing.
func Fingerprint(k Key) string {
	mac := hmac.New(sha256.New, k.b)
	mac.Write([]byte("ipoint key fingerprint v1"))
	return hex.EncodeToString(mac.Sum(nil)[:16])
}
