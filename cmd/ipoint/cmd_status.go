package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"ipoint/pipeline/lake"
	"ipoint/pipeline/runs"
	"ipoint/pipeline/source"
	"ipoint/pipeline/status"
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
	m, err := lake.ReadManifest(h.lake())
	if err != nil {
		return nil, err
	}
	q, err := quarantined(h.quarantine())
	if err != nil {
		return nil, err
	}
	failed, cerr := failedChecks(ctx, h)
	st := status.Compute(status.Input{Now: now, Location: loc, Today: h.today(), DailyMaxAge: source.DefaultDailyMaxAgeDays,
		Runs: all, Manifest: m, Quarantined: q, FailedChecks: failed, ChecksErr: cerr})

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
	fmt.Fprintln(w, "\nLieferungen (neuester Stichtag im Datensee):")
	for _, s := range st.Streams {
		switch {
		case s.Newest.IsZero():
			fmt.Fprintf(w, "  %-24s noch nie geliefert\n", s.Name)
		default:
			state := "aktuell"
			if s.Overdue {
				state = fmt.Sprintf("ÜBERFÄLLIG (erlaubt %d Tage)", s.MaxAge)
			}
			fmt.Fprintf(w, "  %-24s %s  %3d %-4s  %s\n", s.Name, s.Newest.Format("02.01.2006"), s.AgeDays, status.Days(s.AgeDays), state)
		}
	}
	fmt.Fprintln(w, "\nZu tun:")
	if len(st.Todo) == 0 {
		fmt.Fprintln(w, "  nichts")
	}
	for _, t := range st.Todo {
		fmt.Fprintf(w, "  - %s\n", t)
	}
	return st.Todo, nil
}

func outcomeGerman(o string) string { return status.OutcomeGerman(o) }

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
		switch {
		case r.Job == "run" && s.Outcome == "skipped" && s.Name == "transform":
			parts = append(parts, "nichts Neues")
		case r.Job != "run" && s.Outcome == "ok" && s.Note != "" && s.Name != "transform":
			parts = append(parts, s.Note) // what retention, an erasure or the mail did
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

// jobName is a job's short German name for the list of runs.
func jobName(job string) string {
	if n, ok := map[string]string{"run": "nächtlicher Lauf", "weekly_report": "Wochenbericht", "retention": "Löschfristen",
		"erase": "Löschung einer Person"}[job]; ok {
		return n
	}
	return job
}
