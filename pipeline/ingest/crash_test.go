package ingest

import (
	"context"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// The crash test runs the ingest in a child process (this test binary, re-executed)
// and kills it with SIGKILL.
const childEnv = "IPOINT_INGEST_CHILD_HOME"

func init() {
	if dir := os.Getenv(childEnv); dir != "" {
		h := home{dir}
		opt := h.options()
		opt.Batch = 5 // many checkpoints, many places to die
		if _, err := Run(context.Background(), opt); err != nil {
			os.Stderr.WriteString(err.Error())
			os.Exit(1)
		}
		os.Exit(0)
	}
}

func child(t *testing.T, h home) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+h.dir)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// TestKilledIngestResumes kills the ingest at several moments and runs it again: the
// lake, the manifest, the archive and the quarantine end as after an uninterrupted run.
func TestKilledIngestResumes(t *testing.T) {
	ref := newHome(t)
	start := time.Now()
	if err := child(t, ref).Wait(); err != nil {
		t.Fatal(err)
	}
	full := time.Since(start)

	h := newHome(t)
	for _, frac := range []float64{0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95} {
		cmd := child(t, h)
		time.Sleep(time.Duration(frac * float64(full)))
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
	}
	if err := child(t, h).Wait(); err != nil {
		t.Fatal(err)
	}
	sameTree(t, "lake", tree(t, ref.lake()), tree(t, h.lake()))
	sameTree(t, "inbox and archive", tree(t, ref.inbox()), tree(t, h.inbox()))
	sameTree(t, "quarantine", tree(t, ref.quarantine()), tree(t, h.quarantine()))
}
