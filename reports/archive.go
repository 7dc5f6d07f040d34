package reports

import (
	"bytes"
	"fmt"
	"html"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"ipoint/pipeline/atomicfile"
)

// Outcomes of storing a report in the archive.
const (
	StoredNew       = "neu"          // the period had no report yet
	StoredUnchanged = "unverändert"  // the same bytes are already there
	StoredVersion   = "neue Fassung" // the data changed: a further version was added
)

// Store puts a rendered report into the archive under root. A report already there is
// never replaced: a version that shows the same figures (its digest, in the meta
// element ipoint-zahlen) leaves the archive as it is, whatever else differs (the data's
// Stand, the data-quality section); other figures are added as a new version beside it
// (wochenbericht-v2.html, ...). Files are written under a temporary name and renamed.
func Store(root, rel string, content []byte, digest string) (path, outcome string, err error) {
	base := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(base), 0o750); err != nil {
		return "", "", err
	}
	stem := strings.TrimSuffix(base, ".html")
	for v := 1; ; v++ {
		p := base
		if v > 1 {
			p = fmt.Sprintf("%s-v%d.html", stem, v)
		}
		old, err := os.ReadFile(p)
		switch {
		case err == nil && (bytes.Equal(old, content) || digest != "" && metaOf(old)["zahlen"] == digest):
			return p, StoredUnchanged, nil
		case err == nil:
			continue
		case !os.IsNotExist(err):
			return "", "", err
		}
		if err := writeAtomic(p, content); err != nil {
			return "", "", err
		}
		if v == 1 {
			return p, StoredNew, nil
		}
		return p, StoredVersion, nil
	}
}

func writeAtomic(path string, content []byte) error {
	return atomicfile.WriteFile(path, content, 0o640)
}

// metaOf reads a report's ipoint-* meta elements.
func metaOf(b []byte) map[string]string {
	head := b
	if i := bytes.Index(b, []byte("</head>")); i > 0 {
		head = b[:i]
	}
	meta := map[string]string{}
	for _, m := range metaRe.FindAllSubmatch(head, -1) {
		meta[string(m[1])] = html.UnescapeString(string(m[2]))
	}
	return meta
}

// IndexEntry is one report file in the archive's index.
type IndexEntry struct {
	Path, Kind, Title, Period, Begin, Stand, DataVersion string
	Version                                              int
	Older                                                bool // a newer version of the same report exists
}

var (
	metaRe    = regexp.MustCompile(`<meta name="ipoint-([a-z]+)" content="([^"]*)">`)
	versionRe = regexp.MustCompile(`-v(\d+)\.html$`)
)

var kindOrder = map[string]int{KindWeekly: 0, KindMonthly: 1, KindCohorts: 2}

// Index lists every report in the archive, newest period first; within a period the
// Wochenbericht, Monatsbericht and Verlaufsbericht, each newest version first.
func Index(root string) ([]IndexEntry, error) {
	var out []IndexEntry
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".html") || strings.HasPrefix(d.Name(), ".") || p == filepath.Join(root, "index.html") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		meta := metaOf(b)
		if meta["bericht"] == "" {
			return nil // not one of ours
		}
		rel, _ := filepath.Rel(root, p)
		e := IndexEntry{Path: filepath.ToSlash(rel), Kind: meta["bericht"], Title: meta["titel"], Period: meta["zeitraum"],
			Begin: meta["beginn"], Stand: meta["stand"], DataVersion: meta["datenversion"], Version: 1}
		if m := versionRe.FindStringSubmatch(p); m != nil {
			e.Version, _ = strconv.Atoi(m[1])
		}
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Begin != b.Begin {
			return a.Begin > b.Begin
		}
		if a.Kind != b.Kind {
			return kindOrder[a.Kind] < kindOrder[b.Kind]
		}
		return a.Version > b.Version
	})
	for i := range out {
		if i > 0 && out[i-1].Begin == out[i].Begin && out[i-1].Kind == out[i].Kind {
			out[i].Older = true
		}
	}
	return out, nil
}

// WriteIndex writes root/index.html, listing every report in the archive.
func WriteIndex(root string) error {
	entries, err := Index(root)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := indexTemplate.Execute(&buf, entries); err != nil {
		return err
	}
	if err := os.MkdirAll(root, 0o750); err != nil {
		return err
	}
	return writeAtomic(filepath.Join(root, "index.html"), buf.Bytes())
}
