package erase

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ipoint/pipeline/lake"
)

// TestInterrupted: an erasure that fails at its k-th rewrite (a file written under its
// temporary name, not yet renamed) leaves no temporary file behind, and a second run
// ends with the same home, byte for byte, as an erasure that never failed: the same
// lake, the same manifest (rows_erased from the journal, not counted twice), the same
// raw files.
func TestInterrupted(t *testing.T) {
	kn := pick(t)[0].kn
	ref := newHome(t)
	calls, manifest := 0, 0
	testHook = func(path string) error {
		if calls++; filepath.Base(path) == lake.ManifestName {
			manifest = calls
		}
		return nil
	}
	ref.erase(t, kn)
	testHook = nil
	t.Cleanup(func() { testHook = nil })
	want := files(t, ref.dir)
	if calls < 10 || manifest == 0 {
		t.Fatalf("%d rewrites, the manifest at %d", calls, manifest)
	}
	// The journal, the first table of the lake, the manifest, the first raw file, the last.
	for _, k := range []int{1, 2, manifest, manifest + 1, calls} {
		t.Run(fmt.Sprint(k), func(t *testing.T) {
			h := newHome(t)
			n := 0
			injected := errors.New("injected failure")
			testHook = func(path string) error {
				if n++; n == k {
					return injected
				}
				return nil
			}
			_, err := Run(context.Background(), h.options(), kn)
			testHook = nil
			if !errors.Is(err, injected) {
				t.Fatalf("err %v", err)
			}
			if temps := temporary(t, h.dir); len(temps) > 0 {
				t.Errorf("temporary files left: %v", temps)
			}
			_, err = os.Stat(filepath.Join(h.lake(), JournalName))
			if k > 1 && err != nil {
				t.Errorf("no journal after a failure at rewrite %d: %v", k, err)
			}
			res := h.erase(t, kn)
			if k > 1 && res.Rows == 0 {
				t.Errorf("the second run did nothing")
			}
			got := files(t, h.dir)
			for p, s := range want {
				if got[p] != s {
					t.Errorf("%s differs from an erasure that never failed", p)
				}
			}
			for p := range got {
				if _, ok := want[p]; !ok {
					t.Errorf("%s is left over", p)
				}
			}
		})
	}
}

func temporary(t *testing.T, dir string) []string {
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), lake.TempPrefix) {
			out = append(out, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCrashLeftovers: temporary files a killed erasure left beside raw files and in the
// lake are swept; an agency's own hidden files are not.
func TestCrashLeftovers(t *testing.T) {
	h := home{t.TempDir()}
	left := []string{
		filepath.Join(h.archive(), "verbis_kunden", lake.TempPrefix+"verbis_kunden_20261101.csv-123456"),
		filepath.Join(h.archive(), "massnahmen", lake.TempPrefix+"massnahmen_20261101.xlsx.0123456789ab-42"),
		filepath.Join(h.quarantine(), lake.TempPrefix+"beratungen_202610.jsonl-7"),
		filepath.Join(h.lake(), "export=verbis_kunden", lake.TempPrefix+"history.parquet-9"),
	}
	agency := filepath.Join(h.inbox(), lake.TempPrefix+"notiz.txt-1")
	for _, p := range append(left, agency) {
		write(t, p, "x")
	}
	if _, err := Run(context.Background(), h.options(), X); err != nil {
		t.Fatal(err)
	}
	for _, p := range left {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s is still there", p)
		}
	}
	if _, err := os.Stat(agency); err != nil {
		t.Errorf("an agency's file went: %v", err)
	}
}

// TestUnresolved: a file an agency is still writing, and a note that is no delivery,
// both holding the number, are left as they are and named; the erasure says it is
// incomplete.
func TestUnresolved(t *testing.T) {
	h := home{t.TempDir()}
	part := filepath.Join(h.inbox(), "verbis_kunden_20261112.csv.part")
	note := filepath.Join(h.inbox(), "Liesmich.txt")
	reason := filepath.Join(h.quarantine(), "verbis_kunden_20261101.csv.grund.txt")
	write(t, part, verbisHeader+"\r\n"+verbisRow(X, "", "Haddad;Rami;00.00.1990")+"\r\n")
	write(t, note, "Bitte "+strings.ToLower(X)+" prüfen\n")
	write(t, reason, "Datei: verbis_kunden_20261101.csv\nGrund: Pflichtspalte fehlt\n")
	before := files(t, h.dir)
	res, err := Run(context.Background(), h.options(), X)
	if !errors.Is(err, ErrIncomplete) {
		t.Fatalf("err %v", err)
	}
	got := map[string]string{}
	for _, u := range res.Unresolved {
		got[u.Path] = u.Reason
	}
	if len(got) != 2 || !strings.Contains(got[part], "being written") || !strings.Contains(got[note], "not a delivery") {
		t.Errorf("unresolved %v", res.Unresolved)
	}
	if after := files(t, h.dir); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Error("files changed")
	}
}

