package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"ipoint/pipeline/jobs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestStaffMessagesAreGerman: the failures staff meet say in German what happened and
// what to do; the English detail goes to the log, not to the message.
func TestStaffMessagesAreGerman(t *testing.T) {
	denied := &fs.PathError{Op: "open", Path: "/srv/ipoint/ipoint.lock", Err: syscall.EACCES}
	full := errors.New(`TransactionContext Error: Failed to commit: could not write file "/srv/ipoint/warehouse/ipoint.duckdb.new": No space left on device`)
	refused := mailError("smtp.kreis.example", 587, fmt.Errorf("mail: client: %w", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}))
	for _, c := range []struct {
		err  error
		want []string
	}{
		{denied, []string{"Keine Berechtigung bei /srv/ipoint/ipoint.lock", "Schreibrechte", "Deployment"}},
		{fmt.Errorf("ingest: %w", &fs.PathError{Op: "write", Path: "/srv/ipoint/lake/x", Err: syscall.ENOSPC}), []string{"Speicherplatz ist voll", "df -h"}},
		{full, []string{"Speicherplatz ist voll", "bisherige Auswertungsdatenbank gilt weiter"}},
		{&fs.PathError{Op: "open", Path: "/srv/ipoint/x", Err: syscall.EROFS}, []string{"schreibgeschützt", "ReadWritePaths"}},
		{errors.New("Out of Memory Error: could not allocate block of size 256.0 KiB (3.7 GiB/3.7 GiB used)"), []string{"Arbeitsspeicher", "--memory-limit"}},
		{refused, []string{"Mailserver smtp.kreis.example:587 ist nicht erreichbar"}},
	} {
		got := staffMessage(c.err)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%v: %q lacks %q", c.err, got, w)
			}
		}
		for _, english := range []string{"permission denied", "No space left", "connection refused", "Out of Memory"} {
			if strings.Contains(got, english) {
				t.Errorf("%q carries the English detail", got)
			}
		}
	}
	if !errors.Is(refused, syscall.ECONNREFUSED) {
		t.Error("the mail error lost its cause")
	}
	// ipoint's own (German) messages stay as they are.
	if got := staffMessage(errors.New("kein Wochenbericht erstellt")); got != "kein Wochenbericht erstellt" {
		t.Errorf("own message changed: %q", got)
	}
	// Whatever else reaches staff is German, with the English detail left to the log.
	notDir := &fs.PathError{Op: "mkdir", Path: "/srv/ipoint/lake", Err: syscall.ENOTDIR}
	for _, c := range []struct {
		err     error
		want    []string
		english string
	}{
		{notDir, []string{"Das Betriebssystem meldet bei /srv/ipoint/lake: ein Teil des Pfades ist kein Ordner, sondern eine Datei", "Protokoll"}, "not a directory"},
		{fmt.Errorf("lake: %w", &fs.PathError{Op: "open", Path: "/srv/ipoint/lake/manifest.jsonl", Err: syscall.ENOENT}),
			[]string{"Eine Datei oder ein Ordner fehlt bei /srv/ipoint/lake/manifest.jsonl", "ipoint init"}, "no such file"},
		{fmt.Errorf("Lake nicht lesbar: %w", notDir), []string{"Lake nicht lesbar: /srv/ipoint/lake: ein Teil des Pfades ist kein Ordner, sondern eine Datei"}, "not a directory"},
		{errors.New(`Catalog Error: Table with name core_personen does not exist!`), []string{"Auswertungsdatenbank (DuckDB) meldet einen Fehler", "Protokoll"}, "Catalog"},
		{fmt.Errorf("Transformation gescheitert bei sql/10_core.sql: %w", errors.New(`Binder Error: Referenced column "x" not found`)),
			[]string{"Transformation gescheitert bei sql/10_core.sql: Fehler der Auswertungsdatenbank (Einzelheiten im Protokoll)"}, "Binder"},
		{errors.New("conservation violated: 3 read, 2 accepted, 0 rejected"), []string{"Unerwarteter Fehler", "Protokoll", "Entwicklung"}, "conservation"},
		{jobs.PanicError{Value: "runtime error: index out of range"}, []string{"Interner Fehler", "Entwicklung"}, "runtime error"},
		{fmt.Errorf("ingest: %w", context.Canceled), []string{"Abgebrochen"}, "canceled"},
	} {
		got := staffMessage(c.err)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%v: %q lacks %q", c.err, got, w)
			}
		}
		if strings.Contains(got, c.english) {
			t.Errorf("%v: %q carries the English detail", c.err, got)
		}
	}
}

