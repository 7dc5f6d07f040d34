package synth_test

// The independent validator for the statistics table (export 6).

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
)

// ---- 6. ki_schutzsuchende ----

var (
	reKIStichtag = regexp.MustCompile(`^Stichtag: (\d{2}\.\d{2}\.\d{4})$`)
	reKIStand    = regexp.MustCompile(`^Stand: (\d{2}\.\d{2}\.\d{4})$`)
	reCount      = regexp.MustCompile(`^[1-9]\d*$`)
)

func validateKI(r *fileReport, b []byte) {
	if latin1Control(b) >= 0 || utf8Mojibake(b) >= 0 || bytes.HasPrefix(b, bom) {
		r.Kinds["bad_encoding"] = true
	}
	if p := lineEndProblem(b, true); p != "" {
		r.problem("%s", p)
	}
	recs := readCSV(decodeLatin1(b))
	h := -1 // header: the first line with three or more fields (metadata lines have fewer)
	for i, rec := range recs {
		if len(rec.Fields) >= 3 {
			h = i
			break
		}
	}
	if h < 0 {
		r.problem("no header line")
		return
	}
	stichtag := false
	for _, rec := range recs[:h] {
		if m := reKIStichtag.FindStringSubmatch(strings.Join(rec.Fields, ";")); m != nil {
			d, ok := parseDE(m[1], false)
			stichtag = ok && d.Equal(r.Stichtag)
		}
	}
	if !stichtag {
		r.problem("metadata lines hold no 'Stichtag: %s'", r.Stichtag.Format("02.01.2006"))
	}
	f := len(recs) // footer: from the line of underscores
	for i := h + 1; i < len(recs); i++ {
		if strings.HasPrefix(recs[i].Fields[0], "__") {
			f = i
			break
		}
	}
	data := recs[h+1 : f]
	if f == len(recs) {
		if len(recs) > h+1 && recs[len(recs)-1].Terminated {
			r.problem("no footer")
		}
	} else {
		stand := false
		for _, rec := range recs[f:] {
			line := strings.Join(rec.Fields, ";")
			if m := reKIStand.FindStringSubmatch(line); m != nil {
				d, ok := parseDE(m[1], false)
				stand = ok && d.Equal(workdayAfter(r.Stichtag, 3))
			}
			if !rec.Terminated {
				r.problem("footer line %d not terminated", rec.Line)
			}
		}
		if !stand {
			r.problem("footer holds no 'Stand: %s' (docs: the delivery day, the third workday after the month)",
				workdayAfter(r.Stichtag, 3).Format("02.01.2006"))
		}
	}
	acc := newAcc()
	seen := map[string]int{}
	csvRows(r, acc, recs[h], data, func(c *rowCtx, rec csvRec) {
		kreis := c.code("Kreis", codesKreis, true)
		ags, ok := c.required("AGS")
		if ok {
			switch {
			case !reAGS.MatchString(ags):
				c.add("AGS", "unknown_code")
				ok = false
			case kreis != "" && agsKreis(ags) != kreis:
				c.add("AGS", "gemeinde_outside_kreis")
				ok = false
			case agsTable[ags] == "":
				c.add("AGS", "unknown_code")
				ok = false
			}
		}
		if ok && c.get("Gemeinde") != agsTable[ags] {
			c.add("Gemeinde", "!gemeinde_name_does_not_match_ags")
		}
		g := c.code("Statusgruppe", codesStatusgruppe, true)
		if n, ok := c.required("Anzahl"); ok {
			switch {
			case n == "-", n == ".", reCount.MatchString(n):
			case n == "0":
				c.add("Anzahl", "!zero_written_as_0_not_dash")
			default:
				c.add("Anzahl", "unknown_code")
			}
		}
		if !c.acc.rejected(c.line) {
			k := ags + "/" + g
			if l, dup := seen[k]; dup {
				c.add("AGS", fmt.Sprintf("!duplicate_cell(line %d)", l))
			}
			seen[k] = c.line
		}
	})
	acc.finish(r, nil)
}
