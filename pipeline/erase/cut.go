package erase

import (
	"archive/zip"
	"bytes"
	"errors"

	"golang.org/x/text/encoding/unicode"

	"ipoint/pipeline/read"
)

// Rewriting: a raw file without some of its records, every other byte as it was.

// cut replaces the bytes [start, end) of a file with with.
type cut struct {
	start, end int
	with       string
}

// splice applies cuts, in order and not overlapping, to b.
func splice(b []byte, cuts []cut) []byte {
	out := make([]byte, 0, len(b))
	last := 0
	for _, c := range cuts {
		out = append(out, b[last:c.start]...)
		out = append(out, c.with...)
		last = c.end
	}
	return append(out, b[last:]...)
}

// blankCut replaces the bytes [start, end) of b with the line ends they hold (CRLF or
// LF as they were): the lines after them keep their numbers.
func blankCut(b []byte, start, end int) cut {
	var ends []byte
	for j := start; j < end; j++ {
		if b[j] == '\n' {
			if j > start && b[j-1] == '\r' {
				ends = append(ends, '\r')
			}
			ends = append(ends, '\n')
		}
	}
	return cut{start, end, string(ends)}
}

// blankStrings empties every shared string no kept cell uses; nil if none changed.
func blankStrings(s *read.SharedStrings, keep map[int]bool) []byte {
	var cuts []cut
	for i, t := range s.Text {
		if !keep[i] && t != "" {
			cuts = append(cuts, cut{s.Spans[i][0], s.Spans[i][1], s.Empty})
		}
	}
	if len(cuts) == 0 {
		return nil
	}
	return splice(s.Part, cuts)
}

// rezip writes the archive again: changed parts anew, every other part copied as it was.
func rezip(zr *zip.Reader, changed map[string][]byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		b, ok := changed[f.Name]
		if !ok {
			if err := zw.Copy(f); err != nil {
				return nil, err
			}
			continue
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: f.Method, Modified: f.Modified, Comment: f.Comment})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(b); err != nil {
			return nil, err
		}
	}
	if err := zw.SetComment(zr.Comment); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// fromUTF16 returns a file that starts with a UTF-16 byte-order mark as UTF-8, and the
// way back; other files as they are.
func fromUTF16(data []byte) ([]byte, func([]byte) ([]byte, error), error) {
	same := func(b []byte) ([]byte, error) { return b, nil }
	var order unicode.Endianness
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		order = unicode.LittleEndian
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		order = unicode.BigEndian
	default:
		return data, same, nil
	}
	enc := unicode.UTF16(order, unicode.ExpectBOM)
	text, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return nil, nil, err
	}
	back := func(b []byte) ([]byte, error) { return unicode.UTF16(order, unicode.UseBOM).NewEncoder().Bytes(b) }
	if again, err := back(text); err != nil || !bytes.Equal(again, data) {
		return nil, nil, errUTF16
	}
	return text, back, nil
}

var errUTF16 = errors.New("UTF-16 file that does not survive transcoding (unpaired surrogates?): not rewritten")
