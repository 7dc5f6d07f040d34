package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"regexp"
	"strings"
	"syscall"
	"unicode"

	"ipoint/pipeline/jobs"
)

// staffMessage is a failure as a German sentence for staff: what happened and what to
// do. The error's own text (often the operating system's or DuckDB's, in English) goes
// to the log. ipoint's own messages are German already and are kept as they are, with
// the system's or DuckDB's English words within them said in German; an English text
// not recognised here becomes a German sentence that points to the log. The command
// line prints it, and the run history (status, status --json, the notice) records it.
func staffMessage(err error) string {
	text := err.Error()
	var pe *fs.PathError
	var mf mailFailure
	var panicked jobs.PanicError
	path := ""
	if errors.As(err, &pe) {
		path = pe.Path
	}
	switch {
	case errors.Is(err, syscall.ENOSPC) || strings.Contains(text, "No space left on device") || strings.Contains(text, "no space left on device"):
		return "Der Speicherplatz ist voll. Platz auf dem Datenträger schaffen (df -h zeigt, wo er fehlt), dann den Befehl " +
			"wiederholen. Halb geschriebene Dateien wurden verworfen, die bisherige Auswertungsdatenbank gilt weiter."
	case errors.Is(err, syscall.EROFS):
		return fmt.Sprintf("Das Dateisystem ist schreibgeschützt%s. Es beschreibbar einhängen (systemd: ReadWritePaths der Unit), "+
			"dann den Befehl wiederholen.", at(path))
	case errors.Is(err, fs.ErrPermission):
		return fmt.Sprintf("Keine Berechtigung%s. Das Konto, unter dem ipoint läuft (%s), braucht Lese- und Schreibrechte "+
			"auf das Datenverzeichnis: Eigentümer und Rechte prüfen (README, Abschnitt Deployment).", at(path), osUser())
	case errors.As(err, &mf):
		return "Die Mail wurde nicht versandt: " + mf.staff + "."
	case strings.Contains(text, "Out of Memory Error"):
		return "Der Arbeitsspeicher für die Datenbank reichte nicht. Mit höherer Speichergrenze wiederholen " +
			"(ipoint transform --memory-limit 8GB), wenn der Rechner sie hat, sonst andere Programme beenden."
	case errors.As(err, &panicked):
		return "Interner Fehler: ipoint ist auf einen Programmfehler gestoßen und hat den Lauf beendet (Einzelheiten im Protokoll). " +
			"Bitte an die Entwicklung melden; der nächste Lauf setzt wieder auf."
	case errors.Is(err, context.Canceled):
		return "Abgebrochen (durch Strg+C, SIGTERM oder das Stoppen des Dienstes)."
	case errors.Is(err, context.DeadlineExceeded):
		return "Die Zeitgrenze wurde überschritten; den Befehl wiederholen (Einzelheiten im Protokoll)."
	case looksGerman(text):
		// ipoint's own message; a system's or DuckDB's English words in it are said in German.
		return germanDetails(err, text)
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("Eine Datei oder ein Ordner fehlt%s. Das Datenverzeichnis prüfen (ipoint init legt fehlende Ordner an), "+
			"dann den Befehl wiederholen.", at(path))
	case osError(err):
		return fmt.Sprintf("Das Betriebssystem meldet%s: %s. Datenträger, Ordner und Rechte prüfen, dann den Befehl wiederholen "+
			"(Einzelheiten im Protokoll).", at(path), osWords(err))
	case duckdbMessage.MatchString(text):
		return "Die Auswertungsdatenbank (DuckDB) meldet einen Fehler (Einzelheiten im Protokoll). Den Befehl wiederholen; " +
			"bleibt der Fehler, an die Entwicklung melden. Die bisherige Auswertungsdatenbank gilt weiter."
	}
	return "Unerwarteter Fehler (Einzelheiten im Protokoll). Den Befehl wiederholen; bleibt der Fehler, an die Entwicklung melden."
}

// germanDetails replaces the English words of the operating system and of DuckDB
// within one of ipoint's own messages by German ones.
func germanDetails(err error, text string) string {
	var pe *fs.PathError
	var le *os.LinkError
	var se *os.SyscallError
	var errno syscall.Errno
	switch {
	case errors.As(err, &pe):
		text = strings.Replace(text, pe.Error(), pe.Path+": "+osWords(pe.Err), 1)
	case errors.As(err, &le):
		text = strings.Replace(text, le.Error(), le.Old+" → "+le.New+": "+osWords(le.Err), 1)
	case errors.As(err, &se):
		text = strings.Replace(text, se.Error(), osWords(se.Err), 1)
	case errors.As(err, &errno):
		text = strings.Replace(text, errno.Error(), osWords(errno), 1)
	}
	if loc := duckdbMessage.FindStringIndex(text); loc != nil {
		start := loc[0]
		if strings.HasPrefix(text[start:], ": ") {
			start += 2
		}
		text = text[:start] + "Fehler der Auswertungsdatenbank (Einzelheiten im Protokoll)"
	}
	return text
}

