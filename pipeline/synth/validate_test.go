package synth_test

// The independent validator: per file a report of data rows, file-level kinds,
// row-level findings (dirt kinds, or "!..." pseudo kinds for contract violations that
// have no dirt kind) and file-level problems. This file: the framework, the client
// master and the job starts; validate_ki_test.go: the statistics table;
// validate_more_test.go: XLSX, XML, JSONL.

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

type finding struct {
	File   string
	Line   int
	Column string
	Kind   string
}

func (f finding) String() string { return fmt.Sprintf("%s:%d %s %s", f.File, f.Line, f.Column, f.Kind) }

type fileReport struct {
	Name     string
	Export   string // "" for files that are not data
	Stichtag time.Time
	DataRows int
	Kinds    map[string]bool
	Rows     []finding // one per dirty row
	Rejected int       // rows the ingest would reject
	Problems []string  // file-level contract violations
	Keys     []string  // client master: valid Kundennummern
	Recs     []record  // parsed data rows (not truncated ones), for the truth figures
	Style    []string  // values that pass as valid but differ from the form sources.md shows
}

// record is one parsed data row: raw values by contract column (XLSX dates as
// JJJJ-MM-TT), and whether the ingest rejects it.
type record struct {
	Line      int
	V         map[string]string // a truncated row holds only its complete fields
	Rejected  bool
	Truncated bool
}

func newReport(name string) *fileReport {
	r := &fileReport{Name: name, Kinds: map[string]bool{}}
	ex, st, kind := classifyName(name)
	r.Export, r.Stichtag = ex, st
	if kind != "" {
		r.Kinds[kind] = true
	}
	return r
}

func (r *fileReport) problem(format string, a ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, a...))
}

func (r *fileReport) kindList() []string {
	var k []string
	for x := range r.Kinds {
		k = append(k, x)
	}
	sort.Strings(k)
	return k
}

// outcome derives the file's outcome from its kinds.
func outcomeOf(kinds []string) string {
	out := "ingest"
	for _, k := range kinds {
		switch fileKindOutcome[k] {
		case "quarantine":
			out = "quarantine"
		case "ignore", "unknown":
			return fileKindOutcome[k]
		}
	}
	return out
}

func (r *fileReport) outcome() string   { return outcomeOf(r.kindList()) }
func (r *fileReport) quarantined() bool { return r.outcome() == "quarantine" }

func validateFile(r *fileReport, b []byte, master map[string]bool) {
	if r.Export == "" {
		return
	}
	if len(b) == 0 {
		r.Kinds["empty_file"] = true
		return
	}
	switch r.Export {
	case exVerbis:
		validateVerbis(r, b)
	case exAufn:
		validateAufnahmen(r, b, master)
	case exKI:
		validateKI(r, b)
	case exDestatis:
		validateDestatis(r, b)
	case exMassn:
		validateMassnahmen(r, b, master)
	case exABH:
		validateABH(r, b, master)
	case exBerat:
		validateBeratungen(r, b, master)
	}
	if tooManyRejects(r.Rejected, r.DataRows) {
		r.Kinds["too_many_rejects"] = true
	}
}

// tooManyRejects is the documented quarantine rule: more than 5 % of the rows and at
// least 5 rows rejected.
func tooManyRejects(rejected, rows int) bool { return rejected >= 5 && rejected*20 > rows }

// ---- row defects ----

type defect struct{ col, kind string }

type orphanCand struct {
	line    int
	col, kn string
}

type rowAcc struct {
	rows    map[int][]defect
	orphans []orphanCand
}

func newAcc() *rowAcc { return &rowAcc{rows: map[int][]defect{}} }

func (a *rowAcc) add(line int, col, kind string) {
	a.rows[line] = append(a.rows[line], defect{col, kind})
}

func (a *rowAcc) rejected(line int) bool {
	for _, d := range a.rows[line] {
		if rejects(d.kind) {
			return true
		}
	}
	return false
}

