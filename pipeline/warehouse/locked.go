package warehouse

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"sync"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Locked is how the analysts' door opens the warehouse.
type Locked struct {
	Threads     int    // DuckDB threads per database (default 2)
	MemoryLimit string // DuckDB memory limit, e.g. "4GB" (default)
}

// lockedDSN is the only DSN the analysts' door hands to the driver: a fixed string, an
// in-memory database with options that no path can change. The warehouse file is then
// attached read-only by SQL with the path as a quoted literal, never pasted into a DSN.
// temp_directory is empty: DuckDB whitelists its spill directory for SQL, so there is
// none; a query that does not fit the memory limit fails instead of spilling.
const lockedDSN = ":memory:?autoinstall_known_extensions=false&autoload_known_extensions=false" +
	"&allow_community_extensions=false&allow_unsigned_extensions=false&temp_directory="

// ErrPathOptions refuses a warehouse path that carries DSN-like options.
var ErrPathOptions = errors.New("der Pfad der Auswertungsdatenbank enthält \"?\": Optionen im Pfad sind nicht erlaubt")

// OpenLocked opens the warehouse file at path for analysts: attached read-only, then
// external access off, the local file system disabled and the configuration locked, in
// that order, before any analyst's statement can run. Every connection of the returned
// pool starts in the warehouse's catalog and is closed, not kept, when it is given back.
func OpenLocked(path string, o Locked) (*sql.DB, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, ErrPathOptions
	}
	if strings.ContainsAny(path, "\x00\n\r") || path == "" {
		return nil, fmt.Errorf("ungültiger Pfad der Auswertungsdatenbank %q", path)
	}
	if o.Threads <= 0 {
		o.Threads = 2
	}
	if o.MemoryLimit == "" {
		o.MemoryLimit = "4GB"
	}
	if !memoryLimitRe(o.MemoryLimit) {
		return nil, fmt.Errorf("ungültige Speichergrenze %q", o.MemoryLimit)
	}
	var once sync.Mutex
	locked := false
	init := func(ex driver.ExecerContext) error {
		ctx := context.Background()
		once.Lock()
		defer once.Unlock()
		if !locked {
			for _, q := range []string{
				"SET threads = " + strconv.Itoa(o.Threads),
				"SET memory_limit = '" + o.MemoryLimit + "'",
				"ATTACH " + quoteLiteral(path) + " AS warehouse (READ_ONLY)",
				"SET enable_external_access = false",
				"SET disabled_filesystems = 'LocalFileSystem'",
				"SET lock_configuration = true",
			} {
				if _, err := ex.ExecContext(ctx, q, nil); err != nil {
					return fmt.Errorf("Auswertungsdatenbank sperren: %w", err)
				}
			}
			locked = true
		}
		_, err := ex.ExecContext(ctx, "USE warehouse", nil)
		return err
	}
	c, err := duckdb.NewConnector(lockedDSN, init)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(c)
	// A connection is never handed to a second user: what a session leaves on its
	// connection (temporary objects, prepared statements, variables, the search path)
	// ends with it.
	db.SetMaxIdleConns(0)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func memoryLimitRe(s string) bool {
	n := strings.TrimRight(s, "KMGTBkmgtib")
	if n == "" || len(s)-len(n) > 3 {
		return false
	}
	_, err := strconv.ParseFloat(n, 64)
	return err == nil
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// Statement describes a prepared statement: its kind as DuckDB's parser sees it, its
// result columns and its parameters' types (DuckDB type names).
type Statement struct {
	Kind    string // SELECT, EXPLAIN, COPY, CREATE, SET, CALL, ATTACH, ...
	Columns []Column
	Params  []string
}

// Column is a result column with its DuckDB type, e.g. DECIMAL(18,2).
type Column struct {
	Name string
	Type string
}

var kinds = map[duckdb.StmtType]string{
	duckdb.STATEMENT_TYPE_SELECT: "SELECT", duckdb.STATEMENT_TYPE_INSERT: "INSERT", duckdb.STATEMENT_TYPE_UPDATE: "UPDATE",
	duckdb.STATEMENT_TYPE_EXPLAIN: "EXPLAIN", duckdb.STATEMENT_TYPE_DELETE: "DELETE", duckdb.STATEMENT_TYPE_PREPARE: "PREPARE",
	duckdb.STATEMENT_TYPE_CREATE: "CREATE", duckdb.STATEMENT_TYPE_EXECUTE: "EXECUTE", duckdb.STATEMENT_TYPE_ALTER: "ALTER",
	duckdb.STATEMENT_TYPE_TRANSACTION: "TRANSACTION", duckdb.STATEMENT_TYPE_COPY: "COPY", duckdb.STATEMENT_TYPE_ANALYZE: "ANALYZE",
	duckdb.STATEMENT_TYPE_VARIABLE_SET: "VARIABLE_SET", duckdb.STATEMENT_TYPE_CREATE_FUNC: "CREATE_FUNC", duckdb.STATEMENT_TYPE_DROP: "DROP",
	duckdb.STATEMENT_TYPE_EXPORT: "EXPORT", duckdb.STATEMENT_TYPE_PRAGMA: "PRAGMA", duckdb.STATEMENT_TYPE_VACUUM: "VACUUM",
	duckdb.STATEMENT_TYPE_CALL: "CALL", duckdb.STATEMENT_TYPE_SET: "SET", duckdb.STATEMENT_TYPE_LOAD: "LOAD",
	duckdb.STATEMENT_TYPE_RELATION: "RELATION", duckdb.STATEMENT_TYPE_EXTENSION: "EXTENSION", duckdb.STATEMENT_TYPE_LOGICAL_PLAN: "LOGICAL_PLAN",
	duckdb.STATEMENT_TYPE_ATTACH: "ATTACH", duckdb.STATEMENT_TYPE_DETACH: "DETACH", duckdb.STATEMENT_TYPE_MULTI: "MULTI",
}

// Describe prepares q on conn without running it and says what it is. Preparing binds
// the statement, so a file function on a locked database already fails here.
func Describe(ctx context.Context, conn *sql.Conn, q string) (Statement, error) {
	var st Statement
	err := conn.Raw(func(dc any) error {
		c, ok := dc.(*duckdb.Conn)
		if !ok {
			return fmt.Errorf("not a DuckDB connection: %T", dc)
		}
		ps, err := c.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		defer ps.Close()
		s := ps.(*duckdb.Stmt)
		t, err := s.StatementType()
		if err != nil {
			return err
		}
		st.Kind = kinds[t]
		if st.Kind == "" {
			st.Kind = "INVALID"
		}
		for i := 1; i <= s.NumInput(); i++ {
			pt, err := s.ParamType(i)
			name := "ANY"
			if err == nil {
				name = typeName(pt)
			}
			st.Params = append(st.Params, name)
		}
		n, err := s.ColumnCount()
		if err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			name, err := s.ColumnName(i)
			if err != nil {
				return err
			}
			col := Column{Name: name}
			if ti, err := s.ColumnTypeInfo(i); err == nil {
				col.Type = typeInfoName(ti)
			}
			st.Columns = append(st.Columns, col)
		}
		return nil
	})
	return st, err
}