// osWords says an error of the operating system in German.
func osWords(err error) string {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return "ein Fehler des Betriebssystems"
	}
	switch errno {
	case syscall.ENOENT:
		return "nicht vorhanden"
	case syscall.EACCES, syscall.EPERM:
		return "keine Berechtigung"
	case syscall.ENOTDIR:
		return "ein Teil des Pfades ist kein Ordner, sondern eine Datei"
	case syscall.EISDIR:
		return "ein Ordner, keine Datei"
	case syscall.EEXIST:
		return "schon vorhanden"
	case syscall.ENOSPC:
		return "kein Speicherplatz mehr"
	case syscall.EROFS:
		return "Dateisystem schreibgeschützt"
	case syscall.EIO:
		return "Ein-/Ausgabefehler des Datenträgers"
	case syscall.EMFILE, syscall.ENFILE:
		return "zu viele offene Dateien"
	case syscall.EBUSY, syscall.ETXTBSY:
		return "belegt"
	case syscall.ENOTEMPTY:
		return "Ordner nicht leer"
	case syscall.EXDEV:
		return "liegt auf einem anderen Dateisystem"
	}
	return fmt.Sprintf("Fehler Nr. %d des Betriebssystems", int(errno))
}

// osError reports whether err is, or wraps, an error of the operating system.
func osError(err error) bool {
	var pe *fs.PathError
	var le *os.LinkError
	var se *os.SyscallError
	var errno syscall.Errno
	return errors.As(err, &pe) || errors.As(err, &le) || errors.As(err, &se) || errors.As(err, &errno)
}

// duckdbMessage is how DuckDB's errors begin: "Catalog Error: ...", "IO Error: ...".
var duckdbMessage = regexp.MustCompile(`(^|: )[A-Z][A-Za-z]*( [A-Z][A-Za-z]*)* Error: `)

// germanWords are words of ipoint's own messages that English text does not use.
var germanWords = map[string]bool{"nicht": true, "kein": true, "keine": true, "keinen": true, "ist": true, "und": true,
	"der": true, "das": true, "den": true, "dem": true, "des": true, "ein": true, "eine": true, "einer": true, "mit": true,
	"bei": true, "fehlt": true, "wurde": true, "wird": true, "sind": true, "ungültig": true, "ungültige": true, "nur": true}

// looksGerman tells ipoint's own messages, German already, from a library's or the
// system's English text that reached staffMessage unrecognised.
func looksGerman(text string) bool {
	if strings.ContainsAny(text, "äöüÄÖÜß") {
		return true
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if germanWords[w] {
			return true
		}
	}
	return false
}

// at is " (bei PATH)" or "".
func at(path string) string {
	if path == "" {
		return ""
	}
	return " bei " + path
}

// mailFailure is a mail that could not be sent: a German sentence for staff and the
// cause for the log.
type mailFailure struct {
	staff string
	cause error
}

func (m mailFailure) Error() string { return m.staff + ": " + m.cause.Error() }
func (m mailFailure) Unwrap() error { return m.cause }

// mailError says in German that a mail could not be sent, and keeps the cause.
func mailError(host string, port int, err error) error {
	var ne net.Error
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns):
		return mailFailure{fmt.Sprintf("der Mailserver %s ist unbekannt (mail.host prüfen)", host), err}
	case errors.As(err, &ne):
		return mailFailure{fmt.Sprintf("der Mailserver %s:%d ist nicht erreichbar (Netz, mail.host und mail.port prüfen, die IT fragen, ob er läuft)", host, port), err}
	}
	return mailFailure{"die Mail wurde nicht versandt (Anmeldung, Zertifikat und Empfänger prüfen; Einzelheiten im Protokoll)", err}
}

// flagMessages are the flag package's complaints and their German text.
var flagMessages = []struct {
	re  *regexp.Regexp
	out string
}{
	{regexp.MustCompile(`^flag provided but not defined: -+(.*)$`), "unbekannte Option --%s"},
	{regexp.MustCompile(`^flag needs an argument: -+(.*)$`), "die Option --%s braucht einen Wert"},
	{regexp.MustCompile(`^invalid value "(.*)" for flag -+([^:]*): .*$`), "%q ist kein gültiger Wert für --%s"},
	{regexp.MustCompile(`^invalid boolean value "(.*)" for -+([^:]*): .*$`), "%q ist kein gültiger Wert für --%s (true oder false)"},
	{regexp.MustCompile(`^bad flag syntax: (.*)$`), "%q ist keine gültige Option"},
}

// flagError turns a flag parse error of command name into German, with where to look.
func flagError(name string, err error) string {
	msg := err.Error()
	for _, f := range flagMessages {
		if m := f.re.FindStringSubmatch(msg); m != nil {
			args := make([]any, len(m)-1)
			for i := range args {
				args[i] = m[i+1]
			}
			return fmt.Sprintf(f.out, args...) + fmt.Sprintf(" (ipoint %s --help zeigt alle Optionen)", name)
		}
	}
	return msg
}
