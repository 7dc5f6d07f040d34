package synth_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"ipoint/pipeline/synth"
)

// BenchmarkGenerate reports the generator's rows per second and its peak heap at
// growing scale: the heap must stay flat, because lives are rebuilt from the seed
// instead of being kept.
func BenchmarkGenerate(b *testing.B) {
	for _, c := range []struct {
		scale float64
		days  int
	}{{1, 14}, {10, 2}, {30, 1}} {
		b.Run(fmt.Sprintf("scale=%g/days=%d", c.scale, c.days), func(b *testing.B) {
			var rows int64
			var peak uint64
			for i := 0; i < b.N; i++ {
				dir := b.TempDir()
				stop := samplePeakHeap(&peak)
				s, err := synth.Generate(context.Background(), synth.Options{Out: filepath.Join(dir, "inbox"),
					Truth: filepath.Join(dir, "truth.json"), Seed: 1, AsOf: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC),
					Days: c.days, Scale: c.scale})
				stop()
				if err != nil {
					b.Fatal(err)
				}
				rows += s.Rows
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
	}
}

// samplePeakHeap records the largest heap in use until stop is called.
func samplePeakHeap(peak *uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > *peak {
				*peak = m.HeapInuse
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}
