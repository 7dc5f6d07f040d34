package lake

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/parquet-go/parquet-go"

	"ipoint/pipeline"
)

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
