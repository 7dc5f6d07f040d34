// Package source holds the contracts of the agencies' exports (sources.md): for each
// export its file names, format, columns, types, code lists and rules, declared once,
// and the validation that follows from them. A valid row becomes a typed, pseudonymised
// record; an invalid one a finding with file, line, column and reason.
package source

import (
	"fmt"
	"regexp"
	"strings"

	"ipoint/pipeline"
	"ipoint/pipeline/protect"
	"ipoint/pipeline/read"
)

// Format is the file format of an export.
type Format int

const (
	CSV Format = iota
	XLSX
	XML
	JSONL
	StatTable
	Genesis // a GENESIS flat file (Destatis' ffcsv), long format, one line per cell
)

// Type is a column's type in the contract.
type Type int

const (
	Text           Type = iota // kept as delivered (trimmed)
	Drop                       // personal data the lake never holds (names)
	Code                       // one of Column.Codes
	Date                       // TT.MM.JJJJ
	ISODate                    // JJJJ-MM-TT
	BirthDate                  // TT.MM.JJJJ, 00 allowed for day and month; only the year is kept
	Kundennummer               // identifier, stored as a token
	BGNummer                   // identifier, stored as a token
	AZRNummer                  // identifier, stored as a token
	Betriebsnummer             // identifier, stored as a token
	RecordID                   // an agency's record id, stored as a token (protect.RecordToken); Column.Valid, where set, is its form
	Form                       // a value of a fixed form that is not personal (Column.Valid), kept: e.g. an AGS
	Decimal                    // decimal comma: 37,5
	Money                      // euros, decimal comma, thousands dots allowed: 2.150,00
	Integer                    // whole number
	YesNo                      // J or N
	Count                      // statistics count: digits, "-" none, "." unknown or withheld
	WZ2008                     // economic sector NN.NN or NN
)

// Column is one column of an export, as the contract names it.
type Column struct {
	Name     string // in the file
	Out      string // in the lake; empty for Drop
	Type     Type
	Required bool
	Codes    []string          // for Code
	Valid    func(string) bool // for RecordID and Form
	Key      bool              // the key of a snapshot
}

// Export is the contract of one export.
type Export struct {
	Name     string // e.g. "arbeitsaufnahmen"; also the lake's partition name
	Title    string // German
	Pattern  *regexp.Regexp
	Monthly  bool // the file name carries JJJJMM; the Stichtag is the month's last day
	Yearly   bool // the file name carries JJJJMMTT, always a 31.12.: the Stichtag is the year's end
	Snapshot bool // a full snapshot: the lake keeps a history, not every delivery
	Format   Format
	Encoding read.Encoding
	Sheet    string        // XLSX
	Root     string        // XML
	Record   string        // XML
	Columns  []Column      // in the contract's order
	Rules    []Rule        // cross-column rules, checked once every column is valid
	Order    int           // ingest order within a Stichtag: the client master first
	Genesis  *GenesisTable // Genesis: the table a delivery must be
	// AggregateKreis marks a table of counts without persons: a row of it that is
	// rejected makes the total of its Kreis unknown (it may have held any number), so the
	// ingest records rejected rows per Kreis. It names the column of the row's Kreis.
	AggregateKreis string
}

// GenesisTable is the GENESIS table an export is a flat file of.
type GenesisTable struct {
	Statistic string   // statistics_code, e.g. 12531
	Label     string   // the statistic's name, e.g. Statistik über Schutzsuchende
	Table     string   // the table's code, e.g. 12531-0043 (the file does not carry it: for staff)
	Variables []string // the table's dimensions by variable code
	Value     string   // the value variable, e.g. BEV030
}

// Rule checks a valid row as a whole; it returns a finding or nil.
type Rule func(r *RowContext) *pipeline.Finding

// Fields returns the lake columns of the export, with source_line first for deltas.
func (e *Export) Fields() []pipeline.Field {
	var f []pipeline.Field
	if !e.Snapshot {
		f = append(f, pipeline.Field{Name: "source_line", Type: pipeline.Int32})
	}
	for _, c := range e.Columns {
		if c.Out == "" {
			continue
		}
		f = append(f, pipeline.Field{Name: c.Out, Type: c.Type.fieldType(), Optional: !c.Required || c.Type == Count,
			Dict: c.Type == Code || c.Type == WZ2008 || c.Type == Text && !c.Key})
	}
	return f
}

