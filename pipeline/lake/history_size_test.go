package lake

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"ipoint/pipeline"
	"ipoint/pipeline/source"
)

// TestHistoryStorage: after 30 daily client snapshots in which about 1 % of clients
// change each day, the history takes at most twice the bytes of one snapshot, and the
// state of every client on every day is the one its snapshot delivered.
func TestHistoryStorage(t *testing.T) {
	const clients, days = 5000, 30
	fields := source.Verbis.Fields()
	key := source.Verbis.KeyColumn()
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(list []string) pipeline.Value { return pipeline.Value{S: list[rng.IntN(len(list))]} }
	state := make([]pipeline.Record, clients)
	for i := range state {
		rec := make(pipeline.Record, len(fields))
		for j, f := range fields {
			switch f.Name {
			case "kunde_token":
				rec[j] = pipeline.Value{S: fmt.Sprintf("K-%026x", rng.Uint64())[:28]}
			case "bg_token":
				rec[j] = pipeline.Value{S: fmt.Sprintf("B-%026x", rng.Uint64())[:28]}
			case "geburtsjahr":
				rec[j] = pipeline.Value{I: int64(1960 + rng.IntN(45))}
			case "zugang_ip", "einreise":
				rec[j] = pipeline.Value{I: int64(19000 + rng.IntN(2000))}
			case "abgang_ip":
				rec[j] = pipeline.Value{Null: true}
			case "abgangsgrund":
				rec[j] = pipeline.Value{Null: true}
			case "foerderbedarf":
				rec[j] = pipeline.Value{I: int64(rng.IntN(2))}
			case "geschlecht":
				rec[j] = pick(pipeline.Sexes)
			case "status":
				rec[j] = pick(pipeline.ClientStatuses)
			case "sprachniveau":
				rec[j] = pick(pipeline.GermanLevels)
			default:
				rec[j] = pick([]string{"SYR", "AFG", "UKR", "IRQ", "05970", "05966", "SGB2", "AE25_2", "HELFER", "KEIN"})
			}
		}
		state[i] = rec
	}
	statusCol := 0
	for j, f := range fields {
		if f.Name == "status" {
			statusCol = j
		}
	}
	dir := t.TempDir()
	snapshot := filepath.Join(dir, "snapshot.parquet")
	h := newHistory(fields, key)
	delivered := make([][]pipeline.Record, days)
	for d := 0; d < days; d++ {
		if d > 0 {
			for n := 0; n < clients/100; n++ { // about 1 % change
				i := rng.IntN(clients)
				rec := clone(state[i])
				rec[statusCol] = pick(pipeline.ClientStatuses)
				state[i] = rec
			}
		}
		snap := map[string]pipeline.Record{}
		for _, r := range state {
			snap[r[key].S] = r
		}
		delivered[d] = append([]pipeline.Record(nil), state...)
		h.Apply(int64(20000+d), 0, snap)
		if d == 0 {
			p, _ := create(snapshot)
			tw := NewTableWriter(p, "snapshot", fields, nil)
			for _, r := range state {
				tw.Write(r)
			}
			tw.Close()
			p.Commit()
		}
	}
	path := filepath.Join(dir, "history.parquet")
	if err := h.write(path, "verbis_kunden"); err != nil {
		t.Fatal(err)
	}
	one, _ := os.Stat(snapshot)
	hist, _ := os.Stat(path)
	t.Logf("one snapshot %d bytes, history of %d snapshots %d bytes (%.2f×), %d states",
		one.Size(), days, hist.Size(), float64(hist.Size())/float64(one.Size()), h.Len())
	if hist.Size() > 2*one.Size() {
		t.Errorf("history %d bytes is more than twice one snapshot (%d bytes)", hist.Size(), one.Size())
	}
	g, err := loadHistory(path, fields, key)
	if err != nil {
		t.Fatal(err)
	}
	for d := 0; d < days; d++ {
		for _, want := range delivered[d] {
			got := g.StateAt(want[key].S, int64(20000+d))
			if !equal(got, want) {
				t.Fatalf("client %s on day %d: %v, want %v", want[key].S, d, got, want)
			}
		}
	}
}