func typeName(t duckdb.Type) string {
	if s, ok := typeNames[t]; ok {
		return s
	}
	return "ANY"
}

var typeNames = map[duckdb.Type]string{
	duckdb.TYPE_BOOLEAN: "BOOLEAN", duckdb.TYPE_TINYINT: "TINYINT", duckdb.TYPE_SMALLINT: "SMALLINT",
	duckdb.TYPE_INTEGER: "INTEGER", duckdb.TYPE_BIGINT: "BIGINT", duckdb.TYPE_UTINYINT: "UTINYINT",
	duckdb.TYPE_USMALLINT: "USMALLINT", duckdb.TYPE_UINTEGER: "UINTEGER", duckdb.TYPE_UBIGINT: "UBIGINT",
	duckdb.TYPE_FLOAT: "FLOAT", duckdb.TYPE_DOUBLE: "DOUBLE", duckdb.TYPE_TIMESTAMP: "TIMESTAMP",
	duckdb.TYPE_DATE: "DATE", duckdb.TYPE_TIME: "TIME", duckdb.TYPE_INTERVAL: "INTERVAL", duckdb.TYPE_HUGEINT: "HUGEINT",
	duckdb.TYPE_UHUGEINT: "UHUGEINT", duckdb.TYPE_VARCHAR: "VARCHAR", duckdb.TYPE_BLOB: "BLOB", duckdb.TYPE_DECIMAL: "DECIMAL",
	duckdb.TYPE_TIMESTAMP_S: "TIMESTAMP_S", duckdb.TYPE_TIMESTAMP_MS: "TIMESTAMP_MS", duckdb.TYPE_TIMESTAMP_NS: "TIMESTAMP_NS",
	duckdb.TYPE_ENUM: "ENUM", duckdb.TYPE_LIST: "LIST", duckdb.TYPE_STRUCT: "STRUCT", duckdb.TYPE_MAP: "MAP",
	duckdb.TYPE_ARRAY: "ARRAY", duckdb.TYPE_UUID: "UUID", duckdb.TYPE_UNION: "UNION", duckdb.TYPE_TIME_TZ: "TIMETZ",
	duckdb.TYPE_TIMESTAMP_TZ: "TIMESTAMPTZ", duckdb.TYPE_SQLNULL: "NULL",
}

