package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"ipoint/reports/browser"
)

// TestChain runs the commands as the batch and an analyst would: init, generate,
// ingest, transform, sql.
func TestChain(t *testing.T) {
	home := t.TempDir()
	vars := map[string]string{"IPOINT_HOME": home}
	// 62 days: the first Stichtag is 24.09.2026, so October is a whole month.
	for _, args := range [][]string{{"init"}, {"generate", "--days", "62", "--scale", "0.2", "--as-of", "2026-11-24"}} {
		if r := call(t, vars, args...); r.code != exitOK {
			t.Fatalf("%v: %d %s", args, r.code, r.stderr)
		}
	}
	if r := call(t, vars, "ingest"); r.code != exitProblems {
		t.Fatalf("ingest: %d %s", r.code, r.stderr)
	}
	r := call(t, vars, "transform", "--max-age-days", "30", "--timings", "3")
	if r.code != exitOK || !strings.Contains(r.stdout, "Prüfungen") || !strings.Contains(r.stdout, "in Ordnung") {
		t.Fatalf("transform: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// --timings 3: the three slowest steps, each with its time, the slowest first.
	_, steps, _ := strings.Cut(r.stdout, "Langsamste Schritte:\n")
	var secs []float64
	for _, line := range strings.Split(strings.TrimSpace(steps), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 || f[2] != "s" {
			t.Fatalf("step line %q", line)
		}
		v, err := strconv.ParseFloat(strings.ReplaceAll(f[1], ",", "."), 64)
		if err != nil {
			t.Fatalf("step line %q: %v", line, err)
		}
		secs = append(secs, v)
	}
	if len(secs) != 3 || !slices.IsSortedFunc(secs, func(a, b float64) int { return cmp.Compare(b, a) }) {
		t.Errorf("slowest steps: %v\n%s", secs, r.stdout)
	}
	checkReports(t, vars, home)
	q := "SELECT kreis, sum(zugaenge) AS zugaenge FROM mart_woche_kreis GROUP BY kreis ORDER BY kreis"
	r = call(t, vars, "sql", "-c", q)
	if r.code != exitOK || !strings.Contains(r.stdout, "05966") || !strings.Contains(r.stdout, "(2 Zeilen)") {
		t.Errorf("sql table: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = call(t, vars, "sql", "--format", "json", "-c", q)
	var rows []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil || len(rows) != 2 || rows[0]["kreis"] != "05966" {
		t.Errorf("sql json: %v %s", err, r.stdout)
	}
	r = call(t, vars, "sql", "--format", "csv-de", "-c", "SELECT 1.5::DOUBLE AS x, DATE '2026-11-24' AS d")
	if !strings.Contains(r.stdout, "x;d\n1,5;24.11.2026") {
		t.Errorf("csv-de: %q", r.stdout)
	}
	out := filepath.Join(home, "abfrage.parquet")
	if r := call(t, vars, "sql", "--format", "parquet", "--out", out, "-c", q); r.code != exitOK {
		t.Errorf("parquet: %d %s", r.code, r.stderr)
	}
	if st, err := os.Stat(out); err != nil || st.Size() < 100 {
		t.Errorf("parquet file: %v", err)
	}
	// Analysts cannot write or read files, and a failed query in batch mode fails.
	for _, bad := range []string{"DROP TABLE mart_monat", "SELECT * FROM read_csv('/etc/passwd')", "SELECT * FROM nirgends"} {
		if r := call(t, vars, "sql", "-c", bad); r.code != exitFailure || !strings.Contains(r.stderr, "Abfrage") {
			t.Errorf("%s: code %d, %s", bad, r.code, r.stderr)
		}
	}
	// Every query is in the audit log before it runs, then its outcome with rows and
	// duration; every line names the user and the time.
	f, err := os.Open(filepath.Join(home, "audit", "sql.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	statements, outcomes, failed := map[string]bool{}, 0, 0
	for sc := bufio.NewScanner(f); sc.Scan(); {
		var e map[string]any
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil || e["user"] == "" || e["time"] == "" {
			t.Errorf("audit line %s", sc.Text())
		}
		id, _ := e["id"].(string)
		switch e["event"] {
		case "statement":
			if e["query"] == "" {
				t.Errorf("statement without its query: %s", sc.Text())
			}
			statements[id] = true
		case "outcome":
			if !statements[id] {
				t.Errorf("outcome before its statement: %s", sc.Text())
			}
			outcomes++
			if _, ok := e["error"]; ok {
				failed++
			}
		}
	}
	if len(statements) != 7 || outcomes != 7 || failed != 3 {
		t.Errorf("audit log: %d statements, %d outcomes, %d failed; want 7, 7 and 3", len(statements), outcomes, failed)
	}
}

func TestStatementHistory(t *testing.T) {
	h := &statementHistory{}
	for _, l := range []string{"SELECT 1", "FROM x;", `\d`, "", "SELECT 2;"} {
		h.Add(l)
	}
	if h.Len() != 3 || h.At(0) != "SELECT 2;" || h.At(1) != `\d` || h.At(2) != "SELECT 1 FROM x;" {
		t.Errorf("history %q", h.entries)
	}
}

func TestSQLOutputFile(t *testing.T) {
	home := t.TempDir()
	vars := map[string]string{"IPOINT_HOME": home}
	for _, args := range [][]string{{"init"}, {"generate", "--days", "40", "--scale", "0.1", "--as-of", "2026-11-24"}} {
		if r := call(t, vars, args...); r.code != exitOK {
			t.Fatalf("%v: %d %s", args, r.code, r.stderr)
		}
	}
	call(t, vars, "ingest")
	call(t, vars, "transform", "--max-age-days", "30")
	out := filepath.Join(home, "out.csv")
	if r := call(t, vars, "sql", "--format", "csv", "--out", out, "-c", "SELECT 1 AS a; SELECT 2 AS b"); r.code != exitOK {
		t.Fatalf("sql: %d %s", r.code, r.stderr)
	}
	b, _ := os.ReadFile(out)
	st, _ := os.Stat(out)
	if string(b) != "a\n1\nb\n2\n" || st.Mode().Perm() != 0o600 {
		t.Errorf("out file %q, mode %o", b, st.Mode().Perm())
	}
	if r := call(t, vars, "sql", "--format", "parquet", "--out", filepath.Join(home, "neu.parquet"), "-c", "SELECT 1; SELECT 2"); r.code != exitUsage {
		t.Errorf("two statements to one Parquet file: code %d", r.code)
	}
	// --out never replaces a file, nor what a link points to, and writes nothing when a
	// query fails.
	audit := filepath.Join(home, "audit", "sql.jsonl")
	before, _ := os.ReadFile(audit)
	link := filepath.Join(home, "link.csv")
	if err := os.Symlink(audit, link); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{out, link, audit} {
		if r := call(t, vars, "sql", "--format", "csv", "--out", target, "-c", "SELECT 3 AS c"); r.code != exitUsage ||
			!strings.Contains(r.stderr, "gibt es schon") {
			t.Errorf("--out %s: code %d %s", target, r.code, r.stderr)
		}
	}
	if b, _ := os.ReadFile(out); string(b) != "a\n1\nb\n2\n" {
		t.Errorf("the existing file changed: %q", b)
	}
	if after, _ := os.ReadFile(audit); !bytes.HasPrefix(after, before) {
		t.Error("the audit log lost lines")
	}
	failedOut := filepath.Join(home, "fehler.csv")
	if r := call(t, vars, "sql", "--out", failedOut, "-c", "SELECT * FROM nirgends"); r.code == exitOK {
		t.Error("a failing query succeeded")
	}
	if _, err := os.Lstat(failedOut); err == nil {
		t.Error("a failing query left an output file")
	}
	// -f with a file that is not SQL (the key): refused, and not a byte of it is logged
	// or printed.
	keyFile := filepath.Join(home, "secrets", "pseudonym.key")
	key, _ := os.ReadFile(keyFile)
	r := call(t, vars, "sql", "-f", keyFile)
	logged, _ := os.ReadFile(audit)
	secret := strings.TrimSpace(string(key))
	if r.code != exitUsage || strings.Contains(r.stderr+r.stdout, secret) || bytes.Contains(logged, []byte(secret[:16])) {
		t.Errorf("-f KEY: code %d; content leaked: %v", r.code, strings.Contains(r.stderr+r.stdout, secret) || bytes.Contains(logged, []byte(secret[:16])))
	}
}

// checkReports renders the reports of the chain's data, renders them again (the
// archive stays as it is), and opens every one in headless Chromium.
func checkReports(t *testing.T, vars map[string]string, home string) {
	t.Helper()
	r := call(t, vars, "report")
	if r.code != exitOK || strings.Count(r.stdout, "(neu)") != 3 {
		t.Fatalf("report: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	root := filepath.Join(home, "reports")
	files := []string{"2026/KW47/wochenbericht.html", "2026/10/monatsbericht.html", "2026/10/verlaufsbericht.html"}
	before := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		before[f] = b
		// No pseudonym of a person, no personal data: only aggregates.
		if m := regexp.MustCompile(`[KBA]-[a-z2-7]{26}`).Find(b); m != nil {
			t.Errorf("%s holds a pseudonym %s", f, m)
		}
	}
	if r := call(t, vars, "report"); r.code != exitOK || strings.Count(r.stdout, "(unverändert)") != 3 {
		t.Errorf("second report run: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, f := range files {
		if b, _ := os.ReadFile(filepath.Join(root, f)); !bytes.Equal(b, before[f]) {
			t.Errorf("%s changed on a second run", f)
		}
	}
	idx, err := os.ReadFile(filepath.Join(root, "index.html"))
	if err != nil || !strings.Contains(string(idx), `href="2026/KW47/wochenbericht.html"`) {
		t.Errorf("index: %v\n%s", err, idx)
	}
	results := map[string]*browser.Result{}
	for _, f := range append(files, "index.html") {
		shot := filepath.Join("..", "..", "build", "screenshots", strings.ReplaceAll(f, "/", "-")+".png")
		res, err := browser.Check(context.Background(), filepath.Join(root, f), shot)
		results[f] = res
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if f == "index.html" {
			if len(res.Errors) > 0 || len(res.Resources) > 0 {
				t.Errorf("index: %q %q", res.Errors, res.Resources)
			}
			continue
		}
		for _, p := range res.Problems() {
			t.Errorf("%s: %s", f, p)
		}
	}
	for _, f := range files {
		printCheck(t, filepath.Join(root, f), filepath.Join("..", "..", "build", "print", strings.TrimSuffix(strings.ReplaceAll(f, "/", "-"), ".html")), results[f])
	}
	// Periods the deliveries do not cover are refused: before the first Stichtag, and not
	// yet complete.
	for _, c := range [][]string{{"--week", "2026-W39", "KW 39/2026 ist nicht vollständig geliefert: die Lieferungen beginnen am 24.09.2026"},
		{"--month", "2026-09", "September 2026 ist nicht vollständig geliefert: die Lieferungen beginnen am 24.09.2026"},
		{"--month", "2026-11", "November 2026 ist noch nicht vollständig geliefert"}} {
		if r := call(t, vars, "report", c[0], c[1]); r.code != exitFailure || !strings.Contains(r.stderr, c[2]) {
			t.Errorf("report %s %s: %d %s", c[0], c[1], r.code, r.stderr)
		}
	}
	if r := call(t, vars, "report", "--week", "2026-W49"); r.code != exitFailure || !strings.Contains(r.stderr, "KW 49/2026") {
		t.Errorf("future week: %d %s", r.code, r.stderr)
	}
	if r := call(t, vars, "report", "--week", "47"); r.code != exitUsage {
		t.Errorf("bad week: %d %s", r.code, r.stderr)
	}
}

// printCheck prints a report to PDF on A4 (Chromium) and checks what is on paper: every
// chart's title and its first and last category (in the chart and in its table, which
// prints too); and from the chart as drawn for print (res, from the browser): every
// series of a legend named, no text outside the drawing. Page images go to pages
// (build/print/…) for a look.
func printCheck(t *testing.T, path, pages string, res *browser.Result) {
	t.Helper()
	os.RemoveAll(pages)
	pdf := filepath.Join(t.TempDir(), "bericht.pdf")
	p, err := browser.Print(context.Background(), path, pdf, pages)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	page, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	text := norm(p.Text)
	re := regexp.MustCompile(`(?s)<figure>.*?<h3>(.*?)</h3>.*?data-id="([^"]+)".*?<thead><tr>(.*?)</tr></thead>.*?<tbody>(.*?)</tbody>`)
	figures := re.FindAllStringSubmatch(string(page), -1)
	if len(figures) == 0 {
		t.Fatalf("%s: no charts found", path)
	}
	drawn := map[string]browser.Chart{}
	for _, c := range res.Charts {
		drawn[c.ID] = c
	}
	cell := regexp.MustCompile(`<t[hd][^>]*>(.*?)</t[hd]>`)
	for _, fg := range figures {
		title, id := html.UnescapeString(fg[1]), fg[2]
		if !strings.Contains(text, norm(title)) {
			t.Errorf("%s: chart %q not printed", path, title)
			continue
		}
		var series []string
		for _, h := range cell.FindAllStringSubmatch(fg[3], -1)[1:] {
			series = append(series, html.UnescapeString(h[1]))
		}
		rows := regexp.MustCompile(`(?s)<tr>(.*?)</tr>`).FindAllStringSubmatch(fg[4], -1)
		var labels []string
		for _, r := range rows {
			labels = append(labels, html.UnescapeString(cell.FindStringSubmatch(r[1])[1]))
		}
		for _, l := range []string{labels[0], labels[len(labels)-1]} {
			if n := strings.Count(text, norm(l)); n < 2 {
				t.Errorf("%s: chart %q: category %q printed %d times (axis cut off or table missing)", path, title, l, n)
			}
		}
		c, ok := drawn[id]
		if !ok || c.PrintOutside > 0 {
			t.Errorf("%s: chart %q for print: %+v", path, title, c)
			continue
		}
		have := map[string]bool{}
		for _, x := range c.PrintTexts {
			have[norm(x)] = true
		}
		if len(series) > 1 {
			for _, s := range series {
				if !have[norm(s)] {
					t.Errorf("%s: chart %q: series %q not in the printed legend %q", path, title, s, c.PrintTexts)
				}
			}
		}
	}
	if p.Pages < 2 || p.Pages > 30 {
		t.Errorf("%s: %d pages", path, p.Pages)
	}
}
