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
	"strconv"
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
// of its sources (their paths and contents, the cache's format and DuckDB's version)
// and the rows written, so a file delivered late, a corrected delivery, an erasure or
// the retention's removal changes the name, and a file whose footer does not count its
// rows (cut short) is written anew; the build removes every cache file it does not
// read. Erasure and retention remove the whole cache as well (lakepkg.DropCompact), and
// the ingest the month of a day it writes (lakepkg.DropCompactMonth): the rows of a
// person, of an expired day or of a replaced delivery must not wait for the next build
// to disappear.

// cacheFormat changes whenever what a cache file holds changes (the view's columns, how
// they are read): it is part of every file's digest, with DuckDB's version, so that a
// cache written by an earlier ipoint or DuckDB is written anew, never read.
const cacheFormat = "ipoint compact 1"

// lakeViews creates the view lake_<export> of every delta export; root[export] is where
// the export's files lie (the lake, or the empty stand-in of an export not delivered
// yet). With compact, closed months are read from the compaction cache (written where
// it is missing or stale); without, or where the cache cannot be written, from the
// delivered files. Every read unites the files' columns by name, so that files written
// before and after a change of an export's columns read alike, cached or not.
func lakeViews(ctx context.Context, conn *sql.Conn, lake string, roots map[string]string, day civil.Day, compact bool) error {
	var version string
	if compact {
		if err := conn.QueryRowContext(ctx, "SELECT version()").Scan(&version); err != nil {
			return err
		}
	}
	cached := map[string]bool{}
	for _, e := range source.All() {
		if e.Snapshot {
			continue
		}
		root := lake
		if r, ok := roots[e.Name]; ok {
			root = r
		}
		rel := fmt.Sprintf("* REPLACE (substr(filename, length(%s) + 2) AS filename)", quoteLiteral(filepath.ToSlash(root)))
		glob := filepath.ToSlash(root) + "/" + lakepkg.Glob(e.Name, false)
		view := fmt.Sprintf("SELECT %s FROM read_parquet(%s, %s)", rel, quoteLiteral(glob), deltaOptions)
		if compact && root == lake {
			cached[e.Name] = true
			v, err := compactedView(ctx, conn, lake, e.Name, day, rel, version)
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
	if compact {
		// The cache of an export the build did not compact (not delivered any more, or
		// no longer in the catalog) goes.
		entries, _ := os.ReadDir(filepath.Join(lake, lakepkg.CompactDir))
		for _, d := range entries {
			if !cached[d.Name()] {
				os.RemoveAll(filepath.Join(lake, lakepkg.CompactDir, d.Name()))
			}
		}
	}
	return nil
}

// deltaOptions are read_parquet's options for a delta export's delivered files.
const deltaOptions = "hive_partitioning = true, filename = true, union_by_name = true"

// compactedView returns the view of export whose closed months come from the cache,
// or "" where no month is closed with more than one file, or where the cache cannot be
// written (a lake the build may only read): then the delivered files are read, and the
// export's cache is removed. Either way no file of the export's cache stays that the
// view does not read.
func compactedView(ctx context.Context, conn *sql.Conn, lake, export string, day civil.Day, rel, version string) (view string, err error) {
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
	defer func() {
		// What the view does not read goes: stale months, strays, and on a fallback
		// the whole cache of the export.
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if view == "" || !keep[e.Name()] {
				os.RemoveAll(filepath.Join(dir, e.Name()))
			}
		}
	}()
	var compacted []string
	prefixes := map[string]string{} // month: its cache file's name up to the rows
	var found []string              // cache files named as a month's sources say
	for m, fs := range months {
		if len(fs) < 2 {
			loose = append(loose, fs...)
			continue
		}
		sum, err := digest(lake, fs, version)
		if err != nil {
			return "", err
		}
		prefixes[m] = m + "." + sum + "."
		if f, _ := filepath.Glob(filepath.Join(dir, prefixes[m]+"*.parquet")); len(f) == 1 {
			found = append(found, f[0])
		}
	}
	good := checkCached(ctx, conn, found)
	for m, prefix := range prefixes {
		fs := months[m]
		target, ok := good[prefix]
		if !ok {
			if target, err = writeCompacted(ctx, conn, dir, prefix, fs, rel); err != nil {
				return "", nil // the delivered files are read instead
			}
		}
		keep[filepath.Base(target)] = true
		compacted = append(compacted, target)
	}
	if len(compacted) == 0 {
		return "", nil
	}
	sort.Strings(compacted)
	sort.Strings(loose)
	view = fmt.Sprintf("SELECT * FROM read_parquet(%s, hive_partitioning = false, union_by_name = true)", quoteList(compacted))
	if len(loose) > 0 {
		view += fmt.Sprintf(" UNION ALL BY NAME SELECT %s FROM read_parquet(%s, %s)", rel, quoteList(loose), deltaOptions)
	}
	return view, nil
}

// checkCached checks cache files, each named MONTH.DIGEST.ROWS.parquet: its footer must
// be readable and count the rows its name says were written. It returns the good ones
// by the name up to the rows. The footers are read in one query; where that fails (a
// file cut short), one by one.
func checkCached(ctx context.Context, conn *sql.Conn, files []string) map[string]string {
	good := map[string]string{}
	if len(files) == 0 {
		return good
	}
	take := func(file string, rows int64) {
		name := strings.TrimSuffix(filepath.Base(file), ".parquet")
		i := strings.LastIndexByte(name, '.')
		if want, err := strconv.ParseInt(name[i+1:], 10, 64); err == nil && want == rows {
			good[name[:i+1]] = file
		}
	}
	counts := func(files []string) error {
		rs, err := conn.QueryContext(ctx, fmt.Sprintf("SELECT file_name, num_rows FROM parquet_file_metadata(%s)", quoteList(files)))
		if err != nil {
			return err
		}
		defer rs.Close()
		byPath := map[string]string{}
		for _, f := range files {
			byPath[filepath.ToSlash(f)] = f
		}
		for rs.Next() {
			var name string
			var rows int64
			if err := rs.Scan(&name, &rows); err != nil {
				return err
			}
			if f, ok := byPath[name]; ok {
				take(f, rows)
			}
		}
		return rs.Err()
	}
	if counts(files) != nil {
		clear(good)
		for _, f := range files {
			counts([]string{f})
		}
	}
	return good
}

// digest names a month's sources: the cache's format, DuckDB's version, and the files'
// paths relative to the lake and contents.
func digest(lake string, files []string, version string) (string, error) {
	sort.Strings(files)
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", cacheFormat, version)
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

// writeCompacted writes files' rows, as the view reads them, to dir/prefix<rows>.parquet:
// through a temporary file that is made private and synced before it takes its name.
func writeCompacted(ctx context.Context, conn *sql.Conn, dir, prefix string, files []string, rel string) (string, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	tmp := filepath.Join(dir, atomicfile.TempPrefix+prefix+"parquet")
	defer os.Remove(tmp)
	q := fmt.Sprintf("COPY (SELECT %s FROM read_parquet(%s, %s)) TO %s (FORMAT parquet, COMPRESSION zstd)",
		rel, quoteList(files), deltaOptions, quoteLiteral(filepath.ToSlash(tmp)))
	res, err := conn.ExecContext(ctx, q)
	if err != nil {
		return "", err
	}
	rows, err := res.RowsAffected()
	if err != nil {
		return "", err
	}
	f, err := os.Open(tmp)
	if err != nil {
		return "", err
	}
	err = f.Chmod(0o600) // as every file of the lake
	if err == nil {
		err = f.Sync()
	}
	f.Close()
	if err != nil {
		return "", err
	}
	target := filepath.Join(dir, prefix+strconv.FormatInt(rows, 10)+".parquet")
	if err := os.Rename(tmp, target); err != nil {
		return "", err
	}
	return target, atomicfile.SyncDir(dir)
}

// quoteList writes paths as an SQL list of string literals.
func quoteList(paths []string) string {
	q := make([]string, len(paths))
	for i, p := range paths {
		q[i] = quoteLiteral(filepath.ToSlash(p))
	}
	return "[" + strings.Join(q, ", ") + "]"
}
