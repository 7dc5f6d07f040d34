// Package warehouse builds and opens the DuckDB warehouse over the lake. It is the only
// package that imports the DuckDB driver (cgo, slow to link): keep it so.
package warehouse

import (
	"database/sql"
	"fmt"

	_ "github.com/duckdb/duckdb-go/v2" // the DuckDB driver
)

// OpenMemory opens an in-memory DuckDB with the given settings.
func OpenMemory(threads int, memoryLimit string) (*sql.DB, error) {
	dsn := fmt.Sprintf("?threads=%d&memory_limit=%s", threads, memoryLimit)
	db, err := sql.Open("duckdb", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, db.Ping()
}
