package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode/utf16"

	"ipoint/pipeline/atomicfile"
	"ipoint/pipeline/civil"
	"ipoint/pipeline/lake"
	"ipoint/pipeline/source"
	"ipoint/pipeline/warehouse"
)

// TestSoak plays 60 nights of an installation whose deliveries begin on 1 October 2026,
// with what goes wrong in a year of operation: hostile files (a PDF, a ZIP archive and
// UTF-16 XML under an export's name, a name with an impossible date, a value of 1,500
// characters), corrected re-deliveries of a delta and of a snapshot, two days delivered
// late, a night the server did not run, a monthly export nine days late, the same
// bytes delivered twice, a night without the key file and a night with a full disk (an
// injected ENOSPC at the file-writing edge). Every night ends 0 or 3, except the two
// injected failures, which end 1 with a German message; the night after each takes in
// what it left; nothing delivered is lost; and the final lake (rows and findings of
// every export) and every mart equal those of the same nights without the faults.
func TestSoak(t *testing.T) {
	const asOf, days = "2026-11-29", 60
	world := generateDeliveries(t, asOf, days, "0.05", "11")
	first, last := civil.Date(2026, 10, 1), civil.Date(2026, 11, 29)
	key := []byte(strings.Repeat("6b", 32) + "\n")
	newHome := func() (string, map[string]string) {
		home := t.TempDir()
		if err := os.MkdirAll(filepath.Join(home, "secrets"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(home, "secrets", "pseudonym.key"), key, 0o600); err != nil {
			t.Fatal(err)
		}
		vars := map[string]string{"IPOINT_HOME": home}
		if r := call(t, vars, "init"); r.code != exitOK {
			t.Fatal(r.stderr)
		}
		return home, vars
	}
	home, vars := newHome()
	inbox := filepath.Join(home, "inbox")
	worldFile := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(world.dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	// The plan: what arrives on which day besides the world's own deliveries, what of
	// those arrives later, and which nights go wrong.
	type arrival struct {
		name string
		data []byte // nil: the world's file
	}
	extra := map[civil.Day][]arrival{}
	held := map[string]civil.Day{} // a world's file and the day it arrives instead
	add := func(d civil.Day, name string, data []byte) { extra[d] = append(extra[d], arrival{name, data}) }
	day := func(m, d int) civil.Day { return civil.Date(2026, time.Month(m), d) }

	// Hostile files under a real delivery's name; the real file comes as a re-delivery.
	pdf := []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
	zip := append([]byte("PK\x03\x04\x14\x00\x00\x00\x08\x00"), bytes.Repeat([]byte{0x9c, 0x00, 0xff, 0x13}, 64)...)
	utf16xml := []byte{0xff, 0xfe}
	for _, u := range utf16.Encode([]rune(`<?xml version="1.0" encoding="UTF-16"?><aufenthaltsmeldungen kreis="05970" erstellt="2026-10-13T02:00:00"></aufenthaltsmeldungen>`)) {
		utf16xml = append(utf16xml, byte(u), byte(u>>8))
	}
	hostile := []struct {
		name    string
		data    []byte
		on, fix civil.Day
		reason  string // the German kind in the quarantine reason
	}{
		{"massnahmen_20261005.xlsx", pdf, day(10, 5), day(10, 7), "falsches Dateiformat"},
		{"arbeitsaufnahmen_20261008.csv", zip, day(10, 8), day(10, 9), "falsches Dateiformat"},
		{"abh_aufenthalt_05970_20261012.xml", utf16xml, day(10, 12), day(10, 14), "falsche Zeichenkodierung"},
	}
	for _, h := range hostile {
		held[h.name] = h.fix
		add(h.on, h.name, h.data)
	}
	// A name that looks like an export with a date that does not exist: quarantined for
	// good. A value of 1,500 characters in the client master: its row rejected, the
	// file taken in; the agency's corrected file follows two days later.
	add(day(10, 15), "arbeitsaufnahmen_20261032.csv", worldFile("arbeitsaufnahmen_20261015.csv"))
	held["verbis_kunden_20261016.csv"] = day(10, 18)
	add(day(10, 16), "verbis_kunden_20261016.csv", longValue(t, worldFile("verbis_kunden_20261016.csv")))
	// Corrected re-deliveries: a delta delivered without its last row, a snapshot
	// without five long-registered clients (its first rows); the full files follow.
	starts := busiestDelta(t, world, day(10, 19), day(10, 23))
	startsDay := stichtagOf(t, world.file(t, starts))
	held[starts] = startsDay.AddDays(2)
	add(startsDay, starts, withoutLines(t, worldFile(starts), -1, 1))
	held["verbis_kunden_20261022.csv"] = day(10, 23)
	add(day(10, 22), "verbis_kunden_20261022.csv", withoutLines(t, worldFile("verbis_kunden_20261022.csv"), 1, 5))
	// Two days whose deliveries come three and two days late.
	for _, d := range []civil.Day{day(10, 27), day(10, 28)} {
		for _, f := range world.on(d) {
			held[f.Name] = day(10, 30)
		}
	}
	// October's population table nine days late (due 4.11.).
	held["ki_schutzsuchende_202610.csv"] = day(11, 13)
	// The same bytes again, weeks later: nothing changes.
	add(day(11, 24), "verbis_kunden_20261020.csv", nil)
	noKey, diskFull, serverOff := day(11, 3), day(11, 17), day(11, 7)

	var (
		mu        sync.Mutex
		lakeFiles = map[string]bool{}
		lakeDir   = filepath.Join(home, "lake") + string(filepath.Separator)
	)
	// The full disk: it takes the night's first four lake files and, from the fifth on,
	// no file ipoint writes whole at all (lake, reports, state), so that the ingest fails
	// half-way with some of its files written. (The run history's append and the metrics
	// file are written otherwise and are not failed.)
	full := func(path string) error {
		mu.Lock()
		defer mu.Unlock()
		if strings.HasPrefix(path, lakeDir) && len(lakeFiles) < 5 {
			lakeFiles[path] = true
		}
		if len(lakeFiles) > 4 {
			return syscall.ENOSPC
		}
		return nil
	}
	t.Cleanup(func() { atomicfile.Fault = nil })

	var pending []string // delivered, not yet taken in
	for d := first; !d.After(last); d = d.AddDays(1) {
		for _, f := range world.on(d) {
			if held[f.Name].IsZero() || held[f.Name].Equal(d) {
				world.put(t, inbox, f.Name)
				pending = append(pending, f.Name)
			}
		}
		for name, at := range held {
			if at.Equal(d) && world.file(t, name).Delivered != d.String() {
				world.put(t, inbox, name)
				pending = append(pending, name)
			}
		}
		for _, a := range extra[d] {
			if a.data == nil {
				world.put(t, inbox, a.name)
			} else {
				putBytes(t, inbox, a.name, a.data)
			}
		}
		if d.Equal(serverOff) {
			continue
		}
		keyFile := filepath.Join(home, "secrets", "pseudonym.key")
		switch {
		case d.Equal(noKey):
			if err := os.Rename(keyFile, keyFile+".weg"); err != nil {
				t.Fatal(err)
			}
		case d.Equal(diskFull):
			atomicfile.Fault = full
		}
		began := time.Now()
		r := callAt(t, vars, nightAfter(d), "run")
		atomicfile.Fault = nil
		t.Logf("night after %s: code %d, %.1f s", d, r.code, time.Since(began).Seconds())
		if r.code == exitFailure {
			t.Logf("%s", r.stderr)
		}
		switch {
		case d.Equal(noKey):
			if err := os.Rename(keyFile+".weg", keyFile); err != nil {
				t.Fatal(err)
			}
			if r.code != exitFailure || !strings.Contains(r.stderr, "ipoint: Fehler: der Pseudonymisierungsschlüssel fehlt") ||
				!strings.Contains(r.stderr, "die Sicherung des Schlüssels zurückspielen") {
				t.Errorf("the night without the key: %d\n%s", r.code, r.stderr)
			}
			continue
		case d.Equal(diskFull):
			if r.code != exitFailure || !strings.Contains(r.stderr, "ipoint: Fehler: Der Speicherplatz ist voll.") || len(lakeFiles) < 5 {
				t.Errorf("the night with a full disk: %d, %d lake files tried\n%s\n%s", r.code, len(lakeFiles), r.stdout, r.stderr)
			}
			continue
		}
		if r.code != exitOK && r.code != exitProblems {
			t.Fatalf("night after %s: code %d\n%s\n%s", d, r.code, r.stdout, r.stderr)
		}
		// Whatever was delivered before this night is taken in now (or quarantined):
		// the nights after a failure recover.
		for _, name := range pending {
			if o := world.file(t, name).Outcome; o == "ignore" || o == "unknown" {
				continue
			}
			if _, err := os.Stat(filepath.Join(inbox, name)); err == nil {
				t.Errorf("night after %s: %s still in the inbox (code %d)\n%s", d, name, r.code, r.stderr)
			}
		}
		pending = nil
		for _, h := range hostile {
			if d.Equal(h.on) && (r.code != exitProblems || !strings.Contains(r.stdout, h.name+": ") || !strings.Contains(r.stdout, h.reason)) {
				t.Errorf("night after %s: the hostile %s not quarantined: %d\n%s", d, h.name, r.code, r.stdout)
			}
		}
		// The late population table: named as missing until it comes; then the
		// Wochenbericht of the night, which shows the coverage at October's end, gets a
		// new version with it. October has no Monatsbericht: its first ISO week begins on
		// 28 September, before the deliveries.
		missing := slices.Contains(lastRun(t, home).Attention, "noch keine Lieferung: ki_schutzsuchende (Schutzsuchende nach Gemeinden (Kommunales Integrationszentrum))")
		if late := held["ki_schutzsuchende_202610.csv"]; missing != d.Before(late) {
			t.Errorf("night after %s: population table named as missing: %v (it comes on %s)", d, missing, late)
		} else if d.Equal(late) {
			m := regexp.MustCompile(`Wochenbericht KW 45/2026, 02\.11\.–08\.11\.2026: (\S+) \(neue Fassung\)`).FindStringSubmatch(r.stdout)
			if m == nil || strings.Contains(reportText(t, m[1]), "noch keine Lieferung") ||
				!strings.Contains(r.stdout, "Monatsbericht nicht erstellt: Oktober 2026 ist nicht vollständig geliefert: der Monat zählt ab KW 40 (28.09.2026)") {
				t.Errorf("night after %s: no new Wochenbericht with the population table, or a Monatsbericht for October:\n%s", d, r.stdout)
			}
		}
	}

	// The reference: the same nights without the faults, every delivery on time. Its
	// nights only take in (the warehouse is built from the lake whole, so the last
	// night's build is all that counts for the marts), and its last night runs the job.
	ref, refVars := newHome()
	for d := first; !d.After(last); d = d.AddDays(1) {
		world.deliver(t, filepath.Join(ref, "inbox"), d)
		cmd := "ingest"
		if d.Equal(last) {
			cmd = "run"
		}
		if r := callAt(t, refVars, nightAfter(d), cmd); r.code != exitOK && r.code != exitProblems {
			t.Fatalf("reference, night after %s: %d\n%s", d, r.code, r.stderr)
		}
	}

	// Nothing delivered is lost: every file of the world has its current manifest entry
	// with its bytes and its outcome, as in the reference; what is left in the inbox is
	// what is no delivery.
	got, want := currentEntries(t, home), currentEntries(t, ref)
	for name, e := range want {
		if got[name] != e {
			t.Errorf("manifest: %s is %q, want %q", name, got[name], e)
		}
	}
	for name, e := range got {
		if _, ok := want[name]; !ok && name != "arbeitsaufnahmen_20261032.csv" {
			t.Errorf("manifest: %s (%s) is not a delivery of the world", name, e)
		}
	}
	if left, refLeft := inboxFiles(t, home), inboxFiles(t, ref); !slices.Equal(left, refLeft) || len(left) == 0 {
		t.Errorf("left in the inbox: %v, in the reference's: %v", left, refLeft)
	}

	// The hostile files stay in quarantine, each done by its re-delivery but the one no
	// agency will send again; the full disk left no half-written file behind.
	st := callAt(t, vars, nightAfter(last).Add(5*time.Hour), "status", "--json")
	var status struct {
		Quarantine []struct {
			Name        string `json:"name"`
			Redelivered string `json:"redelivered_by"`
		} `json:"quarantine"`
	}
	if err := json.Unmarshal([]byte(st.stdout), &status); err != nil {
		t.Fatalf("status --json: %v\n%s", err, st.stdout)
	}
	done := map[string]string{}
	for _, q := range status.Quarantine {
		done[q.Name] = q.Redelivered
	}
	for _, h := range hostile {
		if done[h.name] == "" {
			t.Errorf("status: the hostile %s not done by its re-delivery: %+v", h.name, status.Quarantine)
		}
	}
	if r, ok := done["arbeitsaufnahmen_20261032.csv"]; !ok || r != "" {
		t.Errorf("status: the file with an impossible date: in quarantine %v, done by %q", ok, r)
	}
	filepath.WalkDir(home, func(p string, e os.DirEntry, err error) error {
		if err == nil && atomicfile.IsTemp(e.Name()) {
			t.Errorf("left behind: %s", p)
		}
		return err
	})

	// The lake's rows and findings, and every table of the warehouse but the list of
	// deliveries, equal the reference's.
	if a, b := lakeDigests(t, home), lakeDigests(t, ref); a != b {
		t.Errorf("lake differs from the reference:\n%s", lineDiff(b, a))
	}
	if a, b := warehouseDigests(t, home), warehouseDigests(t, ref); a != b {
		t.Errorf("warehouse differs from the reference:\n%s", lineDiff(b, a))
	}
}

// stichtagOf is a delivery's Stichtag.
func stichtagOf(t *testing.T, f deliveredFile) civil.Day {
	t.Helper()
	d, err := civil.Parse(f.Stichtag)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// busiestDelta is the job-starts delivery with the most rows from one day to another.
func busiestDelta(t *testing.T, world *deliveries, from, to civil.Day) string {
	t.Helper()
	best, most := "", 0
	for d := from; !d.After(to); d = d.AddDays(1) {
		name := "arbeitsaufnahmen_" + strings.ReplaceAll(d.String(), "-", "") + ".csv"
		b, err := os.ReadFile(filepath.Join(world.dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if n := bytes.Count(b, []byte("\n")); n > most {
			best, most = name, n
		}
	}
	if most < 3 {
		t.Fatalf("no job starts from %s to %s to correct", from, to)
	}
	return best
}

// withoutLines is a CSV delivery without n of its lines from the first'th on (0: the
// header; negative: counted from the end), each line whole: a file cut short by the
// agency's export, or missing some clients.
func withoutLines(t *testing.T, b []byte, first, n int) []byte {
	t.Helper()
	lines := bytes.SplitAfter(b, []byte("\n"))
	if len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	if first < 0 {
		first += len(lines)
	}
	if first < 1 || first+n > len(lines) {
		t.Fatalf("cannot drop lines %d to %d of %d", first, first+n-1, len(lines))
	}
	return bytes.Join(slices.Delete(lines, first, first+n), nil)
}

// longValue is a client master whose first unquoted data row holds 1,500 characters in
// Vorname (a note pasted into the wrong field).
func longValue(t *testing.T, b []byte) []byte {
	t.Helper()
	lines := bytes.SplitAfter(b, []byte("\r\n"))
	for i := 1; i < len(lines); i++ {
		fields := bytes.Split(lines[i], []byte(";"))
		if bytes.ContainsRune(lines[i], '"') || len(fields) < 4 {
			continue
		}
		fields[3] = bytes.Repeat([]byte("A"), 1500)
		lines[i] = bytes.Join(fields, []byte(";"))
		return bytes.Join(lines, nil)
	}
	t.Fatal("no unquoted row")
	return nil
}

// currentEntries is each delivered name's newest manifest entry: its outcome and bytes.
func currentEntries(t *testing.T, home string) map[string]string {
	t.Helper()
	m, err := lake.ReadManifest(filepath.Join(home, "lake"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range m.Entries {
		out[e.Name] = fmt.Sprintf("%s %s superseded=%v", e.Outcome, e.SHA256[:12], e.Superseded)
	}
	return out
}

// inboxFiles lists what is left in the inbox (the archive aside).
func inboxFiles(t *testing.T, home string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(home, "inbox"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.Name() != lake.ArchiveDir {
			out = append(out, e.Name())
		}
	}
	return out
}

// lakeDigests lists every export's rows and findings in the lake, as DuckDB reads them,
// one digest a line.
func lakeDigests(t *testing.T, home string) string {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	root := filepath.Join(home, "lake")
	var b strings.Builder
	for _, e := range source.All() {
		for _, g := range []struct{ what, glob string }{
			{"rows", lake.Glob(e.Name, e.Snapshot)},
			{"findings", filepath.Join(lake.FindingsDir, lake.ExportDir(e.Name), "*", "*.parquet")},
		} {
			glob := filepath.Join(root, g.glob)
			files, _ := filepath.Glob(glob)
			if len(files) == 0 {
				fmt.Fprintf(&b, "%s %s: none\n", e.Name, g.what)
				continue
			}
			n, sum := queryDigest(t, context.Background(), db,
				fmt.Sprintf(`SELECT * FROM read_parquet('%s', hive_partitioning = true) ORDER BY ALL`, glob))
			fmt.Fprintf(&b, "%s %s: %d rows sha256=%s\n", e.Name, g.what, n, sum)
		}
	}
	return b.String()
}

// warehouseDigests lists every table of the warehouse, one digest a line, but the list
// of deliveries (core_lieferungen: every file and its fate, a hostile one too, which
// the manifest check compares) and the manifest's hash the build records (aufbau).
func warehouseDigests(t *testing.T, home string) string {
	t.Helper()
	db, err := warehouse.OpenReadOnly(filepath.Join(home, "warehouse", "ipoint.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM information_schema.tables ORDER BY table_name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	var b strings.Builder
	marts := 0
	for _, name := range tables {
		if strings.HasPrefix(name, "mart_") {
			marts++
		}
		q := fmt.Sprintf(`SELECT * FROM %q ORDER BY ALL`, name)
		switch name {
		case "core_lieferungen":
			continue
		case "aufbau":
			q = `SELECT * EXCLUDE (datenversion) FROM aufbau`
		}
		n, sum := queryDigest(t, ctx, db, q)
		fmt.Fprintf(&b, "%s: %d rows sha256=%s\n", name, n, sum)
	}
	if marts < 8 {
		t.Fatalf("only %d marts in %v", marts, tables)
	}
	return b.String()
}
