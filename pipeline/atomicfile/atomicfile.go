// Package atomicfile is the one way ipoint writes a file that readers may see: the
// content goes to a temporary file in the target's folder, is synced, gets its mode and
// is renamed over the target, and the folder is synced. A reader sees the old file or
// the new one, never a part; a crash leaves at most a temporary file (named with
// TempPrefix), which Sweep removes.
package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// TempPrefix starts the name of every file being written.
const TempPrefix = ".tmp-"

// CrashPoint, where set, is called just before a committed file is renamed (or linked)
// into place and just after: the points where a crash test kills the process, so that
// it dies at a chosen durable step rather than after a guessed time. Nil in production.
var CrashPoint func(path string)

func crashPoint(path string) {
	if CrashPoint != nil {
		CrashPoint(path)
	}
}

// Fault, where set, is asked before a file is started and before each write into it,
// with the path the file will have; an error it returns is that step's error, as the
// operating system would return it (a test's full disk: syscall.ENOSPC). Nil in
// production.
var Fault func(path string) error

func fault(op, path, tmp string) error {
	if Fault == nil {
		return nil
	}
	if err := Fault(path); err != nil {
		return &fs.PathError{Op: op, Path: tmp, Err: err}
	}
	return nil
}

// Moved marks a rename done outside this package (a file moved out of the inbox) as a
// crash point too: call it before the rename.
func Moved(path string) { crashPoint(path) }

// File is a file being written; Commit puts it in place, Abort throws it away.
type File struct {
	f     *os.File
	final string
	perm  fs.FileMode
	done  bool
}

// Create starts a file that will replace path with the permission bits perm. The
// folder is created (0750) if it does not exist.
func Create(path string, perm fs.FileMode) (*File, error) {
	dir := filepath.Dir(path)
	if err := mkdirAll(dir); err != nil {
		return nil, err
	}
	if err := fault("open", path, filepath.Join(dir, TempPrefix+filepath.Base(path))); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, TempPrefix+filepath.Base(path)+"-*")
	if err != nil {
		return nil, err
	}
	return &File{f: f, final: path, perm: perm}, nil
}

// Name is the temporary file's path.
func (f *File) Name() string { return f.f.Name() }

// Chmod sets the permission bits the file gets when it is committed.
func (f *File) Chmod(perm fs.FileMode) error {
	f.perm = perm
	return nil
}

// Write appends to the file.
func (f *File) Write(b []byte) (int, error) {
	if err := fault("write", f.final, f.f.Name()); err != nil {
		return 0, err
	}
	return f.f.Write(b)
}

// Commit makes the file durable and gives it its final name (replacing what was there).
func (f *File) Commit() error {
	return f.finish(func(tmp string) error { return os.Rename(tmp, f.final) })
}

// CommitNew is Commit that never replaces an existing file: fs.ErrExist if there is one.
func (f *File) CommitNew() error {
	return f.finish(func(tmp string) error { return os.Link(tmp, f.final) })
}

func (f *File) finish(place func(tmp string) error) error {
	if f.done {
		return errors.New("atomicfile: committed or aborted already")
	}
	f.done = true
	tmp := f.f.Name()
	err := f.f.Chmod(f.perm)
	if err == nil {
		err = f.f.Sync()
	}
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		crashPoint(f.final)
		err = place(tmp)
		crashPoint(f.final)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	os.Remove(tmp) // after a link; a no-op after a rename
	return SyncDir(filepath.Dir(f.final))
}

// Abort removes the unfinished file; after Commit it does nothing.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.f.Close()
	os.Remove(f.f.Name())
}

// WriteFile replaces path with data atomically.
func WriteFile(path string, data []byte, perm fs.FileMode) error {
	return write(path, data, perm, (*File).Commit)
}

// WriteNew creates path with data atomically, never replacing an existing file.
func WriteNew(path string, data []byte, perm fs.FileMode) error {
	return write(path, data, perm, (*File).CommitNew)
}

func write(path string, data []byte, perm fs.FileMode, commit func(*File) error) error {
	f, err := Create(path, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return err
	}
	return commit(f)
}

// mkdirAll is os.MkdirAll (0750) that also makes each new folder's entry durable in its
// parent: a file committed into a new partition must not lose its folder to a crash.
func mkdirAll(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil || filepath.Dir(d) == d {
			break
		}
		missing = append(missing, d)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	for _, d := range missing {
		if err := SyncDir(filepath.Dir(d)); err != nil {
			return err
		}
	}
	return nil
}

// SyncDir makes a folder's entries (a rename, a removal) durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// IsTemp tells a temporary file by its name.
func IsTemp(name string) bool { return strings.HasPrefix(name, TempPrefix) }

// Sweep removes the temporary files a crash left below root, and temporary folders
// (TempPrefix too: the parts of a workbook unpacked while it was read) whole.
func Sweep(root string) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		switch {
		case path != root && d.IsDir() && IsTemp(d.Name()):
			if err := os.RemoveAll(path); err != nil {
				return err
			}
			return filepath.SkipDir
		case !d.IsDir() && IsTemp(d.Name()):
			return os.Remove(path)
		}
		return nil
	})
}
