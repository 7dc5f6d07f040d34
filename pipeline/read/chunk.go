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
// physical line numbers in the whole file.
func NewCSVChunk(r io.Reader, opt CSVOptions, header []string, c Chunk) Reader {
	cr := newCSVReader(r, opt.Encoding, opt.Comma, 1<<20)
	cr.header, cr.line = header, c.FirstLine-1
	return cr
}
