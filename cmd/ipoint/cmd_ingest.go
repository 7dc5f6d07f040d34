package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"

	"ipoint/pipeline"
	"ipoint/pipeline/ingest"
	"ipoint/pipeline/source"
	"ipoint/reports/german"
)

func init() {
	register(command{name: "ingest", summary: "Lieferungen aus dem Posteingang pseudonymisiert in den Datensee übernehmen", run: runIngest})
}

func runIngest(ctx context.Context, args []string, e env) error {
	fs := newFlags("ingest", `Übernimmt jede vollständige Datei des Posteingangs: prüft sie gegen die Schnittstelle,
pseudonymisiert Kennungen, schreibt Parquet in den Datensee und verzeichnet jede Datei im
Manifest. Fehlerhafte Zeilen werden mit Grund abgewiesen, unlesbare Dateien in die
Quarantäne verschoben. Dieselbe Datei ein zweites Mal ändert nichts.`, e)
	homeDir := homeFlag(fs)
	share := fs.Float64("max-reject-share", pipeline.QuarantineShare, "Anteil abgewiesener Zeilen, über dem eine Datei in Quarantäne geht (0: jede abgewiesene Zeile)")
	minRej := fs.Int("min-rejects", pipeline.QuarantineMinRejects, "... mit mindestens so vielen abgewiesenen Zeilen")
	if err := parse(fs, args); err != nil {
		return err
	}
	h, err := resolveHome(*homeDir, e)
	if err != nil {
		return err
	}
	var s *ingest.Summary
	err = withLock(h, "ingest", func() error {
		s, err = ingestStage(ctx, h, *share, *minRej)
		return err
	})
	if s != nil {
		printIngestSummary(e.stdout, s)
	}
	if err != nil {
		return err
	}
	problems, note := ingestVerdict(s, h.cfg.Ingest.RejectTolerance)
	if note != "" {
		fmt.Fprintln(e.stdout, note+".")
	}
	if problems != "" {
		return problemsError{Msg: problems}
	}
	return nil
}

// ingestVerdict says what of an ingest needs a person (problems, "" if nothing): a
// quarantined file, a file left in the inbox, or more rejected rows than the tolerated
// share of the rows read (ingest.reject_tolerance). Rejected rows within the tolerance
// are no problem; note then says how many there were.
func ingestVerdict(s *ingest.Summary, tolerance float64) (problems, note string) {
	share := 1.0
	if s.RowsRead > 0 {
		share = float64(s.Rejected) / float64(s.RowsRead)
	}
	tolerated := s.Rejected > 0 && share <= tolerance
	if tolerated {
		note = fmt.Sprintf("%s Zeilen abgewiesen (%s %% der gelesenen, innerhalb der Toleranz von %s %%; Gründe in den Befunden)",
			german.Int(s.Rejected), german.Decimal(100*share, 2), german.Decimal(100*tolerance, 2))
	}
	if len(s.Quarantined) == 0 && len(s.Skipped) == 0 && (s.Rejected == 0 || tolerated) {
		return "", note
	}
	return fmt.Sprintf("%s Zeilen abgewiesen, %s Dateien in Quarantäne, %s Dateien zurückgestellt",
		german.Int(s.Rejected), german.Int(int64(len(s.Quarantined))), german.Int(int64(len(s.Skipped)))), note
}

