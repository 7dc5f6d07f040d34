package main

import (
	"context"
	"fmt"
	"strings"

	"ipoint/pipeline/runs"
	"ipoint/reports/german"
)

// notifyProblems mails the German notice after a run that failed or finished with
// problems to mail.alerts; without mail settings it does nothing.
func notifyProblems(ctx context.Context, h home, rec runs.Run) error {
	if !h.cfg.Mail.Enabled() || len(h.cfg.Mail.Alerts) == 0 {
		return nil
	}
	subject, body := problemNotice(h, rec)
	return sendMail(ctx, h, h.cfg.Mail.Alerts, subject, body, "", nil)
}

// problemNotice is the notice's subject and text: what happened, what needs attention
// and what to do. It holds counts, file names and check names, never personal data.
func problemNotice(h home, rec runs.Run) (subject, body string) {
	loc := h.cfg.Location()
	when := rec.Start.In(loc).Format("02.01.2006 15:04")
	var b strings.Builder
	job := jobGerman(rec.Job)
	switch rec.Outcome {
	case runs.Problems:
		subject = fmt.Sprintf("ipoint: %s vom %s mit Problemen beendet", job, when)
		fmt.Fprintf(&b, "%s vom %s ist durchgelaufen, hat aber Punkte hinterlassen, die jemand ansehen muss.\n\n", job, when)
	default:
		subject = fmt.Sprintf("ipoint: %s vom %s GESCHEITERT", job, when)
		fmt.Fprintf(&b, "%s vom %s ist gescheitert (Rückgabewert %d).\n\nFehler: %s\n\n", job, when, rec.ExitCode, rec.Error)
	}
	fmt.Fprintf(&b, "Übernommen: %s Dateien, %s Zeilen gelesen, %s Zeilen abgewiesen, %s Dateien in Quarantäne, %s Prüfungen fehlgeschlagen.\n",
		german.Int(int64(rec.Files)), german.Int(rec.Rows), german.Int(rec.Rejected), german.Int(int64(rec.Quarant)), german.Int(int64(rec.Checks)))
	fmt.Fprintln(&b, "\nStufen:")
	for _, s := range rec.Stages {
		fmt.Fprintf(&b, "  %-22s %-14s %s\n", stageGerman(s.Name), stageOutcomeGerman(s.Outcome), s.Note)
	}
	if len(rec.Attention) > 0 {
		fmt.Fprintln(&b, "\nBraucht Aufmerksamkeit:")
		for _, a := range rec.Attention {
			fmt.Fprintf(&b, "  - %s\n", a)
		}
	}
	fmt.Fprintf(&b, `
Was zu tun ist:
  - "ipoint status --home %s" zeigt den Stand und alle offenen Punkte.
  - Dateien in Quarantäne: den Grund in der Datei NAME.grund.txt neben ihr lesen und bei
    der liefernden Stelle eine korrigierte Neulieferung anfordern; sie wird im nächsten
    Lauf übernommen.
  - Abgewiesene Zeilen stehen mit Datei, Zeile, Spalte und Grund im Datensee unter
    findings/ (Parquet, z. B. mit DuckDB lesbar); die liefernde Stelle korrigiert sie.
  - Gescheiterter Lauf: die Meldungen im Protokoll lesen (systemd: journalctl -u
    ipoint-schedule oder -u ipoint-run; cron: /var/log/ipoint/run.log) und den Lauf mit
    "ipoint run" wiederholen; er holt nach, was fehlt.

Lauf-Kennung: %s
`, h.dir, rec.ID)
	return subject, b.String()
}

// jobGerman names a job for staff.
func jobGerman(job string) string {
	switch job {
	case "run":
		return "Der nächtliche Lauf"
	case "weekly_report":
		return "Der Versand des Wochenberichts"
	case "retention":
		return "Die Anwendung der Löschfristen"
	case "erase":
		return "Die Löschung einer Person"
	}
	return "Der Auftrag " + job
}

func stageGerman(s string) string {
	if n, ok := map[string]string{"ingest": "Übernahme", "transform": "Auswertungsdatenbank", "report": "Berichte",
		"mail": "Versand", "retention": "Löschfristen", "erase": "Löschung"}[s]; ok {
		return n
	}
	return s
}

func stageOutcomeGerman(o string) string {
	if n, ok := map[string]string{"ok": "in Ordnung", "problems": "mit Problemen", "failed": "GESCHEITERT",
		"skipped": "übersprungen", "cancelled": "abgebrochen"}[o]; ok {
		return n
	}
	return o
}
