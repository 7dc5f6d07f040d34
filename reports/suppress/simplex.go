package suppress

import "math"

// The linear programmes of an audit are small and often degenerate (many relations hold
// with equality at zero). gonum's simplex (optimize/convex/lp) stops on them with
// "matrix singular" while looking for a first basis, so the audit uses this dense
// two-phase tableau simplex with Bland's rule, which cannot cycle and needs no
// factorisation.

type lpStatus int

const (
	lpOptimal lpStatus = iota
	lpUnbounded
	lpInfeasible
)

const lpEps = 1e-9

// minimize solves min cᵀy subject to a·y = b, y ≥ 0.
func minimize(a [][]float64, b, c []float64) (float64, lpStatus) {
	m, n := len(a), len(c)
	// Tableau: m rows of [a | artificial | b], b made non-negative.
	cols := n + m
	t := make([][]float64, m)
	basis := make([]int, m)
	for i := 0; i < m; i++ {
		t[i] = make([]float64, cols+1)
		sign := 1.0
		if b[i] < 0 {
			sign = -1
		}
		for j := 0; j < n; j++ {
			t[i][j] = sign * a[i][j]
		}
		t[i][n+i] = 1
		t[i][cols] = sign * b[i]
		basis[i] = n + i
	}
	// Phase 1: minimise the sum of the artificials.
	phase1 := make([]float64, cols)
	for i := 0; i < m; i++ {
		phase1[n+i] = 1
	}
	if st := pivotAll(t, basis, phase1, cols, cols); st != lpOptimal {
		return 0, lpInfeasible
	}
	var art float64
	for i, bv := range basis {
		if bv >= n {
			art += t[i][cols]
		}
	}
	if art > 1e-7 {
		return 0, lpInfeasible
	}
	// Drive artificials out of the basis (rows are independent, so a pivot exists;
	// otherwise the row is redundant and stays with its artificial at zero).
	for i, bv := range basis {
		if bv < n {
			continue
		}
		for j := 0; j < n; j++ {
			if math.Abs(t[i][j]) > lpEps {
				pivot(t, basis, i, j, cols)
				break
			}
		}
	}
	// Phase 2 over the original columns only.
	cost := make([]float64, cols)
	copy(cost, c)
	for i := 0; i < m; i++ {
		cost[n+i] = math.Inf(1) // never enters
	}
	st := pivotAll(t, basis, cost, n, cols)
	if st != lpOptimal {
		return 0, st
	}
	var v float64
	for i, bv := range basis {
		if bv < n {
			v += c[bv] * t[i][cols]
		}
	}
	return v, lpOptimal
}

// pivotAll runs simplex iterations with Bland's rule; entering columns are limited to
// the first `enter` columns.
func pivotAll(t [][]float64, basis []int, cost []float64, enter, cols int) lpStatus {
	m := len(t)
	for iter := 0; iter < 50000; iter++ {
		// Reduced cost of column j: cost[j] − Σ cost[basis[i]]·t[i][j].
		col := -1
		for j := 0; j < enter; j++ {
			if math.IsInf(cost[j], 1) || inBasis(basis, j) {
				continue
			}
			r := cost[j]
			for i := 0; i < m; i++ {
				if cb := cost[basis[i]]; cb != 0 && !math.IsInf(cb, 1) {
					r -= cb * t[i][j]
				}
			}
			if r < -lpEps {
				col = j
				break
			}
		}
		if col < 0 {
			return lpOptimal
		}
		row := -1
		best := math.Inf(1)
		for i := 0; i < m; i++ {
			if t[i][col] > lpEps {
				ratio := t[i][cols] / t[i][col]
				if ratio < best-lpEps || math.Abs(ratio-best) <= lpEps && basis[i] < basis[row] {
					best, row = ratio, i
				}
			}
		}
		if row < 0 {
			return lpUnbounded
		}
		pivot(t, basis, row, col, cols)
	}
	return lpInfeasible
}

func inBasis(basis []int, j int) bool {
	for _, b := range basis {
		if b == j {
			return true
		}
	}
	return false
}

func pivot(t [][]float64, basis []int, row, col, cols int) {
	p := t[row][col]
	for j := 0; j <= cols; j++ {
		t[row][j] /= p
	}
	for i := range t {
		if i == row {
			continue
		}
		f := t[i][col]
		if f == 0 {
			continue
		}
		for j := 0; j <= cols; j++ {
			t[i][j] -= f * t[row][j]
		}
		t[i][col] = 0
	}
	basis[row] = col
}
