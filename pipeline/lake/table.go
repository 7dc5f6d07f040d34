// Package lake keeps the pseudonymised Parquet lake: delivered exports partitioned by
// export and Stichtag (hive style), histories of the snapshot exports, the findings, and
// the manifest of every delivered file. Every file is written under a temporary name
// and renamed, so a reader or a crash never sees half a file.
package lake

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"

	"github.com/parquet-go/parquet-go/compress/zstd"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"

	"ipoint/pipeline"
)

// RowGroupSize is close to DuckDB's own (122,880 rows): far larger groups made later
// DuckDB scans slower, far smaller ones cost compression.
const RowGroupSize = 122_880

// pageSize is the plain size at which a column's values are cut into pages.
const pageSize = 256 << 10

// codec compresses every page of every table; its pool of encoders is shared.
var codec = &zstd.Codec{Level: zstd.SpeedFastest}

// createdBy names the writer in every file's footer.
const createdBy = "ipoint version 1(build )"

// TableWriter writes records of one table to a Parquet file, column by column: each
// column collects a row group's values in a typed buffer, and a full row group is
// written one column chunk after the other, cut into zstd-compressed pages (data page
// v2; PLAIN, DELTA_LENGTH_BYTE_ARRAY for strings, RLE_DICTIONARY for code columns),
// with statistics for each page and chunk and a page index. Records are copied: the
// caller may reuse a record and its strings after Write returns.
//
// The file is what parquet-go's own writer made of the same schema (the same column
// order, types, encodings and statistics); parquet-go's row-by-row value path cost a
// third of the ingest, this one a small part of it.
type TableWriter struct {
	out    *offsetWriter
	name   string
	fields []pipeline.Field
	cols   []*column // in field order
	order  []int     // the fields in the file's column order (by name)
	meta   map[string]string
	rows   int   // in the current row group
	n      int64 // in all
	groups []format.RowGroup
	index  [][]pageIndex // per row group, per column (file order)
	err    error
	buf    []byte // scratch: a page's values
	levels []byte // scratch: a page's definition levels
	zbuf   []byte // scratch: a page's compressed values
}

// pageIndex is the page index of one column chunk.
type pageIndex struct {
	ci format.ColumnIndex
	oi format.OffsetIndex
}

// NewTableWriter writes a table with the given fields to out.
func NewTableWriter(out io.Writer, name string, fields []pipeline.Field, meta map[string]string) *TableWriter {
	w := buffers.Get().(*bufio.Writer)
	w.Reset(out)
	t := &TableWriter{out: &offsetWriter{w: w}, name: name, fields: fields, meta: meta}
	for _, f := range fields {
		t.cols = append(t.cols, newColumn(f))
	}
	t.order = make([]int, len(fields))
	for i := range t.order {
		t.order[i] = i
	}
	// The columns lie in the order of their names, as parquet-go's groups put them.
	sort.SliceStable(t.order, func(a, b int) bool { return fields[t.order[a]].Name < fields[t.order[b]].Name })
	return t
}

// Write adds one record.
func (t *TableWriter) Write(rec pipeline.Record) error {
	if t.err != nil {
		return t.err
	}
	if len(rec) != len(t.fields) {
		return fmt.Errorf("lake: record of %d values for %d fields", len(rec), len(t.fields))
	}
	for i, v := range rec {
		if v.Null && !t.fields[i].Optional {
			return fmt.Errorf("lake: null in required field %s", t.fields[i].Name)
		}
	}
	for i, v := range rec {
		if v.Null {
			t.cols[i].addNull()
		} else {
			t.cols[i].add(v)
		}
	}
	t.rows++
	t.n++
	if t.rows == RowGroupSize {
		return t.flush()
	}
	return nil
}

// Rows returns the number of records written.
func (t *TableWriter) Rows() int64 { return t.n }

// Close writes the last row group, the page index and the footer.
func (t *TableWriter) Close() error {
	if err := t.flush(); err != nil {
		return err
	}
	if err := t.writeIndex(); err != nil {
		return err
	}
	if err := t.writeFooter(); err != nil {
		return err
	}
	if err := t.out.w.Flush(); err != nil {
		return err
	}
	t.out.w.Reset(nil)
	buffers.Put(t.out.w)
	t.out.w, t.err = nil, errClosed
	return nil
}

var errClosed = errors.New("lake: table writer used after Close")

// buffers holds the writers' 1 MiB output buffers: an ingest writes a few files for
// every delivery, and a buffer made and cleared for each took a second of a year's first
// load. A writer that is not closed leaves its buffer to the garbage collector.
var buffers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 1<<20) }}

