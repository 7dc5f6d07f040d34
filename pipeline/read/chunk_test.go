package read

import (
	"bytes"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
)

// chunkInputs are CSV files (separator ';') that are hard to split: quoted line ends,
// doubled quotes, bare quotes in unquoted fields, blank lines before the header.
var chunkInputs = []struct {
	name string
	in   string
}{
	{"quoted line ends", "a;b\n1;\"x\ny\nz\"\n2;\"\"\"\n\"\"\"\n3;4\n5;\"\n\n\"\n6;7\n"},
	{"bare quote, then a quoted line end", "a;b\nab\"c;1\n2;\"x\ny\"\n3;4\n5;6\n7;8\n"},
	{"bare quote in the header", "a\"x;b\n1;\"x\ny\"\n3;4\n5;6\n"},
	{"quote after a comma in a ';' file", "a;b\nx,\"y;1\n2;3\n4;\"5\n6\"\n7;8\n"},
	{"quote after a tab", "a;b\nx\t\"y;1\n2;3\n4;5\n"},
	{"blank lines before the header", "\n\r\n\na;b\n1;2\n3;\"4\n5\"\n6;7\n"},
	{"CRLF and a cut last line", "a;b\r\n1;2\r\n3;\"4\r\n5\"\r\n6;7\r\n8;9"},
	{"quote never closed", "a;b\n1;2\n\"3;4\n5;6\n7;8\n"},
	{"UTF-8 BOM, then a blank line", "\xEF\xBB\xBF\r\na;b\r\n1;2\r\n3;\"4\r\n\"\r\n"},
	{"only a header", "a;b\n"},
	{"0 bytes", ""},
}

// TestSplitCSV reads each file whole with NewCSV and in chunks with SplitCSV and
// NewCSVChunk, for several chunk counts: the rows, row errors and file errors must be
// the same, in the same order, with the same lines.
func TestSplitCSV(t *testing.T) {
	type input struct {
		name string
		in   string
		opt  CSVOptions
	}
	var inputs []input
	for _, c := range chunkInputs {
		inputs = append(inputs, input{c.name, c.in, CSVOptions{}})
	}
	for _, c := range csvCases {
		if c.opt.Comma == 0 || c.opt.Comma == ';' {
			inputs = append(inputs, input{"TestCSV/" + c.name, c.in, c.opt})
		}
	}
	for _, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			whole, err := NewCSV(strings.NewReader(in.in), in.opt)
			if err != nil {
				return // the file is quarantined before it is split
			}
			want := describeAll(t, whole)
			path := writeTemp(t, "verbis_kunden.csv", []byte(in.in))
			for n := 1; n <= 6; n++ {
				chunks, err := SplitCSV(path, n)
				if err != nil {
					t.Fatalf("SplitCSV(%d): %v", n, err)
				}
				var got []string
				var end int64
				for i, c := range chunks {
					if c.Offset != end && i > 0 || c.Size < 0 {
						t.Fatalf("n=%d: chunks %+v do not follow each other", n, chunks)
					}
					end = c.Offset + c.Size
					r := NewCSVChunk(io.NewSectionReader(bytes.NewReader([]byte(in.in)), c.Offset, c.Size), in.opt, whole.Columns(), c)
					got = append(got, describeAll(t, r)...)
					if strings.HasPrefix(got[len(got)-1], "file error") {
						break
					}
					if i < len(chunks)-1 {
						got = got[:len(got)-1] // "end" of this chunk
					}
				}
				if end != int64(len(in.in)) && !strings.HasPrefix(got[len(got)-1], "file error") {
					t.Errorf("n=%d: chunks %+v end at %d of %d bytes", n, chunks, end, len(in.in))
				}
				if !slices.Equal(got, want) {
					t.Errorf("n=%d, chunks %+v:\n got %q\nwant %q", n, chunks, got, want)
				}
			}
		})
	}
}

// describeAll reads r to its end: row and row error texts, then "end" or the file error.
func describeAll(t *testing.T, r Reader) []string {
	t.Helper()
	var out []string
	for _, e := range collect(t, r) {
		if e.end != nil {
			return append(out, "file error "+e.end.Error())
		}
		out = append(out, e.text)
	}
	return append(out, "end")
}

// TestSplitCSVSmallBlocks runs TestSplitCSV with blocks of a few bytes, so that the
// line ends of a file without quotes fall on every side of a block's end.
func TestSplitCSVSmallBlocks(t *testing.T) {
	defer func(n int) { splitBlock = n }(splitBlock)
	for _, n := range []int{1, 2, 7} {
		splitBlock = n
		TestSplitCSV(t)
	}
}

// TestSplitCSVParts: a file larger than the target is really split, at record ends only.
func TestSplitCSVParts(t *testing.T) {
	var b strings.Builder
	b.WriteString("a;b\r\n")
	for i := range 1000 {
		if i%7 == 0 {
			b.WriteString("x\"y;\"mehr\r\nzeilig\"\r\n") // a bare quote, then a quoted line end
		} else {
			b.WriteString("1;2\r\n")
		}
	}
	path := writeTemp(t, "verbis_kunden.csv", []byte(b.String()))
	chunks, err := SplitCSV(path, 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(chunks) < 3 {
		t.Fatalf("%d chunks, want about 4: %+v", len(chunks), chunks)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range chunks[1:] {
		if data[c.Offset-1] != '\n' || bytes.HasPrefix(data[c.Offset:], []byte("zeilig")) {
			t.Errorf("chunk %+v starts inside a record", c)
		}
		if got := bytes.Count(data[:c.Offset], []byte("\n")) + 1; got != c.FirstLine {
			t.Errorf("chunk %+v: first line is %d", c, got)
		}
	}
}
