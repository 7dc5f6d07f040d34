package analyst

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestExplain: the door keeps only EXPLAIN or EXPLAIN ANALYZE and the query after it.
func TestExplain(t *testing.T) {
	for _, c := range []struct {
		in, prefix, query string
		ok                bool
	}{
		{"EXPLAIN SELECT 1", "EXPLAIN ", "SELECT 1", true},
		{"explain analyze select 1", "EXPLAIN ANALYZE ", "select 1", true},
		{"/* x */ EXPLAIN -- y\n ANALYSE /* z */ FROM t", "EXPLAIN ANALYZE ", "FROM t", true},
		{"EXPLAIN (SELECT 1)", "EXPLAIN ", "(SELECT 1)", true},
		{"EXPLAIN ANALYZE CREATE TABLE t AS SELECT 1", "EXPLAIN ANALYZE ", "CREATE TABLE t AS SELECT 1", true},
		{"EXPLAIN (FORMAT json) SELECT 1", "", "", false},
		{"EXPLAIN (ANALYZE) SELECT 1", "", "", false},
		{"(EXPLAIN SELECT 1)", "", "", false},
		{"EXPLAIN", "", "", false},
		{"SELECT 1", "", "", false},
	} {
		prefix, query, ok := explain(c.in)
		if prefix != c.prefix || query != c.query || ok != c.ok {
			t.Errorf("explain(%q) = %q, %q, %v; want %q, %q, %v", c.in, prefix, query, ok, c.prefix, c.query, c.ok)
		}
	}
}

// TestCalledNamesAfterLike: a quote right after a name ending in E is a plain literal,
// as DuckDB reads it (found by review: LIKE'\' hid the rest of the text).
func TestCalledNamesAfterLike(t *testing.T) {
	got := calledNames(`select 'a' LIKE'\' AS x, * FROM query_table('t') --'`)
	if !slices.Contains(got, "query_table") {
		t.Errorf("calledNames = %q: query_table not seen", got)
	}
	if err := check(`select 'a' LIKE'\' AS x, * FROM query_table('t') --'`); err == nil {
		t.Error("check let query_table through after LIKE'\\'")
	}
	if got := Split(`SELECT 'a' LIKE'\'; SELECT 2`); len(got) != 2 {
		t.Errorf("Split after LIKE'\\' = %q", got)
	}
}

