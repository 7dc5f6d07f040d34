package source

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"ipoint/pipeline"
	"ipoint/pipeline/protect"
)

// What a finding may carry of a delivered cell. A finding's value, and every reason that
// speaks of a cell's text, are made from one shown, and a shown is made here alone, from
// the column's type: a new column or rule cannot quote a cell by accident.
//
// The text itself is shown only where the column's type guarantees it is not personal:
// a valid code (or J/N), text of a date's form, a short number, a value of a Form column
// that has its form. Anything else (an unknown code, which may be a surname typed into
// Geschlecht; free text; a record id) is described instead: its length and the kinds of
// its characters. Identifiers show as the Value token of their text (so that an erasure
// knows its person's findings), names and birth dates as Removed. Shown text is shortened
// in any case.

// maxShown is the most a finding shows of a cell's text, in bytes.
const maxShown = 40

// shown is what findings may carry of one cell.
type shown struct {
	value string // the finding's Value
	text  string // the cell's text where the column's type makes it safe to quote, else ""
	desc  string // else: what the text is like, e.g. "6 Zeichen: Buchstaben"
}

// show decides, by the column's type, what a finding may carry of raw.
func show(pz *protect.Pseudonymizer, c *Column, raw string) shown {
	if raw == "" {
		return shown{}
	}
	switch c.Type {
	case Drop, BirthDate:
		return shown{value: Removed, desc: describe(raw)}
	case Kundennummer, BGNummer, AZRNummer, Betriebsnummer:
		return shown{value: pz.Token(protect.Value, raw), desc: describe(raw)}
	}
	if safe(c, raw) {
		t := clip(raw)
		return shown{value: t, text: t}
	}
	return shown{desc: describe(raw)}
}

// safe reports whether a cell's text is of a form that cannot carry personal text.
func safe(c *Column, raw string) bool {
	switch c.Type {
	case Code:
		return pipeline.Contains(c.Codes, raw)
	case YesNo:
		return raw == "J" || raw == "N"
	case Date:
		return shaped(raw, "99.99.9999")
	case ISODate:
		return shaped(raw, "9999-99-99")
	case Form:
		return c.Valid != nil && c.Valid(raw)
	case Decimal, Money, Integer, Count, WZ2008:
		return number(raw)
	}
	return false // Text, RecordID, and any type added later until it is listed here
}

// shaped reports whether s has the form of pattern, where 9 stands for a digit.
func shaped(s, pattern string) bool {
	if len(s) != len(pattern) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if p := pattern[i]; p == '9' && (s[i] < '0' || s[i] > '9') || p != '9' && s[i] != p {
			return false
		}
	}
	return true
}

// number reports whether s looks like a number short enough not to be an identifier:
// digits, signs and separators only, and at most 7 digits (a Betriebsnummer has 8, an
// AZR-Nummer 12).
func number(s string) bool {
	if len(s) > 16 {
		return false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			n++
		case c == '.' || c == ',' || c == '-' || c == '+' || c == '/':
		default:
			return false
		}
	}
	return n <= 7
}

// describe says what a text is like without showing it: its length in characters and
// the kinds of characters in it.
func describe(s string) string {
	var digit, letter, space, other bool
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			digit = true
		case unicode.IsLetter(r):
			letter = true
		case unicode.IsSpace(r):
			space = true
		default:
			other = true
		}
	}
	var kinds []string
	for _, k := range []struct {
		on   bool
		name string
	}{{letter, "Buchstaben"}, {digit, "Ziffern"}, {space, "Leerzeichen"}, {other, "Sonderzeichen"}} {
		if k.on {
			kinds = append(kinds, k.name)
		}
	}
	return fmt.Sprintf("%d Zeichen: %s", utf8.RuneCountInString(s), strings.Join(kinds, ", "))
}

