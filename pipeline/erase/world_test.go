package erase

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"ipoint/pipeline/lake"
)

// pick chooses the test's subjects from the world's raw files: one who occurs in every
// export with persons (client master, job starts, measures, residence decisions with an
// AZR number, consultations), and one whose number also occurs in a dirty form (lower
// case, O for 0), which the ingest rejected.
func pick(t *testing.T) []subject {
	c := takeCensus(t, world)
	all := []string{"verbis_kunden", "arbeitsaufnahmen", "massnahmen", "abh_aufenthalt", "beratungen"}
	var full, dirty string
	var numbers []string
	for kn := range c.exports {
		numbers = append(numbers, kn)
	}
	sort.Strings(numbers)
	best := 0
	for _, kn := range numbers {
		n := 0
		for _, e := range all {
			if c.exports[kn][e] {
				n++
			}
		}
		if n == len(all) && full == "" {
			full = kn
		} else if c.dirty[kn] && n > best {
			dirty, best = kn, n
		}
	}
	if full == "" || dirty == "" {
		t.Fatalf("the world holds no person in every export (%q) or none in a dirty form (%q): choose another seed", full, dirty)
	}
	s := []subject{newSubject(t, world, full), newSubject(t, world, dirty)}
	if len(s[0].azr) == 0 {
		t.Fatalf("%s has no AZR number", full)
	}
	t.Logf("subjects: %s (AZR %v), %s (dirty, %d exports)", s[0].token, len(s[0].azr), s[1].token, best)
	return s
}

