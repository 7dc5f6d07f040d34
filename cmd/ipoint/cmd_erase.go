package main

import (
	"bufio"
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"ipoint/pipeline/erase"
	"ipoint/pipeline/source"
)

func init() {
	register(command{name: "erase", summary: "eine Person vollständig löschen (Art. 17 DSGVO, § 84 SGB X)", run: runErase})
}

func runErase(ctx context.Context, args []string, e env) error {
	fs := newFlags("erase", `Löscht eine Person aus allem, was ipoint hält: aus dem Datensee (Lieferungen,
Verlauf, abgewiesene Zeilen), aus den Rohdateien im Archiv, in der Quarantäne und im
Posteingang (neu geschrieben ohne ihre Zeilen) und aus der Auswertungsdatenbank (neu
aufgebaut). Das Löschprotokoll (audit/erase.jsonl) nennt das Pseudonym, nie die
Kundennummer. Veröffentlichte Berichte enthalten nur geheimgehaltene Summen und bleiben.
Liefert eine Stelle die Person später erneut, wird sie wieder übernommen: die Löschung
muss auch dort veranlasst werden.`, e)
	homeDir := homeFlag(fs)
	kdnr := fs.String("kundennummer", "", "Kundennummer der Person, z. B. 975D004711; \"-\" liest sie von der Standardeingabe (dann steht sie nicht in der Prozessliste und im Verlauf der Shell)")
	ref := fs.String("vorgang", "", "Aktenzeichen des Löschantrags, z. B. DS-2026-017 (keine Namen)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *kdnr == "-" {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && line == "" {
			return usageError{"--kundennummer -: keine Kundennummer auf der Standardeingabe"}
		}
		*kdnr = strings.TrimSpace(line)
	}
	if *kdnr == "" {
		return usageError{"--kundennummer fehlt"}
	}
	h, err := resolveHome(*homeDir, e)
	if err != nil {
		return err
	}
	key, err := h.loadKey()
	if err != nil {
		return err
	}
	if !source.IsKundennummer(*kdnr) {
		return usageError{erase.ErrInvalidNumber.Error()}
	}
	return runJob(ctx, h, "erase", "manuell", eraseJob(h, key, *kdnr, *ref))
}

// printErase tells staff what was removed and what is left for a person to decide.
func printErase(h home, res *erase.Result) {
	w := h.e.stdout
	fmt.Fprintf(w, "Gelöscht: Person %s, %d Zeilen in %d Dateien.\n", res.Token, res.Rows, len(res.Files))
	for _, f := range res.Files {
		fmt.Fprintf(w, "  %-10s %6d  %s\n", f.Kind, f.Rows, f.Path)
	}
	if len(res.Unresolved) > 0 {
		fmt.Fprintln(w, "Diese Dateien enthalten die Person noch und brauchen eine Entscheidung von Hand:")
		for _, u := range res.Unresolved {
			fmt.Fprintf(w, "  %s: %s\n", u.Path, u.Reason)
		}
	}
	if len(res.Review) > 0 {
		fmt.Fprintln(w, "Diese Zeilen könnten zur Person gehören (fehlerhafte Kundennummer, ein Zeichen entfernt); bitte prüfen:")
		for _, p := range res.Review {
			fmt.Fprintf(w, "  %s, Zeile %d\n", p.Path, p.Line)
		}
	}
}

// auditErase appends the erasure to the erasure log audit/erase.jsonl.
func auditErase(h home, res *erase.Result, ref string) error {
	return erase.Audit(filepath.Join(h.audit(), "erase.jsonl"), h.e.now(), osUser(), ref, res)
}
