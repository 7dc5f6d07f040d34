package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"ipoint/reports"
	"ipoint/reports/suppress"
)

func init() {
	register(command{name: "report", summary: "Berichte (Wochen-, Monats- und Verlaufsbericht) erstellen und archivieren", run: runReport})
}

func runReport(ctx context.Context, args []string, e env) error {
	fs := newFlags("report", `Erstellt die Berichte aus der Auswertungsdatenbank als eigenständige HTML-Dateien
und legt sie im Archiv ab (reports/<Jahr>/KW<nn>/wochenbericht.html,
reports/<Jahr>/<MM>/monatsbericht.html und verlaufsbericht.html, dazu reports/index.html).
Ohne Angabe: die letzte vollständig gelieferte Woche und der letzte vollständige Monat.
Ein vorhandener Bericht wird nie ersetzt: haben sich die Daten geändert, kommt eine
neue Fassung hinzu.`, e)
	homeDir := homeFlag(fs)
	week := fs.String("week", "", "Kalenderwoche, z. B. 2026-W47 (nur den Wochenbericht)")
	month := fs.String("month", "", "Monat, z. B. 2026-10 (Monats- und Verlaufsbericht)")
	send := fs.Bool("versenden", false, "den Wochenbericht an den Verteiler mail.weekly_report schicken")
	k := fs.Int64("k", 0, "Geheimhaltungsschwelle: kleinere Fallzahlen werden als * ausgewiesen (Vorgabe: reports.k der Konfiguration, 3)")
	if err := parse(fs, args); err != nil {
		return err
	}
	h, err := resolveHome(*homeDir, e)
	if err != nil {
		return err
	}
	// The configured threshold is the floor: --k may only raise it.
	kSet := false
	fs.Visit(func(f *flag.Flag) { kSet = kSet || f.Name == "k" })
	if !kSet {
		*k = int64(h.cfg.Reports.K)
	}
	if *k < int64(h.cfg.Reports.K) || suppress.CheckK(*k) != nil {
		return usageError{fmt.Sprintf("--k %d liegt unter der Mindestschwelle reports.k = %d der Konfiguration (BA-Regel: mindestens 3); nur eine höhere Schwelle ist erlaubt", *k, h.cfg.Reports.K)}
	}
	if *send {
		// The weekly job, as ipoint schedule runs it: recorded, with metrics and a notice.
		if *week != "" || *month != "" {
			return usageError{"--versenden verschickt den Wochenbericht der letzten vollständigen Woche: ohne --week und --month"}
		}
		if !h.cfg.Mail.Enabled() || len(h.cfg.Mail.WeeklyReport) == 0 {
			return usageError{"--versenden: kein Verteiler konfiguriert (mail.host und mail.weekly_report)"}
		}
		return runJob(ctx, h, "weekly_report", "manuell", weeklyReport(h))
	}
	var done []storedReport
	err = withLock(h, "report", func() error {
		done, err = reportStage(ctx, h, selection{week: *week, month: *month}, *k)
		return err
	})
	for _, r := range done {
		printPublished(e.stdout, r)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Übersicht: %s\n", filepath.Join(h.reports(), "index.html"))
	return nil
}

// storedReport is a rendered report and where the archive put it.
type storedReport = reports.Published

// selection says which reports to render, as the command line gives it.
type selection struct {
	week, month string // --week JJJJ-Wnn and --month JJJJ-MM ("": not asked for)
	lastWeek    bool   // the Wochenbericht of the last complete week alone (the weekly job)
}

// reportStage renders the reports sel selects into the archive and rewrites the index
// (reports.Publish decides the periods); the caller holds the lock.
func reportStage(ctx context.Context, h home, sel selection, k int64) ([]storedReport, error) {
	set := reports.Settings{K: k, Width: max(int64(h.cfg.Reports.Width), k), MinGroup: int64(h.cfg.Reports.MinGroup), Ledger: h.figureLedger(),
		Targets: reports.Targets{IntegrationsPerMonth: int64(h.cfg.Targets.IntegrationsPerMonth), QuotaPercent: h.cfg.Targets.QuotaPercent, CoveragePercent: h.cfg.Targets.CoveragePercent},
		Log:     logger(h.e)}
	rs := reports.Selection{LastWeekOnly: sel.lastWeek}
	if sel.week != "" {
		y, w, err := parseWeek(sel.week)
		if err != nil {
			return nil, err
		}
		rs.Year, rs.Week = y, w
	}
	if sel.month != "" {
		t, err := time.Parse("2006-01", sel.month)
		if err != nil {
			return nil, usageError{fmt.Sprintf("--month %q: erwartet JJJJ-MM, z. B. 2026-10", sel.month)}
		}
		rs.MonthYear, rs.Month = t.Year(), int(t.Month())
	}
	db, err := h.openWarehouse("2GB")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return reports.Publish(ctx, db, h.reports(), rs, set)
}

// parseWeek reads an ISO week as 2026-W47 or 2026-47.
func parseWeek(s string) (int, int, error) {
	y, w, ok := strings.Cut(strings.ToUpper(s), "-")
	w = strings.TrimPrefix(w, "W")
	year, err1 := strconv.Atoi(y)
	week, err2 := strconv.Atoi(w)
	if !ok || err1 != nil || err2 != nil || week < 1 || week > 53 {
		return 0, 0, usageError{fmt.Sprintf("--week %q: erwartet JJJJ-Wnn, z. B. 2026-W47", s)}
	}
	return year, week, nil
}

// printPublished tells staff what became of one report.
func printPublished(w io.Writer, r storedReport) {
	if r.Path == "" {
		fmt.Fprintf(w, "%s %s\n", cmp.Or(r.Title, "Bericht"), r.Outcome)
		return
	}
	fmt.Fprintf(w, "%s %s: %s (%s)\n", r.Title, r.Period, r.Path, r.Outcome)
}
