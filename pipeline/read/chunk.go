package read

import (
	"bufio"
	"bytes"
	"io"
	"os"
)

// Chunk is a byte range of a CSV file that starts at a record boundary.
type Chunk struct {
	Offset, Size int64
	FirstLine    int // physical line number of the chunk's first line
}

// SplitCSV cuts the data part of a CSV file (after its header line) into about n chunks
// of whole records, so that several goroutines can read one large file. A line end
// inside a quoted field is not a boundary; quotes follow the reader's rule (quoteState),
// and a boundary is only placed where a record ends for each of the separators ';', ','
// and tab. The header is the first record that is not blank, as for NewCSV, read with
// the default separator ';'.
func SplitCSV(path string, n int) ([]Chunk, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(f, 1<<20)
	var pos int64
	line := 0
	// Skip the header record, and blank lines before it.
	head := quoteState{comma: ';'}
	head.reset()
	blank := true
	for {
		b, err := br.ReadSlice('\n')
		pos += int64(len(b))
		head.scan(b)
		if t := b; len(b) > 0 {
			if pos == int64(len(b)) {
				t = bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF}) // NewCSV skips a UTF-8 BOM
			}
			if string(t) != "\n" && string(t) != "\r\n" {
				blank = false // NewCSV skips only empty lines before the header
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if len(b) > 0 && b[len(b)-1] == '\n' {
			line++
		}
		if err != nil {
			break
		}
		if !head.inQuotes {
			if !blank {
				break
			}
			head.reset()
		}
	}
	data := st.Size() - pos
	if n < 1 {
		n = 1
	}
	target := data/int64(n) + 1
	chunks := []Chunk{{Offset: pos, FirstLine: line + 1}}
	// Without a '"' every line end ends a record: cut at the first line end after each
	// target, counting lines in whole blocks instead of line by line. A '"' anywhere
	// sends the file the exact way below.
	if cut, quoteless, err := splitLines(f, []Chunk{chunks[0]}, st.Size(), target, line); err != nil || quoteless {
		return cut, err
	}
	qs := []quoteState{{comma: ';'}, {comma: ','}, {comma: '\t'}}
	for i := range qs {
		qs[i].reset()
	}
	for {
		b, err := br.ReadSlice('\n')
		pos += int64(len(b))
		for i := range qs {
			qs[i].scan(b)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if len(b) > 0 && b[len(b)-1] == '\n' {
			line++
			outside := true
			for i := range qs {
				if qs[i].inQuotes {
					outside = false
				} else {
					qs[i].reset() // the record ends here for this separator
				}
			}
			c := &chunks[len(chunks)-1]
			if outside && pos-c.Offset >= target && pos < st.Size() {
				c.Size = pos - c.Offset
				chunks = append(chunks, Chunk{Offset: pos, FirstLine: line + 1})
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	c := &chunks[len(chunks)-1]
	c.Size = st.Size() - c.Offset
	return chunks, nil
}

// NewCSVChunk reads the records of one chunk with a known header: rows carry their
// physical line numbers in the whole file. The bulk path's reader: a row and its list of
// fields hold until the next call to Next (the field strings themselves stay valid), so
// that millions of rows do not each leave a list behind for the collector.
func NewCSVChunk(r io.Reader, opt CSVOptions, header []string, c Chunk) Reader {
	cr := newCSVReader(r, opt.Encoding, opt.Comma, 1<<20)
	cr.header, cr.line, cr.reuse = header, c.FirstLine-1, true
	return cr
}

// splitBlock is the size of the blocks SplitCSV reads a file without quotes in.
var splitBlock = 1 << 20

// splitLines cuts a file without quotes at the first line end after each target, in one
// pass that also looks for quotes: quoteless is false, and the chunks nil, where it
// finds one.
func splitLines(f *os.File, chunks []Chunk, size, target int64, line int) (_ []Chunk, quoteless bool, _ error) {
	buf := make([]byte, splitBlock)
	pos := chunks[0].Offset
	for pos < size {
		n, err := f.ReadAt(buf, pos)
		if err != nil && err != io.EOF {
			return nil, false, err
		}
		b := buf[:n]
		if bytes.IndexByte(b, '"') >= 0 {
			return nil, false, nil
		}
		for len(b) > 0 {
			c := &chunks[len(chunks)-1]
			skip := max(c.Offset+target-pos-1, 0) // the record must reach the target
			if skip >= int64(len(b)) {
				line += bytes.Count(b, []byte{'\n'})
				pos += int64(len(b))
				break
			}
			k := bytes.IndexByte(b[skip:], '\n')
			if k < 0 {
				line += bytes.Count(b, []byte{'\n'})
				pos += int64(len(b))
				break
			}
			end := skip + int64(k) + 1
			line += bytes.Count(b[:end], []byte{'\n'})
			pos += end
			b = b[end:]
			if pos < size {
				c.Size = pos - c.Offset
				chunks = append(chunks, Chunk{Offset: pos, FirstLine: line + 1})
			}
		}
		if n == 0 {
			break
		}
	}
	c := &chunks[len(chunks)-1]
	c.Size = size - c.Offset
	return chunks, true, nil
}
