package status

import (
	"errors"
	"strings"
	"testing"
	"time"

	"ipoint/pipeline/civil"
	"ipoint/pipeline/lake"
	"ipoint/pipeline/runs"
)

func TestCompute(t *testing.T) {
	now := time.Date(2026, 11, 25, 7, 0, 0, 0, time.UTC)
	m := &lake.Manifest{Entries: []lake.Entry{
		{Export: "verbis_kunden", Stichtag: "2026-11-24", Outcome: lake.Ingested, RowsRead: 9},
		{Export: "verbis_kunden", Stichtag: "2026-11-25", Outcome: lake.Quarantined},              // not in the lake
		{Export: "massnahmen", Stichtag: "2026-11-21", Outcome: lake.Ingested, RowsRead: 9},       // 4 days: overdue
		{Export: "arbeitsaufnahmen", Stichtag: "2026-11-22", Outcome: lake.Ingested, RowsRead: 9}, // 3 days: allowed
		{Export: "abh_aufenthalt", Kreis: "05966", Stichtag: "2026-11-24", Outcome: lake.Ingested, RowsRead: 9},
		{Export: "beratungen", Stichtag: "2026-10-31", Outcome: lake.Ingested, RowsRead: 9},
		{Export: "destatis_12531", Stichtag: "2025-12-31", Outcome: lake.Ingested, RowsRead: 9}, // yearly: 329 days allowed
		// ki_schutzsuchende and abh_aufenthalt/05970: never delivered
	}}
	in := Input{Now: now, Location: civil.Berlin, Today: civil.Of(now, civil.Berlin), DailyMaxAge: 3, Manifest: m,
		Runs:         []runs.Run{{Job: "run", Start: now.Add(-40 * time.Hour), Outcome: runs.Failed, Error: "Platte voll"}},
		Quarantine:   []QuarantineFile{{Name: "verbis_kunden_20261125.csv", SHA256: "q1"}},
		FailedChecks: []string{"aktualitaet – … (2 Zeilen)"}, ChecksErr: nil}
	s := Compute(in)
	got := map[string]Stream{}
	for _, st := range s.Streams {
		got[st.Name] = st
	}
	for name, want := range map[string]struct {
		age     int
		overdue bool
	}{"verbis_kunden": {1, false}, "massnahmen": {4, true}, "arbeitsaufnahmen": {3, false},
		"abh_aufenthalt/05966": {1, false}, "abh_aufenthalt/05970": {0, true}, "beratungen": {25, false}, "ki_schutzsuchende": {0, true},
		"destatis_12531": {329, false}} {
		if st, ok := got[name]; !ok || st.AgeDays != want.age || st.Overdue != want.overdue {
			t.Errorf("%s: %+v, want age %d overdue %v", name, st, want.age, want.overdue)
		}
	}
	if len(s.Streams) != 8 {
		t.Errorf("%d streams", len(s.Streams))
	}
	todo := strings.Join(s.Todo, "\n")
	for _, want := range []string{"der letzte nächtliche Lauf (23.11. 16:00) ist GESCHEITERT: Platte voll",
		"seit 40 Stunden kein nächtlicher Lauf", "Lieferung massnahmen bleibt aus: neuester Stichtag 21.11.2026, 4 Tage alt",
		"Lieferung ki_schutzsuchende ist noch nie eingegangen", "Lieferung abh_aufenthalt/05970 ist noch nie eingegangen",
		"in Quarantäne: verbis_kunden_20261125.csv (Grund in verbis_kunden_20261125.csv.grund.txt",
		"Prüfung fehlgeschlagen: aktualitaet"} {
		if !strings.Contains(todo, want) {
			t.Errorf("to-do lacks %q:\n%s", want, todo)
		}
	}
	if len(s.Todo) != 7 {
		t.Errorf("%d to-dos:\n%s", len(s.Todo), todo)
	}
	// A recent good run and fresh deliveries leave nothing; unreadable checks are a to-do.
	in.Runs = []runs.Run{{Job: "run", Start: now.Add(-5 * time.Hour), Outcome: runs.Problems}}
	in.Quarantine, in.FailedChecks, in.ChecksErr = nil, nil, errors.New("kaputt")
	in.Manifest = &lake.Manifest{}
	s = Compute(in)
	if len(s.Todo) != 9 || !strings.Contains(s.Todo[len(s.Todo)-1], "nicht lesbar (kaputt)") {
		t.Errorf("to-dos: %q", s.Todo)
	}
}

