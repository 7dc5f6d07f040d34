package read

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// A GENESIS flat file ("ffcsv") is how the Statistisches Bundesamt's database GENESIS
// delivers a table: UTF-8 (with a byte-order mark), ';', one header line, then one line
// per cell in long format:
//
//	statistics_code;statistics_label;time_code;time_label;time;
//	1_variable_code;1_variable_label;1_variable_attribute_code;1_variable_attribute_label;
//	… one such block of four per dimension of the table (two to four, by table) …
//	value;value_unit;value_variable_code;value_variable_label
//
// Every line repeats the statistic, the time and the dimensions' codes; the table's
// identity is what its lines say. The reader turns the blocks into named columns, one
// pair per dimension (the attribute's code under the variable's code, its label under
// "<code>_label"), then "value", and checks that the file is the table asked for.

// GenesisOptions describe the GENESIS table a file must be.
type GenesisOptions struct {
	Encoding  Encoding
	Statistic string   // the statistics_code every line carries, e.g. "12531"
	Variables []string // the table's dimensions by variable code, e.g. KREISE, SCHST2, GES, STAAG5
	Value     string   // the value variable, e.g. "BEV030"
}

// GenesisVariable is a variable as a GENESIS file names it.
type GenesisVariable struct{ Code, Label string }

// GenesisTable is what a GENESIS flat file says of itself in its first readable line.
type GenesisTable struct {
	Statistic GenesisVariable   // statistics_code and statistics_label
	Variables []GenesisVariable // the dimensions, in the file's order
	Value     GenesisVariable   // value_variable_code and value_variable_label
	Time      string            // the time, e.g. 2024-12-31
}

// ForeignTableError is a GENESIS flat file of another table than the one asked for:
// another statistic, other dimensions or another value. Found is the table the file
// holds (its names only, never a cell's value).
type ForeignTableError struct {
	Line  int
	Found GenesisTable
}

func (e *ForeignTableError) Error() string {
	return fmt.Sprintf("Zeile %d: die Datei ist eine andere GENESIS-Tabelle (Statistik %q)", e.Line, e.Found.Statistic.Code)
}

var (
	genesisHead = []string{"statistics_code", "statistics_label", "time_code", "time_label", "time"}
	genesisTail = []string{"value", "value_unit", "value_variable_code", "value_variable_label"}
	genesisPart = []string{"variable_code", "variable_label", "variable_attribute_code", "variable_attribute_label"}
)

// genesisHeaderReason is why a header is no GENESIS flat file's header; it begins as
// every reader's reason for a missing header does.
const genesisHeaderReason = "keine Kopfzeile einer GENESIS-Tabelle im Flatfile-Format (statistics_code;statistics_label;time_code;time_label;time;1_variable_code;…;value;value_unit;value_variable_code;value_variable_label)"

type genesisReader struct {
	c       *csvReader
	opt     GenesisOptions
	header  []string // the file's
	blocks  int      // dimension blocks in the header
	columns []string // what the reader yields
	extra   []string // header columns after the value block: ignored, reported
	table   GenesisTable
	known   bool  // table was read from a line
	block   []int // per asked variable: its block in the file
	pending []pendingRow
	slab    []string
}

type pendingRow struct {
	row *Row
	err error
}

