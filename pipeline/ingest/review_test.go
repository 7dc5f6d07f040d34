package ingest

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
)

// Several XML records on one line are several rows: six of seven rejected quarantine
// the file.
func TestRecordsSharingALine(t *testing.T) {
	h := home{t.TempDir()}
	os.MkdirAll(h.inbox(), 0o750)
	ok := `<meldung id="A1"><azrNummer>912345678901</azrNummer><status>AE25_2</status><gueltigAb>2026-11-20</gueltigAb><erwerbstaetigkeit>ERLAUBT</erwerbstaetigkeit></meldung>`
	bad := strings.ReplaceAll(ok, "2026-11-20", "2026-02-31")
	doc := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<aufenthaltsmeldungen kreis="05970">` + ok + strings.Repeat(bad, 6) + "</aufenthaltsmeldungen>\n"
	os.WriteFile(filepath.Join(h.inbox(), "abh_aufenthalt_05970_20261124.xml"), []byte(doc), 0o640)
	s := h.ingest(t)
	if len(s.Quarantined) != 1 || s.Quarantined[0].Kind != "too_many_rejects" {
		t.Errorf("quarantined %+v, ingested %d, rejected %d", s.Quarantined, s.Ingested, s.Rejected)
	}
}

// A key twice in a snapshot rejects both rows, also when the first was rejected for
// another reason already.
func TestDuplicateOfARejectedRow(t *testing.T) {
	h := home{t.TempDir()}
	os.MkdirAll(h.inbox(), 0o750)
	row := "975D004711;;X;Y;00.00.1990;m;SYR;GEST;SGB3;05970;05970040;;03.03.2025;;;J;;;;;AL\r\n"
	badDate := strings.Replace(row, "03.03.2025", "31.02.2025", 1)
	os.WriteFile(filepath.Join(h.inbox(), "verbis_kunden_20261124.csv"), []byte(canaryHeader+badDate+row), 0o640)
	s := h.ingest(t)
	if s.Rejected != 2 || s.Accepted != 0 || s.ByKind["duplicate_key"] != 2 {
		t.Errorf("rejected %d, accepted %d, findings %v", s.Rejected, s.Accepted, s.ByKind)
	}
}

// A file that vanishes (or cannot be read) between the scan and the read is left for
// the next run instead of stopping the ingest; the other files are taken in.
func TestVanishedFileDoesNotStopTheRun(t *testing.T) {
	h := home{t.TempDir()}
	os.MkdirAll(h.inbox(), 0o750)
	row := "975D004711;;X;Y;00.00.1990;m;SYR;GEST;SGB3;05970;05970040;;03.03.2025;;;J;;;;;AL\r\n"
	for _, d := range []string{"20261123", "20261124"} {
		os.WriteFile(filepath.Join(h.inbox(), "verbis_kunden_"+d+".csv"), []byte(canaryHeader+row), 0o640)
	}
	opt := h.options()
	opt.defaults()
	r := &run{opt: opt, sum: &Summary{ByKind: map[string]int64{}}, known: map[string]bool{}}
	files, err := scan(h.inbox(), r.sum)
	if err != nil || len(files) != 2 {
		t.Fatalf("scan: %v, %d files", err, len(files))
	}
	os.Remove(files[0].path)
	if j := r.prepare(files[0], nil); !strings.Contains(j.skip, "während der Übernahme entfernt") || j.err != nil || j.detail == "" {
		t.Errorf("vanished file: skip %q, detail %q, err %v", j.skip, j.detail, j.err)
	}
	s := h.ingest(t)
	if s.Ingested != 1 {
		t.Errorf("the remaining file: %d ingested", s.Ingested)
	}
}

// A panic while reading a file (a bug of ours) leaves that file in the inbox, reported,
// and the other files are taken in.
func TestPanicCostsOneFile(t *testing.T) {
	h := home{t.TempDir()}
	os.MkdirAll(h.inbox(), 0o750)
	row := "975D004711;;X;Y;00.00.1990;m;SYR;GEST;SGB3;05970;05970040;;03.03.2025;;;J;;;;;AL\r\n"
	for _, d := range []string{"20261123", "20261124"} {
		os.WriteFile(filepath.Join(h.inbox(), "verbis_kunden_"+d+".csv"), []byte(canaryHeader+row), 0o640)
	}
	testPanic = func(name string) {
		if strings.Contains(name, "20261123") {
			panic("injected")
		}
	}
	defer func() { testPanic = nil }()
	s := h.ingest(t)
	if s.Ingested != 1 || len(s.Skipped) != 1 || !strings.Contains(s.Skipped[0].Reason, "interner Fehler") {
		t.Fatalf("ingested %d, skipped %+v", s.Ingested, s.Skipped)
	}
	if _, err := os.Stat(filepath.Join(h.inbox(), "verbis_kunden_20261123.csv")); err != nil {
		t.Errorf("the file whose read panicked is not in the inbox: %v", err)
	}
	testPanic = nil
	if s := h.ingest(t); s.Ingested != 1 {
		t.Errorf("next run: %d ingested, want the file left behind", s.Ingested)
	}
}

// A panic in a chunk's goroutine of a large CSV file costs that file, as a panic while
// reading a whole file does, and not the process.
func TestPanicInAChunkCostsOneFile(t *testing.T) {
	defer func(n int64) { bigFile = n }(bigFile)
	bigFile = 1
	h := home{t.TempDir()}
	os.MkdirAll(h.inbox(), 0o750)
	content := "Aufnahme_ID;Kundennummer;Art;Beginn;Ende;Wochenstunden;Bruttoentgelt;WZ2008;Gefoerdert;Betriebsnummer;Meldedatum;Storno\n" +
		"AU-2026-000001;975Q123456;SVB_VZ;01.12.2026;;39;2150,00;56.10;N;93456789;24.11.2026;N\n"
	for _, d := range []string{"20261123", "20261124"} {
		os.WriteFile(filepath.Join(h.inbox(), "arbeitsaufnahmen_"+d+".csv"), []byte(content), 0o640)
	}
	var chunks atomic.Int32 // the two files' chunks are read at once
	testPanic = func(name string) {
		if strings.HasSuffix(name, " chunk 0") {
			chunks.Add(1)
			if strings.Contains(name, "20261123") {
				panic("injected")
			}
		}
	}
	defer func() { testPanic = nil }()
	opt := h.options()
	opt.Workers = 2
	s, err := Run(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if n := chunks.Load(); n != 2 {
		t.Fatalf("%d files read in chunks, want 2", n)
	}
	if s.Ingested != 1 || len(s.Skipped) != 1 || !strings.Contains(s.Skipped[0].Reason, "interner Fehler beim Lesen (injected)") {
		t.Fatalf("ingested %d, skipped %+v", s.Ingested, s.Skipped)
	}
	if _, err := os.Stat(filepath.Join(h.inbox(), "arbeitsaufnahmen_20261123.csv")); err != nil {
		t.Errorf("the file whose chunk panicked is not in the inbox: %v", err)
	}
}

// TestUnreadableInGerman: why a file stays in the inbox is said in German with what to
// do, for every kind of system error; the system's English words never reach staff.
func TestUnreadableInGerman(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{&fs.PathError{Op: "open", Path: "x", Err: syscall.EACCES}, "keine Leserechte"},
		{&fs.PathError{Op: "open", Path: "x", Err: syscall.ENOENT}, "während der Übernahme entfernt"},
		{&fs.PathError{Op: "read", Path: "x", Err: syscall.EISDIR}, "ein Ordner"},
		{&fs.PathError{Op: "read", Path: "x", Err: syscall.EIO}, "Lesefehler des Datenträgers"},
		{&fs.PathError{Op: "read", Path: "x", Err: syscall.ENAMETOOLONG}, "meldet einen Fehler (Nr. 36"},
		{errors.New("unexpected EOF"), "Einzelheiten im Protokoll"},
	} {
		got := unreadable(c.err)
		if !strings.Contains(got, c.want) || strings.Contains(got, c.err.Error()) {
			t.Errorf("%v: %q", c.err, got)
		}
	}
}

// A contract column twice in the header (the second with a trailing space, as Bind
// trims it) quarantines the file: which of the two holds the values cannot be told.
func TestDuplicateColumnQuarantines(t *testing.T) {
	h := home{t.TempDir()}
	os.MkdirAll(h.inbox(), 0o750)
	header := strings.Replace(canaryHeader, ";Status\r\n", ";Status;Zugang_IP \r\n", 1)
	row := "975D004711;;X;Y;00.00.1990;m;SYR;GEST;SGB3;05970;05970040;;03.03.2025;;;J;;;;;AL;01.01.2026\r\n"
	os.WriteFile(filepath.Join(h.inbox(), "verbis_kunden_20261124.csv"), []byte(header+row), 0o640)
	s := h.ingest(t)
	if len(s.Quarantined) != 1 || s.Quarantined[0].Kind != "duplicate_column" ||
		!strings.Contains(s.Quarantined[0].Reason, "Spalte mehrfach in der Kopfzeile: Zugang_IP (Spalten 13 und 22)") {
		t.Fatalf("quarantined %+v, ingested %d", s.Quarantined, s.Ingested)
	}
	if strings.Contains(s.Quarantined[0].Reason, "975D004711") {
		t.Errorf("the reason quotes a cell: %s", s.Quarantined[0].Reason)
	}
}