// clip shortens a text to maxShown bytes at a character boundary.
func clip(s string) string {
	if len(s) <= maxShown {
		return s
	}
	cut := maxShown - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// reason makes a reason about the cell: what was wrong, then the quoted text where it
// may be shown, or else what the text is like.
func (s shown) reason(what string) string {
	switch {
	case s.text != "":
		return what + ": " + strconv.Quote(s.text)
	case s.desc != "":
		return what + " (" + s.desc + ")"
	}
	return what
}

// Shown returns what a reason may say of a column's text in this row: the quoted text
// where the column's type makes it safe (a valid code, a date, a number), else its length
// and kinds of characters. Rules use it rather than Raw for any text in a reason.
func (r *RowContext) Shown(column string) string {
	i, ok := r.e.Column(column)
	if !ok {
		return ""
	}
	s := show(r.pz, &r.e.Columns[i], r.raw[i])
	if s.text != "" {
		return s.text
	}
	return "(" + s.desc + ")"
}

// ShownKreis is what a quarantine reason may say of a Kreis the document itself names
// (an XML root's attribute): the key where it is one, else what the text is like.
func ShownKreis(k string) string {
	switch {
	case k == "":
		return "(leer)"
	case pipeline.Contains(pipeline.Kreise, k):
		return strconv.Quote(k)
	}
	return "(" + describe(k) + ")"
}

// ShownNames is what a quarantine reason may say of the names a delivery uses for its
// columns (a CSV header, JSON keys, XML element and attribute names), so that staff can
// see what the file holds and find a typo in a header. Such a name is typed by whoever
// made the export and may be a person's ("Yilmaz", <Mueller_Anna>), so, as in ShownExtra,
// a name is shown as it is only where it is a column name of one of the contracts (or an
// XML export's root or record element) or plausibly a misspelling of one (nearName):
// "Kundenummer", "staatsangehörigkeit", "Geschelcht". Any other is described by its
// length and kinds of characters, as "(Name nicht wiedergegeben, …)", after "Element" or
// "Attribut" where it was one. The delivery itself, in quarantine, holds the names.
//
// At most eight names are listed, each cut to 30 bytes. A file without a header has a
// data row in its place: where any name has a run of four digits (a date, an identifier,
// a Gemeinde key) or characters a column name does not use, none is shown or described:
// the row is said to look like data, with its number of fields (the surname beside a
// Kundennummer is a cell as well).
func ShownNames(names []string) string {
	const most, width = 8, 30
	for _, n := range names {
		if n = strings.TrimSpace(n); n != "" && !nameLike(n) {
			return fmt.Sprintf("keine Spaltennamen, sondern offenbar Daten (%d Felder, nicht wiedergegeben)", len(names))
		}
	}
	var out []string
	for _, n := range names {
		if len(out) == most {
			out = append(out, fmt.Sprintf("… und %d weitere", len(names)-most))
			break
		}
		n = strings.TrimSpace(n)
		bare, kind := splitName(n, "Element ")
		switch {
		case strings.TrimSpace(bare) == "":
			out = append(out, kind+"(leer)")
		case contractNames()[bare] || contractNames()[n] || nearName(bare):
			out = append(out, pipeline.Clip(n, width))
		default:
			out = append(out, kind+"(Name nicht wiedergegeben, "+describe(bare)+")")
		}
	}
	if len(out) == 0 {
		return "nichts"
	}
	return strings.Join(out, ";")
}

// nearName reports whether a name is plausibly a misspelling of a contract's column name
// (or XML root or record element), so that a reason may show it. Both are folded first:
// letters lower-cased, ä, ö, ü and ß read as ae, oe, ue and ss, spaces, underscores and
// hyphens dropped. A folded name is near where it equals a folded contract name, or is
// one edit from one of at least 6 characters, or two edits from one of at least 10 (an
// edit: a character added, dropped or changed, or two neighbours swapped). One edit on
// short names, rather than two, keeps surnames out: "Jaeger" is two from "Traeger".
func nearName(name string) bool {
	f := []rune(fold(name))
	for _, c := range foldedNames() {
		d := len(c) - len(f)
		switch {
		case d == 0 && string(c) == string(f):
			return true
		case d < -2 || d > 2 || len(c) < 6:
		case osa(f, c) <= 1, len(c) >= 10 && osa(f, c) <= 2:
			return true
		}
	}
	return false
}

// fold is a name as nearName compares it.
func fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch r {
		case ' ', '_', '-':
		case 'ä':
			b.WriteString("ae")
		case 'ö':
			b.WriteString("oe")
		case 'ü':
			b.WriteString("ue")
		case 'ß':
			b.WriteString("ss")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// foldedNames are contractNames folded, without the @ of an attribute.
var foldedNames = sync.OnceValue(func() [][]rune {
	seen := map[string]bool{}
	var out [][]rune
	for n := range contractNames() {
		if f := fold(strings.TrimPrefix(n, "@")); f != "" && !seen[f] {
			seen[f] = true
			out = append(out, []rune(f))
		}
	}
	return out
})

// osa is the optimal string alignment distance of a and b: the fewest characters added,
// dropped, changed, or neighbours swapped that make one the other (no part edited twice).
func osa(a, b []rune) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// nameLike reports whether s may be shown as a column's name.
func nameLike(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
			if digits >= 4 {
				return false
			}
			continue
		case unicode.IsLetter(r), r == '_', r == '-', r == '.', r == ' ', r == '<', r == '>', r == '@', r == '(', r == ')', r == '/':
		default:
			return false
		}
		digits = 0
	}
	return true
}

