package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"ipoint/pipeline/civil"
)

// result is a query's answer, held (for \d and tests).
type result struct {
	cols  []string
	types []string
	rows  [][]any
}

func query(ctx context.Context, db *sql.DB, q string, args ...any) (*result, error) {
	res := &result{}
	_, err := streamQuery(ctx, db, q, args, res)
	return res, err
}

func (r *result) header(cols, types []string) error { r.cols, r.types = cols, types; return nil }
func (r *result) row(vals []any) error              { r.rows = append(r.rows, vals); return nil }
func (r *result) end() error                        { return nil }

// sink receives a query's result as DuckDB delivers it: a formatter writes each row out
// as it comes (only the aligned table needs all rows first).
type sink interface {
	header(cols, types []string) error
	row(vals []any) error
	end() error
}

// streamQuery runs q and hands its columns, DuckDB's type names and each row to out;
// it returns the number of rows.
func streamQuery(ctx context.Context, db *sql.DB, q string, args []any, out sink) (int, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	cts, err := rows.ColumnTypes()
	if err != nil {
		return 0, err
	}
	types := make([]string, len(cts))
	for i, c := range cts {
		types[i] = c.DatabaseTypeName()
	}
	if err := out.header(cols, types); err != nil {
		return 0, err
	}
	n := 0
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		if err := out.row(vals); err != nil {
			return n, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	return n, out.end()
}

// nullText is how table and markdown output show NULL, distinct from the empty string
// (as DuckDB's own shell shows it); CSV leaves the field empty and quotes an empty
// string, JSON writes null.
const nullText = "NULL"

// text renders a value; german uses the decimal comma and TT.MM.JJJJ. A TIMESTAMPTZ is
// an instant and is shown in Berlin time with its offset; a TIMESTAMP (without zone)
// is a wall-clock time and is shown as it is stored.
func text(v any, typ string, german bool) string {
	switch x := v.(type) {
	case nil:
		return nullText
	case time.Time:
		switch {
		case typ == "DATE" && german:
			return x.Format("02.01.2006")
		case typ == "DATE":
			return x.Format("2006-01-02")
		case typ == "TIME":
			return x.Format("15:04:05.999999")
		}
		if typ == "TIMESTAMPTZ" {
			x = x.In(civil.Berlin)
			if !german {
				return x.Format("2006-01-02 15:04:05.999999-07:00")
			}
		}
		if german {
			return x.Format("02.01.2006 15:04:05")
		}
		return x.Format("2006-01-02 15:04:05.999999")
	case float64:
		s := strconv.FormatFloat(x, 'f', -1, 64)
		if german {
			s = strings.Replace(s, ".", ",", 1)
		}
		return s
	case float32:
		return text(float64(x), typ, german)
	case *big.Int:
		return x.String()
	case duckdb.Decimal:
		s := decimalText(x)
		if german {
			s = strings.Replace(s, ".", ",", 1)
		}
		return s
	case []byte:
		return fmt.Sprintf("%x", x)
	case []any:
		elem, _ := listElement(typ)
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = text(e, elem, german)
			if s, ok := e.(string); ok {
				parts[i] = "'" + strings.ReplaceAll(s, "'", "''") + "'"
			}
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	s := fmt.Sprint(v)
	if german && strings.HasPrefix(typ, "DECIMAL") {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// decimalText writes a DECIMAL with all of its scale's digits (12.50, not 12.5).
func decimalText(d duckdb.Decimal) string {
	if d.Value == nil {
		return nullText
	}
	digits := new(big.Int).Abs(d.Value).String()
	sign := ""
	if d.Value.Sign() < 0 {
		sign = "-"
	}
	if d.Scale == 0 {
		return sign + digits
	}
	if len(digits) <= int(d.Scale) {
		digits = strings.Repeat("0", int(d.Scale)-len(digits)+1) + digits
	}
	cut := len(digits) - int(d.Scale)
	return sign + digits[:cut] + "." + digits[cut:]
}

// listElement is the element type of a list (or array) type such as INTEGER[].
func listElement(typ string) (string, bool) {
	if !strings.HasSuffix(typ, "]") {
		return "", false
	}
	i := strings.LastIndexByte(typ, '[')
	if i <= 0 {
		return "", false
	}
	return typ[:i], true
}

// writeCSV writes one CSV record: NULL as an empty field, the empty string as "".
func writeCSV(w io.Writer, fields []string, nulls []bool, sep byte) error {
	var b strings.Builder
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(sep)
		}
		switch {
		case nulls != nil && nulls[i]:
		case f == "" || strings.ContainsAny(f, string(sep)+"\"\r\n") || strings.TrimSpace(f) != f:
			b.WriteString(`"` + strings.ReplaceAll(f, `"`, `""`) + `"`)
		default:
			b.WriteString(f)
		}
	}
	b.WriteByte('\n')
	_, err := io.WriteString(w, b.String())
	return err
}

// write formats a held result.
func (r *result) write(w io.Writer, format string) error {
	f := newFormatter(w, format)
	if err := f.header(r.cols, r.types); err != nil {
		return err
	}
	for _, row := range r.rows {
		if err := f.row(row); err != nil {
			return err
		}
	}
	return f.end()
}

// newFormatter writes a result in format (table, csv, csv-de, json, markdown,
// parquet) to w.
func newFormatter(w io.Writer, format string) sink {
	switch format {
	case "csv", "csv-de":
		return &csvOut{w: w, german: format == "csv-de"}
	case "json":
		return &jsonOut{w: w}
	case "markdown":
		return &markdownOut{w: w}
	case "parquet":
		return &parquetOut{w: w}
	}
	return &tableOut{w: w}
}

type csvOut struct {
	w      io.Writer
	german bool
	types  []string
}

func (c *csvOut) header(cols, types []string) error {
	c.types = types
	if c.german {
		io.WriteString(c.w, "\uFEFF") // Excel recognises UTF-8 by its BOM
	}
	return writeCSV(c.w, cols, nil, c.sep())
}

func (c *csvOut) sep() byte {
	if c.german {
		return ';'
	}
	return ','
}

func (c *csvOut) row(vals []any) error {
	rec := make([]string, len(vals))
	nulls := make([]bool, len(vals))
	for i, v := range vals {
		rec[i], nulls[i] = text(v, c.types[i], c.german), v == nil
	}
	return writeCSV(c.w, rec, nulls, c.sep())
}

func (c *csvOut) end() error { return nil }

// jsonOut writes an array of objects, one a line, the keys in the query's order.
type jsonOut struct {
	w     io.Writer
	keys  []string
	types []string
	n     int
}

func (j *jsonOut) header(cols, types []string) error {
	j.types = types
	for _, c := range cols {
		k, _ := json.Marshal(c)
		j.keys = append(j.keys, string(k))
	}
	_, err := io.WriteString(j.w, "[")
	return err
}

func (j *jsonOut) row(vals []any) error {
	var b strings.Builder
	if j.n > 0 {
		b.WriteString(",")
	}
	b.WriteString("\n  {")
	for i, v := range vals {
		if i > 0 {
			b.WriteString(", ")
		}
		val, err := json.Marshal(jsonValue(v, j.types[i]))
		if err != nil {
			return err
		}
		b.WriteString(j.keys[i] + ": ")
		b.Write(val)
	}
	b.WriteString("}")
	j.n++
	_, err := io.WriteString(j.w, b.String())
	return err
}

func (j *jsonOut) end() error {
	end := "\n]\n"
	if j.n == 0 {
		end = "]\n"
	}
	_, err := io.WriteString(j.w, end)
	return err
}

// jsonValue is v as JSON has it: numbers as numbers (DECIMAL and HUGEINT exactly),
// dates and times as text, an instant in Berlin time with its offset, lists as arrays.
func jsonValue(v any, typ string) any {
	switch x := v.(type) {
	case nil:
		return nil
	case time.Time:
		if typ == "TIMESTAMPTZ" {
			return x.In(civil.Berlin).Format(time.RFC3339Nano)
		}
		return text(x, typ, false)
	case *big.Int:
		return json.Number(x.String())
	case duckdb.Decimal:
		return json.Number(decimalText(x))
	case []any:
		elem, _ := listElement(typ)
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonValue(e, elem)
		}
		return out
	}
	return v
}

type markdownOut struct {
	w     io.Writer
	types []string
}

func (m *markdownOut) header(cols, types []string) error {
	m.types = types
	_, err := fmt.Fprintf(m.w, "| %s |\n|%s\n", strings.Join(cols, " | "), strings.Repeat(" --- |", len(cols)))
	return err
}

func (m *markdownOut) row(vals []any) error {
	cells := make([]string, len(vals))
	for i, v := range vals {
		cells[i] = strings.ReplaceAll(text(v, m.types[i], false), "|", `\|`)
	}
	_, err := fmt.Fprintf(m.w, "| %s |\n", strings.Join(cells, " | "))
	return err
}

func (m *markdownOut) end() error { return nil }

// tableOut writes an aligned table, numbers right-aligned, and the row count; it
// holds the rows' text until the end, for the widths.
type tableOut struct {
	w     io.Writer
	cols  []string
	types []string
	cells [][]string
}

func (t *tableOut) header(cols, types []string) error { t.cols, t.types = cols, types; return nil }

func (t *tableOut) row(vals []any) error {
	cells := make([]string, len(vals))
	for i, v := range vals {
		cells[i] = text(v, t.types[i], false)
	}
	t.cells = append(t.cells, cells)
	return nil
}

func (t *tableOut) end() error {
	w := t.w
	width := make([]int, len(t.cols))
	for i, c := range t.cols {
		width[i] = utf8.RuneCountInString(c)
	}
	for _, row := range t.cells {
		for i, c := range row {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	numeric := func(i int) bool {
		switch {
		case strings.HasSuffix(t.types[i], "]"):
			return false
		case strings.Contains(t.types[i], "INT"), t.types[i] == "DOUBLE", t.types[i] == "FLOAT", strings.HasPrefix(t.types[i], "DECIMAL"):
			return true
		}
		return false
	}
	var b strings.Builder
	line := func(vals []string) {
		for i, v := range vals {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(v))
			if i > 0 {
				b.WriteString("  ")
			}
			if numeric(i) {
				b.WriteString(pad + v)
			} else {
				b.WriteString(v + pad)
			}
		}
		b.WriteString("\n")
	}
	line(t.cols)
	seps := make([]string, len(t.cols))
	for i := range seps {
		seps[i] = strings.Repeat("-", width[i])
	}
	line(seps)
	for _, c := range t.cells {
		line(c)
	}
	if len(t.cells) == 1 {
		b.WriteString("(1 Zeile)\n")
	} else {
		fmt.Fprintf(&b, "(%d Zeilen)\n", len(t.cells))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// parquetOut writes a Parquet file with the columns in the query's order and DuckDB's
// types: integers of their width, DOUBLE, DECIMAL (up to 18 digits), DATE, TIME,
// TIMESTAMP (wall clock) and TIMESTAMPTZ (an instant), BOOLEAN, VARCHAR, and lists of
// these as Parquet lists; any other type (HUGEINT, INTERVAL, STRUCT, nested lists, …)
// as its text. parquet-go writes a row group when it has enough rows.
type parquetOut struct {
	w    io.Writer
	cols []parquetColumn
	pw   *parquet.GenericWriter[any]
}

func (p *parquetOut) header(cols, types []string) error {
	p.cols = make([]parquetColumn, len(cols))
	group := parquet.Group{}
	names := make([]string, len(cols))
	for i, c := range cols {
		name := c
		for n := 2; group[name] != nil; n++ { // SELECT 1 AS a, 2 AS a
			name = fmt.Sprintf("%s_%d", c, n)
		}
		names[i] = name
		p.cols[i] = parquetColumnOf(types[i])
		group[name] = p.cols[i].node
	}
	p.pw = parquet.NewGenericWriter[any](p.w, parquet.NewSchema("abfrage", orderedGroup{group, names}), parquet.Compression(&zstd.Codec{}))
	return nil
}

func (p *parquetOut) row(vals []any) error {
	var prow parquet.Row
	for i, v := range vals {
		prow = p.cols[i].appendValues(prow, v, i)
	}
	_, err := p.pw.WriteRows([]parquet.Row{prow})
	return err
}

func (p *parquetOut) end() error { return p.pw.Close() }

// orderedGroup is a Parquet group whose columns keep the query's order (parquet-go
// orders a Group's fields by name).
type orderedGroup struct {
	parquet.Group
	names []string
}

func (g orderedGroup) Fields() []parquet.Field {
	byName := map[string]parquet.Field{}
	for _, f := range g.Group.Fields() {
		byName[f.Name()] = f
	}
	out := make([]parquet.Field, len(g.names))
	for i, n := range g.names {
		out[i] = byName[n]
	}
	return out
}

// parquetColumn is one optional column: a scalar, or a list of optional scalars.
type parquetColumn struct {
	node   parquet.Node
	list   bool
	scalar func(v any) (parquet.Value, bool) // false: a NULL
}

func parquetColumnOf(typ string) parquetColumn {
	if elem, ok := listElement(typ); ok {
		if _, nested := listElement(elem); !nested {
			node, conv := parquetScalar(elem)
			return parquetColumn{node: parquet.Optional(parquet.List(parquet.Optional(node))), list: true, scalar: conv}
		}
	}
	node, conv := parquetScalar(typ)
	return parquetColumn{node: parquet.Optional(node), scalar: conv}
}

// appendValues adds the column's values of one row (definition and repetition levels
// of an optional column, or of an optional list of optional elements).
func (c parquetColumn) appendValues(row parquet.Row, v any, col int) parquet.Row {
	if !c.list {
		pv, ok := c.scalar(v)
		if !ok {
			return append(row, parquet.Value{}.Level(0, 0, col))
		}
		return append(row, pv.Level(0, 1, col))
	}
	items, ok := v.([]any)
	switch {
	case v == nil || !ok:
		return append(row, parquet.Value{}.Level(0, 0, col))
	case len(items) == 0:
		return append(row, parquet.Value{}.Level(0, 1, col))
	}
	for i, item := range items {
		rep := 1
		if i == 0 {
			rep = 0
		}
		if pv, ok := c.scalar(item); ok {
			row = append(row, pv.Level(rep, 3, col))
		} else {
			row = append(row, parquet.Value{}.Level(rep, 2, col))
		}
	}
	return row
}

// parquetScalar is the Parquet type of a DuckDB type and the conversion of its values.
func parquetScalar(typ string) (parquet.Node, func(any) (parquet.Value, bool)) {
	intOf := func(v any) (int64, bool) {
		switch x := v.(type) {
		case int8:
			return int64(x), true
		case int16:
			return int64(x), true
		case int32:
			return int64(x), true
		case int64:
			return x, true
		case uint8:
			return int64(x), true
		case uint16:
			return int64(x), true
		case uint32:
			return int64(x), true
		}
		return 0, false
	}
	int32s := func(v any) (parquet.Value, bool) {
		n, ok := intOf(v)
		return parquet.Int32Value(int32(n)), ok
	}
	int64s := func(v any) (parquet.Value, bool) {
		n, ok := intOf(v)
		return parquet.Int64Value(n), ok
	}
	micros := func(v any) (parquet.Value, bool) {
		t, ok := v.(time.Time)
		return parquet.Int64Value(t.UnixMicro()), ok
	}
	switch {
	case typ == "BOOLEAN":
		return parquet.Leaf(parquet.BooleanType), func(v any) (parquet.Value, bool) {
			b, ok := v.(bool)
			return parquet.BooleanValue(b), ok
		}
	case typ == "TINYINT":
		return parquet.Int(8), int32s
	case typ == "SMALLINT":
		return parquet.Int(16), int32s
	case typ == "INTEGER":
		return parquet.Int(32), int32s
	case typ == "UTINYINT":
		return parquet.Uint(8), int32s
	case typ == "USMALLINT":
		return parquet.Uint(16), int32s
	case typ == "UINTEGER":
		return parquet.Int(64), int64s // no unsigned 32-bit reader needed: it fits
	case typ == "BIGINT":
		return parquet.Int(64), int64s
	case typ == "FLOAT":
		return parquet.Leaf(parquet.FloatType), func(v any) (parquet.Value, bool) {
			f, ok := v.(float32)
			return parquet.FloatValue(f), ok
		}
	case typ == "DOUBLE":
		return parquet.Leaf(parquet.DoubleType), func(v any) (parquet.Value, bool) {
			f, ok := v.(float64)
			return parquet.DoubleValue(f), ok
		}
	case typ == "DATE":
		return parquet.Date(), func(v any) (parquet.Value, bool) {
			t, ok := v.(time.Time)
			return parquet.Int32Value(int32(civil.FromTime(t).DaysSince(civil.Date(1970, 1, 1)))), ok
		}
	case typ == "TIME":
		return parquet.Time(parquet.Microsecond), func(v any) (parquet.Value, bool) {
			t, ok := v.(time.Time)
			h, m, s := t.Clock()
			return parquet.Int64Value(int64(((h*60+m)*60+s)*1_000_000 + t.Nanosecond()/1000)), ok
		}
	case typ == "TIMESTAMP":
		return parquet.TimestampAdjusted(parquet.Microsecond, false), micros
	case typ == "TIMESTAMPTZ":
		return parquet.Timestamp(parquet.Microsecond), micros
	case strings.HasPrefix(typ, "DECIMAL("):
		var p, sc int
		if _, err := fmt.Sscanf(typ, "DECIMAL(%d,%d)", &p, &sc); err == nil && p <= 18 {
			return parquet.Decimal(sc, p, parquet.Int64Type), func(v any) (parquet.Value, bool) {
				d, ok := v.(duckdb.Decimal)
				if !ok || d.Value == nil {
					return parquet.Value{}, false
				}
				return parquet.Int64Value(d.Value.Int64()), true
			}
		}
	}
	return parquet.String(), func(v any) (parquet.Value, bool) {
		if v == nil {
			return parquet.Value{}, false
		}
		if s, ok := v.(string); ok {
			return parquet.ByteArrayValue([]byte(s)), true
		}
		return parquet.ByteArrayValue([]byte(text(v, typ, false))), true
	}
}
