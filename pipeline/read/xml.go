package read

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

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
	known   int // records that held one of the fields
	started bool
	ended   bool // the root element has ended
	lineOf  func() int
	budget  *budget
}

// maxXMLToken bounds what the decoder reads for one token (a text, a tag with its
// attributes, a comment), and for one record's field or one skipped element as a
// whole: encoding/xml holds a token in memory, and nesting costs it memory per level.
// A longer one makes the document unreadable; a field's text up to it is read, and
// rejected by the contract's value cap when it is longer than that (source.MaxValue).
var maxXMLToken = 1 << 20

var errXMLToken = errors.New("XML token too long")

// budget is the decoder's input: it fails once more than max bytes are read since the
// last reset (after each token the reader takes). encoding/xml reads byte by byte from
// an io.ByteReader; a charset decoder between them reads ahead by at most a buffer.
type budget struct {
	br     *bufio.Reader
	n, max int
	over   bool
}

func (b *budget) reset() { b.n = 0 }

func (b *budget) ReadByte() (byte, error) {
	if b.n >= b.max {
		b.over = true
		return 0, errXMLToken
	}
	b.n++
	return b.br.ReadByte()
}

func (b *budget) Read(p []byte) (int, error) {
	if b.n >= b.max {
		b.over = true
		return 0, errXMLToken
	}
	if len(p) > b.max-b.n {
		p = p[:b.max-b.n]
	}
	k, err := b.br.Read(p)
	b.n += k
	return k, err
}

// NewXML returns a reader over the records; the root's attributes are available
// through RootAttrs once the first record (or the end) has been read.
func NewXML(r io.Reader, opt XMLOptions) (Reader, error) {
	br := &budget{br: bufio.NewReaderSize(r, 256<<10), max: maxXMLToken}
	x := &xmlReader{opt: opt, index: map[string]int{}, extra: map[string]bool{}, budget: br}
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
	return nil, &FileError{Reason: fmt.Sprintf("Zeichensatz %q wird nicht unterstützt", label), Encoding: true}
}

func (x *xmlReader) Columns() []string { return x.opt.Fields }

func (x *xmlReader) Matched() int { return x.known }

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

// name is what a reason may say of an element's name from the document: the name where
// it is the export's root, record or one of its fields, else only its length. Any other
// name was typed by whoever made the document and may be a person's (<Mueller_Anna>).
func (x *xmlReader) name(n string) string {
	if _, field := x.index[n]; field || n == x.opt.Root || n == x.opt.Record {
		return n
	}
	return fmt.Sprintf("(Name nicht wiedergegeben, %d Zeichen)", utf8.RuneCountInString(n))
}

func (x *xmlReader) fail(err error) error {
	if x.budget.over || errors.Is(err, errXMLToken) {
		return &FileError{Line: x.lineOf(), Reason: fmt.Sprintf("Text oder Element länger als %s: so lange Werte kennt die Lieferung nicht", sizeText(maxXMLToken))}
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		if strings.HasPrefix(se.Msg, "unexpected EOF") {
			return &FileError{Line: se.Line, Reason: "XML-Dokument endet vorzeitig"}
		}
		return &FileError{Line: se.Line, Reason: "kein wohlgeformtes XML: " + syntaxMessage(se.Msg, x.name), Detail: libraryDetail(se)}
	}
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return &FileError{Line: x.lineOf(), Reason: "XML-Dokument endet vorzeitig"}
	}
	var fe *FileError
	if errors.As(err, &fe) { // ours, German already (an unsupported charset)
		if fe.Line == 0 {
			fe.Line = x.lineOf()
		}
		return fe
	}
	return &FileError{Line: x.lineOf(), Reason: "XML nicht lesbar (Einzelheiten im Protokoll)", Detail: libraryDetail(err)}
}

// syntaxMessage is what a quarantine reason says of the decoder's message, in German.
// Two messages quote text of the document that may be a cell's (an entity's name, a
// name the decoder could not read): they are said without it. The others name markup
// (element names, said as name says them) or characters, which are shown.
func syntaxMessage(msg string, name func(string) string) string {
	for _, m := range syntaxMessages {
		if sub := m.re.FindStringSubmatch(msg); sub != nil {
			args := make([]any, len(sub)-1)
			for i := range args {
				args[i] = sub[i+1]
				if m.names {
					args[i] = name(sub[i+1])
				}
			}
			return shortErr(fmt.Errorf(m.german, args...))
		}
	}
	return "Syntaxfehler"
}

