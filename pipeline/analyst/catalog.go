package analyst

import (
	"regexp"
	"strings"
)

// rewriteCatalog adapts the catalog queries PostgreSQL clients send to DuckDB's
// pg_catalog emulation.
func rewriteCatalog(q string) string {
	if !strings.Contains(q, "pg_") {
		return q
	}
	q = ownerRe.ReplaceAllString(q, "'ipoint'")
	return catalogReplacer.Replace(q)
}

// DuckDB has no pg_get_userbyid: every object belongs to the warehouse's builder.
var ownerRe = regexp.MustCompile(`(?:pg_catalog\.)?pg_get_userbyid\([a-z_.]*\)`)

var catalogReplacer = strings.NewReplacer(
	"OPERATOR(pg_catalog.~)", "~",
	"OPERATOR(pg_catalog.!~)", "!~",
	" COLLATE pg_catalog.default", "",
	// psql's \d: casts through PostgreSQL's reg* types, which DuckDB's parser lacks.
	"::pg_catalog.regtype::pg_catalog.text", "::VARCHAR",
	"::pg_catalog.regclass::pg_catalog.text", "::VARCHAR",
	"::pg_catalog.text", "::VARCHAR",
)
