package suppress

import (
	"math/rand/v2"
	"testing"
)

// attacker enumerates every assignment of the suppressed cells (0 to bound) consistent
// with the published totals; a suppressed cell is recovered if it takes one value in
// all of them.
func attacker(t Table, r Result, bound int64) (recovered [][2]int) {
	var hidden [][2]int
	for i, row := range t.Cells {
		for j := range row {
			if r.Cell[i][j] {
				hidden = append(hidden, [2]int{i, j})
			}
		}
	}
	values := make([][]map[int64]bool, len(t.Cells))
	for i := range values {
		values[i] = make([]map[int64]bool, len(t.Cells[i]))
	}
	guess := make([][]int64, len(t.Cells))
	for i := range guess {
		guess[i] = append([]int64(nil), t.Cells[i]...)
	}
	consistent := func() bool {
		for i, row := range t.Cells {
			if !t.RowTotals || r.RowTotal[i] {
				continue
			}
			var want, got int64
			for j := range row {
				want += t.Cells[i][j]
				got += guess[i][j]
			}
			if want != got {
				return false
			}
		}
		for j := range t.Cells[0] {
			if !t.ColTotals || r.ColTotal[j] {
				continue
			}
			var want, got int64
			for i := range t.Cells {
				want += t.Cells[i][j]
				got += guess[i][j]
			}
			if want != got {
				return false
			}
		}
		return true
	}
	var walk func(h int)
	walk = func(h int) {
		if h == len(hidden) {
			if consistent() {
				for _, c := range hidden {
					if values[c[0]][c[1]] == nil {
						values[c[0]][c[1]] = map[int64]bool{}
					}
					values[c[0]][c[1]][guess[c[0]][c[1]]] = true
				}
			}
			return
		}
		c := hidden[h]
		for v := int64(0); v <= bound; v++ {
			guess[c[0]][c[1]] = v
			walk(h + 1)
		}
	}
	walk(0)
	for _, c := range hidden {
		if t.Cells[c[0]][c[1]] > 0 && t.Cells[c[0]][c[1]] < 3 && len(values[c[0]][c[1]]) == 1 {
			recovered = append(recovered, c)
		}
	}
	return recovered
}

func TestPrimaryAndSecondary(t *testing.T) {
	tab := Table{Cells: [][]int64{{12, 1, 30}, {7, 9, 0}}, RowTotals: true, ColTotals: true}
	r := Apply(tab, 3)
	if !r.Cell[0][1] {
		t.Fatal("1 is not suppressed")
	}
	// Row 0 and column 1 would reveal it: their smallest other cells go too.
	if !r.Cell[0][0] || !r.Cell[1][1] {
		t.Errorf("secondary suppression missing: %v", r.Cell)
	}
	if got := attacker(tab, r, 40); len(got) > 0 {
		t.Errorf("recovered %v", got)
	}
	if Symbol(0, false, nil) != None || Symbol(2, true, nil) != Secret {
		t.Error("symbols")
	}
}

// TestAttackerFails plays the attacker on many random small tables: no suppressed
// count below the threshold can be worked out from what is published.
func TestAttackerFails(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 300; n++ {
		rows, cols := 2+rng.IntN(2), 2+rng.IntN(2)
		tab := Table{Cells: make([][]int64, rows), RowTotals: true, ColTotals: rng.IntN(2) == 0}
		for i := range tab.Cells {
			tab.Cells[i] = make([]int64, cols)
			for j := range tab.Cells[i] {
				tab.Cells[i][j] = int64(rng.IntN(9))
			}
		}
		r := Apply(tab, 3)
		hidden := 0
		for i := range r.Cell {
			for j := range r.Cell[i] {
				if r.Cell[i][j] {
					hidden++
				}
			}
		}
		if hidden > 6 {
			continue // enumeration too large for the test; the line rule holds anyway
		}
		if got := attacker(tab, r, 9); len(got) > 0 {
			t.Fatalf("table %v: suppressed %v, recovered %v", tab.Cells, r.Cell, got)
		}
	}
}

// The attacker is real: against primary suppression alone it recovers a count.
func TestAttackerBreaksPrimaryOnly(t *testing.T) {
	tab := Table{Cells: [][]int64{{12, 1, 30}, {7, 9, 4}}, RowTotals: true, ColTotals: true}
	primary := Result{Cell: [][]bool{{false, true, false}, {false, false, false}}, RowTotal: make([]bool, 2), ColTotal: make([]bool, 3)}
	if got := attacker(tab, primary, 40); len(got) != 1 {
		t.Errorf("attacker recovered %v from primary suppression alone, want the 1", got)
	}
}
