package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"ipoint/pipeline/benchdata"
	"ipoint/pipeline/warehouse"
)

// BenchmarkServeNational measures issue 13's figures on the national-scale warehouse
// (the lake of benchdata.NationalHome, built once and cached; the warehouse is built
// from it at every run, as the nightly transform does): each of the typical analyst
// queries (warehouse.AnalystQueries) through ipoint serve with psql, one psql per query
// as an analyst would run it (target: under 1 s), and 20 concurrent psql sessions each
// running all of them, with the peak resident memory of the serve process (its own
// process, the test binary running as ipoint) against the configured memory limit.
func BenchmarkServeNational(b *testing.B) {
	if _, err := exec.LookPath("psql"); err != nil {
		b.Fatal("psql is missing: apt-get install postgresql-client (.ci/run does)")
	}
	ctx := context.Background()
	lake, err := benchdata.NationalHome(ctx, b.Logf)
	if err != nil {
		b.Fatal(err)
	}
	const memoryLimit = "4GB" // analyst.memory_limit's default
	home := b.TempDir()
	vars := map[string]string{"IPOINT_HOME": home, "IPOINT_ANALYST_SESSIONS_PER_ANALYST": "20", "IPOINT_ANALYST_MEMORY_LIMIT": memoryLimit}
	ipoint := func(stdin string, args ...string) {
		var out bytes.Buffer
		e := env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &out, getenv: func(k string) string { return vars[k] }, now: time.Now}
		if code := run(ctx, args, e); code != exitOK {
			b.Fatalf("%v: %d %s", args, code, out.String())
		}
	}
	ipoint("", "init")
	ipoint(analystPassword+"\n", "analyst", "add", "anna")
	start := time.Now()
	if _, err := warehouse.Build(ctx, warehouse.Options{Lake: filepath.Join(lake, "lake"), Path: filepath.Join(home, "warehouse", "ipoint.duckdb"),
		Threads: 2, MemoryLimit: "4GB", Day: benchdata.NationalDay}); err != nil {
		b.Fatal(err)
	}
	b.Logf("national warehouse built in %.1f s", time.Since(start).Seconds())

	timeRe := regexp.MustCompile(`(?m)^Time: ([0-9.]+) ms`)
	b.Run("queries", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			s, _ := startServeProcess(b, vars)
			slowest, slowestWall, total, name := 0.0, 0.0, 0.0, ""
			for _, q := range warehouse.AnalystQueries {
				start := time.Now()
				out, ok := s.psql(b, analystPassword, "-A", "-t", "-c", `\timing on`, "-c", q.SQL)
				wall := time.Since(start).Seconds()
				m := timeRe.FindStringSubmatch(out)
				if !ok || m == nil {
					b.Fatalf("%s: %v %s", q.Name, ok, out)
				}
				ms, _ := strconv.ParseFloat(m[1], 64)
				b.Logf("%-50s %.3f s (psql with login: %.3f s)", q.Name, ms/1000, wall)
				total += ms / 1000
				if ms/1000 > slowest {
					slowest, name = ms/1000, q.Name
				}
				slowestWall = max(slowestWall, wall)
			}
			b.ReportMetric(slowest, "slowest-query-s")
			b.ReportMetric(total/float64(len(warehouse.AnalystQueries)), "mean-query-s")
			b.ReportMetric(slowestWall, "slowest-psql-s")
			b.Logf("through ipoint serve with psql: slowest %.3f s (%s), with login at most %.3f s (target: < 1 s)", slowest, name, slowestWall)
		}
	})

	b.Run("20-sessions", func(b *testing.B) {
		const sessions = 20
		for i := 0; i < b.N; i++ {
			s, pid := startServeProcess(b, vars)
			args := []string{"-A", "-t", "-c", `\timing on`}
			for _, q := range warehouse.AnalystQueries {
				args = append(args, "-c", q.SQL)
			}
			var wg sync.WaitGroup
			var mu sync.Mutex
			slowest, failed := 0.0, ""
			start := time.Now()
			for range sessions {
				wg.Add(1)
				go func() {
					defer wg.Done()
					out, ok := s.psql(b, analystPassword, args...)
					mu.Lock()
					defer mu.Unlock()
					if !ok {
						failed = out
					}
					for _, m := range timeRe.FindAllStringSubmatch(out, -1) {
						ms, _ := strconv.ParseFloat(m[1], 64)
						slowest = max(slowest, ms/1000)
					}
				}()
			}
			wg.Wait()
			wall := time.Since(start).Seconds()
			if failed != "" {
				b.Fatalf("a session failed: %s", failed)
			}
			peak := peakRSS(b, pid)
			limit := parseBytes(memoryLimit)
			b.ReportMetric(float64(peak)/(1<<20), "peak-rss-MiB")
			b.ReportMetric(float64(peak)/float64(limit), "peak/limit")
			b.ReportMetric(slowest, "slowest-query-s")
			b.ReportMetric(wall, "wall-s")
			if peak > limit {
				b.Errorf("serve's peak RSS %d MiB exceeds the memory limit %s with %d sessions", peak>>20, memoryLimit, sessions)
			}
			b.Logf("%d concurrent sessions, %d queries each: %.1f s; slowest query %.3f s; serve's peak RSS %d MiB, memory limit %s (%d MiB): %.0f %%",
				sessions, len(warehouse.AnalystQueries), wall, slowest, peak>>20, memoryLimit, limit>>20, 100*float64(peak)/float64(limit))
		}
	})
}

// startServeProcess starts ipoint serve on a free loopback port in a process of its own
// (the test binary as ipoint), so that its memory is its own; it is stopped with SIGTERM
// when the benchmark ends.
func startServeProcess(b *testing.B, vars map[string]string) (served, int) {
	b.Helper()
	cmd := exec.Command(os.Args[0], "serve", "--single-account", "--listen", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), asIpoint+"=1")
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	w := &readyWriter{addr: make(chan string, 1)}
	stderr := &lockedBuffer{b: &bytes.Buffer{}}
	cmd.Stdout, cmd.Stderr = w, stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	b.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		<-exited
	})
	var addr string
	select {
	case addr = <-w.addr:
	case err := <-exited:
		b.Fatalf("serve ended before it was ready: %v\n%s", err, stderr.String())
	}
	_, port, _ := strings.Cut(addr, ":")
	return served{home: vars["IPOINT_HOME"], addr: addr, port: port, vars: vars}, cmd.Process.Pid
}

// peakRSS is a running process's peak resident memory (VmHWM), in bytes.
func peakRSS(b *testing.B, pid int) int64 {
	st, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^VmHWM:\s+(\d+) kB`).FindSubmatch(st)
	if m == nil {
		b.Fatalf("no VmHWM in /proc/%d/status", pid)
	}
	kb, _ := strconv.ParseInt(string(m[1]), 10, 64)
	return kb << 10
}

// parseBytes reads a DuckDB memory limit such as "4GB" (decimal units, as DuckDB's).
func parseBytes(s string) int64 {
	for _, u := range []struct {
		suffix string
		factor int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"GB", 1e9}, {"MB", 1e6}} {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			v, _ := strconv.ParseFloat(n, 64)
			return int64(v * float64(u.factor))
		}
	}
	v, _ := strconv.ParseInt(s, 10, 64)
	return v
}
