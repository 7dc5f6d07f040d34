package lake

import (
	"ipoint/pipeline/atomicfile"
)

// tempPrefix marks files being written; Open's sweep removes those a crash left.
const tempPrefix = atomicfile.TempPrefix

// pending is a lake file being written under a temporary name in its final directory
// (mode 0600, as every file of the lake).
type pending = atomicfile.File

func create(final string) (*pending, error) { return atomicfile.Create(final, 0o600) }

// writeFile writes data to path atomically.
func writeFile(path string, data []byte) error { return atomicfile.WriteFile(path, data, 0o600) }

// sweep removes temporary files a crash left below root.
func sweep(root string) error { return atomicfile.Sweep(root) }
