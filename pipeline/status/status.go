// Package status decides what `ipoint status` reports and what needs a person: the
// freshness of every delivery stream (from the export catalog), the last runs, files in
// quarantine and failed checks. It reads nothing itself: the command gathers the inputs,
// this package applies the rules, the command prints.
package status

import (
	"fmt"
	"time"

	"ipoint/pipeline/civil"
	"ipoint/pipeline/lake"
	"ipoint/pipeline/runs"
	"ipoint/pipeline/source"
)

// StaleRunAfter is how long without a nightly run is worth a to-do: a missed night and
// a half.
const StaleRunAfter = 36 * time.Hour

// Input is what the rules look at.
type Input struct {
	Now          time.Time
	Location     *time.Location
	Today        civil.Day
	DailyMaxAge  int        // the freshness limit of daily exports in days
	Runs         []runs.Run // the run history, oldest first
	Manifest     *lake.Manifest
	Quarantine   []QuarantineFile // files in quarantine (not their reason files), Name and SHA256 set
	Acks         map[string]Ack   // acknowledgements by content hash (LoadAcks)
	Unknown      []string         // files in the inbox that match no export (the ingest leaves them there)
	FailedChecks []string         // the warehouse's failed checks, one line each
	ChecksErr    error            // the checks could not be read
}

// Stream is one delivery stream's freshness.
type Stream struct {
	Name    string    `json:"name"`             // export, or export/Kreis
	Newest  time.Time `json:"newest,omitempty"` // the newest Stichtag in the lake (zero: never delivered)
	AgeDays int       `json:"age_days"`         // days from Newest to today
	MaxAge  int       `json:"max_age_days"`     // allowed
	Overdue bool      `json:"overdue"`
	Empty   bool      `json:"empty,omitempty"` // the newest delivery held no rows
}

// Status is the result: the streams, the quarantine, and the to-dos, in German for staff.
type Status struct {
	Streams    []Stream         `json:"streams"`
	Quarantine []QuarantineFile `json:"quarantine"`
	Unknown    []string         `json:"unknown_files"`
	Todo       []string         `json:"todo"`
}

// OpenQuarantine counts the quarantined files that still need a person.
func (s Status) OpenQuarantine() int {
	n := 0
	for _, q := range s.Quarantine {
		if q.Open() {
			n++
		}
	}
	return n
}

// otherJobs are the jobs besides the nightly run whose last failure is a to-do, with
// their German names.
var otherJobs = []struct{ job, name string }{{"weekly_report", "der letzte Wochenbericht"},
	{"retention", "die letzte Anwendung der Löschfristen"}, {"erase", "die letzte Löschung einer Person"}}

// Newest is the newest Stichtag of every delivery stream in the manifest's ingested
// deliveries (midnight UTC of the date).
func Newest(m *lake.Manifest) map[string]time.Time {
	out := map[string]time.Time{}
	if m == nil {
		return out
	}
	for _, e := range m.Entries {
		if e.Outcome != lake.Ingested {
			continue
		}
		d, err := civil.Parse(e.Stichtag)
		if err != nil {
			continue
		}
		name := source.Stream(e.Export, e.Kreis)
		if t := d.Time(); t.After(out[name]) {
			out[name] = t
		}
	}
	return out
}

// emptyNewest tells, per delivery stream, whether its newest ingested delivery (the
// latest Stichtag, the later file of a day) held no rows: a 0-byte or header-only file
// is valid, and is said as such.
func emptyNewest(m *lake.Manifest) map[string]bool {
	out := map[string]bool{}
	if m == nil {
		return out
	}
	day := map[string]string{}
	for _, e := range m.Entries {
		if e.Outcome != lake.Ingested || e.Superseded {
			continue
		}
		name := source.Stream(e.Export, e.Kreis)
		if e.Stichtag >= day[name] {
			day[name] = e.Stichtag
			out[name] = e.RowsRead == 0
		}
	}
	return out
}