// Said is the form every quarantine reason takes before staff read it (the summary, the
// manifest, the reason file, the notice): valid UTF-8 without control characters, so
// that no byte a delivery brought in (a decoder's message, an element's name) reaches a
// text file or a terminal as it was.
func Said(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return '\uFFFD'
		}
		return r
	}, s)
}

// ShownExtra is what the manifest and the summary record of the names a delivery uses
// beyond its contract's (a header's columns, JSON keys, XML elements and attributes). Such
// a name is typed by whoever made the export, and may be a note with a name or a
// Kundennummer in it ("Rückruf Yilmaz", <Mueller_Anna/>): no test of its form tells that
// from a new column ("Bemerkung"). So a name is recorded as it is only where it is a column
// of one of the contracts; any other as what it is like, its length and kinds of
// characters, and whether it was an XML attribute or an element outside the records. The
// delivery itself, in the inbox's archive, holds the name.
func ShownExtra(names []string) []string {
	if len(names) == 0 {
		return nil
	}
	known := contractNames()
	out := make([]string, 0, len(names))
	for _, n := range names {
		bare, kind := splitName(n, "Element außerhalb der Datensätze ")
		switch {
		case known[bare] || known[n]:
			out = append(out, n)
			continue
		case strings.TrimSpace(bare) == "":
			out = append(out, kind+"(leer)")
			continue
		}
		out = append(out, kind+"(Name nicht wiedergegeben, "+describe(bare)+")")
	}
	return out
}

// contractNames are the column names of every export's contract (an XML attribute's
// without its @) and the XML exports' root and record elements: names a delivery may
// carry that no person typed.
var contractNames = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, e := range All() {
		for _, n := range []string{e.Root, e.Record} {
			if n != "" {
				m[n] = true
			}
		}
		for _, c := range e.Columns {
			m[c.Name] = true
			m[strings.TrimPrefix(c.Name, "@")] = true
		}
	}
	return m
})

// splitName parts a recorded name into the name itself and what it was: "@name" an XML
// attribute, "<name>" an element (said as element), any other a column or key.
func splitName(n, element string) (bare, kind string) {
	switch {
	case strings.HasPrefix(n, "@"):
		return n[1:], "Attribut "
	case strings.HasPrefix(n, "<") && strings.HasSuffix(n, ">") && len(n) >= 2:
		return n[1 : len(n)-1], element
	}
	return n, ""
}
