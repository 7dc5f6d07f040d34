package erase

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"ipoint/pipeline/atomicfile"
	"os"
	"path/filepath"
	"time"
)

// JournalName is the erasure journal's file name in the lake root. It exists only while
// an erasure runs, or after one was interrupted: the next run for the same person
// finishes the job from it.
const JournalName = "erase-journal.json"

// journal is what an erasure decided before it changed anything, so that a run after a
// crash finishes the same job: the identifiers that link rows to the person (as tokens:
// once their rows are gone, the raw files cannot tell them again), and what each
// delivery's rows_erased will be once the lake is done (targets, not increments, so
// that applying them twice changes nothing).
type journal struct {
	Token   string         `json:"token"`
	Started time.Time      `json:"started"`
	AZR     []string       `json:"azr_tokens,omitempty"`
	IDs     []string       `json:"id_tokens,omitempty"`
	BGs     []string       `json:"bg_tokens,omitempty"`
	Names   []string       `json:"name_tokens,omitempty"`
	Values  []string       `json:"value_tokens,omitempty"`
	Erased  map[string]int `json:"rows_erased,omitempty"` // "name sha256" of a delivery -> its rows_erased
}

func loadJournal(path string) (*journal, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	j := &journal{}
	if err := json.Unmarshal(b, j); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return j, nil
}

func (j *journal) save(path string) error {
	b, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	return writeFile(path, append(b, '\n'), 0o600)
}

func removeJournal(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return atomicfile.SyncDir(filepath.Dir(path))
}

// remember takes the identifiers of an interrupted run's journal into the person.
func (p *person) remember(j *journal) {
	for _, l := range []struct {
		s    set
		from []string
	}{{p.azr, j.AZR}, {p.ids, j.IDs}, {p.bgs, j.BGs}, {p.names, j.Names}, {p.values, j.Values}} {
		for _, k := range l.from {
			l.s.add(k)
		}
	}
}
