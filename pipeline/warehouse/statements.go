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

// The analysts' door also asks DuckDB's parser what a query does: its own lexer can be
// led astray (an escape string after an identifier, nested comments, a name inside a
// literal), DuckDB's parse tree cannot. json_serialize_sql gives that tree for a SELECT
// and refuses every other kind of statement; it runs on a database of its own that
// holds nothing, whose configuration is locked before the first text, so that nothing
// an analyst sends changes how it parses.
var parseDB struct {
	once sync.Once
	db   *sql.DB
	err  error
}

// ErrNotQuery is a text that DuckDB's parser does not read as exactly one query (a
// SELECT, WITH, VALUES, TABLE, FROM, DESCRIBE, SHOW, SUMMARIZE, UNPIVOT or PIVOT with an
// IN list): EXPLAIN, a PIVOT that first creates a type, any other statement.
var ErrNotQuery = errors.New("not one query")

// Query is what DuckDB's parser reads in one query.
type Query struct {
	Functions []string // every function called, lower case: scalar, aggregate, window, macro, table
	Tables    []string // the table functions called in FROM, lower case
	Relations []string // the tables and views named, lower case, without catalog or schema
	States    bool     // an aggregate's state is exported (EXPORT_STATE) or a state type named
	Columns   int      // the longest select list or VALUES row, or the widest PIVOT
	Refs      int      // tables, views, table functions and subqueries in FROM clauses
	Stars     int      // stars in select lists (*, t.*, COLUMNS(*)): each expands to a width
}

func openParseDB() {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		parseDB.err = err
		return
	}
	db.SetMaxOpenConns(4) // sessions parse side by side
	for _, q := range []string{"SET enable_external_access = false", "SET lock_configuration = true"} {
		if _, err := db.Exec(q); err != nil {
			parseDB.err = err
			return
		}
	}
	parseDB.db = db
}

// Parse reads q with DuckDB's parser. A text that is not exactly one query is
// ErrNotQuery (more than one statement: ErrNotOneStatement); one that does not parse is
// its parse error.
func Parse(q string) (Query, error) {
	parseDB.once.Do(openParseDB)
	var out Query
	if parseDB.err != nil {
		return out, parseDB.err
	}
	var text string
	if err := parseDB.db.QueryRow(`SELECT json_serialize_sql(?::VARCHAR)::VARCHAR`, q).Scan(&text); err != nil {
		return out, err
	}
	var tree struct {
		Error        bool              `json:"error"`
		ErrorType    string            `json:"error_type"`
		ErrorMessage string            `json:"error_message"`
		Statements   []json.RawMessage `json:"statements"`
	}
	if err := json.Unmarshal([]byte(text), &tree); err != nil {
		return out, err
	}
	switch {
	case tree.Error && tree.ErrorType == "not implemented":
		return out, ErrNotQuery
	case tree.Error:
		return out, errors.New(tree.ErrorMessage)
	case len(tree.Statements) != 1:
		return out, ErrNotOneStatement
	}
	var node any
	if err := json.Unmarshal(tree.Statements[0], &node); err != nil {
		return out, err
	}
	seen := map[string]bool{}
	add := func(list *[]string, kind, name string) {
		name = strings.ToLower(name)
		if !seen[kind+name] {
			seen[kind+name] = true
			*list = append(*list, name)
		}
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if name, ok := x["function_name"].(string); ok {
				add(&out.Functions, "f", name)
			}
			if x["export_state"] == true || x["id"] == "AGGREGATE_STATE" {
				out.States = true
			}
			switch x["type"] {
			case "TABLE_FUNCTION":
				out.Refs++
				if fn, ok := x["function"].(map[string]any); ok {
					if name, ok := fn["function_name"].(string); ok {
						add(&out.Tables, "t", name)
					}
				}
			case "BASE_TABLE":
				out.Refs++
				if name, ok := x["table_name"].(string); ok {
					add(&out.Relations, "r", name)
				}
			case "SUBQUERY":
				out.Refs++
			case "SELECT_NODE":
				if l, ok := x["select_list"].([]any); ok {
					out.Columns = max(out.Columns, len(l))
					for _, e := range l {
						if m, ok := e.(map[string]any); ok && m["class"] == "STAR" {
							out.Stars++
						}
					}
				}
			case "PIVOT":
				width := 1
				if pivots, ok := x["pivots"].([]any); ok {
					for _, p := range pivots {
						if m, ok := p.(map[string]any); ok {
							if e, ok := m["entries"].([]any); ok {
								width *= max(1, len(e))
							}
						}
						width = min(width, 1<<30)
					}
				}
				if a, ok := x["aggregates"].([]any); ok {
					width *= max(1, len(a))
				}
				out.Columns = max(out.Columns, width)
			case "EXPRESSION_LIST":
				if rows, ok := x["values"].([]any); ok {
					for _, r := range rows {
						if l, ok := r.([]any); ok {
							out.Columns = max(out.Columns, len(l))
						}
					}
				}
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
	return out, nil
}