// syntaxMessages are encoding/xml's messages and what a reason says of them.
var syntaxMessages = []struct {
	re     *regexp.Regexp
	german string
	names  bool // what the message quotes are element names
}{
	{regexp.MustCompile(`^invalid character entity `), "ungültiger Entitätsverweis", false},
	{regexp.MustCompile(`^invalid XML name: `), "ungültiger XML-Name", false},
	{regexp.MustCompile(`^unexpected end element </(.*)>$`), "Endtag </%s> ohne Starttag", true},
	{regexp.MustCompile(`^element <(.*)> closed by </(.*)>$`), "Element <%s> durch </%s> geschlossen", true},
	{regexp.MustCompile(`^element <(.*)> in space .* closed by </(.*)> in space .*$`), "Element <%s> durch </%s> eines anderen Namensraums geschlossen", true},
	{regexp.MustCompile(`^expected element name after </$`), "Elementname nach </ fehlt", false},
	{regexp.MustCompile(`^invalid characters between </(.*) and >$`), "ungültige Zeichen im Endtag </%s>", true},
	{regexp.MustCompile(`^expected target name after <\?$`), "Name der Verarbeitungsanweisung nach <? fehlt", false},
	{regexp.MustCompile(`^invalid sequence <!- not part of <!--$`), "Folge <!- ohne Kommentar", false},
	{regexp.MustCompile(`^invalid sequence "--" not allowed in comments$`), "-- in einem Kommentar", false},
	{regexp.MustCompile(`^invalid <!\[ sequence$`), "ungültige Folge <![", false},
	{regexp.MustCompile(`^expected element name after <$`), "Elementname nach < fehlt", false},
	{regexp.MustCompile(`^expected /> in element$`), "/> im Element erwartet", false},
	{regexp.MustCompile(`^expected attribute name in element$`), "Attributname im Element fehlt", false},
	{regexp.MustCompile(`^attribute name without = in element$`), "Attribut ohne = im Element", false},
	{regexp.MustCompile(`^unquoted or missing attribute value in element$`), "Attributwert fehlt oder steht nicht in Anführungszeichen", false},
	{regexp.MustCompile(`^unexpected EOF in CDATA section$`), "Dokument endet in einem CDATA-Abschnitt", false},
	{regexp.MustCompile(`^unescaped \]\]> not in CDATA section$`), "]]> außerhalb eines CDATA-Abschnitts", false},
	{regexp.MustCompile(`^unescaped < inside quoted string$`), "< in einem Attributwert", false},
	{regexp.MustCompile(`^invalid UTF-8$`), "Bytes, die in UTF-8 ungültig sind", false},
	{regexp.MustCompile(`^illegal character code (U\+[0-9A-F]+)$`), "unzulässiges Zeichen %s", false},
}

func (x *xmlReader) Next() (*Row, error) {
	for {
		line := x.lineOf() // where the next token starts: whitespace before it is a token of its own
		x.budget.reset()
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
			return nil, &FileError{Line: line, Reason: fmt.Sprintf("Element <%s> nach dem Ende des Wurzelelements", x.name(se.Name.Local))}
		}
		if !x.started {
			if se.Name.Local != x.opt.Root {
				return nil, &FileError{Line: line, Reason: "Wurzelelement <" + x.opt.Root + "> fehlt", Found: []string{"<" + se.Name.Local + ">"}}
			}
			x.started = true
			x.root = map[string]string{}
			for _, a := range se.Attr {
				x.root[a.Name.Local] = a.Value
			}
			continue
		}
		if se.Name.Local != x.opt.Record {
			addExtra(x.extra, "<"+se.Name.Local+">")
			x.budget.reset()
			if err := x.dec.Skip(); err != nil { // the element as a whole within the budget
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
	matched := false
	for _, a := range start.Attr {
		if i, ok := x.index["@"+a.Name.Local]; ok {
			r.Fields[i] = a.Value
			if !matched {
				matched = true
				x.known++
			}
		} else {
			addExtra(x.extra, "@"+a.Name.Local)
		}
	}
	// A field that holds elements, or one that comes twice, has no one value: the record
	// is read to its end (the document goes on after it), then rejected. The reason
	// names the field, never its text.
	var problem *RowError
	seen := make([]bool, len(x.opt.Fields))
	for {
		x.budget.reset()
		tok, err := x.dec.Token()
		if err != nil {
			return nil, x.fail(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			x.budget.reset()
			text, nested, err := x.field() // the field as a whole within the budget
			if err != nil {
				return nil, x.fail(err)
			}
			i, ok := x.index[t.Name.Local]
			if !ok {
				addExtra(x.extra, t.Name.Local)
				continue
			}
			if !matched {
				matched = true
				x.known++
			}
			switch {
			case problem != nil:
			case nested:
				problem = &RowError{Line: line, Column: t.Name.Local, Reason: fmt.Sprintf("Element <%s> enthält weitere Elemente statt eines Werts", t.Name.Local)}
			case seen[i]:
				problem = &RowError{Line: line, Column: t.Name.Local, Reason: fmt.Sprintf("Element <%s> mehrfach im Datensatz", t.Name.Local)}
			}
			seen[i] = true
			r.Fields[i] = strings.TrimSpace(text)
		case xml.EndElement:
			if problem != nil {
				return nil, problem
			}
			return r, nil
		}
	}
}

// field reads a field element, its start tag read, up to its end: the text directly in
// it, and whether it holds elements (which are skipped, their text not taken).
func (x *xmlReader) field() (text string, nested bool, err error) {
	var b strings.Builder
	for {
		tok, err := x.dec.Token()
		if err != nil {
			return "", false, err
		}
		switch t := tok.(type) {
		case xml.CharData:
			b.Write(t)
		case xml.StartElement:
			nested = true
			if err := x.dec.Skip(); err != nil {
				return "", false, err
			}
		case xml.EndElement:
			return b.String(), nested, nil
		}
	}
}
