package lake

import (
	"os"

	"ipoint/pipeline"
)

// TempPrefix starts the name of every file being written; Open removes those a crash
// left in the lake, and whoever writes elsewhere with CreateFile sweeps its own.
const TempPrefix = tempPrefix

// File is a file being written under a temporary name in its final directory. Commit
// makes it durable and gives it its final name, replacing any file there; Abort
// removes it. Outside the lake too (pipeline/erase rewrites raw files with it).
type File struct{ p *pending }

// CreateFile starts a file that will replace path.
func CreateFile(path string) (*File, error) {
	p, err := create(path)
	if err != nil {
		return nil, err
	}
	return &File{p}, nil
}

// Write appends to the file.
func (f *File) Write(b []byte) (int, error) { return f.p.Write(b) }

// Chmod sets the file's permission bits (a new file has 0600).
func (f *File) Chmod(mode os.FileMode) error { return f.p.Chmod(mode) }

// Commit syncs the file and renames it to its final name.
func (f *File) Commit() error { return f.p.Commit() }

// Abort removes the unfinished file.
func (f *File) Abort() { f.p.Abort() }

// HistoryFields are the columns of a snapshot export's history table: the export's
// fields, then valid_from and valid_to.
func HistoryFields(fields []pipeline.Field) []pipeline.Field {
	return newHistory(fields, 0).tableFields()
}
