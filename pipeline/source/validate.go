package source

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"ipoint/pipeline"
	"ipoint/pipeline/protect"
	"ipoint/pipeline/read"
)

// Kinds of findings. The row kinds name the "Known dirt" of sources.md; the file kinds
// say why a file went to quarantine.
const (
	KindInvalidDate   = "invalid_date"
	KindUnknownCode   = "unknown_code"
	KindBadIdentifier = "bad_identifier"
	KindOutsideKreis  = "gemeinde_outside_kreis"
	KindDuplicateKey  = "duplicate_key"
	KindMissingReason = "missing_abgangsgrund"
	KindTruncatedRow  = "truncated_row"
	KindOrphan        = "orphan"
	KindTextDate      = "text_date"
	KindThousands     = "thousands_separator"
	KindMissingValue  = "missing_value"
	KindInvalidNumber = "invalid_number"
	KindInvalidValue  = "invalid_value"
	KindUnreadableRow = "unreadable_row"
	KindInconsistent  = "inconsistent"
	KindTooLong       = "value_too_long"

	KindMissingColumn   = "missing_column"
	KindDuplicateColumn = "duplicate_column"
	KindWrongHeader     = "wrong_header"
	KindBadEncoding     = "bad_encoding"
	KindTooManyRejects  = "too_many_rejects"
	KindUnreadable      = "unreadable"
	KindBadName         = "bad_name"
	KindWrongFormat     = "wrong_format"
	KindForeignTable    = "foreign_table"
)

// Removed stands for a personal value a finding must not show.
const Removed = "(entfernt)"

// RowContext is one row under validation: the raw text per contract column and, once
// valid, the typed values. Rules read it.
type RowContext struct {
	e     *Export
	File  string
	Line  int
	raw   []string
	val   []pipeline.Value
	ok    []bool
	pz    *protect.Pseudonymizer
	Kreis string // the file's Kreis, where its name carries one
}

// Raw returns the delivered text of a column.
func (r *RowContext) Raw(name string) string {
	i, _ := r.e.Column(name)
	return r.raw[i]
}

// Value returns the typed value of a column.
func (r *RowContext) Value(name string) pipeline.Value {
	i, _ := r.e.Column(name)
	return r.val[i]
}

// Set replaces the typed value of a column (a rule that completes a value).
func (r *RowContext) Set(name string, v pipeline.Value) {
	i, _ := r.e.Column(name)
	r.val[i] = v
}

// Finding makes a finding on a column of this row. Its value is what show allows of the
// column's text; reason must not quote the text (see Shown).
func (r *RowContext) Finding(column, kind string, rejected bool, reason string) *pipeline.Finding {
	return r.finding(column, kind, rejected, func(shown) string { return reason })
}

// finding makes a finding whose value and reason are made from what show allows of the
// column's text.
func (r *RowContext) finding(column, kind string, rejected bool, reason func(shown) string) *pipeline.Finding {
	var s shown
	if i, ok := r.e.Column(column); ok {
		s = show(r.pz, &r.e.Columns[i], r.raw[i])
	}
	return &pipeline.Finding{File: r.File, Line: r.Line, Column: column, Kind: kind, Rejected: rejected, Reason: reason(s), Value: s.value}
}

// MaxValue is the longest cell, in characters, any export may deliver: the contract's
// longest field (a provider's name, a legal basis) is far below it. A longer cell is
// rejected with its length; it never reaches the lake, a finding or a reason.
const MaxValue = 1000

// Validator validates the rows of one file.
type Validator struct {
	b     *Binding
	file  string
	kreis string
	pz    *protect.Pseudonymizer
	codes []map[string]bool
	ctx   RowContext
	// full is the record Row returns where each column has an output field: the row's
	// line (a delta's source_line), then ctx.val itself, so that the values are not
	// copied once more. nil otherwise.
	full pipeline.Record
}

// NewValidator returns a validator for the rows of file, bound by b.
func (b *Binding) NewValidator(file, kreis string, pz *protect.Pseudonymizer) *Validator {
	e := b.e
	v := &Validator{b: b, file: file, kreis: kreis, pz: pz, codes: make([]map[string]bool, len(e.Columns))}
	for i, c := range e.Columns {
		if len(c.Codes) > 0 {
			v.codes[i] = map[string]bool{}
			for _, k := range c.Codes {
				v.codes[i][k] = true
			}
		}
	}
	val := make([]pipeline.Value, len(e.Columns))
	direct := true
	for _, c := range e.Columns {
		direct = direct && c.Out != ""
	}
	if direct {
		lead := 0
		if !e.Snapshot {
			lead = 1
		}
		v.full = make(pipeline.Record, lead+len(e.Columns))
		val = v.full[lead:]
	}
	v.ctx = RowContext{e: e, File: file, raw: make([]string, len(e.Columns)), val: val,
		ok: make([]bool, len(e.Columns)), pz: pz, Kreis: kreis}
	return v
}

