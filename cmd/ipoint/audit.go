package main

import (
	"encoding/json"
	"os"
	"path/filepath"
)

// appendAudit appends v as one JSON line to an append-only log under audit/ (the SQL
// log, the deletion log, the erasure log), synced before it returns: §78a SGB X asks
// for access and input control, and a record lost in a crash is no record.
func appendAudit(path string, v any) error {
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
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
