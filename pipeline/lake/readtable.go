package lake

import (
	"errors"
	"fmt"
	"io"
	"os"
	"unsafe"

	"github.com/parquet-go/parquet-go"

	"ipoint/pipeline"
)

// ReadTable reads all records of a Parquet file written with fields (by name).
func ReadTable(path string, fields []pipeline.Field, fn func(pipeline.Record) error) error {
	return readTable(path, fields, false, fn)
}

// readTable is ReadTable; with borrow, fn gets the same record every time and its
// strings are the file's bytes as read: valid only until fn returns, for a caller
// that copies what it keeps (a history packing its states). A history of millions of
// rows is then read without a record and a string a value for each row.
func readTable(path string, fields []pipeline.Field, borrow bool, fn func(pipeline.Record) error) error {
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
	shared := make(pipeline.Record, len(fields))
	for {
		n, err := r.ReadRows(buf)
		for _, row := range buf[:n] {
			rec := shared
			if !borrow {
				rec = make(pipeline.Record, len(fields))
			}
			for i, fl := range fields {
				v := row[index[i]]
				rec[i] = pipeline.Value{}
				if v.IsNull() {
					rec[i] = pipeline.Value{Null: true}
					continue
				}
				switch fl.Type {
				case pipeline.String:
					if b := v.ByteArray(); borrow && len(b) > 0 {
						rec[i] = pipeline.Value{S: unsafe.String(&b[0], len(b))}
					} else {
						rec[i] = pipeline.Value{S: string(b)}
					}
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
