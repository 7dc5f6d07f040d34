package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"ipoint/pipeline/protect"
)

func init() {
	register(command{name: "init", summary: "Datenverzeichnis und Pseudonymisierungsschlüssel anlegen", run: runInit})
}

func runInit(ctx context.Context, args []string, e env) error {
	fl := newFlags("init", `Legt das Datenverzeichnis an (inbox, quarantine, lake, warehouse, reports) und
erzeugt den Pseudonymisierungsschlüssel (Rechte 0600). Ein vorhandener Schlüssel wird
nie überschrieben: mit einem neuen ließen sich die Pseudonyme nicht mehr verknüpfen.`, e)
	homeDir := homeFlag(fl)
	if err := parse(fl, args); err != nil {
		return err
	}
	h, err := resolveHome(*homeDir, e)
	if err != nil {
		return err
	}
	for _, d := range []string{h.inbox(), h.quarantine(), h.lake(), h.warehouse(), h.reports()} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return err
		}
	}
	key := h.keyFile(e)
	if err := os.MkdirAll(filepath.Dir(key), 0o700); err != nil {
		return err
	}
	switch err := protect.CreateKeyFile(key); {
	case errors.Is(err, fs.ErrExist):
		fmt.Fprintf(e.stdout, "Schlüssel vorhanden, unverändert: %s\n", key)
	case err != nil:
		return err
	default:
		fmt.Fprintf(e.stdout, "Schlüssel erzeugt: %s (nur für die ETL-Rolle lesbar halten, getrennt sichern)\n", key)
	}
	fmt.Fprintf(e.stdout, "Datenverzeichnis bereit: %s\n", h.dir)
	return nil
}
