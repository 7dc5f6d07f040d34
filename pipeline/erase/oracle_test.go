package erase

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"ipoint/pipeline"
	"ipoint/pipeline/lake"
	"ipoint/pipeline/protect"
	"ipoint/pipeline/read"
	"ipoint/pipeline/source"
)

// subject is a person a test erases, as the test knows them from the raw files alone.
type subject struct {
	kn     string
	azr    []string        // AZR numbers of their residence decisions
	token  string          // Kunde token
	tokens map[string]bool // every token that stands for them in the lake
}

// census counts, for every Kundennummer the raw files of the world hold (in any form),
// the exports it occurs in and whether it occurs in a dirty form.
type census struct {
	exports map[string]map[string]bool
	dirty   map[string]bool
}

func takeCensus(t *testing.T, dir string) census {
	c := census{exports: map[string]map[string]bool{}, dirty: map[string]bool{}}
	for _, path := range rawPaths(t, dir) {
		export := ""
		if _, d, _ := source.Detect(filepath.Base(path)); d != nil {
			export = d.Export.Name
		}
		for _, m := range numberRE.FindAllSubmatch(rawText(t, path), -1) {
			kn := normal(m[1])
			if c.exports[kn] == nil {
				c.exports[kn] = map[string]bool{}
			}
			if export != "" {
				c.exports[kn][export] = true
			}
			c.dirty[kn] = c.dirty[kn] || string(m[1]) != kn
		}
	}
	return c
}

// rawPaths lists the files of the inbox (archive included) and the quarantine.
func rawPaths(t *testing.T, dir string) []string {
	var out []string
	for _, root := range []string{filepath.Join(dir, "inbox"), filepath.Join(dir, "quarantine")} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				out = append(out, path)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	sort.Strings(out)
	return out
}

var (
	meldungRE = regexp.MustCompile(`(?s)<meldung\b.*?</meldung>`)
	azrRE     = regexp.MustCompile(`<azrNummer>\s*([0-9]+)\s*</azrNummer>`)
)

// newSubject learns the person's AZR numbers from the residence decisions that name
// them, and the tokens that stand for them.
func newSubject(t *testing.T, dir, kn string) subject {
	s := subject{kn: kn, tokens: map[string]bool{}}
	seen := map[string]bool{}
	for _, path := range rawPaths(t, dir) {
		if !strings.HasSuffix(path, ".xml") {
			continue
		}
		b, _ := os.ReadFile(path)
		for _, m := range meldungRE.FindAll(b, -1) {
			if holdsNumber(m, kn) {
				for _, a := range azrRE.FindAllSubmatch(m, -1) {
					if !seen[string(a[1])] {
						seen[string(a[1])] = true
						s.azr = append(s.azr, string(a[1]))
					}
				}
			}
		}
	}
	pz := protect.New(testKey)
	s.token = pz.Token(protect.Kunde, kn)
	s.tokens[s.token] = true
	for _, form := range []string{kn, kn[:3] + strings.ToLower(kn[3:4]) + kn[4:], kn[:4] + "O" + kn[5:]} {
		s.tokens[pz.Token(protect.Value, form)] = true
	}
	for _, a := range s.azr {
		s.tokens[pz.Token(protect.AZR, a)] = true
		s.tokens[pz.Token(protect.Value, a)] = true
	}
	return s
}

func holdsNumber(b []byte, kn string) bool {
	for _, m := range numberRE.FindAllSubmatch(b, -1) {
		if normal(m[1]) == kn {
			return true
		}
	}
	return false
}

var nearRE = regexp.MustCompile(`975[0-9A-Za-z]{5,8}`)

