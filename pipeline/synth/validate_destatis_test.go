package synth_test

// The independent validator for the official statistics (export 7): a GENESIS flat file
// of table 12531-0043 (sources.md §7).

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// ---- 7. destatis_12531 ----

const destatisHeader = "statistics_code;statistics_label;time_code;time_label;time;" +
	"1_variable_code;1_variable_label;1_variable_attribute_code;1_variable_attribute_label;" +
	"2_variable_code;2_variable_label;2_variable_attribute_code;2_variable_attribute_label;" +
	"3_variable_code;3_variable_label;3_variable_attribute_code;3_variable_attribute_label;" +
	"4_variable_code;4_variable_label;4_variable_attribute_code;4_variable_attribute_label;" +
	"value;value_unit;value_variable_code;value_variable_label"

var (
	// sources.md §7: the categories and, for each, the category it is a part of.
	destatisParent = map[string]string{"SCHUTZST-OF": "", "SCHUTZST-AK-1": "", "SCHUTZST-AK-2": "SCHUTZST-AK-1",
		"SCHUTZST-AK-3": "SCHUTZST-AK-2", "SCHUTZST-AK-4": "SCHUTZST-AK-2", "SCHUTZST-AK-5": "SCHUTZST-AK-1",
		"SCHUTZST-X": "", "AUSRPFL-G": "SCHUTZST-X", "AUSRPFL-L": "SCHUTZST-X", "AUSRPFL-V": "SCHUTZST-X"}
	reNationality = regexp.MustCompile(`^(ST\d{3}|[A-Z]{2,8})$`)
)

// destatisCell is one (Kreis, sex, nationality) of a file: its value per category.
type destatisCell map[string]int

// destatisFile is what the validator reads from a file: its cells by Kreis, and each
// Kreis's sum of the top categories and of every line.
type destatisFile struct {
	cells map[string]map[string]destatisCell // Kreis, sex|nationality
	top   map[string]int
	all   map[string]int
	lines map[string]int
}

func validateDestatis(r *fileReport, b []byte) *destatisFile {
	out := &destatisFile{cells: map[string]map[string]destatisCell{}, top: map[string]int{}, all: map[string]int{}, lines: map[string]int{}}
	if !bytes.HasPrefix(b, bom) {
		r.problem("no byte-order mark (sources.md §7: UTF-8 with BOM)")
	}
	b = bytes.TrimPrefix(b, bom)
	if !utf8.Valid(b) {
		r.Kinds["bad_encoding"] = true
		return out
	}
	if p := lineEndProblem(b, false); p != "" {
		r.problem("%s", p)
	}
	recs := readCSV(string(b))
	if len(recs) == 0 || strings.Join(recs[0].Fields, ";") != destatisHeader {
		r.Kinds["wrong_header"] = true
		return out
	}
	stichtag := r.Stichtag.Format("2006-01-02")
	if r.Stichtag.Month() != 12 || r.Stichtag.Day() != 31 {
		r.problem("Stichtag %s is no 31.12.", stichtag)
	}
	seen := map[string]int{}
	for _, rec := range recs[1:] {
		r.DataRows++
		f := rec.Fields
		if len(f) != 25 || !rec.Terminated {
			r.problem("line %d: %d fields, terminated %v", rec.Line, len(f), rec.Terminated)
			continue
		}
		if f[0] != "12531" || f[4] != stichtag || f[2] != "STAG" || f[5] != "KREISE" || f[9] != "SCHST2" || f[13] != "GES" ||
			f[17] != "STAAG5" || f[22] != "Anzahl" || f[23] != "BEV030" {
			r.problem("line %d: not a line of table 12531-0043 at %s: %q", rec.Line, stichtag, rec.Fields)
			continue
		}
		kreis, status, sex, nat := f[7], f[11], f[15], f[19]
		if _, ok := destatisParent[status]; !ok || kreis != "05970" && kreis != "05966" || sex != "GESM" && sex != "GESW" ||
			!reNationality.MatchString(nat) || f[20] == "" {
			r.problem("line %d: codes %s %s %s %s", rec.Line, kreis, status, sex, nat)
			continue
		}
		n, err := strconv.Atoi(f[21])
		if err != nil || n <= 0 || n%5 != 0 {
			// compress=true leaves zeros out; Destatis rounds to multiples of 5
			r.problem("line %d: value %q is no positive multiple of 5", rec.Line, f[21])
			continue
		}
		key := kreis + "|" + status + "|" + sex + "|" + nat
		if l, dup := seen[key]; dup {
			r.problem("line %d: the cell of line %d again", rec.Line, l)
		}
		seen[key] = rec.Line
		if out.cells[kreis] == nil {
			out.cells[kreis] = map[string]destatisCell{}
		}
		c := out.cells[kreis][sex+"|"+nat]
		if c == nil {
			c = destatisCell{}
			out.cells[kreis][sex+"|"+nat] = c
		}
		c[status] = n
		out.all[kreis] += n
		out.lines[kreis]++
		if destatisParent[status] == "" {
			out.top[kreis] += n
		}
	}
	// The hierarchy, cell by cell: the parts of a category add up to at most the
	// category, and the complete ones to all of it, each value off by at most 2.
	for kreis, cells := range out.cells {
		for k, c := range cells {
			near := func(a, b, values int) bool { return a-b <= 2*values && b-a <= 2*values }
			if !near(c["SCHUTZST-AK-1"], c["SCHUTZST-AK-2"]+c["SCHUTZST-AK-5"], 3) ||
				!near(c["SCHUTZST-AK-2"], c["SCHUTZST-AK-3"]+c["SCHUTZST-AK-4"], 3) ||
				c["AUSRPFL-G"]+c["AUSRPFL-L"]+c["AUSRPFL-V"] > c["SCHUTZST-X"]+8 {
				r.problem("%s %s: the categories do not follow the hierarchy: %v", kreis, k, c)
			}
		}
	}
	return out
}

// TestConformanceDestatis: the official statistics are delivered per the contract, and
// the truth's official figures are the sums of the top categories' lines.
func TestConformanceDestatis(t *testing.T) {
	checkExport(t, exDestatis)
	eachFixture(t, func(t *testing.T, fx *fixture) {
		want := map[string]truthOfficial{}
		for _, o := range fx.truth.Official {
			want[o.Stichtag+" "+o.Kreis] = o
		}
		n := 0
		for _, name := range fx.names {
			r := fx.reports[name]
			if r.Export != exDestatis {
				continue
			}
			b := readInbox(t, fx, name)
			d := validateDestatis(newReport(name), b)
			for _, kreis := range []string{"05966", "05970"} {
				o, ok := want[r.Stichtag.Format("2006-01-02")+" "+kreis]
				if !ok || o.Total != d.top[kreis] || o.Open+o.Recognised+o.Rejected != o.Total || o.Lines != d.lines[kreis] || o.AllLines != d.all[kreis] {
					t.Errorf("%s %s: truth %+v, the file: top %d, lines %d, every line %d", name, kreis, o, d.top[kreis], d.lines[kreis], d.all[kreis])
				}
				if o.AllLines < 2*o.Total {
					t.Errorf("%s %s: summing every line (%d) should overcount the total (%d) about twofold", name, kreis, o.AllLines, o.Total)
				}
				n++
			}
		}
		if n == 0 || len(fx.truth.Official) != n {
			t.Errorf("%d official figures checked, the truth has %d", n, len(fx.truth.Official))
		}
	})
}

func readInbox(t *testing.T, fx *fixture, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fx.out, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
