// Package sql holds the warehouse's SQL: models/ (applied in name order, one object per
// file) and checks/ (each a query returning the offending rows). SQL is code: reviewed,
// tested, embedded in the binary.
package sql

import "embed"

// Files are the embedded SQL files.
//
//go:embed models/*.sql checks/*.sql spalten.txt
var Files embed.FS
