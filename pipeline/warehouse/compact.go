package warehouse

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"ipoint/pipeline/atomicfile"
	"ipoint/pipeline/civil"
	lakepkg "ipoint/pipeline/lake"
	"ipoint/pipeline/source"
)

// The staging models read a delta export's rows through the temporary view
// lake_<export> (lakeViews): its delivered files as read_parquet reads them with
// hive_partitioning and filename (file columns, filename relative to the lake's root,
// export, stichtag). DuckDB spends about half a millisecond on every file it reads,
// whatever its rows, and a daily export delivers one or two small files a day: a
// year's lake holds some 1,100 of them, which took half of a night's warehouse build.
// So the build keeps, for every closed month (before the month of the build day) with
// more than one file, the month's rows in one file of the compaction cache
// (lakepkg.CompactDir), and the view reads those and the files of the open months.
//
// The cache is derived and checked, never trusted: a month's file is named by a digest
// of its sources (their paths and contents), so a file delivered late, a corrected
// delivery, an erasure or the retention's removal changes the digest, and the build
// writes the month anew and removes every cache file it does not use. Erasure and
// retention remove the whole cache as well (lakepkg.DropCompact): the rows of a person
// or of an expired day must not wait for the next build to disappear.

// lakeViews creates the view lake_<export> of every delta export; root[export] is where
// the export's files lie (the lake, or the empty stand-in of an export not delivered
// yet). With compact, closed months are read from the compaction cache (written where
// it is missing or stale); without, or where the cache cannot be written, from the
// delivered files.
func lakeViews(ctx context.Context, conn *sql.Conn, lake string, roots map[string]string, day civil.Day, compact bool) error {
	for _, e := range source.All() {
		if e.Snapshot {
			continue
		}
		root := lake
		if r, ok := roots[e.Name]; ok {
			root = r
		}
		rel := fmt.Sprintf("* REPLACE (substr(filename, length(%s) + 2) AS filename)", quote(filepath.ToSlash(root)))
		glob := filepath.ToSlash(root) + "/" + lakepkg.Glob(e.Name, false)
		view := fmt.Sprintf("SELECT %s FROM read_parquet(%s, hive_partitioning = true, filename = true)", rel, quote(glob))
		if compact && root == lake {
			v, err := compactedView(ctx, conn, lake, e.Name, day, rel)
			if err != nil {
				return err
			}
			if v != "" {
				view = v
			}
		}
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("CREATE TEMP VIEW lake_%s AS %s", e.Name, view)); err != nil {
			return err
		}
	}
	return nil
}

// compactedView returns the view of export whose closed months come from the cache,
// or "" where no month is closed with more than one file, or where the cache cannot be
// written (a lake the build may only read): then the delivered files are read.
func compactedView(ctx context.Context, conn *sql.Conn, lake, export string, day civil.Day, rel string) (string, error) {
	files, err := filepath.Glob(filepath.Join(lake, filepath.FromSlash(lakepkg.Glob(export, false))))
	if err != nil {
		return "", err
	}
	open := day.Time().Format("2006-01")
	months := map[string][]string{}
	var loose []string
	for _, f := range files {
		r, _ := filepath.Rel(lake, f)
		p, ok := lakepkg.ParsePath(r)
		if !ok || p.Stichtag == "" || strings.HasPrefix(p.File, lakepkg.TempPrefix) {
			continue
		}
		if len(p.Stichtag) == len("2006-01-02") && p.Stichtag[:7] < open {
			m := p.Stichtag[:7]
			months[m] = append(months[m], f)
		} else {
			loose = append(loose, f)
		}
	}
	dir := filepath.Join(lake, lakepkg.CompactDir, export)
	keep := map[string]bool{}
	var compacted []string
	for m, fs := range months {
		if len(fs) < 2 {
			loose = append(loose, fs...)
			continue
		}
		sum, err := digest(lake, fs)
		if err != nil {
			return "", err
		}
		name := m + "." + sum + ".parquet"
		target := filepath.Join(dir, name)
		if _, err := os.Stat(target); err != nil {
			if err := writeCompacted(ctx, conn, target, fs, rel); err != nil {
				return "", nil // the delivered files are read instead
			}
		}
		keep[name] = true
		compacted = append(compacted, target)
	}
	if entries, err := os.ReadDir(dir); err == nil {
		for _, e := range entries {
			if !keep[e.Name()] {
				os.Remove(filepath.Join(dir, e.Name()))
			}
		}
	}
	if len(compacted) == 0 {
		return "", nil
	}
	sort.Strings(compacted)
	sort.Strings(loose)
	view := fmt.Sprintf("SELECT * FROM read_parquet(%s, hive_partitioning = false)", quoteList(compacted))
	if len(loose) > 0 {
		view += fmt.Sprintf(" UNION ALL BY NAME SELECT %s FROM read_parquet(%s, hive_partitioning = true, filename = true)", rel, quoteList(loose))
	}
	return view, nil
}

// digest names a month's sources: their paths relative to the lake and their contents.
func digest(lake string, files []string) (string, error) {
	sort.Strings(files)
	h := sha256.New()
	for _, f := range files {
		r, _ := filepath.Rel(lake, f)
		fh, err := os.Open(f)
		if err != nil {
			return "", err
		}
		st, err := fh.Stat()
		if err == nil {
			fmt.Fprintf(h, "%s\x00%d\x00", filepath.ToSlash(r), st.Size())
			_, err = io.Copy(h, fh)
		}
		fh.Close()
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:24], nil
}

// writeCompacted writes files' rows, as the view reads them, to target: through a
// temporary file that is synced before it takes the target's name.
func writeCompacted(ctx context.Context, conn *sql.Conn, target string, files []string, rel string) error {
	if err := os.MkdirAll(filepath.Dir(target), 0o750); err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(target), atomicfile.TempPrefix+filepath.Base(target))
	defer os.Remove(tmp)
	q := fmt.Sprintf("COPY (SELECT %s FROM read_parquet(%s, hive_partitioning = true, filename = true)) TO %s (FORMAT parquet, COMPRESSION zstd)",
		rel, quoteList(files), quote(filepath.ToSlash(tmp)))
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return err
	}
	f, err := os.Open(tmp)
	if err != nil {
		return err
	}
	err = f.Sync()
	f.Close()
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, target); err != nil {
		return err
	}
	return atomicfile.SyncDir(filepath.Dir(target))
}

// quote writes s as an SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// quoteList writes paths as an SQL list of string literals.
func quoteList(paths []string) string {
	q := make([]string, len(paths))
	for i, p := range paths {
		q[i] = quote(filepath.ToSlash(p))
	}
	return "[" + strings.Join(q, ", ") + "]"
}
