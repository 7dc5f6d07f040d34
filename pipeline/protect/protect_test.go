package protect

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testKey(t *testing.T) Key {
	k, err := ParseKey(strings.Repeat("ab", 32))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestTokensJoinAndSeparate(t *testing.T) {
	a, b := New(testKey(t)), New(testKey(t))
	t1 := a.Token(Kunde, "975D004711")
	if t1 != b.Token(Kunde, "975D004711") || t1 != a.Token(Kunde, "975D004711") {
		t.Error("equal values under one key give different tokens")
	}
	if t1 == a.Token(Kunde, "975D004712") {
		t.Error("different values give equal tokens")
	}
	if a.Token(Betrieb, "12345678") == a.Token(AZR, "12345678") {
		t.Error("kinds share a token space")
	}
	if !strings.HasPrefix(t1, "K-") || len(t1) != 28 || strings.Contains(t1, "975D") {
		t.Errorf("token %q malformed", t1)
	}
	other, _ := ParseKey(strings.Repeat("cd", 32))
	if New(other).Token(Kunde, "975D004711") == t1 {
		t.Error("another key gives the same token")
	}
}

func TestKeyNeverPrints(t *testing.T) {
	k := testKey(t)
	for _, s := range []string{fmt.Sprint(k), fmt.Sprintf("%v %+v %#v %s", k, k, k, k)} {
		if strings.Contains(s, "ab") {
			t.Errorf("key printed: %s", s)
		}
	}
}

func TestKeyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "key")
	if _, err := LoadKey(path, ""); !errors.Is(err, ErrNoKey) {
		t.Errorf("missing key: %v", err)
	}
	if err := CreateKeyFile(path); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %o", st.Mode().Perm())
	}
	if err := CreateKeyFile(path); err == nil {
		t.Error("existing key overwritten")
	}
	k1, err := LoadKey(path, "")
	if err != nil {
		t.Fatal(err)
	}
	if New(k1).Token(Kunde, "x") == New(testKey(t)).Token(Kunde, "x") {
		t.Error("generated key equals the test key")
	}
	os.Chmod(path, 0o644)
	if _, err := LoadKey(path, ""); err == nil || !strings.Contains(err.Error(), "0600") {
		t.Errorf("world-readable key accepted: %v", err)
	}
	if _, err := LoadKey("", strings.Repeat("ab", 8)); err == nil {
		t.Error("short key from the environment accepted")
	}
	if _, err := LoadKey("", ""); !errors.Is(err, ErrNoKey) {
		t.Error("no key accepted")
	}
}

func BenchmarkToken(b *testing.B) {
	k, _ := ParseKey(strings.Repeat("ab", 32))
	p := New(k)
	vals := make([]string, 4096)
	for i := range vals {
		vals[i] = fmt.Sprintf("975A%06d", i)
	}
	b.Run("cached", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			p.Token(Kunde, vals[i%len(vals)])
		}
	})
	b.Run("uncached", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			p.Token(Kunde, fmt.Sprint(i))
		}
	})
}
