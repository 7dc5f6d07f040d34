package synth

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// textFile writes one delivered text file: encoded, with the export's line ends, to a
// hidden temporary name that is renamed once complete, as agencies do.
type textFile struct {
	name  string // final base name
	dir   string
	f     *os.File
	w     *bufio.Writer
	enc   *charmap.Charmap // nil: UTF-8
	eol   string
	lines int // physical lines written
	buf   []byte
	err   error
}

func createText(dir, name string, enc *charmap.Charmap, eol string, bom bool) (*textFile, error) {
	f, err := os.CreateTemp(dir, ".synth-*")
	if err != nil {
		return nil, err
	}
	t := &textFile{name: name, dir: dir, f: f, w: bufio.NewWriterSize(f, 256<<10), enc: enc, eol: eol}
	if bom {
		t.w.WriteString("\uFEFF")
	}
	return t, nil
}

// line writes s and a line end.
func (t *textFile) line(s string) {
	t.write(s)
	t.w.WriteString(t.eol)
	t.lines++
}

// partial writes s without a line end (a row cut off).
func (t *textFile) partial(s string) { t.write(s) }

func (t *textFile) write(s string) {
	if t.err != nil {
		return
	}
	if t.enc == nil {
		t.w.WriteString(s)
		return
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			t.w.WriteByte(c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		b, ok := t.enc.EncodeRune(r)
		if !ok {
			t.err = fmt.Errorf("%s: %q cannot be encoded", t.name, r)
			return
		}
		t.w.WriteByte(b)
		i += n
	}
}

// record writes one CSV record with ';' as the separator. A field is quoted only where
// it holds ';', '"', a line break or a leading space; a '"' inside is doubled.
func (t *textFile) record(fields ...string) {
	t.line(csvLine(t.buf[:0], fields))
}

func csvLine(b []byte, fields []string) string {
	for i, f := range fields {
		if i > 0 {
			b = append(b, ';')
		}
		if needsQuotes(f) {
			b = append(b, '"')
			b = append(b, strings.ReplaceAll(f, `"`, `""`)...)
			b = append(b, '"')
		} else {
			b = append(b, f...)
		}
	}
	return string(b)
}

func needsQuotes(f string) bool {
	return f != "" && (strings.ContainsAny(f, ";\"\r\n") || f[0] == ' ')
}

// commit completes the file under its final name.
func (t *textFile) commit() error {
	if t.err == nil {
		t.err = t.w.Flush()
	}
	if err := t.f.Close(); t.err == nil {
		t.err = err
	}
	if t.err != nil {
		os.Remove(t.f.Name())
		return t.err
	}
	return os.Rename(t.f.Name(), filepath.Join(t.dir, t.name))
}

// abort removes the temporary file.
func (t *textFile) abort() {
	t.f.Close()
	os.Remove(t.f.Name())
}

// writeAtomic writes data under name in dir via a temporary file.
func writeAtomic(dir, name string, data []byte) error {
	return copyAtomic(dir, name, bytes.NewReader(data))
}

// copyAtomic writes what r holds under name in dir via a temporary file.
func copyAtomic(dir, name string, r io.Reader) error {
	f, err := os.CreateTemp(dir, ".synth-*")
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	return os.Rename(f.Name(), filepath.Join(dir, name))
}
