package main

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"regexp"
	"strings"
	"syscall"
)

// staffMessage is a failure as a German sentence for staff: what happened and what to
// do. The error's own text (often the operating system's or DuckDB's, in English) goes
// to the log; ipoint's own messages are German already and are kept as they are.
func staffMessage(err error) string {
	text := err.Error()
	var pe *fs.PathError
	var mf mailFailure
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
	}
	return text
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
