package warehouse

import (
	"errors"
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
