package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// readyWriter is the served command's stdout: it hands over the address from the line
// "Analysezugang bereit: ADDR" (the readiness signal; no polling, no sleeps).
type readyWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	addr  chan string
	found bool
}

func (w *readyWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if !w.found {
		if _, rest, ok := strings.Cut(w.buf.String(), "Analysezugang bereit: "); ok {
			if line, _, ok := strings.Cut(rest, "\n"); ok {
				w.found = true
				w.addr <- line
			}
		}
	}
	return len(p), nil
}

type served struct {
	home, addr, port string
	vars             map[string]string
	stop             func()
}

// startServe builds a small warehouse, adds the analyst anna and starts ipoint serve
// on a free loopback port, as the command runs in production (single-account: the
// tests run as the ETL account).
func startServe(t *testing.T, settings map[string]string) served {
	t.Helper()
	home := t.TempDir()
	vars := map[string]string{"IPOINT_HOME": home}
	for k, v := range settings {
		vars[k] = v
	}
	buildServeHome(t, vars)
	ctx, cancel := context.WithCancel(context.Background())
	w := &readyWriter{addr: make(chan string, 1)}
	stderr := &lockedBuffer{b: &bytes.Buffer{}}
	done := make(chan int, 1)
	se := env{stdin: strings.NewReader(""), stdout: w, stderr: stderr, getenv: func(k string) string { return vars[k] }, now: time.Now}
	go func() { done <- run(ctx, []string{"serve", "--single-account", "--listen", "127.0.0.1:0"}, se) }()
	var addr string
	select {
	case addr = <-w.addr:
	case code := <-done:
		t.Fatalf("serve ended with %d before it was ready", code)
	}
	stop := func() {
		cancel()
		if code := <-done; code != exitOK {
			t.Errorf("serve ended with %d", code)
		}
	}
	t.Cleanup(func() {
		if ctx.Err() == nil {
			stop()
		}
	})
	// A single-account installation is logged as a warning at every start.
	if !strings.Contains(stderr.String(), `"level":"WARN","msg":"single-account installation`) {
		t.Errorf("no single-account warning at the start: %s", stderr.String())
	}
	_, port, _ := strings.Cut(addr, ":")
	return served{home: home, addr: addr, port: port, vars: vars, stop: stop}
}

