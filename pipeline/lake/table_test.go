package lake

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"ipoint/pipeline"
)

// TestTableRoundTrip writes every field type, required and optional, with nulls, over
// more than one row group, and reads it back with parquet-go: values, row groups,
// statistics and the page index.
func TestTableRoundTrip(t *testing.T) {
	fields := []pipeline.Field{
		{Name: "s", Type: pipeline.String},
		{Name: "code", Type: pipeline.String, Dict: true, Optional: true},
		{Name: "d", Type: pipeline.Date, Optional: true},
		{Name: "i", Type: pipeline.Int32},
		{Name: "l", Type: pipeline.Int64, Optional: true},
		{Name: "f", Type: pipeline.Double, Optional: true},
		{Name: "b", Type: pipeline.Bool},
	}
	n := RowGroupSize + 1000
	rec := func(k int) pipeline.Record {
		r := pipeline.Record{{S: fmt.Sprintf("value-%07d", k)}, {S: []string{"A", "BB", "CCC"}[k%3]}, {I: int64(19000 + k%700)},
			{I: int64(k - 5)}, {I: int64(k) << 33}, {F: float64(k) / 4}, {I: int64(k % 2)}}
		if k%5 == 0 {
			r[1], r[2], r[4], r[5] = pipeline.Value{Null: true}, pipeline.Value{Null: true}, pipeline.Value{Null: true}, pipeline.Value{Null: true}
		}
		return r
	}
	path := filepath.Join(t.TempDir(), "t.parquet")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	tw := NewTableWriter(f, "t", fields, map[string]string{"k": "v"})
	for k := 0; k < n; k++ {
		if err := tw.Write(rec(k)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	k := 0
	err = ReadTable(path, fields, func(got pipeline.Record) error {
		want := rec(k)
		for i := range want {
			if !got[i].Equal(want[i]) {
				return fmt.Errorf("row %d, %s: %+v, want %+v", k, fields[i].Name, got[i], want[i])
			}
		}
		k++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if k != n {
		t.Fatalf("%d rows read, want %d", k, n)
	}
	fh, _ := os.Open(path)
	defer fh.Close()
	st, _ := fh.Stat()
	pf, err := parquet.OpenFile(fh, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	if len(pf.RowGroups()) != 2 || pf.RowGroups()[0].NumRows() != RowGroupSize {
		t.Fatalf("row groups: %d", len(pf.RowGroups()))
	}
	if v, _ := pf.Lookup("k"); v != "v" {
		t.Errorf("key-value metadata: %q", v)
	}
	// Column "i" (Int32) of the first row group: statistics and a page index.
	leaf, _ := pf.Schema().Lookup("i")
	cc := pf.RowGroups()[0].ColumnChunks()[leaf.ColumnIndex]
	ci, err := cc.ColumnIndex()
	if err != nil || ci.NumPages() == 0 {
		t.Fatalf("column index: %v", err)
	}
	if lo, hi := ci.MinValue(0).Int32(), ci.MaxValue(ci.NumPages()-1).Int32(); lo != -5 || hi != RowGroupSize-6 {
		t.Errorf("page bounds %d..%d", lo, hi)
	}
	md := pf.Metadata().RowGroups[0].Columns[leaf.ColumnIndex].MetaData
	if string(md.Statistics.MinValue) != "\xfb\xff\xff\xff" || md.Statistics.NullCount != 0 {
		t.Errorf("statistics %+v", md.Statistics)
	}
	leaf, _ = pf.Schema().Lookup("code")
	if nc := pf.Metadata().RowGroups[0].Columns[leaf.ColumnIndex].MetaData.Statistics.NullCount; nc != RowGroupSize/5 {
		t.Errorf("code: %d nulls, want %d", nc, RowGroupSize/5)
	}
}

// TestTableEmpty: a table without rows is a valid file.
func TestTableEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "e.parquet")
	f, _ := os.Create(path)
	fields := []pipeline.Field{{Name: "x", Type: pipeline.String}}
	if err := NewTableWriter(f, "e", fields, nil).Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := ReadTable(path, fields, func(pipeline.Record) error { return fmt.Errorf("a row") }); err != nil {
		t.Fatal(err)
	}
}

// TestLongStringStatistics (issue 15, D3): a long value is not copied into the footer's
// statistics or the column index; the cut bounds still enclose every value.
func TestLongStringStatistics(t *testing.T) {
	fields := []pipeline.Field{{Name: "s", Type: pipeline.String}, {Name: "c", Type: pipeline.String, Dict: true}}
	long := strings.Repeat("z", 1<<20)
	vals := []string{"a" + strings.Repeat("m", 200), long, "b"}
	path := filepath.Join(t.TempDir(), "l.parquet")
	f, _ := os.Create(path)
	tw := NewTableWriter(f, "l", fields, nil)
	for _, v := range vals {
		if err := tw.Write(pipeline.Record{{S: v}, {S: v}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	st, _ := os.Stat(path)
	if st.Size() > 64<<10 {
		t.Errorf("file of %d bytes for a 1 MiB value: the value sits in its metadata", st.Size())
	}
	fh, _ := os.Open(path)
	defer fh.Close()
	pf, err := parquet.OpenFile(fh, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	for i := range fields {
		s := pf.Metadata().RowGroups[0].Columns[i].MetaData.Statistics
		lo, hi := string(s.MinValue), string(s.MaxValue)
		if len(lo) > MaxStatBytes || len(hi) > MaxStatBytes {
			t.Errorf("%s: statistics of %d and %d bytes", fields[i].Name, len(lo), len(hi))
		}
		for _, v := range vals {
			if v < lo || v > hi {
				t.Errorf("%s: %.10q… outside the bounds %.10q…%.10q…", fields[i].Name, v, lo, hi)
			}
		}
		ci, err := pf.RowGroups()[0].ColumnChunks()[i].ColumnIndex()
		if err != nil {
			t.Fatal(err)
		}
		if n := len(ci.MaxValue(0).ByteArray()); n > MaxStatBytes {
			t.Errorf("%s: column index holds %d bytes", fields[i].Name, n)
		}
	}
}
