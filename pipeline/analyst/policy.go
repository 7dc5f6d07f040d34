package analyst

import (
	"errors"
	"regexp"
	"strings"

	"ipoint/pipeline/warehouse"
)

// Refusals: what the analysts' door does not do, in German, with what to do instead.
const (
	msgFiles        = `Dateizugriff ist im Analysezugang nicht möglich; Ergebnisse mit \copy im eigenen Programm speichern`
	msgReadOnly     = "Der Analysezugang ist nur lesend; Zwischenergebnisse mit WITH (CTE) in der Abfrage bilden oder im eigenen Programm speichern"
	msgAttach       = "Andere Datenbanken lassen sich im Analysezugang nicht anbinden; die Auswertungsdatenbank enthält alle freigegebenen Tabellen"
	msgExtensions   = "Erweiterungen lassen sich im Analysezugang nicht installieren oder laden; fehlende Funktionen bei der Betreuung von ipoint anfragen"
	msgSettings     = "Einstellungen lassen sich im Analysezugang nicht ändern; Zeitlimit und Zeilengrenze legt die Betreuung von ipoint fest"
	msgProcedures   = "Prozeduren, PRAGMA und Protokollierungsfunktionen sind im Analysezugang gesperrt; nur Abfragen (SELECT) sind erlaubt"
	msgOnlySelect   = "Im Analysezugang sind nur Abfragen erlaubt (SELECT, WITH, EXPLAIN, SHOW, DESCRIBE)"
	msgUnavailable  = "Die Auswertungsdatenbank ist gerade nicht verfügbar (sie wird vielleicht neu aufgebaut); gleich noch einmal versuchen"
	msgOneStatement = "Eine Anweisung nach der anderen senden: dieser Text enthält mehr als eine Anweisung"
	msgPivot        = "PIVOT im Analysezugang nur mit den Werten der Spalten: PIVOT … ON spalte IN ('a', 'b') USING …; ohne sie legt DuckDB zuerst einen Typ an"
	msgExplain      = "EXPLAIN im Analysezugang nur als EXPLAIN oder EXPLAIN ANALYZE vor einer Abfrage, ohne Optionen in Klammern"
	msgStates       = "Zustände von Aggregatfunktionen (EXPORT_STATE, finalize, combine, cast_to_type) sind im Analysezugang gesperrt"
	msgSystem       = "Einstellungen, Protokoll und Speicherorte der Datenbank sind im Analysezugang nicht einsehbar"
	msgTooLong      = "Anweisung zu lang für den Analysezugang: höchstens 256 KiB"
	msgTooLarge     = "Abfrage zu groß für den Analysezugang: höchstens 1.664 Spalten, 32 Tabellen, Sichten und Unterabfragen und 4 Sterne (*) je Abfrage"
	msgUnbounded    = "Zeichenkettenabstände (levenshtein, jaro, jaccard, hamming …) sind im Analysezugang gesperrt: ihre Rechenzeit lässt sich nicht begrenzen"
)

// refusal is a statement the door will not run, with the PostgreSQL SQLSTATE.
type refusal struct {
	code string
	msg  string
}

func (r refusal) Error() string { return r.msg }

// firstWord is the statement's first keyword, upper case, after comments and "(".
func firstWord(q string) string {
	s := strings.TrimLeft(stripComments(q), " \t\r\n(")
	end := 0
	for end < len(s) && (isIdent(s[end])) {
		end++
	}
	return strings.ToUpper(s[:end])
}

// allowedFirst are the first words of statements that only read.
var allowedFirst = map[string]bool{"SELECT": true, "WITH": true, "VALUES": true, "TABLE": true, "FROM": true,
	"EXPLAIN": true, "SHOW": true, "DESCRIBE": true, "SUMMARIZE": true, "PIVOT": true, "UNPIVOT": true}

// deniedFunctions change the process, read what other sessions did, or run SQL text of
// their own (so that the checks here would not see it): refused wherever they are
// called, however the name is written (bare or as a quoted identifier, any case).
var deniedFunctions = map[string]bool{"enable_logging": true, "disable_logging": true, "truncate_duckdb_logs": true,
	"duckdb_logs": true, "duckdb_log_contexts": true, "enable_profiling": true, "disable_profiling": true,
	"enable_object_cache": true, "disable_object_cache": true, "query": true, "query_table": true, "getenv": true,
	"checkpoint": true, "force_checkpoint": true, "install_extension": true, "load_extension": true,
	"duckdb_secrets": true, "which_secret": true, "json_execute_serialized_sql": true, "enable_peg_parser": true,
	"disable_peg_parser": true, "check_peg_parser": true}

