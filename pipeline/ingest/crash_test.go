package ingest

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"ipoint/pipeline/atomicfile"
)

// The crash test runs the ingest in a child process (this test binary, re-executed)
// and kills it with SIGKILL at a chosen crash point: the n-th durable step (a file
// renamed into place, before or after the rename, or a file moved out of the inbox).
// The child counts the points it passes and writes the count to a file when it ends,
// so the parent knows how many there are.
const (
	childEnv  = "IPOINT_INGEST_CHILD_HOME"
	dieAtEnv  = "IPOINT_INGEST_CHILD_DIE_AT"
	countFile = "crash-points"
)

func init() {
	if dir := os.Getenv(childEnv); dir != "" {
		h := home{dir}
		opt := h.options()
		opt.Batch = 5 // many checkpoints, many places to die
		dieAt, _ := strconv.Atoi(os.Getenv(dieAtEnv))
		points := 0
		atomicfile.CrashPoint = func(string) {
			if points++; points == dieAt {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
				select {} // the signal is on its way
			}
		}
		if _, err := Run(context.Background(), opt); err != nil {
			os.Stderr.WriteString(err.Error())
			os.Exit(1)
		}
		os.WriteFile(filepath.Join(os.TempDir(), countFile+"-"+filepath.Base(dir)), []byte(strconv.Itoa(points)), 0o600)
		os.Exit(0)
	}
}

// child runs the ingest on h in a child process, killed at the crash point dieAt (0:
// never); it returns the child's error (a kill is one).
func child(t *testing.T, h home, dieAt int) error {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+h.dir, dieAtEnv+"="+strconv.Itoa(dieAt))
	cmd.Stderr = os.Stderr
	return cmd.Run()
}

// TestKilledIngestResumes kills the ingest at several moments and runs it again: the
// lake, the manifest, the archive and the quarantine end as after an uninterrupted run.
func TestKilledIngestResumes(t *testing.T) {
	ref := newHome(t)
	if err := child(t, ref, 0); err != nil {
		t.Fatal(err)
	}
	counted := filepath.Join(os.TempDir(), countFile+"-"+filepath.Base(ref.dir))
	b, err := os.ReadFile(counted)
	os.Remove(counted)
	total, _ := strconv.Atoi(string(b))
	if err != nil || total < 20 {
		t.Fatalf("an uninterrupted ingest passed %d crash points (%v)", total, err)
	}

	// The first runs die at their first and second points; then each run dies after a
	// seventh of the whole job's points, until one gets through: every stretch of the
	// job has a run killed inside it.
	h := newHome(t)
	kills := 0
	for i := 0; ; i++ {
		at := max(total/7, 1)
		if i < 2 {
			at = i + 1
		}
		err := child(t, h, at)
		if err == nil {
			break
		}
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ProcessState.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("the child at crash point %d failed: %v", at, err)
		}
		if kills++; kills > 40 {
			t.Fatalf("40 runs killed after %d points each and the ingest is still not through", at)
		}
	}
	if kills < 7 {
		t.Errorf("only %d runs were killed", kills)
	}
	if err := child(t, h, 0); err != nil {
		t.Fatal(err)
	}
	sameTree(t, "lake", tree(t, ref.lake()), tree(t, h.lake()))
	sameTree(t, "inbox and archive", tree(t, ref.inbox()), tree(t, h.inbox()))
	sameTree(t, "quarantine", tree(t, ref.quarantine()), tree(t, h.quarantine()))
}
