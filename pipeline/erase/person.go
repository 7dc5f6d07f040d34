package erase

import (
	"sort"
	"strings"

	"ipoint/pipeline/protect"
	"ipoint/pipeline/source"
)

// person is what an erasure knows of the person. The clear Kundennummer lives in memory
// only; everything that links further rows to them is kept as tokens (it goes to the
// journal), except the clear AZR numbers found in their rows, which the final check of
// the raw files searches for.
type person struct {
	kn    string // the Kundennummer, validated
	token string // protect.Kunde token of kn
	pz    *protect.Pseudonymizer

	azr   set // AZR tokens that occur with this person and no other
	ids   set // value tokens of the record tokens of ids (Aufnahme_ID, Teilnahme_ID, ...) only their rows carry
	bgs   set // BG tokens of households of this person alone
	names set // value tokens of "Nachname, Vorname, Geburtsdatum" of their client-master rows

	// values are the value tokens of the identifiers as delivered in their rows: a
	// finding shows a rejected identifier as such a token.
	values set

	clearAZR set // AZR numbers as delivered in their rows (memory only)
}

type set map[string]bool

func (s set) add(k string) {
	if k != "" {
		s[k] = true
	}
}

func (s set) sorted() []string {
	out := make([]string, 0, len(s))
	for k := range s {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func newPerson(key protect.Key, kn string) *person {
	pz := protect.New(key)
	p := &person{kn: kn, token: pz.Token(protect.Kunde, kn), pz: pz,
		azr: set{}, ids: set{}, bgs: set{}, names: set{}, values: set{}, clearAZR: set{}}
	// A finding shows a rejected identifier as the token of its text: the forms rule 1 of
	// docs/erase.md takes for theirs (lower case, one O for a zero) are known without
	// the raw file.
	lower := kn[:3] + strings.ToLower(kn[3:4]) + kn[4:]
	for _, form := range []string{kn, lower} {
		p.values.add(pz.Token(protect.Value, form))
		for i := 4; i < len(form); i++ {
			if form[i] == '0' {
				p.values.add(pz.Token(protect.Value, form[:i]+"O"+form[i+1:]))
			}
		}
	}
	return p
}

func (p *person) valueToken(s string) string { return p.pz.Token(protect.Value, s) }

// nameKey is the value token of a client-master row's name and birth date.
func (p *person) nameKey(name string) string {
	if name == "" {
		return ""
	}
	return p.valueToken("name\x00" + name)
}

// canonical returns s (trimmed) as a Kundennummer where it is one up to the case of its
// letter and the letter O typed for a zero ("975d0O4711" is 975D004711): dirt that can
// only mean this one number. A number a digit short could mean ten; it is not canonical.
func canonical(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) != 10 {
		return "", false
	}
	b := []byte(s)
	for i, c := range b {
		switch {
		case i == 3 && c >= 'a' && c <= 'z':
			b[i] = c - 'a' + 'A'
		case i != 3 && (c == 'O' || c == 'o'):
			b[i] = '0'
		}
	}
	if !source.IsKundennummer(string(b)) {
		return "", false
	}
	return string(b), true
}

// near reports whether a malformed Kundennummer is one edit (a character missing,
// added or changed) from kn, ignoring case: it may be the person's, or a neighbour's.
func near(s, kn string) bool {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" || len(s) < len(kn)-1 || len(s) > len(kn)+1 {
		return false
	}
	i := 0
	for i < len(s) && i < len(kn) && s[i] == kn[i] {
		i++
	}
	switch {
	case len(s) == len(kn):
		return i == len(s) || s[i+1:] == kn[i+1:]
	case len(s) < len(kn):
		return s[i:] == kn[i+1:]
	default:
		return s[i+1:] == kn[i:]
	}
}

// mentions reports whether b holds the person's Kundennummer as a word of its own (not
// inside a longer run of letters and digits), up to the case of its letter and the
// letter O for a zero. It finds the number in free text, in a line that cannot be
// parsed, and in the final check of every raw file.
func mentions(b []byte, kn string) bool {
	if len(kn) == 0 {
		return false
	}
	for i := 0; i+len(kn) <= len(b); i++ {
		if b[i] != kn[0] || (i > 0 && alnum(b[i-1])) {
			continue
		}
		j := 1
		for ; j < len(kn); j++ {
			c, want := b[i+j], kn[j]
			if c == want || (want == '0' && (c == 'O' || c == 'o')) || (j == 3 && c == want-'A'+'a') {
				continue
			}
			break
		}
		if j == len(kn) && (i+j == len(b) || !alnum(b[i+j])) {
			return true
		}
	}
	return false
}

// mentionsDigits reports whether b holds one of the numbers (digits only) as a number
// of its own, not inside a longer run of digits.
func mentionsDigits(b []byte, numbers set) bool {
	for i := 0; i < len(b); i++ {
		if !digit(b[i]) || (i > 0 && digit(b[i-1])) {
			continue
		}
		j := i
		for j < len(b) && digit(b[j]) {
			j++
		}
		if numbers[string(b[i:j])] {
			return true
		}
		i = j
	}
	return false
}

func digit(c byte) bool { return c >= '0' && c <= '9' }
func alnum(c byte) bool { return digit(c) || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }

// owner follows who carries an identifier: the first Kunde token seen, and whether any
// other was seen too. An identifier links rows to the person only while it is theirs
// alone.
type owner struct {
	token string
	multi bool
}

type owners map[string]*owner

func (o owners) add(id, token string) {
	if id == "" || token == "" {
		return
	}
	w := o[id]
	if w == nil {
		o[id] = &owner{token: token}
		return
	}
	if w.token != token {
		w.multi = true
	}
}

// only reports whether the person alone carries id.
func (o owners) only(id, token string) bool {
	w := o[id]
	return w != nil && !w.multi && w.token == token
}
