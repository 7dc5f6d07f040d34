package synth_test

// The ground truth as docs/synthetic-data.md documents it, and the shared fixtures:
// each generation runs once per test binary (sync.Once) and its files are validated
// once; all conformance tests read from there.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"ipoint/pipeline/synth"
)

type truthDoc struct {
	Synthetic       *bool                      `json:"synthetic"`
	Seed            uint64                     `json:"seed"`
	AsOf            string                     `json:"as_of"`
	FirstDay        string                     `json:"first_day"`
	Days            int                        `json:"days"`
	Scale           float64                    `json:"scale"`
	DirtRate        float64                    `json:"dirt_rate"`
	Calibration     map[string]json.RawMessage `json:"calibration"`
	Weeks           []truthWeek                `json:"weeks"`
	Months          []truthMonth               `json:"months"`
	LanguageResults []truthLanguage            `json:"language_results"`
	Files           []truthFile                `json:"files"`
	Dirt            []truthDirt                `json:"dirt"`
	Official        []truthOfficial            `json:"official_population"`
}

type truthOfficial struct {
	Stichtag   string `json:"stichtag"`
	Kreis      string `json:"kreis"`
	Total      int    `json:"schutzsuchende"`
	Open       int    `json:"offen"`
	Recognised int    `json:"anerkannt"`
	Rejected   int    `json:"abgelehnt"`
	Lines      int    `json:"zeilen"`
	AllLines   int    `json:"summe_aller_zeilen"`
}

type truthWeek struct {
	ISOYear          int            `json:"iso_year"`
	ISOWeek          int            `json:"iso_week"`
	Kreis            string         `json:"kreis"`
	Registrations    int            `json:"registrations"`
	Exits            map[string]int `json:"exits"`
	CaseloadEnd      int            `json:"caseload_end"`
	CaseloadByStatus map[string]int `json:"caseload_by_status"`
	FoerderbedarfEnd int            `json:"foerderbedarf_end"`
}

type truthMonth struct {
	Month          string         `json:"month"`
	StartsByKind   map[string]int `json:"starts_by_kind"`
	K2Integrations int            `json:"k2_integrations"`
}

type truthLanguage struct {
	Month        string `json:"month"`
	Massnahmeart string `json:"massnahmeart"`
	Ergebnis     string `json:"ergebnis"`
	Count        int    `json:"count"`
}

type truthFile struct {
	Name      string   `json:"name"`
	Export    string   `json:"export"`
	Stichtag  string   `json:"stichtag"`
	Delivered string   `json:"delivered"`
	DataRows  int      `json:"data_rows"`
	Outcome   string   `json:"outcome"`
	Kinds     []string `json:"kinds"`
}

type truthDirt struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Column   string `json:"column"`
	Kind     string `json:"kind"`
	Handling string `json:"handling"`
}

// topLevelKeys are the documented keys of groundtruth.json.
var topLevelKeys = []string{"synthetic", "seed", "as_of", "first_day", "days", "scale", "dirt_rate",
	"calibration", "weeks", "months", "language_results", "files", "dirt", "official_population"}

type fixture struct {
	name     string
	opts     synth.Options
	out      string
	truthRaw []byte
	truth    *truthDoc
	err      error
	elapsed  time.Duration
	reports  map[string]*fileReport // by file name, every file in the inbox
	names    []string               // sorted inbox listing
	subdirs  []string
	master   map[string]bool // Kundennummern of delivered (non-quarantined) client masters
}

var (
	fixtureRoot string
	fixtureMu   sync.Mutex
	fixtureOnce = map[string]*sync.Once{}
	fixtures    = map[string]*fixture{}
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "synth-conformance-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fixtureRoot = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// fixtureOptions: "main" is the brief's fixture; "monthend" covers a month's last day
// and both monthly delivery days (the main window 2026-11-04..24 holds no month end),
// so the monthly exports get checked too: 2026-10-29..11-04, October's beratungen
// arrive on 11-02 (11-01 is a Sunday and a holiday), its ki on 11-04.
func fixtureOptions(name, dir string) synth.Options {
	o := synth.Options{Out: filepath.Join(dir, "inbox"), Truth: filepath.Join(dir, "groundtruth.json"), Seed: 7}
	switch name {
	case "main":
		o.AsOf, o.Days, o.Scale, o.DirtRate = day("2026-11-24"), 21, 0.3, 0.01
	case "monthend":
		o.AsOf, o.Days, o.Scale, o.DirtRate = day("2026-11-04"), 7, 0.3, 0.02
	default:
		panic(name)
	}
	return o
}

var fixtureNames = []string{"main", "monthend"}

// getFixture generates (once) and validates (once) the named fixture.
func getFixture(t *testing.T, name string) *fixture {
	t.Helper()
	fixtureMu.Lock()
	once, ok := fixtureOnce[name]
	if !ok {
		once = new(sync.Once)
		fixtureOnce[name] = once
	}
	fixtureMu.Unlock()
	once.Do(func() {
		fx := &fixture{name: name}
		dir := filepath.Join(fixtureRoot, name)
		fx.opts = fixtureOptions(name, dir)
		fx.out = fx.opts.Out
		start := time.Now()
		_, fx.err = synth.Generate(context.Background(), fx.opts)
		fx.elapsed = time.Since(start)
		if fx.err == nil {
			fx.err = fx.load()
		}
		fixtureMu.Lock()
		fixtures[name] = fx
		fixtureMu.Unlock()
	})
	fixtureMu.Lock()
	fx := fixtures[name]
	fixtureMu.Unlock()
	if fx.err != nil {
		t.Fatalf("fixture %s: %v", name, fx.err)
	}
	return fx
}

func (fx *fixture) load() error {
	raw, err := os.ReadFile(fx.opts.Truth)
	if err != nil {
		return fmt.Errorf("ground truth: %v", err)
	}
	fx.truthRaw = raw
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keys); err != nil {
		return fmt.Errorf("ground truth is not a JSON object: %v", err)
	}
	for _, k := range topLevelKeys {
		if _, ok := keys[k]; !ok {
			return fmt.Errorf("ground truth lacks the documented key %q", k)
		}
	}
	fx.truth = new(truthDoc)
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(fx.truth); err != nil {
		return fmt.Errorf("ground truth does not decode into the documented schema: %v", err)
	}
	entries, err := os.ReadDir(fx.out)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() {
			fx.subdirs = append(fx.subdirs, e.Name())
			continue
		}
		fx.names = append(fx.names, e.Name())
	}
	sort.Strings(fx.names)
	fx.validate()
	return nil
}

// validate runs the independent validator over every file: client masters first
// (their Kundennummern define orphans), then everything else.
func (fx *fixture) validate() {
	fx.reports = map[string]*fileReport{}
	fx.master = map[string]bool{}
	read := func(n string) []byte {
		b, err := os.ReadFile(filepath.Join(fx.out, n))
		if err != nil {
			panic(err)
		}
		return b
	}
	for _, n := range fx.names {
		r := newReport(n)
		fx.reports[n] = r
		if r.Export == exVerbis {
			validateFile(r, read(n), nil)
			if !r.quarantined() {
				for _, k := range r.Keys {
					fx.master[k] = true
				}
			}
		}
	}
	for _, n := range fx.names {
		if r := fx.reports[n]; r.Export != exVerbis {
			validateFile(r, read(n), fx.master)
		}
	}
}

func (fx *fixture) truthFile(name string) *truthFile {
	for i := range fx.truth.Files {
		if fx.truth.Files[i].Name == name {
			return &fx.truth.Files[i]
		}
	}
	return nil
}
