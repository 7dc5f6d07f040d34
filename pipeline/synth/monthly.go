package synth

// Monthly deliveries: the consultation log on the first workday after the month, the
// population table on the third.

// consultMonths lists the months whose consultation file is delivered in the window.
func (w *world) consultMonths() []month { return w.monthsDelivered(1) }

// populationMonths lists the months whose population table is delivered in the window.
func (w *world) populationMonths() []month { return w.monthsDelivered(3) }

func (w *world) monthsDelivered(workdaysAfter int) []month {
	var out []month
	for m := monthOf(w.first); m.last() <= w.asOf; m++ {
		if m.last() < w.first {
			continue
		}
		if deliveryDay(m, workdaysAfter) <= w.asOf {
			out = append(out, m)
		}
	}
	return out
}

// deliveryDay is the n-th workday after the month's end.
func deliveryDay(m month, n int) day {
	d := m.last()
	for i := 0; i < n; i++ {
		d = nextWorkday(d + 1)
	}
	return d
}

func monthIn(m month, list []month) bool {
	for _, x := range list {
		if x == m {
			return true
		}
	}
	return false
}
