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

// TestTokenCacheAgrees: whether a token comes from a cache, from one that is passed by
// because it hits too rarely, or from the HMAC itself, it is the same token; the cache
// is passed by where clients do not repeat, and used again where they do, also where
// each client comes back only thousands of lookups later.
func TestTokenCacheAgrees(t *testing.T) {
	k := testKey(t)
	p, ref := New(k), New(k)
	check := func(what string, kind Kind, v string) {
		t.Helper()
		if got, want := p.Token(kind, v), ref.token(kind, v); got != want { // ref.token: the HMAC, no cache
			t.Fatalf("%s %s: token %s, the HMAC gives %s", what, v, got, want)
		}
	}
	// Distinct clients: the cache is passed by.
	var seen []string
	for i := range 3 * probeWindow {
		v := fmt.Sprintf("975A%06d", i)
		seen = append(seen, v)
		check("distinct client", Kunde, v)
	}
	if p.recentUse.skip == 0 {
		t.Fatal("distinct clients: the cache is not passed by")
	}
	// Each client twice, 6,000 lookups apart: a third of a cache's length, the cache pays
	// and must never be passed by.
	p = New(k)
	for i := range 4 * skipWindows * probeWindow {
		check("returning client", Kunde, fmt.Sprintf("975C%06d", (i/12000)*6000+i%6000))
		if p.recentUse.skip != 0 {
			t.Fatalf("clients coming back 6,000 lookups later: the cache is passed by after %d lookups", i+1)
		}
	}
	// A few clients over and over, and employers in the two-way cache beside them.
	for i := range 2 * probeWindow {
		check("repeated client", Kunde, seen[i%50])
		w := fmt.Sprintf("%08d", i%300)
		check("employer", Betrieb, w)
		if p.Token(Betrieb, w) == p.Token(Kunde, w) {
			t.Fatalf("employer %s: the same token as a client's", w)
		}
	}
	if p.knownUse.skip != 0 {
		t.Fatal("300 employers over and over: their cache is passed by")
	}
	// Distinct employers, each named by a few rows in a row, between clients whose rows
	// follow one another too: the last token of each kind serves the repeats, the
	// employers' cache is passed by.
	p = New(k)
	for i := range 6 * knownSlots {
		c, w := fmt.Sprintf("975E%06d", i/4), fmt.Sprintf("%08d", i/3)
		check("client in a row", Kunde, c)
		check("employer in a row", Betrieb, w)
		check("the employer's digits as a client", Kunde, w)
		check("the client again", Kunde, c)
	}
	if p.knownUse.skip == 0 {
		t.Fatal("distinct employers: their cache is not passed by")
	}
	// Kinds that keep their last token in one place: each gets its own token.
	for _, v := range []string{"12345BG0000001", "12345BG0000001", "x"} {
		check("household", BG, v)
		check("record id as a kind", Record, v)
		check("household again", BG, v)
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
	distinct := make([]string, 1<<20)
	for i := range distinct {
		distinct[i] = fmt.Sprintf("975B%06d", i)
	}
	b.Run("distinct", func(b *testing.B) { // a bulk file: every client once
		for i := 0; i < b.N; i++ {
			p.Token(Kunde, distinct[i%len(distinct)])
		}
	})
}

// TestRecordTokens: an agency's record id becomes a token of its own kind, scoped by its
// export: never the token of a client (or any other kind) of the same text, never that
// of an equal id of another export, and stable under one key.
func TestRecordTokens(t *testing.T) {
	a, b := New(testKey(t)), New(testKey(t))
	id := "AU-2026-000001"
	r := a.RecordToken("arbeitsaufnahmen", id)
	if r != b.RecordToken("arbeitsaufnahmen", id) || r != a.RecordToken("arbeitsaufnahmen", id) {
		t.Error("equal record ids under one key give different tokens")
	}
	if !strings.HasPrefix(r, "R-") || len(r) != 28 || strings.Contains(r, "2026") {
		t.Errorf("record token %q malformed", r)
	}
	for _, k := range []Kind{Kunde, BG, AZR, Betrieb, Value, Record} {
		if a.Token(k, id) == r {
			t.Errorf("a record token equals the %c token of the same text", k)
		}
	}
	if a.RecordToken("beratungen", id) == r {
		t.Error("equal ids of two exports give equal tokens")
	}
	if a.RecordToken("arbeitsaufnahmen", "AU-2026-000002") == r {
		t.Error("different ids give equal tokens")
	}
	// The scope and the id are separated: moving a character across the border changes the token.
	if a.RecordToken("ab", "c") == a.RecordToken("a", "bc") {
		t.Error("scope and id run together")
	}
	kn := "975D004711"
	if a.RecordToken("massnahmen", kn) == a.Token(Kunde, kn) {
		t.Error("a record id typed like a Kundennummer joins the client")
	}
}

// TestDigest: a token's digest stands for it exactly (equal tokens, equal digests;
// others, others); a text that is no token, or a token in another spelling, has none.
func TestDigest(t *testing.T) {
	p := New(testKey(t))
	type digest struct {
		kind byte
		sum  [16]byte
	}
	seen := map[digest]string{}
	for i := range 2000 {
		for _, tok := range []string{p.Token(Kunde, fmt.Sprintf("975D%06d", i)), p.RecordToken("massnahmen", fmt.Sprintf("TN-%d", i))} {
			kind, sum, ok := Digest(tok)
			d := digest{kind, sum}
			if !ok {
				t.Fatalf("%q: no digest", tok)
			}
			if other, dup := seen[d]; dup && other != tok {
				t.Fatalf("%q and %q share a digest", tok, other)
			}
			seen[d] = tok
		}
	}
	tok := p.Token(Kunde, "975D004711")
	_, want, _ := Digest(tok)
	for _, c := range "abcdefghijklmnopqrstuvwxyz234567" { // every spelling of the last character
		other := tok[:27] + string(c)
		if _, d, ok := Digest(other); ok && other != tok && d == want {
			t.Errorf("%q has the digest of %q", other, tok)
		}
	}
	for _, bad := range []string{"", "975D004711", tok[:27], tok + "a", "K_" + tok[2:], strings.ToUpper(tok)} {
		if _, _, ok := Digest(bad); ok {
			t.Errorf("%q has a digest", bad)
		}
	}
}
