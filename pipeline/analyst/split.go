package analyst

import "strings"

// Split cuts SQL text into statements at semicolons outside string literals ('…',
// E'…' with backslash escapes, $tag$…$tag$), quoted identifiers ("…") and comments
// (-- to the end of the line, nested /* */). Statements that are empty or only
// comments are dropped.
func Split(text string) []string {
	var out []string
	start := 0
	emit := func(end int) {
		if q := strings.TrimSpace(text[start:end]); q != "" && !OnlyComments(q) {
			out = append(out, q)
		}
	}
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == ';':
			emit(i)
			i++
			start = i
		case c == '-' && strings.HasPrefix(text[i:], "--"):
			if j := strings.IndexByte(text[i:], '\n'); j >= 0 {
				i += j + 1
			} else {
				i = len(text)
			}
		case c == '/' && strings.HasPrefix(text[i:], "/*"):
			i = skipBlockComment(text, i)
		case c == '\'':
			i = skipQuoted(text, i, '\'', escapeString(text, i))
		case c == '"':
			i = skipQuoted(text, i, '"', false)
		case c == '$' && (i == 0 || !inIdent(text[i-1])):
			i = skipDollar(text, i)
		default:
			i++
		}
	}
	emit(len(text))
	return out
}

// escapeString says whether the quote at i opens an escape string (E'…', backslash
// escapes): an E or e of its own before it, not the end of a longer name (LIKE'\' is
// the operator LIKE and a plain literal).
func escapeString(text string, i int) bool {
	return i > 0 && (text[i-1] == 'E' || text[i-1] == 'e') && (i == 1 || !inIdent(text[i-2]))
}

// inIdent reports whether c continues an identifier: DuckDB's identifiers may hold $
// after their first character (a$$x is a name, not a dollar-quoted string).
func inIdent(c byte) bool { return isIdent(c) || c == '$' }

func isIdent(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// skipQuoted returns the index after the literal that starts at i; a doubled quote
// stays inside, and with escapes a backslash escapes the next byte.
func skipQuoted(text string, i int, q byte, escapes bool) int {
	for i++; i < len(text); i++ {
		switch {
		case escapes && text[i] == '\\':
			i++
		case text[i] == q:
			if i+1 < len(text) && text[i+1] == q {
				i++
				continue
			}
			return i + 1
		}
	}
	return len(text)
}

func skipBlockComment(text string, i int) int {
	depth := 0
	for i < len(text) {
		switch {
		case strings.HasPrefix(text[i:], "/*"):
			depth++
			i += 2
		case strings.HasPrefix(text[i:], "*/"):
			depth--
			i += 2
			if depth == 0 {
				return i
			}
		default:
			i++
		}
	}
	return len(text)
}

// skipDollar skips $tag$…$tag$; a $ that does not open such a string (a parameter
// such as $1) is one byte.
func skipDollar(text string, i int) int {
	j := i + 1
	for j < len(text) && text[j] != '$' && (isIdent(text[j]) && !(j == i+1 && text[j] >= '0' && text[j] <= '9')) {
		j++
	}
	if j >= len(text) || text[j] != '$' {
		return i + 1
	}
	tag := text[i : j+1]
	if k := strings.Index(text[j+1:], tag); k >= 0 {
		return j + 1 + k + len(tag)
	}
	return len(text)
}

// OnlyComments says whether q holds nothing but comments and white space.
func OnlyComments(q string) bool {
	return strings.TrimSpace(stripComments(q)) == ""
}

// stripComments removes comments outside literals (for looking at a statement's first
// word); literals stay as they are.
func stripComments(q string) string {
	var b strings.Builder
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == '-' && strings.HasPrefix(q[i:], "--"):
			if j := strings.IndexByte(q[i:], '\n'); j >= 0 {
				i += j + 1
			} else {
				i = len(q)
			}
			b.WriteByte(' ')
		case c == '/' && strings.HasPrefix(q[i:], "/*"):
			i = skipBlockComment(q, i)
			b.WriteByte(' ')
		case c == '\'' || c == '"':
			j := skipQuoted(q, i, c, c == '\'' && escapeString(q, i))
			b.WriteString(q[i:j])
			i = j
		case c == '$' && (i == 0 || !inIdent(q[i-1])):
			j := skipDollar(q, i)
			b.WriteString(q[i:j])
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}
