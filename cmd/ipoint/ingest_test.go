package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIngestCommand runs init and ingest as staff would and checks the exit code, the
// German summary, and that no personal value reaches the command's output.
func TestIngestCommand(t *testing.T) {
	home := t.TempDir()
	vars := map[string]string{"IPOINT_HOME": home}
	if r := call(t, vars, "ingest"); r.code != exitFailure || !strings.Contains(r.stderr, "Pseudonymisierungsschlüssel") {
		t.Errorf("ingest without a key: code %d, stderr %q", r.code, r.stderr)
	}
	if r := call(t, vars, "init"); r.code != exitOK {
		t.Fatalf("init: %d %s", r.code, r.stderr)
	}
	key, _ := os.Stat(filepath.Join(home, "secrets", "pseudonym.key"))
	if key == nil || key.Mode().Perm() != 0o600 {
		t.Fatalf("key file %v", key)
	}
	if r := call(t, vars, "init"); r.code != exitOK || !strings.Contains(r.stdout, "unverändert") {
		t.Errorf("second init: %d %q", r.code, r.stdout)
	}
	inbox := filepath.Join(home, "inbox")
	os.WriteFile(filepath.Join(inbox, "verbis_kunden_20261124.csv"), []byte(
		"Kundennummer;BG_Nummer;Nachname;Vorname;Geburtsdatum;Geschlecht;Staatsangehoerigkeit;Aufenthaltsstatus;Rechtskreis;Kreis;Gemeinde;Einreise;Zugang_IP;Abgang_IP;Abgangsgrund;Foerderbedarf;Schulabschluss;Berufsabschluss;Sprachniveau;Zielniveau;Status\r\n"+
			"975Q123456;;Kanarienvogel;Zebulon;17.03.1988;m;SYR;GEST;SGB3;05970;05970040;;03.03.2025;;;J;;;;;AL\r\n"+
			"975q123457;;Kanarienvogel;Zebulon;17.03.1988;m;SYR;GEST;SGB3;05970;05970040;;03.03.2025;;;J;;;;;AL\r\n"), 0o640)
	os.WriteFile(filepath.Join(inbox, "notizen.txt"), []byte("x"), 0o640)
	r := call(t, vars, "ingest")
	if r.code != exitProblems {
		t.Fatalf("ingest: code %d, stderr %s", r.code, r.stderr)
	}
	for _, want := range []string{"Übernommen: 1 Dateien, 2 Zeilen (1 angenommen, 1 abgewiesen", "fehlerhafte Kennung", "notizen.txt"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, c := range []string{"Kanarienvogel", "Zebulon", "975Q123456", "975q123457", "17.03.1988"} {
		if strings.Contains(r.stdout+r.stderr, c) {
			t.Errorf("output shows %q", c)
		}
	}
	// The same file again: nothing new, nothing wrong.
	os.Rename(filepath.Join(inbox, "archive", "verbis_kunden", "verbis_kunden_20261124.csv"), filepath.Join(inbox, "verbis_kunden_20261124.csv"))
	if r := call(t, vars, "ingest"); r.code != exitOK || !strings.Contains(r.stdout, "Bereits übernommen") {
		t.Errorf("re-delivery: code %d\n%s", r.code, r.stdout)
	}
}
