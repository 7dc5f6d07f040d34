// Package read reads the agencies' file formats: CSV with German conventions and legacy
// encodings, XLSX, XML with a declared encoding, JSON Lines, statistics tables and
// GENESIS flat files. It knows formats, not exports: every reader yields rows of text
// fields with the position staff need to find them (file, line or sheet row, column).
// Readers stream; memory does not grow with the file.
package read

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Row is one record of a file.
type Row struct {
	Line   int      // CSV, JSONL: physical line; XLSX: sheet row; XML: line of the record's start tag
	Fields []string // by column, in the order of Reader.Columns
	Notes  []Note   // what was read but is worth reporting, e.g. a date typed as text
}

// Note marks a field that was read but deviates from the format's convention.
type Note struct {
	Column int
	Kind   string
}

// NoteTextDate: an XLSX date cell that holds text (TT.MM.JJJJ) instead of an Excel date.
const NoteTextDate = "text_date"

// Reader yields the rows of one file.
type Reader interface {
	// Columns are the file's columns: the CSV header, or the fields asked for.
	Columns() []string
	// Next returns the next row; io.EOF at the end. A *RowError means this row cannot be
	// read (reject it and go on); any other error means the file cannot be read. The
	// *Row and its Fields slice may be reused by the next call (a CSV chunk's reader
	// does); the field strings stay valid.
	Next() (*Row, error)
	// Extra lists fields the file holds beyond Columns (XML elements, JSON keys);
	// complete once Next has returned io.EOF.
	Extra() []string
	Close() error
}

// RowError is a row that cannot be read; the rest of the file can.
type RowError struct {
	Line   int
	Column string // empty: the row as a whole
	Reason string // German, for staff
}

func (e *RowError) Error() string {
	if e.Column != "" {
		return fmt.Sprintf("Zeile %d, Spalte %s: %s", e.Line, e.Column, e.Reason)
	}
	return fmt.Sprintf("Zeile %d: %s", e.Line, e.Reason)
}

// FileError is a file that cannot be read as a whole: it goes to quarantine.
type FileError struct {
	Line     int    // 0: not tied to a line
	Reason   string // German, for staff
	Encoding bool   // the file is in another text encoding than its export's
	// Found, where set, says the file holds other data than the export's: the names it
	// uses instead (an XML document's root element). Names, never values.
	Found []string
	// Detail is a library's own (English) words on the fault, for the log only.
	Detail string
}

// Matcher is a reader of self-describing records (JSON Lines, XML) that knows whether
// any record held one of the fields asked for: a file none of whose records does is
// another kind of data, not a file of bad rows.
type Matcher interface {
	Matched() int // records that held at least one of Columns
}

// maxExtra bounds the names a reader collects for Extra: a file of a million made-up
// keys must not make a list of them.
const maxExtra = 100

// maxExtraName bounds a name recorded for Extra, in bytes: a JSON key or an XML name
// may be megabytes long (the manifest keeps 100 bytes of a name, too).
const maxExtraName = 100

// addExtra records a name for Extra while there is room: cut to maxExtraName bytes and
// copied, so that it does not keep the line it was read from.
func addExtra(extra map[string]bool, name string) {
	if len(name) > maxExtraName {
		cut := maxExtraName - len("…")
		for cut > 0 && !utf8.RuneStart(name[cut]) {
			cut--
		}
		name = name[:cut] + "…"
	}
	if len(extra) < maxExtra && !extra[name] {
		extra[strings.Clone(name)] = true
	}
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("Zeile %d: %s", e.Line, e.Reason)
	}
	return e.Reason
}
