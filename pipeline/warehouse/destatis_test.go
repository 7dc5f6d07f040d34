package warehouse

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"ipoint/pipeline/civil"
	"ipoint/pipeline/ingest"
	"ipoint/pipeline/protect"
	"ipoint/pipeline/synth"
)

// realDestatisFile is the real Destatis file (table 12531-0043, Stichtag 31.12.2024, the
// two Kreise), licence in its folder's README.
var realDestatisFile = filepath.Join("..", "..", "testdata", "destatis-12531", "12531-0043_siegen-wittgenstein_olpe_2024-12-31_flat.csv")

// destatisSums are the real file's sums per Kreis, read here with nothing but
// strings.Split: by category, and over every line.
type destatisSums struct {
	byStatus map[string]int64
	all      int64
}

func readDestatisSums(t *testing.T) map[string]*destatisSums {
	t.Helper()
	b, err := os.ReadFile(realDestatisFile)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*destatisSums{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
		f := strings.Split(line, ";")
		kreis, status := f[7], f[11]
		n, err := strconv.ParseInt(f[21], 10, 64)
		if err != nil {
			t.Fatalf("value %q", f[21])
		}
		s := out[kreis]
		if s == nil {
			s = &destatisSums{byStatus: map[string]int64{}}
			out[kreis] = s
		}
		s.byStatus[status] += n
		s.all += n
	}
	return out
}

// destatisWarehouse builds a warehouse from a small generated world whose official
// statistics are the real file of 31.12.2024 (the generator's own is removed).
func destatisWarehouse(t *testing.T) (dir, wh string, res *Result) {
	t.Helper()
	dir = t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	if _, err := synth.Generate(context.Background(), synth.Options{Out: inbox, Truth: filepath.Join(dir, "truth.json"), Seed: 5,
		AsOf: time.Date(2025, 1, 20, 0, 0, 0, 0, time.UTC), Days: 40, Scale: 0.1, DirtRate: -1}); err != nil {
		t.Fatal(err)
	}
	generated, _ := filepath.Glob(filepath.Join(inbox, "destatis_12531_*.csv"))
	for _, g := range generated {
		if err := os.Remove(g); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(realDestatisFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(inbox, "destatis_12531_20241231.csv"), b, 0o640); err != nil {
		t.Fatal(err)
	}
	key, _ := protect.ParseKey(strings.Repeat("cd", 32))
	s, err := ingest.Run(context.Background(), ingest.Options{Inbox: inbox, Quarantine: filepath.Join(dir, "q"), Lake: filepath.Join(dir, "lake"), Key: key})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Quarantined) > 0 {
		t.Fatalf("quarantined: %+v", s.Quarantined)
	}
	wh = filepath.Join(dir, "warehouse", "ipoint.duckdb")
	res, err = Build(context.Background(), Options{Lake: filepath.Join(dir, "lake"), Path: wh, Day: civil.Date(2025, 1, 21)})
	if err != nil {
		t.Fatal(err)
	}
	return dir, wh, res
}

