package warehouse

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ipoint/pipeline/civil"
	"ipoint/pipeline/ingest"
	"ipoint/pipeline/protect"
	"ipoint/pipeline/synth"
)

// TestStandIsTheNewestDelivery: the Stand of the data is the newest Stichtag delivered,
// also when that day's client master changed nothing and its job starts are empty (a
// Sunday): otherwise the Monday night would not see the week just ended as complete,
// and the weekly job would mail the week before it again.
func TestStandIsTheNewestDelivery(t *testing.T) {
	friday := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	db := builtWorld(t, friday, 3, civil.Date(2026, 11, 22), func(inbox string) {
		// Saturday: the same clients in the same state, and no job start reported.
		master, err := os.ReadFile(filepath.Join(inbox, "verbis_kunden_20261120.csv"))
		if err != nil {
			t.Fatal(err)
		}
		starts, err := os.ReadFile(filepath.Join(inbox, "arbeitsaufnahmen_20261120.csv"))
		if err != nil {
			t.Fatal(err)
		}
		header := starts[:bytes.IndexByte(starts, '\n')+1]
		for name, data := range map[string][]byte{"verbis_kunden_20261121.csv": master, "arbeitsaufnahmen_20261121.csv": header} {
			if err := os.WriteFile(filepath.Join(inbox, name), data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	})
	var first, stand, changed time.Time
	if err := db.QueryRow(`SELECT erster_stichtag, stand, (SELECT max(valid_from) FROM stg_kunden_verlauf) FROM dim_stichtage`).Scan(&first, &stand, &changed); err != nil {
		t.Fatal(err)
	}
	if !changed.Before(friday.AddDate(0, 0, 1)) {
		t.Fatalf("the Saturday snapshot changed a client (%s): the test proves nothing", changed.Format(time.DateOnly))
	}
	if first.Format(time.DateOnly) != "2026-11-18" || stand.Format(time.DateOnly) != "2026-11-21" {
		t.Errorf("erster_stichtag %s, stand %s; want 2026-11-18 and 2026-11-21", first.Format(time.DateOnly), stand.Format(time.DateOnly))
	}
}

// TestConsultationGap: a month of consultations that never arrived (missing, or
// quarantined whole) between two that did is a gap, not a month without consultations:
// its weeks are not complete, so the reports show "." and do not freeze zeros (found by
// review: only the first and the newest delivery were compared).
func TestConsultationGap(t *testing.T) {
	db := builtWorld(t, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), 100, civil.Date(2026, 11, 22), func(inbox string) {
		for _, name := range []string{"beratungen_202608.jsonl", "beratungen_202610.jsonl"} {
			if _, err := os.Stat(filepath.Join(inbox, name)); err != nil {
				t.Fatalf("the world has no %s: %v", name, err)
			}
		}
		if err := os.Remove(filepath.Join(inbox, "beratungen_202609.jsonl")); err != nil {
			t.Fatal(err)
		}
	})
	rows, err := db.Query(`SELECT montag, bool_and(vollstaendig) FROM mart_beratung_woche
		WHERE montag BETWEEN DATE '2026-08-17' AND DATE '2026-10-19' GROUP BY ALL ORDER BY ALL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var m time.Time
		var complete bool
		if err := rows.Scan(&m, &complete); err != nil {
			t.Fatal(err)
		}
		n++
		// A week with a day in September lacks that month's delivery.
		gap := m.Month() == time.September || m.AddDate(0, 0, 6).Month() == time.September
		if complete == gap {
			t.Errorf("week of %s: vollstaendig %v, want %v", m.Format(time.DateOnly), complete, !gap)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != 10 {
		t.Fatalf("%d weeks compared, want 10", n)
	}
}

// builtWorld generates a clean world (seed 4, scale 0.05) of days days up to asOf,
// lets change alter its inbox, takes it in and builds the warehouse for day; the
// warehouse is open read-only until the test ends.
func builtWorld(t *testing.T, asOf time.Time, days int, day civil.Day, change func(inbox string)) *sql.DB {
	t.Helper()
	dir := t.TempDir()
	inbox, lakeDir := filepath.Join(dir, "inbox"), filepath.Join(dir, "lake")
	if _, err := synth.Generate(context.Background(), synth.Options{Out: inbox, Truth: filepath.Join(dir, "truth.json"), Seed: 4,
		AsOf: asOf, Days: days, Scale: 0.05, DirtRate: -1}); err != nil {
		t.Fatal(err)
	}
	change(inbox)
	key, _ := protect.ParseKey(strings.Repeat("cd", 32))
	if _, err := ingest.Run(context.Background(), ingest.Options{Inbox: inbox, Quarantine: filepath.Join(dir, "q"), Lake: lakeDir, Key: key}); err != nil {
		t.Fatal(err)
	}
	wh := filepath.Join(dir, "ipoint.duckdb")
	if _, err := Build(context.Background(), Options{Lake: lakeDir, Path: wh, Day: day}); err != nil {
		t.Fatal(err)
	}
	db, err := OpenReadOnly(wh)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
