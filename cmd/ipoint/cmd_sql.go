package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"golang.org/x/term"

	"ipoint/pipeline/analyst"
	"ipoint/pipeline/atomicfile"
	"ipoint/pipeline/jsonl"
	"ipoint/pipeline/warehouse"
)

func init() {
	register(command{name: "sql", summary: "Auswertungsdatenbank lesend abfragen (für Analysten; jede Abfrage wird protokolliert)", run: runSQL})
}

func runSQL(ctx context.Context, args []string, e env) (err error) {
	fs := newFlags("sql", `Fragt die Auswertungsdatenbank ab: nur lesend, ohne Zugriff auf Dateien, andere Datenbanken
oder Erweiterungen, ohne den Pseudonymisierungsschlüssel. Jede Abfrage wird mit Zeit,
Benutzer, Text, Zeilenzahl und Dauer im Prüfprotokoll (HOME/audit/sql.jsonl) vermerkt.
Am Terminal: eine Eingabe mit Zeilenbearbeitung und Verlauf; \d listet die Tabellen,
\d NAME beschreibt eine, \q beendet. Sonst: -c, -f oder Standardeingabe.`, e)
	homeDir := homeFlag(fs)
	command := fs.String("c", "", "diese Abfrage ausführen")
	file := fs.String("f", "", "die Abfragen dieser Datei ausführen")
	format := fs.String("format", "", "Ausgabe: table, csv, csv-de (Semikolon, Dezimalkomma), json, markdown, parquet (Vorgabe: table)")
	out := fs.String("out", "", "Ausgabe in diese Datei (für parquet nötig)")
	if err := parse(fs, args); err != nil {
		return err
	}
	h, err := resolveHome(*homeDir, e)
	if err != nil {
		return err
	}
	if *format == "" {
		*format = "table"
	}
	if !map[string]bool{"table": true, "csv": true, "csv-de": true, "json": true, "markdown": true, "parquet": true}[*format] {
		return usageError{fmt.Sprintf("unbekanntes Ausgabeformat %q", *format)}
	}
	if *format == "parquet" && *out == "" {
		return usageError{"--format parquet braucht --out DATEI"}
	}
	db, err := h.openWarehouse("4GB")
	if err != nil {
		return err
	}
	defer db.Close()
	s := &session{db: db, e: e, format: *format, audit: h.auditLog()}
	var results *bytes.Buffer
	if *out != "" {
		// Query results are pseudonymised microdata: a new file, readable by the analyst
		// only, written once every statement has succeeded; never an existing file or
		// whatever a symbolic link points to.
		if _, err := os.Lstat(*out); err == nil {
			return usageError{fmt.Sprintf("--out %s: die Datei gibt es schon; einen neuen Namen angeben (ipoint überschreibt keine Datei)", *out)}
		}
		results = &bytes.Buffer{}
		s.out = results
	}
	if err := s.dispatch(ctx, *command, *file); err != nil {
		return err
	}
	if results != nil {
		if err := atomicfile.WriteNew(*out, results.Bytes(), 0o600); err != nil {
			return fmt.Errorf("--out %s nicht geschrieben: %w", *out, err)
		}
	}
	return nil
}

// dispatch runs -c, -f, the interactive shell or standard input.
func (s *session) dispatch(ctx context.Context, command, file string) error {
	switch {
	case command != "":
		return s.batch(ctx, command)
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		// The audit log gets the file's name and hash, and its statements only if it is
		// SQL text: a file that is not (a key, a password file) is refused without a
		// word of its content, in the log or on the screen.
		if _, perr := warehouse.CountStatements(string(b)); !utf8.Valid(b) || perr != nil {
			return usageError{fmt.Sprintf("-f %s: keine SQL-Datei (DuckDB kann sie nicht als SQL lesen); ihr Inhalt wird weder ausgeführt noch protokolliert", file)}
		}
		sum := sha256.Sum256(b)
		s.file, s.fileSHA = file, hex.EncodeToString(sum[:])
		return s.batch(ctx, string(b))
	}
	if f, ok := s.e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return s.interactive(ctx, f)
	}
	b, err := io.ReadAll(s.e.stdin)
	if err != nil {
		return err
	}
	return s.batch(ctx, string(b))
}

type session struct {
	db            *sql.DB
	e             env
	format        string
	out           io.Writer // --out: every result of the session goes there, else to w
	audit         string
	file, fileSHA string // -f: the file's name and SHA-256, for the audit log
	sessionID     string // random: ties a statement to its outcome in the audit log
	seq           int
}

// batch runs every statement; the first failing one ends the run with an error.
func (s *session) batch(ctx context.Context, text string) error {
	stmts := analyst.Split(text)
	if s.format == "parquet" && len(stmts) > 1 {
		return usageError{"--format parquet schreibt das Ergebnis genau einer Abfrage"}
	}
	for _, q := range stmts {
		if err := s.run(ctx, q, s.e.stdout); err != nil {
			return err
		}
	}
	return nil
}

