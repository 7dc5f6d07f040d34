package main

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"ipoint/pipeline"
	"ipoint/pipeline/lake"
)

// result is a query's answer, held for formatting.
type result struct {
	cols  []string
	types []string
	rows  [][]any
}

func query(ctx context.Context, db *sql.DB, q string, args ...any) (*result, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	res := &result{}
	if res.cols, err = rows.Columns(); err != nil {
		return nil, err
	}
	cts, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	for _, c := range cts {
		res.types = append(res.types, c.DatabaseTypeName())
	}
	for rows.Next() {
		vals := make([]any, len(res.cols))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		res.rows = append(res.rows, vals)
	}
	return res, rows.Err()
}

// text renders a value; german uses the decimal comma and TT.MM.JJJJ.
func text(v any, typ string, german bool) string {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		switch {
		case typ == "DATE" && german:
			return x.Format("02.01.2006")
		case typ == "DATE":
			return x.Format("2006-01-02")
		case german:
			return x.Format("02.01.2006 15:04:05")
		}
		return x.Format(time.RFC3339)
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
	case []byte:
		return fmt.Sprintf("%x", x)
	}
	s := fmt.Sprint(v)
	if german && strings.HasPrefix(typ, "DECIMAL") {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

func (r *result) write(w io.Writer, format string) error {
	switch format {
	case "csv", "csv-de":
		german := format == "csv-de"
		cw := csv.NewWriter(w)
		if german {
			cw.Comma = ';'
			io.WriteString(w, "\uFEFF") // Excel recognises UTF-8 by its BOM
		}
		cw.Write(r.cols)
		for _, row := range r.rows {
			rec := make([]string, len(row))
			for i, v := range row {
				rec[i] = text(v, r.types[i], german)
			}
			cw.Write(rec)
		}
		cw.Flush()
		return cw.Error()
	case "json":
		out := make([]map[string]any, 0, len(r.rows))
		for _, row := range r.rows {
			m := map[string]any{}
			for i, v := range row {
				if t, ok := v.(time.Time); ok {
					v = text(t, r.types[i], false)
				}
				if b, ok := v.(*big.Int); ok {
					v = json.Number(b.String())
				}
				m[r.cols[i]] = v
			}
			out = append(out, m)
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "markdown":
		fmt.Fprintf(w, "| %s |\n|%s\n", strings.Join(r.cols, " | "), strings.Repeat(" --- |", len(r.cols)))
		for _, row := range r.rows {
			cells := make([]string, len(row))
			for i, v := range row {
				cells[i] = strings.ReplaceAll(text(v, r.types[i], false), "|", `\|`)
			}
			fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
		}
		return nil
	case "parquet":
		return r.parquet(w)
	}
	return r.table(w)
}

// table writes an aligned table, numbers right-aligned, and the row count.
func (r *result) table(w io.Writer) error {
	width := make([]int, len(r.cols))
	cells := make([][]string, len(r.rows))
	for i, c := range r.cols {
		width[i] = utf8.RuneCountInString(c)
	}
	for j, row := range r.rows {
		cells[j] = make([]string, len(row))
		for i, v := range row {
			cells[j][i] = text(v, r.types[i], false)
			width[i] = max(width[i], utf8.RuneCountInString(cells[j][i]))
		}
	}
	numeric := func(i int) bool {
		switch {
		case strings.Contains(r.types[i], "INT"), r.types[i] == "DOUBLE", r.types[i] == "FLOAT", strings.HasPrefix(r.types[i], "DECIMAL"):
			return true
		}
		return false
	}
	line := func(vals []string) {
		for i, v := range vals {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(v))
			if i > 0 {
				io.WriteString(w, "  ")
			}
			if numeric(i) {
				io.WriteString(w, pad+v)
			} else {
				io.WriteString(w, v+pad)
			}
		}
		io.WriteString(w, "\n")
	}
	line(r.cols)
	seps := make([]string, len(r.cols))
	for i := range seps {
		seps[i] = strings.Repeat("-", width[i])
	}
	line(seps)
	for _, c := range cells {
		line(c)
	}
	if len(r.rows) == 1 {
		io.WriteString(w, "(1 Zeile)\n")
	} else {
		fmt.Fprintf(w, "(%d Zeilen)\n", len(r.rows))
	}
	return nil
}

// parquet writes the result as a Parquet file, with ipoint's own writer.
func (r *result) parquet(w io.Writer) error {
	fields := make([]pipeline.Field, len(r.cols))
	for i, c := range r.cols {
		t := pipeline.String
		switch {
		case r.types[i] == "DATE":
			t = pipeline.Date
		case r.types[i] == "INTEGER", r.types[i] == "SMALLINT", r.types[i] == "TINYINT":
			t = pipeline.Int32
		case r.types[i] == "BIGINT":
			t = pipeline.Int64
		case r.types[i] == "DOUBLE", r.types[i] == "FLOAT":
			t = pipeline.Double
		case r.types[i] == "BOOLEAN":
			t = pipeline.Bool
		}
		fields[i] = pipeline.Field{Name: c, Type: t, Optional: true}
	}
	tw := lake.NewTableWriter(w, "abfrage", fields, nil)
	for _, row := range r.rows {
		rec := make(pipeline.Record, len(row))
		for i, v := range row {
			switch x := v.(type) {
			case nil:
				rec[i] = pipeline.Value{Null: true}
			case time.Time:
				rec[i] = pipeline.Value{I: x.Unix() / 86400}
			case int32:
				rec[i] = pipeline.Value{I: int64(x)}
			case int64:
				rec[i] = pipeline.Value{I: x}
			case int16:
				rec[i] = pipeline.Value{I: int64(x)}
			case int8:
				rec[i] = pipeline.Value{I: int64(x)}
			case float64:
				rec[i] = pipeline.Value{F: x}
			case float32:
				rec[i] = pipeline.Value{F: float64(x)}
			case bool:
				if x {
					rec[i] = pipeline.Value{I: 1}
				}
			default:
				rec[i] = pipeline.Value{S: text(v, r.types[i], false)}
			}
		}
		if err := tw.Write(rec); err != nil {
			return err
		}
	}
	return tw.Close()
}