// flush writes the buffered rows as a row group.
func (t *TableWriter) flush() (err error) {
	if t.err != nil || t.rows == 0 {
		return t.err
	}
	defer func() { t.err = err }()
	if t.out.n == 0 {
		if err := t.out.write([]byte("PAR1")); err != nil {
			return err
		}
	}
	rg := format.RowGroup{NumRows: int64(t.rows), FileOffset: t.out.n, Ordinal: int16(len(t.groups))}
	idx := make([]pageIndex, len(t.order))
	for k, i := range t.order {
		cc, err := t.writeChunk(t.cols[i], &idx[k])
		if err != nil {
			return err
		}
		rg.Columns = append(rg.Columns, cc)
		rg.TotalByteSize += cc.MetaData.TotalUncompressedSize
		rg.TotalCompressedSize += cc.MetaData.TotalCompressedSize
		t.cols[i].reset()
	}
	t.groups = append(t.groups, rg)
	t.index = append(t.index, idx)
	t.rows = 0
	return nil
}

// writeChunk writes one column's chunk of the row group: its dictionary page, if it
// has one, and its data pages.
func (t *TableWriter) writeChunk(c *column, pi *pageIndex) (format.ColumnChunk, error) {
	f := c.field
	md := format.ColumnMetaData{Type: c.ptype, PathInSchema: []string{f.Name}, Codec: format.Zstd, NumValues: int64(t.rows)}
	start := t.out.n
	enc := c.encoding()
	if c.dict != nil {
		md.DictionaryPageOffset = start
		t.buf = c.encodeDictionary(t.buf[:0])
		h := format.PageHeader{Type: format.DictionaryPage,
			DictionaryPageHeader: thrift.New(format.DictionaryPageHeader{NumValues: int32(len(c.dictVals)), Encoding: format.Plain})}
		u, z, err := t.writePage(&h, nil, t.buf)
		if err != nil {
			return format.ColumnChunk{}, err
		}
		md.TotalUncompressedSize += u
		md.TotalCompressedSize += z
		md.EncodingStats = append(md.EncodingStats, format.PageEncodingStats{PageType: format.DictionaryPage, Encoding: format.Plain, Count: 1})
	}
	md.DataPageOffset = t.out.n
	pages := max(1, (c.rawSize()+pageSize-1)/pageSize)
	per := (t.rows + pages - 1) / pages
	var stats format.Statistics
	var lo, hi []byte
	v0 := 0
	for r0 := 0; r0 < t.rows; r0 += per {
		r1 := min(r0+per, t.rows)
		v1 := v0 + (r1 - r0)
		t.levels = t.levels[:0]
		if f.Optional {
			v1 = v0
			for _, d := range c.defs[r0:r1] {
				v1 += int(d)
			}
			var err error
			if t.levels, err = levelEncoding.EncodeLevels(t.levels, c.defs[r0:r1]); err != nil {
				return format.ColumnChunk{}, err
			}
		}
		var err error
		if t.buf, err = c.encodeValues(t.buf[:0], v0, v1); err != nil {
			return format.ColumnChunk{}, err
		}
		nulls := (r1 - r0) - (v1 - v0)
		ps := format.Statistics{NullCount: int64(nulls)}
		plo, phi, ok := c.bounds(v0, v1)
		if ok {
			ps.MinValue, ps.MaxValue = plo, phi
			if lo == nil || c.less(plo, lo) {
				lo = plo
			}
			if hi == nil || c.less(hi, phi) {
				hi = phi
			}
		}
		h := format.PageHeader{Type: format.DataPageV2, DataPageHeaderV2: thrift.New(format.DataPageHeaderV2{
			NumValues: int32(r1 - r0), NumNulls: int32(nulls), NumRows: int32(r1 - r0), Encoding: enc,
			DefinitionLevelsByteLength: int32(len(t.levels)), IsCompressed: thrift.New(true), Statistics: ps})}
		offset := t.out.n
		u, z, err := t.writePage(&h, t.levels, t.buf)
		if err != nil {
			return format.ColumnChunk{}, err
		}
		md.TotalUncompressedSize += u
		md.TotalCompressedSize += z
		stats.NullCount += int64(nulls)
		pi.oi.PageLocations = append(pi.oi.PageLocations, format.PageLocation{Offset: offset, CompressedPageSize: int32(z), FirstRowIndex: int64(r0)})
		pi.ci.NullPages = append(pi.ci.NullPages, !ok)
		pi.ci.MinValues = append(pi.ci.MinValues, plo)
		pi.ci.MaxValues = append(pi.ci.MaxValues, phi)
		pi.ci.NullCounts = append(pi.ci.NullCounts, int64(nulls))
		v0 = v1
	}
	stats.MinValue, stats.MaxValue = lo, hi
	md.Statistics = stats
	md.EncodingStats = append(md.EncodingStats, format.PageEncodingStats{PageType: format.DataPageV2, Encoding: enc, Count: int32(len(pi.oi.PageLocations))})
	md.Encoding = encodingsOf(enc, f.Optional, c.dict != nil)
	return format.ColumnChunk{FileOffset: start, MetaData: md}, nil
}

// encodingsOf lists the encodings a column chunk uses, in the order of their codes.
func encodingsOf(data format.Encoding, optional, dict bool) []format.Encoding {
	var e []format.Encoding
	if dict {
		e = append(e, format.Plain)
	}
	if data == format.Plain && !dict {
		e = append(e, format.Plain)
	}
	if optional {
		e = append(e, format.RLE)
	}
	if data != format.Plain {
		e = append(e, data)
	}
	sort.Slice(e, func(a, b int) bool { return e[a] < e[b] })
	return e
}

