package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeSocket: ipoint serve also listens on a unix socket under PostgreSQL's name
// (psql -h DIR), without TLS, where the kernel's peer credentials log the client in as
// the analyst of its operating-system account's name.
func TestServeSocket(t *testing.T) {
	dir, err := os.MkdirTemp("", "ipoint-socket-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil { // a throwaway account reaches the socket too
		t.Fatal(err)
	}
	s := startServe(t, map[string]string{"IPOINT_ANALYST_SOCKET_DIR": dir})
	sock := filepath.Join(dir, ".s.PGSQL."+s.port)
	if fi, err := os.Stat(sock); err != nil || fi.Mode()&os.ModeSocket == 0 {
		t.Fatalf("no socket %s: %v", sock, err)
	}
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	local := func(cred *syscall.Credential, args ...string) (string, bool) {
		t.Helper()
		cmd := exec.Command("psql", append([]string{"-h", dir, "-p", s.port, "-d", "warehouse", "-X", "--no-psqlrc", "-v", "ON_ERROR_STOP=1"}, args...)...)
		cmd.Env = append(os.Environ(), "PGPASSWORD=", "PGCONNECT_TIMEOUT=10")
		if cred != nil {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
			cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + dir, "PGCONNECT_TIMEOUT=10"}
		}
		out, err := cmd.CombinedOutput()
		return string(out), err == nil
	}

	// Not an analyst yet: refused, naming what to do.
	out, ok := local(nil, "-c", "SELECT 1")
	if ok || !strings.Contains(out, "hat keinen Analysezugang") {
		t.Errorf("an account that is no analyst: %v %q", ok, out)
	}
	e := env{stdin: strings.NewReader(analystPassword + "\n"), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{},
		getenv: func(k string) string { return s.vars[k] }, now: time.Now}
	if code := run(context.Background(), []string{"analyst", "add", me.Username}, e); code != exitOK {
		t.Fatalf("analyst add %s: %d %s", me.Username, code, e.stderr)
	}
	// No password, no TLS: the operating-system account is the login.
	out, ok = local(nil, "-A", "-t", "-c", "SELECT 'ueber-den-socket' AS m, count(DISTINCT kreis) > 0 FROM mart_woche_kreis")
	if !ok || strings.TrimSpace(out) != "ueber-den-socket|t" {
		t.Errorf("psql over the socket: %v %q", ok, out)
	}
	// Another analyst's name is not the account's.
	out, ok = local(nil, "-U", "anna", "-c", "SELECT 1")
	if ok || !strings.Contains(out, "nur unter dem eigenen Namen ("+me.Username+")") {
		t.Errorf("another name over the socket: %v %q", ok, out)
	}
	if os.Geteuid() == 0 {
		// A uid without a name (no account in /etc/passwd) is nobody's analyst.
		uid, gid := freeIDs(t)
		out, ok = local(&syscall.Credential{Uid: uid, Gid: gid}, "-U", "anna", "-c", "SELECT 1")
		if ok || !strings.Contains(out, "hat keinen Namen") {
			t.Errorf("a uid without a name: %v %q", ok, out)
		}
	}
	// The audit log names the analyst and the socket as the client.
	f, err := os.Open(filepath.Join(s.home, "audit", "sql.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	found := false
	for sc := bufio.NewScanner(f); sc.Scan(); {
		var rec map[string]any
		if json.Unmarshal(sc.Bytes(), &rec) == nil && rec["event"] == "statement" && strings.Contains(rec["statement"].(string), "ueber-den-socket") {
			found = rec["analyst"] == me.Username && rec["client"] == "[local]"
		}
	}
	if !found {
		t.Error("the audit log has no record of the socket's statement with its analyst and [local]")
	}
	s.stop()
	if _, err := os.Lstat(sock); err == nil {
		t.Error("the socket is left behind after the service stopped")
	}
}

// TestListenSocket: a socket left behind by a killed service is replaced; a socket
// that answers, or a file that is no socket, is left alone and the start refused.
func TestListenSocket(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".s.PGSQL.5433")
	stale, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	stale.(*net.UnixListener).SetUnlinkOnClose(false)
	stale.Close()
	ln, err := listenSocket(path)
	if err != nil {
		t.Fatalf("a stale socket was not replaced: %v", err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o666 {
		t.Errorf("socket mode: %v %v", fi.Mode(), err)
	}
	if _, err := listenSocket(path); err == nil || !strings.Contains(err.Error(), "laufenden Dienst") {
		t.Errorf("a live socket: %v", err)
	}
	ln.Close()
	file := filepath.Join(dir, ".s.PGSQL.5434")
	os.WriteFile(file, []byte("x"), 0o600)
	if _, err := listenSocket(file); err == nil || !strings.Contains(err.Error(), "kein Socket") {
		t.Errorf("a file: %v", err)
	}
	if b, _ := os.ReadFile(file); string(b) != "x" {
		t.Error("the file was touched")
	}
}