// TestGermanCallErrors: a bad flag and a bad --memory-limit say in German what is
// wrong; a failure prints German to staff and logs the detail at ERROR.
func TestGermanCallErrors(t *testing.T) {
	home := t.TempDir()
	vars := map[string]string{"IPOINT_HOME": home}
	if r := call(t, vars, "init"); r.code != exitOK {
		t.Fatal(r.stderr)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--gibtsnicht"}, "unbekannte Option --gibtsnicht (ipoint run --help zeigt alle Optionen)"},
		{[]string{"status", "--runs", "viele"}, `"viele" ist kein gültiger Wert für --runs`},
		{[]string{"status", "--runs"}, "die Option --runs braucht einen Wert"},
		{[]string{"transform", "--memory-limit", "viel"}, `--memory-limit "viel": erlaubt ist eine Größe mit Einheit`},
		{[]string{"transform", "--threads", "0"}, "--threads 0"},
	} {
		r := call(t, vars, c.args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, c.want) || strings.Contains(r.stderr, "flag provided") {
			t.Errorf("%v: %d %s", c.args, r.code, r.stderr)
		}
	}
	if !validMemoryLimit("4GB") || !validMemoryLimit("512MiB") || validMemoryLimit("4") || validMemoryLimit("4GB; DROP") {
		t.Error("memory limits")
	}
	// A lock file that cannot be opened (a directory in its place, as root ignores
	// modes): German for staff, the detail in the log at ERROR.
	os.Mkdir(filepath.Join(home, "ipoint.lock"), 0o750)
	r := call(t, vars, "ingest")
	if r.code != exitFailure || !strings.Contains(r.stderr, "ipoint: Fehler:") || !strings.Contains(r.stderr, `"level":"ERROR"`) ||
		!strings.Contains(r.stderr, "is a directory") {
		t.Errorf("unopenable lock: %d %s", r.code, r.stderr)
	}
}

// TestLockHolderInLocalTime: the lock file names its holder's start in the configured
// zone, as status shows times, not in UTC.
func TestLockHolderInLocalTime(t *testing.T) {
	home := t.TempDir()
	vars := map[string]string{"IPOINT_HOME": home}
	var out strings.Builder
	e := env{stdout: &out, stderr: &out, getenv: func(k string) string { return vars[k] }, now: func() time.Time { return time.Date(2026, 11, 25, 7, 0, 0, 0, time.UTC) }}
	h, err := resolveHome("", e)
	if err != nil {
		t.Fatal(err)
	}
	err = withLock(h, "ingest", func() error {
		b, _ := os.ReadFile(filepath.Join(home, "ipoint.lock"))
		if !strings.Contains(string(b), "seit 25.11.2026 08:00:00") {
			t.Errorf("lock holder: %q", b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestRetentionDryRunTakesNoLock: a dry run only reads, so a held lock does not stop it.
func TestRetentionDryRunTakesNoLock(t *testing.T) {
	home := t.TempDir()
	vars := map[string]string{"IPOINT_HOME": home}
	if r := call(t, vars, "init"); r.code != exitOK {
		t.Fatal(r.stderr)
	}
	l, err := jobs.Acquire(filepath.Join(home, "ipoint.lock"), "run", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	if r := call(t, vars, "retention", "--dry-run"); r.code != exitOK || !strings.Contains(r.stdout, "Nichts zu löschen") {
		t.Errorf("dry run under a held lock: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if r := call(t, vars, "retention"); r.code != exitLocked {
		t.Errorf("retention under a held lock: %d %s", r.code, r.stderr)
	}
}
