package warehouse

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"ipoint/pipeline/civil"
	"ipoint/pipeline/ingest"
	"ipoint/pipeline/lake"
	"ipoint/pipeline/protect"
	"ipoint/pipeline/synth"
)

// TestMartsEqualTruth is the proof of issue 4: on a generated scenario, after ingest and
// transform, the marts' weekly registrations, exits and caseload, the monthly starts by
// kind and K2 integrations, and the language-course results equal the generator's
// ground truth exactly.
func TestMartsEqualTruth(t *testing.T) {
	dir := t.TempDir()
	inbox, truthPath := filepath.Join(dir, "inbox"), filepath.Join(dir, "truth.json")
	if _, err := synth.Generate(context.Background(), synth.Options{Out: inbox, Truth: truthPath, Seed: 3,
		AsOf: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), Days: 70, Scale: 0.3}); err != nil {
		t.Fatal(err)
	}
	key, _ := protect.ParseKey(strings.Repeat("ab", 32))
	if _, err := ingest.Run(context.Background(), ingest.Options{Inbox: inbox, Quarantine: filepath.Join(dir, "q"),
		Lake: filepath.Join(dir, "lake"), Key: key}); err != nil {
		t.Fatal(err)
	}
	wh := filepath.Join(dir, "warehouse", "ipoint.duckdb")
	res, err := Build(context.Background(), Options{Lake: filepath.Join(dir, "lake"), Path: wh,
		Day: civil.Date(2026, 11, 25)})
	if err != nil {
		t.Fatal(err)
	}
	// The warehouse knows what it was built from: the manifest's hash and the day.
	version, err := lake.DataVersion(filepath.Join(dir, "lake"))
	if err != nil || len(version) != 64 {
		t.Fatalf("data version %q: %v", version, err)
	}
	ctx := context.Background()
	for _, c := range []struct {
		path, version string
		day           civil.Day
		want          Staleness
	}{
		{wh, version, civil.Date(2026, 11, 25), Current},
		{wh, version, civil.Date(2026, 11, 26), OtherDay},
		{wh, strings.Repeat("0", 64), civil.Date(2026, 11, 25), OtherData},
		{filepath.Join(dir, "none.duckdb"), version, civil.Date(2026, 11, 25), Missing},
		{filepath.Join(dir, "lake", lake.ManifestName), version, civil.Date(2026, 11, 25), Unreadable},
	} {
		if got := Currency(ctx, c.path, c.version, c.day); got != c.want {
			t.Errorf("Currency(%s, %.8s, %s) = %d, want %d", filepath.Base(c.path), c.version, c.day, got, c.want)
		}
	}
	if st, err := ReadStamp(ctx, wh); err != nil || st.Stand.IsZero() || st.DataVersion != version {
		t.Errorf("stamp %+v: %v", st, err)
	}
	// The build names its steps in order: the views, the catalog, every model, the
	// checks, the checkpoint, and they add up to no more than the build took.
	models, err := Models()
	if err != nil {
		t.Fatal(err)
	}
	wantSteps := []string{"views", "catalog"}
	for _, m := range models {
		wantSteps = append(wantSteps, m.File)
	}
	wantSteps = append(wantSteps, "checks", "checkpoint")
	var steps []string
	var sum time.Duration
	for _, s := range res.Steps {
		steps = append(steps, s.Name)
		sum += s.Duration
	}
	if !slices.Equal(steps, wantSteps) {
		t.Errorf("steps %v, want %v", steps, wantSteps)
	}
	if sum <= 0 || sum > res.Duration {
		t.Errorf("steps took %v, the build %v", sum, res.Duration)
	}
	// The generated data pass every check; orphans are counted as a notice.
	for _, c := range res.Checks {
		if c.Failed() {
			t.Errorf("check %s failed: %d rows", c.Name, c.Rows)
		}
		if c.Name == "waisen" && (c.Rows == 0 || !c.Notice) {
			t.Errorf("orphans: %d rows, notice %v", c.Rows, c.Notice)
		}
	}
	// A lake without the client master cannot make a warehouse: the error says so.
	if _, err := Build(context.Background(), Options{Lake: t.TempDir(), Path: filepath.Join(dir, "x.duckdb"), Day: civil.Date(2026, 11, 25)}); !errors.Is(err, ErrNoClientMaster) ||
		!strings.Contains(err.Error(), "verbis_kunden") {
		t.Errorf("empty lake: %v", err)
	}
	// Six weeks later without a delivery, the freshness check fails, and names the exports.
	late, err := Build(context.Background(), Options{Lake: filepath.Join(dir, "lake"), Path: wh,
		Day: civil.Date(2027, 1, 6)})
	if err != nil {
		t.Fatal(err)
	}
	if f := late.Failed(); len(f) != 1 || f[0].Name != "aktualitaet" || f[0].Rows != 6 {
		t.Errorf("stale lake: failed checks %+v", f)
	}
	checkNodeClient(t, wh, filepath.Join(dir, "lake"))
	db, err := OpenReadOnly(wh)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var truth struct {
		FirstDay string `json:"first_day"`
		AsOf     string `json:"as_of"`
		Weeks    []struct {
			Year     int            `json:"iso_year"`
			Week     int            `json:"iso_week"`
			Kreis    string         `json:"kreis"`
			Regs     int            `json:"registrations"`
			Exits    map[string]int `json:"exits"`
			Caseload int            `json:"caseload_end"`
			ByStatus map[string]int `json:"caseload_by_status"`
			Foerder  int            `json:"foerderbedarf_end"`
		} `json:"weeks"`
		Months []struct {
			Month  string         `json:"month"`
			Starts map[string]int `json:"starts_by_kind"`
			K2     int            `json:"k2_integrations"`
		} `json:"months"`
		Lang []struct {
			Month  string `json:"month"`
			Kind   string `json:"massnahmeart"`
			Result string `json:"ergebnis"`
			Count  int    `json:"count"`
		} `json:"language_results"`
		Official []struct {
			Stichtag   string `json:"stichtag"`
			Kreis      string `json:"kreis"`
			Total      int    `json:"schutzsuchende"`
			Open       int    `json:"offen"`
			Recognised int    `json:"anerkannt"`
			Rejected   int    `json:"abgelehnt"`
		} `json:"official_population"`
	}
	b, _ := os.ReadFile(truthPath)
	if err := json.Unmarshal(b, &truth); err != nil {
		t.Fatal(err)
	}
	want, got := map[string]int{}, map[string]int{}
	for _, w := range truth.Weeks {
		k := fmt.Sprintf("%d-W%02d %s ", w.Year, w.Week, w.Kreis)
		want[k+"zugaenge"] = w.Regs
		for r, n := range w.Exits {
			want[k+"abgaenge_"+strings.ToLower(r)] = n
		}
		want[k+"bestand"] = w.Caseload
		for s, n := range w.ByStatus {
			want[k+"bestand_"+strings.ToLower(s)] = n
		}
		want[k+"foerderbedarf"] = w.Foerder
	}
	collect(t, db, `SELECT iso_jahr || '-W' || lpad(kw::VARCHAR, 2, '0') || ' ' || kreis || ' ', * EXCLUDE (iso_jahr, kw, kreis, montag, stichtag, anteil_foerderbedarf, vollstaendig) FROM mart_woche_kreis`, got)
	for _, m := range truth.Months {
		for k, n := range m.Starts {
			want[m.Month+" aufnahmen_"+strings.ToLower(k)] = n
		}
		want[m.Month+" integrationen_k2"] = m.K2
	}
	collect(t, db, `SELECT strftime(monat, '%Y-%m') || ' ', * EXCLUDE (monat, vollstaendig) FROM mart_monat`, got)
	for _, l := range truth.Lang {
		want[fmt.Sprintf("%s %s %s", l.Month, l.Kind, l.Result)] = l.Count
	}
	collect(t, db, `SELECT strftime(monat, '%Y-%m') || ' ' || massnahmeart || ' ' || ergebnis, anzahl FROM mart_sprachkurs`, got)
	// The official statistics: each Kreis's total follows the hierarchy (never the sum of every line).
	for _, o := range truth.Official {
		k := "amtlich " + o.Stichtag + " " + o.Kreis + " "
		want[k+"schutzsuchende"], want[k+"offen"], want[k+"anerkannt"], want[k+"abgelehnt"] = o.Total, o.Open, o.Recognised, o.Rejected
	}
	if len(truth.Official) == 0 {
		t.Error("no official figures in the truth")
	}
	collect(t, db, `SELECT 'amtlich ' || strftime(stichtag, '%Y-%m-%d') || ' ' || kreis || ' ', schutzsuchende, offen, anerkannt, abgelehnt
		FROM core_schutzsuchende_amtlich`, got)
	n := 0
	for k, w := range want {
		if got[k] != w {
			if n++; n <= 40 {
				t.Errorf("%s: warehouse %d, truth %d", k, got[k], w)
			}
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok && g != 0 {
			if n++; n <= 40 {
				t.Errorf("%s: warehouse %d, not in the truth", k, g)
			}
		}
	}
	if len(want) < 100 {
		t.Errorf("only %d figures compared", len(want))
	}
	// A period is complete when the deliveries, from the world's first day to its last,
	// cover all of it: the first and the running week and month are not.
	for _, c := range []struct{ q, what string }{
		{`SELECT montag, montag + 6, vollstaendig FROM mart_woche_kreis`, "week"},
		{`SELECT monat, last_day(monat), vollstaendig FROM mart_monat`, "month"},
		{`SELECT monat, last_day(monat), vollstaendig FROM mart_kursteilnahme`, "course month"},
		{`SELECT montag, montag + 6, vollstaendig FROM mart_beratung_woche WHERE montag + 6 < date_trunc('month', ?::DATE)`, "consultation week"},
	} {
		var args []any
		if strings.Contains(c.q, "?") {
			args = append(args, truth.AsOf)
		}
		rows, err := db.Query(c.q, args...)
		if err != nil {
			t.Fatal(err)
		}
		var complete, partial int
		for rows.Next() {
			var from, to time.Time
			var got bool
			if err := rows.Scan(&from, &to, &got); err != nil {
				t.Fatal(err)
			}
			want := from.Format(time.DateOnly) >= truth.FirstDay && to.Format(time.DateOnly) <= truth.AsOf
			if c.what == "consultation week" { // monthly deliveries cover whole months
				want = from.Format("2006-01") >= truth.FirstDay[:7]
			}
			if got != want {
				t.Errorf("%s %s–%s: vollstaendig %v, want %v (deliveries %s–%s)", c.what, from.Format(time.DateOnly), to.Format(time.DateOnly), got, want, truth.FirstDay, truth.AsOf)
			}
			if got {
				complete++
			} else {
				partial++
			}
		}
		rows.Close()
		if complete == 0 || (partial == 0 && c.what != "consultation week") {
			t.Errorf("%s: %d complete, %d partial periods", c.what, complete, partial)
		}
	}
}

// collect reads rows of (label, value columns...) into figures "label column".
func collect(t *testing.T, db *sql.DB, q string, into map[string]int) {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		label := fmt.Sprint(vals[0])
		if len(cols) == 2 && cols[1] == "anzahl" {
			into[label] = toInt(vals[1])
			continue
		}
		for i := 1; i < len(cols); i++ {
			into[label+cols[i]] = toInt(vals[i])
		}
	}
}

func toInt(v any) int {
	switch x := v.(type) {
	case int64:
		return int(x)
	case int32:
		return int(x)
	}
	return -1
}
