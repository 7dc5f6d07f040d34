package reports

import (
	"bytes"
	"context"
	"database/sql"
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

// Published is a rendered report and what the archive did with it.
type Published struct {
	Title, Period string
	Path          string // in the archive
	Outcome       string // Store's word: new, unchanged, a new version
	Weekly        bool
}

type planned struct {
	load   func(ctx context.Context, db *sql.DB, k int64) (*Report, error)
	weekly bool
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
		out = append(out, planned{func(ctx context.Context, db *sql.DB, k int64) (*Report, error) { return Weekly(ctx, db, y, w, k) }, true})
	}
	month := func(y, m int) {
		out = append(out, planned{func(ctx context.Context, db *sql.DB, k int64) (*Report, error) { return Monthly(ctx, db, y, m, k) }, false})
		if ly, lm := LastCompleteMonth(stand); ly == y && lm == m {
			out = append(out, planned{func(ctx context.Context, db *sql.DB, k int64) (*Report, error) { return Cohorts(ctx, db, y, m, k) }, false})
		}
	}
	switch {
	case sel.LastWeekOnly:
		week(LastCompleteWeek(stand))
	case sel.Week == 0 && sel.Month == 0:
		week(LastCompleteWeek(stand))
		month(LastCompleteMonth(stand))
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
