package read

// refScanner is the limits scanner as it was before its fast path for whole tags
// (commit a5335fa): the reference TestPartScannerReference and FuzzPartScanner
// compare partScanner with, byte for byte the old code.

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

type refScanner struct {
	part  string
	kind  xmlPartKind
	off   int64  // bytes read
	stack []byte // element codes, at most maxXMLDepth
	skip  int    // open formulas and phonetic readings
	// the token being read
	inTag       bool
	tag         []byte // the first bytes of the tag: its name
	tagLen      int
	quote       byte
	special     int  // 0 a tag, 1 a comment, 2 a CDATA section, 3 a declaration or processing instruction
	prev, prev2 byte // the bytes before the current one in the markup
	textLen     int
	entity      bool // inside a character or entity reference
	// what is open
	cellAt, siAt, rowAt int64 // where it started; -1 none
	chars               int   // the open cell's or shared string's characters
	rowCells            int
	elements            int // of a part excelize parses whole
	strings             int
	stringText          int64
}

func newRefScanner(part string, kind xmlPartKind) *refScanner {
	return &refScanner{part: part, kind: kind, rowAt: -1, cellAt: -1, siAt: -1, tag: make([]byte, 0, 64)}
}

func (s *refScanner) fail(format string, args ...any) error {
	return &FileError{Reason: "Excel-Arbeitsmappe, Bestandteil " + strconv.Quote(s.part) + ": " + fmt.Sprintf(format, args...)}
}

func (s *refScanner) tooLong() error {
	return s.fail("Text oder Element länger als %s: so lange Werte kennt die Lieferung nicht", sizeText(maxWorkbookToken))
}

func (s *refScanner) feed(b []byte) error {
	for i := 0; i < len(b); {
		if !s.inTag {
			j := bytes.IndexByte(b[i:], '<')
			text := b[i:]
			if j >= 0 {
				text = b[i : i+j]
			}
			if err := s.text(text); err != nil {
				return err
			}
			s.off += int64(len(text))
			i += len(text)
			if j < 0 {
				return nil
			}
			if err := s.boundary(); err != nil { // a tag begins
				return err
			}
			s.inTag, s.tag, s.tagLen, s.quote, s.special, s.prev, s.prev2 = true, s.tag[:0], 0, 0, 0, 0, 0
		}
		for i < len(b) && s.inTag { // inside markup, up to its end
			if s.special == 0 && len(s.tag) >= 2 {
				// In a start or end tag only quotes and the '>' outside them matter: the
				// bytes up to that '>' are counted and kept as the loop below would,
				// quoted values skipped whole.
				j, q := i, s.quote
				for j < len(b) {
					if q != 0 {
						k := bytes.IndexByte(b[j:], q)
						if k < 0 {
							j = len(b)
							break
						}
						j, q = j+k+1, 0
						continue
					}
					c := b[j]
					if c == '>' {
						break
					}
					if c == '"' || c == '\'' {
						q = c
					}
					j++
				}
				s.quote = q
				if n := j - i; n > 0 {
					if s.tagLen += n; s.tagLen > maxWorkbookToken {
						return s.tooLong()
					}
					s.off += int64(n)
					if room := cap(s.tag) - len(s.tag); room > 0 {
						s.tag = append(s.tag, b[i:i+min(n, room)]...)
					}
					if n >= 2 {
						s.prev2, s.prev = b[j-2], b[j-1]
					} else {
						s.prev2, s.prev = s.prev, b[i]
					}
					i = j
					if i == len(b) {
						break
					}
				}
			}
			c := b[i]
			i++
			s.off++
			if s.tagLen++; s.tagLen > maxWorkbookToken {
				return s.tooLong()
			}
			if len(s.tag) < cap(s.tag) {
				s.tag = append(s.tag, c)
				switch {
				case s.special == 0 && len(s.tag) == 2 && (c == '?' || c == '!'):
					s.special = 3
				case len(s.tag) == 4 && string(s.tag) == "<!--":
					s.special = 1
				case len(s.tag) == 9 && string(s.tag) == "<![CDATA[":
					s.special = 2
				}
			}
			done := false
			switch s.special {
			case 1:
				done = c == '>' && s.prev == '-' && s.prev2 == '-' && s.tagLen >= 7
			case 2:
				done = c == '>' && s.prev == ']' && s.prev2 == ']' && s.tagLen >= 12
				if !done && s.tagLen > 9 {
					if err := s.text(b[i-1 : i]); err != nil {
						return err
					}
				}
			case 3:
				done = c == '>' && (len(s.tag) < 4 || string(s.tag[:4]) != "<!--") && (len(s.tag) < 9 || string(s.tag[:9]) != "<![CDATA[")
			default:
				switch {
				case s.quote != 0:
					if c == s.quote {
						s.quote = 0
					}
				case c == '"' || c == '\'':
					s.quote = c
				case c == '>':
					done = true
					if err := s.element(s.prev == '/'); err != nil {
						return err
					}
				}
			}
			s.prev2, s.prev = s.prev, c
			if done {
				s.inTag = false
			}
		}
	}
	return nil
}

