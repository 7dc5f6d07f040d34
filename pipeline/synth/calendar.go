package synth

import "time"

// day is a calendar date as days since 1970-01-01 (UTC). The simulation works in whole
// days: every export carries dates, never times.
type day int32

const noDay day = 1<<31 - 1 // "never", e.g. no exit yet

func dayOf(t time.Time) day {
	return day(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func (d day) time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

func (d day) weekday() time.Weekday { return time.Weekday((int(d) + 4) % 7) } // 1970-01-01 was a Thursday

func (d day) ymd() (int, int, int) {
	t := d.time()
	return t.Year(), int(t.Month()), t.Day()
}

// german formats TT.MM.JJJJ.
func (d day) german() string {
	y, m, dd := d.ymd()
	b := []byte("00.00.0000")
	put2(b[0:], dd)
	put2(b[3:], m)
	put4(b[6:], y)
	return string(b)
}

// iso formats JJJJ-MM-TT.
func (d day) iso() string {
	y, m, dd := d.ymd()
	b := []byte("0000-00-00")
	put4(b[0:], y)
	put2(b[5:], m)
	put2(b[8:], dd)
	return string(b)
}

// compact formats JJJJMMTT, as in file names.
func (d day) compact() string {
	y, m, dd := d.ymd()
	b := []byte("00000000")
	put4(b[0:], y)
	put2(b[4:], m)
	put2(b[6:], dd)
	return string(b)
}

func put2(b []byte, v int) { b[0], b[1] = byte('0'+v/10%10), byte('0'+v%10) }
func put4(b []byte, v int) { put2(b, v/100); put2(b[2:], v%100) }

// month is a calendar month as year*12 + (month-1).
type month int32

func monthOf(d day) month {
	y, m, _ := d.ymd()
	return month(y*12 + m - 1)
}

func (m month) first() day {
	return dayOf(time.Date(int(m)/12, time.Month(int(m)%12+1), 1, 0, 0, 0, 0, time.UTC))
}
func (m month) last() day { return (m + 1).first() - 1 }
func (m month) year() int { return int(m) / 12 }
func (m month) num() int  { return int(m)%12 + 1 }

// label formats JJJJ-MM.
func (m month) label() string {
	b := []byte("0000-00")
	put4(b, m.year())
	put2(b[5:], m.num())
	return string(b)
}

// compact formats JJJJMM, as in file names.
func (m month) compact() string {
	b := []byte("000000")
	put4(b, m.year())
	put2(b[4:], m.num())
	return string(b)
}

// isoWeek returns the ISO 8601 year and week of d.
func (d day) isoWeek() (int, int) { return d.time().ISOWeek() }

// sunday returns the Sunday that ends d's ISO week.
func (d day) sunday() day { return d + day((7-int(d.weekday()))%7) }

// monday returns the Monday that starts d's ISO week.
func (d day) monday() day { return d.sunday() - 6 }

// easter returns Easter Sunday of year y (Gregorian, anonymous algorithm).
func easter(y int) day {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	mon := (h + l - 7*m + 114) / 31
	dd := (h+l-7*m+114)%31 + 1
	return dayOf(time.Date(y, time.Month(mon), dd, 0, 0, 0, 0, time.UTC))
}

// holidayNRW reports whether d is a public holiday in North Rhine-Westphalia.
func holidayNRW(d day) bool {
	y, m, dd := d.ymd()
	switch {
	case m == 1 && dd == 1, m == 5 && dd == 1, m == 10 && dd == 3, m == 11 && dd == 1,
		m == 12 && (dd == 25 || dd == 26):
		return true
	}
	e := easter(y)
	switch d - e {
	case -2, 1, 39, 50, 60: // Karfreitag, Ostermontag, Himmelfahrt, Pfingstmontag, Fronleichnam
		return true
	}
	return false
}

// workday reports whether offices work on d (Monday to Friday, no NRW holiday).
func workday(d day) bool {
	wd := d.weekday()
	return wd != time.Saturday && wd != time.Sunday && !holidayNRW(d)
}

// nextWorkday returns d if it is a workday, else the next one.
func nextWorkday(d day) day {
	for !workday(d) {
		d++
	}
	return d
}

// addYears returns d shifted by n calendar years (29 February becomes 1 March).
func (d day) addYears(n int) day { return dayOf(d.time().AddDate(n, 0, 0)) }
