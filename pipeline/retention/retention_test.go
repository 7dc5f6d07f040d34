package retention

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ipoint/pipeline/lake"
)

// world lays out a lake with job starts on three days (one past the period, one of them
// the newest of its export, which always stays), raw files and a quarantined file.
func world(t *testing.T) (Options, map[string]string) {
	t.Helper()
	root := t.TempDir()
	opt := Options{Lake: filepath.Join(root, "lake"), Archive: filepath.Join(root, "inbox", "archive"),
		Quarantine: filepath.Join(root, "quarantine"), LakeDays: 30, RejectsDays: 30, ArchiveDays: 10, QuarantineDays: 10,
		Now: func() time.Time { return time.Date(2026, 11, 25, 7, 0, 0, 0, time.UTC) }}
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
	return opt, files
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

func TestRetention(t *testing.T) {
	opt, files := world(t)
	gone := []string{"lake 2026-09-01", "findings 2026-09-01", "archive old", "quarantine old", "quarantine reason"}
	kept := []string{"lake 2026-11-20", "findings 2026-11-20", "lake beratungen", "archive new", "quarantine new"}

	dry := opt
	dry.DryRun = true
	res, err := Run(context.Background(), dry)
	if err != nil || len(res.Deletions) != 4 {
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
