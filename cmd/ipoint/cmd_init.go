package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"ipoint/pipeline/analyst"
	"ipoint/pipeline/atomicfile"
	"ipoint/pipeline/lake"
	"ipoint/pipeline/protect"
)

func init() {
	register(command{name: "init", summary: "Datenverzeichnis und Pseudonymisierungsschlüssel anlegen", run: runInit})
}

func runInit(ctx context.Context, args []string, e env) error {
	fl := newFlags("init", `Legt das Datenverzeichnis an (inbox, quarantine, lake, warehouse, reports) und
erzeugt den Pseudonymisierungsschlüssel (Rechte 0600). Ein vorhandener Schlüssel wird
nie überschrieben: mit einem neuen ließen sich die Pseudonyme nicht mehr verknüpfen.
Dazu eine kommentierte Konfigurationsdatei ipoint.toml mit den Vorgaben (eine
vorhandene bleibt unverändert).`, e)
	homeDir := homeFlag(fl)
	if err := parse(fl, args); err != nil {
		return err
	}
	h, err := resolveNewHome(*homeDir, e)
	if err != nil {
		return err
	}
	for _, d := range []string{h.inbox(), h.quarantine(), h.lake(), h.warehouse(), h.reports(), h.audit()} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return err
		}
	}
	switch path, _ := configPath(h.dir, e); h.cfg.file {
	case "":
		if err := writeNew(path, defaultConfigFile(), 0o640); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Konfiguration angelegt: %s\n", path)
	default:
		fmt.Fprintf(e.stdout, "Konfiguration vorhanden, unverändert: %s\n", path)
	}
	key := h.keyFile()
	if err := os.MkdirAll(filepath.Dir(key), 0o700); err != nil {
		return err
	}
	if _, err := os.Stat(key); errors.Is(err, fs.ErrNotExist) && lake.HasData(h.lake()) {
		return fmt.Errorf("der Datensee %s enthält schon Daten, aber der Schlüssel %s fehlt: die Sicherung des Schlüssels "+
			"zurückspielen. ipoint init legt für einen vorhandenen Datensee keinen neuen an (die Pseudonyme passten nicht mehr zusammen)",
			h.lake(), key)
	}
	switch err := protect.CreateKeyFile(key); {
	case errors.Is(err, fs.ErrExist):
		fmt.Fprintf(e.stdout, "Schlüssel vorhanden, unverändert: %s\n", key)
	case err != nil:
		return err
	default:
		fmt.Fprintf(e.stdout, "Schlüssel erzeugt: %s (nur für die ETL-Rolle lesbar halten, getrennt sichern)\n", key)
	}
	cert, certKey := h.path(h.cfg.Analyst.TLSCert), h.path(h.cfg.Analyst.TLSKey)
	if err := os.MkdirAll(filepath.Dir(cert), 0o700); err != nil {
		return err
	}
	switch created, err := analyst.CreateSelfSigned(cert, certKey, "", e.now()); {
	case err != nil:
		return err
	case created:
		fmt.Fprintf(e.stdout, "TLS-Zertifikat für ipoint serve erzeugt (selbstsigniert): %s\n", cert)
	}
	fmt.Fprintf(e.stdout, "Datenverzeichnis bereit: %s\n", h.dir)
	return nil
}

// writeNew creates path with data, never replacing an existing file; it writes a
// temporary file and links it into place, so a crash leaves no half-written file.
func writeNew(path string, data []byte, perm os.FileMode) error {
	return atomicfile.WriteNew(path, data, perm)
}