// ReadError turns a reader's row error into a finding.
func (v *Validator) ReadError(err error) (pipeline.Finding, bool) {
	var re *read.RowError
	if !errors.As(err, &re) {
		return pipeline.Finding{}, false
	}
	kind := KindUnreadableRow
	if strings.HasPrefix(re.Reason, "Zeile abgeschnitten") {
		kind = KindTruncatedRow
	}
	return pipeline.Finding{File: v.file, Line: re.Line, Column: re.Column, Kind: kind, Rejected: true, Reason: re.Reason}, true
}

// Row validates one row. It returns the record (nil if the row is rejected) and
// appends the row's findings to findings. The record holds until the next call: it is
// rec, or where each column has an output field the validator's own.
func (v *Validator) Row(row *read.Row, rec pipeline.Record, findings []pipeline.Finding) (pipeline.Record, []pipeline.Finding) {
	e, ctx := v.b.e, &v.ctx
	ctx.Line = row.Line
	rejected := false
	for i := range e.Columns {
		raw := ""
		if j := v.b.index[i]; j >= 0 && j < len(row.Fields) {
			raw = trimSpace(row.Fields[j])
		}
		ctx.raw[i] = raw
		f := v.cell(i, &e.Columns[i], raw, &ctx.val[i])
		ctx.ok[i] = f == nil
		if f != nil {
			findings = append(findings, *f)
			if f.Rejected {
				rejected = true
			} else {
				ctx.ok[i] = true
			}
		}
	}
	for _, n := range row.Notes {
		if n.Kind != read.NoteTextDate {
			continue
		}
		for i := range e.Columns {
			if v.b.index[i] == n.Column && ctx.ok[i] {
				findings = append(findings, *ctx.Finding(e.Columns[i].Name, KindTextDate, false, "Datum als Text statt als Excel-Datum erfasst"))
			}
		}
	}
	if !rejected {
		for _, rule := range e.Rules {
			if f := rule(ctx); f != nil {
				findings = append(findings, *f)
				rejected = rejected || f.Rejected
			}
		}
	}
	if rejected {
		return nil, findings
	}
	if v.full != nil {
		if !e.Snapshot {
			v.full[0] = pipeline.Value{I: int64(row.Line)}
		}
		return v.full, findings
	}
	rec = rec[:0]
	if !e.Snapshot {
		rec = append(rec, pipeline.Value{I: int64(row.Line)})
	}
	for i := range e.Columns {
		if e.Columns[i].Out != "" {
			rec = append(rec, ctx.val[i])
		}
	}
	return rec, findings
}

// trimSpace is strings.TrimSpace, without the call for the common cell that neither
// starts nor ends with a space: white space, ASCII or not, starts with a byte up to ' '
// or from 0x80 on, and ends with one.
func trimSpace(s string) string {
	if n := len(s); n == 0 || s[0] > ' ' && s[0] < 0x80 && s[n-1] > ' ' && s[n-1] < 0x80 {
		return s
	}
	return strings.TrimSpace(s)
}

// cell parses one cell into *out; a nil finding means valid.
func (v *Validator) cell(i int, c *Column, raw string, out *pipeline.Value) *pipeline.Finding {
	val, f := v.parse(i, c, raw)
	*out = val
	return f
}

