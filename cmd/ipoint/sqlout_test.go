package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"math/big"
	"path/filepath"
	"strings"
	"testing"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// sqlOutQuery has the values whose output is easy to get wrong: NULL and the empty
// string, an instant and a wall-clock time, lists with NULLs, empty and NULL lists,
// a decimal and a narrow integer.
const sqlOutQuery = `SELECT NULL::VARCHAR AS n, '' AS e, 'a,"b"' AS q,
	TIMESTAMPTZ '2026-07-01 10:00:00+00' AS tz, TIMESTAMP '2026-01-15 08:30:00' AS ts, DATE '2026-11-24' AS d,
	[1, NULL, 3] AS l, ['x', 'it''s'] AS sl, []::INTEGER[] AS el, NULL::INTEGER[] AS nl,
	12.50::DECIMAL(10,2) AS dec, 7::SMALLINT AS s`

func sqlOutResult(t *testing.T) (*result, *sql.DB) {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	res, err := query(context.Background(), db, sqlOutQuery)
	if err != nil {
		t.Fatal(err)
	}
	return res, db
}

func TestSQLOutputText(t *testing.T) {
	res, _ := sqlOutResult(t)
	write := func(format string) string {
		var b bytes.Buffer
		if err := res.write(&b, format); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	// CSV: NULL is an empty field, the empty string a quoted one; the instant in Berlin
	// time (summer: +02:00), the wall-clock time as stored.
	want := `n,e,q,tz,ts,d,l,sl,el,nl,dec,s
,"","a,""b""",2026-07-01 12:00:00+02:00,2026-01-15 08:30:00,2026-11-24,"[1, NULL, 3]","['x', 'it''s']",[],,12.50,7
`
	if got := write("csv"); got != want {
		t.Errorf("csv:\n%s\nwant\n%s", got, want)
	}
	if got := write("csv-de"); !strings.Contains(got, `;"";`) || !strings.Contains(got, ";01.07.2026 12:00:00;15.01.2026 08:30:00;24.11.2026;") ||
		!strings.Contains(got, ";12,50;7\n") || !strings.HasPrefix(got, "\uFEFFn;e;") {
		t.Errorf("csv-de: %q", got)
	}
	// Table: NULL is shown as NULL, the empty string as nothing.
	if got := text(duckdbDecimal(-5, 3), "DECIMAL(10,3)", false); got != "-0.005" {
		t.Errorf("decimal -0.005: %s", got)
	}
	table := write("table")
	lines := strings.Split(table, "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[2], "NULL     a,") || !strings.Contains(table, "2026-07-01 12:00:00+02:00") {
		t.Errorf("table:\n%s", table)
	}
	if got := write("json"); !strings.HasPrefix(got, `[`+"\n"+`  {"n": null, "e": "", "q": "a,\"b\"", "tz": "2026-07-01T12:00:00+02:00", `) ||
		!strings.Contains(got, `"n": null`) || !strings.Contains(got, `"e": ""`) ||
		!strings.Contains(got, `"tz": "2026-07-01T12:00:00+02:00"`) || !strings.Contains(got, `"dec": 12.50`) ||
		!strings.Contains(got, `"l": [`) {
		t.Errorf("json: %s", got)
	}
}

// TestSQLOutputParquet: --format parquet keeps DuckDB's types, lists as lists, NULL
// apart from the empty string, and the query's column order (read back by DuckDB).
func TestSQLOutputParquet(t *testing.T) {
	res, db := sqlOutResult(t)
	var b bytes.Buffer
	if err := res.write(&b, "parquet"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "abfrage.parquet")
	if err := writeNew(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))", path)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var n, typ string
		rows.Scan(&n, &typ)
		got = append(got, n+" "+typ)
	}
	rows.Close()
	want := "n VARCHAR|e VARCHAR|q VARCHAR|tz TIMESTAMP WITH TIME ZONE|ts TIMESTAMP|d DATE|l INTEGER[]|sl VARCHAR[]|el INTEGER[]|nl INTEGER[]|dec DECIMAL(10,2)|s SMALLINT"
	if strings.Join(got, "|") != want {
		t.Errorf("Parquet schema\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
	var same bool
	if err := db.QueryRow(`SELECT n IS NULL AND e = '' AND q = 'a,"b"' AND tz = TIMESTAMPTZ '2026-07-01 10:00:00+00'
		AND ts = TIMESTAMP '2026-01-15 08:30:00' AND d = DATE '2026-11-24' AND l IS NOT DISTINCT FROM [1, NULL, 3]
		AND sl = ['x', 'it''s'] AND len(el) = 0 AND nl IS NULL AND dec = 12.50 AND s = 7 FROM read_parquet(?)`, path).Scan(&same); err != nil || !same {
		t.Errorf("Parquet values differ from the query's: %v", err)
	}
}

func duckdbDecimal(v int64, scale uint8) duckdb.Decimal {
	return duckdb.Decimal{Width: 10, Scale: scale, Value: big.NewInt(v)}
}

// stopSink takes rows until the third and then stops the query.
type stopSink struct{ n int }

func (s *stopSink) header([]string, []string) error { return nil }
func (s *stopSink) end() error                      { return nil }
func (s *stopSink) row([]any) error {
	s.n++
	if s.n == 3 {
		return errors.New("genug")
	}
	return nil
}

// TestSQLStreams: rows go to the output one by one as the driver hands them over, not
// after ipoint held the whole result: the output's error ends the query at the third
// row. (DuckDB's Go driver itself materialises a result before the first row: the
// streaming spares the boxed copy of every value in Go, not DuckDB's columns.)
func TestSQLStreams(t *testing.T) {
	_, db := sqlOutResult(t)
	n, err := streamQuery(context.Background(), db, "SELECT i FROM range(1000000) t(i)", nil, &stopSink{})
	if n != 2 || err == nil || err.Error() != "genug" {
		t.Errorf("streamQuery: %d rows, %v", n, err)
	}
}
