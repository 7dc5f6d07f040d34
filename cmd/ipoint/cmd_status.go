package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"ipoint/pipeline/lake"
	"ipoint/pipeline/runs"
	"ipoint/pipeline/source"
	"ipoint/reports/german"
)

func init() {
	register(command{name: "status", summary: "letzte Läufe, Aktualität der Lieferungen und was zu tun ist", run: runStatus})
}

func runStatus(ctx context.Context, args []string, e env) error {
	fs := newFlags("status", `Zeigt die letzten Läufe (aus dem Laufprotokoll), wie aktuell jede Lieferung im
Datensee ist, und was Aufmerksamkeit braucht: Dateien in Quarantäne, fehlgeschlagene
Prüfungen, ausbleibende Lieferungen, ein gescheiterter letzter Lauf.
Rückgabewert 0, wenn nichts zu tun ist, sonst 3.`, e)
	homeDir := homeFlag(fs)
	n := fs.Int("runs", 10, "so viele Läufe anzeigen")
	if err := parse(fs, args); err != nil {
		return err
	}
	h, err := resolveHome(*homeDir, e)
	if err != nil {
		return err
	}
	todo, err := printStatus(ctx, e.stdout, h, *n)
	if err != nil {
		return err
	}
	if len(todo) > 0 {
		return problemsError{Msg: fmt.Sprintf("%d Punkte brauchen Aufmerksamkeit", len(todo))}
	}
	return nil
}

func printStatus(ctx context.Context, w io.Writer, h home, n int) (todo []string, err error) {
	loc := h.cfg.Location()
	now := h.e.now().In(loc)
	all, torn, err := runs.Load(h.runLog())
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "ipoint – Stand %s (%s)\n\n", now.Format("02.01.2006 15:04"), h.dir)

	fmt.Fprintln(w, "Letzte Läufe:")
	if len(all) == 0 {
		fmt.Fprintln(w, "  noch keiner")
	}
	for i := max(0, len(all)-n); i < len(all); i++ {
		r := all[i]
		fmt.Fprintf(w, "  %s  %-32s %-22s %6s s  %s\n", r.Start.In(loc).Format("02.01.2006 15:04"), jobName(r.Job),
			outcomeGerman(r.Outcome), german.Decimal(r.Duration().Seconds(), 1), runDetail(r))
	}
	if torn > 0 {
		fmt.Fprintf(w, "  (%d unlesbare Zeilen im Laufprotokoll übersprungen)\n", torn)
	}
	if last, ok := runs.Last(all, "run", nil); ok {
		switch last.Outcome {
		case runs.Failed, runs.Panicked, runs.Cancelled:
			todo = append(todo, fmt.Sprintf("der letzte nächtliche Lauf (%s) ist %s: %s", last.Start.In(loc).Format("02.01. 15:04"),
				outcomeGerman(last.Outcome), last.Error))
		}
		if age := now.Sub(last.Start); age > 36*time.Hour {
			todo = append(todo, fmt.Sprintf("seit %s Stunden kein nächtlicher Lauf", german.Int(int64(age.Hours()))))
		}
	}

	fmt.Fprintln(w, "\nLieferungen (neuester Stichtag im Datensee):")
	newest, err := lakeNewest(h.lake())
	if err != nil {
		return nil, err
	}
	today := h.today().Time()
	for _, name := range expectedStreams() {
		export, _, _ := strings.Cut(name, "/")
		limit := source.ByName(export).MaxAgeDays(source.DefaultDailyMaxAgeDays)
		t, ok := newest[name]
		if !ok {
			fmt.Fprintf(w, "  %-24s noch nie geliefert\n", name)
			todo = append(todo, fmt.Sprintf("Lieferung %s ist noch nie eingegangen", name))
			continue
		}
		age := int(today.Sub(t).Hours() / 24)
		state := "aktuell"
		if age > limit {
			state = fmt.Sprintf("ÜBERFÄLLIG (erlaubt %d Tage)", limit)
			todo = append(todo, fmt.Sprintf("Lieferung %s bleibt aus: neuester Stichtag %s, %d %s alt", name, t.Format("02.01.2006"), age, days(age)))
		}
		fmt.Fprintf(w, "  %-24s %s  %3d %-4s  %s\n", name, t.Format("02.01.2006"), age, days(age), state)
	}

	q, err := quarantined(h.quarantine())
	if err != nil {
		return nil, err
	}
	for _, f := range q {
		todo = append(todo, "in Quarantäne: "+f+" (Grund in "+lake.ReasonFile(f)+"; Neulieferung bei der Stelle anfordern)")
	}
	failed, err := failedChecks(ctx, h)
	if err != nil {
		todo = append(todo, fmt.Sprintf("die Prüfungen der Auswertungsdatenbank sind nicht lesbar (%v): ipoint run --force", err))
	}
	for _, c := range failed {
		todo = append(todo, "Prüfung fehlgeschlagen: "+c)
	}

	fmt.Fprintln(w, "\nZu tun:")
	if len(todo) == 0 {
		fmt.Fprintln(w, "  nichts")
	}
	for _, t := range todo {
		fmt.Fprintf(w, "  - %s\n", t)
	}
	return todo, nil
}

