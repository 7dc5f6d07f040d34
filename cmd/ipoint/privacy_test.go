package main

import (
	"bytes"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"ipoint/pipeline/lake"
	"ipoint/pipeline/read"
	"ipoint/pipeline/warehouse"
)

// surname is typed where it does not belong: into code columns, identifiers, dates,
// numbers and record ids of every text export, and into two documents that go to
// quarantine whole.
const surname = "Müller-Lüdenscheid"

// surnameParts are searched for in every encoding: the ASCII runs between its umlauts.
var surnameParts = []string{"denscheid", "ller-L"}

// TestNoPersonalTextOutsideInboxAndQuarantine (issue 14, items 6 and 7): a surname typed
// into code columns and other fields that get rejected, and into record ids that are
// kept, appears in no file of the data home but the raw deliveries (the inbox with its
// archive, the quarantine): not in the lake's Parquet files (read as bytes and
// decompressed), the findings, the manifest, the warehouse (every column of every
// table), the run records, the metrics, the reports, nor in the commands' output and
// logs. The agencies' record ids reach the warehouse only as tokens, and no table an
// analyst sees holds a delivery's file name or line.
func TestNoPersonalTextOutsideInboxAndQuarantine(t *testing.T) {
	home := t.TempDir()
	vars := map[string]string{"IPOINT_HOME": home, "IPOINT_KEY": strings.Repeat("3c", 32)}
	now := time.Date(2026, 11, 25, 1, 30, 0, 0, time.UTC)
	var output strings.Builder
	for _, args := range [][]string{{"init"}, {"generate", "--days", "40", "--scale", "0.1", "--as-of", "2026-11-24"}} {
		r := callAt(t, vars, now, args...)
		if r.code != exitOK {
			t.Fatalf("%v: %d %s", args, r.code, r.stderr)
		}
	}
	// The generator's answer key is no part of an installation.
	if err := os.RemoveAll(filepath.Join(home, "synth")); err != nil {
		t.Fatal(err)
	}
	inbox := filepath.Join(home, "inbox")
	planted := plantSurname(t, inbox)

	r := callAt(t, vars, now, "run")
	if r.code != exitOK && r.code != exitProblems {
		t.Fatalf("run: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	output.WriteString(r.stdout + r.stderr)
	if !regexp.MustCompile(`pseudonyme +.* in Ordnung`).MatchString(r.stdout) {
		t.Errorf("the check pseudonyme did not pass:\n%s", r.stdout)
	}
	for _, args := range [][]string{{"status"}} {
		r := callAt(t, vars, now, args...)
		output.WriteString(r.stdout + r.stderr)
	}

	// The planted files went where the test means them to: the rows into the lake (so
	// that their findings are written), the broken documents into quarantine.
	m, err := lake.ReadManifest(filepath.Join(home, "lake"))
	if err != nil {
		t.Fatal(err)
	}
	for name, outcome := range planted {
		e := m.Find(name)
		if e == nil || e.Outcome != outcome {
			t.Fatalf("%s: manifest entry %+v, want outcome %s", name, e, outcome)
		}
		if outcome == lake.Ingested && e.Rejected == 0 {
			t.Errorf("%s: no row rejected", name)
		}
	}

	// Everything outside the inbox and the quarantine, as text.
	var all bytes.Buffer
	all.WriteString(output.String())
	files := 0
	err = filepath.WalkDir(home, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path == inbox || path == filepath.Join(home, "quarantine") {
				return filepath.SkipDir
			}
			return nil
		}
		files++
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		all.Write(b)
		switch {
		case strings.HasSuffix(path, ".parquet"):
			parquetText(t, path, &all)
		case strings.HasSuffix(path, ".duckdb"):
			db, err := warehouse.OpenReadOnly(path)
			if err != nil {
				return err
			}
			defer db.Close()
			for table, text := range warehouseText(t, db) {
				all.WriteString(table + "\n" + text)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 || all.Len() < 1<<20 {
		t.Fatalf("only %d files, %d bytes searched: the test reads too little", files, all.Len())
	}
	for _, part := range surnameParts {
		if i := bytes.Index(all.Bytes(), []byte(part)); i >= 0 {
			t.Errorf("the surname (%q) appears outside the inbox and the quarantine: …%q…", part, around(all.Bytes(), i))
		}
	}
	// The quarantine's reason files may say why; they do not repeat the surname either.
	reasons, _ := filepath.Glob(filepath.Join(home, "quarantine", "*"+lake.ReasonSuffix))
	for _, p := range reasons {
		b, _ := os.ReadFile(p)
		for _, part := range surnameParts {
			if bytes.Contains(b, []byte(part)) {
				t.Errorf("%s quotes the surname", p)
			}
		}
	}

	// Record ids: none of the delivered ids is in the warehouse in clear.
	ids := deliveredIDs(t, filepath.Join(inbox, lake.ArchiveDir))
	if len(ids) < 200 || !ids["AU-2026-990001"] {
		t.Fatalf("only %d record ids found in the archived deliveries", len(ids))
	}
	db, err := warehouse.OpenReadOnly(filepath.Join(home, "warehouse", "ipoint.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	word := regexp.MustCompile(`[A-Za-z0-9-]+`)
	deliveryName := regexp.MustCompile(`[a-z_]+_[0-9]{6,8}(_[0-9]{5})?\.(csv|xml|jsonl|xlsx)|\.(csv|xml|jsonl|xlsx|parquet)\b`)
	for table, text := range warehouseText(t, db) {
		for _, w := range word.FindAllString(text, -1) {
			if ids[w] {
				t.Errorf("table %s holds the record id %s in clear", table, w)
				break
			}
		}
		// The manifest's view names each delivery (no row, no line); no other table does.
		if table != "core_lieferungen" {
			if m := deliveryName.FindString(text); m != "" {
				t.Errorf("table %s names a delivery: %q", table, m)
			}
		}
	}
	rows, err := db.Query(`SELECT table_name, column_name FROM information_schema.columns
		WHERE column_name IN ('lieferung', 'source_line', 'filename', 'file', 'line', 'zeile', 'datei')`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var table, column string
		rows.Scan(&table, &column)
		t.Errorf("table %s has a column %s: a delivery's name or line", table, column)
	}
	rows.Close()
	// The ids are there, as record tokens.
	for table, column := range map[string]string{"stg_arbeitsaufnahmen": "aufnahme_id", "stg_beratungen": "beratung_id",
		"stg_aufenthalt": "meldung_id", "core_teilnahmen": "teilnahme_id"} {
		var n, tokens int
		q := fmt.Sprintf(`SELECT count(*), count(*) FILTER (%s SIMILAR TO 'R-[a-z2-7]{26}') FROM %s`, column, table)
		if err := db.QueryRow(q).Scan(&n, &tokens); err != nil {
			t.Fatal(err)
		}
		if n == 0 || tokens != n {
			t.Errorf("%s.%s: %d of %d values are record tokens", table, column, tokens, n)
		}
	}
}

// plantSurname writes the surname into the newest generated deliveries and into a
// consultations file of its own; it returns the planted files and where each must end.
func plantSurname(t *testing.T, inbox string) map[string]string {
	t.Helper()
	planted := map[string]string{}
	// The client master (Windows-1252, CRLF): the surname as Geschlecht, as
	// Staatsangehörigkeit, as Kundennummer and as Zugang_IP (all rejected), and as the
	// name of a client who is kept (names never reach the lake).
	client := map[string]string{"BG_Nummer": "", "Nachname": "Quastenflosser", "Vorname": "Quirin", "Geburtsdatum": "00.00.1990",
		"Geschlecht": "w", "Staatsangehoerigkeit": "SYR", "Aufenthaltsstatus": "GEST", "Rechtskreis": "SGB2", "Kreis": "05970",
		"Gemeinde": "05970040", "Zugang_IP": "03.03.2025", "Foerderbedarf": "J", "Status": "AL"}
	var clients []map[string]string
	for i, col := range []string{"Geschlecht", "Staatsangehoerigkeit", "Kundennummer", "Zugang_IP", "Nachname"} {
		c := with(client, "Kundennummer", fmt.Sprintf("975Z99000%d", i))
		clients = append(clients, with(c, col, surname))
	}
	appendCSV(t, filepath.Join(inbox, "verbis_kunden_20261124.csv"), clients, "\r\n", true)
	planted["verbis_kunden_20261124.csv"] = lake.Ingested

	// Job starts (UTF-8, LF): as Aufnahme_ID, Art, Wochenstunden and Betriebsnummer
	// (rejected), and one valid start whose id the warehouse must not show.
	start := map[string]string{"Aufnahme_ID": "AU-2026-990001", "Kundennummer": "975Z990004", "Art": "SVB_VZ", "Beginn": "01.12.2026",
		"Gefoerdert": "N", "Meldedatum": "24.11.2026", "Storno": "N"}
	starts := []map[string]string{start}
	for i, col := range []string{"Aufnahme_ID", "Art", "Wochenstunden", "Betriebsnummer"} {
		starts = append(starts, with(with(start, "Aufnahme_ID", fmt.Sprintf("AU-2026-99001%d", i)), col, surname))
	}
	appendCSV(t, filepath.Join(inbox, "arbeitsaufnahmen_20261124.csv"), starts, "\n", false)
	planted["arbeitsaufnahmen_20261124.csv"] = lake.Ingested

	// Residence decisions (XML): as status, azrNummer and gueltigAb (rejected), and as the
	// id of a decision that is kept (as a token).
	xmlPath := filepath.Join(inbox, "abh_aufenthalt_05970_20261124.xml")
	doc, err := os.ReadFile(xmlPath)
	if err != nil {
		t.Fatal(err)
	}
	meldung := func(id, azr, status, ab string) string {
		return fmt.Sprintf("  <meldung id=%q>\n    <azrNummer>%s</azrNummer>\n    <status>%s</status>\n    <gueltigAb>%s</gueltigAb>\n    <erwerbstaetigkeit>ERLAUBT</erwerbstaetigkeit>\n  </meldung>\n", id, azr, status, ab)
	}
	extra := meldung("ABH-05970-2026-990001", surname, "DUL", "2026-11-24") + meldung("ABH-05970-2026-990002", "980199990002", surname, "2026-11-24") +
		meldung("ABH-05970-2026-990003", "980199990003", "DUL", surname) + meldung(surname, "980199990004", "DUL", "2026-11-24")
	doc = bytes.Replace(doc, []byte("</aufenthaltsmeldungen>"), []byte(extra+"</aufenthaltsmeldungen>"), 1)
	if err := os.WriteFile(xmlPath, doc, 0o640); err != nil {
		t.Fatal(err)
	}
	planted["abh_aufenthalt_05970_20261124.xml"] = lake.Ingested

	// Two documents that go to quarantine whole: the surname as an entity (not
	// well-formed) and as the root's Kreis.
	for name, root := range map[string]string{
		"abh_aufenthalt_05966_20261124.xml": `<aufenthaltsmeldungen kreis="05966">` + "\n" + meldung("ABH-05966-2026-990001", "980199990005", "&"+surname+";", "2026-11-24"),
		"abh_aufenthalt_05966_20261123.xml": `<aufenthaltsmeldungen kreis="` + surname + `">` + "\n" + meldung("ABH-05966-2026-990002", "980199990006", "DUL", "2026-11-23"),
	} {
		body := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + root + "</aufenthaltsmeldungen>\n"
		if err := os.WriteFile(filepath.Join(inbox, name), []byte(body), 0o640); err != nil {
			t.Fatal(err)
		}
		planted[name] = lake.Quarantined
	}

	// Consultations of a month of their own (JSON Lines): 40 valid ones, one whose id is
	// the surname (kept, as a token), and the surname as kanal, kundennummer and dauer_min
	// (rejected).
	var jl strings.Builder
	line := `{"id":%q,"datum":"2026-09-%02d","kreis":"05970","zielgruppe":"EHRENAMT","thema":"RECHT","kanal":%q,"dauer_min":%s,"kundennummer":%s,"betriebsnummer":null}` + "\n"
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&jl, line, fmt.Sprintf("B-2026-09-%06d", i), i%28+1, "TELEFON", "30", "null")
	}
	fmt.Fprintf(&jl, line, surname, 3, "TELEFON", "30", "null")
	fmt.Fprintf(&jl, line, "B-2026-09-000041", 3, surname, "30", "null")
	fmt.Fprintf(&jl, line, "B-2026-09-000042", 3, "TELEFON", "30", fmt.Sprintf("%q", surname))
	fmt.Fprintf(&jl, line, "B-2026-09-000043", 3, "TELEFON", fmt.Sprintf("%q", surname), "null")
	if err := os.WriteFile(filepath.Join(inbox, "beratungen_202609.jsonl"), []byte(jl.String()), 0o640); err != nil {
		t.Fatal(err)
	}
	planted["beratungen_202609.jsonl"] = lake.Ingested
	return planted
}

// with returns a copy of row with column set to value.
func with(row map[string]string, column, value string) map[string]string {
	out := map[string]string{}
	for k, v := range row {
		out[k] = v
	}
	out[column] = value
	return out
}

// appendCSV appends rows to a generated CSV delivery in the order of its header (extra
// columns stay empty), in Windows-1252 where latin1 is set.
func appendCSV(t *testing.T, path string, rows []map[string]string, eol string, latin1 bool) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	head, _, _ := strings.Cut(strings.TrimPrefix(string(b), "\uFEFF"), "\n")
	header := strings.Split(strings.TrimSuffix(head, "\r"), ";")
	if len(b) > 0 && !bytes.HasSuffix(b, []byte("\n")) {
		b = append(b, eol...)
	}
	for _, row := range rows {
		fields := make([]string, len(header))
		for i, h := range header {
			fields[i] = row[h]
		}
		text := strings.Join(fields, ";") + eol
		if latin1 {
			for _, r := range text {
				b = append(b, byte(r))
			}
		} else {
			b = append(b, text...)
		}
	}
	if err := os.WriteFile(path, b, 0o640); err != nil {
		t.Fatal(err)
	}
}

// parquetText writes every value of a Parquet file, decompressed, as text.
func parquetText(t *testing.T, path string, w *bytes.Buffer) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	r := parquet.NewReader(pf)
	defer r.Close()
	rows := make([]parquet.Row, 64)
	for {
		n, err := r.ReadRows(rows)
		for _, row := range rows[:n] {
			for _, v := range row {
				w.WriteString(v.String())
				w.WriteByte('\n')
			}
		}
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
}

// warehouseText returns, per table, every value of every column as text.
func warehouseText(t *testing.T, db *sql.DB) map[string]string {
	t.Helper()
	rows, err := db.Query(`SELECT table_name, column_name FROM information_schema.columns ORDER BY table_name, ordinal_position`)
	if err != nil {
		t.Fatal(err)
	}
	type col struct{ table, column string }
	var cols []col
	for rows.Next() {
		var c col
		if err := rows.Scan(&c.table, &c.column); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, c)
	}
	rows.Close()
	out := map[string]string{}
	for _, c := range cols {
		var s sql.NullString
		q := fmt.Sprintf(`SELECT string_agg(CAST("%s" AS VARCHAR), chr(10)) FROM "%s"`, c.column, c.table)
		if err := db.QueryRow(q).Scan(&s); err != nil {
			t.Fatalf("%s.%s: %v", c.table, c.column, err)
		}
		out[c.table] += s.String + "\n"
	}
	if len(out) < 20 {
		t.Fatalf("only %d tables", len(out))
	}
	return out
}

// deliveredIDs reads the record ids of every archived delivery: job starts,
// consultations and residence decisions from their text, participations from their
// workbooks.
func deliveredIDs(t *testing.T, archive string) map[string]bool {
	t.Helper()
	ids := map[string]bool{}
	text := regexp.MustCompile(`AU-[0-9]{4}-[0-9]{6}|B-[0-9]{4}-[0-9]{2}-[0-9]{6}|ABH-[0-9]{5}-[0-9]{4}-[0-9]{6}`)
	err := filepath.WalkDir(archive, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.Contains(path, "massnahmen") {
			rd, err := read.OpenXLSX(path, read.XLSXOptions{Sheet: "Teilnahmen"})
			if err != nil {
				return nil // a broken workbook went to quarantine, not here; nothing to read
			}
			defer rd.Close()
			col := -1
			for i, c := range rd.Columns() {
				if c == "Teilnahme_ID" {
					col = i
				}
			}
			for {
				row, err := rd.Next()
				if err == io.EOF {
					break
				}
				if _, ok := err.(*read.RowError); ok || col < 0 {
					continue
				}
				if err != nil {
					break
				}
				if col < len(row.Fields) && row.Fields[col] != "" {
					ids[row.Fields[col]] = true
				}
			}
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, id := range text.FindAll(b, -1) {
			ids[string(id)] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// around returns the text around position i.
func around(b []byte, i int) string {
	lo, hi := max(0, i-80), min(len(b), i+80)
	return string(b[lo:hi])
}
