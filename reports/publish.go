package reports

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"ipoint/reports/suppress"
)

// Selection says which reports to publish. The zero Selection is the nightly run's:
// the last complete week and month of the data, with the Verlaufsbericht.
type Selection struct {
	Year, Week   int  // an ISO week (Week 0: none)
	MonthYear    int  // with Month: a month (Month 0: none)
	Month        int  //
	LastWeekOnly bool // the Wochenbericht of the last complete week alone (the weekly job)
}

// NoDataError is a report whose period the data do not cover at all (the first nights
// of an installation): by default it is left out with a note, asked for it is an error.
type NoDataError struct{ Msg string }

func (e NoDataError) Error() string { return e.Msg }

// Published is a rendered report and what the archive did with it. A report left out
// has no Path and no Period; Outcome says why.
type Published struct {
	Title, Period string
	Kind          string // KindWeekly, KindMonthly, KindCohorts
	Path          string // in the archive
	Outcome       string // Store's word: new, unchanged, a new version
	Weekly        bool
	// Summary is what a mail's body says of the report: the key figures together (and
	// per Kreis), then the sentences on what changed. Only figures the report shows.
	Summary []string
}

// summary lists a report's key figures and its sentences for a mail body: each key
// figure together, then per Kreis where the report shows it per Kreis ("Neue Zugänge:
// 17 (Siegen-Wittgenstein 12, Olpe 5)"). Breakdowns (davon, Anteil, the Monatsbericht's
// starts by kind) and the coverage stay in the report.
func summary(r *Report) []string {
	var out []string
	if r.Keys != nil {
		for _, row := range r.Keys.Rows {
			if len(row.Cells) <= len(Kreise) || strings.HasPrefix(row.Name, "davon") || strings.HasPrefix(row.Name, "Anteil") ||
				strings.HasPrefix(row.Name, "Abdeckung") || strings.HasPrefix(row.Name, "Aufnahmen: ") {
				continue
			}
			// Both reports' tables: a column per Kreis, then "zusammen".
			total := row.Cells[len(Kreise)]
			if total == "" || total == "x" { // x: not computable yet (the report says why)
				continue
			}
			line := row.Name + ": " + total
			var parts []string
			for i, kr := range Kreise {
				if row.Cells[i] != "" {
					parts = append(parts, kr.Name+" "+row.Cells[i])
				}
			}
			if len(parts) == len(Kreise) {
				line += " (" + strings.Join(parts, ", ") + ")"
			}
			out = append(out, line)
		}
	}
	return append(out, r.Text...)
}

// Settings are the confidentiality settings a publication runs with.
type Settings struct {
	K        int64  // threshold: counts from 1 to K−1 are suppressed
	Width    int64  // protection width: an attacker's interval for a suppressed figure is at least this wide
	MinGroup int64  // smallest group a Kaplan–Meier curve is drawn for
	Ledger   string // the file of published figures (kept by the ETL account, outside the archive)
	Targets  Targets
	// Log, if set, is told of the never-shown or earlier suppressed figures that earlier
	// publications left narrower than the width (suppress.System.Fixed), by key: they do
	// not stop the publication.
	Log *slog.Logger
}

// Targets are the office's goals the Monatsbericht compares with; 0: none set.
type Targets struct {
	IntegrationsPerMonth int64 // integrations (K2) per month, both Kreise
	QuotaPercent         int   // 12-month Integrationsquote, percent
	CoveragePercent      int   // caseload per 100 Schutzsuchende
}

// Minimums of the settings.
const (
	MinWidth    = suppress.MinK
	MinMinGroup = 20
)

// Check refuses settings below their minimums, naming the configuration key.
func (s Settings) Check() error {
	if err := suppress.CheckK(s.K); err != nil {
		return err
	}
	if s.Width < s.K || s.Width < MinWidth {
		return fmt.Errorf("reports.width = %d: die Schutzbreite muss mindestens so groß wie die Geheimhaltungsschwelle sein (%d)", s.Width, max(s.K, MinWidth))
	}
	if s.MinGroup < MinMinGroup {
		return fmt.Errorf("reports.min_group = %d: Verläufe brauchen Gruppen von mindestens %d Personen", s.MinGroup, MinMinGroup)
	}
	if s.Ledger == "" {
		return errors.New("kein Verzeichnis der veröffentlichten Zahlen angegeben")
	}
	return nil
}

type planned struct {
	title     string // the report's kind, for a note when it is left out
	load      func(ctx context.Context, db *sql.DB, f *figures, s Settings) (*Report, error)
	weekly    bool
	byDefault bool // chosen by the data's Stand, not asked for
}

