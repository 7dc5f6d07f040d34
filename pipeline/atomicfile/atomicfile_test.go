package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestWriteReplaceNewAbortSweep(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "sub", "a.txt")
	if err := WriteFile(p, []byte("one"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("two"), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "two" {
		t.Errorf("content %q", b)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode())
	}
	if err := WriteNew(p, []byte("three"), 0o600); !errors.Is(err, fs.ErrExist) {
		t.Errorf("WriteNew over an existing file: %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "two" {
		t.Errorf("WriteNew changed the file: %q", b)
	}
	// An aborted file leaves nothing; the target is untouched.
	f, err := Create(p, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("half"))
	f.Abort()
	if b, _ := os.ReadFile(p); string(b) != "two" {
		t.Errorf("abort changed the file: %q", b)
	}
	if err := f.Commit(); err == nil {
		t.Error("a commit after abort succeeded")
	}
	// A crash's leftover: swept, the real file kept.
	g, err := Create(p, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	g.Write([]byte("crash"))
	if !IsTemp(filepath.Base(g.Name())) {
		t.Errorf("temp name %s", g.Name())
	}
	// A temporary folder a crash left (a workbook's unpacked parts): swept whole.
	parts := filepath.Join(filepath.Dir(p), TempPrefix+"xlsx-1")
	if err := os.MkdirAll(filepath.Join(parts, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(parts, "excelize-123"), []byte("Teilnahmen"), 0o600)
	if err := Sweep(dir); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 1 || entries[0].Name() != "a.txt" {
		t.Errorf("after the sweep: %v", entries)
	}
}

// TestFault: an injected fault (a full disk) fails the write as the system would, and
// leaves the old file and no temporary one.
func TestFault(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.txt")
	if err := WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	defer func() { Fault = nil }()
	Fault = func(path string) error {
		if path == p {
			return syscall.ENOSPC
		}
		return nil
	}
	err := WriteFile(p, []byte("new"), 0o600)
	var pe *fs.PathError
	if !errors.Is(err, syscall.ENOSPC) || !errors.As(err, &pe) {
		t.Errorf("write under a full disk: %v", err)
	}
	if err := WriteFile(filepath.Join(dir, "b.txt"), []byte("b"), 0o600); err != nil {
		t.Errorf("another path: %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Errorf("content %q", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("left behind: %v", entries)
	}
}
