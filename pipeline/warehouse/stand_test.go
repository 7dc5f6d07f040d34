package warehouse

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
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

// TestStaysCountedOnce: the client master is a full snapshot, so a registration or an
// exit date can be corrected from one day to the next. A registration is counted once per
// stay (a new stay begins only with another Zugang_IP after a delivered exit), a
// corrected exit once with its newest date, a withdrawn exit not at all; a client who
// left and registered again has two stays (found by review: every distinct Zugang_IP and
// every distinct Abgang_IP counted).
func TestStaysCountedOnce(t *testing.T) {
	type change struct {
		from   int               // first Stichtag (day of November) the change holds
		fields map[string]string // column → new value
	}
	var picked []string
	plan := [][]change{
		// A: the registration date corrected to ten days earlier.
		{{16, map[string]string{"Zugang_IP": "<z-10>"}}},
		// B: an exit, then its date corrected.
		{{15, map[string]string{"Abgang_IP": "14.11.2026", "Abgangsgrund": "SONST"}}, {17, map[string]string{"Abgang_IP": "16.11.2026"}}},
		// C: an exit, withdrawn two days later.
		{{15, map[string]string{"Abgang_IP": "14.11.2026", "Abgangsgrund": "SONST"}}, {17, map[string]string{"Abgang_IP": "", "Abgangsgrund": ""}}},
		// D: registered on the first Stichtag (so both stays fall into the cohorts), an
		// exit, then a new registration.
		{{13, map[string]string{"Zugang_IP": "13.11.2026"}}, {14, map[string]string{"Abgang_IP": "13.11.2026", "Abgangsgrund": "UMZ"}}, {18, map[string]string{"Zugang_IP": "17.11.2026", "Abgang_IP": "", "Abgangsgrund": ""}}},
	}
	zugang := map[string]time.Time{}
	db := builtWorld(t, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), 8, civil.Date(2026, 11, 21), func(inbox string) {
		read := func(day int) (header []string, lines []string) {
			b, err := os.ReadFile(filepath.Join(inbox, fmt.Sprintf("verbis_kunden_202611%02d.csv", day)))
			if err != nil {
				t.Fatal(err)
			}
			lines = strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n")
			return strings.Split(lines[0], ";"), lines
		}
		header, first := read(13)
		col := map[string]int{}
		for i, h := range header {
			col[h] = i
		}
		// Clients without quoting, registered and not gone, in every snapshot.
		seen := map[string]int{}
		for day := 13; day <= 20; day++ {
			_, lines := read(day)
			for _, l := range lines[1:] {
				f := strings.Split(l, ";")
				if !strings.Contains(l, `"`) && f[col["Abgang_IP"]] == "" {
					seen[f[col["Kundennummer"]]]++
				}
			}
		}
		for _, l := range first[1:] {
			f := strings.Split(l, ";")
			if nr := f[col["Kundennummer"]]; seen[nr] == 8 && len(picked) < len(plan) {
				picked = append(picked, nr)
				z, err := time.Parse("02.01.2006", f[col["Zugang_IP"]])
				if err != nil {
					t.Fatal(err)
				}
				zugang[nr] = z
			}
		}
		if len(picked) < len(plan) {
			t.Fatalf("only %d clients registered throughout; want %d", len(picked), len(plan))
		}
		for day := 13; day <= 20; day++ {
			_, lines := read(day)
			for i, l := range lines[1:] {
				f := strings.Split(l, ";")
				for p, nr := range picked {
					if f[col["Kundennummer"]] != nr {
						continue
					}
					for _, c := range plan[p] {
						if day < c.from {
							continue
						}
						for k, v := range c.fields {
							if v == "<z-10>" {
								v = zugang[nr].AddDate(0, 0, -10).Format("02.01.2006")
							}
							f[col[k]] = v
						}
					}
					lines[i+1] = strings.Join(f, ";")
				}
			}
			if err := os.WriteFile(filepath.Join(inbox, fmt.Sprintf("verbis_kunden_202611%02d.csv", day)), []byte(strings.Join(lines, "\r\n")+"\r\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	})
	key, _ := protect.ParseKey(strings.Repeat("cd", 32))
	ps := protect.New(key)
	date := func(d time.Time) string { return d.Format(time.DateOnly) }
	want := [][]string{
		{date(zugang[picked[0]].AddDate(0, 0, -10)) + " -"},
		{date(zugang[picked[1]]) + " 2026-11-16"},
		{date(zugang[picked[2]]) + " -"},
		{"2026-11-13 2026-11-13", "2026-11-17 -"},
	}
	for p, nr := range picked {
		rows, err := db.Query(`SELECT strftime(zugang_ip, '%Y-%m-%d') || ' ' || coalesce(strftime(abgang_ip, '%Y-%m-%d'), '-')
			FROM core_betreuungen WHERE kunde_token = ? ORDER BY zugang_ip`, ps.Token(protect.Kunde, nr))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			got = append(got, s)
		}
		rows.Close()
		if strings.Join(got, ", ") != strings.Join(want[p], ", ") {
			t.Errorf("client %c: stays %q, want %q", 'A'+p, got, want[p])
		}
	}
	// The marts count the stays: the day's flows and the week's.
	var movements, stays, weekly, weekStays int
	if err := db.QueryRow(`SELECT
			(SELECT sum(anzahl) FROM mart_bewegung_tag),
			(SELECT count(zugang_ip) FILTER (zugang_ip >= date_trunc('week', s.erster_stichtag))
			      + count(abgang_ip) FILTER (abgang_ip >= date_trunc('week', s.erster_stichtag)) FROM core_betreuungen),
			(SELECT sum(zugaenge + abgaenge_int + abgaenge_ueberg + abgaenge_leist + abgaenge_umz + abgaenge_einb
			            + abgaenge_rueck + abgaenge_mitw + abgaenge_sonst + abgaenge_unbekannt) FROM mart_woche_kreis),
			(SELECT count(zugang_ip) FILTER (zugang_ip >= date_trunc('week', s.erster_stichtag))
			      + count(abgang_ip) FILTER (abgang_ip >= date_trunc('week', s.erster_stichtag)) FROM core_betreuungen)
		FROM dim_stichtage s`).Scan(&movements, &stays, &weekly, &weekStays); err != nil {
		t.Fatal(err)
	}
	if movements != stays || weekly != weekStays {
		t.Errorf("mart_bewegung_tag counts %d registrations and exits, mart_woche_kreis %d; the stays give %d and %d", movements, weekly, stays, weekStays)
	}
	// The cohorts: D's new stay is a registration of its own.
	var cohort, registered int
	if err := db.QueryRow(`SELECT (SELECT sum(unter_risiko) FROM mart_kohorte WHERE gruppe = 'alle' AND monat_seit_zugang = 0),
			(SELECT count(*) FROM core_betreuungen WHERE zugang_ip >= (SELECT erster_stichtag FROM dim_stichtage))`).Scan(&cohort, &registered); err != nil {
		t.Fatal(err)
	}
	if cohort != registered {
		t.Errorf("the cohorts start with %d stays, the registrations since the first delivery are %d", cohort, registered)
	}
}