// TestInvalidNumber: a number that is not a Kundennummer is refused before anything is
// read, with the expected form in the message.
func TestInvalidNumber(t *testing.T) {
	h := newHome(t)
	before := files(t, h.dir)
	for _, kn := range []string{"", "975d004711", "975D00471", "975D0047111", "97AD004711", "975DO04711"} {
		if _, err := Run(context.Background(), h.options(), kn); !errors.Is(err, ErrInvalidNumber) {
			t.Errorf("%q: %v", kn, err)
		}
	}
	if _, err := Run(context.Background(), Options{Key: testKey}, X); err == nil || errors.Is(err, ErrInvalidNumber) {
		t.Errorf("no directories: %v", err)
	}
	if !strings.Contains(ErrInvalidNumber.Error(), "3 Ziffern, ein Großbuchstabe und 6 Ziffern") {
		t.Error("the message does not name the form")
	}
	if after := files(t, h.dir); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Error("files changed")
	}
}

// TestOtherJournal: an interrupted erasure of another person must be finished first.
func TestOtherJournal(t *testing.T) {
	h := home{t.TempDir()}
	j := &journal{Token: "K-someoneelse"}
	if err := os.MkdirAll(h.lake(), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := j.save(filepath.Join(h.lake(), JournalName)); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), h.options(), X); err == nil || !strings.Contains(err.Error(), "K-someoneelse") {
		t.Errorf("err %v", err)
	}
}

func TestCanonical(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string
	}{
		{X, X}, {" " + X + " ", X}, {"975d004711", X}, {"975DO04711", X}, {"975dO04711", X}, {"975do0o711", "975D000711"},
		{"975D00471", ""}, {"975D 004711", ""}, {"975O004711", "975O004711"}, {"9750004711", ""},
	} {
		got, ok := canonical(c.in)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("canonical(%q) = %q, %v", c.in, got, ok)
		}
	}
	for _, c := range []struct {
		in   string
		near bool
	}{
		{"975D00471", true}, {"75D004711", true}, {"975D0047111", true}, {"975D004712", true}, {"975d00471", true},
		{"975D0047", false}, {"975E004712", false}, {"", false}, {"975D004711-1", false},
	} {
		if near(c.in, X) != c.near {
			t.Errorf("near(%q) = %v", c.in, !c.near)
		}
	}
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"x;" + X + ";y", true}, {`"kundennummer":"975d004711"`, true}, {"975DO04711", true}, {"Bruder von " + X + ".", true},
		{"A" + X, false}, {X + "1", false}, {"975D00471", false}, {"975E004711", false},
	} {
		if mentions([]byte(c.in), X) != c.want {
			t.Errorf("mentions(%q) = %v", c.in, !c.want)
		}
	}
	p := newPerson(testKey, X)
	for _, form := range []string{X, "975d004711", "975DO04711", "975D0O4711", "975dO04711"} {
		if !p.values[p.valueToken(form)] {
			t.Errorf("a finding of %q would stay", form)
		}
	}
	if !mentionsDigits([]byte("<azrNummer>912345678901</azrNummer>"), set{"912345678901": true}) ||
		mentionsDigits([]byte("9912345678901"), set{"912345678901": true}) {
		t.Error("mentionsDigits")
	}
}
