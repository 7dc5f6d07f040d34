package ingest

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"os"

	"ipoint/pipeline"
	"ipoint/pipeline/atomicfile"
)

// spoolMemory is how many findings a spool holds in memory before it writes them to
// its file: a delivery with more findings than that (a hostile file of millions of bad
// rows) holds no more memory than one with that many.
var spoolMemory = 4096

// spool holds a file's findings until the file is decided, in the order they were
// found: the first spoolMemory in memory, the rest in a temporary file in the lake's
// folder. The file is removed as soon as it is open (a crash leaves nothing behind;
// where the system cannot remove an open file, the lake's sweep of temporary names
// does). The first error sticks and is returned by each and err.
type spool struct {
	dir string // where the file goes
	mem []pipeline.Finding
	f   *os.File
	w   *bufio.Writer
	n   int // findings in the file
	buf []byte
	err error
}

func newSpool(dir string) *spool { return &spool{dir: dir} }

// add appends a finding.
func (s *spool) add(f pipeline.Finding) {
	if s.err != nil {
		return
	}
	if s.f == nil && len(s.mem) < spoolMemory {
		s.mem = append(s.mem, f)
		return
	}
	if s.f == nil {
		fh, err := os.CreateTemp(s.dir, atomicfile.TempPrefix+"findings-*")
		if err != nil {
			s.err = err
			return
		}
		s.f, s.w = fh, bufio.NewWriterSize(fh, 256<<10)
		// Where an open file cannot be removed, close removes it, or a crash leaves it to
		// the next start's sweep of temporary names.
		_ = os.Remove(fh.Name())
	}
	b := s.buf[:0]
	b = binary.AppendUvarint(b, uint64(f.Line))
	if f.Rejected {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	for _, t := range [...]string{f.File, f.Column, f.Kind, f.Reason, f.Value} {
		b = binary.AppendUvarint(b, uint64(len(t)))
		b = append(b, t...)
	}
	s.buf = b
	if _, err := s.w.Write(b); err != nil {
		s.err = err
		return
	}
	s.n++
}

// len is the number of findings held.
func (s *spool) len() int { return len(s.mem) + s.n }

// each calls fn with every finding in the order added.
func (s *spool) each(fn func(pipeline.Finding) error) error {
	if s.err != nil {
		return s.err
	}
	for _, f := range s.mem {
		if err := fn(f); err != nil {
			return err
		}
	}
	if s.f == nil {
		return nil
	}
	if err := s.w.Flush(); err != nil {
		return err
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	r := bufio.NewReaderSize(s.f, 256<<10)
	defer s.f.Seek(0, io.SeekEnd) // a later add writes at the end
	for i := 0; i < s.n; i++ {
		f, err := readFinding(r)
		if err != nil {
			return fmt.Errorf("findings spool, finding %d of %d: %w", i+1, s.n, err)
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}

// readFinding reads one finding as add wrote it.
func readFinding(r *bufio.Reader) (pipeline.Finding, error) {
	var f pipeline.Finding
	line, err := binary.ReadUvarint(r)
	if err != nil {
		return f, err
	}
	rej, err := r.ReadByte()
	if err != nil {
		return f, err
	}
	f.Line, f.Rejected = int(line), rej == 1
	for _, t := range [...]*string{&f.File, &f.Column, &f.Kind, &f.Reason, &f.Value} {
		n, err := binary.ReadUvarint(r)
		if err != nil {
			return f, err
		}
		if n > 1<<30 {
			return f, errors.New("damaged: string too long")
		}
		b := make([]byte, n)
		if _, err := io.ReadFull(r, b); err != nil {
			return f, err
		}
		*t = string(b)
	}
	return f, nil
}

// close lets go of the findings and removes the file.
func (s *spool) close() {
	if s == nil {
		return
	}
	s.mem = nil
	if s.f != nil {
		s.f.Close()
		os.Remove(s.f.Name()) // where it could not be removed while open
		s.f, s.w = nil, nil
	}
}

// rowMarks records by ordinal which rows are rejected and which are kept with a
// remark: a bit each, where a map entry per row held some 40 bytes.
type rowMarks struct {
	base      int // the first row's ordinal
	rej, flag []uint64
}

func (m *rowMarks) reject(ord int)  { m.rej = setBit(m.rej, ord-m.base) }
func (m *rowMarks) flagged(ord int) { m.flag = setBit(m.flag, ord-m.base) }

func setBit(set []uint64, i int) []uint64 {
	for len(set) <= i/64 {
		set = append(set, 0)
	}
	set[i/64] |= 1 << (i % 64)
	return set
}

// counts returns the rows rejected, and the rows kept with a remark (not rejected).
func (m *rowMarks) counts() (rejected, flagged int) {
	for i, w := range m.rej {
		rejected += bits.OnesCount64(w)
		if i < len(m.flag) {
			flagged += bits.OnesCount64(m.flag[i] &^ w)
		}
	}
	for i := len(m.rej); i < len(m.flag); i++ {
		flagged += bits.OnesCount64(m.flag[i])
	}
	return rejected, flagged
}