// calledNames lists the names in q that are called (followed by "(" after white space
// and comments), outside literals and comments: bare words lower-cased, quoted
// identifiers with their quotes removed and lower-cased (DuckDB resolves function
// names without regard to case).
func calledNames(q string) []string {
	var out []string
	pending := ""
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			i++
			continue
		case c == '-' && strings.HasPrefix(q[i:], "--"):
			if j := strings.IndexByte(q[i:], '\n'); j >= 0 {
				i += j + 1
			} else {
				i = len(q)
			}
			continue
		case c == '/' && strings.HasPrefix(q[i:], "/*"):
			i = skipBlockComment(q, i)
			continue
		case c == '(':
			if pending != "" {
				out = append(out, pending)
			}
			pending = ""
			i++
			continue
		case c == '"':
			j := skipQuoted(q, i, '"', false)
			name := q[i+1 : max(i+1, j-1)]
			pending = strings.ToLower(strings.ReplaceAll(name, `""`, `"`))
			i = j
			continue
		case c == '\'':
			i = skipQuoted(q, i, '\'', escapeString(q, i))
		case c == '$' && (i == 0 || !inIdent(q[i-1])):
			i = skipDollar(q, i)
		case isIdent(c) || c == '$':
			j := i
			for j < len(q) && (isIdent(q[j]) || q[j] == '$') {
				j++
			}
			pending = strings.ToLower(q[i:j])
			i = j
			continue
		default:
			i++
		}
		pending = ""
	}
	return out
}

// check refuses a statement by its text, before DuckDB parses or binds it.
func check(q string) error {
	w := firstWord(q)
	if !allowedFirst[w] {
		return refusalFor(w)
	}
	for _, name := range calledNames(q) {
		if deniedFunctions[name] || deniedFunctions[strings.TrimPrefix(name, "main.")] {
			return refusal{"42501", msgProcedures}
		}
	}
	return nil
}

// checkKind refuses what DuckDB's parser says is not a query. An EXPLAIN is one only
// when the door built it (explain): DuckDB runs the statement of an EXPLAIN ANALYZE,
// and the door's own reading of a text may differ from DuckDB's.
func checkKind(kind string, explain bool) error {
	switch {
	case kind == "SELECT" && !explain, kind == "EXPLAIN" && explain:
		return nil
	}
	return refusalFor(kind)
}

// allowedTableFunctions are the table functions an analyst may call: rows made up
// (range, generate_series, unnest, repeat), JSON taken apart, and the catalog's own
// description of the warehouse. Every other table function of DuckDB reads files,
// changes the process (checkpoints, logging, profiling, the parser), shows other
// sessions, the configuration or the machine, reads memory by address (arrow_scan),
// or runs SQL text the door has not read (query, query_table,
// json_execute_serialized_sql): refused, including the ones a later DuckDB adds.
var allowedTableFunctions = map[string]bool{"range": true, "generate_series": true, "unnest": true, "repeat": true,
	"repeat_row": true, "json_each": true, "json_tree": true, "duckdb_columns": true, "duckdb_constraints": true,
	"duckdb_dependencies": true, "duckdb_functions": true, "duckdb_indexes": true, "duckdb_keywords": true,
	"duckdb_schemas": true, "duckdb_tables": true, "duckdb_types": true, "duckdb_views": true, "duckdb_sequences": true,
	"pragma_table_info": true, "pragma_show": true, "pragma_version": true, "pragma_collations": true,
	"pg_timezone_names": true, "icu_calendar_names": true}

// deniedScalars are the functions refused besides the table functions: the process's
// environment and settings (get_block_size reads the database's size), SQL text planned
// or logged on the side, and what turns bytes into DuckDB's internal structures
// (stateFunctions below are refused with their own message).
var deniedScalars = map[string]bool{"getenv": true, "current_setting": true, "json_serialize_plan": true,
	"write_log": true, "get_block_size": true, "variant_bytes_to_variant": true, "st_geomfromwkb": true}

// stateFunctions turn bytes into an aggregate's state or finalize one (found by review:
// a state forged from a BLOB with cast_to_type and finalized read the server's memory
// at any address, or crashed it).
var stateFunctions = map[string]bool{"finalize": true, "combine": true, "cast_to_type": true}

// deniedRelations are DuckDB's system views that show the settings, the log, the
// prepared statements or the database files' paths.
var deniedRelations = map[string]bool{"pg_settings": true, "duckdb_logs": true, "duckdb_databases": true,
	"pragma_database_list": true, "pg_prepared_statements": true}

