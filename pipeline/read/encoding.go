package read

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Encoding is a text encoding the agencies use.
type Encoding int

const (
	UTF8        Encoding = iota // UTF-8, a byte-order mark is skipped
	UTF8BOM                     // UTF-8 with a byte-order mark (accepted without one)
	Windows1252                 // "ANSI", legacy German Excel
	ISO88591                    // Latin-1
)

func (e Encoding) String() string {
	switch e {
	case UTF8:
		return "UTF-8"
	case UTF8BOM:
		return "UTF-8 mit BOM"
	case Windows1252:
		return "Windows-1252"
	case ISO88591:
		return "ISO-8859-1"
	}
	return "?"
}

// decoder turns raw field bytes into a UTF-8 string, or reports the first invalid byte.
type decoder struct {
	enc Encoding
	buf []byte
}

// text decodes b; ok is false where b holds a byte that the encoding does not define.
func (d *decoder) text(b []byte) (string, bool) {
	out, ok := d.appendText(d.buf[:0], b)
	d.buf = out
	if !ok {
		return "", false
	}
	return string(out), true
}

// appendText appends b, decoded to UTF-8, to dst; ok is false where b holds a byte
// that the encoding does not define.
func (d *decoder) appendText(dst, b []byte) ([]byte, bool) {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return append(dst, b...), true
	}
	switch d.enc {
	case UTF8, UTF8BOM:
		return append(dst, b...), utf8.Valid(b)
	case Windows1252:
		for _, c := range b {
			if c < 0x80 {
				dst = append(dst, c)
				continue
			}
			switch c {
			case 0x81, 0x8D, 0x8F, 0x90, 0x9D: // undefined in Windows-1252
				return dst, false
			}
			dst = utf8.AppendRune(dst, charmap.Windows1252.DecodeByte(c))
		}
		return dst, true
	case ISO88591:
		for _, c := range b {
			dst = utf8.AppendRune(dst, rune(c))
		}
		return dst, true
	}
	return dst, false
}

// HeadSize is how much of a text file CheckEncoding looks at.
const HeadSize = 1 << 20

// CheckEncoding looks at the start of a text file for signs that it is saved in
// another encoding than want: a UTF-16 byte-order mark; for the single-byte legacy
// encodings also a UTF-8 byte-order mark, or text with non-ASCII characters that is
// valid UTF-8 throughout (a German ü in Windows-1252 or ISO-8859-1 is one byte that
// UTF-8 never allows alone, so such text is UTF-8, not the legacy encoding). The error
// names what was found and what is expected; it never quotes the text.
func CheckEncoding(head []byte, want Encoding) error {
	found := ""
	line := 1
	switch {
	case len(head) >= 2 && (head[0] == 0xFF && head[1] == 0xFE || head[0] == 0xFE && head[1] == 0xFF):
		found = "UTF-16 (Byte-Order-Mark am Anfang)"
	case want != Windows1252 && want != ISO88591:
		return nil
	case len(head) >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF:
		found = "UTF-8 (Byte-Order-Mark am Anfang)"
	default:
		first := -1
		for i, c := range head {
			if c >= 0x80 {
				first = i
				break
			}
		}
		if first < 0 {
			return nil
		}
		body := head
		if len(head) == HeadSize { // a character may be cut at the end of the head
			for cut := len(body) - 1; cut >= 0 && cut >= len(body)-utf8.UTFMax; cut-- {
				if utf8.RuneStart(body[cut]) {
					if !utf8.FullRune(body[cut:]) {
						body = body[:cut]
					}
					break
				}
			}
		}
		if !utf8.Valid(body) {
			return nil
		}
		line += bytes.Count(head[:first], []byte{'\n'})
		found = fmt.Sprintf("UTF-8 (Umlaute und Sonderzeichen ab Zeile %d als Mehrbyte-Folgen)", line)
	}
	return &FileError{Line: line, Encoding: true,
		Reason: fmt.Sprintf("die Datei ist in %s gespeichert; erwartet ist %s: in der richtigen Kodierung neu exportieren lassen", found, want)}
}
