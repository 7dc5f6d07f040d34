package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"

	sqlfiles "ipoint/sql"
)

// Check is one data check: a query that returns the offending rows.
type Check struct {
	Name        string
	Description string // German, the file's first comment line
	Notice      bool   // "-- schwere: hinweis": counted and reported, not a failure
	SQL         string
}

// CheckResult is a check's outcome.
type CheckResult struct {
	Check
	Rows int64
}

// Failed reports whether the check found something that is not a mere notice.
func (r CheckResult) Failed() bool { return r.Rows > 0 && !r.Notice }

// Checks returns the checks of sql/checks in name order.
func Checks() ([]Check, error) {
	paths, err := fs.Glob(sqlfiles.Files, "checks/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	var out []Check
	for _, p := range paths {
		b, err := sqlfiles.Files.ReadFile(p)
		if err != nil {
			return nil, err
		}
		c := Check{Name: strings.TrimSuffix(filepath.Base(p), ".sql"), SQL: string(b)}
		for _, line := range strings.Split(c.SQL, "\n") {
			if !strings.HasPrefix(line, "--") {
				break
			}
			text := strings.TrimSpace(strings.TrimPrefix(line, "--"))
			switch {
			case strings.HasPrefix(text, "schwere:"):
				c.Notice = strings.TrimSpace(strings.TrimPrefix(text, "schwere:")) == "hinweis"
			case c.Description == "":
				_, d, _ := strings.Cut(text, ":")
				c.Description = strings.TrimSpace(d)
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// runChecks runs every check and stores the results in the table pruefungen.
func runChecks(ctx context.Context, conn *sql.Conn) ([]CheckResult, error) {
	checks, err := Checks()
	if err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE pruefungen (name VARCHAR, beschreibung VARCHAR, hinweis BOOLEAN, anzahl BIGINT)`); err != nil {
		return nil, err
	}
	var out []CheckResult
	for _, c := range checks {
		q := "SELECT count(*) FROM (" + strings.TrimRight(strings.TrimSpace(c.SQL), ";") + ")"
		var n int64
		if err := conn.QueryRowContext(ctx, q).Scan(&n); err != nil {
			return nil, fmt.Errorf("check %s: %w", c.Name, err)
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO pruefungen VALUES (?, ?, ?, ?)`, c.Name, c.Description, c.Notice, n); err != nil {
			return nil, err
		}
		out = append(out, CheckResult{Check: c, Rows: n})
	}
	return out, nil
}
