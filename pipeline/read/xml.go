package read

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// XMLOptions describe a document of records: a root element holding record elements,
// each with simple child elements and attributes.
type XMLOptions struct {
	Root   string   // name of the root element
	Record string   // name of a record element
	Fields []string // "@name" for an attribute of the record, else a child element
}

// xmlReader streams the records of an XML document in the encoding its declaration
// names (UTF-8 or ISO-8859-1; Windows-1252 is accepted too). A document that is not
// well-formed, or holds bytes invalid in its encoding, cannot be read: a FileError.
type xmlReader struct {
	dec     *xml.Decoder
	closer  io.Closer
	opt     XMLOptions
	index   map[string]int
	extra   map[string]bool
	root    map[string]string
	started bool
	ended   bool // the root element has ended
	lineOf  func() int
}

// NewXML returns a reader over the records; the root's attributes are available
// through RootAttrs once the first record (or the end) has been read.
func NewXML(r io.Reader, opt XMLOptions) (Reader, error) {
	br := bufio.NewReaderSize(r, 256<<10)
	x := &xmlReader{opt: opt, index: map[string]int{}, extra: map[string]bool{}}
	if cl, ok := r.(io.Closer); ok {
		x.closer = cl
	}
	for i, f := range opt.Fields {
		x.index[f] = i
	}
	x.dec = xml.NewDecoder(br)
	x.dec.CharsetReader = charsetReader
	x.dec.Strict = true
	x.lineOf = func() int { l, _ := x.dec.InputPos(); return l }
	return x, nil
}

func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "iso_8859-1":
		return charmap.ISO8859_1.NewDecoder().Reader(in), nil
	case "windows-1252", "cp1252":
		return charmap.Windows1252.NewDecoder().Reader(in), nil
	}
	return nil, fmt.Errorf("Zeichensatz %q wird nicht unterstützt", label)
}

func (x *xmlReader) Columns() []string { return x.opt.Fields }

// RootAttrs returns the attributes of the root element.
func (x *xmlReader) RootAttrs() map[string]string { return x.root }

func (x *xmlReader) Extra() []string {
	var out []string
	for k := range x.extra {
		out = append(out, k)
	}
	return sortStrings(out)
}

func (x *xmlReader) Close() error {
	if x.closer != nil {
		return x.closer.Close()
	}
	return nil
}

func (x *xmlReader) fail(err error) error {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		if strings.HasPrefix(se.Msg, "unexpected EOF") {
			return &FileError{Line: se.Line, Reason: "XML-Dokument endet vorzeitig"}
		}
		return &FileError{Line: se.Line, Reason: "kein wohlgeformtes XML: " + syntaxMessage(se.Msg)}
	}
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return &FileError{Line: x.lineOf(), Reason: "XML-Dokument endet vorzeitig"}
	}
	return &FileError{Line: x.lineOf(), Reason: "XML nicht lesbar: " + err.Error()}
}

// syntaxMessage is what a quarantine reason says of the decoder's message. Two messages
// quote text of the document that may be a cell's (an entity's name, a name the decoder
// could not read): they are said without it. The others name markup or characters.
func syntaxMessage(msg string) string {
	switch {
	case strings.HasPrefix(msg, "invalid character entity "):
		return "ungültiger Entitätsverweis"
	case strings.HasPrefix(msg, "invalid XML name: "):
		return "ungültiger XML-Name"
	}
	if len(msg) > 120 {
		return shortErr(errors.New(msg))
	}
	return msg
}

func (x *xmlReader) Next() (*Row, error) {
	for {
		line := x.lineOf() // where the next token starts: whitespace before it is a token of its own
		tok, err := x.dec.Token()
		if err == io.EOF {
			if !x.started {
				return nil, &FileError{Reason: "kein Wurzelelement <" + x.opt.Root + ">"}
			}
			return nil, io.EOF
		}
		if err != nil {
			return nil, x.fail(err)
		}
		if _, ok := tok.(xml.EndElement); ok {
			x.ended = true // records and other elements are read to their end: this is the root's
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if x.ended {
			return nil, &FileError{Line: line, Reason: fmt.Sprintf("Element <%s> nach dem Ende des Wurzelelements", se.Name.Local)}
		}
		if !x.started {
			if se.Name.Local != x.opt.Root {
				return nil, &FileError{Line: line, Reason: fmt.Sprintf("Wurzelelement <%s> statt <%s>", se.Name.Local, x.opt.Root)}
			}
			x.started = true
			x.root = map[string]string{}
			for _, a := range se.Attr {
				x.root[a.Name.Local] = a.Value
			}
			continue
		}
		if se.Name.Local != x.opt.Record {
			x.extra["<"+se.Name.Local+">"] = true
			if err := x.dec.Skip(); err != nil {
				return nil, x.fail(err)
			}
			continue
		}
		return x.record(se, line)
	}
}

// record reads one record element up to its end.
func (x *xmlReader) record(start xml.StartElement, line int) (*Row, error) {
	r := &Row{Line: line, Fields: make([]string, len(x.opt.Fields))}
	for _, a := range start.Attr {
		if i, ok := x.index["@"+a.Name.Local]; ok {
			r.Fields[i] = a.Value
		} else {
			x.extra["@"+a.Name.Local] = true
		}
	}
	for {
		tok, err := x.dec.Token()
		if err != nil {
			return nil, x.fail(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			var text string
			if err := x.dec.DecodeElement(&text, &t); err != nil {
				return nil, x.fail(err)
			}
			if i, ok := x.index[t.Name.Local]; ok {
				r.Fields[i] = strings.TrimSpace(text)
			} else {
				x.extra[t.Name.Local] = true
			}
		case xml.EndElement:
			return r, nil
		}
	}
}