// TestEmptyDelivery (issue 15, D10): a valid delivery without rows counts as delivered,
// and the status says it was empty; for a snapshot or a monthly export it is a to-do.
func TestEmptyDelivery(t *testing.T) {
	now := time.Date(2026, 11, 25, 7, 0, 0, 0, time.UTC)
	m := &lake.Manifest{Entries: []lake.Entry{
		{Export: "verbis_kunden", Stichtag: "2026-11-23", Outcome: lake.Ingested, RowsRead: 9},
		{Export: "verbis_kunden", Stichtag: "2026-11-24", Outcome: lake.Ingested},
		{Export: "arbeitsaufnahmen", Stichtag: "2026-11-24", Outcome: lake.Ingested},
		{Export: "massnahmen", Stichtag: "2026-11-24", Outcome: lake.Ingested},
		{Export: "massnahmen", Stichtag: "2026-11-23", Outcome: lake.Ingested, RowsRead: 9}, // a late delivery of an earlier day
		{Export: "destatis_12531", Stichtag: "2025-12-31", Outcome: lake.Ingested},
	}}
	s := Compute(Input{Now: now, Location: civil.Berlin, Today: civil.Of(now, civil.Berlin), DailyMaxAge: 3, Manifest: m})
	for _, st := range s.Streams {
		want := st.Name == "verbis_kunden" || st.Name == "arbeitsaufnahmen" || st.Name == "massnahmen" || st.Name == "destatis_12531"
		if st.Empty != want || want && st.Overdue {
			t.Errorf("%s: %+v", st.Name, st)
		}
	}
	todo := strings.Join(s.Todo, "\n")
	if !strings.Contains(todo, "leere Lieferung: verbis_kunden zum Stichtag 24.11.2026 enthält keine Zeilen") ||
		!strings.Contains(todo, "leere Lieferung: massnahmen") || strings.Contains(todo, "leere Lieferung: arbeitsaufnahmen") ||
		!strings.Contains(todo, "leere Lieferung: destatis_12531 zum Stichtag 31.12.2025") {
		t.Errorf("to-dos:\n%s", todo)
	}
}

// TestQuarantineAcksUnknownFilesAndOtherJobs: an acknowledged file or one whose delivery
// came again is no to-do (other bytes under the same name are); unknown inbox files and
// a failed weekly report are.
func TestQuarantineAcksUnknownFilesAndOtherJobs(t *testing.T) {
	now := time.Date(2026, 11, 25, 7, 0, 0, 0, time.UTC)
	m := &lake.Manifest{Entries: []lake.Entry{
		{Name: "a_20261120.csv", SHA256: "a1", Export: "massnahmen", Stichtag: "2026-11-20", Outcome: lake.Quarantined},
		{Name: "b_20261121.csv", SHA256: "b1", Export: "massnahmen", Stichtag: "2026-11-21", Outcome: lake.Quarantined},
		{Name: "c_20261122.csv", SHA256: "c1", Export: "massnahmen", Stichtag: "2026-11-22", Outcome: lake.Quarantined},
		{Name: "b_20261121.csv", SHA256: "b2", Export: "massnahmen", Stichtag: "2026-11-21", Outcome: lake.Ingested}, // the corrected delivery
		{Name: "massnahmen_20261124.csv", Export: "massnahmen", Stichtag: "2026-11-24", Outcome: lake.Ingested},
	}}
	acks := map[string]Ack{"a1": {File: "a_20261120.csv", SHA256: "a1", Reason: "Stelle liefert neu", User: "mia"},
		"zz": {File: "c_20261122.csv", SHA256: "zz", Reason: "andere Bytes"}}
	in := Input{Now: now, Location: civil.Berlin, Today: civil.Of(now, civil.Berlin), DailyMaxAge: 3, Manifest: m, Acks: acks,
		Quarantine: []QuarantineFile{{Name: "a_20261120.csv", SHA256: "a1"}, {Name: "b_20261121.csv", SHA256: "b1"},
			{Name: "c_20261122.csv", SHA256: "c1"}},
		Unknown: []string{"Liste_final(2).xlsx"},
		Runs: []runs.Run{{Job: "run", Start: now.Add(-5 * time.Hour), Outcome: runs.OK},
			{Job: "weekly_report", Start: now.Add(-time.Hour), Outcome: runs.Failed, Error: "Mailserver nicht erreichbar"}}}
	s := Compute(in)
	todo := strings.Join(s.Todo, "\n")
	for _, want := range []string{"in Quarantäne: c_20261122.csv", "unbekannte Datei im Posteingang: Liste_final(2).xlsx",
		"der letzte Wochenbericht (25.11. 07:00) ist GESCHEITERT: Mailserver nicht erreichbar"} {
		if !strings.Contains(todo, want) {
			t.Errorf("to-do lacks %q:\n%s", want, todo)
		}
	}
	for _, not := range []string{"a_20261120.csv", "b_20261121.csv"} {
		if strings.Contains(todo, not) {
			t.Errorf("%s is still a to-do:\n%s", not, todo)
		}
	}
	if s.OpenQuarantine() != 1 || s.Quarantine[0].Ack == nil || s.Quarantine[0].Ack.Reason != "Stelle liefert neu" ||
		s.Quarantine[1].Redelivered != "b_20261121.csv" || s.Quarantine[2].Ack != nil || len(s.Unknown) != 1 {
		t.Errorf("quarantine: %+v", s.Quarantine)
	}
}

