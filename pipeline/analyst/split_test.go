package analyst

import (
	"reflect"
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"SELECT 1; SELECT 2;", []string{"SELECT 1", "SELECT 2"}},
		{"SELECT ';'; SELECT 2", []string{"SELECT ';'", "SELECT 2"}},
		{"SELECT 'it''s;'; x", []string{"SELECT 'it''s;'", "x"}},
		{"SELECT E'a\\';b'; x", []string{"SELECT E'a\\';b'", "x"}},
		{"SELECT 'a\\'; x", []string{"SELECT 'a\\'", "x"}},
		{"SELECT $$a;b$$; x", []string{"SELECT $$a;b$$", "x"}},
		{"SELECT $f$a;$$;b$f$; x", []string{"SELECT $f$a;$$;b$f$", "x"}},
		{"SELECT $1; x", []string{"SELECT $1", "x"}},
		{"SELECT /* a; /* b; */ c; */ 1; x", []string{"SELECT /* a; /* b; */ c; */ 1", "x"}},
		{"SELECT 1 -- a; b\n; x", []string{"SELECT 1 -- a; b", "x"}},
		{`SELECT "a;b" FROM t; x`, []string{`SELECT "a;b" FROM t`, "x"}},
		{"-- only a comment\n; /* and */ ;", nil},
	} {
		if got := Split(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Split(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestCalledNames(t *testing.T) {
	for q, want := range map[string]string{
		`SELECT * FROM "enable_logging"('QueryLog')`:                    "enable_logging",
		`SELECT * FROM "ENABLE_LOGGING" /* x */ ('QueryLog')`:           "enable_logging",
		`SELECT system.main.Enable_Logging()`:                           "enable_logging",
		`SELECT 'enable_logging(' AS s, count(*) FROM t`:                "count",
		`SELECT E'\'enable_logging(', lower(x) -- query(` + "\n FROM t": "lower",
		`SELECT a$$x$ FROM t WHERE f$(1)`:                               "f$",
		`SELECT "a""b"(1)`:                                              `a"b`,
	} {
		if got := strings.Join(calledNames(q), ","); got != want {
			t.Errorf("calledNames(%q) = %q, want %q", q, got, want)
		}
	}
	for _, q := range []string{`SELECT * FROM "enable_logging"('QueryLog')`, `SELECT "query"('select 42')`,
		`SELECT * FROM duckdb_logs()`, `SELECT getenv ('HOME')`} {
		if check(q) == nil {
			t.Errorf("%s passed the check", q)
		}
	}
	if err := check(`SELECT 'query(' AS query, count(*) FROM mart_monat`); err != nil {
		t.Errorf("a name in a literal or as an alias was refused: %v", err)
	}
	if got := Split("SELECT 1 AS a$$x$ ; SELECT 2"); len(got) != 2 {
		t.Errorf("a $ inside a name opened a dollar-quote: %q", got)
	}
}

// TestUnknownNameSalt: a name without an account gets the same salt on every try, as
// a real account does, and another name another salt.
func TestUnknownNameSalt(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	a, b, c := unknownVerifier(key, "nobody"), unknownVerifier(key, "nobody"), unknownVerifier(key, "niemand")
	if !reflect.DeepEqual(a.Salt, b.Salt) || reflect.DeepEqual(a.Salt, c.Salt) || len(a.Salt) != 16 {
		t.Errorf("salts %x %x %x", a.Salt, b.Salt, c.Salt)
	}
	if reflect.DeepEqual(a.StoredKey, b.StoredKey) {
		t.Error("the mock keys repeat: a password could match")
	}
}
