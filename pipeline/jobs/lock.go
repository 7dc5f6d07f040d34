package jobs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Lock is an exclusive advisory lock (flock) on the data directory's lock file. Every
// command that writes takes it: ipoint run from the system's cron, the jobs of ipoint
// schedule, ingest, transform, report, retention and erase. The kernel releases it when
// the process ends, however it ends, so a killed run never leaves a stale lock.
type Lock struct {
	f *os.File
}

// LockedError is returned when another process holds the lock: exit code 11.
type LockedError struct{ Holder string }

func (l LockedError) Error() string {
	if l.Holder == "" {
		return "ein anderer Lauf hält die Sperre"
	}
	return "ein anderer Lauf hält die Sperre: " + l.Holder
}

// Acquire takes the lock without waiting. It writes who holds it into the file, for
// the message the next caller sees.
func Acquire(path, what string, now time.Time) (*Lock, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			b, _ := os.ReadFile(path)
			return nil, LockedError{strings.TrimSpace(string(b))}
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		fmt.Fprintf(f, "ipoint %s, Prozess %d, seit %s\n", what, os.Getpid(), now.Format("02.01.2006 15:04:05"))
	}
	return &Lock{f: f}, nil
}

// Release gives the lock up; the holder line is cleared first.
func (l *Lock) Release() {
	if l == nil || l.f == nil {
		return
	}
	_ = l.f.Truncate(0)
	_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	l.f.Close()
	l.f = nil
}