// text counts a run of text.
func (s *refScanner) text(t []byte) error {
	if s.textLen += len(t); s.textLen > maxWorkbookToken {
		return s.tooLong()
	}
	if len(t) == 0 || s.skip > 0 || s.cellAt < 0 && s.siAt < 0 {
		return nil
	}
	for _, c := range t {
		switch {
		case c == '&':
			s.entity = true
			s.chars++ // a reference stands for one character
		case s.entity:
			s.entity = c != ';'
		case utf8.RuneStart(c):
			s.chars++
		}
	}
	if s.chars > maxCellChars {
		what := "eine Zelle"
		if s.siAt >= 0 {
			what = "ein gemeinsamer Text (Shared String)"
		}
		return s.fail("%s mit mehr als %s Zeichen, mehr als Excel in einer Zelle zulässt", what, germanInt(maxCellChars))
	}
	if s.siAt >= 0 {
		if s.stringText += int64(len(t)); s.stringText > maxSharedText {
			return s.fail("gemeinsame Texte (Shared Strings) zusammen länger als %s", sizeText(maxSharedText))
		}
	}
	return nil
}

// boundary checks the open cell, shared string and row where a token begins.
func (s *refScanner) boundary() error {
	s.textLen = 0
	if s.cellAt >= 0 && s.off-s.cellAt > maxCellBytes || s.siAt >= 0 && s.off-s.siAt > maxCellBytes {
		return s.fail("eine Zelle oder ein gemeinsamer Text länger als %s", sizeText(maxCellBytes))
	}
	if s.rowAt >= 0 && s.off-s.rowAt > maxRowBytes {
		return s.fail("eine Zeile länger als %s", sizeText(maxRowBytes))
	}
	return nil
}

// element takes a complete start or end tag (empty: it ends itself, <c/>).
func (s *refScanner) element(empty bool) error {
	name := s.tag[1:]
	end := len(name) > 0 && name[0] == '/'
	if end {
		name = name[1:]
	}
	for k, c := range name {
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/' || c == '>' {
			name = name[:k]
			break
		}
	}
	if k := bytes.IndexByte(name, ':'); k >= 0 {
		name = name[k+1:]
	}
	code := elOther
	switch {
	case s.kind == worksheetPart && string(name) == "row":
		code = elRow
	case s.kind == worksheetPart && string(name) == "c":
		code = elCell
	case s.kind == worksheetPart && string(name) == "f", string(name) == "rPh":
		code = elSkip
	case s.kind == sharedStringsKind && string(name) == "si":
		code = elSI
	}
	if end {
		if len(s.stack) > 0 {
			s.close(s.stack[len(s.stack)-1])
			s.stack = s.stack[:len(s.stack)-1]
		}
		return nil
	}
	if s.kind == otherPart {
		if s.elements++; s.elements > maxPartElements {
			return s.fail("mehr als %s Elemente, mehr als eine Arbeitsmappe an dieser Stelle braucht", germanInt(maxPartElements))
		}
	}
	start := s.off - int64(s.tagLen)
	switch code {
	case elRow:
		s.rowAt, s.rowCells = start, 0
	case elCell:
		s.cellAt, s.chars, s.entity = start, 0, false
		if s.rowCells++; s.rowCells > maxRowCells {
			return s.fail("eine Zeile mit mehr als %s Zellen, mehr als Excel Spalten hat", germanInt(maxRowCells))
		}
	case elSI:
		s.siAt, s.chars, s.entity = start, 0, false
		if s.strings++; s.strings > maxSharedStrings {
			return s.fail("mehr als %s gemeinsame Texte (Shared Strings)", germanInt(maxSharedStrings))
		}
	case elSkip:
		s.skip++
	}
	if empty {
		s.close(code)
		return nil
	}
	if len(s.stack) >= maxXMLDepth {
		return s.fail("Elemente mehr als %d Ebenen tief verschachtelt", maxXMLDepth)
	}
	s.stack = append(s.stack, code)
	return nil
}