// finish applies orphan candidates (only rows the ingest keeps can be orphans; none
// for the client master itself, master == nil) and
// turns each dirty row into one finding; a row with several defects becomes one
// "!multiple(...)" finding, since every dirty row must carry exactly one defect.
func (a *rowAcc) finish(r *fileReport, master map[string]bool) {
	for _, o := range a.orphans {
		if master == nil { // the client master itself
			break
		}
		if !a.rejected(o.line) && !master[o.kn] {
			a.add(o.line, o.col, "orphan")
		}
	}
	for i := range r.Recs {
		r.Recs[i].Rejected = a.rejected(r.Recs[i].Line)
	}
	var lines []int
	for l := range a.rows {
		lines = append(lines, l)
	}
	sort.Ints(lines)
	for _, l := range lines {
		ds := a.rows[l]
		f := finding{File: r.Name, Line: l, Column: ds[0].col, Kind: ds[0].kind}
		if len(ds) > 1 {
			var ks, cs []string
			for _, d := range ds {
				ks, cs = append(ks, d.kind), append(cs, d.col)
			}
			f.Kind, f.Column = "!multiple("+strings.Join(ks, "+")+")", strings.Join(cs, "+")
		}
		r.Rows = append(r.Rows, f)
		if a.rejected(l) {
			r.Rejected++
		}
	}
}

// rowCtx checks the values of one row.
type rowCtx struct {
	acc  *rowAcc
	line int
	get  func(col string) string
}

func (c *rowCtx) add(col, kind string) { c.acc.add(c.line, col, kind) }

func (c *rowCtx) required(col string) (string, bool) {
	v := c.get(col)
	if v == "" {
		c.add(col, "!missing_required")
		return "", false
	}
	return v, true
}

func (c *rowCtx) code(col string, list map[string]bool, required bool) string {
	v := c.get(col)
	if v == "" {
		if required {
			c.add(col, "!missing_required")
		}
		return ""
	}
	if !list[v] {
		c.add(col, "unknown_code")
		return ""
	}
	return v
}

func (c *rowCtx) ident(col string, re *regexp.Regexp, required bool) string {
	v := c.get(col)
	if v == "" {
		if required {
			c.add(col, "!missing_required")
		}
		return ""
	}
	if !re.MatchString(v) {
		c.add(col, "bad_identifier")
		return ""
	}
	return v
}

// date parses a TT.MM.JJJJ (iso=false) or JJJJ-MM-TT (iso=true) value.
func (c *rowCtx) date(col string, required, partialBirth, iso bool) (time.Time, bool) {
	v := c.get(col)
	if v == "" {
		if required {
			c.add(col, "!missing_required")
		}
		return time.Time{}, false
	}
	var t time.Time
	var ok bool
	if iso {
		t, ok = parseISO(v)
	} else {
		t, ok = parseDE(v, partialBirth)
	}
	if !ok {
		c.add(col, "invalid_date")
	}
	return t, ok
}

// kunde checks a Kundennummer and registers it as an orphan candidate.
func (c *rowCtx) kunde(col string, required bool) string {
	v := c.get(col)
	if v == "" {
		if required {
			c.add(col, "!missing_required")
		}
		return ""
	}
	if d := kundennummerDefect(v); d != "" {
		c.add(col, d)
		return ""
	}
	c.acc.orphans = append(c.acc.orphans, orphanCand{c.line, col, v})
	return v
}

// ---- headers ----

var optionalColumns = set(`BG_Nummer Einreise Abgang_IP Abgangsgrund Schulabschluss Berufsabschluss
	Sprachniveau Zielniveau Ende Wochenstunden Bruttoentgelt WZ2008 Betriebsnummer Traeger
	Ende_tatsaechlich Ergebnis`)

