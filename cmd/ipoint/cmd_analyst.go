package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"ipoint/pipeline/analyst"
)

func init() {
	register(command{name: "analyst", summary: "Zugänge zum Analysezugang: add NAME, list, remove NAME", run: runAnalyst})
}

func runAnalyst(ctx context.Context, args []string, e env) error {
	fs := newFlags("analyst", `Verwaltet die Zugänge zum Analysezugang (ipoint serve):
  ipoint analyst add NAME      Passwort (eine Zeile) von der Standardeingabe lesen
  ipoint analyst list          Zugänge auflisten
  ipoint analyst remove NAME   Zugang löschen
Gespeichert wird nur der SCRAM-SHA-256-Prüfwert, nie das Passwort.`, e)
	homeDir := homeFlag(fs)
	// flags may come before the subcommand: ipoint analyst --home X add NAME
	var rest []string
	for i := 0; i < len(args); i++ {
		if args[i] == "--home" || args[i] == "-home" {
			if i+1 < len(args) {
				rest = append(rest, args[i], args[i+1])
				i++
			}
			continue
		}
		if strings.HasPrefix(args[i], "-") {
			rest = append(rest, args[i])
		}
	}
	var pos []string
	for i := 0; i < len(args); i++ {
		if args[i] == "--home" || args[i] == "-home" {
			i++
			continue
		}
		if !strings.HasPrefix(args[i], "-") {
			pos = append(pos, args[i])
		}
	}
	if err := parse(fs, rest); err != nil {
		return err
	}
	h, err := resolveHome(*homeDir, e)
	if err != nil {
		return err
	}
	acc := analyst.Accounts{Path: h.path(h.cfg.Analyst.Accounts)}
	switch {
	case len(pos) == 2 && pos[0] == "add":
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		password := strings.TrimRight(line, "\r\n")
		if password == "" {
			if err != nil {
				return usageError{"kein Passwort auf der Standardeingabe (eine Zeile erwartet)"}
			}
			return usageError{"leeres Passwort"}
		}
		if len(password) < 12 {
			return usageError{"Passwort zu kurz: mindestens 12 Zeichen"}
		}
		replaced, err := acc.Set(pos[1], password)
		if err != nil {
			return err
		}
		if replaced {
			fmt.Fprintf(e.stdout, "Passwort von %s geändert\n", pos[1])
		} else {
			fmt.Fprintf(e.stdout, "Zugang %s angelegt\n", pos[1])
		}
		return nil
	case len(pos) == 1 && pos[0] == "list":
		names, err := acc.Names()
		if err != nil {
			return err
		}
		for _, n := range names {
			fmt.Fprintln(e.stdout, n)
		}
		return nil
	case len(pos) == 2 && pos[0] == "remove":
		ok, err := acc.Remove(pos[1])
		if err != nil {
			return err
		}
		if !ok {
			return usageError{fmt.Sprintf("keinen Zugang %s", pos[1])}
		}
		fmt.Fprintf(e.stdout, "Zugang %s gelöscht (laufende Sitzungen enden mit ipoint serve)\n", pos[1])
		return nil
	}
	return usageError{"Aufruf: ipoint analyst add NAME | list | remove NAME"}
}