// Limits of a query at the door: DuckDB parses and binds a text without looking at a
// cancel request or the statement timeout (found by review: 100,000 columns held a
// core for more than 13 minutes), so a text is refused before that when it is too
// long or too wide. 1,664 columns is PostgreSQL's own limit of a select list.
const (
	maxStatementBytes = 256 << 10
	maxColumns        = 1664
	maxRefs           = 32       // tables, views, table functions and subqueries
	maxStars          = 4        // *, t.*, COLUMNS(*): each the width of its FROM, nested ones multiplied
	maxRowBytes       = 32 << 20 // one row of a result
)

// unboundedScalars take time that grows with the product of their arguments' lengths,
// inside one call, which DuckDB does not interrupt (found by review: one levenshtein of
// two long strings held a core for minutes past the timeout).
var unboundedScalars = map[string]bool{"levenshtein": true, "damerau_levenshtein": true, "editdist3": true,
	"jaro_similarity": true, "jaro_winkler_similarity": true, "jaccard": true, "hamming": true, "mismatches": true}

// checkCalls refuses, by DuckDB's own parse tree, a text that is not exactly one query,
// that calls a function or names a system view the door does not allow, that handles
// aggregate states, or that is too wide to bind.
func checkCalls(q string) error {
	t, err := warehouse.Parse(q)
	switch {
	case errors.Is(err, warehouse.ErrNotQuery):
		if strings.Contains(strings.ToUpper(q), "PIVOT") {
			return refusal{"42501", msgPivot}
		}
		return refusal{"42501", msgOnlySelect}
	case errors.Is(err, warehouse.ErrNotOneStatement):
		return refusal{"42601", msgOneStatement}
	case err != nil:
		return refusal{"42601", duckMessage(err)}
	}
	if t.Columns > maxColumns || t.Refs > maxRefs || t.Stars > maxStars {
		return refusal{"54000", msgTooLarge}
	}
	if t.States {
		return refusal{"42501", msgStates}
	}
	for _, n := range t.Tables {
		switch {
		case allowedTableFunctions[n]:
		case fileFunction(n):
			return refusal{"42501", msgFiles}
		default:
			return refusal{"42501", msgProcedures}
		}
	}
	for _, n := range t.Functions {
		switch {
		case stateFunctions[n]:
			return refusal{"42501", msgStates}
		case deniedFunctions[n], deniedScalars[n], strings.HasPrefix(n, "__internal"):
			return refusal{"42501", msgProcedures}
		case unboundedScalars[n]:
			return refusal{"42501", msgUnbounded}
		}
	}
	for _, n := range t.Relations {
		if deniedRelations[n] {
			return refusal{"42501", msgSystem}
		}
	}
	return nil
}

