package main

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"time"

	"ipoint/pipeline/retention"
	"ipoint/reports/german"
)

func init() {
	register(command{name: "retention", summary: "Löschfristen anwenden: alte Daten, Rohdateien und Abweisungen löschen", run: runRetention})
}

func runRetention(ctx context.Context, args []string, e env) error {
	fs := newFlags("retention", `Löscht, was nicht länger aufbewahrt werden darf (Fristen in Tagen aus [retention]
der Konfiguration): Lieferungen im Datensee und Zustände im Verlauf, abgewiesene
Zeilen, übernommene Rohdateien im Archiv und Dateien in Quarantäne, ältere Einträge des
Laufprotokolls. Maßgeblich ist der Stichtag einer Lieferung. Jede Löschung wird im
Löschprotokoll (audit/retention.jsonl) verzeichnet; danach wird die
Auswertungsdatenbank neu aufgebaut, damit Gelöschtes auch dort verschwindet.`, e)
	homeDir := homeFlag(fs)
	dry := fs.Bool("dry-run", false, "nur anzeigen, was gelöscht würde")
	if err := parse(fs, args); err != nil {
		return err
	}
	h, err := resolveHome(*homeDir, e)
	if err != nil {
		return err
	}
	if *dry {
		// Reading only (the manifest is replaced whole, never half-written): no lock, so
		// that a look at what would go does not wait for, or block, the nightly run.
		res, err := retentionStage(ctx, h, true)
		if res != nil {
			printRetention(h, res, true)
		}
		return err
	}
	return runJob(ctx, h, "retention", "manuell", retentionJob(h))
}

func retentionStage(ctx context.Context, h home, dry bool) (*retention.Result, error) {
	r := h.cfg.Retention
	res, err := retention.Run(ctx, retention.Options{Lake: h.lake(), Archive: h.archive(), Quarantine: h.quarantine(),
		LakeDays: r.LakeDays, RejectsDays: r.RejectsDays, ArchiveDays: r.ArchiveDays, QuarantineDays: r.QuarantineDays,
		Today: h.today(), Location: h.cfg.Location(), DryRun: dry, RunLog: h.runLog(), RunsDays: r.RunsDays})
	return res, err
}

var retentionKinds = map[string]string{"lake": "Lieferungen im Datensee", "history": "Zustände im Verlauf",
	"findings": "abgewiesene Zeilen (Stichtage)", "archive": "Rohdateien im Archiv", "quarantine": "Dateien in Quarantäne",
	"runs": "Einträge im Laufprotokoll"}

func printRetention(h home, res *retention.Result, dry bool) {
	w := h.e.stdout
	verb := "Gelöscht"
	if dry {
		verb = "Würde gelöscht (Probelauf)"
	}
	counts := map[string]int{}
	for _, d := range res.Deletions {
		if d.Count > 0 {
			counts[d.Kind] += d.Count
		} else {
			counts[d.Kind]++
		}
	}
	if len(counts) == 0 {
		fmt.Fprintln(w, "Nichts zu löschen: alles liegt innerhalb der Fristen.")
		return
	}
	fmt.Fprintf(w, "%s:\n", verb)
	kinds := make([]string, 0, len(counts))
	for k := range counts {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Fprintf(w, "  %-30s %8s", retentionKinds[k], german.Int(int64(counts[k])))
		if c, err := time.Parse("2006-01-02", res.Cutoffs[k]); err == nil {
			fmt.Fprintf(w, "  (Stichtag vor dem %s)", c.Format("02.01.2006"))
		}
		fmt.Fprintln(w)
	}
}

// logRetention appends the run's deletions to the deletion log.
func logRetention(h home, res *retention.Result) error {
	return retention.Log(filepath.Join(h.audit(), "retention.jsonl"), h.e.now(), res)
}