// holds reports whether raw text is the subject's by what it holds: their number in any
// form, one of their AZR numbers, or a number one edit from theirs.
func (s subject) holds(b []byte) bool {
	if holdsNumber(b, s.kn) {
		return true
	}
	for _, a := range s.azr {
		if regexp.MustCompile(`(?:^|[^0-9])` + a + `(?:$|[^0-9])`).Match(b) {
			return true
		}
	}
	for _, m := range nearRE.FindAll(b, -1) {
		if editDistance(strings.ToUpper(string(m)), s.kn) <= 1 {
			return true
		}
	}
	return false
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func anyHolds(subjects []subject, b []byte) bool {
	for _, s := range subjects {
		if s.holds(b) {
			return true
		}
	}
	return false
}

// checkText compares a text file before and after: the same lines, each as it was or
// left empty; an emptied line (a CSV or JSONL record, or the lines of an XML record)
// was a subject's, and no line left holds a subject's number. It returns the lines of
// the records emptied (an XML record's start tag).
func checkText(t *testing.T, path string, before, after []byte, subjects []subject) []int {
	bl, al := bytes.Split(before, []byte("\n")), bytes.Split(after, []byte("\n"))
	if len(bl) != len(al) {
		t.Errorf("%s: %d lines, was %d", path, len(al), len(bl))
		return nil
	}
	isXML := strings.HasSuffix(path, ".xml")
	var gone []int
	var block []byte
	for i := range bl {
		changed := !bytes.Equal(bl[i], al[i])
		if changed && len(bytes.TrimSpace(al[i])) != 0 {
			t.Errorf("%s:%d: changed but not emptied", path, i+1)
		}
		if !changed {
			for _, s := range subjects {
				if holdsNumber(bl[i], s.kn) {
					t.Errorf("%s:%d: the number of a subject is still there", path, i+1)
				}
			}
		}
		switch {
		case changed && isXML:
			if bytes.Contains(bl[i], []byte("<meldung")) {
				gone = append(gone, i+1)
			}
			block = append(append(block, bl[i]...), '\n')
		case changed:
			gone = append(gone, i+1)
			if !anyHolds(subjects, bl[i]) {
				t.Errorf("%s:%d: a line that was no subject's was removed", path, i+1)
			}
		}
		if isXML && (!changed || i == len(bl)-1) && len(block) > 0 {
			if !bytes.Contains(block, []byte("</meldung>")) || !anyHolds(subjects, block) {
				t.Errorf("%s:%d: removed lines that are no subject's record: %q", path, i, block)
			}
			block = nil
		}
	}
	if isXML {
		for _, m := range meldungRE.FindAll(after, -1) {
			if anyHolds(subjects, m) {
				t.Errorf("%s: a subject's record is still there", path)
			}
		}
	}
	return gone
}

// sheetRows reads a workbook's data rows with ipoint's own reader: line -> fields.
func sheetRows(t *testing.T, path string) (map[int][]string, int) {
	e := source.Massnahmen
	rd, err := read.OpenXLSX(path, read.XLSXOptions{Sheet: e.Sheet, DateColumns: e.DateColumns()})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer rd.Close()
	kc := -1
	for i, c := range rd.Columns() {
		if c == "Kundennummer" {
			kc = i
		}
	}
	out := map[int][]string{}
	for {
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return out, kc
		}
		var re *read.RowError
		if errors.As(err, &re) {
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out[row.Line] = row.Fields
	}
}

// checkSheet compares a workbook's rows before and after: every row left is as it was
// at its number; every row removed was a subject's; no subject's row is left. It
// returns the lines of the rows removed.
func checkSheet(t *testing.T, beforePath, afterPath string, subjects []subject) []int {
	before, kc := sheetRows(t, beforePath)
	after, _ := sheetRows(t, afterPath)
	var gone []int
	for line, fields := range before {
		a, ok := after[line]
		switch {
		case ok && strings.Join(a, "\x00") != strings.Join(fields, "\x00"):
			t.Errorf("%s row %d: changed", afterPath, line)
		case ok && anyHolds(subjects, []byte(fields[kc])):
			t.Errorf("%s row %d: a subject's row is still there", afterPath, line)
		case !ok:
			gone = append(gone, line)
			if !anyHolds(subjects, []byte(fields[kc])) {
				t.Errorf("%s row %d: a row that was no subject's was removed", afterPath, line)
			}
		}
	}
	if len(after) != len(before)-len(gone) {
		t.Errorf("%s: %d rows, want %d", afterPath, len(after), len(before)-len(gone))
	}
	sort.Ints(gone)
	return gone
}

// readFindings reads a findings table with the lake's own reader.
func readFindings(t *testing.T, path string) []pipeline.Finding {
	var out []pipeline.Finding
	err := lake.ReadTable(path, lake.FindingFields, func(r pipeline.Record) error {
		out = append(out, pipeline.Finding{File: r[0].S, Line: int(r[1].I), Column: r[2].S, Kind: r[3].S, Rejected: r[4].I == 1, Reason: r[5].S, Value: r[6].S})
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func readManifest(t *testing.T, dir string) []lake.Entry {
	b, err := os.ReadFile(filepath.Join(dir, "lake", lake.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	var out []lake.Entry
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		var e lake.Entry
		if err := json.Unmarshal(line, &e); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

// subsequence reports whether after is before with some elements left out, in order,
// and returns those left out.
func subsequence(before, after []string) ([]string, bool) {
	var gone []string
	j := 0
	for _, b := range before {
		if j < len(after) && after[j] == b {
			j++
			continue
		}
		gone = append(gone, b)
	}
	return gone, j == len(after)
}

// checkParts: a workbook's parts are as they were, but for the data sheet (every part
// read unpacked; the archive itself is written anew).
func checkParts(t *testing.T, beforePath, afterPath string) {
	parts := func(path string) map[string]string {
		b, _ := os.ReadFile(path)
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out := map[string]string{}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			c, _ := io.ReadAll(rc)
			rc.Close()
			out[f.Name] = string(c)
		}
		return out
	}
	before, after := parts(beforePath), parts(afterPath)
	if len(before) != len(after) {
		t.Errorf("%s: %d parts, was %d", afterPath, len(after), len(before))
	}
	for name, c := range before {
		if name != "xl/worksheets/sheet1.xml" && after[name] != c {
			t.Errorf("%s: part %s changed", afterPath, name)
		}
	}
}
