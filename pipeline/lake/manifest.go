package lake

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"ipoint/pipeline"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Outcomes of a delivered file.
const (
	Ingested    = "ingested"    // in the lake (some rows may have been rejected)
	Quarantined = "quarantined" // moved whole to quarantine/, nothing in the lake
)

// Entry records one delivered file: what it was and what became of it.
//
// SHA256 and Size are the delivery's identity as it arrived: they stay when an erasure
// (pipeline/erase) later rewrites the archived file without a person's rows, so an
// erased archive file no longer matches its recorded hash. Erased counts the accepted
// rows of the delivery that erasures have since removed from the lake: the lake holds
// Accepted - Erased of its rows.
type Entry struct {
	Name       string         `json:"name"`
	SHA256     string         `json:"sha256"`
	Size       int64          `json:"size"`
	Export     string         `json:"export"`
	Stichtag   string         `json:"stichtag"` // JJJJ-MM-TT
	Kreis      string         `json:"kreis,omitempty"`
	Outcome    string         `json:"outcome"`
	Reason     string         `json:"reason,omitempty"`      // quarantine: why (German)
	ReasonKind string         `json:"reason_kind,omitempty"` // quarantine: missing_column, bad_encoding, ...
	RowsRead   int            `json:"rows_read"`
	Accepted   int            `json:"rows_accepted"`
	Rejected   int            `json:"rows_rejected"`
	Flagged    int            `json:"rows_flagged"`
	Orphans    int            `json:"orphans"`
	Findings   map[string]int `json:"findings,omitempty"` // by kind
	Extra      []string       `json:"extra_columns,omitempty"`
	Superseded bool           `json:"superseded"`        // a corrected re-delivery replaced it
	Expired    bool           `json:"expired,omitempty"` // retention deleted its rows from the lake
	IngestedAt time.Time      `json:"ingested_at"`
	Erased     int            `json:"rows_erased,omitempty"` // accepted rows erased since (GDPR Art. 17)
	// RejectedKreis counts the rejected rows of an aggregate table (source.Export.
	// AggregateKreis) by the Kreis whose total they counted for, UnknownKreis where a row
	// does not say: each makes that total unknown (every total, for UnknownKreis).
	RejectedKreis map[string]int `json:"rows_rejected_kreis,omitempty"`
}

// UnknownKreis stands in RejectedKreis for rows whose Kreis cannot be told.
const UnknownKreis = "unbekannt"

// Manifest is the list of every delivered file, in the order they were taken in. It
// is rewritten whole and atomically.
type Manifest struct {
	path    string
	Entries []Entry
}

// ManifestName is the manifest's file name in the lake root (JSON Lines, one entry a
// line, so that DuckDB's read_json reads it).
const ManifestName = "manifest.jsonl"

func loadManifest(path string) (*Manifest, error) {
	m := &Manifest{path: path}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, err
	}
	// Lines of any length: an old manifest may hold a line longer than any buffer a
	// scanner would give it (a 17 MiB column name, before values were capped).
	for line, n := b, 1; len(line) > 0; n++ {
		var cur []byte
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			cur, line = line[:i], line[i+1:]
		} else {
			cur, line = line, nil
		}
		if len(bytes.TrimSpace(cur)) == 0 {
			continue
		}
		var e Entry
		if err := json.Unmarshal(cur, &e); err != nil {
			return nil, fmt.Errorf("manifest %s, line %d: %w", path, n, err)
		}
		m.Entries = append(m.Entries, e)
	}
	return m, nil
}

// Caps on what an entry holds of a delivery's own text, so that no file can make a
// manifest line (or the summary, or a notice) grow with it.
const (
	MaxReasonBytes = 1000 // a quarantine reason
	MaxExtraName   = 100  // one unknown column's name
	MaxExtraNames  = 50   // unknown columns listed
)

// capped returns e with its delivery-made text cut to the caps.
func capped(e Entry) Entry {
	e.Reason = pipeline.Clip(e.Reason, MaxReasonBytes)
	if len(e.Extra) > 0 {
		n := len(e.Extra)
		extra := make([]string, 0, min(n, MaxExtraNames+1))
		for _, x := range e.Extra[:min(n, MaxExtraNames)] {
			extra = append(extra, pipeline.Clip(x, MaxExtraName))
		}
		if n > MaxExtraNames {
			extra = append(extra, fmt.Sprintf("… und %d weitere", n-MaxExtraNames))
		}
		e.Extra = extra
	}
	return e
}

// Find returns the latest entry of a file name, or nil.
func (m *Manifest) Find(name string) *Entry {
	for i := len(m.Entries) - 1; i >= 0; i-- {
		if m.Entries[i].Name == name {
			return &m.Entries[i]
		}
	}
	return nil
}

// Has reports whether these exact bytes were taken in before.
func (m *Manifest) Has(name, sha string) bool {
	for _, e := range m.Entries {
		if e.Name == name && e.SHA256 == sha {
			return true
		}
	}
	return false
}

// add appends an entry; an ingested correction supersedes earlier deliveries of the
// same name (a quarantined one leaves them in force).
func (m *Manifest) add(e Entry) {
	for i := range m.Entries {
		if e.Outcome == Ingested && m.Entries[i].Name == e.Name && !m.Entries[i].Superseded {
			m.Entries[i].Superseded = true
		}
	}
	m.Entries = append(m.Entries, capped(e))
}

// Stichtage returns the Stichtage of an export that are in the lake, sorted.
func (m *Manifest) Stichtage(export string) []string {
	seen := map[string]bool{}
	for _, e := range m.Entries {
		if e.Export == export && e.Outcome == Ingested && !e.Superseded {
			seen[e.Stichtag] = true
		}
	}
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func (m *Manifest) save() error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for _, e := range m.Entries {
		if err := enc.Encode(e); err != nil {
			return err
		}
	}
	return writeFile(m.path, b.Bytes())
}

// ReadManifest reads the manifest of the lake at root without opening the lake (no
// sweep, nothing created): for readers such as `ipoint status`.
func ReadManifest(root string) (*Manifest, error) {
	return loadManifest(filepath.Join(root, ManifestName))
}

// DataVersion is the SHA-256 (hex) of the manifest of the lake at root: the data version
// a warehouse built from it records, and every report prints. An empty lake has "".
func DataVersion(root string) (string, error) {
	b, err := os.ReadFile(filepath.Join(root, ManifestName))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// ErrKeyMismatch is a key other than the one the lake's tokens were made with.
var ErrKeyMismatch = errors.New("key does not match the lake")

// CheckKeyFingerprint compares a key's fingerprint with the one the lake at root
// keeps. A lake without one takes this one (a new lake, or one from before
// fingerprints); a different one is ErrKeyMismatch.
func CheckKeyFingerprint(root, fingerprint string) error {
	path := filepath.Join(root, KeyFingerprintName)
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(root, 0o750); err != nil {
			return err
		}
		return writeFile(path, []byte(fingerprint+"\n"))
	case err != nil:
		return err
	case strings.TrimSpace(string(b)) != fingerprint:
		return fmt.Errorf("%w: the lake's tokens were made with the key %s, this one is %s", ErrKeyMismatch, strings.TrimSpace(string(b)), fingerprint)
	}
	return nil
}

// HasData reports whether the lake at root has taken in any delivery.
func HasData(root string) bool {
	st, err := os.Stat(filepath.Join(root, ManifestName))
	return err == nil && st.Size() > 0
}

// HashFile is a file's SHA-256 (hex), as an entry records a delivery, and its size.
func HashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
