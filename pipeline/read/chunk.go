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
// inside a quoted field is not a boundary: quotes are counted from the start.
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
	quotes := 0
	// Skip the header record.
	for {
		b, err := br.ReadSlice('\n')
		pos += int64(len(b))
		if err == bufio.ErrBufferFull {
			quotes += bytes.Count(b, []byte{'"'})
			continue
		}
		quotes += bytes.Count(b, []byte{'"'})
		if len(b) > 0 && b[len(b)-1] == '\n' {
			line++
		}
		if err != nil || quotes%2 == 0 {
			break
		}
	}
	data := st.Size() - pos
	if n < 1 {
		n = 1
	}
	target := data/int64(n) + 1
	chunks := []Chunk{{Offset: pos, FirstLine: line + 1}}
	quotes = 0
	for {
		b, err := br.ReadSlice('\n')
		pos += int64(len(b))
		quotes += bytes.Count(b, []byte{'"'})
		if err == bufio.ErrBufferFull {
			continue
		}
		if len(b) > 0 && b[len(b)-1] == '\n' {
			line++
			c := &chunks[len(chunks)-1]
			if quotes%2 == 0 && pos-c.Offset >= target && pos < st.Size() {
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
// physical line numbers in the whole file.
func NewCSVChunk(r io.Reader, opt CSVOptions, header []string, c Chunk) Reader {
	if opt.Comma == 0 {
		opt.Comma = ';'
	}
	cr := &csvReader{br: bufio.NewReaderSize(r, 1<<20), dec: decoder{enc: opt.Encoding}, comma: opt.Comma,
		header: header, line: c.FirstLine - 1}
	if cl, ok := r.(io.Closer); ok {
		cr.closer = cl
	}
	return cr
}
