package benchdata

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestYearResumed: a year's build stopped after its second day and resumed leaves the
// lake of a build in one go, file for file and byte for byte, and sums its figures
// over both runs; a finished build resumed does nothing, and one of other days starts
// anew.
func TestYearResumed(t *testing.T) {
	root := t.TempDir()
	asOf := time.Date(2026, 11, 4, 0, 0, 0, 0, time.UTC) // 2026-11-01..04: the month's turn
	whole := Year{Home: filepath.Join(root, "whole"), Scale: 0.2, Days: 4, AsOf: asOf}
	ws, err := BuildYear(context.Background(), whole)
	if err != nil {
		t.Fatal(err)
	}
	if ws.Days != 4 || ws.Runs != 1 || ws.Rows == 0 {
		t.Fatalf("in one go: %+v", ws)
	}

	ctx, stop := context.WithCancel(context.Background())
	var taken []string
	// A CPU clock that advances a second each time it is read: the first run reads it at
	// its start and after each of its two days (2 s), the second at its start, after its
	// two days and at its end (3 s).
	var cpuReads time.Duration
	cpu := func() time.Duration { cpuReads++; return cpuReads * time.Second }
	part := Year{Home: filepath.Join(root, "resumed"), Scale: 0.2, Days: 4, AsOf: asOf, Resume: true, CPU: cpu,
		Log: func(format string, args ...any) {
			if line := format; strings.HasPrefix(line, "%s: %d files") {
				taken = append(taken, args[0].(string))
				if len(taken) == 2 {
					stop() // the machine goes off after the second day
				}
			}
		}}
	if _, err := BuildYear(ctx, part); err == nil {
		t.Fatal("a stopped build reported no error")
	}
	if len(taken) != 2 {
		t.Fatalf("days taken in before the stop: %v", taken)
	}
	rs, err := BuildYear(context.Background(), part)
	if err != nil {
		t.Fatal(err)
	}
	if len(taken) != 4 || taken[2] != "2026-11-03" {
		t.Errorf("days taken in: %v, want the third and fourth after the stop", taken)
	}
	if rs.Days != 4 || rs.Runs != 2 || rs.Rows != ws.Rows || rs.Files != ws.Files || rs.CPU != 5*time.Second {
		t.Errorf("resumed: %+v; in one go: %+v", rs, ws)
	}
	sameTree(t, filepath.Join(whole.Home, "lake"), filepath.Join(part.Home, "lake"))

	// Finished: resuming takes in nothing more.
	n := len(taken)
	again, err := BuildYear(context.Background(), part)
	if err != nil {
		t.Fatal(err)
	}
	if len(taken) != n || again.Days != 4 || again.Runs != 2 {
		t.Errorf("a finished build resumed took in %v (%+v)", taken[n:], again)
	}
	// A record whose lake is gone: the build starts anew.
	if err := os.RemoveAll(filepath.Join(part.Home, "lake")); err != nil {
		t.Fatal(err)
	}
	anew, err := BuildYear(context.Background(), part)
	if err != nil {
		t.Fatal(err)
	}
	if anew.Runs != 1 || anew.Days != 4 {
		t.Errorf("resumed without a lake: %+v", anew)
	}
	sameTree(t, filepath.Join(whole.Home, "lake"), filepath.Join(part.Home, "lake"))
	// Another number of days: the lake is built anew.
	other := part
	other.Days = 2
	os.WriteFile(filepath.Join(part.Home, "lake", "stray"), []byte("x"), 0o600)
	os2, err := BuildYear(context.Background(), other)
	if err != nil {
		t.Fatal(err)
	}
	if os2.Days != 2 || os2.Runs != 1 {
		t.Errorf("other days: %+v", os2)
	}
	if _, err := os.Stat(filepath.Join(part.Home, "lake", "stray")); err == nil {
		t.Error("a build of other days kept the old lake")
	}
}

// sameTree compares two folders' files by relative path and bytes.
func sameTree(t *testing.T, a, b string) {
	t.Helper()
	files := func(root string) map[string][]byte {
		m := map[string][]byte{}
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			m[rel], err = os.ReadFile(path)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	fa, fb := files(a), files(b)
	if len(fa) == 0 {
		t.Fatalf("%s is empty", a)
	}
	for rel, x := range fa {
		y, ok := fb[rel]
		switch {
		case !ok:
			t.Errorf("%s only in the build in one go", rel)
		case !bytes.Equal(x, y):
			t.Errorf("%s differs (%d vs %d bytes)", rel, len(x), len(y))
		}
	}
	for rel := range fb {
		if _, ok := fa[rel]; !ok {
			t.Errorf("%s only in the resumed build", rel)
		}
	}
}