// TestCheckCalls: what DuckDB's parse tree shows is refused or let through, whatever
// the text does to hide it.
func TestCheckCalls(t *testing.T) {
	for _, c := range []struct{ q, want string }{
		// Reported by review: functions the door's text check did not see or know.
		{`select 'a' LIKE'\' AS x, * FROM query_table('warehouse.main.dim_kreis') --'`, "gesperrt"},
		{`select 'a' LIKE'\' AS x, * FROM checkpoint() --'`, "gesperrt"},
		{`SELECT * FROM json_execute_serialized_sql(json_serialize_sql('SELECT * FROM enable_logging()'))`, "gesperrt"},
		{`SELECT * FROM enable_peg_parser()`, "gesperrt"},
		{`SELECT * FROM duckdb_settings()`, "gesperrt"},
		{`SELECT * FROM duckdb_databases()`, "gesperrt"},
		{`SELECT * FROM pragma_database_size()`, "gesperrt"},
		{`SELECT current_setting('secret_directory')`, "gesperrt"},
		{`SELECT ('HOME').getenv()`, "gesperrt"},
		{`SELECT json_serialize_plan('SELECT 1')`, "gesperrt"},
		{`SELECT * FROM arrow_scan(1, 2, 3)`, "Dateizugriff"},
		{`SELECT * FROM read_text('/etc/passwd')`, "Dateizugriff"},
		{`SELECT (SELECT count(*) FROM "Parquet_Metadata"('x'))`, "Dateizugriff"},
		{`WITH a AS (SELECT * FROM main.query('SELECT 1')) SELECT * FROM a`, "gesperrt"},
		{`SELECT list_transform([1], x -> (SELECT count(*) FROM duckdb_logs()))`, "gesperrt"},
		{`SELECT 1 /* /* */ ; ATTACH ':memory:' AS p; SELECT 2 -- */`, ""},
		{`SELECT 1; SELECT 2`, "Eine Anweisung nach der anderen"},
		{`CREATE TABLE t AS SELECT 1`, "nur Abfragen"},
		{`PIVOT t ON a USING sum(b)`, "PIVOT im Analysezugang"},
		{`SELECT * FROM (PIVOT t ON a USING sum(b))`, "PIVOT im Analysezugang"},
		{`SELECT FROM WHERE`, "syntax error"},
		// Found by the second review: an aggregate's state forged from bytes read the
		// server's memory; system views showed settings, paths and the log; a text
		// too wide to bind held a core past every timeout.
		{`WITH st AS (SELECT first(s::BLOB) EXPORT_STATE AS st FROM (SELECT 'x' AS s)) ` +
			`SELECT finalize(cast_to_type(from_hex('00001000' || substr(hex(st::BLOB), 9)), st)) FROM st`, "Aggregatfunktionen"},
		{`SELECT (sum(x) EXPORT_STATE)::BLOB FROM t`, "Aggregatfunktionen"},
		{`SELECT finalize(x) FROM t`, "Aggregatfunktionen"},
		{`SELECT combine(x, y) FROM t`, "Aggregatfunktionen"},
		{`SELECT __internal_decompress_string(1::UBIGINT)`, "gesperrt"},
		{`SELECT get_block_size('warehouse')`, "gesperrt"},
		{`SELECT name, setting FROM pg_settings`, "nicht einsehbar"},
		{`SUMMARIZE pg_catalog.pg_settings`, "nicht einsehbar"},
		{`SELECT * FROM duckdb_logs`, "nicht einsehbar"},
		{`SELECT * FROM main.pragma_database_list`, "nicht einsehbar"},
		{`SELECT path FROM duckdb_databases`, "nicht einsehbar"},
		{`SELECT * FROM pg_prepared_statements`, "nicht einsehbar"},
		{"SELECT " + strings.Repeat("[1,2,3],", 1664) + "1", "zu groß"},
		{"SELECT * FROM (VALUES (" + strings.Repeat("1,", 1664) + "1))", "zu groß"},
		{"SELECT 1 FROM " + strings.Repeat("t, ", 32) + "t", "zu groß"},
		// Found by the third review: stars expand past the column limit, a PIVOT's
		// IN list makes columns, one distance of two long strings runs for minutes.
		{"SELECT " + strings.Repeat("*,", 1600) + "* FROM t a, t b LIMIT 0", "zu groß"},
		{"SELECT * FROM (SELECT *, *, * FROM t) x, (SELECT *, * FROM t) y", "zu groß"},
		{"SELECT * FROM (PIVOT t ON a IN (" + strings.Repeat("1,", 2000) + "1) USING sum(b))", "zu groß"},
		{"SELECT levenshtein(repeat('a', 160000), repeat('b', 160000))", "Zeichenkettenabstände"},
		{"SELECT jaro_winkler_similarity(a, b) FROM t", "Zeichenkettenabstände"},
		{"SELECT a.*, b.*, c.*, d.* FROM t a, t b, t c, t d", ""},
		// Queries analysts write.
		{`SELECT histogram(x) FROM t`, ""},
		{"SELECT " + strings.Repeat("x,", 1663) + "x FROM t", ""},
		{`SELECT count(*) FROM information_schema.tables, pg_catalog.pg_class`, ""},
		{`SELECT kreis, sum(bestand) FROM mart_woche_kreis GROUP BY ALL`, ""},
		{`SELECT * FROM range(3), generate_series(1, 2), unnest([1, 2])`, ""},
		{`SELECT table_name FROM duckdb_tables() UNION ALL SELECT column_name FROM pragma_table_info('t')`, ""},
		{`SELECT * FROM json_each('{"a": 1}')`, ""},
		{`WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r`, ""},
		{`PIVOT t ON a IN (1, 2) USING sum(b)`, ""},
		{`DESCRIBE mart_woche_kreis`, ""},
		{`SUMMARIZE SELECT 1`, ""},
		{`FROM t`, ""},
		{`SELECT $1::INTEGER`, ""},
		{`SELECT median(x) OVER (PARTITION BY k) FROM t`, ""},
	} {
		err := checkCalls(c.q)
		var r refusal
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: refused: %v", c.q, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v, want a refusal with %q", c.q, err, c.want)
		case err != nil && !errors.As(err, &r):
			t.Errorf("%s: %v is not a refusal", c.q, err)
		}
	}
}