// ingestStage takes in the inbox; the caller holds the lock. share and minRejects of 0
// mean what they say: any rejected row quarantines the file.
func ingestStage(ctx context.Context, h home, share float64, minRejects int) (*ingest.Summary, error) {
	key, err := h.loadKey()
	if err != nil {
		return nil, err
	}
	// (The library reads zero as "default".)
	if share <= 0 {
		share = 1e-12
	}
	if minRejects <= 0 {
		minRejects = 1
	}
	opt := ingest.Options{Inbox: h.inbox(), Archive: h.archive(), Quarantine: h.quarantine(), Lake: h.lake(), Key: key,
		Share: share, MinRejects: minRejects, Now: h.e.now, Log: logger(h.e)}
	if bar := progressBar(h.e); bar != nil {
		// On a terminal: a bar, and the ingest's log lines printed above it, never into it.
		opt.Progress = bar.update
		opt.Log = slog.New(slog.NewTextHandler(bar.logWriter(), nil))
		defer bar.done()
	} else {
		// Under cron or systemd: a line every few seconds, so that a long ingest is seen
		// to be alive.
		hb := startHeartbeat(h.e, "Übernahme")
		opt.Progress = func(p ingest.Progress) {
			hb.set(fmt.Sprintf("%s von %s Dateien, %s Zeilen", german.Int(int64(p.FilesDone)), german.Int(int64(p.Files)), german.Int(p.Rows)))
		}
		defer hb.stop()
	}
	return ingest.Run(ctx, opt)
}

// kindName is a finding kind's German name (from the export catalog).
func kindName(k string) string { return source.KindLabel(k) }

func printIngestSummary(w io.Writer, s *ingest.Summary) {
	fmt.Fprintf(w, "Übernommen: %s Dateien, %s Zeilen (%s angenommen, %s abgewiesen, %s mit Hinweis).\n",
		german.Int(int64(s.Ingested)), german.Int(s.RowsRead), german.Int(s.Accepted), german.Int(s.Rejected), german.Int(s.Flagged))
	if s.Duplicates > 0 {
		fmt.Fprintf(w, "Bereits übernommen (unverändert erneut geliefert): %s Dateien.\n", german.Int(int64(s.Duplicates)))
	}
	if len(s.ByKind) > 0 {
		fmt.Fprintln(w, "Befunde nach Art:")
		kinds := make([]string, 0, len(s.ByKind))
		for k := range s.ByKind {
			kinds = append(kinds, k)
		}
		sort.Slice(kinds, func(i, j int) bool {
			return s.ByKind[kinds[i]] > s.ByKind[kinds[j]] || s.ByKind[kinds[i]] == s.ByKind[kinds[j]] && kinds[i] < kinds[j]
		})
		for _, k := range kinds {
			fmt.Fprintf(w, "  %-48s %10s\n", kindName(k), german.Int(s.ByKind[k]))
		}
	}
	if len(s.Empty) > 0 {
		fmt.Fprintf(w, "Leere Lieferungen (gültig, keine Zeilen) (%d): %s\n", len(s.Empty), strings.Join(s.Empty, ", "))
	}
	if len(s.Quarantined) > 0 {
		fmt.Fprintf(w, "In Quarantäne (%d):\n", len(s.Quarantined))
		for _, q := range s.Quarantined {
			fmt.Fprintf(w, "  %s: %s – %s\n", q.Name, kindName(q.Kind), q.Reason)
		}
	}
	if len(s.Skipped) > 0 {
		fmt.Fprintf(w, "Im Posteingang belassen, für den nächsten Lauf (%d):\n", len(s.Skipped))
		for _, q := range s.Skipped {
			fmt.Fprintf(w, "  %s: %s\n", q.Name, q.Reason)
		}
	}
	if len(s.ExtraCols) > 0 {
		fmt.Fprintf(w, "Unbekannte Spalten ignoriert in %d Dateien.\n", len(s.ExtraCols))
	}
	if len(s.Unknown) > 0 {
		fmt.Fprintf(w, "Unbekannte Dateien im Posteingang belassen (%d): %s\n", len(s.Unknown), strings.Join(s.Unknown, ", "))
	}
	if s.Ignored > 0 {
		fmt.Fprintf(w, "Übersprungen (unvollständig, versteckt oder Begleitdatei): %d.\n", s.Ignored)
	}
	if s.Duration > 0 {
		fmt.Fprintf(w, "Dauer: %s s.\n", german.Decimal(s.Duration.Seconds(), 1))
	}
}