// TestEraseWorld erases two people from an ingested world and proves, against the
// world before: (a) no file holds their numbers or AZR numbers in clear text; (b) no
// Parquet value is one of their tokens; (c) every other row of every file is as it was
// (a raw file keeps its lines, a workbook its row numbers, a table the order of its
// rows); (f) the manifest's rows_erased are what left each delivery; (d) erasing them
// again changes nothing.
func TestEraseWorld(t *testing.T) {
	subjects := pick(t)
	h := newHome(t)
	inflight := map[string]bool{} // files an agency is still writing that hold a subject
	for _, s := range subjects {
		for _, p := range holders(t, h.dir, s.kn, s.azr) {
			if strings.HasSuffix(p, ".part") || strings.HasSuffix(p, ".tmp") {
				inflight[p] = true
			}
		}
	}
	var logs bytes.Buffer
	opt := h.options()
	opt.Log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	// The warehouse build's compaction cache copies delta rows: an erasure removes it.
	cache := filepath.Join(h.lake(), lake.CompactDir, "abh_aufenthalt", "2026-10.0123.parquet")
	if err := os.MkdirAll(filepath.Dir(cache), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cache, []byte("rows"), 0o600); err != nil {
		t.Fatal(err)
	}
	results := map[string]*Result{}
	for _, s := range subjects {
		res, err := Run(t.Context(), opt, s.kn)
		if err != nil && len(inflight) == 0 {
			t.Fatal(err)
		}
		for _, u := range res.Unresolved {
			if !inflight[u.Path] || !strings.Contains(u.Reason, "being written") {
				t.Errorf("unresolved: %s: %s", u.Path, u.Reason)
			}
		}
		if res.Token != s.token || res.Rows == 0 {
			t.Errorf("result: token %s, %d rows", res.Token, res.Rows)
		}
		results[s.kn] = res
	}

	if _, err := os.Stat(filepath.Join(h.lake(), lake.CompactDir)); !os.IsNotExist(err) {
		t.Errorf("the compaction cache outlived the erasure: %v", err)
	}

	// Logs: the token and paths, never a number.
	if !strings.Contains(logs.String(), subjects[0].token) {
		t.Error("the log does not name the token")
	}
	for _, s := range subjects {
		if anyHolds([]subject{{kn: s.kn, azr: s.azr}}, logs.Bytes()) {
			t.Errorf("the log holds the number or an AZR number of %s", s.token)
		}
	}

	// (c) Someone else, in the same exports, is still everywhere they were.
	other := neighbour(t, subjects)
	if got, want := holders(t, h.dir, other.kn, nil), holders(t, world, other.kn, nil); len(got) != len(want) || len(want) < 20 {
		t.Errorf("(c) %s was in %d files, is in %d", other.token, len(want), len(got))
	}
	count := func(dir string) int {
		n := 0
		for _, rows := range parquetRows(t, dir) {
			for _, r := range rows {
				if subjectRow([]subject{other}, r) {
					n++
				}
			}
		}
		return n
	}
	if got, want := count(h.lake()), count(filepath.Join(world, "lake")); got != want || want == 0 {
		t.Errorf("(c) %s had %d rows in the lake, has %d", other.token, want, got)
	}

	// (a) Raw bytes, every file of the home but the generator's answer key.
	for _, s := range subjects {
		for _, p := range holders(t, h.dir, s.kn, s.azr) {
			if !inflight[p] {
				t.Errorf("(a) %s still holds %s", p, s.token)
			}
		}
	}

	// (b) Every value of every Parquet file.
	for path, vals := range parquetValues(t, h.lake()) {
		for _, v := range vals {
			for _, s := range subjects {
				if s.tokens[v] {
					t.Errorf("(b) %s holds %s", path, v)
				}
			}
		}
	}

	// (c) Raw files: as they were but for the subjects' rows.
	gone := map[string][]int{} // delivered file name -> lines of the subjects' rows (archive, in force)
	kinds := map[string]string{}
	for _, path := range rawPaths(t, world) {
		rel, _ := filepath.Rel(world, path)
		after := filepath.Join(h.dir, rel)
		before, _ := os.ReadFile(path)
		now, err := os.ReadFile(after)
		if err != nil {
			t.Errorf("(c) %s: %v", rel, err)
			continue
		}
		if string(before) == string(now) || inflight[after] {
			continue
		}
		var lines []int
		if strings.HasSuffix(path, ".xlsx") {
			lines = checkSheet(t, path, after, subjects)
			checkParts(t, path, after)
		} else {
			lines = checkText(t, rel, before, now, subjects)
		}
		if len(lines) == 0 {
			t.Errorf("(c) %s changed, but no row went", rel)
		}
		if strings.Contains(rel, "archive") {
			gone[filepath.Base(path)] = lines
		}
		kinds[rel] = "changed"
	}
	for _, res := range results {
		for _, f := range res.Files {
			rel, _ := filepath.Rel(h.dir, f.Path)
			if f.Kind != KindLake && f.Kind != KindHistory && f.Kind != KindFindings && kinds[rel] == "" {
				t.Errorf("(c) %s reported as changed, but it is not", rel)
			}
		}
	}

	// (c) Lake tables: the same rows in the same order, but for the subjects'.
	before, after := parquetRows(t, filepath.Join(world, "lake")), parquetRows(t, h.lake())
	removed := map[string]int{}
	for path, rows := range before {
		rel, _ := filepath.Rel(filepath.Join(world, "lake"), path)
		now, ok := after[filepath.Join(h.lake(), rel)]
		if !ok {
			t.Errorf("(c) %s is gone", rel)
			continue
		}
		out, ok := subsequence(rows, now)
		if !ok {
			t.Errorf("(c) %s: rows changed or reordered", rel)
		}
		removed[rel] = len(out)
		if strings.HasPrefix(rel, "findings") {
			checkFindings(t, filepath.Join(world, "lake", rel), filepath.Join(h.lake(), rel), subjects, gone)
			continue
		}
		for _, r := range out {
			if !subjectRow(subjects, r) {
				t.Errorf("(c) %s: a row that is no subject's was removed: %s", rel, r)
			}
		}
	}

	// (f) The manifest: rows_erased is what left each delivery, and the warehouse check
	// manifest_zeilen holds (accepted - erased = rows in the lake).
	entries := readManifest(t, h.dir)
	lost := map[string][]bool{} // by export: whether each delivery lost rows
	for i, e := range readManifest(t, world) {
		a := entries[i]
		a.Erased = 0
		if fmt.Sprint(a) != fmt.Sprint(e) {
			t.Errorf("(f) %s: entry changed beyond rows_erased", e.Name)
		}
		if e.Outcome != lake.Ingested || e.Superseded {
			if entries[i].Erased != 0 {
				t.Errorf("(f) %s: rows_erased %d for a delivery not in the lake", e.Name, entries[i].Erased)
			}
			continue
		}
		want := 0
		base := strings.TrimSuffix(e.Name, filepath.Ext(e.Name))
		dir := filepath.Join("export="+e.Export, "stichtag="+e.Stichtag)
		if e.Export == "verbis_kunden" || e.Export == "massnahmen" {
			rejected := map[int]bool{}
			for _, f := range readFindings(t, filepath.Join(world, "lake", "findings", dir, base+".parquet")) {
				rejected[f.Line] = rejected[f.Line] || f.Rejected
			}
			for _, l := range gone[e.Name] {
				if !rejected[l] {
					want++
				}
			}
		} else {
			inLake := 0
			for rel, n := range removed {
				if src, ok := lake.PartSource(filepath.Base(rel)); filepath.Dir(rel) == dir && ok && src == base {
					want += n
					inLake += len(after[filepath.Join(h.lake(), rel)])
				}
			}
			if e.Accepted-entries[i].Erased != inLake {
				t.Errorf("(f) %s: %d accepted - %d erased, but %d rows in the lake", e.Name, e.Accepted, entries[i].Erased, inLake)
			}
		}
		if entries[i].Erased != want {
			t.Errorf("(f) %s: rows_erased %d, want %d", e.Name, entries[i].Erased, want)
		}
		lost[e.Export] = append(lost[e.Export], want > 0)
	}
	for _, e := range []string{"verbis_kunden", "massnahmen", "arbeitsaufnahmen", "abh_aufenthalt", "beratungen"} {
		n := 0
		for _, b := range lost[e] {
			if b {
				n++
			}
		}
		if n == 0 {
			t.Errorf("(f) no %s delivery lost a row: the subjects are not in every export", e)
		}
	}

	// (d) Again: nothing found, nothing changed.
	snap := files(t, h.dir)
	for _, s := range subjects {
		res, err := Run(t.Context(), h.options(), s.kn)
		if err != nil && len(inflight) == 0 {
			t.Fatal(err)
		}
		if len(res.Files) != 0 || res.Rows != 0 {
			t.Errorf("(d) a second erasure changed %d files", len(res.Files))
		}
	}
	if again := files(t, h.dir); fmt.Sprint(again) != fmt.Sprint(snap) {
		t.Errorf("(d) a second erasure changed the home")
	}
}