func hasPrefixCols(got, want []string) bool {
	if len(got) < len(want) {
		return false
	}
	for i := range want {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

// checkHeader records extra_column / missing_column / wrong_header (or a problem) and
// says whether the rows can be read by the contract's columns.
func checkHeader(r *fileReport, got []string) bool {
	want := headers[r.Export]
	if hasPrefixCols(got, want) {
		if len(got) > len(want) {
			r.Kinds["extra_column"] = true
			for _, x := range got[len(want):] {
				if x == "" || containsStr(want, x) {
					r.problem("extra column %q is empty or repeats a contract column", x)
				}
			}
		}
		return true
	}
	for ex, h := range headers {
		if ex != r.Export && hasPrefixCols(got, h) {
			r.Kinds["wrong_header"] = true
			return false
		}
	}
	// a subsequence of the contract's columns (in order) with at least one missing,
	// possibly followed by columns the contract does not know
	j, k := 0, 0
	for ; k < len(got); k++ {
		for j < len(want) && want[j] != got[k] {
			j++
		}
		if j == len(want) {
			break
		}
		j++
	}
	bad := k == 0
	for _, g := range got[k:] {
		bad = bad || g == "" || containsStr(want, g)
	}
	if bad {
		r.problem("header %q does not match the contract %q", got, want)
		return false
	}
	r.Kinds["missing_column"] = true
	for _, w := range want {
		if !containsStr(got, w) && optionalColumns[w] {
			r.problem("missing_column: the missing column %s is optional, not required", w)
		}
	}
	return false
}

func containsStr(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func colMap(h []string) map[string]int {
	m := map[string]int{}
	for i, c := range h {
		m[c] = i
	}
	return m
}

// truncCol: the column a cut-off record ends in.
func truncCol(hdr []string, rec csvRec) string {
	i := len(rec.Fields) - 1
	if i >= len(hdr) {
		return "!beyond_header"
	}
	return hdr[i]
}

// readRecords is shared by the CSV exports: header check, data rows, truncation,
// field count and quoting. It returns the data records to check, with getters.
func csvRows(r *fileReport, acc *rowAcc, hdr csvRec, data []csvRec, each func(c *rowCtx, rec csvRec)) {
	if !hdr.Terminated {
		r.problem("header line is not terminated")
	}
	r.DataRows = len(data)
	if !checkHeader(r, hdr.Fields) {
		return
	}
	if len(data) == 0 {
		r.Kinds["header_only"] = true
	}
	cols := colMap(hdr.Fields)
	for _, rec := range data {
		if !rec.Terminated {
			acc.add(rec.Line, "", "truncated_row") // no single column is at fault
			v := map[string]string{}
			for i, f := range rec.Fields[:len(rec.Fields)-1] { // the last field may be cut
				if i < len(hdr.Fields) {
					v[hdr.Fields[i]] = f
				}
			}
			r.Recs = append(r.Recs, record{Line: rec.Line, V: v, Truncated: true})
			continue
		}
		if len(rec.Fields) != len(hdr.Fields) {
			acc.add(rec.Line, "", fmt.Sprintf("!field_count(%d)", len(rec.Fields)))
			continue
		}
		if !quotingOK(rec) {
			acc.add(rec.Line, "", "!quoting")
		}
		fields := rec.Fields
		each(&rowCtx{acc: acc, line: rec.Line, get: func(c string) string { return fields[cols[c]] }}, rec)
		v := map[string]string{}
		for _, c := range headers[r.Export] {
			v[c] = fields[cols[c]]
		}
		r.Recs = append(r.Recs, record{Line: rec.Line, V: v})
	}
}

// ---- 1. verbis_kunden ----

func validateVerbis(r *fileReport, b []byte) {
	if i := cp1252Undefined(b); i >= 0 {
		r.Kinds["bad_encoding"] = true
	}
	if bytes.HasPrefix(b, bom) || utf8Mojibake(b) >= 0 {
		r.Kinds["bad_encoding"] = true
	}
	if p := lineEndProblem(b, true); p != "" {
		r.problem("%s", p)
	}
	recs := readCSV(decodeCP1252(b))
	acc := newAcc()
	keys := map[string][]int{}
	csvRows(r, acc, recs[0], recs[1:], func(c *rowCtx, rec csvRec) {
		kn := c.kunde("Kundennummer", true)
		if kn != "" {
			keys[kn] = append(keys[kn], c.line)
		}
		bg := c.ident("BG_Nummer", reBG, false)
		c.date("Geburtsdatum", true, true, false)
		c.code("Geschlecht", codesGeschlecht, true)
		c.code("Staatsangehoerigkeit", codesNation, true)
		c.code("Aufenthaltsstatus", codesAufenthaltsstatus, true)
		rk := c.code("Rechtskreis", codesRechtskreis, true)
		if rk == "SGB3" && bg != "" {
			c.add("BG_Nummer", "!bg_nummer_for_sgb3")
		}
		kreis := c.code("Kreis", codesKreis, true)
		if g, ok := c.required("Gemeinde"); ok {
			switch {
			case !reAGS.MatchString(g):
				c.add("Gemeinde", "unknown_code")
			case kreis != "" && agsKreis(g) != kreis:
				c.add("Gemeinde", "gemeinde_outside_kreis")
			case agsTable[g] == "":
				c.add("Gemeinde", "unknown_code")
			}
		}
		if e, ok := c.date("Einreise", false, false, false); ok && e.After(r.Stichtag) {
			c.add("Einreise", "!einreise_after_stichtag")
		}
		zu, zok := c.date("Zugang_IP", true, false, false)
		if zok && zu.After(r.Stichtag) {
			c.add("Zugang_IP", "!zugang_after_stichtag")
		}
		ab, aok := c.date("Abgang_IP", false, false, false)
		if aok {
			switch {
			case zok && ab.Before(zu):
				c.add("Abgang_IP", "!abgang_before_zugang")
			case ab.After(r.Stichtag):
				c.add("Abgang_IP", "!abgang_after_stichtag")
			case ab.Before(r.Stichtag.AddDate(-2, 0, -1)):
				c.add("Abgang_IP", "!abgang_older_than_24_months")
			}
		}
		if c.get("Abgang_IP") != "" && c.get("Abgangsgrund") == "" {
			c.add("Abgangsgrund", "missing_abgangsgrund")
		} else {
			c.code("Abgangsgrund", codesAbgangsgrund, false)
			if c.get("Abgang_IP") == "" && c.get("Abgangsgrund") != "" {
				c.add("Abgangsgrund", "!abgangsgrund_without_abgang")
			}
		}
		c.code("Foerderbedarf", codesJN, true)
		c.code("Schulabschluss", codesSchulabschluss, false)
		c.code("Berufsabschluss", codesBerufsabschluss, false)
		c.code("Sprachniveau", codesSprachniveau, false)
		c.code("Zielniveau", codesZielniveau, false)
		c.code("Status", codesKundenStatus, true)
	})
	// Kundennummern of every row (a truncated row counts if its number is complete)
	for _, rec := range recs[1:] {
		if len(rec.Fields) > 1 && reKundennummer.MatchString(rec.Fields[0]) {
			r.Keys = append(r.Keys, rec.Fields[0])
		}
	}
	for _, lines := range keys {
		if len(lines) > 1 {
			for _, l := range lines {
				acc.add(l, "Kundennummer", "duplicate_key")
			}
		}
	}
	acc.finish(r, nil)
}

// ---- 2. arbeitsaufnahmen ----

func validateAufnahmen(r *fileReport, b []byte, master map[string]bool) {
	if !bytes.HasPrefix(b, bom) {
		r.problem("no UTF-8 byte order mark")
	}
	b = bytes.TrimPrefix(b, bom)
	if !utf8.Valid(b) {
		r.Kinds["bad_encoding"] = true
	}
	if p := lineEndProblem(b, false); p != "" {
		r.problem("%s", p)
	}
	recs := readCSV(string(b))
	if len(recs) == 0 {
		r.problem("only a byte order mark, no header")
		return
	}
	acc := newAcc()
	csvRows(r, acc, recs[0], recs[1:], func(c *rowCtx, rec csvRec) {
		c.ident("Aufnahme_ID", reAufnahmeID, true)
		c.kunde("Kundennummer", true)
		c.code("Art", codesArt, true)
		beg, bok := c.date("Beginn", true, false, false)
		if end, ok := c.date("Ende", false, false, false); ok && bok && end.Before(beg) {
			c.add("Ende", "!ende_before_beginn")
		}
		if v := c.get("Wochenstunden"); v != "" && !reDecimal.MatchString(v) {
			c.add("Wochenstunden", "!bad_decimal")
		}
		if v := c.get("Bruttoentgelt"); v != "" {
			switch {
			case reDecimal.MatchString(v):
			case reThousands.MatchString(v):
				c.add("Bruttoentgelt", "thousands_separator")
			default:
				c.add("Bruttoentgelt", "!bad_decimal")
			}
		}
		if v := c.get("WZ2008"); v != "" && !reWZ2008.MatchString(v) {
			c.add("WZ2008", "unknown_code")
		}
		c.code("Gefoerdert", codesJN, true)
		c.ident("Betriebsnummer", reBetriebsnummer, false)
		if m, ok := c.date("Meldedatum", true, false, false); ok && !m.Equal(r.Stichtag) {
			c.add("Meldedatum", "!meldedatum_is_not_the_stichtag")
		}
		c.code("Storno", codesJN, true)
	})
	if r.DataRows > 0 && isQuietDay(r.Stichtag) {
		r.problem("a delta on a weekend or NRW holiday holds %d rows", r.DataRows)
	}
	acc.finish(r, master)
}
