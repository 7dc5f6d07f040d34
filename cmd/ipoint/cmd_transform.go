package main

import (
	"context"
	"fmt"

	"ipoint/pipeline/warehouse"
	"ipoint/reports/german"
)

func init() {
	register(command{name: "transform", summary: "Auswertungsdatenbank (DuckDB) aus dem Datensee neu aufbauen und prüfen", run: runTransform})
}

func runTransform(ctx context.Context, args []string, e env) error {
	fs := newFlags("transform", `Baut die Auswertungsdatenbank aus dem Datensee neu auf (SQL-Modelle aus sql/models)
und führt die Datenprüfungen aus (sql/checks). Die neue Datenbank ersetzt die alte erst,
wenn sie vollständig ist; wer gerade abfragt, wird nicht gestört.`, e)
	homeDir := homeFlag(fs)
	threads := fs.Int("threads", 2, "Threads für DuckDB")
	memory := fs.String("memory-limit", "4GB", "Speichergrenze für DuckDB")
	maxAge := fs.Int("max-age-days", 3, "so alt darf die neueste tägliche Lieferung sein (Tage)")
	if err := parse(fs, args); err != nil {
		return err
	}
	h, err := resolveHome(*homeDir, e)
	if err != nil {
		return err
	}
	res, err := warehouse.Build(ctx, warehouse.Options{Lake: h.lake(), Path: h.warehouseFile(), Threads: *threads,
		MemoryLimit: *memory, MaxAgeDays: *maxAge, Now: e.now})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Auswertungsdatenbank aufgebaut: %s (%s s).\n", h.warehouseFile(), german.Decimal(res.Duration.Seconds(), 1))
	fmt.Fprintln(e.stdout, "Prüfungen:")
	for _, c := range res.Checks {
		state := "in Ordnung"
		switch {
		case c.Failed():
			state = fmt.Sprintf("FEHLER: %s Zeilen", german.Int(c.Rows))
		case c.Rows > 0:
			state = fmt.Sprintf("Hinweis: %s Zeilen", german.Int(c.Rows))
		}
		fmt.Fprintf(e.stdout, "  %-22s %-64s %s\n", c.Name, c.Description, state)
	}
	if f := res.Failed(); len(f) > 0 {
		return problemsError{fmt.Sprintf("%d Prüfungen fehlgeschlagen", len(f))}
	}
	return nil
}
