package main

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// screen is the shell's terminal output, which the test waits on.
type screen struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *screen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// waitFor waits until cond holds for the output (bounded polling for the event).
func (s *screen) waitFor(t *testing.T, what string, cond func(string) bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond(s.String()) {
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s; the screen:\n%s", what, s.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func count(sub string, n int) func(string) bool {
	return func(s string) bool { return strings.Count(s, sub) >= n }
}

// TestSQLShell: the interactive shell's keys, as a terminal in raw mode sends them:
// Ctrl-C at the prompt clears the line and a statement begun on earlier lines, Ctrl-C
// while a query runs cancels it and the shell goes on, Ctrl-D ends it; the history
// persists across sessions in a 0600 file with statements only, never results.
func TestSQLShell(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	dir := t.TempDir()
	history := filepath.Join(dir, "verlauf")
	audit := filepath.Join(dir, "sql.jsonl")
	vars := map[string]string{"IPOINT_SQL_HISTORY": history}
	shell := func() (io.Writer, *screen, chan error) {
		in, keys := io.Pipe()
		scr := &screen{}
		s := &session{db: db, format: "table", audit: audit, e: env{getenv: func(k string) string { return vars[k] }, now: time.Now}}
		done := make(chan error, 1)
		go func() { done <- s.shell(context.Background(), in, scr) }()
		scr.waitFor(t, "the prompt", count("ipoint> ", 1))
		return keys, scr, done
	}
	keys, scr, done := shell()
	type_ := func(s string) {
		t.Helper()
		if _, err := io.WriteString(keys, s); err != nil {
			t.Fatal(err)
		}
	}
	type_("SELECT 'erste' AS x;\r")
	scr.waitFor(t, "the first result", count("(1 Zeile)", 1))

	// Ctrl-C at the prompt: a statement begun on an earlier line and a half-typed line
	// are gone; the next statement runs alone.
	type_("SELECT 'nie' AS x\r")
	scr.waitFor(t, "the continuation prompt", count("   ...> ", 1))
	type_("\x03")
	type_("SELECT 'ha")
	type_("\x03")
	type_("SELECT 'zweite' AS x;\r")
	scr.waitFor(t, "the second result", count("(1 Zeile)", 2))
	if strings.Contains(scr.String(), "Abfrage:") {
		t.Fatalf("the cleared lines were run:\n%s", scr.String())
	}

	// Ctrl-C while a query runs cancels it; the shell goes on.
	type_(slowQuery + " ;\r")
	waitAuditOf(t, audit, "range(100000000000)")
	type_("\x03")
	scr.waitFor(t, "the cancel", count("abgebrochen", 1))
	type_("SELECT 'danach' AS x;\r")
	scr.waitFor(t, "the result after the cancel", count("(1 Zeile)", 3))

	// Ctrl-D on an empty line ends the shell.
	type_("\x04")
	if err := <-done; err != nil {
		t.Fatalf("the shell ended with %v", err)
	}
	keys.(*io.PipeWriter).Close()

	b, err := os.ReadFile(history)
	if err != nil {
		t.Fatal(err)
	}
	want := "SELECT 'erste' AS x;\nSELECT 'zweite' AS x;\n" + slowQuery + " ;\nSELECT 'danach' AS x;\n"
	if string(b) != want {
		t.Errorf("history file:\n%s\nwant\n%s", b, want)
	}
	if st, _ := os.Stat(history); st.Mode().Perm() != 0o600 {
		t.Errorf("history file mode %o", st.Mode().Perm())
	}

	// The next session recalls the last statement (arrow up) from the file.
	keys, scr, done = shell()
	type_("\x1b[A\r")
	scr.waitFor(t, "the recalled statement's result", count("(1 Zeile)", 1))
	if !strings.Contains(scr.String(), "danach") {
		t.Errorf("arrow up recalled something else:\n%s", scr.String())
	}
	keys.(*io.PipeWriter).Close() // end of input ends the shell too
	if err := <-done; err != nil {
		t.Errorf("the shell ended with %v", err)
	}
}

// waitAuditOf waits until the audit log records a statement containing marker.
func waitAuditOf(t *testing.T, audit, marker string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(audit); err == nil && strings.Contains(string(b), marker) {
			return
		}
		time.Sleep(5 * time.Millisecond) // polling for the record, bounded by the deadline
	}
	t.Fatalf("no audit record of %q", marker)
}
