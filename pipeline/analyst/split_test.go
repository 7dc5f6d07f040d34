package analyst

import (
	"reflect"
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
