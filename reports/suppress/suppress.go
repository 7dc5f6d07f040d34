// Package suppress applies statistical confidentiality to tables of counts before they
// are published (domain.md §4; §281 SGB III with §16 BStatG): counts below a threshold
// are suppressed (primary suppression), and further cells are suppressed so that no
// suppressed count can be worked out from the published totals (secondary suppression).
// Suppressed cells show the BA's symbol "*", zeros "-".
package suppress

import (
	"fmt"
	"sort"
)

// MinK is the smallest threshold ipoint publishes with: the BA's rule, at least three
// cases per cell.
const MinK = 3

// CheckK refuses a threshold below MinK.
func CheckK(k int64) error {
	if k < MinK {
		return fmt.Errorf("Geheimhaltungsschwelle %d liegt unter dem Mindestwert %d (BA-Regel: mindestens 3 Fälle je Zelle)", k, MinK)
	}
	return nil
}

// Symbols of the BA's tables.
const (
	Secret = "*" // statistical confidentiality
	None   = "-" // nothing there
)

// Table is a table of counts with optional published margins.
type Table struct {
	Cells     [][]int64 // rows × columns
	RowTotals bool      // the sum of each row is published
	ColTotals bool      // the sum of each column is published
}

// Result says which cells and totals are suppressed.
type Result struct {
	Cell     [][]bool
	RowTotal []bool
	ColTotal []bool
}

// Apply suppresses counts below k, then, where a published total would reveal a
// suppressed cell (it is the only suppressed one of its row or column), the smallest
// other cell of that line; where no other cell is left, the total itself. It repeats
// until every line with a published total holds no suppressed cell or at least two.
//
// A threshold below MinK is a programming error: every entry point checks it first
// (CheckK), and Apply refuses it.
func Apply(t Table, k int64) Result {
	if err := CheckK(k); err != nil {
		panic(err)
	}
	rows := len(t.Cells)
	cols := 0
	if rows > 0 {
		cols = len(t.Cells[0])
	}
	r := Result{Cell: make([][]bool, rows), RowTotal: make([]bool, rows), ColTotal: make([]bool, cols)}
	for i, row := range t.Cells {
		r.Cell[i] = make([]bool, cols)
		for j, n := range row {
			r.Cell[i][j] = n > 0 && n < k
		}
	}
	line := func(cells [][2]int, total *bool) bool {
		suppressed := 0
		for _, c := range cells {
			if r.Cell[c[0]][c[1]] {
				suppressed++
			}
		}
		if suppressed != 1 || *total {
			return false
		}
		// The smallest positive unsuppressed cell, else a zero, else the total.
		cand := make([][2]int, 0, len(cells))
		for _, c := range cells {
			if !r.Cell[c[0]][c[1]] {
				cand = append(cand, c)
			}
		}
		sort.SliceStable(cand, func(a, b int) bool {
			x, y := t.Cells[cand[a][0]][cand[a][1]], t.Cells[cand[b][0]][cand[b][1]]
			if (x > 0) != (y > 0) {
				return x > 0
			}
			return x < y
		})
		if len(cand) == 0 {
			*total = true
			return true
		}
		r.Cell[cand[0][0]][cand[0][1]] = true
		return true
	}
	for changed := true; changed; {
		changed = false
		if t.RowTotals {
			for i := 0; i < rows; i++ {
				cells := make([][2]int, cols)
				for j := range cells {
					cells[j] = [2]int{i, j}
				}
				changed = line(cells, &r.RowTotal[i]) || changed
			}
		}
		if t.ColTotals {
			for j := 0; j < cols; j++ {
				cells := make([][2]int, rows)
				for i := range cells {
					cells[i] = [2]int{i, j}
				}
				changed = line(cells, &r.ColTotal[j]) || changed
			}
		}
	}
	return r
}

// Symbol returns what a cell shows: the count, "*" or "-".
func Symbol(n int64, suppressed bool, format func(int64) string) string {
	switch {
	case suppressed:
		return Secret
	case n == 0:
		return None
	}
	return format(n)
}
