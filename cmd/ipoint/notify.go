package main

import (
	"context"
	"fmt"
	"strings"

	"ipoint/pipeline/runs"
)

// notifyProblems mails the German notice after a run that failed or finished with
// problems to mail.alerts; without mail settings it does nothing.
func notifyProblems(ctx context.Context, h home, rec runs.Run) error {
	if !h.cfg.Mail.Enabled() || len(h.cfg.Mail.Alerts) == 0 {
		return nil
	}
	subject, body := problemNotice(h, rec)
	return sendMail(ctx, h, h.cfg.Mail.Alerts, subject, body, nil)
}

// problemNotice is the notice's subject and text: what happened, what needs attention
// and what to do. It holds counts, file names and check names, never personal data.
func problemNotice(h home, rec runs.Run) (subject, body string) {
	loc := h.cfg.Location()
	when := rec.Start.In(loc).Format("02.01.2006 15:04")
	var b strings.Builder
	switch rec.Outcome {
	case runs.Problems:
		subject = fmt.Sprintf("ipoint: Lauf vom %s mit Problemen beendet", when)
		fmt.Fprintf(&b, "Der Lauf %q vom %s ist durchgelaufen, hat aber Punkte hinterlassen, die jemand ansehen muss.\n\n", rec.Job, when)
	default:
		subject = fmt.Sprintf("ipoint: Lauf vom %s GESCHEITERT", when)
		fmt.Fprintf(&b, "Der Lauf %q vom %s ist gescheitert (%s, Rückgabewert %d).\n\nFehler: %s\n\n", rec.Job, when,
			outcomeGerman(rec.Outcome), rec.ExitCode, rec.Error)
	}
	fmt.Fprintf(&b, "Übernommen: %d Dateien, %d Zeilen gelesen, %d Zeilen abgewiesen, %d Dateien in Quarantäne, %d Prüfungen fehlgeschlagen.\n",
		rec.Files, rec.Rows, rec.Rejected, rec.Quarant, rec.Checks)
	fmt.Fprintln(&b, "\nStufen:")
	for _, s := range rec.Stages {
		fmt.Fprintf(&b, "  %-10s %-9s %s\n", s.Name, s.Outcome, s.Note)
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
  - Gescheiterter Lauf: die Meldungen im Protokoll des Dienstes lesen (journalctl -u ipoint)
    und den Lauf mit "ipoint run" wiederholen; er holt nach, was fehlt.

Lauf-Kennung: %s
`, h.dir, rec.ID)
	return subject, b.String()
}