func (t Type) fieldType() pipeline.FieldType {
	switch t {
	case Date, ISODate:
		return pipeline.Date
	case BirthDate, Integer, Count:
		return pipeline.Int32
	case Decimal, Money:
		return pipeline.Double
	case YesNo:
		return pipeline.Bool
	}
	return pipeline.String
}

func (t Type) tokenKind() protect.Kind {
	switch t {
	case Kundennummer:
		return protect.Kunde
	case BGNummer:
		return protect.BG
	case AZRNummer:
		return protect.AZR
	case Betriebsnummer:
		return protect.Betrieb
	}
	return protect.Value
}

// RecordToken returns the token an agency's record id of this export is stored as: the
// ingest and an erasure, which matches raw rows to the lake's, make it here alone.
func (e *Export) RecordToken(pz *protect.Pseudonymizer, id string) string {
	return pz.RecordToken(e.Name, id)
}

// Column returns the contract column by name.
func (e *Export) Column(name string) (int, bool) {
	for i, c := range e.Columns {
		if c.Name == name {
			return i, true
		}
	}
	return -1, false
}

// KeyColumn returns the index of a snapshot's key column.
func (e *Export) KeyColumn() int {
	for i, c := range e.Columns {
		if c.Key {
			return i
		}
	}
	return -1
}

// HeaderProblem says why a header cannot be read as this export's: the file goes to
// quarantine with Kind missing_column or wrong_header.
type HeaderProblem struct {
	Kind   string
	Reason string
}

func (h *HeaderProblem) Error() string { return h.Reason }

// Binding maps a file's columns to the contract.
type Binding struct {
	e      *Export
	index  []int    // per contract column: the file's column, -1 if absent (optional)
	Extra  []string // the file's columns the contract does not know: ignored, reported
	header []string
}

// Bind checks a header against the contract. A required column missing makes the file
// unreadable as this export; an optional one missing is read as empty.
func (e *Export) Bind(header []string) (*Binding, error) {
	b := &Binding{e: e, index: make([]int, len(e.Columns)), header: header}
	pos := map[string]int{}
	var twice []string // contract columns the header names more than once, with where
	for i, h := range header {
		h = strings.TrimSpace(h)
		if j, ok := pos[h]; ok {
			if _, known := e.Column(h); known {
				twice = append(twice, fmt.Sprintf("%s (Spalten %d und %d)", h, j+1, i+1))
			}
			continue // the first stays bound, for the reasons below
		}
		pos[h] = i
	}
	known, missing := 0, []string{}
	for i, c := range e.Columns {
		j, ok := pos[c.Name]
		b.index[i] = -1
		if ok {
			b.index[i] = j
			known++
			delete(pos, c.Name)
		} else if c.Required {
			missing = append(missing, c.Name)
		}
	}
	for _, h := range header {
		if _, ok := pos[strings.TrimSpace(h)]; ok {
			b.Extra = append(b.Extra, strings.TrimSpace(h))
		}
	}
	switch {
	case known*2 < len(e.Columns):
		return nil, e.Foreign(header, known)
	case len(missing) > 0:
		return nil, &HeaderProblem{Kind: KindMissingColumn, Reason: "Pflichtspalte fehlt: " + strings.Join(missing, ", ")}
	case len(twice) > 0:
		// Which of the two holds the column's values cannot be told: the export's format
		// has changed.
		return nil, &HeaderProblem{Kind: KindDuplicateColumn, Reason: "Spalte mehrfach in der Kopfzeile: " + strings.Join(twice, ", ") +
			"; welche die Werte enthält, ist nicht zu erkennen: das Exportformat hat sich vermutlich geändert"}
	}
	return b, nil
}

