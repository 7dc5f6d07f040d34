package synth_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"ipoint/pipeline/synth"
)

func smallOptions(dir string) synth.Options {
	// 2026-10-31..2026-11-04: a month end with both monthly deliveries, and a holiday.
	return synth.Options{Out: filepath.Join(dir, "inbox"), Truth: filepath.Join(dir, "groundtruth.json"),
		Seed: 7, AsOf: day("2026-11-04"), Days: 5, Scale: 0.1, DirtRate: 0.01}
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var n []string
	for _, e := range es {
		n = append(n, e.Name())
	}
	sort.Strings(n)
	return n
}

func sameTree(t *testing.T, label string, a, b synth.Options) {
	t.Helper()
	na, nb := listDir(t, a.Out), listDir(t, b.Out)
	if len(na) == 0 {
		t.Fatalf("%s: empty inbox", label)
	}
	if len(na) != len(nb) {
		t.Errorf("%s: %d files vs %d files", label, len(na), len(nb))
	}
	inB := map[string]bool{}
	for _, n := range nb {
		inB[n] = true
	}
	diffs := 0
	for _, n := range na {
		if !inB[n] {
			t.Errorf("%s: %s only in the first run", label, n)
			continue
		}
		x, _ := os.ReadFile(filepath.Join(a.Out, n))
		y, _ := os.ReadFile(filepath.Join(b.Out, n))
		if !bytes.Equal(x, y) {
			if diffs++; diffs <= 10 {
				t.Errorf("%s: %s differs (%d vs %d bytes)", label, n, len(x), len(y))
			}
		}
	}
	if diffs > 10 {
		t.Errorf("%s: %d files differ in all", label, diffs)
	}
	x, err1 := os.ReadFile(a.Truth)
	y, err2 := os.ReadFile(b.Truth)
	if err1 != nil || err2 != nil {
		t.Fatalf("%s: truth: %v %v", label, err1, err2)
	}
	if !bytes.Equal(x, y) {
		t.Errorf("%s: ground truth differs (%d vs %d bytes)", label, len(x), len(y))
	}
}

// TestDeterminism: same seed and options give byte-identical inbox and truth; the
// number of parallel writers must not matter either.
func TestDeterminism(t *testing.T) {
	root := t.TempDir()
	a := smallOptions(filepath.Join(root, "a"))
	b := smallOptions(filepath.Join(root, "b"))
	c := smallOptions(filepath.Join(root, "c"))
	c.Workers = 5
	for _, o := range []synth.Options{a, b, c} {
		if _, err := synth.Generate(context.Background(), o); err != nil {
			t.Fatalf("generate %s: %v", o.Out, err)
		}
	}
	sameTree(t, "same options", a, b)
	sameTree(t, "Workers 2 vs 5", a, c)
	// a different seed must give a different world (else the seed is ignored)
	d := smallOptions(filepath.Join(root, "d"))
	d.Seed = 8
	if _, err := synth.Generate(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	x, _ := os.ReadFile(filepath.Join(a.Out, "verbis_kunden_20261104.csv"))
	y, _ := os.ReadFile(filepath.Join(d.Out, "verbis_kunden_20261104.csv"))
	if len(x) == 0 || bytes.Equal(x, y) {
		t.Errorf("seed 7 and seed 8 give the same (or no) client master")
	}
}

// TestConformanceTruthInsideOutRefused: docs: --truth is refused if inside --out.
func TestConformanceTruthInsideOutRefused(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "inbox")
	for _, truth := range []string{
		filepath.Join(out, "groundtruth.json"),
		filepath.Join(out, "sub", "groundtruth.json"),
		filepath.Join(out, "..groundtruth.json"), // a file in the inbox whose name starts with ".."
		out + "/./groundtruth.json",
		out,
	} {
		o := smallOptions(root)
		o.Out, o.Truth = out, truth
		if _, err := synth.Generate(context.Background(), o); err == nil {
			t.Errorf("Truth %s inside Out %s was accepted", truth, out)
		}
		if _, err := os.Stat(truth); err == nil && truth != out {
			t.Errorf("the refused truth %s was written", truth)
		}
		os.RemoveAll(out)
	}
	// a sibling folder whose name starts like the inbox is outside it
	o := smallOptions(root)
	o.Out, o.Truth = out, filepath.Join(root, "inbox2", "groundtruth.json")
	if _, err := synth.Generate(context.Background(), o); err != nil {
		t.Errorf("Truth in a sibling folder refused: %v", err)
	}
}