// run records a query in the audit log, executes it with its result streamed to the
// output (w, or --out's buffer) row by row, then records its outcome. A query the audit
// log cannot record does not run.
func (s *session) run(ctx context.Context, q string, w io.Writer) error {
	if s.sessionID == "" {
		var b [6]byte
		rand.Read(b[:])
		s.sessionID = hex.EncodeToString(b[:])
	}
	s.seq++
	id := fmt.Sprintf("%s.%d", s.sessionID, s.seq)
	if aerr := s.record(map[string]any{"event": "statement", "id": id, "query": q}); aerr != nil {
		return fmt.Errorf("Prüfprotokoll nicht schreibbar, Abfrage nicht ausgeführt: %w", aerr)
	}
	start := s.e.now()
	if s.out != nil {
		w = s.out
	}
	n, err := streamQuery(ctx, s.db, q, nil, newFormatter(w, s.format))
	outcome := map[string]any{"event": "outcome", "id": id, "rows": n, "duration_ms": s.e.now().Sub(start).Milliseconds()}
	if err != nil && ctx.Err() != nil {
		err = errors.New("abgebrochen")
	}
	if err != nil {
		outcome["error"] = err.Error()
	}
	if aerr := s.record(outcome); aerr != nil {
		// With --out nothing is written (the run fails); on the screen the rows are out.
		return fmt.Errorf("Prüfprotokoll nicht schreibbar (Ergebnis der Abfrage nicht vermerkt): %w", aerr)
	}
	if err != nil {
		return fmt.Errorf("Abfrage: %v", err)
	}
	return nil
}

// record appends one line to the audit log (§78a SGB X: access and input control).
func (s *session) record(entry map[string]any) error {
	entry["time"] = s.e.now().UTC().Format(time.RFC3339Nano)
	entry["user"] = osUser()
	if s.file != "" {
		entry["file"], entry["file_sha256"] = s.file, s.fileSHA
	}
	return jsonl.Append(s.audit, entry)
}

func osUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return os.Getenv("USER")
}

// interactive is the shell on a terminal: raw mode, so that the line editor sees every
// key (Ctrl-C too, which then sends no SIGINT).
func (s *session) interactive(ctx context.Context, f *os.File) error {
	old, err := term.MakeRaw(int(f.Fd()))
	if err != nil {
		return err
	}
	defer term.Restore(int(f.Fd()), old)
	return s.shell(ctx, f, s.e.stdout)
}

