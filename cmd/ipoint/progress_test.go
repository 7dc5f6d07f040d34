package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"ipoint/pipeline/ingest"
)

// TestHeartbeat: under cron (stdout no terminal) a running stage prints a line at
// every tick of its ticker, with the time, the stage, how far it is and how long it
// has run; nothing after it stopped. The test drives the ticker and the clock.
func TestHeartbeat(t *testing.T) {
	var out bytes.Buffer
	var mu sync.Mutex
	now := time.Date(2026, 11, 25, 1, 30, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	ticks := make(chan time.Time)
	stopped := false
	e := env{stdout: &out, now: clock, tick: func(d time.Duration) (<-chan time.Time, func()) {
		if d != heartbeatEvery {
			t.Errorf("ticker every %v", d)
		}
		return ticks, func() { stopped = true }
	}}
	hb := startHeartbeat(e, "Übernahme")
	hb.set("3 von 30 Dateien, 1.234 Zeilen")
	advance(10 * time.Second)
	ticks <- now
	hb.set("29 von 30 Dateien, 45.678 Zeilen")
	advance(38 * time.Second)
	ticks <- now
	hb.stop()
	want := "01:30:10 Übernahme läuft seit 10 s: 3 von 30 Dateien, 1.234 Zeilen\n" +
		"01:30:48 Übernahme läuft seit 48 s: 29 von 30 Dateien, 45.678 Zeilen\n"
	if out.String() != want || !stopped {
		t.Errorf("heartbeat:\n%s\nwant\n%s (ticker stopped: %v)", out.String(), want, stopped)
	}
	var nilBeat *heartbeat // on a terminal: nothing, and safe to use
	nilBeat.set("x")
	nilBeat.stop()
}

// TestBarAndLogLines: on a terminal a log line clears the bar's line and the bar is
// drawn again below it; the last state is drawn at the end even when its update fell
// inside the redraw interval.
func TestBarAndLogLines(t *testing.T) {
	var out bytes.Buffer
	now := time.Date(2026, 11, 25, 1, 30, 0, 0, time.UTC)
	b := &bar{w: &out, now: func() time.Time { return now }, start: now}
	b.update(ingest.Progress{Files: 30, FilesDone: 1, Rows: 10})
	b.logWriter().Write([]byte("level=WARN msg=\"file quarantined\"\n"))
	b.update(ingest.Progress{Files: 30, FilesDone: 29, Rows: 290}) // same instant: not drawn
	b.done()
	s := out.String()
	clear := "\r\x1b[K"
	if !strings.Contains(s, clear+"level=WARN msg=\"file quarantined\"\n"+clear+"[") {
		t.Errorf("the log line is not on a line of its own:\n%q", s)
	}
	if !strings.HasSuffix(s, "29/30 Dateien, 290 Zeilen, 0,0 MB/s\n") {
		t.Errorf("the bar does not end with the last state:\n%q", s)
	}
}

// TestRunLinesCarryTimeAndID: a job's first and last line name the time and the run.
func TestRunLinesCarryTimeAndID(t *testing.T) {
	home := t.TempDir()
	vars := map[string]string{"IPOINT_HOME": home}
	if r := call(t, vars, "init"); r.code != exitOK {
		t.Fatal(r.stderr)
	}
	r := call(t, vars, "run")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if !strings.HasPrefix(lines[0], "25.11.2026 08:00:00 Lauf 20261125T070000-") || !strings.HasSuffix(lines[0], "(nächtlicher Lauf) beginnt.") {
		t.Errorf("first line: %q", lines[0])
	}
	last := lines[len(lines)-1]
	id := strings.Fields(lines[0])[3]
	if !strings.HasPrefix(last, "25.11.2026 08:00:00 Lauf "+id+" (nächtlicher Lauf) beendet: mit Problemen, 0,0 s.") {
		t.Errorf("last line: %q", last)
	}
}
