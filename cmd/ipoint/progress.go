package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"ipoint/pipeline/ingest"
	"ipoint/reports/german"
)

// heartbeatEvery is how often a long stage says it is alive when stdout is no terminal.
const heartbeatEvery = 10 * time.Second

// ticker is the heartbeat's clock: a channel that fires every d and its stop. Tests
// inject their own (env.tick) and fire it by hand.
type ticker func(d time.Duration) (<-chan time.Time, func())

func realTicker(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// heartbeat prints a line on stdout every heartbeatEvery while a stage runs, when
// stdout is not a terminal (cron's mail, systemd's journal, a log file): the time, the
// stage, how far it has come, and how long it has run. A nil heartbeat does nothing.
type heartbeat struct {
	w      io.Writer
	now    func() time.Time
	stage  string
	start  time.Time
	mu     sync.Mutex
	detail string
	quit   chan struct{}
	exited chan struct{}
}

// startHeartbeat starts the heartbeat of stage; nil on a terminal.
func startHeartbeat(e env, stage string) *heartbeat {
	if isTerminal(e.stdout) {
		return nil
	}
	tick := e.tick
	if tick == nil {
		tick = realTicker
	}
	c, stop := tick(heartbeatEvery)
	b := &heartbeat{w: e.stdout, now: e.now, stage: stage, start: e.now(), quit: make(chan struct{}), exited: make(chan struct{})}
	go func() {
		defer close(b.exited)
		defer stop()
		for {
			select {
			case <-c:
				b.beat()
			case <-b.quit:
				return
			}
		}
	}()
	return b
}

// set records how far the stage has come, for the next line.
func (b *heartbeat) set(detail string) {
	if b == nil {
		return
	}
	b.mu.Lock()
	b.detail = detail
	b.mu.Unlock()
}

func (b *heartbeat) beat() {
	b.mu.Lock()
	detail := b.detail
	b.mu.Unlock()
	now := b.now()
	line := fmt.Sprintf("%s %s läuft seit %s s", now.Format("15:04:05"), b.stage, german.Int(int64(now.Sub(b.start).Seconds())))
	if detail != "" {
		line += ": " + detail
	}
	fmt.Fprintln(b.w, line)
}

// stop ends the heartbeat; no line follows.
func (b *heartbeat) stop() {
	if b == nil {
		return
	}
	close(b.quit)
	<-b.exited
}

// bar draws the ingest's progress on a terminal (stderr). Log lines written through
// logWriter clear the bar's line first and redraw it below, so that the two never mix;
// done draws the last state, so that the bar never stops short of the end.
type bar struct {
	w     io.Writer
	now   func() time.Time
	start time.Time
	mu    sync.Mutex
	last  time.Time
	p     ingest.Progress
	drawn bool
}

func progressBar(e env) *bar {
	if !isTerminal(e.stderr) {
		return nil
	}
	return &bar{w: e.stderr, now: e.now, start: e.now()}
}

func (b *bar) update(p ingest.Progress) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.p = p
	now := b.now()
	if now.Sub(b.last) < 100*time.Millisecond && p.FilesDone < p.Files {
		return
	}
	b.last = now
	b.draw()
}

// draw writes the bar's line; the caller holds mu.
func (b *bar) draw() {
	p := b.p
	frac := 0.0
	if p.Bytes > 0 {
		frac = min(1, float64(p.BytesDone)/float64(p.Bytes))
	} else if p.Files > 0 {
		frac = float64(p.FilesDone) / float64(p.Files)
	}
	filled := int(frac * 30)
	mbps := float64(p.BytesDone) / (1 << 20) / max(b.now().Sub(b.start).Seconds(), 0.001)
	fmt.Fprintf(b.w, "\r\x1b[K[%s%s] %d/%d Dateien, %s Zeilen, %s MB/s", strings.Repeat("#", filled), strings.Repeat(".", 30-filled),
		p.FilesDone, p.Files, german.Int(p.Rows), german.Decimal(mbps, 1))
	b.drawn = true
}

// logWriter is where log lines go while the bar is shown.
func (b *bar) logWriter() io.Writer { return barLog{b} }

type barLog struct{ b *bar }

func (l barLog) Write(p []byte) (int, error) {
	b := l.b
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.drawn {
		fmt.Fprint(b.w, "\r\x1b[K") // clear the bar's line; the log line takes it
	}
	n, err := b.w.Write(p)
	if b.drawn {
		b.draw()
	}
	return n, err
}

func (b *bar) done() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.drawn {
		b.draw()
		fmt.Fprintln(b.w)
	}
}
