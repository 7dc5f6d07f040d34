package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type callResult struct {
	code           int
	stdout, stderr string
}

// call runs ipoint in-process with the given environment variables and a fixed clock.
func call(t *testing.T, vars map[string]string, args ...string) callResult {
	t.Helper()
	return callAt(t, vars, time.Date(2026, 11, 25, 7, 0, 0, 0, time.UTC), args...)
}

// callAt is call with the injected clock standing at now.
func callAt(t *testing.T, vars map[string]string, now time.Time, args ...string) callResult {
	t.Helper()
	var out, errb bytes.Buffer
	e := env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb,
		getenv: func(k string) string { return vars[k] },
		now:    func() time.Time { return now }}
	code := run(context.Background(), args, e)
	return callResult{code, out.String(), errb.String()}
}

func TestUsageAndUnknownCommand(t *testing.T) {
	if r := call(t, nil); r.code != exitUsage || !strings.Contains(r.stdout, "generate") {
		t.Errorf("no arguments: code %d, stdout %q", r.code, r.stdout)
	}
	if r := call(t, nil, "help"); r.code != exitOK {
		t.Errorf("help: code %d", r.code)
	}
	if r := call(t, nil, "frobnicate"); r.code != exitUsage || !strings.Contains(r.stderr, "unbekannter Befehl") {
		t.Errorf("unknown command: code %d, stderr %q", r.code, r.stderr)
	}
	if r := call(t, nil, "generate", "--bogus"); r.code != exitUsage {
		t.Errorf("bad flag: code %d", r.code)
	}
	if r := call(t, nil, "generate", "--help"); r.code != exitOK || !strings.Contains(r.stdout, "--seed") && !strings.Contains(r.stdout, "-seed") {
		t.Errorf("generate --help: code %d, stdout %q", r.code, r.stdout)
	}
}

func TestVersion(t *testing.T) {
	r := call(t, nil, "version")
	if r.code != exitOK || !strings.HasPrefix(r.stdout, "ipoint ") {
		t.Errorf("version: %d %q", r.code, r.stdout)
	}
}

func TestGenerateNeedsHome(t *testing.T) {
	r := call(t, nil, "generate")
	if r.code != exitUsage || !strings.Contains(r.stderr, "IPOINT_HOME") {
		t.Errorf("code %d, stderr %q", r.code, r.stderr)
	}
}

func TestGenerateIntoHome(t *testing.T) {
	home := t.TempDir()
	r := call(t, map[string]string{"IPOINT_HOME": home}, "generate", "--days", "3", "--scale", "0.1", "--seed", "3")
	if r.code != exitOK {
		t.Fatalf("code %d, stderr %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "Synthetische Lieferungen erzeugt") || !strings.Contains(r.stdout, "24.11.2026") {
		t.Errorf("summary: %s", r.stdout)
	}
	// The default as-of date is yesterday in Berlin, from the injected clock.
	if _, err := os.Stat(filepath.Join(home, "inbox", "verbis_kunden_20261124.csv")); err != nil {
		t.Error(err)
	}
	var truth struct {
		AsOf string `json:"as_of"`
	}
	b, err := os.ReadFile(filepath.Join(home, "synth", "groundtruth.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &truth); err != nil || truth.AsOf != "2026-11-24" {
		t.Errorf("truth as_of %q, err %v", truth.AsOf, err)
	}
	// A second generation into the same, now full, inbox is refused.
	r = call(t, map[string]string{"IPOINT_HOME": home}, "generate", "--days", "3", "--scale", "0.1")
	if r.code != exitFailure || !strings.Contains(r.stderr, "not empty") {
		t.Errorf("second run: code %d, stderr %q", r.code, r.stderr)
	}
}

func TestGenerateBadDate(t *testing.T) {
	r := call(t, nil, "generate", "--home", t.TempDir(), "--as-of", "24.11.2026")
	if r.code != exitUsage || !strings.Contains(r.stderr, "JJJJ-MM-TT") {
		t.Errorf("code %d, stderr %q", r.code, r.stderr)
	}
}

func TestGenerateCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	e := env{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }, now: time.Now}
	code := run(ctx, []string{"generate", "--home", t.TempDir(), "--as-of", "2026-11-24", "--days", "30"}, e)
	if code != exitCancelled {
		t.Errorf("code %d, stderr %s", code, errb.String())
	}
}