// NewGenesis reads the header and the first readable line, which says which table the
// file is: a file of another table is a *ForeignTableError; a header that is no GENESIS
// flat file's is a *FileError. A file with a header and no lines has no rows.
func NewGenesis(r io.Reader, opt GenesisOptions) (Reader, error) {
	c := newCSVReader(r, opt.Encoding, ';', 256<<10)
	if err := textStart(c.br, opt.Encoding); err != nil {
		return nil, err
	}
	g := &genesisReader{c: c, opt: opt}
	for {
		raw, start, _, err := c.record()
		if err == io.EOF {
			return nil, &FileError{Reason: genesisHeaderReason}
		}
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		fields, err := c.split(raw, start)
		if err != nil {
			if _, ok := err.(*FileError); ok {
				return nil, err
			}
			return nil, &FileError{Line: start, Reason: genesisHeaderReason}
		}
		if len(fields) == 1 && c.otherSeparator(raw, start) != 0 {
			return nil, &FileError{Line: start, Reason: fmt.Sprintf("Kopfzeile enthält kein Trennzeichen ';', aber %q: falsches Trennzeichen", c.otherSeparator(raw, start))}
		}
		if !g.readHeader(fields) {
			return nil, &FileError{Line: start, Reason: genesisHeaderReason, Found: append([]string(nil), fields...)}
		}
		break
	}
	g.columns = make([]string, 0, 2*len(opt.Variables)+1)
	for _, v := range opt.Variables {
		g.columns = append(g.columns, v, v+"_label")
	}
	g.columns = append(g.columns, "value")
	// The first readable line names the table; lines before it that cannot be read
	// are rows of their own, returned first.
	for !g.known {
		row, err := g.line()
		if err == io.EOF {
			break
		}
		if err == nil && row == nil { // a blank line
			continue
		}
		if _, ok := err.(*RowError); ok {
			g.pending = append(g.pending, pendingRow{nil, err})
			continue
		}
		if err != nil {
			return nil, err
		}
		if ferr := g.identify(row); ferr != nil {
			return nil, ferr
		}
		r, rerr := g.project(row)
		g.pending = append(g.pending, pendingRow{r, rerr})
	}
	return g, nil
}

// readHeader checks the header's shape and counts its dimension blocks.
func (g *genesisReader) readHeader(fields []string) bool {
	h := make([]string, len(fields))
	for i, f := range fields {
		h[i] = strings.TrimSpace(f)
	}
	if len(h) < len(genesisHead)+len(genesisTail) {
		return false
	}
	for i, n := range genesisHead {
		if h[i] != n {
			return false
		}
	}
	at := len(genesisHead)
	for b := 1; at+4 <= len(h) && h[at] == strconv.Itoa(b)+"_"+genesisPart[0]; b++ {
		for j, p := range genesisPart {
			if h[at+j] != strconv.Itoa(b)+"_"+p {
				return false
			}
		}
		at += 4
		g.blocks = b
	}
	if g.blocks == 0 || at+len(genesisTail) > len(h) {
		return false
	}
	for j, n := range genesisTail {
		if h[at+j] != n {
			return false
		}
	}
	g.header = h
	if rest := h[at+len(genesisTail):]; len(rest) > 0 {
		g.extra = append([]string(nil), rest...)
	}
	return true
}

// line reads the next line's fields: nil and nil for a blank line.
func (g *genesisReader) line() (*Row, error) {
	raw, start, terminated, err := g.c.record()
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		if terminated {
			return nil, nil
		}
		return nil, io.EOF
	}
	if !terminated {
		return nil, &RowError{Line: start, Reason: "Zeile abgeschnitten: kein Zeilenende am Dateiende"}
	}
	fields, err := g.c.split(raw, start)
	if err != nil {
		return nil, err
	}
	if len(fields) != len(g.header) {
		return nil, &RowError{Line: start, Reason: fmt.Sprintf("%d Felder statt %d", len(fields), len(g.header))}
	}
	return &Row{Line: start, Fields: fields}, nil
}

