package retention

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ipoint/pipeline/civil"
	"ipoint/pipeline/lake"
	"ipoint/pipeline/runs"
)

// world lays out a lake with job starts on three days (one past the period, one of them
// the newest of its export, which always stays), raw files and a quarantined file.
func world(t *testing.T) (Options, map[string]string) {
	t.Helper()
	root := t.TempDir()
	opt := Options{Lake: filepath.Join(root, "lake"), Archive: filepath.Join(root, "inbox", "archive"),
		Quarantine: filepath.Join(root, "quarantine"), LakeDays: 30, RejectsDays: 30, ArchiveDays: 10, QuarantineDays: 10,
		Today: civil.Date(2026, 11, 25)}
	l, err := lake.Open(opt.Lake)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	put := func(name, path string) {
		os.MkdirAll(filepath.Dir(path), 0o750)
		if err := os.WriteFile(path, []byte("x"), 0o640); err != nil {
			t.Fatal(err)
		}
		files[name] = path
	}
	for _, d := range []string{"2026-09-01", "2026-11-20"} {
		put("lake "+d, filepath.Join(opt.Lake, "export=arbeitsaufnahmen", "stichtag="+d, "a.parquet"))
		put("findings "+d, filepath.Join(opt.Lake, "findings", "export=arbeitsaufnahmen", "stichtag="+d, "a.parquet"))
		l.Record(lake.Entry{Name: "arbeitsaufnahmen_" + d + ".csv", Export: "arbeitsaufnahmen", Stichtag: d, Outcome: lake.Ingested})
	}
	// Quarantined under names that say no Stichtag: aged by the day the manifest says
	// they arrived, in Berlin (22:30 UTC on 14 November is the 14th there, 23:30 the
	// 15th), never by their modification time.
	at := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	l.Record(lake.Entry{Name: "Kunden.csv", Outcome: lake.Quarantined, IngestedAt: at("2026-11-14T22:30:00Z")})
	l.Record(lake.Entry{Name: "Kunden2.csv", Outcome: lake.Quarantined, IngestedAt: at("2026-11-14T23:30:00Z")})
	// The warehouse build's compaction cache goes with any expired partition.
	put("compaction cache", filepath.Join(opt.Lake, lake.CompactDir, "arbeitsaufnahmen", "2026-09.0123.parquet"))
	// The newest delivery of beratungen is older than the period: it stays.
	put("lake beratungen", filepath.Join(opt.Lake, "export=beratungen", "stichtag=2026-08-31", "b.parquet"))
	l.Record(lake.Entry{Name: "beratungen_202608.jsonl", Export: "beratungen", Stichtag: "2026-08-31", Outcome: lake.Ingested})
	if err := l.Checkpoint(); err != nil {
		t.Fatal(err)
	}
	put("archive old", filepath.Join(opt.Archive, "arbeitsaufnahmen", "arbeitsaufnahmen_20261101.csv"))
	put("archive new", filepath.Join(opt.Archive, "arbeitsaufnahmen", "arbeitsaufnahmen_20261120.csv"))
	put("quarantine old", filepath.Join(opt.Quarantine, "verbis_kunden_20261102.csv"))
	put("quarantine reason", filepath.Join(opt.Quarantine, "verbis_kunden_20261102.csv.grund.txt"))
	put("quarantine new", filepath.Join(opt.Quarantine, "verbis_kunden_20261124.csv"))
	put("undated old", filepath.Join(opt.Quarantine, "Kunden.csv"))
	put("undated old second", filepath.Join(opt.Quarantine, "Kunden.csv.0123456789ab"))
	put("undated new", filepath.Join(opt.Quarantine, "Kunden2.csv"))
	put("unknown", filepath.Join(opt.Quarantine, "notiz.txt"))
	// File times say nothing: an ancient mtime on a new file, a future one on an old.
	old, future := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
	for name, mt := range map[string]time.Time{"quarantine new": old, "undated new": old, "unknown": old,
		"archive old": future, "undated old": future} {
		if err := os.Chtimes(files[name], mt, mt); err != nil {
			t.Fatal(err)
		}
	}
	return opt, files
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

func TestRetention(t *testing.T) {
	opt, files := world(t)
	gone := []string{"lake 2026-09-01", "findings 2026-09-01", "archive old", "quarantine old", "quarantine reason",
		"undated old", "undated old second", "compaction cache"}
	kept := []string{"lake 2026-11-20", "findings 2026-11-20", "lake beratungen", "archive new", "quarantine new",
		"undated new", "unknown"}

	dry := opt
	dry.DryRun = true
	res, err := Run(context.Background(), dry)
	if err != nil || len(res.Deletions) != 6 || len(res.Undated) != 1 || filepath.Base(res.Undated[0]) != "notiz.txt" {
		t.Fatalf("dry run: %v, %+v", err, res)
	}
	for name, p := range files {
		if !exists(p) {
			t.Errorf("the dry run deleted %s", name)
		}
	}

	// Stopped after the manifest is saved: the delivery is marked, its files stay, and
	// the next run removes them.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, opt); err == nil {
		t.Fatal("a cancelled run reports no error")
	}
	if !expired(t, opt.Lake, "arbeitsaufnahmen_2026-09-01.csv") || !exists(files["lake 2026-09-01"]) {
		t.Error("after the stop: the old delivery should be marked expired, its files still there")
	}
	res, err = Run(context.Background(), opt)
	if err != nil || !res.LakeChanged() {
		t.Fatalf("retention: %v %+v", err, res)
	}
	for _, name := range gone {
		if exists(files[name]) {
			t.Errorf("%s outlived its period", name)
		}
	}
	for _, name := range kept {
		if !exists(files[name]) {
			t.Errorf("%s was deleted", name)
		}
	}
	if !expired(t, opt.Lake, "arbeitsaufnahmen_2026-09-01.csv") || expired(t, opt.Lake, "arbeitsaufnahmen_2026-11-20.csv") ||
		expired(t, opt.Lake, "beratungen_202608.jsonl") {
		t.Error("manifest: only the old job starts are expired")
	}
	if res, err = Run(context.Background(), opt); err != nil || len(res.Deletions) != 0 {
		t.Errorf("a second run deletes again: %v %+v", err, res.Deletions)
	}
}