// TestOfficialTotalsFollowTheHierarchy (issue 17): on the real file, each Kreis's total
// of protection seekers is the sum of the three top categories (open, recognised,
// rejected), not of every line, which counts most people two or three times; the parts
// agree with their categories up to Destatis' rounding, and the hierarchy check passes.
// The table of totals refuses a total made by summing every line: as the lines' sum,
// and with every line put under its top category.
func TestOfficialTotalsFollowTheHierarchy(t *testing.T) {
	sums := readDestatisSums(t)
	_, wh, res := destatisWarehouse(t)
	for _, c := range res.Checks {
		if c.Name == "schutzstatus_hierarchie" && c.Failed() || c.Name == "abdeckung_plausibel" && c.Failed() {
			t.Errorf("check %s failed: %d rows", c.Name, c.Rows)
		}
	}
	db, err := OpenReadOnly(wh)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	want := map[string]int64{"05970": 11985, "05966": 4695} // the README's sums of the real file
	for kreis, s := range sums {
		top := s.byStatus["SCHUTZST-OF"] + s.byStatus["SCHUTZST-AK-1"] + s.byStatus["SCHUTZST-X"]
		if top != want[kreis] {
			t.Fatalf("%s: the file's top level sums to %d, want %d", kreis, top, want[kreis])
		}
		if s.all <= 2*top {
			t.Errorf("%s: every line sums to %d, not more than twice the total %d", kreis, s.all, top)
		}
		var total sql.NullInt64
		var offen, anerkannt, abgelehnt, teile, rundung int64
		var stimmig bool
		if err := db.QueryRow(`SELECT schutzsuchende, offen, anerkannt, abgelehnt, anerkannt_teile, rundung_hoechstens, hierarchie_stimmig
			FROM core_schutzsuchende_amtlich WHERE stichtag = DATE '2024-12-31' AND kreis = ?`, kreis).
			Scan(&total, &offen, &anerkannt, &abgelehnt, &teile, &rundung, &stimmig); err != nil {
			t.Fatal(err)
		}
		if !total.Valid || total.Int64 != top || offen != s.byStatus["SCHUTZST-OF"] || anerkannt != s.byStatus["SCHUTZST-AK-1"] ||
			abgelehnt != s.byStatus["SCHUTZST-X"] || !stimmig {
			t.Errorf("%s: warehouse total %v (%d + %d + %d, consistent %v), want %d", kreis, total, offen, anerkannt, abgelehnt, stimmig, top)
		}
		// The parts agree with their categories up to the rounding: each of the file's
		// values is off by at most 2.
		parts := s.byStatus["SCHUTZST-AK-3"] + s.byStatus["SCHUTZST-AK-4"] + s.byStatus["SCHUTZST-AK-5"]
		if teile != parts || abs(anerkannt-teile) > rundung || abs(anerkannt-teile) > 100 {
			t.Errorf("%s: recognised %d, its finest parts %d, rounding allows %d", kreis, anerkannt, teile, rundung)
		}
		if d := s.byStatus["SCHUTZST-AK-1"] - s.byStatus["SCHUTZST-AK-2"] - s.byStatus["SCHUTZST-AK-5"]; abs(d) > 100 {
			t.Errorf("%s: recognised and its temporary and permanent parts differ by %d", kreis, d)
		}
		if d := s.byStatus["AUSRPFL-G"] + s.byStatus["AUSRPFL-L"] + s.byStatus["AUSRPFL-V"] - s.byStatus["SCHUTZST-X"]; d > 0 {
			t.Errorf("%s: those obliged to leave exceed the rejected by %d", kreis, d)
		}
	}
	// The coverage mart carries the official figure for every month end from the Stichtag on.
	rows, err := db.Query(`SELECT stichtag, kreis, amtlich_stichtag, schutzsuchende_amtlich, bestand, abdeckung_amtlich FROM mart_abdeckung ORDER BY ALL`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		var day, official time.Time
		var kreis string
		var total, bestand int64
		var share float64
		if err := rows.Scan(&day, &kreis, &official, &total, &bestand, &share); err != nil {
			t.Fatal(err)
		}
		if official.Format(time.DateOnly) != "2024-12-31" || total != want[kreis] || share != float64(bestand)/float64(total) || bestand == 0 {
			t.Errorf("%s %s: official %s %d, coverage %g of %d", day.Format(time.DateOnly), kreis, official.Format(time.DateOnly), total, share, bestand)
		}
		n++
	}
	if err := rows.Err(); err != nil || n != 2 {
		t.Errorf("%d rows (the month end 31.12.2024), %v", n, err)
	}

	// Summing every line is refused by the table of totals.
	db.Close()
	rw, err := sql.Open("duckdb", wh)
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	for _, c := range []struct{ name, q string }{
		{"the sum of every line as the total", `INSERT INTO core_schutzsuchende_amtlich
			SELECT DATE '2023-12-31', kreis, zeilen, offen, anerkannt, abgelehnt, anerkannt_teile, rundung_hoechstens, 0, 0, 0, true,
			       (SELECT sum(anzahl) FROM stg_destatis_schutzsuchende s WHERE s.kreis = a.kreis)
			FROM core_schutzsuchende_amtlich a`},
		{"every line under its top category", `INSERT INTO core_schutzsuchende_amtlich
			SELECT DATE '2023-12-31', a.kreis, a.zeilen, s.offen, s.anerkannt, s.abgelehnt, a.anerkannt_teile, a.rundung_hoechstens, 0, 0, 0, true,
			       s.offen + s.anerkannt + s.abgelehnt
			FROM core_schutzsuchende_amtlich a JOIN (
			    SELECT kreis, sum(anzahl) FILTER (schutzstatus = 'SCHUTZST-OF') AS offen,
			           sum(anzahl) FILTER (schutzstatus LIKE 'SCHUTZST-AK-%') AS anerkannt,
			           sum(anzahl) FILTER (schutzstatus = 'SCHUTZST-X' OR schutzstatus LIKE 'AUSRPFL-%') AS abgelehnt
			    FROM stg_destatis_schutzsuchende GROUP BY kreis) s USING (kreis)`},
	} {
		if _, err := rw.Exec(c.q); err == nil || !strings.Contains(err.Error(), "CHECK constraint") {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	// The same statement with the hierarchy's total is taken: the refusal is the sum's.
	if _, err := rw.Exec(`INSERT INTO core_schutzsuchende_amtlich
		SELECT DATE '2023-12-31', kreis, zeilen, offen, anerkannt, abgelehnt, anerkannt_teile, rundung_hoechstens, 0, 0, 0, true, offen + anerkannt + abgelehnt
		FROM core_schutzsuchende_amtlich`); err != nil {
		t.Errorf("the hierarchy's total: %v", err)
	}
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