// plan decides which reports sel means, from the data's Stand: a given week or month, the
// last complete week alone, or by default the last complete week and month. The
// Verlaufsbericht rests on the newest data, so it comes only with the last complete month.
func plan(ctx context.Context, db *sql.DB, sel Selection) ([]planned, error) {
	var stand time.Time
	if err := db.QueryRowContext(ctx, `SELECT stand FROM dim_stichtage`).Scan(&stand); err != nil {
		return nil, err
	}
	stand = stand.UTC()
	var out []planned
	week := func(y, w int) {
		out = append(out, planned{"Wochenbericht", func(ctx context.Context, db *sql.DB, f *figures, s Settings) (*Report, error) {
			return Weekly(ctx, db, f, y, w, s.K)
		}, true, false})
	}
	month := func(y, m int) {
		out = append(out, planned{"Monatsbericht", func(ctx context.Context, db *sql.DB, f *figures, s Settings) (*Report, error) {
			return Monthly(ctx, db, f, y, m, s.K, s.Targets)
		}, false, false})
		if ly, lm := LastCompleteMonth(stand); ly == y && lm == m {
			out = append(out, planned{"Verlaufsbericht", func(ctx context.Context, db *sql.DB, f *figures, s Settings) (*Report, error) {
				return Cohorts(ctx, db, f, y, m, s.K, s.MinGroup)
			}, false, false})
		}
	}
	switch {
	case sel.LastWeekOnly:
		week(LastCompleteWeek(stand))
		out[0].byDefault = true
	case sel.Week == 0 && sel.Month == 0:
		week(LastCompleteWeek(stand))
		month(LastCompleteMonth(stand))
		for i := range out {
			out[i].byDefault = true
		}
	default:
		if sel.Week != 0 {
			week(sel.Year, sel.Week)
		}
		if sel.Month != 0 {
			month(sel.MonthYear, sel.Month)
		}
	}
	return out, nil
}

// Publish renders the reports sel selects into the archive at dir and rewrites the
// archive's index. The reports' figures are protected as one system together with every
// figure published before (the ledger): the loaders run once to collect figures and
// relations, suppress.System.Protect decides, the ledger is written, and the loaders run
// again to render. Figures already published keep their value and their symbol.
func Publish(ctx context.Context, db *sql.DB, dir string, sel Selection, set Settings) ([]Published, error) {
	if err := set.Check(); err != nil {
		return nil, err
	}
	todo, err := plan(ctx, db, sel)
	if err != nil {
		return nil, err
	}
	ledger, err := LoadLedger(set.Ledger)
	if err != nil {
		return nil, err
	}
	f := newFigures(ledger)
	var done []Published
	var ready []planned
	for _, p := range todo {
		_, err := p.load(ctx, db, f, set)
		var nd NoDataError
		if errors.As(err, &nd) && p.byDefault {
			done = append(done, Published{Title: p.title, Weekly: p.weekly, Outcome: "nicht erstellt: " + nd.Msg})
			continue
		}
		if err != nil {
			return done, err
		}
		ready = append(ready, p)
	}
	if err := f.sys.Protect(set.K, set.Width); err != nil {
		return done, fmt.Errorf("Geheimhaltung: %w", err)
	}
	if fixed := f.sys.Fixed(); len(fixed) > 0 && set.Log != nil {
		keys := make([]string, len(fixed))
		for i, x := range fixed {
			keys[i] = x.Key
		}
		set.Log.Warn("figures narrowed by earlier publications alone (not this one's to protect)", "keys", keys)
	}
	ledger.record(f)
	if err := ledger.Save(set.Ledger); err != nil {
		return done, err
	}
	for _, p := range ready {
		r, err := p.load(ctx, db, f, set)
		if err != nil {
			return done, err
		}
		r.Digest = figureDigest(r)
		var buf bytes.Buffer
		if err := Render(&buf, r); err != nil {
			return done, err
		}
		path, outcome, err := Store(dir, r.ArchivePath(), buf.Bytes(), r.Digest)
		if err != nil {
			return done, err
		}
		done = append(done, Published{Title: r.Title, Period: r.Period, Kind: r.Kind, Path: path, Outcome: outcome, Weekly: p.weekly, Summary: summary(r)})
	}
	return done, WriteIndex(dir)
}

// TrueFigures computes afresh from the warehouse the value of every figure, shown or
// latent, that the reports sel selects rest on, keyed as the ledger keys them: what an
// audit compares a publication with. Nothing is suppressed or stored.
func TrueFigures(ctx context.Context, db *sql.DB, sels []Selection, set Settings) (map[string]int64, error) {
	f := newFigures(&Ledger{Figures: map[string]LedgerFigure{}, Texts: map[string]string{}})
	for _, sel := range sels {
		todo, err := plan(ctx, db, sel)
		if err != nil {
			return nil, err
		}
		for _, p := range todo {
			if _, err := p.load(ctx, db, f, set); err != nil {
				var nd NoDataError
				if errors.As(err, &nd) {
					continue
				}
				return nil, err
			}
		}
	}
	out := map[string]int64{}
	f.sys.Each(func(key string, v int64, _ suppress.State, _ bool) { out[key] = v })
	return out, nil
}
