package ingest

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ipoint/pipeline/protect"
	"ipoint/pipeline/synth"
)

// The scenario every test ingests: three weeks at a third of the default population,
// with five times the default dirt, generated once.
var scenario struct {
	inbox string
	truth truthFile
}

type truthFile struct {
	Files []struct {
		Name     string   `json:"name"`
		Export   string   `json:"export"`
		DataRows int      `json:"data_rows"`
		Outcome  string   `json:"outcome"`
		Kinds    []string `json:"kinds"`
	} `json:"files"`
	Dirt []struct {
		File     string `json:"file"`
		Line     int    `json:"line"`
		Column   string `json:"column"`
		Kind     string `json:"kind"`
		Handling string `json:"handling"`
	} `json:"dirt"`
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ingest-scenario-")
	if err != nil {
		panic(err)
	}
	scenario.inbox = filepath.Join(dir, "inbox")
	truth := filepath.Join(dir, "truth.json")
	if _, err := synth.Generate(context.Background(), synth.Options{Out: scenario.inbox, Truth: truth, Seed: 11,
		AsOf: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), Days: 21, Scale: 0.3, DirtRate: 0.01}); err != nil {
		panic(err)
	}
	b, err := os.ReadFile(truth)
	if err != nil {
		panic(err)
	}
	if err := json.Unmarshal(b, &scenario.truth); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// home is a fresh data directory holding a copy of the scenario's inbox.
type home struct{ dir string }

func newHome(t testing.TB) home {
	t.Helper()
	h := home{t.TempDir()}
	copyDir(t, scenario.inbox, h.inbox())
	return h
}

func (h home) inbox() string      { return filepath.Join(h.dir, "inbox") }
func (h home) lake() string       { return filepath.Join(h.dir, "lake") }
func (h home) quarantine() string { return filepath.Join(h.dir, "quarantine") }

var testKey = func() protect.Key {
	k, err := protect.ParseKey(strings.Repeat("5a", 32))
	if err != nil {
		panic(err)
	}
	return k
}()

func (h home) options() Options {
	return Options{Inbox: h.inbox(), Quarantine: h.quarantine(), Lake: h.lake(), Key: testKey,
		Now: func() time.Time { return time.Date(2026, 11, 25, 2, 30, 0, 0, time.UTC) }}
}

func (h home) ingest(t testing.TB) *Summary {
	t.Helper()
	s, err := Run(context.Background(), h.options())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func copyDir(t testing.TB, from, to string) {
	t.Helper()
	if err := os.MkdirAll(to, 0o750); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		copyFile(t, filepath.Join(from, e.Name()), filepath.Join(to, e.Name()))
	}
}

func copyFile(t testing.TB, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}

func testTokenOf(kn string) string { return protect.New(testKey).Token(protect.Kunde, kn) }
