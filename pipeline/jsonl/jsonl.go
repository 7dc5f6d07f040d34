// Package jsonl appends records to append-only JSON Lines logs: the run history, the
// SQL audit log, the deletion and erasure logs.
package jsonl

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Append writes v as one JSON line at the end of path (created with its directory if
// missing), in one write call, synced before it returns: §78a SGB X asks for access and
// input control, and a record lost in a crash is no record. A crash mid-write can
// leave a torn last line, which readers skip.
func Append(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("append to %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
