package reports

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"ipoint/reports/suppress"
	"time"
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
// has no Path; Outcome says why.
type Published struct {
	Title, Period string
	Path          string // in the archive
	Outcome       string // Store's word: new, unchanged, a new version
	Weekly        bool
}

type planned struct {
	load      func(ctx context.Context, db *sql.DB, k int64) (*Report, error)
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
		out = append(out, planned{func(ctx context.Context, db *sql.DB, k int64) (*Report, error) { return Weekly(ctx, db, y, w, k) }, true, false})
	}
	month := func(y, m int) {
		out = append(out, planned{func(ctx context.Context, db *sql.DB, k int64) (*Report, error) { return Monthly(ctx, db, y, m, k) }, false, false})
		if ly, lm := LastCompleteMonth(stand); ly == y && lm == m {
			out = append(out, planned{func(ctx context.Context, db *sql.DB, k int64) (*Report, error) { return Cohorts(ctx, db, y, m, k) }, false, false})
		}
	}
	switch {
	case sel.LastWeekOnly:
		week(LastCompleteWeek(stand))
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

// Publish renders the reports sel selects with the threshold k into the archive at dir
// and rewrites the archive's index.
func Publish(ctx context.Context, db *sql.DB, dir string, sel Selection, k int64) ([]Published, error) {
	if err := suppress.CheckK(k); err != nil {
		return nil, err
	}
	todo, err := plan(ctx, db, sel)
	if err != nil {
		return nil, err
	}
	var done []Published
	for _, p := range todo {
		r, err := p.load(ctx, db, k)
		var nd NoDataError
		if errors.As(err, &nd) && p.byDefault {
			done = append(done, Published{Outcome: "nicht erstellt: " + nd.Msg + " (noch keine Lieferungen für den Zeitraum)"})
			continue
		}
		if err != nil {
			return done, err
		}
		var buf bytes.Buffer
		if err := Render(&buf, r); err != nil {
			return done, err
		}
		path, outcome, err := Store(dir, r.ArchivePath(), buf.Bytes())
		if err != nil {
			return done, err
		}
		done = append(done, Published{Title: r.Title, Period: r.Period, Path: path, Outcome: outcome, Weekly: p.weekly})
	}
	return done, WriteIndex(dir)
}