// shell reads statements with line editing and history from in (a terminal in raw
// mode). Ctrl-C cancels the running query, or at the prompt clears the line and a
// statement begun on earlier lines; Ctrl-D on an empty line (or \q) ends the shell.
// The history is kept in historyFile (0600), statements and commands only, never a
// result.
func (s *session) shell(ctx context.Context, in io.Reader, out io.Writer) error {
	kb := newKeyboard(in)
	t := term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{kb, out}, "ipoint> ")
	hist := &statementHistory{file: s.historyFile()}
	if err := hist.load(); err != nil {
		fmt.Fprintf(t, "Verlauf %s nicht lesbar: %v\n", hist.file, err)
	}
	t.History = hist
	fmt.Fprintln(t, "ipoint sql – nur lesend, jede Abfrage wird protokolliert. \\d Tabellen, \\d NAME Spalten, \\q oder Strg-D Ende, Strg-C bricht ab.")
	var pending []string
	for {
		line, err := t.ReadLine()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if line == "" && kb.takeInterrupt() {
			pending = nil
			hist.discardPending()
			t.SetPrompt("ipoint> ")
			continue
		}
		trimmed := strings.TrimSpace(line)
		if len(pending) == 0 && strings.HasPrefix(trimmed, `\`) {
			if trimmed == `\q` {
				return nil
			}
			s.meta(ctx, trimmed, t)
			continue
		}
		pending = append(pending, line)
		if !strings.HasSuffix(trimmed, ";") {
			t.SetPrompt("   ...> ")
			continue
		}
		t.SetPrompt("ipoint> ")
		q := strings.Join(pending, "\n")
		pending = nil
		qctx, cancel := context.WithCancel(ctx)
		kb.running(cancel)
		err = s.run(qctx, q, t)
		kb.running(nil)
		cancel()
		if err != nil {
			fmt.Fprintln(t, err)
		}
	}
}

// historyFile is where the shell keeps its history: IPOINT_SQL_HISTORY, else
// ~/.ipoint_sql_history; none without a home.
func (s *session) historyFile() string {
	if f := s.e.getenv("IPOINT_SQL_HISTORY"); f != "" {
		return f
	}
	if home := s.e.getenv("HOME"); home != "" {
		return filepath.Join(home, ".ipoint_sql_history")
	}
	return ""
}

// keyboard stands between the terminal and x/term's line editor, which would end the
// shell on Ctrl-C: while a query runs, Ctrl-C cancels it; at the prompt it becomes
// "to the start of the line, delete to its end, Enter", an empty line that the shell
// takes as the interrupt (takeInterrupt). Keys typed while a query runs wait for the
// next prompt; reading never blocks the reader of the terminal.
type keyboard struct {
	mu         sync.Mutex
	cond       *sync.Cond
	buf        []byte
	err        error
	cancel     context.CancelFunc // the running query's
	interrupts int                // Ctrl-C at the prompt, not yet taken
}

func newKeyboard(src io.Reader) *keyboard {
	k := &keyboard{}
	k.cond = sync.NewCond(&k.mu)
	go func() {
		b := make([]byte, 256)
		for {
			n, err := src.Read(b)
			k.mu.Lock()
			for _, c := range b[:n] {
				switch {
				case c != 3: // Ctrl-C
					k.buf = append(k.buf, c)
				case k.cancel != nil:
					k.cancel()
				default:
					k.interrupts++
					k.buf = append(k.buf, 1, 11, '\r') // Ctrl-A, Ctrl-K, Enter
				}
			}
			if err != nil {
				k.err = err
			}
			k.cond.Broadcast()
			k.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return k
}

func (k *keyboard) Read(p []byte) (int, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for len(k.buf) == 0 && k.err == nil {
		k.cond.Wait()
	}
	if len(k.buf) == 0 {
		return 0, k.err
	}
	n := copy(p, k.buf)
	k.buf = k.buf[n:]
	return n, nil
}

// running sets what Ctrl-C cancels (nil: nothing runs).
func (k *keyboard) running(cancel context.CancelFunc) {
	k.mu.Lock()
	k.cancel = cancel
	k.mu.Unlock()
}

// takeInterrupt reports whether an empty line came from Ctrl-C at the prompt.
func (k *keyboard) takeInterrupt() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.interrupts == 0 {
		return false
	}
	k.interrupts--
	return true
}

// statementHistory keeps whole statements: the lines of a multi-line statement are
// recalled as one. With a file, the entries of earlier sessions are loaded and every
// new one is appended.
type statementHistory struct {
	entries []string // oldest first
	pending []string
	file    string
}

const historyMax = 500

// load reads the history file's last entries; the file is made 0600 (statements may
// name what an analyst looked for).
func (h *statementHistory) load() error {
	if h.file == "" {
		return nil
	}
	f, err := os.OpenFile(h.file, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Chmod(0o600); err != nil {
		return err
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		if line := sc.Text(); line != "" {
			h.entries = append(h.entries, line)
		}
	}
	if len(h.entries) > historyMax {
		h.entries = h.entries[len(h.entries)-historyMax:]
	}
	return sc.Err()
}

func (h *statementHistory) Add(line string) {
	t := strings.TrimSpace(line)
	switch {
	case t == "":
		return
	case len(h.pending) == 0 && strings.HasPrefix(t, `\`):
		h.add(t)
	default:
		h.pending = append(h.pending, t)
		if strings.HasSuffix(t, ";") {
			h.add(strings.Join(h.pending, " "))
			h.pending = nil
		}
	}
}

func (h *statementHistory) add(entry string) {
	entry = strings.NewReplacer("\r", " ", "\n", " ").Replace(entry)
	h.entries = append(h.entries, entry)
	if len(h.entries) > historyMax {
		h.entries = h.entries[1:]
	}
	if h.file == "" {
		return
	}
	f, err := os.OpenFile(h.file, os.O_WRONLY|os.O_APPEND|os.O_CREATE|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return // the shell works on without a persistent history
	}
	defer f.Close()
	if f.Chmod(0o600) == nil {
		f.WriteString(entry + "\n")
	}
}

// discardPending forgets the lines of a statement cleared by Ctrl-C.
func (h *statementHistory) discardPending() { h.pending = nil }

func (h *statementHistory) Len() int { return len(h.entries) }

func (h *statementHistory) At(i int) string { return h.entries[len(h.entries)-1-i] }

// meta handles \d and \d NAME.
func (s *session) meta(ctx context.Context, cmd string, w io.Writer) {
	s.record(map[string]any{"event": "meta", "command": cmd}) // what an analyst looked at, too
	docs, _ := warehouse.Dictionary()
	name := strings.TrimSpace(strings.TrimPrefix(cmd, `\d`))
	if !strings.HasPrefix(cmd, `\d`) {
		fmt.Fprintln(w, `Befehle: \d (Tabellen), \d NAME (Spalten), \q (Ende)`)
		return
	}
	if name == "" {
		for _, d := range docs {
			fmt.Fprintf(w, "%-28s %s\n", d.Name, d.Description)
		}
		return
	}
	res, err := query(ctx, s.db, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position", name)
	if err != nil || len(res.rows) == 0 {
		fmt.Fprintf(w, "keine Tabelle %q\n", name)
		return
	}
	var doc warehouse.TableDoc
	for _, d := range docs {
		if d.Name == name {
			doc = d
		}
	}
	fmt.Fprintln(w, doc.Description)
	for _, r := range res.rows {
		fmt.Fprintf(w, "  %-26s %-12s %s\n", r[0], r[1], doc.Column(fmt.Sprint(r[0])))
	}
}
