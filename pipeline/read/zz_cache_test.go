package read

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

func parseSeed(t *testing.T, b []byte) []any {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")[1:]
	var out []any
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "[]byte("):
			s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(l, "[]byte("), ")"))
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, []byte(s))
		case strings.HasPrefix(l, "byte("):
			s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(l, "byte("), ")"))
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, s[0])
		}
	}
	return out
}

func TestCache(t *testing.T) {
	target := os.Getenv("TARGET")
	if target == "" {
		t.Skip()
	}
	dir := filepath.Join(os.Getenv("CACHE"), target)
	files, _ := filepath.Glob(dir + "/*")
	type tm struct {
		d time.Duration
		n string
		size int
	}
	var times []tm
	for _, f := range files {
		b, _ := os.ReadFile(f)
		v := parseSeed(t, b)
		data := v[0].([]byte)
		start := time.Now()
		t.Run(filepath.Base(f), func(t *testing.T) {
			switch target {
			case "FuzzCSV":
				r, err := NewCSV(bytes.NewReader(data), CSVOptions{Encoding: fuzzEncoding(v[1].(byte)), Comma: fuzzComma(v[2].(byte))})
				checkFuzz(t, r, err, len(data)+2)
			case "FuzzStatTable":
				r, err := NewStatTable(bytes.NewReader(data), StatTableOptions{Encoding: fuzzEncoding(v[1].(byte)), HeaderFirst: "Kreis"})
				checkFuzz(t, r, err, len(data)+2)
			case "FuzzXML":
				r, err := NewXML(bytes.NewReader(data), abhOptions)
				checkFuzz(t, r, err, len(data)+2)
			case "FuzzJSONL":
				r, err := NewJSONL(bytes.NewReader(data), beratungFields)
				checkFuzz(t, r, err, len(data)+2)
			case "FuzzXLSX":
				p := filepath.Join(t.TempDir(), "m.xlsx")
				os.WriteFile(p, data, 0o600)
				r, err := OpenXLSX(p, XLSXOptions{Sheet: "Teilnahmen", DateColumns: []string{"Beginn", "Ende_geplant"}})
				checkFuzz(t, r, err, 1<<20+2)
			}
		})
		times = append(times, tm{time.Since(start), filepath.Base(f), len(data)})
	}
	sort.Slice(times, func(i, j int) bool { return times[i].d > times[j].d })
	for _, x := range times[:min(5, len(times))] {
		t.Logf("%v %s %d bytes", x.d, x.n, x.size)
	}
	t.Logf("%d inputs", len(times))
}
