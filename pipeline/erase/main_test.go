package erase

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"ipoint/pipeline/ingest"
	"ipoint/pipeline/protect"
	"ipoint/pipeline/synth"
)

// The world every test erases from: three weeks at a third of the default population
// with fifteen times the default dirt, generated and ingested once into a home (inbox with its archive, quarantine, lake; the generator's ground truth in
// synth/, which is its answer key, not ipoint's). Each test works on a copy.
var world string

var testKey = func() protect.Key {
	k, err := protect.ParseKey(strings.Repeat("5a", 32))
	if err != nil {
		panic(err)
	}
	return k
}()

func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.fuzz"); f != nil && f.Value.String() != "" {
		os.Exit(m.Run()) // fuzzing (make fuzz runs no test): no world to build
	}
	dir, err := os.MkdirTemp("", "erase-world-")
	if err != nil {
		panic(err)
	}
	world = filepath.Join(dir, "home")
	h := home{world}
	if _, err := synth.Generate(context.Background(), synth.Options{Out: h.inbox(), Truth: filepath.Join(world, "synth", "groundtruth.json"),
		Seed: 11, AsOf: time.Date(2026, 11, 10, 0, 0, 0, 0, time.UTC), Days: 21, Scale: 0.3, DirtRate: 0.03}); err != nil {
		panic(err)
	}
	if _, err := ingest.Run(context.Background(), ingest.Options{Inbox: h.inbox(), Quarantine: h.quarantine(), Lake: h.lake(), Key: testKey,
		Now: func() time.Time { return time.Date(2026, 11, 11, 2, 30, 0, 0, time.UTC) }}); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// home is a data directory laid out as cmd/ipoint lays it out.
type home struct{ dir string }

func (h home) inbox() string      { return filepath.Join(h.dir, "inbox") }
func (h home) archive() string    { return filepath.Join(h.dir, "inbox", "archive") }
func (h home) quarantine() string { return filepath.Join(h.dir, "quarantine") }
func (h home) lake() string       { return filepath.Join(h.dir, "lake") }

func (h home) options() Options {
	return Options{Inbox: h.inbox(), Quarantine: h.quarantine(), Lake: h.lake(), Key: testKey,
		Now: func() time.Time { return time.Date(2026, 11, 12, 9, 0, 0, 0, time.UTC) }}
}

func (h home) erase(t testing.TB, kn string) *Result {
	t.Helper()
	res, err := Run(context.Background(), h.options(), kn)
	if err != nil {
		t.Fatalf("erase: %v (unresolved %v)", err, res)
	}
	return res
}

// newHome copies the world.
func newHome(t testing.TB) home {
	t.Helper()
	h := home{filepath.Join(t.TempDir(), "home")}
	copyTree(t, world, h.dir)
	return h
}

func copyTree(t testing.TB, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o750)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
}

// files returns the SHA-256 of every file under dir (the synth directory excluded), by
// path relative to dir.
func files(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if strings.HasPrefix(rel, "synth"+string(filepath.Separator)) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		s := sha256.Sum256(b)
		out[rel] = hex.EncodeToString(s[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The test's own idea of a Kundennummer in raw bytes: 975, a letter in either case,
// six digits where O may stand for 0. It knows nothing of the package's scanner.
var numberRE = regexp.MustCompile(`(?:^|[^0-9A-Za-z])(975[A-Za-z][0-9O]{6})(?:$|[^0-9A-Za-z])`)

func normal(b []byte) string {
	return string(b[:3]) + strings.ToUpper(string(b[3:4])) + strings.ReplaceAll(string(b[4:]), "O", "0")
}

// rawText returns what a raw file holds: its bytes, and for a workbook every part
// unpacked.
func rawText(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b))); err == nil {
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			part, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			b = append(append(b, '\n'), part...)
		}
	}
	return b
}

// holders returns the files under dir (synth and lake excluded) whose text holds the
// number kn in any of its forms, or one of the numbers in digits.
func holders(t testing.TB, dir, kn string, digits []string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "synth") {
			return filepath.SkipDir
		}
		if d.IsDir() {
			return nil
		}
		text := rawText(t, path)
		hit := false
		for _, m := range numberRE.FindAllSubmatch(text, -1) {
			hit = hit || normal(m[1]) == kn
		}
		for _, n := range digits {
			hit = hit || regexp.MustCompile(`(?:^|[^0-9])`+n+`(?:$|[^0-9])`).Match(text)
		}
		if hit {
			out = append(out, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// parquetValues returns every value of every column of every Parquet file under dir,
// as text, by file: read with parquet-go itself (the pages are compressed, so a byte
// search would prove nothing).
func parquetValues(t testing.TB, dir string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	eachParquetRow(t, dir, func(path string, row parquet.Row) {
		if out[path] == nil {
			out[path] = []string{}
		}
		for _, v := range row {
			out[path] = append(out[path], v.String())
		}
	})
	return out
}

// parquetRows returns the rows of every Parquet file under dir, each row as one string.
func parquetRows(t testing.TB, dir string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	eachParquetRow(t, dir, func(path string, row parquet.Row) {
		if row == nil {
			out[path] = []string{}
			return
		}
		var b strings.Builder
		for _, v := range row {
			b.WriteString(v.String())
			b.WriteByte('|')
		}
		out[path] = append(out[path], b.String())
	})
	return out
}

// eachParquetRow calls fn with every row of every Parquet file under dir (and once
// with a nil row for a file without rows, so that empty files are seen too).
func eachParquetRow(t testing.TB, dir string, fn func(path string, row parquet.Row)) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".parquet") {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return err
		}
		pf, err := parquet.OpenFile(f, st.Size())
		if err != nil {
			return err
		}
		r := parquet.NewReader(pf)
		defer r.Close()
		rows := make([]parquet.Row, 64)
		seen := false
		for {
			n, err := r.ReadRows(rows)
			for _, row := range rows[:n] {
				fn(path, row)
				seen = true
			}
			if err == io.EOF {
				if !seen {
					fn(path, nil)
				}
				return nil
			}
			if err != nil {
				return err
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}
