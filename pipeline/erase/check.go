package erase

import (
	"archive/zip"
	"bytes"
	"io"

	"golang.org/x/text/encoding/unicode"
)

// check is the final check of a raw file: does it still hold the person's Kundennummer
// (as a word of its own, up to the case of its letter and O for 0) or one of their AZR
// numbers? A workbook's parts are read unpacked, a UTF-16 file decoded. A file that
// does goes to Result.Unresolved with the reason the erasure left it.
func (r *run) check(f rawFile, data []byte) {
	if !r.holds(data) {
		return
	}
	reason := "still holds the person after rewriting: another person's row mentions them"
	switch {
	case f.inflight:
		reason = "being written by an agency (*.part, *.tmp): not changed; erase again once it is complete"
	case f.export == nil:
		reason = "not a delivery: not changed"
	case !f.holdsPersons():
		reason = "a statistics table holds no persons: not changed"
	case r.broken[f.path] != nil:
		reason = "cannot be read in its format: not changed (" + r.broken[f.path].Error() + ")"
	}
	r.res.Unresolved = append(r.res.Unresolved, Unresolved{Path: f.path, Reason: reason})
	r.opt.Log.Warn("file still holds the person", "token", r.p.token, "path", f.path, "reason", reason)
}

func (r *run) holds(data []byte) bool {
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		if zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err == nil {
			for _, zf := range zr.File {
				rc, err := zf.Open()
				if err != nil {
					continue
				}
				b, _ := io.ReadAll(io.LimitReader(rc, 2<<30))
				rc.Close()
				if r.holdsText(b) {
					return true
				}
			}
		}
	}
	return r.holdsText(data)
}

func (r *run) holdsText(b []byte) bool {
	order, utf16 := unicode.LittleEndian, bytes.HasPrefix(b, []byte{0xFF, 0xFE})
	if bytes.HasPrefix(b, []byte{0xFE, 0xFF}) {
		order, utf16 = unicode.BigEndian, true
	}
	if utf16 {
		if text, err := unicode.UTF16(order, unicode.ExpectBOM).NewDecoder().Bytes(b); err == nil {
			b = text
		}
	}
	return mentions(b, r.p.kn) || mentionsDigits(b, r.p.clearAZR)
}