// TestDeliveredDayByDay: with Delivered taking every day's files out of the inbox as
// they come, each file is handed over once, complete, in day order, and what was taken
// out is byte for byte the inbox of a generation without it; nothing is left behind.
func TestDeliveredDayByDay(t *testing.T) {
	root := t.TempDir()
	a := smallOptions(filepath.Join(root, "a"))
	b := smallOptions(filepath.Join(root, "b"))
	taken := filepath.Join(root, "taken")
	if err := os.MkdirAll(taken, 0o750); err != nil {
		t.Fatal(err)
	}
	var days []string
	b.Delivered = func(d time.Time, files []string) error {
		if n := len(days); n > 0 && days[n-1] >= d.Format("2006-01-02") {
			t.Errorf("day %s handed over after %s", d.Format("2006-01-02"), days[n-1])
		}
		days = append(days, d.Format("2006-01-02"))
		if len(files) == 0 {
			t.Errorf("%s: no files", d.Format("2006-01-02"))
		}
		for _, f := range files {
			if _, err := os.Stat(filepath.Join(taken, f)); err == nil {
				t.Errorf("%s handed over twice", f)
			}
			if err := os.Rename(filepath.Join(b.Out, f), filepath.Join(taken, f)); err != nil {
				t.Error(err)
			}
		}
		return nil
	}
	for _, o := range []synth.Options{a, b} {
		if _, err := synth.Generate(context.Background(), o); err != nil {
			t.Fatalf("generate %s: %v", o.Out, err)
		}
	}
	if len(days) != a.Days {
		t.Errorf("%d days handed over, want %d", len(days), a.Days)
	}
	if left := listDir(t, b.Out); len(left) != 0 {
		t.Errorf("left in the inbox: %v", left)
	}
	b.Out = taken
	sameTree(t, "day by day", a, b)
	// An error of Delivered stops the generation with it.
	c := smallOptions(filepath.Join(root, "c"))
	c.Delivered = func(time.Time, []string) error { return os.ErrClosed }
	if _, err := synth.Generate(context.Background(), c); err != os.ErrClosed {
		t.Errorf("Delivered's error: generation said %v", err)
	}
}

// TestResumedGeneration: a generation resumed at a day writes and hands over, from that
// day on, the same files byte for byte and day by day as the whole generation, and
// nothing before it; October's consultation file (whose month began before the resumed
// day) included. The window starts in September, which the resumed run does not
// simulate at all.
func TestResumedGeneration(t *testing.T) {
	root := t.TempDir()
	from := day("2026-10-29")
	run := func(name string, resume time.Time) (map[string][]string, string) {
		o := smallOptions(filepath.Join(root, name))
		o.Days = 40 // 2026-09-26..2026-11-04: the resumed run skips September
		o.From = resume
		taken := filepath.Join(root, name, "taken")
		if err := os.MkdirAll(taken, 0o750); err != nil {
			t.Fatal(err)
		}
		byDay := map[string][]string{}
		o.Delivered = func(d time.Time, files []string) error {
			for _, f := range files {
				if err := os.Rename(filepath.Join(o.Out, f), filepath.Join(taken, f)); err != nil {
					return err
				}
			}
			if !d.Before(from) {
				byDay[d.Format(time.DateOnly)] = append([]string(nil), files...)
			} else {
				for _, f := range files {
					if err := os.Remove(filepath.Join(taken, f)); err != nil {
						return err
					}
				}
			}
			return nil
		}
		if _, err := synth.Generate(context.Background(), o); err != nil {
			t.Fatalf("generate %s: %v", name, err)
		}
		return byDay, taken
	}
	wholeDays, whole := run("whole", time.Time{})
	resumedDays, resumed := run("resumed", from)
	if len(wholeDays) != 7 || len(resumedDays) != len(wholeDays) {
		t.Fatalf("days handed over from %s: whole %d, resumed %d, want 7", from.Format(time.DateOnly), len(wholeDays), len(resumedDays))
	}
	consult := false
	for d, files := range wholeDays {
		sort.Strings(files)
		got := resumedDays[d]
		sort.Strings(got)
		if !slices.Equal(files, got) {
			t.Errorf("%s: whole generation handed over %v, resumed %v", d, files, got)
		}
		for _, f := range files {
			consult = consult || strings.HasPrefix(f, "beratungen_")
		}
	}
	if !consult {
		t.Error("no consultation file handed over from the resumed day on")
	}
	sameFiles(t, whole, resumed)
	// A day outside the window is refused.
	o := smallOptions(filepath.Join(root, "outside"))
	o.From = day("2026-10-30")
	if _, err := synth.Generate(context.Background(), o); err == nil || !strings.Contains(err.Error(), "outside the window") {
		t.Errorf("resuming before the window: %v", err)
	}
}

// sameFiles compares two folders' files by name and bytes.
func sameFiles(t *testing.T, a, b string) {
	t.Helper()
	na, nb := listDir(t, a), listDir(t, b)
	if !slices.Equal(na, nb) {
		t.Fatalf("%s holds %v, %s holds %v", a, na, b, nb)
	}
	for _, n := range na {
		x, err1 := os.ReadFile(filepath.Join(a, n))
		y, err2 := os.ReadFile(filepath.Join(b, n))
		if err1 != nil || err2 != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs (%d vs %d bytes; %v %v)", n, len(x), len(y), err1, err2)
		}
	}
}
