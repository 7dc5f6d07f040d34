package read

import (
	"bytes"
	"unicode/utf8"
)

// Kind is what a file's first bytes say it is, whatever its name says.
type Kind int

const (
	KindText   Kind = iota // text in some 8-bit encoding or UTF-8
	KindUTF16              // text in UTF-16 (with a byte-order mark, or ASCII with NUL bytes between)
	KindZIP                // a ZIP archive (an XLSX workbook is one)
	KindXLS                // an old binary Office file (.xls, .doc)
	KindPDF                // a PDF document
	KindBinary             // other binary data
)

// Describe names a kind for staff.
func (k Kind) Describe() string {
	switch k {
	case KindText:
		return "eine Textdatei"
	case KindUTF16:
		return "eine UTF-16-Textdatei"
	case KindZIP:
		return "ein ZIP-Archiv"
	case KindXLS:
		return "eine Datei im alten Office-Format (.xls)"
	case KindPDF:
		return "ein PDF-Dokument"
	}
	return "Binärdaten"
}

// Sniff says what a file is from its head (up to a few KiB suffice).
func Sniff(head []byte) Kind {
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return KindZIP
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return KindXLS
	case bytes.HasPrefix(head, []byte("%PDF")):
		return KindPDF
	case len(head) >= 2 && (head[0] == 0xFF && head[1] == 0xFE || head[0] == 0xFE && head[1] == 0xFF):
		return KindUTF16
	}
	if len(head) > 4096 {
		head = head[:4096]
	}
	nul, ctl := 0, 0
	for _, c := range head {
		switch {
		case c == 0:
			nul++
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f':
			ctl++
		}
	}
	if nul > 0 && nul*3 >= len(head) && utf8.Valid(bytes.ReplaceAll(head, []byte{0}, nil)) {
		return KindUTF16 // ASCII text with a NUL byte beside every character
	}
	if nul > 0 || ctl*100 > len(head) {
		return KindBinary
	}
	return KindText
}