// buildServeHome makes vars["IPOINT_HOME"] a home with a small warehouse and the
// analyst anna.
func buildServeHome(t *testing.T, vars map[string]string) {
	t.Helper()
	for _, args := range [][]string{{"init"}, {"generate", "--days", "40", "--scale", "0.2", "--as-of", "2026-11-24"}} {
		if r := call(t, vars, args...); r.code != exitOK {
			t.Fatalf("%v: %d %s", args, r.code, r.stderr)
		}
	}
	if r := call(t, vars, "ingest"); r.code != exitProblems {
		t.Fatalf("ingest: %d %s", r.code, r.stderr)
	}
	if r := call(t, vars, "transform", "--max-age-days", "30"); r.code != exitOK {
		t.Fatalf("transform: %d %s", r.code, r.stderr)
	}
	e := env{stdin: strings.NewReader(analystPassword + "\n"), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{},
		getenv: func(k string) string { return vars[k] }, now: time.Now}
	if code := run(context.Background(), []string{"analyst", "add", "anna"}, e); code != exitOK {
		t.Fatalf("analyst add: %d %s", code, e.stderr)
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  *bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

const analystPassword = "korrekt-Pferd-Batterie"

// psql runs Debian's psql against the server; it returns output and whether it succeeded.
func (s served) psql(t testing.TB, password string, args ...string) (string, bool) {
	t.Helper()
	conn := "host=127.0.0.1 port=" + s.port + " user=anna dbname=warehouse sslmode=require connect_timeout=10"
	cmd := exec.Command("psql", append([]string{conn, "-X", "-v", "ON_ERROR_STOP=1", "--no-psqlrc"}, args...)...)
	cmd.Env = append(os.Environ(), "PGPASSWORD="+password, "PGCONNECT_TIMEOUT=10")
	out, err := cmd.CombinedOutput()
	return string(out), err == nil
}

func TestServe(t *testing.T) {
	if _, err := exec.LookPath("psql"); err != nil {
		t.Fatal("psql is missing: apt-get install postgresql-client (.ci/run does)")
	}
	s := startServe(t, nil)

	t.Run("psql", func(t *testing.T) {
		out, ok := s.psql(t, analystPassword, "-A", "-t", "-c",
			"SELECT kreis, sum(zugaenge) AS zugaenge FROM mart_woche_kreis GROUP BY kreis ORDER BY kreis")
		if !ok || !strings.Contains(out, "05966|") || strings.Count(strings.TrimSpace(out), "\n") != 1 {
			t.Errorf("psql query of a mart: %v\n%s", ok, out)
		}
		// Types: dates, numerics and NULL as PostgreSQL has them.
		out, ok = s.psql(t, analystPassword, "-A", "-t", "-c",
			"SELECT pg_typeof_d, n, z IS NULL FROM (SELECT DATE '2026-11-24' AS pg_typeof_d, 12.50::DECIMAL(10,2) AS n, NULL::INTEGER AS z)")
		if !ok || strings.TrimSpace(out) != "2026-11-24|12.50|t" {
			t.Errorf("types: %q", out)
		}
		out, ok = s.psql(t, analystPassword, "-c", `\x`, "-c", "SELECT 1 AS eins")
		if !ok || !strings.Contains(out, "eins | 1") {
			t.Errorf(`\x: %q`, out)
		}
		out, ok = s.psql(t, analystPassword, "-c", `\dt`)
		if !ok || !strings.Contains(out, "mart_woche_kreis") {
			t.Errorf(`\dt: %q`, out)
		}
		// \d TABLE: psql's catalog queries (pg_class columns DuckDB lacks, the footers'
		// catalogs of publications, policies, inheritance) answered through the door.
		out, ok = s.psql(t, analystPassword, "-c", `\d mart_woche_kreis`)
		if !ok || !strings.Contains(out, `Table "main.mart_woche_kreis"`) || !regexp.MustCompile(`(?m)^ kreis +\| varchar `).MatchString(out) ||
			!regexp.MustCompile(`(?m)^ montag +\| date `).MatchString(out) {
			t.Errorf(`\d TABLE: %v %q`, ok, out)
		}
		out, ok = s.psql(t, analystPassword, "-c", `\d+ aufbau`)
		if !ok || !strings.Contains(out, `Table "main.aufbau"`) || !strings.Contains(out, "datenversion") {
			t.Errorf(`\d+ TABLE: %v %q`, ok, out)
		}
		out, _ = s.psql(t, analystPassword, "-c", `\d gibt_es_nicht`)
		if !strings.Contains(out, `Did not find any relation named "gibt_es_nicht"`) {
			t.Errorf(`\d of a missing table: %q`, out)
		}
		out, ok = s.psql(t, analystPassword, "-c", `\d`)
		if !ok || !regexp.MustCompile(`(?m)^ main +\| mart_woche_kreis +\| table `).MatchString(out) {
			t.Errorf(`\d: %v %q`, ok, out)
		}
		csv := filepath.Join(t.TempDir(), "kreise.csv")
		out, ok = s.psql(t, analystPassword, "-c", `\copy (SELECT DISTINCT kreis FROM mart_woche_kreis ORDER BY 1) TO '`+csv+`' CSV`)
		if b, _ := os.ReadFile(csv); !ok || !strings.Contains(string(b), "05966") {
			t.Errorf(`\copy to a client file: %v %q %q`, ok, out, b)
		}
	})

	t.Run("wrong password", func(t *testing.T) {
		out, ok := s.psql(t, "falsch-falsch-falsch", "-c", "SELECT 1")
		if ok || !strings.Contains(out, "Anmeldung fehlgeschlagen") {
			t.Errorf("wrong password: %v %q", ok, out)
		}
	})

	t.Run("refusals", func(t *testing.T) {
		key := filepath.Join(s.home, "secrets", "pseudonym.key")
		lake := filepath.Join(s.home, "lake")
		for _, c := range []struct{ sql, want string }{
			{"COPY mart_woche_kreis TO '" + filepath.Join(s.home, "x.csv") + "'", "Dateizugriff ist im Analysezugang nicht möglich"},
			{"SELECT * FROM read_text('" + key + "')", "Dateizugriff ist im Analysezugang nicht möglich"},
			{"SELECT count(*) FROM read_parquet('" + lake + "/**/*.parquet')", "Dateizugriff ist im Analysezugang nicht möglich"},
			{"ATTACH '" + filepath.Join(s.home, "other.duckdb") + "' AS o", "Andere Datenbanken"},
			{"INSTALL httpfs", "Erweiterungen"},
			{"CREATE TABLE t AS SELECT 1", "nur lesend"},
			{"SET memory_limit = '100GB'", "Einstellungen lassen sich"},
			{"SET enable_external_access = true", "Einstellungen lassen sich"},
			{"CALL enable_logging(storage = 'file')", "gesperrt"},
			{"SELECT * FROM enable_logging()", "gesperrt"},
			{"/* x */ COPY (SELECT 1) TO '/tmp/x'", "Dateizugriff"},
			// Found by review: statements smuggled past the door's own lexer (DuckDB's
			// driver runs all but the last statement of a text while it prepares), and a
			// banned function called by a quoted name.
			{`SELECT E'\pg_get_userbyid() ; USE memory; DETACH warehouse; ATTACH ':memory:' AS warehouse; ` +
				`CREATE TABLE warehouse.main.aufbau AS SELECT 'gefaelscht' AS x; SELECT 1 --'`, "ERROR"},
			{`SELECT 1 AS a$$x$ ; SELECT * FROM "enable_logging"('QueryLog'); SELECT '$x$'`, "gesperrt"},
			{`SELECT * FROM "ENABLE_LOGGING"('QueryLog')`, "gesperrt"},
			{`SELECT "query"('SELECT 42')`, "gesperrt"},
			{`SELECT * FROM duckdb_logs()`, "gesperrt"},
			// Found by the second review: EXPLAIN ANALYZE runs its statement, and what a
			// session created stayed on a pooled connection for the next analyst; a
			// function the door's lexer missed after LIKE'\', or ran from a serialized
			// plan; the parser switched to another that reads comments differently.
			{"EXPLAIN ANALYZE CREATE TABLE memory.main.ballast AS SELECT 43 AS x", "nur lesend"},
			{"EXPLAIN ANALYZE CREATE OR REPLACE TEMP MACRO sum(x) AS 4711", "nur lesend"},
			{"EXPLAIN ANALYZE CREATE OR REPLACE TEMP VIEW mart_woche_kreis AS SELECT 0 AS bestand", "nur lesend"},
			{"EXPLAIN ANALYZE SET schema = 'memory.main'", "Einstellungen lassen sich"},
			{"/* /* */ SELECT */ EXPLAIN ANALYZE INSERT INTO memory.main.x VALUES (1)", "nur lesend"},
			{"EXPLAIN (FORMAT json) SELECT 1", "EXPLAIN im Analysezugang"},
			{"SELECT * FROM enable_peg_parser()", "gesperrt"},
			{`select 'a' LIKE'\' AS x, * FROM query_table('mart_woche_kreis') --'`, "gesperrt"},
			{`SELECT * FROM json_execute_serialized_sql(json_serialize_sql('SELECT * FROM enable_logging()'))`, "gesperrt"},
			{"SELECT current_setting('secret_directory')", "gesperrt"},
			{"SELECT * FROM duckdb_settings()", "gesperrt"},
			// Found by the third review: an aggregate's state forged from bytes read the
			// server's memory at any address (and this one crashed it), system views
			// showed settings and paths, a text too wide to bind held a core past every
			// timeout, and a large row was held whole.
			{`SELECT finalize(cast_to_type(from_hex('00001000' || '41414141' || '1000000000000000' || '0100000000000000'), ` +
				`(SELECT first('x'::BLOB) EXPORT_STATE)))`, "Aggregatfunktionen"},
			{"SELECT name, setting FROM pg_settings", "nicht einsehbar"},
			{"SELECT * FROM duckdb_logs", "nicht einsehbar"},
			{"SELECT " + strings.Repeat("[1,2,3],", 2000) + "1", "zu groß"},
			{"SELECT repeat('x', 33554433) AS gross", "größer als 32 MiB"},
		} {
			out, ok := s.psql(t, analystPassword, "-c", c.sql)
			if ok || !strings.Contains(out, c.want) {
				t.Errorf("%s: %v %q", c.sql, ok, out)
			}
		}
		if _, err := os.Stat(filepath.Join(s.home, "x.csv")); err == nil {
			t.Error("COPY wrote a file")
		}
		long := filepath.Join(t.TempDir(), "lang.sql")
		os.WriteFile(long, []byte("SELECT 1 AS x WHERE 1 IN ("+strings.Repeat("1,", 140_000)+"1);\n"), 0o600)
		if out, ok := s.psql(t, analystPassword, "-f", long); ok || !strings.Contains(out, "Anweisung zu lang") {
			t.Errorf("a statement of 280 KB: %v %.300q", ok, out)
		}
		// The warehouse is still the read-only file, with its own rows; no table was
		// made beside it, and sum is DuckDB's own.
		out, ok := s.psql(t, analystPassword, "-A", "-t", "-c",
			"SELECT (SELECT count(*) FROM aufbau WHERE datenversion IS NOT NULL), (SELECT sum(1) FROM range(10)), "+
				"(SELECT count(*) FROM duckdb_tables() WHERE database_name <> 'warehouse')")
		if !ok || strings.TrimSpace(out) != "1|10|0" {
			t.Errorf("after the attacks: %v %q", ok, out)
		}
		// EXPLAIN and EXPLAIN ANALYZE of a query still work.
		for q, want := range map[string]string{"EXPLAIN SELECT kreis, sum(bestand) FROM mart_woche_kreis GROUP BY kreis": "physical_plan|",
			"explain analyze SELECT kreis, sum(bestand) FROM mart_woche_kreis GROUP BY kreis": "analyzed_plan|"} {
			if out, ok := s.psql(t, analystPassword, "-A", "-t", "-c", q); !ok || !strings.HasPrefix(out, want) || !strings.Contains(out, "HASH_GROUP_BY") {
				t.Errorf("%s: %v %q", q, ok, out)
			}
		}
	})

	t.Run("audit", func(t *testing.T) {
		marker := "SELECT 'audit-marker' AS m"
		if _, ok := s.psql(t, analystPassword, "-c", marker); !ok {
			t.Fatal("marker query failed")
		}
		refused := "CREATE TABLE audit_refused AS SELECT 1"
		s.psql(t, analystPassword, "-c", refused)
		f, err := os.Open(filepath.Join(s.home, "audit", "sql.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		seen := map[string]string{} // statement id -> statement, once its record is read
		var markerDone, refusedDone bool
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if len(sc.Bytes()) > 16<<10 {
				t.Errorf("an audit record of %d bytes: a statement too long to run is recorded by its beginning and hash", len(sc.Bytes()))
			}
			var e map[string]any
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				t.Fatalf("audit line %q: %v", sc.Text(), err)
			}
			if e["analyst"] != "anna" || e["client"] == "" || e["time"] == "" {
				t.Errorf("audit record without analyst, client or time: %s", sc.Text())
			}
			id, _ := e["id"].(string)
			switch e["event"] {
			case "statement":
				seen[id] = e["statement"].(string)
			case "outcome":
				stmt, ok := seen[id]
				if !ok {
					t.Errorf("outcome before its statement: %s", sc.Text())
				}
				if stmt == marker && e["outcome"] == "ok" && e["rows"] == float64(1) {
					markerDone = true
				}
				if stmt == refused && e["outcome"] == "refused" {
					refusedDone = true
				}
			}
		}
		if err := sc.Err(); err != nil {
			t.Errorf("audit log: %v", err)
		}
		if !markerDone || !refusedDone {
			t.Errorf("audit log lacks the marker (%v) or the refused statement (%v)", markerDone, refusedDone)
		}
	})

	t.Run("psycopg2", func(t *testing.T) {
		// Debian's python3-psycopg2 belongs to Debian's python3.
		out, err := exec.Command("/usr/bin/python3", "../../testdata/pyclient/check.py", s.port, analystPassword).CombinedOutput()
		var got struct {
			Rows                int
			Kreis               string
			Date, Decimal, Null bool
			Refused             string
		}
		if err != nil || json.Unmarshal(out, &got) != nil {
			t.Fatalf("psycopg2: %v\n%s", err, out)
		}
		if got.Rows != 1 || got.Kreis != "05966" || !got.Date || !got.Decimal || !got.Null || !strings.Contains(got.Refused, "Dateizugriff") {
			t.Errorf("psycopg2 read %+v", got)
		}
	})

	t.Run("node-postgres", func(t *testing.T) {
		dir, _ := filepath.Abs("../../testdata/nodeclient")
		if _, err := os.Stat(filepath.Join(dir, "node_modules", "pg")); err != nil {
			t.Fatalf("npm pg is not installed: npm ci --prefix %s (make npm does)", dir)
		}
		out, err := exec.Command("node", filepath.Join(dir, "pgcheck.mjs"), s.port, analystPassword).CombinedOutput()
		var got struct {
			Rows    []map[string]any
			N       float64
			D       bool
			Z       any
			Refused string
		}
		if err != nil || json.Unmarshal(out, &got) != nil {
			t.Fatalf("node-postgres: %v\n%s", err, out)
		}
		if len(got.Rows) != 1 || got.Rows[0]["kreis"] != "05966" || got.N != 42 || !got.D || got.Z != nil || !strings.Contains(got.Refused, "nur lesend") {
			t.Errorf("node-postgres read %+v", got)
		}
	})

	t.Run("odbc", func(t *testing.T) {
		dir := t.TempDir()
		driver := "/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so"
		if _, err := os.Stat(driver); err != nil {
			t.Fatalf("odbc-postgresql is missing: %v", err)
		}
		os.WriteFile(filepath.Join(dir, "odbcinst.ini"), []byte("[PostgreSQL Unicode]\nDriver="+driver+"\n"), 0o600)
		os.WriteFile(filepath.Join(dir, "odbc.ini"), []byte("[ipoint]\nDriver=PostgreSQL Unicode\nServername=127.0.0.1\nPort="+s.port+
			"\nDatabase=warehouse\nSSLmode=require\n"), 0o600)
		cmd := exec.Command("isql", "-b", "-d,", "ipoint", "anna", analystPassword)
		cmd.Env = append(os.Environ(), "ODBCSYSINI="+dir, "ODBCINI="+filepath.Join(dir, "odbc.ini"))
		cmd.Stdin = strings.NewReader("SELECT kreis, count(*) FROM mart_woche_kreis GROUP BY kreis ORDER BY kreis\n")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "05966,") {
			t.Errorf("isql: %v\n%s", err, out)
		}
	})

	t.Run("warehouse not readable by others", func(t *testing.T) {
		st, err := os.Stat(filepath.Join(s.home, "warehouse", "ipoint.duckdb"))
		if err != nil || st.Mode().Perm()&0o007 != 0 {
			t.Errorf("warehouse mode: %v %v", st.Mode(), err)
		}
	})
}

// A warehouse path with options is refused by serve and sql: options come only from
// the code, never from a path.
func TestWarehousePathWithOptionsRefused(t *testing.T) {
	home := t.TempDir()
	vars := map[string]string{"IPOINT_HOME": home}
	if r := call(t, vars, "init"); r.code != exitOK {
		t.Fatal(r.stderr)
	}
	wh := filepath.Join(home, "wh?enable_external_access=true&lock_configuration=false&x=")
	if err := os.MkdirAll(wh, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(wh, "ipoint.duckdb"), nil, 0o640); err != nil {
		t.Fatal(err)
	}
	vars["IPOINT_WAREHOUSE"] = wh
	for _, args := range [][]string{{"sql", "-c", "SELECT 1"}, {"serve", "--single-account", "--listen", "127.0.0.1:0"}} {
		r := call(t, vars, args...)
		if r.code == exitOK || !strings.Contains(r.stderr, "Optionen im Pfad sind nicht erlaubt") {
			t.Errorf("%v: %d %s", args, r.code, r.stderr)
		}
	}
}