// parse parses one cell; a nil finding means valid.
func (v *Validator) parse(i int, c *Column, raw string) (pipeline.Value, *pipeline.Finding) {
	ctx := &v.ctx
	if raw == "" {
		if c.Required {
			return pipeline.Value{Null: true}, ctx.Finding(c.Name, KindMissingValue, true, "Pflichtfeld leer")
		}
		return pipeline.Value{Null: true}, nil
	}
	if len(raw) > MaxValue {
		if n := utf8.RuneCountInString(raw); n > MaxValue {
			// Nothing of the text is shown, not even its kinds of characters: its length is the finding.
			return pipeline.Value{Null: true}, &pipeline.Finding{File: ctx.File, Line: ctx.Line, Column: c.Name, Kind: KindTooLong, Rejected: true,
				Reason: fmt.Sprintf("Wert zu lang (%d Zeichen, höchstens %d)", n, MaxValue)}
		}
	}
	// bad rejects the cell: what says what is wrong, and the reason adds what show allows
	// of the text.
	bad := func(kind, what string) (pipeline.Value, *pipeline.Finding) {
		return pipeline.Value{Null: true}, ctx.finding(c.Name, kind, true, func(s shown) string { return s.reason(what) })
	}
	switch c.Type {
	case Text:
		return pipeline.Value{S: raw}, nil
	case Drop:
		return pipeline.Value{Null: true}, nil
	case Code:
		if !v.codes[i][raw] {
			return bad(KindUnknownCode, "unbekannter Schlüssel")
		}
		return pipeline.Value{S: raw}, nil
	case Date:
		if d, ok := germanDate(raw); ok {
			return pipeline.Value{I: d}, nil
		}
		return bad(KindInvalidDate, "kein gültiges Datum TT.MM.JJJJ")
	case ISODate:
		if d, ok := isoDate(raw); ok {
			return pipeline.Value{I: d}, nil
		}
		return bad(KindInvalidDate, "kein gültiges Datum JJJJ-MM-TT")
	case BirthDate:
		if y, ok := birthYear(raw); ok {
			return pipeline.Value{I: y}, nil
		}
		return bad(KindInvalidDate, "kein gültiges Geburtsdatum TT.MM.JJJJ (00 für unbekannten Tag oder Monat)")
	case Kundennummer, BGNummer, AZRNummer, Betriebsnummer:
		if !validIdentifier(c.Type, raw) {
			return bad(KindBadIdentifier, "Kennung hat nicht die vorgeschriebene Form")
		}
		return pipeline.Value{S: v.pz.Token(c.Type.tokenKind(), raw)}, nil
	case RecordID:
		if c.Valid != nil && !c.Valid(raw) {
			return bad(KindBadIdentifier, "Kennung hat nicht die vorgeschriebene Form")
		}
		return pipeline.Value{S: v.b.e.RecordToken(v.pz, raw)}, nil
	case Form:
		if c.Valid != nil && !c.Valid(raw) {
			return bad(KindInvalidValue, "Wert hat nicht die vorgeschriebene Form")
		}
		return pipeline.Value{S: raw}, nil
	case Decimal:
		if f, ok := decimalComma(raw); ok {
			return pipeline.Value{F: f}, nil
		}
		return bad(KindInvalidNumber, "keine Zahl mit Dezimalkomma")
	case Money:
		f, dots, ok := money(raw)
		if !ok {
			return bad(KindInvalidNumber, "kein Betrag wie 2150,00")
		}
		if dots {
			return pipeline.Value{F: f}, ctx.Finding(c.Name, KindThousands, false, "Betrag mit Tausenderpunkten")
		}
		return pipeline.Value{F: f}, nil
	case Integer:
		n, err := strconv.ParseInt(raw, 10, 32)
		if err != nil {
			return bad(KindInvalidNumber, "keine ganze Zahl")
		}
		return pipeline.Value{I: n}, nil
	case YesNo:
		switch raw {
		case "J":
			return pipeline.Value{I: 1}, nil
		case "N":
			return pipeline.Value{I: 0}, nil
		}
		return bad(KindUnknownCode, "J oder N erwartet")
	case Count:
		switch raw {
		case "-":
			return pipeline.Value{I: 0}, nil
		case ".", "x", "/", "...":
			return pipeline.Value{Null: true}, nil
		}
		if !digits(raw) || len(raw) > 9 {
			return bad(KindInvalidNumber, "keine Anzahl und kein Zeichen (-, .)")
		}
		n, _ := strconv.ParseInt(raw, 10, 64)
		return pipeline.Value{I: n}, nil
	case WZ2008:
		if !isWZ2008(raw) {
			return bad(KindInvalidValue, "kein Wirtschaftszweig NN.NN oder NN")
		}
		return pipeline.Value{S: raw}, nil
	}
	return pipeline.Value{S: raw}, nil
}

func validIdentifier(t Type, s string) bool {
	switch t {
	case Kundennummer:
		return isKundennummer(s)
	case BGNummer:
		return isBGNummer(s)
	case AZRNummer:
		return isAZRNummer(s)
	case Betriebsnummer:
		return isBetriebsnummer(s)
	}
	return false
}

// RejectedKreis is the Kreis whose total a rejected row of an aggregate table
// (Export.AggregateKreis) counted for: its Kreis cell where that was valid and the row
// does not contradict it (a Gemeinde outside the Kreis); "" where the row does not say
// for sure, which makes every Kreis's total unknown.
func (v *Validator) RejectedKreis(row []pipeline.Finding) string {
	e := v.b.e
	i, ok := e.Column(e.AggregateKreis)
	if !ok || v.b.index[i] < 0 || !v.ctx.ok[i] {
		return ""
	}
	for _, f := range row {
		if f.Kind == KindOutsideKreis {
			return ""
		}
	}
	return v.ctx.val[i].S
}

// Token returns the value of column i of the last valid row (a token for identifiers).
func (v *Validator) Token(i int) string { return v.ctx.val[i].S }

// Valid reports whether column i of the last row was valid.
func (v *Validator) Valid(i int) bool { return i >= 0 && v.ctx.ok[i] }
