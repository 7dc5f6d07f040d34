package lake

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

// The layout of the lake and of the raw files around it, in one place: every path,
// partition and name ipoint writes or looks for is made or parsed here. Relative paths
// are slash-separated (DuckDB's globs take them so).
//
//	manifest.jsonl                                           every delivered file and its outcome
//	export=NAME/stichtag=JJJJ-MM-TT/SOURCE[.pN].parquet      a delta export's delivery (N: a chunk)
//	export=NAME/history.parquet                              a snapshot export's history
//	findings/export=NAME/stichtag=JJJJ-MM-TT/SOURCE.parquet  rejected and flagged rows
//	_compact/NAME/JJJJ-MM.DIGEST.ROWS.parquet                derived: a closed month of a delta export
//	                                                         in one file, for the warehouse build
//
// The compaction cache (_compact) is written and checked by the warehouse build, which
// reads a month's many small files from it; the leading underscore hides it from the
// partition discovery of other engines (Spark, Trino, Hive), and ParsePath does not
// know it. Erasure and retention remove it whole (DropCompact).
//
// Raw files: the inbox's archive/ keeps every file taken in, quarantine/ every file that
// was not; a second file under a name already there gets ".<12 hex digits of its
// SHA-256>" appended, and a quarantined file's reason lies beside it in NAME.grund.txt.

const (
	// CompactDir holds the compaction cache of the warehouse build.
	CompactDir = "_compact"
	// FindingsDir holds the findings, partitioned like the rows.
	FindingsDir = "findings"
	// HistoryName is a snapshot export's history file.
	HistoryName = "history.parquet"
	// ArchiveDir is the archive's folder inside the inbox.
	ArchiveDir = "archive"
	// ReasonSuffix is appended to a quarantined file's name for its reason file.
	ReasonSuffix = ".grund.txt"
	// KeyFingerprintName is the file in the lake's root with the fingerprint of the
	// pseudonymisation key its tokens were made with.
	KeyFingerprintName = "key.fingerprint"
)

const (
	exportPrefix   = "export="
	stichtagPrefix = "stichtag="
)

// DropCompact removes the compaction cache of the lake at root (erasure and retention
// call it before they change the lake: the cache must not keep rows the lake lost). A
// cache folder that is a symbolic link (moved to another disk) is emptied where it
// points, and the link goes too.
func DropCompact(root string) error {
	dir := filepath.Join(root, CompactDir)
	if info, err := os.Lstat(dir); err == nil && info.Mode()&os.ModeSymlink != 0 {
		target, err := filepath.EvalSymlinks(dir)
		if err != nil && !os.IsNotExist(err) {
			return err
		}
		if target != "" {
			entries, err := os.ReadDir(target)
			if err != nil && !os.IsNotExist(err) {
				return err
			}
			for _, e := range entries {
				if err := os.RemoveAll(filepath.Join(target, e.Name())); err != nil {
					return err
				}
			}
		}
		return os.Remove(dir)
	}
	return os.RemoveAll(dir)
}

// DropCompactMonth removes the compaction cache's file of export's month that holds the
// Stichtag day (JJJJ-MM-TT): the ingest calls it before it writes a delivery of that
// day, which may replace rows the cache holds (a corrected delivery).
func DropCompactMonth(root, export, day string) error {
	if len(day) < len("2006-01") {
		return nil
	}
	files, err := filepath.Glob(filepath.Join(root, CompactDir, export, day[:7]+".*"))
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}

// ExportDir is an export's folder, relative to the root.
func ExportDir(export string) string { return exportPrefix + export }

// PartitionDir is a delta export's Stichtag partition, relative to the root.
func PartitionDir(export, stichtag string) string {
	return path.Join(ExportDir(export), stichtagPrefix+stichtag)
}

// HistoryFile is a snapshot export's history, relative to the root.
func HistoryFile(export string) string { return path.Join(ExportDir(export), HistoryName) }

// Glob matches every file of an export's rows, relative to the root: its history, or
// the parts of every delivery.
func Glob(export string, snapshot bool) string {
	if snapshot {
		return HistoryFile(export)
	}
	return path.Join(ExportDir(export), stichtagPrefix+"*", "*.parquet")
}

// Place is what a path inside the lake is, as ParsePath reads it.
type Place struct {
	Export   string
	Stichtag string // a delta's partition
	Findings bool   // under findings/
	History  bool   // a snapshot's history
	File     string // the file's name
}

// ParsePath reads a path relative to the root; ok is false for anything that is not an
// export's rows, history or findings.
func ParsePath(rel string) (p Place, ok bool) {
	parts := strings.Split(filepath.ToSlash(rel), "/")
	if len(parts) > 0 && parts[0] == FindingsDir {
		p.Findings, parts = true, parts[1:]
	}
	if len(parts) < 2 || !strings.HasPrefix(parts[0], exportPrefix) {
		return Place{}, false
	}
	p.Export = strings.TrimPrefix(parts[0], exportPrefix)
	switch {
	case len(parts) == 2 && parts[1] == HistoryName && !p.Findings:
		p.History, p.File = true, parts[1]
	case len(parts) == 3 && strings.HasPrefix(parts[1], stichtagPrefix):
		p.Stichtag, p.File = strings.TrimPrefix(parts[1], stichtagPrefix), parts[2]
	default:
		return Place{}, false
	}
	return p, true
}

// PartFile is the name of part n of a delivery's rows in its partition: SOURCE.parquet
// for the first, SOURCE.pN.parquet for the N-th chunk of a file read in parts.
func PartFile(source string, n int) string {
	b := strings.TrimSuffix(source, path.Ext(source))
	if n > 0 {
		return fmt.Sprintf("%s.p%d.parquet", b, n)
	}
	return b + ".parquet"
}

var partFile = regexp.MustCompile(`^(.*?)(\.p[0-9]+)?\.parquet$`)

// PartSource undoes PartFile: the delivered file's name without its extension.
func PartSource(file string) (string, bool) {
	m := partFile.FindStringSubmatch(file)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// ReasonFile is the reason file beside a quarantined file.
func ReasonFile(quarantined string) string { return quarantined + ReasonSuffix }

// IsReasonFile tells a reason file from a quarantined file.
func IsReasonFile(name string) bool { return strings.HasSuffix(name, ReasonSuffix) }

// SuffixedName is the name a second file called name gets in the archive or the
// quarantine: name, a dot and the first 12 hex digits of its SHA-256.
func SuffixedName(name, sha256hex string) string {
	if len(sha256hex) < 12 {
		return name + ".x"
	}
	return name + "." + sha256hex[:12]
}

var hashSuffix = regexp.MustCompile(`^(.+)\.[0-9a-f]{12}$`)

// DeliveredName undoes SuffixedName: the name the file was delivered under, and
// whether it carried a suffix.
func DeliveredName(stored string) (string, bool) {
	if m := hashSuffix.FindStringSubmatch(stored); m != nil {
		return m[1], true
	}
	return stored, false
}
