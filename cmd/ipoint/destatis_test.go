package main

import (
	"encoding/json"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestOfficialStatisticsInTheMonatsbericht (issue 17): the real Destatis file of
// 31.12.2024 is delivered with a generated world of December 2024 to February 2025, and
// the integration centre's tables carry rejected rows: in January a row of an unknown
// status group holding 350 people of Siegen-Wittgenstein, in December a row whose
// Gemeinde lies in the other Kreis. The nightly run takes the real file in; the
// warehouse has the two Kreise's official totals; the Monatsbericht shows them with
// their date and the note that Destatis rounds, the coverage against them, and a
// population that is unknown, not smaller, where a row was rejected, saying why.
func TestOfficialStatisticsInTheMonatsbericht(t *testing.T) {
	home := t.TempDir()
	vars := map[string]string{"IPOINT_HOME": home}
	now := time.Date(2025, 2, 11, 1, 30, 0, 0, time.UTC)
	for _, args := range [][]string{{"init"}, {"generate", "--days", "60", "--scale", "0.2", "--as-of", "2025-02-10", "--dirt-rate", "0"}} {
		if r := callAt(t, vars, now, args...); r.code != exitOK {
			t.Fatalf("%v: %d %s", args, r.code, r.stderr)
		}
	}
	inbox := filepath.Join(home, "inbox")
	generated, _ := filepath.Glob(filepath.Join(inbox, "destatis_12531_*.csv"))
	for _, g := range generated {
		os.Remove(g)
	}
	real, err := os.ReadFile(filepath.Join("..", "..", "testdata", "destatis-12531", "12531-0043_siegen-wittgenstein_olpe_2024-12-31_flat.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(inbox, "destatis_12531_20241231.csv"), real, 0o640); err != nil {
		t.Fatal(err)
	}
	addRow := func(name, after, row string) {
		p := filepath.Join(inbox, name)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		i := strings.Index(string(b), after)
		if i < 0 {
			t.Fatalf("%s: no line %q", name, after)
		}
		i += strings.Index(string(b[i:]), "\r\n") + 2
		if err := os.WriteFile(p, append(append(append([]byte{}, b[:i]...), row+"\r\n"...), b[i:]...), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	addRow("ki_schutzsuchende_202501.csv", "05970;05970040;Siegen;Schutz;", "05970;05970040;Siegen;Geduldete;350")
	addRow("ki_schutzsuchende_202412.csv", "05970;05970040;Siegen;Schutz;", "05970;05966004;Attendorn;Asyl;12")

	r := callAt(t, vars, now, "run")
	if r.code != exitOK {
		t.Fatalf("run: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	query := func(q string) []map[string]any {
		t.Helper()
		r := callAt(t, vars, now, "sql", "--format", "json", "-c", q)
		var rows []map[string]any
		if err := json.Unmarshal([]byte(r.stdout), &rows); r.code != exitOK || err != nil {
			t.Fatalf("%s: %d %v\n%s%s", q, r.code, err, r.stdout, r.stderr)
		}
		return rows
	}
	// The warehouse: the official totals of the real file, by the hierarchy.
	official := query(`SELECT kreis, schutzsuchende, offen, anerkannt, abgelehnt FROM core_schutzsuchende_amtlich ORDER BY kreis`)
	if len(official) != 2 || official[0]["schutzsuchende"] != 4695.0 || official[1]["schutzsuchende"] != 11985.0 ||
		official[1]["offen"] != 830.0 || official[1]["anerkannt"] != 10710.0 || official[1]["abgelehnt"] != 445.0 {
		t.Errorf("official totals: %v", official)
	}
	// The coverage mart: a rejected row makes its Kreis's population unknown (both, where
	// its Kreis is unclear); the official denominator stays.
	cov := query(`SELECT strftime(stichtag, '%Y-%m-%d') AS tag, kreis, schutzsuchende, zellen_unbekannt, zeilen_abgewiesen, abdeckung, abdeckung_hoechstens,
		strftime(amtlich_stichtag, '%Y-%m-%d') AS amtlich, schutzsuchende_amtlich, abdeckung_amtlich FROM mart_abdeckung ORDER BY ALL`)
	rejected := map[string]float64{"2024-12-31 05966": 1, "2024-12-31 05970": 1, "2025-01-31 05966": 0, "2025-01-31 05970": 1}
	for _, c := range cov {
		w, ok := rejected[c["tag"].(string)+" "+c["kreis"].(string)]
		if !ok {
			t.Errorf("coverage row %v", c)
			continue
		}
		// Known exactly where no cell is unknown and no row rejected.
		known := c["zellen_unbekannt"] == 0.0 && w == 0
		if (c["schutzsuchende"] != nil) != known || (c["abdeckung"] != nil) != known || c["zeilen_abgewiesen"] != w ||
			c["abdeckung_hoechstens"] == nil || c["amtlich"] != "2024-12-31" || c["schutzsuchende_amtlich"] == nil || c["abdeckung_amtlich"] == nil {
			t.Errorf("coverage %v, want %v rejected rows", c, w)
		}
	}
	if len(cov) != 4 {
		t.Errorf("%d coverage rows", len(cov))
	}

	// The Monatsbericht of January 2025.
	b, err := os.ReadFile(filepath.Join(home, "reports", "2025", "01", "monatsbericht.html"))
	if err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	text := html.UnescapeString(string(b))
	// the table's cells, without the notes under the rows' names
	cells := regexp.MustCompile(`(?s)<span class="note">.*?</span>`).ReplaceAllString(text, "")
	for _, part := range []string{
		// the overview's columns: Siegen-Wittgenstein, Olpe, zusammen
		"<th scope=\"row\">Schutzsuchende laut amtlicher Statistik</th><td>11.985</td><td>4.695</td><td>16.680</td>",
		"<th scope=\"row\">Abdeckung laut amtlicher Statistik</th><td>",
		"<th scope=\"row\">Abdeckung der geflüchteten Bevölkerung</th><td>. (höchstens ",
	} {
		if !strings.Contains(cells, part) {
			t.Errorf("the Monatsbericht lacks %q", part)
		}
	}
	for _, part := range []string{
		"Tabelle 12531-0043, Stichtag 31.12.2024", "Destatis rundet jeden Wert auf ein Vielfaches von 5",
		"Schutzsuchende am 31.12.2024 (Destatis, Werte auf ein Vielfaches von 5 gerundet)",
		"Siegen-Wittgenstein: 1 Zeile der Lieferung abgewiesen (siehe Datenqualität)",
		"Datenlizenz Deutschland – Namensnennung – Version 2.0",
	} {
		if !strings.Contains(text, part) {
			t.Errorf("the Monatsbericht lacks %q", part)
		}
	}
	if strings.Contains(text, "Olpe: 1 Zeile") {
		t.Error("Olpe's population is known in January")
	}
	// The official totals are Destatis' publication, not figures of the ledger; the shares
	// shown against them are frozen there.
	ledger, err := os.ReadFile(filepath.Join(home, "state", "veroeffentlichte-zahlen.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(ledger), `"amtlich/`) || !strings.Contains(string(ledger), `"abdeckung_amtlich/05970/2025-01-31"`) {
		t.Errorf("ledger: official figures %v, official coverage frozen %v", strings.Contains(string(ledger), `"amtlich/`),
			strings.Contains(string(ledger), `"abdeckung_amtlich/05970/2025-01-31"`))
	}
}