func expired(t *testing.T, root, name string) bool {
	t.Helper()
	m, err := lake.ReadManifest(root)
	if err != nil {
		t.Fatal(err)
	}
	e := m.Find(name)
	if e == nil {
		t.Fatalf("%s not in the manifest", name)
	}
	return e.Expired
}

// TestRunHistoryPruned: runs that started before the period's first day (in the
// configured zone) leave the run history; a dry run keeps them.
func TestRunHistoryPruned(t *testing.T) {
	opt, _ := world(t)
	opt.RunLog, opt.RunsDays = filepath.Join(t.TempDir(), "runs.jsonl"), 10
	// The period starts at midnight of 15 November in Berlin: 23:00 UTC on the 14th.
	for _, at := range []time.Time{time.Date(2026, 11, 14, 22, 59, 0, 0, time.UTC), time.Date(2026, 11, 14, 23, 0, 0, 0, time.UTC)} {
		if err := runs.Append(opt.RunLog, runs.Run{ID: at.String(), Job: "run", Start: at, End: at}); err != nil {
			t.Fatal(err)
		}
	}
	dry := opt
	dry.DryRun = true
	if _, err := Run(context.Background(), dry); err != nil {
		t.Fatal(err)
	}
	if all, _, _ := runs.Load(opt.RunLog); len(all) != 2 {
		t.Fatalf("the dry run pruned the history: %d runs", len(all))
	}
	res, err := Run(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	all, _, _ := runs.Load(opt.RunLog)
	var counted int
	for _, d := range res.Deletions {
		if d.Kind == "runs" {
			counted += d.Count
		}
	}
	if len(all) != 1 || !all[0].Start.Equal(time.Date(2026, 11, 14, 23, 0, 0, 0, time.UTC)) || counted != 1 {
		t.Errorf("after retention: %d runs, %d counted", len(all), counted)
	}
}

// TestRepeatedNameAgedByItsOwnArrival: a name delivered twice (100 days ago and
// yesterday) is two files, the first under the plain name, the second with its hash
// suffix; each is aged from its own arrival, so the old one goes.
func TestRepeatedNameAgedByItsOwnArrival(t *testing.T) {
	opt, _ := world(t)
	l, err := lake.Open(opt.Lake)
	if err != nil {
		t.Fatal(err)
	}
	oldBody, newBody := []byte("alte Liste\n"), []byte("neue Liste\n")
	sum := func(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
	l.Record(lake.Entry{Name: "liste.csv", SHA256: sum(oldBody), Outcome: lake.Quarantined, IngestedAt: time.Date(2026, 8, 17, 9, 0, 0, 0, time.UTC)})
	l.Record(lake.Entry{Name: "liste.csv", SHA256: sum(newBody), Outcome: lake.Quarantined, IngestedAt: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)})
	if err := l.Checkpoint(); err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(opt.Quarantine, "liste.csv")
	suffixed := filepath.Join(opt.Quarantine, lake.SuffixedName("liste.csv", sum(newBody)))
	if err := os.WriteFile(plain, oldBody, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(suffixed, newBody, 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), opt); err != nil {
		t.Fatal(err)
	}
	if exists(plain) || !exists(suffixed) {
		t.Errorf("the first delivery (100 days) still there: %v; the second (1 day) kept: %v", exists(plain), exists(suffixed))
	}
}
