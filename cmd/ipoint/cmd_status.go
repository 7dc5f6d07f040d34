package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

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
Datensee ist, und was Aufmerksamkeit braucht: Dateien in Quarantäne, unbekannte Dateien
im Posteingang, fehlgeschlagene Prüfungen, ausbleibende Lieferungen, ein gescheiterter
letzter Lauf, Wochenbericht oder Löschlauf.
Eine Datei in Quarantäne, um die sich jemand gekümmert hat, wird mit --quittieren DATEI
--grund TEXT quittiert (im Protokoll audit/quarantine-acks.jsonl verzeichnet) und ist
dann kein offener Punkt mehr; eine Neulieferung derselben Lieferung erledigt sie ebenso.
Rückgabewert 0, wenn nichts zu tun ist, sonst 3.`, e)
	homeDir := homeFlag(fs)
	n := fs.Int("runs", 10, "so viele Läufe anzeigen")
	asJSON := fs.Bool("json", false, "maschinenlesbar ausgeben (JSON) statt als Text")
	ack := fs.String("quittieren", "", "diese Datei in Quarantäne als erledigt quittieren (mit --grund)")
	why := fs.String("grund", "", "warum die Datei erledigt ist, z. B. \"Neulieferung angefordert am 26.11.\"")
	if err := parse(fs, args); err != nil {
		return err
	}
	h, err := resolveHome(*homeDir, e)
	if err != nil {
		return err
	}
	if *ack != "" || *why != "" {
		return acknowledge(ctx, h, *ack, *why)
	}
	v, err := gatherStatus(ctx, h)
	if err != nil {
		return err
	}
	// The state file follows what status sees (best effort: an account without write
	// access to the metrics directory still gets its status).
	if err := writeState(h, v); err != nil {
		logger(e).Debug("state metrics not written", "err", err)
	}
	if *asJSON {
		err = printStatusJSON(e.stdout, h, v, *n)
	} else {
		printStatus(e.stdout, h, v, *n)
	}
	if err != nil {
		return err
	}
	if len(v.st.Todo) > 0 {
		return problemsError{Msg: fmt.Sprintf("%d Punkte brauchen Aufmerksamkeit", len(v.st.Todo))}
	}
	return nil
}

// statusView is what ipoint status and the state metrics look at.
type statusView struct {
	now  time.Time // in the configured zone
	runs []runs.Run
	torn int
	st   status.Status
}

// gatherStatus reads the run history, the manifest, the quarantine with its
// acknowledgements, the inbox and the warehouse's checks, and applies the rules.
func gatherStatus(ctx context.Context, h home) (statusView, error) {
	loc := h.cfg.Location()
	v := statusView{now: h.e.now().In(loc)}
	var err error
	if v.runs, v.torn, err = runs.Load(h.runLog()); err != nil {
		return v, err
	}
	m, err := lake.ReadManifest(h.lake())
	if err != nil {
		return v, err
	}
	q, err := quarantined(h.quarantine())
	if err != nil {
		return v, err
	}
	acks, err := status.LoadAcks(h.ackLog())
	if err != nil {
		return v, err
	}
	unknown, err := unknownInbox(h.inbox())
	if err != nil {
		return v, err
	}
	failed, cerr := failedChecks(ctx, h)
	if cerr != nil {
		// Staff read why in German; DuckDB's own (English) words go to the log.
		logger(h.e).Warn("checks not readable", "err", cerr.Error())
		cerr = errors.New(staffMessage(cerr))
	}
	v.st = status.Compute(status.Input{Now: v.now, Location: loc, Today: h.today(), DailyMaxAge: source.DefaultDailyMaxAgeDays,
		Runs: v.runs, Manifest: m, Quarantine: q, Acks: acks, Unknown: unknown, FailedChecks: failed, ChecksErr: cerr})
	return v, nil
}

func printStatus(w io.Writer, h home, v statusView, n int) {
	loc := h.cfg.Location()
	all, st := v.runs, v.st
	fmt.Fprintf(w, "ipoint – Stand %s (%s)\n\n", v.now.Format("02.01.2006 15:04"), h.dir)
	fmt.Fprintln(w, "Letzte Läufe:")
	if len(all) == 0 {
		fmt.Fprintln(w, "  noch keiner")
	}
	for i := max(0, len(all)-n); i < len(all); i++ {
		r := all[i]
		fmt.Fprintf(w, "  %s  %-32s %-22s %6s s  %s\n", r.Start.In(loc).Format("02.01.2006 15:04"), jobName(r.Job),
			outcomeGerman(r.Outcome), german.Decimal(r.Duration().Seconds(), 1), runDetail(r))
	}
	if v.torn > 0 {
		fmt.Fprintf(w, "  (%d unlesbare Zeilen im Laufprotokoll übersprungen)\n", v.torn)
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
	var done []string
	for _, q := range st.Quarantine {
		switch {
		case q.Redelivered != "":
			done = append(done, fmt.Sprintf("%s: neu geliefert als %s", q.Name, q.Redelivered))
		case q.Ack != nil:
			done = append(done, fmt.Sprintf("%s: quittiert von %s am %s – %s", q.Name, q.Ack.User, q.Ack.At.In(loc).Format("02.01.2006 15:04"), q.Ack.Reason))
		}
	}
	if len(done) > 0 {
		fmt.Fprintln(w, "\nIn Quarantäne, erledigt (bis zur Löschfrist aufbewahrt):")
		for _, d := range done {
			fmt.Fprintf(w, "  %s\n", d)
		}
	}
	fmt.Fprintln(w, "\nZu tun:")
	if len(st.Todo) == 0 {
		fmt.Fprintln(w, "  nichts")
	}
	for _, t := range st.Todo {
		fmt.Fprintf(w, "  - %s\n", t)
	}
}

// printStatusJSON writes the status as one JSON object (README "ipoint status --json").
func printStatusJSON(w io.Writer, h home, v statusView, n int) error {
	last := v.runs[max(0, len(v.runs)-n):]
	if last == nil {
		last = []runs.Run{}
	}
	out := struct {
		Now          time.Time               `json:"now"`
		Home         string                  `json:"home"`
		Runs         []runs.Run              `json:"runs"`
		Streams      []status.Stream         `json:"streams"`
		Quarantine   []status.QuarantineFile `json:"quarantine"`
		OpenQuaran   int                     `json:"quarantine_open"`
		Unknown      []string                `json:"unknown_files"`
		Todo         []string                `json:"todo"`
		ExitCode     int                     `json:"exit_code"`
		TornRunLines int                     `json:"run_history_lines_skipped"`
	}{Now: v.now, Home: h.dir, Runs: last, Streams: v.st.Streams, Quarantine: v.st.Quarantine, OpenQuaran: v.st.OpenQuarantine(),
		Unknown: v.st.Unknown, Todo: v.st.Todo, TornRunLines: v.torn}
	if out.Todo == nil {
		out.Todo = []string{}
	}
	if len(out.Todo) > 0 {
		out.ExitCode = exitProblems
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// acknowledge records that the quarantined file name needs nothing more, and why.
func acknowledge(ctx context.Context, h home, name, why string) error {
	why = strings.TrimSpace(why)
	switch {
	case name == "":
		return usageError{"--grund nur zusammen mit --quittieren DATEI"}
	case why == "":
		return usageError{"--quittieren braucht --grund TEXT: warum die Datei erledigt ist (steht im Protokoll)"}
	case name != filepath.Base(name) || lake.IsReasonFile(name) || strings.HasPrefix(name, "."):
		return usageError{fmt.Sprintf("%q: anzugeben ist der Name einer Datei in der Quarantäne (ipoint status listet sie)", name)}
	}
	sum, err := fileSHA256(filepath.Join(h.quarantine(), name))
	if errors.Is(err, os.ErrNotExist) {
		return usageError{fmt.Sprintf("%s liegt nicht in der Quarantäne (%s); ipoint status listet die Dateien dort", name, h.quarantine())}
	}
	if err != nil {
		return err
	}
	a := status.Ack{At: h.e.now(), User: osUser(), File: name, SHA256: sum, Reason: why}
	if err := status.AppendAck(h.ackLog(), a); err != nil {
		return err
	}
	fmt.Fprintf(h.e.stdout, "Quittiert: %s – %s. Die Datei bleibt bis zur Löschfrist in der Quarantäne.\n", name, why)
	if err := writeStateMetrics(ctx, h); err != nil {
		logger(h.e).Warn("state metrics not written", "err", err)
	}
	return nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	hs := sha256.New()
	if _, err := io.Copy(hs, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(hs.Sum(nil)), nil
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

// quarantined lists the files in quarantine (not their reason files) with their
// content hashes.
func quarantined(dir string) ([]status.QuarantineFile, error) {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []status.QuarantineFile
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") || lake.IsReasonFile(e.Name()) {
			continue
		}
		sum, err := fileSHA256(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, status.QuarantineFile{Name: e.Name(), SHA256: sum})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// unknownInbox lists the inbox's files that match no export: the ingest leaves them
// there, and nobody would notice them otherwise.
func unknownInbox(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		if class, _, _ := source.Detect(e.Name()); class == source.Unknown {
			out = append(out, e.Name())
		}
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