// identify reads the table from its first readable line and compares it with the one
// asked for.
func (g *genesisReader) identify(row *Row) error {
	f := row.Fields
	t := GenesisTable{Statistic: GenesisVariable{strings.TrimSpace(f[0]), strings.TrimSpace(f[1])}, Time: strings.TrimSpace(f[4])}
	for b := 0; b < g.blocks; b++ {
		at := len(genesisHead) + 4*b
		t.Variables = append(t.Variables, GenesisVariable{strings.TrimSpace(f[at]), strings.TrimSpace(f[at+1])})
	}
	at := len(genesisHead) + 4*g.blocks
	t.Value = GenesisVariable{strings.TrimSpace(f[at+2]), strings.TrimSpace(f[at+3])}
	g.table, g.known = t, true
	foreign := t.Statistic.Code != g.opt.Statistic || t.Value.Code != g.opt.Value || len(t.Variables) != len(g.opt.Variables)
	g.block = make([]int, len(g.opt.Variables))
	for i, v := range g.opt.Variables {
		g.block[i] = -1
		for b, fv := range t.Variables {
			if fv.Code == v {
				g.block[i] = b
			}
		}
		foreign = foreign || g.block[i] < 0
	}
	if foreign {
		return &ForeignTableError{Line: row.Line, Found: t}
	}
	return nil
}

// Table returns what the file's first readable line said of the table (zero if the
// file has no readable line).
func (g *genesisReader) Table() GenesisTable { return g.table }

// project checks a line against the table and returns its named columns.
func (g *genesisReader) project(row *Row) (*Row, error) {
	f := row.Fields
	bad := func(column, reason string) (*Row, error) {
		return nil, &RowError{Line: row.Line, Column: column, Reason: reason}
	}
	if s := strings.TrimSpace(f[0]); s != g.table.Statistic.Code {
		return bad("statistics_code", "Zeile einer anderen Statistik ("+genesisCode(s)+" statt "+g.table.Statistic.Code+")")
	}
	if s := strings.TrimSpace(f[4]); s != g.table.Time {
		return bad("time", "anderer Stichtag ("+genesisTime(s)+") als in der ersten Zeile ("+genesisTime(g.table.Time)+")")
	}
	for b, v := range g.table.Variables {
		name := strconv.Itoa(b+1) + "_" + genesisPart[0]
		if s := strings.TrimSpace(f[len(genesisHead)+4*b]); s != v.Code {
			return bad(name, "anderes Merkmal ("+genesisCode(s)+" statt "+v.Code+") als in der ersten Zeile")
		}
	}
	at := len(genesisHead) + 4*g.blocks
	if s := strings.TrimSpace(f[at+2]); s != g.table.Value.Code {
		return bad("value_variable_code", "anderer Wert ("+genesisCode(s)+" statt "+g.table.Value.Code+") als in der ersten Zeile")
	}
	n := len(g.columns)
	if len(g.slab) < n {
		g.slab = make([]string, max(n, 1024))
	}
	out := g.slab[:n:n]
	g.slab = g.slab[n:]
	for i, b := range g.block {
		at := len(genesisHead) + 4*b
		out[2*i], out[2*i+1] = f[at+2], f[at+3]
	}
	out[n-1] = f[at]
	return &Row{Line: row.Line, Fields: out}, nil
}

func (g *genesisReader) Next() (*Row, error) {
	if len(g.pending) > 0 {
		p := g.pending[0]
		g.pending = g.pending[1:]
		return p.row, p.err
	}
	for {
		row, err := g.line()
		if err != nil {
			return nil, err
		}
		if row == nil {
			continue
		}
		return g.project(row)
	}
}

func (g *genesisReader) Columns() []string { return g.columns }
func (g *genesisReader) Extra() []string   { return g.extra }
func (g *genesisReader) Close() error      { return g.c.Close() }

var (
	genesisCodeRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,19}$`)
	genesisTimeRe = regexp.MustCompile(`^\d{4}(-\d{2}-\d{2})?$`)
)

// genesisCode is a code from a line as a reason may say it: GENESIS codes are short
// letters and digits; anything else is not repeated.
func genesisCode(s string) string {
	if genesisCodeRe.MatchString(s) {
		return s
	}
	return "(kein Schlüssel)"
}

// genesisTime is a time from a line as a reason may say it.
func genesisTime(s string) string {
	if genesisTimeRe.MatchString(s) {
		return s
	}
	return "(kein Datum)"
}
