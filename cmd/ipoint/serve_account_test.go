package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestServeSecondAccount: without --single-account, ipoint serve refuses to start when
// it can read the pseudonymisation key, and starts under a second account that cannot
// (the deployment of the README: the service account reads the warehouse through its
// group, never the key). Run as root (CI is), the test runs ipoint serve under a
// throwaway uid and gid of its own; as another user it shows the refusal, since that
// user owns the key and can read it.
func TestServeSecondAccount(t *testing.T) {
	if _, err := exec.LookPath("psql"); err != nil {
		t.Fatal("psql is missing: apt-get install postgresql-client (.ci/run does)")
	}
	base, err := os.MkdirTemp("", "ipoint-second-account-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	// The service's files outside the home, as /etc/ipoint/serve in the README.
	serveDir := filepath.Join(base, "serve")
	if err := os.Mkdir(serveDir, 0o750); err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(base, "home")
	vars := map[string]string{"IPOINT_HOME": home,
		"IPOINT_ANALYST_TLS_CERT": filepath.Join(serveDir, "analyst-tls.crt"),
		"IPOINT_ANALYST_TLS_KEY":  filepath.Join(serveDir, "analyst-tls.key"),
		"IPOINT_ANALYST_ACCOUNTS": filepath.Join(serveDir, "analysts.json")}
	buildServeHome(t, vars)
	keyFile := filepath.Join(home, "secrets", "pseudonym.key")

	if os.Geteuid() != 0 {
		// The ETL account itself: it owns the key.
		r := call(t, vars, "serve", "--listen", "127.0.0.1:0")
		if r.code != exitUsage || !strings.Contains(r.stderr, "kann den Pseudonymisierungsschlüssel lesen") {
			t.Errorf("serve with a readable key: %d %s", r.code, r.stderr)
		}
		t.Log("not root: the service under a second account is tested as root (CI)")
		return
	}

	uid, gid := freeIDs(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// The service account's rights: it enters the home and the warehouse folder and
	// reads the warehouse (0640) through its group, reads the configuration and its own
	// files, appends to the audit log; the secrets folder (the key) stays the ETL
	// account's alone (0700).
	must(os.Chmod(base, 0o711))
	for _, p := range []string{home, filepath.Join(home, "warehouse"), serveDir} {
		must(os.Chown(p, 0, int(gid)))
		must(os.Chmod(p, 0o750))
	}
	for _, p := range []string{filepath.Join(home, "warehouse", "ipoint.duckdb"), filepath.Join(home, "ipoint.toml"),
		vars["IPOINT_ANALYST_TLS_CERT"], vars["IPOINT_ANALYST_TLS_KEY"], vars["IPOINT_ANALYST_ACCOUNTS"]} {
		must(os.Chown(p, 0, int(gid)))
		must(os.Chmod(p, 0o640))
	}
	audit := filepath.Join(home, "audit")
	must(os.Chown(audit, 0, int(gid)))
	must(os.Chmod(audit, 0o730)) // the service appends; it cannot list the folder
	bin := filepath.Join(base, "ipoint")
	copyExecutable(t, bin)

	serve := func() (*exec.Cmd, *readyWriter, *lockedBuffer) {
		cmd := exec.Command(bin, "serve", "--listen", "127.0.0.1:0")
		cmd.Env = []string{asIpoint + "=1", "PATH=/usr/bin:/bin", "HOME=" + base}
		for k, v := range vars {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: gid}}
		w := &readyWriter{addr: make(chan string, 1)}
		stderr := &lockedBuffer{b: &bytes.Buffer{}}
		cmd.Stdout, cmd.Stderr = w, stderr
		return cmd, w, stderr
	}

	t.Run("refused while the key is readable", func(t *testing.T) {
		// Group read on the key: the service account could read it.
		must(os.Chown(filepath.Dir(keyFile), 0, int(gid)))
		must(os.Chmod(filepath.Dir(keyFile), 0o750))
		must(os.Chown(keyFile, 0, int(gid)))
		must(os.Chmod(keyFile, 0o640))
		cmd, _, stderr := serve()
		err := cmd.Run()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != exitUsage || !strings.Contains(stderr.String(), "kann den Pseudonymisierungsschlüssel lesen") {
			t.Errorf("serve with the key readable by its group: %v %s", err, stderr.String())
		}
		must(os.Chmod(keyFile, 0o600))
		must(os.Chown(keyFile, 0, 0))
		must(os.Chmod(filepath.Dir(keyFile), 0o700))
		must(os.Chown(filepath.Dir(keyFile), 0, 0))
	})

	t.Run("starts and answers without the key", func(t *testing.T) {
		cmd, w, stderr := serve()
		must(cmd.Start())
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		stopped := false
		t.Cleanup(func() {
			if !stopped {
				cmd.Process.Kill()
				<-exited
			}
		})
		var addr string
		select {
		case addr = <-w.addr:
		case err := <-exited:
			stopped = true
			t.Fatalf("serve under uid %d ended before it was ready: %v\n%s", uid, err, stderr.String())
		}
		if strings.Contains(stderr.String(), "single-account") {
			t.Errorf("a second account is no single-account installation: %s", stderr.String())
		}
		st, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
		if want := fmt.Sprintf("\nUid:\t%d\t%d\t%d\t%d\n", uid, uid, uid, uid); err != nil || !strings.Contains(string(st), want) {
			t.Errorf("the service does not run as uid %d: %v", uid, err)
		}
		_, port, _ := strings.Cut(addr, ":")
		s := served{home: home, addr: addr, port: port, vars: vars}
		out, ok := s.psql(t, analystPassword, "-A", "-t", "-c", "SELECT count(DISTINCT kreis) > 0 FROM mart_woche_kreis")
		if !ok || strings.TrimSpace(out) != "t" {
			t.Errorf("psql through the service under a second account: %v %q\n%s", ok, out, stderr.String())
		}
		// The audit log was written by the service account.
		if fi, err := os.Stat(filepath.Join(audit, "sql.jsonl")); err != nil || fi.Sys().(*syscall.Stat_t).Uid != uid {
			t.Errorf("audit log not written by the service account: %v", err)
		}
		must(cmd.Process.Signal(syscall.SIGTERM))
		err = <-exited
		stopped = true
		if err != nil {
			t.Errorf("serve after SIGTERM: %v\n%s", err, stderr.String())
		}
	})
}

// freeIDs finds a uid and a gid that no account and no group has.
func freeIDs(t *testing.T) (uint32, uint32) {
	t.Helper()
	for id := 61000; id < 65000; id++ {
		_, uerr := user.LookupId(strconv.Itoa(id))
		_, gerr := user.LookupGroupId(strconv.Itoa(id))
		if uerr != nil && gerr != nil {
			return uint32(id), uint32(id)
		}
	}
	t.Fatal("no free uid and gid between 61000 and 65000")
	return 0, 0
}

// copyExecutable copies the test binary (which runs as ipoint with asIpoint set) at dst,
// where another account can execute it (the go tool's build folder is root's alone).
func copyExecutable(t *testing.T, dst string) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.Open(self)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, src); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