// Expected says what a delivery of the export holds, for a reason that tells staff
// what was expected: the header line, the JSON keys, or the XML elements.
func (e *Export) Expected() string {
	switch e.Format {
	case JSONL:
		return "JSON-Objekte mit den Feldern " + strings.Join(e.ColumnNames(), ", ")
	case XML:
		var names []string
		for _, c := range e.ColumnNames() {
			if strings.HasPrefix(c, "@") {
				continue
			}
			names = append(names, "<"+c+">")
		}
		return fmt.Sprintf("Wurzelelement <%s> mit Elementen <%s> aus %s", e.Root, e.Record, strings.Join(names, ", "))
	case XLSX:
		return fmt.Sprintf("Tabellenblatt %q mit der Kopfzeile %s", e.Sheet, strings.Join(e.ColumnNames(), ";"))
	case Genesis:
		g := e.Genesis
		return fmt.Sprintf("die GENESIS-Tabelle %s im Flatfile-Format (ffcsv): Statistik %s (%s), Merkmale %s, Wert %s",
			g.Table, g.Statistic, g.Label, strings.Join(g.Variables, ", "), g.Value)
	}
	return "die Kopfzeile " + strings.Join(e.ColumnNames(), ";")
}

// Foreign is the header problem of a delivery that holds another export's or another
// kind of data: the names it uses for its columns (a header, JSON keys, XML elements)
// share known of the contract's. The reason names what is expected and, as far as
// ShownNames allows, what was found.
func (e *Export) Foreign(found []string, known int) *HeaderProblem {
	what := "die Spalten der Kopfzeile"
	switch e.Format {
	case Genesis:
		return &HeaderProblem{Kind: KindWrongHeader, Reason: fmt.Sprintf(
			"die Kopfzeile ist keine einer GENESIS-Tabelle im Flatfile-Format (Lieferung %s); erwartet: %s; gefunden: %s",
			e.Title, e.Expected(), ShownNames(found))}
	case JSONL:
		what = "die Felder der JSON-Objekte"
	case XML:
		what = "die Elemente des Dokuments"
	}
	return &HeaderProblem{Kind: KindWrongHeader, Reason: fmt.Sprintf(
		"%s gehören nicht zur Lieferung %s (%d von %d Spalten bekannt); erwartet: %s; gefunden: %s",
		what, e.Title, known, len(e.Columns), e.Expected(), ShownNames(found))}
}

// ForeignTable is the header problem of a GENESIS flat file of another table than the
// export's: it names the table found (statistic, dimensions and value, with their
// labels as far as they look like names) and the one expected.
func (e *Export) ForeignTable(found read.GenesisTable) *HeaderProblem {
	const most = 8
	var vars []string
	for i, v := range found.Variables {
		if i == most {
			vars = append(vars, fmt.Sprintf("… und %d weitere", len(found.Variables)-most))
			break
		}
		vars = append(vars, shownGenesis(v))
	}
	merkmale := "keinen Merkmalen"
	if len(vars) > 0 {
		merkmale = "den Merkmalen " + strings.Join(vars, ", ")
	}
	return &HeaderProblem{Kind: KindForeignTable, Reason: fmt.Sprintf(
		"die Datei ist eine andere GENESIS-Tabelle: gefunden Statistik %s mit %s, Wert %s; erwartet: %s",
		shownGenesis(found.Statistic), merkmale, shownGenesis(found.Value), e.Expected())}
}

// shownGenesis is a GENESIS code with its label as a reason may say them: the code if it
// has a code's form, the label if it looks like a name.
func shownGenesis(v read.GenesisVariable) string {
	code := "(kein Schlüssel)"
	if genesisCode.MatchString(v.Code) {
		code = v.Code
	}
	if l := strings.TrimSpace(v.Label); l != "" && nameLike(l) {
		return code + " (" + pipeline.Clip(l, 60) + ")"
	}
	return code
}

var genesisCode = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,19}$`)

// ColumnNames returns the contract's column names in order.
func (e *Export) ColumnNames() []string {
	out := make([]string, len(e.Columns))
	for i, c := range e.Columns {
		out[i] = c.Name
	}
	return out
}

// Header returns the header the binding was made from.
func (b *Binding) Header() []string { return b.header }