func outcomeGerman(o string) string {
	switch o {
	case runs.OK:
		return "erfolgreich"
	case runs.Problems:
		return "mit Problemen"
	case runs.Failed:
		return "GESCHEITERT"
	case runs.Cancelled:
		return "abgebrochen"
	case runs.Panicked:
		return "GESCHEITERT (intern)"
	}
	return o
}

func runDetail(r runs.Run) string {
	var parts []string
	if r.Files > 0 || r.Rows > 0 {
		parts = append(parts, fmt.Sprintf("%d Dateien, %s Zeilen, %s abgewiesen", r.Files, german.Int(r.Rows), german.Int(r.Rejected)))
	}
	if r.Quarant > 0 {
		parts = append(parts, fmt.Sprintf("%d in Quarantäne", r.Quarant))
	}
	if r.Checks > 0 {
		parts = append(parts, fmt.Sprintf("%d Prüfungen fehlgeschlagen", r.Checks))
	}
	for _, s := range r.Stages {
		if s.Outcome == "skipped" && s.Name == "transform" {
			parts = append(parts, "nichts Neues")
		}
	}
	if r.Error != "" {
		parts = append(parts, "Fehler: "+r.Error)
	}
	return strings.Join(parts, "; ")
}

// quarantined lists the files in quarantine (not their reason files).
func quarantined(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") || lake.IsReasonFile(e.Name()) {
			continue
		}
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out, nil
}

// failedChecks reads the failed checks of the current warehouse.
func failedChecks(ctx context.Context, h home) ([]string, error) {
	if _, err := os.Stat(h.warehouseFile()); err != nil {
		return nil, nil
	}
	db, err := h.openWarehouse("1GB")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT name, beschreibung, anzahl FROM pruefungen WHERE anzahl > 0 AND NOT hinweis ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name, desc string
		var n int64
		if err := rows.Scan(&name, &desc, &n); err != nil {
			return nil, err
		}
		out = append(out, fmt.Sprintf("%s – %s (%s Zeilen)", name, desc, german.Int(n)))
	}
	return out, rows.Err()
}

func days(n int) string {
	if n == 1 {
		return "Tag"
	}
	return "Tage"
}

// jobName is a job's short German name for the list of runs.
func jobName(job string) string {
	if n, ok := map[string]string{"run": "nächtlicher Lauf", "weekly_report": "Wochenbericht", "retention": "Löschfristen",
		"erase": "Löschung einer Person"}[job]; ok {
		return n
	}
	return job
}

// expectedStreams are the deliveries that must keep arriving, from the export catalog
// (an export delivered per Kreis once per Kreis).
func expectedStreams() []string {
	var out []string
	for _, e := range source.All() {
		out = append(out, e.Streams()...)
	}
	return out
}
