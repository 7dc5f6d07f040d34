package lake

import (
	"os"
	"path/filepath"
	"strings"
)

// tempPrefix marks files being written; a start-up sweep removes those a crash left.
const tempPrefix = ".tmp-"

// pending is a file being written under a temporary name in its final directory.
type pending struct {
	f     *os.File
	final string
}

func create(final string) (*pending, error) {
	dir := filepath.Dir(final)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, tempPrefix+filepath.Base(final)+"-*")
	if err != nil {
		return nil, err
	}
	return &pending{f: f, final: final}, nil
}

func (p *pending) Write(b []byte) (int, error) { return p.f.Write(b) }

// commit makes the file durable and gives it its final name.
func (p *pending) commit() error {
	if err := p.f.Sync(); err != nil {
		p.abort()
		return err
	}
	if err := p.f.Close(); err != nil {
		os.Remove(p.f.Name())
		return err
	}
	if err := os.Rename(p.f.Name(), p.final); err != nil {
		os.Remove(p.f.Name())
		return err
	}
	return syncDir(filepath.Dir(p.final))
}

func (p *pending) abort() {
	p.f.Close()
	os.Remove(p.f.Name())
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// writeFile writes data to path atomically.
func writeFile(path string, data []byte) error {
	p, err := create(path)
	if err != nil {
		return err
	}
	if _, err := p.Write(data); err != nil {
		p.abort()
		return err
	}
	return p.commit()
}

// sweep removes temporary files a crash left below root.
func sweep(root string) error {
	return filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		if !d.IsDir() && strings.HasPrefix(d.Name(), tempPrefix) {
			return os.Remove(path)
		}
		return nil
	})
}