// neighbour is someone who is no subject, in as many exports as possible.
func neighbour(t *testing.T, subjects []subject) subject {
	c := takeCensus(t, world)
	best, n := "", 0
	for kn, e := range c.exports {
		if kn != subjects[0].kn && kn != subjects[1].kn && (len(e) > n || len(e) == n && kn < best) {
			best, n = kn, len(e)
		}
	}
	return newSubject(t, world, best)
}

// subjectRow reports whether a lake row (its values joined) holds a subject's token.
func subjectRow(subjects []subject, row string) bool {
	for _, v := range strings.Split(row, "|") {
		for _, s := range subjects {
			if s.tokens[v] {
				return true
			}
		}
	}
	return false
}

// checkFindings: a finding went if and only if it is about a subject: its value is one
// of their tokens, or it points at one of their rows in the delivered file.
func checkFindings(t *testing.T, beforePath, afterPath string, subjects []subject, gone map[string][]int) {
	key := func(f any) string { return fmt.Sprint(f) }
	kept := map[string]int{}
	for _, f := range readFindings(t, afterPath) {
		kept[key(f)]++
	}
	for _, f := range readFindings(t, beforePath) {
		about := false
		for _, s := range subjects {
			about = about || s.tokens[f.Value]
		}
		for _, l := range gone[f.File] {
			about = about || l == f.Line
		}
		k := key(f)
		switch {
		case about && kept[k] > 0:
			t.Errorf("(c) %s: finding %s:%d %s about a subject is still there", afterPath, f.File, f.Line, f.Kind)
		case !about && kept[k] == 0:
			t.Errorf("(c) %s: finding %s:%d %s went", afterPath, f.File, f.Line, f.Kind)
		}
		kept[k]--
	}
}
