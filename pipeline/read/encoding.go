package read

import (
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
