package synth_test

// Checks of the validator's own readers on hand-made inputs, so that a conformance
// failure points at the generator and not at a reader bug.

import (
	"strings"
	"testing"
	"time"
)

func TestConformanceSelfCheckReaders(t *testing.T) {
	recs := readCSV("a;b;c\r\n\"x;y\";\"say \"\"hi\"\"\";\" lead\"\r\n1;2;3")
	if len(recs) != 3 || recs[0].Line != 1 || recs[1].Line != 2 || recs[2].Line != 3 {
		t.Fatalf("records: %+v", recs)
	}
	if got := recs[1].Fields; got[0] != "x;y" || got[1] != `say "hi"` || got[2] != " lead" || !quotingOK(recs[1]) {
		t.Errorf("quoted fields: %q ok=%v", got, quotingOK(recs[1]))
	}
	if recs[2].Terminated || !recs[1].Terminated {
		t.Errorf("termination: %v %v", recs[1].Terminated, recs[2].Terminated)
	}
	if truncCol([]string{"A", "B", "C"}, recs[2]) != "C" {
		t.Errorf("truncCol")
	}
	if r := readCSV("a;\"b\nc\";d\r\ne;f;g\r\n"); len(r) != 2 || r[1].Line != 3 || r[0].Fields[1] != "b\nc" {
		t.Errorf("embedded line break: %+v", r)
	}
	if quotingOK(readCSV("\"plain\";x\n")[0]) || quotingOK(readCSV("a\"b;x\n")[0]) {
		t.Errorf("needless quotes or a stray quote must be flagged")
	}
	if lineEndProblem([]byte("a\r\nb\n"), true) == "" || lineEndProblem([]byte("a\r\nb\r\n"), true) != "" ||
		lineEndProblem([]byte("a\nb\r\n"), false) == "" {
		t.Errorf("line ends")
	}
	if cp1252Undefined([]byte("M\xfcller")) != -1 || cp1252Undefined([]byte("a\x81")) != 1 {
		t.Errorf("cp1252")
	}
	if utf8Mojibake([]byte("M\xfcller")) != -1 || utf8Mojibake([]byte("M\xc3\xbcller")) != 1 {
		t.Errorf("mojibake")
	}
	if decodeCP1252([]byte("Erndtebr\xfcck")) != "Erndtebrück" {
		t.Errorf("decode cp1252")
	}
	if !strings.Contains(lastJSONKey(`{"id":"B-2026-10-000001","datum":"2026-10-0`), "datum") {
		t.Errorf("lastJSONKey")
	}
}

func TestConformanceSelfCheckSpec(t *testing.T) {
	for s, ok := range map[string]bool{"31.02.2026": false, "29.02.2028": true, "00.00.1990": false, "01.13.2020": false, "1.1.2020": false} {
		if _, got := parseDE(s, false); got != ok {
			t.Errorf("parseDE(%s) = %v", s, got)
		}
	}
	for s, ok := range map[string]bool{"00.00.1990": true, "00.07.1990": true, "00.13.1990": false, "31.04.1990": false} {
		if _, got := parseDE(s, true); got != ok {
			t.Errorf("parseDE birth(%s) = %v", s, got)
		}
	}
	if _, ok := parseISO("2026-02-29"); ok {
		t.Errorf("2026-02-29 accepted")
	}
	for d, want := range map[string]bool{"2026-11-01": true, "2026-04-03": true, "2026-04-06": true, "2026-06-04": true,
		"2026-05-14": true, "2026-05-25": true, "2026-11-18": false, "2026-11-24": false} {
		if isHolidayNRW(day(d)) != want {
			t.Errorf("holiday %s", d)
		}
	}
	cases := map[string]string{
		"verbis_kunden_20261124.csv": exVerbis, "abh_aufenthalt_05966_20261124.xml": exABH,
		"beratungen_202610.jsonl": exBerat, "ki_schutzsuchende_202610.csv": exKI, "destatis_12531_20251231.csv": exDestatis,
		"verbis_kunden_20261124.csv.part": "", "verbis_kunden_2026-11-24.csv": "", "abh_aufenthalt_05974_20261124.xml": "",
	}
	for n, want := range cases {
		if ex, _, _ := classifyName(n); ex != want {
			t.Errorf("classifyName(%s) = %q", n, ex)
		}
	}
	if _, st, _ := classifyName("beratungen_202602.jsonl"); !st.Equal(time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("monthly Stichtag %v", st)
	}
	if kundennummerDefect("975D004711") != "" || kundennummerDefect("975d004711") != "bad_identifier" ||
		kundennummerDefect("175D004711") == "" {
		t.Errorf("Kundennummer forms")
	}
	// each plan with the official statistics of 31.12.2025; a window reaching back into
	// 2025 has the one of 31.12.2024 as well
	if len(expectedDataFiles(day("2026-11-24"), 21)) != 21*5+1 || len(expectedDataFiles(day("2026-11-02"), 5)) != 5*5+1+1 ||
		len(expectedDataFiles(day("2026-11-04"), 7)) != 7*5+2+1 || expectedDataFiles(day("2026-01-10"), 20)["destatis_12531_20241231.csv"] != "2025-12-22" ||
		expectedDataFiles(day("2026-01-10"), 20)["destatis_12531_20251231.csv"] != "2026-01-02" {
		t.Errorf("expected file plan")
	}
	r := &fileReport{Export: exAufn, Kinds: map[string]bool{}}
	h := headers[exAufn]
	if checkHeader(r, append(append([]string{}, h[:10]...), h[11], "Bemerkung")); !r.Kinds["missing_column"] {
		t.Errorf("missing column with an appended extra not recognised: %v %v", r.Kinds, r.Problems)
	}
	r = &fileReport{Export: exAufn, Kinds: map[string]bool{}}
	if checkHeader(r, headers[exVerbis]); !r.Kinds["wrong_header"] {
		t.Errorf("wrong header not recognised")
	}
	r = &fileReport{Export: exAufn, Kinds: map[string]bool{}}
	if checkHeader(r, append(append([]string{}, h...), "X")); !r.Kinds["extra_column"] || len(r.Problems) > 0 {
		t.Errorf("extra column not recognised")
	}
	r = &fileReport{Export: exAufn, Kinds: map[string]bool{}}
	if checkHeader(r, append([]string{h[1], h[0]}, h[2:]...)); len(r.Kinds) > 0 || len(r.Problems) == 0 {
		t.Errorf("reordered header accepted: %v", r.Kinds)
	}
}
