package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"ipoint/pipeline/source"
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
	threads := fs.Int("threads", defaultThreads, "Threads für DuckDB")
	memory := fs.String("memory-limit", defaultMemory, "Speichergrenze für DuckDB")
	maxAge := fs.Int("max-age-days", defaultMaxAge, "so alt darf die neueste tägliche Lieferung sein (Tage)")
	timings := fs.Int("timings", 0, "die so vielen langsamsten Schritte des Aufbaus (Modelle, Prüfungen) mit ihrer Dauer ausgeben")
	if err := parse(fs, args); err != nil {
		return err
	}
	if !validMemoryLimit(*memory) {
		return usageError{fmt.Sprintf("--memory-limit %q: erlaubt ist eine Größe mit Einheit, z. B. 4GB, 512MB oder 8GiB", *memory)}
	}
	if *threads < 1 || *threads > 256 {
		return usageError{fmt.Sprintf("--threads %d: erlaubt ist eine Zahl von 1 bis 256", *threads)}
	}
	h, err := resolveHome(*homeDir, e)
	if err != nil {
		return err
	}
	var res *warehouse.Result
	err = withLock(h, "transform", func() error {
		res, err = transformStage(ctx, h, *threads, *memory, *maxAge)
		return err
	})
	if err != nil {
		return err
	}
	printTransform(e.stdout, h, res)
	printSteps(e.stdout, res.Steps, *timings)
	if f := res.Failed(); len(f) > 0 {
		return problemsError{Msg: fmt.Sprintf("%d Prüfungen fehlgeschlagen", len(f))}
	}
	return nil
}

// The warehouse build's defaults: the transform command's flags, and what run,
// retention and erase use.
const (
	defaultThreads = 2
	defaultMemory  = "4GB"
	defaultMaxAge  = source.DefaultDailyMaxAgeDays
)

// rebuild rebuilds the warehouse with the defaults; the caller holds the lock.
func rebuild(ctx context.Context, h home) (*warehouse.Result, error) {
	return transformStage(ctx, h, defaultThreads, defaultMemory, defaultMaxAge)
}

// transformStage rebuilds the warehouse; the caller holds the lock.
func transformStage(ctx context.Context, h home, threads int, memory string, maxAge int) (*warehouse.Result, error) {
	return warehouse.Build(ctx, warehouse.Options{Lake: h.lake(), Path: h.warehouseFile(), Threads: threads,
		MemoryLimit: memory, MaxAgeDays: maxAge, Day: h.today()})
}

func printTransform(w io.Writer, h home, res *warehouse.Result) {
	fmt.Fprintf(w, "Auswertungsdatenbank aufgebaut: %s (%s s).\n", h.warehouseFile(), german.Decimal(res.Duration.Seconds(), 1))
	for _, name := range res.Missing {
		fmt.Fprintf(w, "Noch keine Lieferung von %s (%s): leer aufgebaut; die Berichte sagen es, bis sie eingeht.\n", name, source.ByName(name).Title)
	}
	fmt.Fprintln(w, "Prüfungen:")
	for _, c := range res.Checks {
		state := "in Ordnung"
		switch {
		case c.Failed():
			state = fmt.Sprintf("FEHLER: %s Zeilen", german.Int(c.Rows))
		case c.Rows > 0:
			state = fmt.Sprintf("Hinweis: %s Zeilen", german.Int(c.Rows))
		}
		fmt.Fprintf(w, "  %-22s %-64s %s\n", c.Name, c.Description, state)
	}
}

// printSteps lists a build's n slowest steps, the slowest first.
func printSteps(w io.Writer, steps []warehouse.Step, n int) {
	if n <= 0 {
		return
	}
	steps = slices.Clone(steps)
	slices.SortStableFunc(steps, func(a, b warehouse.Step) int { return cmp.Compare(b.Duration, a.Duration) })
	fmt.Fprintln(w, "Langsamste Schritte:")
	for _, s := range steps[:min(n, len(steps))] {
		fmt.Fprintf(w, "  %-48s %8s s\n", s.Name, german.Decimal(s.Duration.Seconds(), 2))
	}
}

// memoryLimitPattern is what DuckDB takes as a memory limit: a number and a unit.
var memoryLimitPattern = regexp.MustCompile(`^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$`)

// validMemoryLimit checks a memory limit before DuckDB sees it (its complaint is English).
func validMemoryLimit(s string) bool { return memoryLimitPattern.MatchString(strings.TrimSpace(s)) }
