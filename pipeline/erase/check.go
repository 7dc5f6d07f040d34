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
	t := textOf(data)
	return mentions(t, r.p.kn) || mentionsDigits(t, r.p.clearAZR)
}

// textOf returns what a raw file says as bytes to search: a workbook's parts unpacked
// (one after the other), a UTF-16 file decoded, any other file as it is.
func textOf(data []byte) []byte {
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		if zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err == nil {
			out := append([]byte(nil), data...) // stored (uncompressed) bytes, and what no part holds
			for _, zf := range zr.File {
				rc, err := zf.Open()
				if err != nil {
					continue
				}
				b, _ := io.ReadAll(io.LimitReader(rc, 2<<30))
				rc.Close()
				out = append(append(out, '\n'), b...)
			}
			return out
		}
	}
	order, utf16 := unicode.LittleEndian, bytes.HasPrefix(data, []byte{0xFF, 0xFE})
	if bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		order, utf16 = unicode.BigEndian, true
	}
	if utf16 {
		if text, err := unicode.UTF16(order, unicode.ExpectBOM).NewDecoder().Bytes(data); err == nil {
			return text
		}
	}
	return data
}
