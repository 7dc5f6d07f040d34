package analyst

import (
	"bytes"
	"encoding/csv"
	"regexp"
	"strings"
)

// COPY … TO STDOUT is how psql's \copy and clients' copy_expert save results in the
// analyst's own program: the rows go over the connection, never into a server file.

type copyOut struct {
	csv    bool
	header bool
	delim  rune
}

var copyRe = regexp.MustCompile(`(?is)^\s*COPY\s+(\(.*\)|[a-z0-9_."]+)\s+TO\s+STDOUT\b(.*)$`)

// copyToStdout splits COPY (query) TO STDOUT [options] into the query and its format.
func copyToStdout(q string) (string, *copyOut, bool) {
	m := copyRe.FindStringSubmatch(stripComments(q))
	if m == nil {
		return "", nil, false
	}
	src := strings.TrimSpace(m[1])
	query := "SELECT * FROM " + src
	if strings.HasPrefix(src, "(") {
		query = strings.TrimSpace(src[1 : len(src)-1])
	}
	opts := strings.ToUpper(m[2])
	c := &copyOut{delim: '\t'}
	if strings.Contains(opts, "CSV") {
		c.csv, c.delim = true, ','
	}
	c.header = strings.Contains(opts, "HEADER") && !strings.Contains(opts, "HEADER FALSE")
	if d := regexp.MustCompile(`(?i)DELIMITER\s+(?:AS\s+)?'(.)'`).FindStringSubmatch(m[2]); d != nil {
		c.delim = rune(d[1][0])
	}
	return query, c, true
}

// line renders one row in COPY's text or CSV format; nil is NULL.
func (c *copyOut) line(vals [][]byte) []byte {
	var b bytes.Buffer
	if c.csv {
		w := csv.NewWriter(&b)
		w.Comma = c.delim
		rec := make([]string, len(vals))
		for i, v := range vals {
			rec[i] = string(v)
		}
		w.Write(rec)
		w.Flush()
		return b.Bytes()
	}
	for i, v := range vals {
		if i > 0 {
			b.WriteRune(c.delim)
		}
		if v == nil {
			b.WriteString(`\N`)
			continue
		}
		b.WriteString(strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`).Replace(string(v)))
	}
	b.WriteByte('\n')
	return b.Bytes()
}