// writePage compresses a page's values and writes its header, its definition levels
// (uncompressed, as data page v2 keeps them) and the compressed values. It returns the
// page's uncompressed and compressed sizes, headers included.
func (t *TableWriter) writePage(h *format.PageHeader, levels, values []byte) (int64, int64, error) {
	var err error
	if t.zbuf, err = codec.Encode(t.zbuf[:0], values); err != nil {
		return 0, 0, err
	}
	h.UncompressedPageSize = int32(len(levels) + len(values))
	h.CompressedPageSize = int32(len(levels) + len(t.zbuf))
	head, err := thrift.Marshal(new(thrift.CompactProtocol), h)
	if err != nil {
		return 0, 0, err
	}
	for _, b := range [][]byte{head, levels, t.zbuf} {
		if err := t.out.write(b); err != nil {
			return 0, 0, err
		}
	}
	return int64(len(head)) + int64(h.UncompressedPageSize), int64(len(head)) + int64(h.CompressedPageSize), nil
}

// writeIndex writes the column indexes of all chunks, then their offset indexes.
func (t *TableWriter) writeIndex() error {
	if t.err != nil {
		return t.err
	}
	for g := range t.groups {
		for k := range t.order {
			cc := &t.groups[g].Columns[k]
			b, err := thrift.Marshal(new(thrift.CompactProtocol), &t.index[g][k].ci)
			if err != nil {
				return err
			}
			cc.ColumnIndexOffset, cc.ColumnIndexLength = t.out.n, int32(len(b))
			if err := t.out.write(b); err != nil {
				return err
			}
		}
	}
	for g := range t.groups {
		for k := range t.order {
			cc := &t.groups[g].Columns[k]
			b, err := thrift.Marshal(new(thrift.CompactProtocol), &t.index[g][k].oi)
			if err != nil {
				return err
			}
			cc.OffsetIndexOffset, cc.OffsetIndexLength = t.out.n, int32(len(b))
			if err := t.out.write(b); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeFooter writes the file's metadata: schema, row groups, key-value metadata.
func (t *TableWriter) writeFooter() error {
	if t.out.n == 0 {
		if err := t.out.write([]byte("PAR1")); err != nil {
			return err
		}
	}
	md := format.FileMetaData{Version: 2, NumRows: t.n, RowGroups: t.groups, CreatedBy: createdBy}
	md.Schema = append(md.Schema, format.SchemaElement{Name: t.name, NumChildren: thrift.New(int32(len(t.fields)))})
	for _, i := range t.order {
		md.Schema = append(md.Schema, schemaElement(t.fields[i]))
		md.ColumnOrders = append(md.ColumnOrders, format.ColumnOrder{Value: &format.TypeDefinedOrder{}})
	}
	keys := make([]string, 0, len(t.meta))
	for k := range t.meta {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		md.KeyValueMetadata = append(md.KeyValueMetadata, format.KeyValue{Key: k, Value: t.meta[k]})
	}
	b, err := thrift.Marshal(new(thrift.CompactProtocol), &md)
	if err != nil {
		return err
	}
	b = append(b, byte(len(b)), byte(len(b)>>8), byte(len(b)>>16), byte(len(b)>>24))
	return t.out.write(append(b, "PAR1"...))
}

// schemaElement describes a field as a leaf of the schema.
func schemaElement(f pipeline.Field) format.SchemaElement {
	rep := format.Required
	if f.Optional {
		rep = format.Optional
	}
	e := format.SchemaElement{Name: f.Name, RepetitionType: thrift.New(rep)}
	switch f.Type {
	case pipeline.String:
		e.Type, e.ConvertedType = thrift.New(format.ByteArray), thrift.New(deprecated.UTF8)
		e.LogicalType.Value = &format.StringType{}
	case pipeline.Date:
		e.Type, e.ConvertedType = thrift.New(format.Int32), thrift.New(deprecated.Date)
		e.LogicalType.Value = &format.DateType{}
	case pipeline.Int32:
		e.Type, e.ConvertedType = thrift.New(format.Int32), thrift.New(deprecated.Int32)
		e.LogicalType.Value = &format.IntType{BitWidth: 32, IsSigned: true}
	case pipeline.Int64:
		e.Type, e.ConvertedType = thrift.New(format.Int64), thrift.New(deprecated.Int64)
		e.LogicalType.Value = &format.IntType{BitWidth: 64, IsSigned: true}
	case pipeline.Double:
		e.Type = thrift.New(format.Double)
	case pipeline.Bool:
		e.Type = thrift.New(format.Boolean)
	}
	return e
}

// offsetWriter counts the bytes written: column chunks and pages are located by offset.
type offsetWriter struct {
	w *bufio.Writer
	n int64
}

func (o *offsetWriter) write(b []byte) error {
	n, err := o.w.Write(b)
	o.n += int64(n)
	return err
}