// close ends an element.
func (s *refScanner) close(code byte) {
	switch code {
	case elRow:
		s.rowAt = -1
	case elCell:
		s.cellAt = -1
	case elSI:
		s.siAt = -1
	case elSkip:
		s.skip--
	}
}

// scannerState is what partScanner and refScanner must agree on between reads (the
// scratch of the token being read, its first bytes and quotes, aside).
func scannerState(off int64, stack []byte, skip, textLen, tagLen int, inTag, entity bool, cellAt, siAt, rowAt int64, chars, rowCells, elements, strs int, stringText int64) string {
	return fmt.Sprintf("off %d stack %v skip %d text %d tag %d in %v entity %v at %d %d %d chars %d cells %d elements %d strings %d %d",
		off, stack, skip, textLen, tagLen, inTag, entity, cellAt, siAt, rowAt, chars, rowCells, elements, strs, stringText)
}

func (s *partScanner) state() string {
	return scannerState(s.off, s.stack, s.skip, s.textLen, s.tagLen, s.inTag, s.entity, s.cellAt, s.siAt, s.rowAt, s.chars, s.rowCells, s.elements, s.strings, s.stringText)
}

func (s *refScanner) state() string {
	return scannerState(s.off, s.stack, s.skip, s.textLen, s.tagLen, s.inTag, s.entity, s.cellAt, s.siAt, s.rowAt, s.chars, s.rowCells, s.elements, s.strings, s.stringText)
}

// comparePartScanners feeds data to both scanners in the same reads (sizes from
// sizes, cycled; 0: the rest) and reports where they part.
func comparePartScanners(t *testing.T, data []byte, kind xmlPartKind, sizes []int) {
	t.Helper()
	s, r := newPartScanner("x.xml", kind), newRefScanner("x.xml", kind)
	for i, k := 0, 0; i < len(data); k++ {
		n := len(data) - i
		if len(sizes) > 0 && sizes[k%len(sizes)] > 0 {
			n = min(n, sizes[k%len(sizes)])
		}
		chunk := data[i : i+n]
		err1, err2 := s.feed(chunk), r.feed(chunk)
		if fmt.Sprint(err1) != fmt.Sprint(err2) {
			t.Fatalf("kind %d, reads %v, bytes %d to %d: error %v, the old scanner's %v", kind, sizes, i, i+n, err1, err2)
		}
		if err1 != nil {
			return
		}
		if s.state() != r.state() {
			t.Fatalf("kind %d, reads %v, bytes %d to %d: state\n%s\nthe old scanner's\n%s", kind, sizes, i, i+n, s.state(), r.state())
		}
		i += n
	}
}

