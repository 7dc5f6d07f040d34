package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// connect opens a protocol-level session as anna (pgconn: TLS, SCRAM), trying again
// while the server refuses for too many sessions (an earlier session not yet counted
// down), for at most a minute.
func (s served) connect(t *testing.T, ctx context.Context) *pgconn.PgConn {
	t.Helper()
	cfg, err := pgconn.ParseConfig("host=127.0.0.1 port=" + s.port + " user=anna dbname=warehouse sslmode=require password=" + analystPassword)
	if err != nil {
		t.Fatal(err)
	}
	cfg.TLSConfig = &tls.Config{InsecureSkipVerify: true} // the test's self-signed pair; encryption is what is tested
	deadline := time.Now().Add(time.Minute)
	for {
		c, err := pgconn.ConnectConfig(ctx, cfg)
		var pe *pgconn.PgError
		if err == nil {
			return c
		}
		if !errors.As(err, &pe) || pe.Code != "53300" || time.Now().After(deadline) {
			t.Fatalf("connect: %v", err)
		}
	}
}

// waitAudit waits until the audit log records a statement containing marker (the
// server writes it before the statement runs): an event, not a guessed time.
func (s served) waitAudit(t *testing.T, marker string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if f, err := os.Open(filepath.Join(s.home, "audit", "sql.jsonl")); err == nil {
			for sc := bufio.NewScanner(f); sc.Scan(); {
				var e map[string]any
				if json.Unmarshal(sc.Bytes(), &e) == nil && e["event"] == "statement" && strings.Contains(e["statement"].(string), marker) {
					f.Close()
					return
				}
			}
			f.Close()
		}
		time.Sleep(10 * time.Millisecond) // polling for the record, bounded by the deadline
	}
	t.Fatalf("no audit record of %q", marker)
}

// A query that runs for minutes.
const slowQuery = "SELECT sum(hash(i)) AS s FROM range(100000000000) t(i)"

// TestServeLimits: the statement timeout, the row cap, the session limit and the
// protocol's CancelRequest, each against a real ipoint serve.
func TestServeLimits(t *testing.T) {
	s := startServe(t, map[string]string{"IPOINT_ANALYST_STATEMENT_TIMEOUT": "2s", "IPOINT_ANALYST_ROW_LIMIT": "5",
		"IPOINT_ANALYST_SESSIONS_PER_ANALYST": "2"})
	ctx := context.Background()

	t.Run("row cap", func(t *testing.T) {
		out, ok := s.psql(t, analystPassword, "-A", "-t", "-c", "SELECT * FROM range(5)")
		if !ok || strings.Count(strings.TrimSpace(out), "\n") != 4 {
			t.Errorf("five rows: %v %q", ok, out)
		}
		out, ok = s.psql(t, analystPassword, "-A", "-t", "-c", "SELECT * FROM range(6)")
		if ok || !strings.Contains(out, "mehr als 5 Zeilen") {
			t.Errorf("six rows: %v %q", ok, out)
		}
	})

	t.Run("timeout", func(t *testing.T) {
		out, ok := s.psql(t, analystPassword, "-c", slowQuery+" -- timeout")
		if ok || !strings.Contains(out, "Zeitlimit des Analysezugangs") {
			t.Errorf("a statement over the limit: %v %q", ok, out)
		}
	})

	t.Run("cancel", func(t *testing.T) {
		c := s.connect(t, ctx)
		defer c.Close(ctx)
		done := make(chan error, 1)
		go func() {
			_, err := c.Exec(ctx, slowQuery+" -- cancel-me").ReadAll()
			done <- err
		}()
		s.waitAudit(t, "cancel-me")
		if err := c.CancelRequest(ctx); err != nil {
			t.Fatal(err)
		}
		err := <-done
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "57014" {
			t.Fatalf("a cancelled statement: %v", err)
		}
		// The session goes on.
		if res, err := c.Exec(ctx, "SELECT 1 AS eins").ReadAll(); err != nil || len(res) != 1 || len(res[0].Rows) != 1 {
			t.Errorf("after the cancel: %v", err)
		}
	})

	t.Run("sessions", func(t *testing.T) {
		// The sessions of the subtests before close on their own time: the server counts
		// one down when it reads the client's goodbye. Both slots are taken once two new
		// sessions are in (each retried while an old one still holds its slot).
		a, b := s.connect(t, ctx), s.connect(t, ctx)
		defer a.Close(ctx)
		out, ok := s.psql(t, analystPassword, "-c", "SELECT 1")
		if ok || !strings.Contains(out, "zu viele gleichzeitige Sitzungen") {
			t.Errorf("a third session: %v %q", ok, out)
		}
		b.Close(ctx)
		// The server counts the closed session down when it notices the close; a new
		// session is admitted once it has.
		deadline := time.Now().Add(time.Minute)
		for {
			if out, ok = s.psql(t, analystPassword, "-c", "SELECT 1"); ok || time.Now().After(deadline) {
				break
			}
		}
		if !ok {
			t.Errorf("after a session closed: %q", out)
		}
	})
}

// TestServeFollowsARebuild: a rebuild (or an erasure) replaces the warehouse file; an
// open session's next statement reads the new file, so nothing erased stays visible.
func TestServeFollowsARebuild(t *testing.T) {
	s := startServe(t, nil)
	ctx := context.Background()
	c := s.connect(t, ctx)
	defer c.Close(ctx)
	day := func() string {
		res, err := c.Exec(ctx, "SELECT tag::VARCHAR FROM aufbau").ReadAll()
		if err != nil || len(res) != 1 || len(res[0].Rows) != 1 {
			t.Fatalf("aufbau: %v", err)
		}
		return string(res[0].Rows[0][0])
	}
	if got := day(); got != "2026-11-25" {
		t.Fatalf("built for %s", got)
	}
	if r := callAt(t, s.vars, time.Date(2026, 11, 26, 7, 0, 0, 0, time.UTC), "transform", "--max-age-days", "30"); r.code != exitOK {
		t.Fatalf("transform: %d %s", r.code, r.stderr)
	}
	if got := day(); got != "2026-11-26" {
		t.Errorf("after the rebuild the session still reads the warehouse built for %s", got)
	}
}

// TestServeRefusesRoot: without --single-account, ipoint serve does not start as root
// (the tests run as root, as CI does).
func TestServeRefusesRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Fatal("this test checks the refusal to run as root and must run as root (CI does)")
	}
	home := t.TempDir()
	vars := map[string]string{"IPOINT_HOME": home}
	if r := call(t, vars, "init"); r.code != exitOK {
		t.Fatal(r.stderr)
	}
	r := call(t, vars, "serve", "--listen", "127.0.0.1:0")
	if r.code != exitUsage || !strings.Contains(r.stderr, "nicht als root") {
		t.Errorf("serve as root: %d %s", r.code, r.stderr)
	}
}
