// Package lake keeps the pseudonymised Parquet lake: delivered exports partitioned by
// export and Stichtag (hive style), histories of the snapshot exports, the findings, and
// the manifest of every delivered file. Every file is written under a temporary name
// and renamed, so a reader or a crash never sees half a file.
package lake

import (
	"errors"
	"fmt"
	"io"
	"os"
	"unsafe"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"ipoint/pipeline"
)

// RowGroupSize is close to DuckDB's own (122,880 rows): far larger groups made later
// DuckDB scans slower, far smaller ones cost compression.
const RowGroupSize = 122_880

// codec is shared by every column of every table: its pool of encoders is reused
// instead of each column holding encoders (and their history buffers) of its own.
var codec = &zstd.Codec{Level: zstd.SpeedFastest}

// schemaOf builds the Parquet schema of a table: code columns are dictionary-encoded
// (ids and tokens are nearly unique, where a dictionary only costs), and every column
// is compressed with zstd.
func schemaOf(name string, fields []pipeline.Field) (*parquet.Schema, []int) {
	g := parquet.Group{}
	for _, f := range fields {
		var n parquet.Node
		switch f.Type {
		case pipeline.String:
			n = parquet.String()
			if f.Dict {
				n = parquet.Encoded(n, &parquet.RLEDictionary)
			}
		case pipeline.Date:
			n = parquet.Date()
		case pipeline.Int32:
			n = parquet.Int(32)
		case pipeline.Int64:
			n = parquet.Int(64)
		case pipeline.Double:
			n = parquet.Leaf(parquet.DoubleType)
		case pipeline.Bool:
			n = parquet.Leaf(parquet.BooleanType)
		}
		if f.Optional {
			n = parquet.Optional(n)
		}
		g[f.Name] = parquet.Compressed(n, codec)
	}
	s := parquet.NewSchema(name, g)
	// parquet.Group orders columns by name; map each field to its leaf.
	index := make([]int, len(fields))
	for i, f := range fields {
		leaf, ok := s.Lookup(f.Name)
		if !ok {
			panic("lake: no leaf for " + f.Name)
		}
		index[i] = leaf.ColumnIndex
	}
	return s, index
}

// TableWriter writes records of one table to a Parquet file.
type TableWriter struct {
	fields []pipeline.Field
	index  []int
	w      *parquet.GenericWriter[any]
	rows   []parquet.Row
	used   int
	n      int64
}

const batchRows = 1024

// NewTableWriter writes a table with the given fields to out.
func NewTableWriter(out io.Writer, name string, fields []pipeline.Field, meta map[string]string) *TableWriter {
	schema, index := schemaOf(name, fields)
	opts := []parquet.WriterOption{schema, parquet.MaxRowsPerRowGroup(RowGroupSize),
		parquet.CreatedBy("ipoint", "1", ""), parquet.PageBufferSize(256 << 10)}
	for k, v := range meta {
		opts = append(opts, parquet.KeyValueMetadata(k, v))
	}
	return &TableWriter{fields: fields, index: index, w: parquet.NewGenericWriter[any](out, opts...)}
}

// Write adds one record; it is buffered and written in batches.
func (t *TableWriter) Write(rec pipeline.Record) error {
	if len(rec) != len(t.fields) {
		return fmt.Errorf("lake: record of %d values for %d fields", len(rec), len(t.fields))
	}
	if t.rows == nil {
		t.rows = make([]parquet.Row, batchRows)
		for i := range t.rows {
			t.rows[i] = make(parquet.Row, len(t.fields))
		}
	}
	row := t.rows[t.used]
	for i, v := range rec {
		f := t.fields[i]
		col := t.index[i]
		def := 0
		if f.Optional {
			def = 1
		}
		var pv parquet.Value
		switch {
		case v.Null:
			if !f.Optional {
				return fmt.Errorf("lake: null in required field %s", f.Name)
			}
			pv, def = parquet.NullValue(), 0
		case f.Type == pipeline.String:
			// No copy: WriteRows copies the bytes into its pages before it returns.
			pv = parquet.ByteArrayValue(unsafe.Slice(unsafe.StringData(v.S), len(v.S)))
		case f.Type == pipeline.Date, f.Type == pipeline.Int32:
			pv = parquet.Int32Value(int32(v.I))
		case f.Type == pipeline.Int64:
			pv = parquet.Int64Value(v.I)
		case f.Type == pipeline.Double:
			pv = parquet.DoubleValue(v.F)
		case f.Type == pipeline.Bool:
			pv = parquet.BooleanValue(v.I != 0)
		}
		row[col] = pv.Level(0, def, col)
	}
	t.used++
	t.n++
	if t.used == batchRows {
		return t.flush()
	}
	return nil
}

func (t *TableWriter) flush() error {
	if t.used == 0 {
		return nil
	}
	_, err := t.w.WriteRows(t.rows[:t.used])
	t.used = 0
	return err
}

// Rows returns the number of records written.
func (t *TableWriter) Rows() int64 { return t.n }

// Close writes the footer.
func (t *TableWriter) Close() error {
	if err := t.flush(); err != nil {
		return err
	}
	return t.w.Close()
}

// ReadTable reads all records of a Parquet file written with fields (by name).
func ReadTable(path string, fields []pipeline.Field, fn func(pipeline.Record) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	index := make([]int, len(fields))
	for i, fl := range fields {
		leaf, ok := pf.Schema().Lookup(fl.Name)
		if !ok {
			return fmt.Errorf("%s: column %s missing", path, fl.Name)
		}
		index[i] = leaf.ColumnIndex
	}
	r := parquet.NewReader(pf)
	defer r.Close()
	buf := make([]parquet.Row, 256)
	for {
		n, err := r.ReadRows(buf)
		for _, row := range buf[:n] {
			rec := make(pipeline.Record, len(fields))
			for i, fl := range fields {
				v := row[index[i]]
				if v.IsNull() {
					rec[i] = pipeline.Value{Null: true}
					continue
				}
				switch fl.Type {
				case pipeline.String:
					rec[i] = pipeline.Value{S: string(v.ByteArray())}
				case pipeline.Date, pipeline.Int32:
					rec[i] = pipeline.Value{I: int64(v.Int32())}
				case pipeline.Int64:
					rec[i] = pipeline.Value{I: v.Int64()}
				case pipeline.Double:
					rec[i] = pipeline.Value{F: v.Double()}
				case pipeline.Bool:
					if v.Boolean() {
						rec[i] = pipeline.Value{I: 1}
					}
				}
			}
			if err := fn(rec); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