func typeInfoName(ti duckdb.TypeInfo) string {
	t := ti.InternalType()
	if t == duckdb.TYPE_DECIMAL {
		if d, ok := ti.Details().(*duckdb.DecimalDetails); ok {
			return fmt.Sprintf("DECIMAL(%d,%d)", d.Width, d.Scale)
		}
	}
	return typeName(t)
}

// Plain turns the driver's own value types into plain Go values, so that a package
// that does not import the driver can print them: a decimal becomes its exact decimal
// text, an interval the PostgreSQL interval text, a UUID its canonical text.
func Plain(v any) any {
	switch x := v.(type) {
	case duckdb.Decimal:
		return DecimalText(decimalText(x))
	case duckdb.Interval:
		return IntervalText(fmt.Sprintf("%d mons %d days %s", x.Months, x.Days, micros(x.Micros)))
	case duckdb.UUID:
		return x.String()
	case *duckdb.UUID:
		return x.String()
	case duckdb.Map:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(Plain(k))] = Plain(e)
		}
		return m
	case duckdb.Union:
		return Plain(x.Value)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Plain(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = Plain(e)
		}
		return out
	}
	return v
}

// DecimalText is an exact decimal number as text.
type DecimalText string

// IntervalText is an interval in PostgreSQL's text form.
type IntervalText string

func micros(us int64) string {
	sign := ""
	if us < 0 {
		sign, us = "-", -us
	}
	h, us := us/3_600_000_000, us%3_600_000_000
	m, us := us/60_000_000, us%60_000_000
	s, us := us/1_000_000, us%1_000_000
	out := fmt.Sprintf("%s%02d:%02d:%02d", sign, h, m, s)
	if us != 0 {
		out += strings.TrimRight(fmt.Sprintf(".%06d", us), "0")
	}
	return out
}

// decimalText prints a decimal with exactly its scale's digits, as PostgreSQL does.
func decimalText(d duckdb.Decimal) string {
	if d.Value == nil {
		return "0"
	}
	s := new(big.Int).Abs(d.Value).String()
	sign := ""
	if d.Value.Sign() < 0 {
		sign = "-"
	}
	if d.Scale == 0 {
		return sign + s
	}
	sc := int(d.Scale)
	for len(s) <= sc {
		s = "0" + s
	}
	return sign + s[:len(s)-sc] + "." + s[len(s)-sc:]
}
