package synth

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// WriteJobStartsBulk writes one job-starts file with at least rows data rows, in the
// export's exact format: an agency's initial full load ("Erstlieferung") of every start
// and every reported version over five years, drawn from the simulated lives of a
// national-scale population. It is the input of the ingest benchmark; it returns the
// file's path and its row count.
func WriteJobStartsBulk(dir string, rows int, seed uint64, asOf time.Time) (string, int, error) {
	end := dayOf(asOf)
	name := "arbeitsaufnahmen_" + end.compact() + ".csv"
	t, err := createText(dir, name, nil, "\n", true)
	if err != nil {
		return "", 0, err
	}
	t.w = bufio.NewWriterSize(t.f, 4<<20)
	t.w.WriteString("\uFEFF")
	t.record(jobsHeader...)
	const span = 5 * 365
	employers := int64(150_000)
	n := 0
	var p life
	row := make([]string, len(jobsHeader))
	for idx := int64(0); n < rows; idx++ {
		reg := end - span + day(idx%span)
		p.skeleton(seed, idx, reg)
		r := newStream(seed, keyDetail, uint64(idx), 3)
		p.buildJobs(&r, employers)
		for ji := range p.jobs {
			j := &p.jobs[ji]
			for vi := range j.versions {
				row = (&world{seed: seed}).jobRow(&p, j, &j.versions[vi], row)
				t.record(row...)
				n++
			}
		}
	}
	if err := t.commit(); err != nil {
		return "", 0, err
	}
	return filepath.Join(dir, name), n, nil
}

// BulkFile returns a cached bulk job-starts file under dir (written on first use).
func BulkFile(dir string, rows int) (string, int, error) {
	sub := filepath.Join(dir, fmt.Sprintf("bulk-%d", rows))
	asOf := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	path := filepath.Join(sub, "arbeitsaufnahmen_"+dayOf(asOf).compact()+".csv")
	if st, err := os.Stat(path + ".rows"); err == nil && st.Size() > 0 {
		b, _ := os.ReadFile(path + ".rows")
		var n int
		fmt.Sscan(string(b), &n)
		return path, n, nil
	}
	os.RemoveAll(sub)
	if err := os.MkdirAll(sub, 0o750); err != nil {
		return "", 0, err
	}
	p, n, err := WriteJobStartsBulk(sub, rows, 42, asOf)
	if err != nil {
		return "", 0, err
	}
	return p, n, os.WriteFile(path+".rows", []byte(fmt.Sprint(n)), 0o640)
}
