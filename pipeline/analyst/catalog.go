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
	q = prettyRe.ReplaceAllString(q, "$1)")
	q = qualifiedCallRe.ReplaceAllString(q, "$1(")
	q = catalogReplacer.Replace(q)
	q = regCastRe.ReplaceAllString(q, "::VARCHAR")
	return relationRe.ReplaceAllStringFunc(q, func(m string) string {
		return "(" + catalogRelations[strings.TrimPrefix(m, "pg_catalog.")] + ")"
	})
}

// DuckDB has no pg_get_userbyid: every object belongs to the warehouse's builder.
var ownerRe = regexp.MustCompile(`(?:pg_catalog\.)?pg_get_userbyid\([a-z_.]*\)`)

// DuckDB's pg_get_expr and friends take no "pretty" argument.
var prettyRe = regexp.MustCompile(`(pg_get_(?:expr|constraintdef|indexdef|viewdef)\([^()]*?),\s*(?:true|false)\)`)

// Functions psql qualifies with pg_catalog that DuckDB has only as built-ins
// (array_to_string, …): called unqualified, DuckDB's search path finds either.
var qualifiedCallRe = regexp.MustCompile(`\bpg_catalog\.([a-z_0-9]+)\s*\(`)

var catalogReplacer = strings.NewReplacer(
	"OPERATOR(pg_catalog.~)", "~",
	"OPERATOR(pg_catalog.!~)", "!~",
	" COLLATE pg_catalog.default", "",
	"::pg_catalog.text", "::VARCHAR",
)

// psql's \d casts through PostgreSQL's reg* types (an oid shown as a name), which
// DuckDB's parser lacks; the oid as text stands in.
var regCastRe = regexp.MustCompile(`::pg_catalog\.reg[a-z]+(?:::VARCHAR)?`)

// catalogRelations stand in for pg_catalog relations that DuckDB has with fewer
// columns (or other types) than psql's \d and \d+ ask for.
var catalogRelations = map[string]string{
	"pg_class": "SELECT * REPLACE ([]::VARCHAR[] AS reloptions), false AS relforcerowsecurity FROM pg_catalog.pg_class",
}

var relationRe = func() *regexp.Regexp {
	var names []string
	for n := range catalogRelations {
		names = append(names, regexp.QuoteMeta(n))
	}
	return regexp.MustCompile(`\bpg_catalog\.(?:` + strings.Join(names, "|") + `)\b`)
}()

// emptyCatalogRe finds the PostgreSQL catalogs DuckDB lacks whose content would be
// empty for the warehouse: publications, inheritance, triggers, rules, row security
// policies, extended statistics, partitioning, foreign tables. psql's \d asks them
// for its footers, with functions and casts DuckDB lacks as well; a query of them that
// DuckDB cannot bind is answered with no rows (answerEmptyCatalog).
var emptyCatalogRe = regexp.MustCompile(`\bpg_catalog\.(?:pg_publication\w*|pg_inherits|pg_trigger|pg_rewrite|pg_policy|` +
	`pg_statistic_ext\w*|pg_partitioned_table|pg_foreign_table|pg_event_trigger|pg_subscription\w*)\b`)

// readsEmptyCatalog says whether q reads one of those catalogs.
func readsEmptyCatalog(q string) bool { return emptyCatalogRe.MatchString(q) }
