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
type Pseudonymizer struct {
	mac   hash.Hash
	sum   []byte
	buf   []byte
	seed  maphash.Seed
	cache []cacheSlot // direct-mapped: repeated values (employers, a client's rows) hit
}

type cacheSlot struct{ in, token string }

const cacheSlots = 1 << 14

// New returns a pseudonymizer for key.
func New(key Key) *Pseudonymizer {
	if len(key.b) == 0 {
		panic("protect: zero key")
	}
	return &Pseudonymizer{mac: hmac.New(sha256.New, key.b), seed: maphash.MakeSeed(), cache: make([]cacheSlot, cacheSlots)}
}

// Token returns the token of value: the kind's letter, '-', and 26 base32 characters
// (130 bits of the HMAC). Equal values of a kind give equal tokens under one key.
func (p *Pseudonymizer) Token(kind Kind, value string) string {
	p.buf = append(append(p.buf[:0], byte(kind), 0), value...)
	slot := &p.cache[maphash.Bytes(p.seed, p.buf)&(cacheSlots-1)]
	if len(slot.in) == len(p.buf) && slot.in == string(p.buf) {
		return slot.token
	}
	p.mac.Reset()
	p.mac.Write(p.buf)
	p.sum = p.mac.Sum(p.sum[:0])
	out := make([]byte, 2+b32.EncodedLen(16))
	out[0], out[1] = byte(kind), '-'
	b32.Encode(out[2:], p.sum[:16])
	t := string(out)
	slot.in, slot.token = string(p.buf), t
	return t
}