// fileFunction says whether a table function reads files (its refusal says so).
func fileFunction(name string) bool {
	for _, p := range []string{"read_", "parquet_", "glob", "sniff_csv", "arrow_scan", "seq_scan"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// explain splits "EXPLAIN [ANALYZE] query" into the words the door keeps and the query
// (ok is false for any other form, EXPLAIN's options in parentheses among them). The
// statement run is then the door's "EXPLAIN " or "EXPLAIN ANALYZE " and the query that
// DuckDB has read as one SELECT: never a text of the analyst's beginning with EXPLAIN.
func explain(q string) (prefix, query string, ok bool) {
	i := skipSpace(q, 0)
	word := func() string {
		j := i
		for j < len(q) && isIdent(q[j]) {
			j++
		}
		return strings.ToUpper(q[i:j])
	}
	if word() != "EXPLAIN" {
		return "", "", false
	}
	i = skipSpace(q, i+len("EXPLAIN"))
	prefix = "EXPLAIN "
	if w := word(); w == "ANALYZE" || w == "ANALYSE" {
		prefix = "EXPLAIN ANALYZE "
		i = skipSpace(q, i+len(w))
	}
	if i >= len(q) || q[i] == '(' && !allowedFirst[firstWord(q[i:])] {
		return "", "", false
	}
	return prefix, q[i:], true
}

// skipSpace returns the index of the first byte at or after i that is neither white
// space nor in a comment.
func skipSpace(q string, i int) int {
	for i < len(q) {
		switch {
		case q[i] == ' ' || q[i] == '\t' || q[i] == '\n' || q[i] == '\r' || q[i] == '\f':
			i++
		case strings.HasPrefix(q[i:], "--"):
			if j := strings.IndexByte(q[i:], '\n'); j >= 0 {
				i += j + 1
			} else {
				i = len(q)
			}
		case strings.HasPrefix(q[i:], "/*"):
			i = skipBlockComment(q, i)
		default:
			return i
		}
	}
	return i
}

func refusalFor(word string) error {
	switch word {
	case "COPY", "EXPORT", "IMPORT":
		return refusal{"42501", msgFiles}
	case "ATTACH", "DETACH", "USE":
		return refusal{"42501", msgAttach}
	case "INSTALL", "LOAD", "FORCE", "UPDATE_EXTENSIONS", "EXTENSION":
		return refusal{"42501", msgExtensions}
	case "SET", "RESET", "VARIABLE_SET":
		return refusal{"42501", msgSettings}
	case "CALL", "PRAGMA", "CHECKPOINT", "VACUUM", "ANALYZE":
		return refusal{"42501", msgProcedures}
	case "CREATE", "CREATE_FUNC", "INSERT", "UPDATE", "DELETE", "DROP", "ALTER", "MERGE", "TRUNCATE", "UPSERT", "COMMENT", "PREPARE", "EXECUTE", "DEALLOCATE":
		return refusal{"25006", msgReadOnly}
	}
	return refusal{"42501", msgOnlySelect}
}

// fileError says whether DuckDB refused a statement for touching the file system.
func fileError(err error) bool {
	s := err.Error()
	return strings.Contains(s, "Permission Error") || strings.Contains(s, "disabled by configuration") ||
		strings.Contains(s, "file system operations are disabled")
}

// compatSettings are the session settings PostgreSQL clients set on connecting; they
// are acknowledged and have no effect (the server's output is always ISO dates, UTF-8,
// full float precision).
var compatSettings = map[string]bool{"datestyle": true, "extra_float_digits": true, "client_encoding": true,
	"application_name": true, "intervalstyle": true, "client_min_messages": true, "standard_conforming_strings": true,
	"search_path": true, "timezone": true, "time zone": true, "statement_timeout": true, "bytea_output": true,
	"lc_monetary": true, "geqo": true, "session characteristics as transaction isolation level read committed": true}

var setRe = regexp.MustCompile(`(?is)^\s*SET\s+(?:SESSION\s+|LOCAL\s+)?("?[a-z_ ]+?"?)\s*(?:=|\bTO\b|$|\s+'|\s+[a-z0-9])`)

// compatSet reports whether q is a client's harmless SET.
func compatSet(q string) bool {
	m := setRe.FindStringSubmatch(strings.TrimSpace(stripComments(q)))
	if m == nil {
		return false
	}
	name := strings.ToLower(strings.Trim(strings.TrimSpace(m[1]), `"`))
	return compatSettings[name] || strings.HasPrefix(strings.ToLower(strings.TrimSpace(q)), "set session characteristics")
}

// serverSettings answer SHOW and current_setting for the settings clients ask about.
var serverSettings = map[string]string{
	"server_version": "15.0", "server_version_num": "150000", "server_encoding": "UTF8", "client_encoding": "UTF8",
	"datestyle": "ISO, MDY", "intervalstyle": "postgres", "timezone": "UTC", "integer_datetimes": "on",
	"standard_conforming_strings": "on", "transaction_isolation": "read committed", "transaction isolation level": "read committed",
	"max_identifier_length": "63", "is_superuser": "off", "default_transaction_read_only": "on", "transaction_read_only": "on",
	"lc_collate": "C", "lc_ctype": "C", "max_index_keys": "32", "search_path": "public",
}

var showRe = regexp.MustCompile(`(?is)^\s*SHOW\s+("?[a-z_ ]+?"?)\s*$`)

// show answers SHOW name for a known setting.
func show(q string) (name, value string, ok bool) {
	m := showRe.FindStringSubmatch(stripComments(q))
	if m == nil {
		return "", "", false
	}
	name = strings.ToLower(strings.Trim(strings.TrimSpace(m[1]), `"`))
	value, ok = serverSettings[name]
	return name, value, ok
}

// transaction classifies BEGIN, COMMIT and ROLLBACK, which the door acknowledges:
// every statement reads one consistent warehouse anyway.
func transaction(q string) (tag string, status byte, ok bool) {
	switch firstWord(q) {
	case "BEGIN", "START":
		return "BEGIN", 'T', true
	case "COMMIT", "END":
		return "COMMIT", 'I', true
	case "ROLLBACK", "ABORT":
		if strings.Contains(strings.ToUpper(q), " TO ") {
			return "ROLLBACK", 'T', true
		}
		return "ROLLBACK", 'I', true
	case "SAVEPOINT":
		return "SAVEPOINT", 'T', true
	case "RELEASE":
		return "RELEASE", 'T', true
	case "DISCARD":
		return "DISCARD ALL", 'I', true
	}
	return "", 0, false
}