// Compute applies the rules.
func Compute(in Input) Status {
	var s Status
	loc := in.Location
	if loc == nil {
		loc = civil.Berlin
	}
	if last, ok := runs.Last(in.Runs, "run", nil); ok {
		switch last.Outcome {
		case runs.Failed, runs.Panicked, runs.Cancelled:
			s.Todo = append(s.Todo, fmt.Sprintf("der letzte nächtliche Lauf (%s) ist %s: %s", last.Start.In(loc).Format("02.01. 15:04"),
				OutcomeGerman(last.Outcome), last.Error))
		}
		if age := in.Now.Sub(last.Start); age > StaleRunAfter {
			s.Todo = append(s.Todo, fmt.Sprintf("seit %d Stunden kein nächtlicher Lauf", int64(age.Hours())))
		}
	}
	for _, o := range otherJobs {
		last, ok := runs.Last(in.Runs, o.job, nil)
		if !ok {
			continue
		}
		switch last.Outcome {
		case runs.Failed, runs.Panicked:
			s.Todo = append(s.Todo, fmt.Sprintf("%s (%s) ist %s: %s", o.name, last.Start.In(loc).Format("02.01. 15:04"),
				OutcomeGerman(last.Outcome), last.Error))
		}
	}
	if todo := monthMailTodo(in.Runs, loc); todo != "" {
		s.Todo = append(s.Todo, todo)
	}
	newest := Newest(in.Manifest)
	empty := emptyNewest(in.Manifest)
	for _, e := range source.All() {
		for _, name := range e.Streams() {
			st := Stream{Name: name, MaxAge: e.MaxAgeDays(in.DailyMaxAge)}
			t, ok := newest[name]
			if !ok {
				st.Overdue = true
				s.Todo = append(s.Todo, fmt.Sprintf("Lieferung %s ist noch nie eingegangen", name))
				s.Streams = append(s.Streams, st)
				continue
			}
			st.Newest = t
			st.AgeDays = in.Today.DaysSince(civil.FromTime(t))
			if st.Empty = empty[name]; st.Empty && (e.Snapshot || e.Monthly || e.Yearly) {
				// A daily delta may well be empty (no starts on a Sunday); a snapshot or a
				// month's or year's figures are not.
				s.Todo = append(s.Todo, fmt.Sprintf("leere Lieferung: %s zum Stichtag %s enthält keine Zeilen", name, t.Format("02.01.2006")))
			}
			if st.AgeDays > st.MaxAge {
				st.Overdue = true
				s.Todo = append(s.Todo, fmt.Sprintf("Lieferung %s bleibt aus: neuester Stichtag %s, %d %s alt", name,
					t.Format("02.01.2006"), st.AgeDays, Days(st.AgeDays)))
			}
			s.Streams = append(s.Streams, st)
		}
	}
	s.Unknown = append([]string{}, in.Unknown...)
	s.Quarantine = []QuarantineFile{}
	for _, q := range in.Quarantine {
		if a, ok := in.Acks[q.SHA256]; ok && q.SHA256 != "" {
			q.Ack = &a
		}
		q.Redelivered = redelivery(in.Manifest, q.SHA256)
		s.Quarantine = append(s.Quarantine, q)
		if q.Open() {
			s.Todo = append(s.Todo, "in Quarantäne: "+q.Name+" (Grund in "+lake.ReasonFile(q.Name)+
				"; Neulieferung bei der Stelle anfordern, dann ipoint status --quittieren "+q.Name+" --grund TEXT)")
		}
	}
	for _, u := range in.Unknown {
		s.Todo = append(s.Todo, "unbekannte Datei im Posteingang: "+u+" (passt zu keiner Lieferung; umbenennen oder entfernen)")
	}
	if in.ChecksErr != nil {
		s.Todo = append(s.Todo, fmt.Sprintf("die Prüfungen der Auswertungsdatenbank sind nicht lesbar (%v): ipoint run --force", in.ChecksErr))
	}
	for _, c := range in.FailedChecks {
		s.Todo = append(s.Todo, "Prüfung fehlgeschlagen: "+c)
	}
	return s
}

// monthMailTodo is the to-do of a month's reports that the nightly run could not mail
// ("" if none): the newest nightly run that tried (its stage "mail") did not get
// through. A night that sends them clears it.
func monthMailTodo(all []runs.Run, loc *time.Location) string {
	var mail runs.Stage
	last, ok := runs.Last(all, "run", func(r runs.Run) bool {
		for _, st := range r.Stages {
			if st.Name == "mail" {
				mail = st
				return true
			}
		}
		return false
	})
	if !ok || mail.Outcome == "ok" || mail.Outcome == "skipped" {
		return ""
	}
	return fmt.Sprintf("Versand im nächtlichen Lauf (%s): %s", last.Start.In(loc).Format("02.01. 15:04"), mail.Note)
}

// OutcomeGerman is a run's outcome for staff.
func OutcomeGerman(o string) string {
	switch o {
	case runs.OK:
		return "erfolgreich"
	case runs.Problems:
		return "mit Problemen"
	case runs.Failed:
		return "GESCHEITERT"
	case runs.Cancelled:
		return "abgebrochen"
	case runs.Panicked:
		return "GESCHEITERT (intern)"
	}
	return o
}

// Days is "Tag" or "Tage".
func Days(n int) string {
	if n == 1 || n == -1 {
		return "Tag"
	}
	return "Tage"
}