// partScannerInputs are parts that reach every limit and every kind of token.
func partScannerInputs() []string {
	in := []string{
		diffSheetHead + diffHeaderRow + `<row r="2" x='a>b"c'><c r="A2" t="inlineStr"><is><t>x</t></is></c><c/></row>` + diffSheetTail,
		`<?xml version="1.0"?><!-- a > comment --><worksheet><![CDATA[<row>]]><sheetData><row><c><f>A1&amp;"x"</f><v>1</v></c></row></sheetData></worksheet>`,
		`<row r="2">` + strings.Repeat(`<c/>`, maxRowCells+1) + `</row>`,
		`<worksheet><sheetData><row><c><v>` + strings.Repeat("ü", maxCellChars+1) + `</v></c></row></sheetData></worksheet>`,
		`<worksheet><sheetData><row><c><v>` + strings.Repeat("&#x41;", maxCellChars) + `</v><v>&amp;</v></c></row></sheetData></worksheet>`,
		`<worksheet x="` + strings.Repeat("a", maxWorkbookToken) + `"/>`,
		`<worksheet x="` + strings.Repeat("a", maxWorkbookToken-16) + `"/>`,
		`<worksheet>` + strings.Repeat(" ", maxWorkbookToken+1) + `</worksheet>`,
		strings.Repeat("<x>", maxXMLDepth+1),
		strings.Repeat("<x>", maxXMLDepth) + "<y/>" + strings.Repeat("</x>", maxXMLDepth),
		`<sst><si><t>a</t><rPh><t>` + strings.Repeat("b", maxCellChars+1) + `</t></rPh></si></sst>`,
		`<sst>` + strings.Repeat(`<si><t>ab</t></si>`, 1000) + `<x:si><x:t>` + strings.Repeat("c", maxCellChars+1) + `</x:t></x:si></sst>`,
		`<row><c>` + strings.Repeat(`<is><r><t>x</t></r></is>`, maxCellBytes/24+1) + `</c></row>`,
		`<row>` + strings.Repeat(`<c><v>`+strings.Repeat("1", 30000)+`</v></c>`, maxRowBytes/30000+1) + `</row>`,
		`<a:row xmlns:a="x"><a:c a:r="A1"><a:v>1</a:v></a:c></a:row><row/><c/><f>x</f><rPh>y</rPh><si/>`,
		`<><//><c/ ><c	r="1"><v>a&b;c&;&</v></c><row x="'>'" y='">"'><c/></row>`,
		`<!--x--><!---><!-- -- --><![CDATA[a]]b]]><![CDAT><?pi x="?>"?><!DOCTYPE x [<!ENTITY a "b">]><c>t</c>`,
		`<c><!--` + strings.Repeat("->", 100) + `--><v>1</v></c><c><![CDATA[` + strings.Repeat("]>", 100) + `]]></c>`,
		`<` + strings.Repeat("n", 100) + `:c><v>x</v></` + strings.Repeat("n", 100) + `:c><c` + strings.Repeat(" ", 70) + `/>`,
	}
	return in
}

// TestPartScannerReference: the limits scanner finds what the old byte-by-byte one
// found, with the same state after every read, however the part is split into reads.
func TestPartScannerReference(t *testing.T) {
	splits := [][]int{nil, {1}, {2}, {3, 5, 7}, {13}, {64}, {100, 1}, {4096}, {64 << 10}, {1000, 3}}
	for i, p := range partScannerInputs() {
		for _, kind := range []xmlPartKind{worksheetPart, sharedStringsKind, otherPart} {
			for _, sizes := range splits {
				if len(p) > 64<<10 && len(sizes) > 0 && sizes[0] < 1000 {
					continue // a large part in small reads takes long; the small parts cover those
				}
				t.Run(fmt.Sprintf("part %d", i), func(t *testing.T) { comparePartScanners(t, []byte(p), kind, sizes) })
			}
		}
	}
}

// FuzzPartScanner: partScanner and the old scanner agree on any part split into any
// reads; the token limit is lowered to 64 bytes, so that small inputs reach it.
func FuzzPartScanner(f *testing.F) {
	for _, p := range partScannerInputs() {
		if len(p) < 4096 {
			f.Add([]byte(p), uint64(1), byte(0))
		}
	}
	f.Add([]byte(diffSheetHead+diffHeaderRow+diffSheetTail), uint64(7), byte(1))
	f.Fuzz(func(t *testing.T, data []byte, seed uint64, kind byte) {
		defer func(old int) { maxWorkbookToken = old }(maxWorkbookToken)
		maxWorkbookToken = 64
		rng := rand.New(rand.NewPCG(seed, 18))
		sizes := make([]int, 1+rng.IntN(8))
		for i := range sizes {
			sizes[i] = 1 + rng.IntN(1+rng.IntN(200))
		}
		comparePartScanners(t, data, xmlPartKind(kind%3), sizes)
	})
}
