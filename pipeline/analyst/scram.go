package analyst

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL speaks it. Only the verifier is
// stored, in PostgreSQL's own form: SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>.

const scramIterations = 4096

// Verifier is a stored SCRAM-SHA-256 verifier.
type Verifier struct {
	Iterations int
	Salt       []byte
	StoredKey  []byte
	ServerKey  []byte
}

// NewVerifier derives a verifier from a password with a fresh random salt.
func NewVerifier(password string) (string, error) {
	if password == "" {
		return "", errors.New("leeres Passwort")
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	v, err := deriveVerifier(password, salt, scramIterations)
	if err != nil {
		return "", err
	}
	return v.String(), nil
}

func deriveVerifier(password string, salt []byte, iter int) (Verifier, error) {
	salted, err := pbkdf2.Key(sha256.New, password, salt, iter, sha256.Size)
	if err != nil {
		return Verifier{}, err
	}
	clientKey := hmacSHA256(salted, "Client Key")
	stored := sha256.Sum256(clientKey)
	return Verifier{Iterations: iter, Salt: salt, StoredKey: stored[:], ServerKey: hmacSHA256(salted, "Server Key")}, nil
}

func (v Verifier) String() string {
	b := base64.StdEncoding.EncodeToString
	return fmt.Sprintf("SCRAM-SHA-256$%d:%s$%s:%s", v.Iterations, b(v.Salt), b(v.StoredKey), b(v.ServerKey))
}

// ParseVerifier reads PostgreSQL's verifier form.
func ParseVerifier(s string) (Verifier, error) {
	bad := errors.New("kein SCRAM-SHA-256-Verifikator")
	rest, ok := strings.CutPrefix(s, "SCRAM-SHA-256$")
	if !ok {
		return Verifier{}, bad
	}
	params, keys, ok := strings.Cut(rest, "$")
	if !ok {
		return Verifier{}, bad
	}
	iter, salt, ok1 := strings.Cut(params, ":")
	stored, server, ok2 := strings.Cut(keys, ":")
	if !ok1 || !ok2 {
		return Verifier{}, bad
	}
	var v Verifier
	var err error
	if v.Iterations, err = strconv.Atoi(iter); err != nil || v.Iterations < 1 {
		return Verifier{}, bad
	}
	d := base64.StdEncoding.DecodeString
	if v.Salt, err = d(salt); err != nil {
		return Verifier{}, bad
	}
	if v.StoredKey, err = d(stored); err != nil || len(v.StoredKey) != sha256.Size {
		return Verifier{}, bad
	}
	if v.ServerKey, err = d(server); err != nil || len(v.ServerKey) != sha256.Size {
		return Verifier{}, bad
	}
	return v, nil
}

func hmacSHA256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// scramServer runs one exchange. A missing account gets a verifier that no password
// matches, so that the exchange looks the same and fails at the end.
type scramServer struct {
	v               Verifier
	clientFirstBare string
	serverFirst     string
	nonce           string
}

var errSCRAM = errors.New("SCRAM: ungültige Nachricht")

// first takes the client-first-message and returns the server-first-message.
func (s *scramServer) first(msg []byte) (string, error) {
	m := string(msg)
	// gs2 header: "n,," (no channel binding) or "y,," (client could, server does not offer)
	var rest string
	switch {
	case strings.HasPrefix(m, "n,"), strings.HasPrefix(m, "y,"):
		_, after, ok := strings.Cut(m[2:], ",")
		if !ok {
			return "", errSCRAM
		}
		rest = after
	default:
		return "", errSCRAM // p=...: channel binding is not offered
	}
	s.clientFirstBare = rest
	var cnonce string
	for _, attr := range strings.Split(rest, ",") {
		if v, ok := strings.CutPrefix(attr, "r="); ok {
			cnonce = v
		}
	}
	if cnonce == "" {
		return "", errSCRAM
	}
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	s.nonce = cnonce + base64.RawStdEncoding.EncodeToString(b)
	s.serverFirst = fmt.Sprintf("r=%s,s=%s,i=%d", s.nonce, base64.StdEncoding.EncodeToString(s.v.Salt), s.v.Iterations)
	return s.serverFirst, nil
}

// final checks the client-final-message and returns the server-final-message.
func (s *scramServer) final(msg []byte) (string, error) {
	m := string(msg)
	withoutProof, proof, ok := strings.Cut(m, ",p=")
	if !ok {
		return "", errSCRAM
	}
	var nonce, cb string
	for _, attr := range strings.Split(withoutProof, ",") {
		if v, ok := strings.CutPrefix(attr, "r="); ok {
			nonce = v
		}
		if v, ok := strings.CutPrefix(attr, "c="); ok {
			cb = v
		}
	}
	if nonce != s.nonce || (cb != "biws" && cb != "eSws") {
		return "", errSCRAM
	}
	p, err := base64.StdEncoding.DecodeString(proof)
	if err != nil || len(p) != sha256.Size {
		return "", errSCRAM
	}
	authMessage := s.clientFirstBare + "," + s.serverFirst + "," + withoutProof
	sig := hmacSHA256(s.v.StoredKey, authMessage)
	clientKey := make([]byte, len(p))
	for i := range p {
		clientKey[i] = p[i] ^ sig[i]
	}
	h := sha256.Sum256(clientKey)
	if subtle.ConstantTimeCompare(h[:], s.v.StoredKey) != 1 {
		return "", errWrongPassword
	}
	return "v=" + base64.StdEncoding.EncodeToString(hmacSHA256(s.v.ServerKey, authMessage)), nil
}

var errWrongPassword = errors.New("Anmeldung fehlgeschlagen")

// unknownVerifier is the verifier for a name without an account: random keys, so no
// password matches, and a salt that stays the same for the name for as long as the
// server runs (a keyed hash of the name, as PostgreSQL's mock salt), so that a fresh
// salt on every try does not tell an unknown name from a real one.
func unknownVerifier(key []byte, name string) Verifier {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("salt\x00" + name))
	v := Verifier{Iterations: scramIterations, Salt: mac.Sum(nil)[:16], StoredKey: make([]byte, 32), ServerKey: make([]byte, 32)}
	rand.Read(v.StoredKey)
	rand.Read(v.ServerKey)
	return v
}
