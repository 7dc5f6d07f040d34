package warehouse

import (
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"sync"

	"github.com/duckdb/duckdb-go/v2/mapping"
)

// The analysts' door must know how many statements DuckDB sees in a text before
// anything runs: the driver's PrepareContext executes every statement but the last of
// a text while it prepares. A door's own lexer can disagree with DuckDB's about where
// a statement ends (a dollar sign inside an identifier, a literal changed by a
// rewrite), so the count comes from DuckDB's own parser, on a database of its own that
// holds nothing: parsing binds nothing and runs nothing.
var parser struct {
	once sync.Once
	mu   sync.Mutex
	db   mapping.Database
	conn mapping.Connection
	err  error
}

// ErrNotOneStatement is a text that DuckDB's parser reads as more than one statement.
var ErrNotOneStatement = errors.New("more than one statement")

// CountStatements returns how many statements DuckDB's parser reads in q; a text that
// does not parse is its parse error.
func CountStatements(q string) (int, error) {
	parser.once.Do(func() {
		if mapping.Open(":memory:", &parser.db) == mapping.StateError {
			parser.err = errors.New("duckdb: the parser's database does not open")
			return
		}
		if mapping.Connect(parser.db, &parser.conn) == mapping.StateError {
			parser.err = errors.New("duckdb: the parser's connection does not open")
		}
	})
	if parser.err != nil {
		return 0, parser.err
	}
	parser.mu.Lock()
	defer parser.mu.Unlock()
	var stmts mapping.ExtractedStatements
	n := mapping.ExtractStatements(parser.conn, q, &stmts)
	defer mapping.DestroyExtracted(&stmts)
	if n == 0 {
		if msg := mapping.ExtractStatementsError(stmts); msg != "" {
			return 0, errors.New(msg)
		}
		return 0, nil
	}
	return int(n), nil
}

// OneStatement returns nil when DuckDB reads q as exactly one statement.
func OneStatement(q string) error {
	n, err := CountStatements(q)
	switch {
	case err != nil:
		return err
	case n != 1:
		return ErrNotOneStatement
	}
	return nil
}

// The analysts' door also asks DuckDB's parser which functions a query calls: its own
// lexer can be led astray (an escape string after an identifier, nested comments, a
// name inside a literal), DuckDB's parse tree cannot. json_serialize_sql gives that tree
// for a SELECT and refuses every other kind of statement; it runs on a database of its
// own that holds nothing, whose configuration is locked before the first text, so that
// nothing an analyst sends changes how it parses.
var calls struct {
	once   sync.Once
	db     *sql.DB
	tables map[string]bool // DuckDB's table functions and table macros
	err    error
}

// ErrNotQuery is a text that DuckDB's parser does not read as exactly one query (a
// SELECT, WITH, VALUES, TABLE, FROM, DESCRIBE, SHOW, SUMMARIZE, UNPIVOT or PIVOT with an
// IN list): EXPLAIN, a PIVOT that first creates a type, any other statement.
var ErrNotQuery = errors.New("not one query")

func openCalls() {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		calls.err = err
		return
	}
	db.SetMaxOpenConns(1)
	for _, q := range []string{"SET enable_external_access = false", "SET lock_configuration = true"} {
		if _, err := db.Exec(q); err != nil {
			calls.err = err
			return
		}
	}
	rows, err := db.Query(`SELECT DISTINCT lower(function_name) FROM duckdb_functions() WHERE function_type IN ('table', 'table_macro')`)
	if err != nil {
		calls.err = err
		return
	}
	defer rows.Close()
	calls.tables = map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			calls.err = err
			return
		}
		calls.tables[name] = true
	}
	calls.db, calls.err = db, rows.Err()
}

// Calls returns the lower-cased name of every function q calls, as DuckDB's parser reads
// it (scalar, aggregate, window and table functions, operators included, in subqueries
// and common table expressions too), and whether each is a table function. A text that
// is not exactly one query is ErrNotQuery; one that does not parse is its parse error.
func Calls(q string) (names []string, table map[string]bool, err error) {
	calls.once.Do(openCalls)
	if calls.err != nil {
		return nil, nil, calls.err
	}
	var text string
	if err := calls.db.QueryRow(`SELECT json_serialize_sql(?::VARCHAR)::VARCHAR`, q).Scan(&text); err != nil {
		return nil, nil, err
	}
	var tree struct {
		Error        bool              `json:"error"`
		ErrorType    string            `json:"error_type"`
		ErrorMessage string            `json:"error_message"`
		Statements   []json.RawMessage `json:"statements"`
	}
	if err := json.Unmarshal([]byte(text), &tree); err != nil {
		return nil, nil, err
	}
	switch {
	case tree.Error && tree.ErrorType == "not implemented":
		return nil, nil, ErrNotQuery
	case tree.Error:
		return nil, nil, errors.New(tree.ErrorMessage)
	case len(tree.Statements) != 1:
		return nil, nil, ErrNotOneStatement
	}
	var node any
	if err := json.Unmarshal(tree.Statements[0], &node); err != nil {
		return nil, nil, err
	}
	seen := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if name, ok := x["function_name"].(string); ok && !seen[strings.ToLower(name)] {
				seen[strings.ToLower(name)] = true
				names = append(names, strings.ToLower(name))
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(node)
	return names, calls.tables, nil
}