func TestAckLog(t *testing.T) {
	path := t.TempDir() + "/audit/" + AckLogName
	if a, err := LoadAcks(path); err != nil || len(a) != 0 {
		t.Fatalf("missing log: %v %v", a, err)
	}
	for _, a := range []Ack{{File: "x", SHA256: "1", Reason: "erst"}, {File: "x", SHA256: "1", Reason: "dann"}, {File: "y", SHA256: "2", Reason: "y"}} {
		if err := AppendAck(path, a); err != nil {
			t.Fatal(err)
		}
	}
	a, err := LoadAcks(path)
	if err != nil || len(a) != 2 || a["1"].Reason != "dann" {
		t.Errorf("acks: %+v %v", a, err)
	}
}

// TestMonthMailTodo: a month's reports the nightly run could not mail are a to-do with
// the run's German reason until a night sends them; nights that had nothing to mail
// change nothing.
func TestMonthMailTodo(t *testing.T) {
	now := time.Date(2026, 12, 9, 7, 0, 0, 0, time.UTC)
	failed := runs.Run{Job: "run", Start: now.Add(-30 * time.Hour), Outcome: runs.Problems, Stages: []runs.Stage{{Name: "report", Outcome: "ok"},
		{Name: "mail", Outcome: "problems", Note: "Monatsbericht November 2026 nicht versandt: der Mailserver smtp.kreis.example:587 ist nicht erreichbar"}}}
	quiet := runs.Run{Job: "run", Start: now.Add(-6 * time.Hour), Outcome: runs.OK, Stages: []runs.Stage{{Name: "report", Outcome: "ok"}}}
	sent := runs.Run{Job: "run", Start: now.Add(-5 * time.Hour), Outcome: runs.OK, Stages: []runs.Stage{{Name: "mail", Outcome: "ok", Note: "November 2026 an 2 Empfänger, als PDF"}}}
	weekly := runs.Run{Job: "weekly_report", Start: now.Add(-time.Hour), Outcome: runs.OK, Stages: []runs.Stage{{Name: "mail", Outcome: "ok"}}}
	todo := func(rs ...runs.Run) string {
		s := Compute(Input{Now: now, Location: civil.Berlin, Today: civil.Of(now, civil.Berlin), DailyMaxAge: 3, Runs: rs})
		return strings.Join(s.Todo, "\n")
	}
	want := "Versand im nächtlichen Lauf (08.12. 02:00): Monatsbericht November 2026 nicht versandt: der Mailserver smtp.kreis.example:587 ist nicht erreichbar"
	if got := todo(failed, quiet, weekly); !strings.Contains(got, want) {
		t.Errorf("a failed monthly mail is no to-do:\n%s", got)
	}
	if got := todo(failed, quiet, sent, weekly); strings.Contains(got, "Versand") {
		t.Errorf("a sent month is still a to-do:\n%s", got)
	}
}
