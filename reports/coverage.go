package reports

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"ipoint/reports/german"
	"ipoint/reports/suppress"
)

// Coverage: the caseload at a month end against two denominators (mart_abdeckung), the
// integration centre's monthly table of protection seekers and the official yearly
// figure of the Statistisches Bundesamt (the newest 31.12. up to the month end).

type coverage struct {
	stichtag time.Time
	bestand  map[string]int64
	// The integration centre's table: delivered for the month end or not; a Kreis's
	// population is null where a cell is unknown (".") or a row was rejected.
	delivered    bool
	pop          map[string]sql.NullInt64
	known        map[string]int64 // the sum of the known cells
	unknownCells map[string]int64
	rejected     map[string]int64
	official     official
}

// official is the official figure in force at a month end.
type official struct {
	stichtag     time.Time // 31.12.; zero: none delivered yet
	pop          map[string]sql.NullInt64
	unknownCells map[string]int64
	rejected     map[string]int64
	inconsistent map[string]bool
}

// coverageQuery reads the rows of one month end of mart_abdeckung, chosen by the
// condition that follows it.
const coverageQuery = `SELECT stichtag, kreis, bestand, coalesce(bevoelkerung_geliefert, false), schutzsuchende,
	coalesce(schutzsuchende_bekannt, 0), coalesce(zellen_unbekannt, 0), coalesce(zeilen_abgewiesen, 0),
	amtlich_stichtag, schutzsuchende_amtlich, coalesce(amtlich_werte_unbekannt, 0), coalesce(amtlich_zeilen_abgewiesen, 0),
	coalesce(amtlich_hierarchie_stimmig, true)
	FROM mart_abdeckung WHERE stichtag = `

// latestCoverage is the coverage at the newest month end up to end for which the
// integration centre's table is delivered (nil if there is none).
func latestCoverage(ctx context.Context, db *sql.DB, end time.Time) (*coverage, error) {
	return loadCoverage(ctx, db, coverageQuery+`(SELECT max(stichtag) FROM mart_abdeckung WHERE bevoelkerung_geliefert AND stichtag <= ?::DATE)`, end)
}

// coverageAt is the coverage at a month end, whichever denominators it has (nil if the
// data do not cover the month end).
func coverageAt(ctx context.Context, db *sql.DB, day time.Time) (*coverage, error) {
	return loadCoverage(ctx, db, coverageQuery+`?::DATE`, day)
}

func loadCoverage(ctx context.Context, db *sql.DB, q string, day time.Time) (*coverage, error) {
	rows, err := db.QueryContext(ctx, q, day.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var c *coverage
	for rows.Next() {
		if c == nil {
			c = &coverage{bestand: map[string]int64{}, pop: map[string]sql.NullInt64{}, known: map[string]int64{},
				unknownCells: map[string]int64{}, rejected: map[string]int64{},
				official: official{pop: map[string]sql.NullInt64{}, unknownCells: map[string]int64{}, rejected: map[string]int64{}, inconsistent: map[string]bool{}}}
		}
		var kreis string
		var b, known, unknown, rejected, oUnknown, oRejected int64
		var p, op sql.NullInt64
		var ostichtag sql.NullTime
		var consistent bool
		if err := rows.Scan(&c.stichtag, &kreis, &b, &c.delivered, &p, &known, &unknown, &rejected,
			&ostichtag, &op, &oUnknown, &oRejected, &consistent); err != nil {
			return nil, err
		}
		c.stichtag = c.stichtag.UTC()
		c.bestand[kreis], c.pop[kreis], c.known[kreis], c.unknownCells[kreis], c.rejected[kreis] = b, p, known, unknown, rejected
		if ostichtag.Valid {
			o := &c.official
			o.stichtag = ostichtag.Time.UTC()
			o.pop[kreis], o.unknownCells[kreis], o.rejected[kreis], o.inconsistent[kreis] = op, oUnknown, oRejected, !consistent
		}
	}
	return c, rows.Err()
}

// coverageText is a coverage against the integration centre's table as shown (frozen
// once shown). A share of a public population narrows the caseload at that day: the
// bounds go into the system, so that no suppressed figure can be worked out with them.
func coverageText(f *figures, c *coverage, kreis string) string {
	return shareOf(f, c, "abdeckung", c.pop, c.known, kreis)
}

// officialCoverageText is a coverage against the official figure, as coverageText. The
// official figures it rests on are published constants of the system, also where no
// table of the report shows them.
func officialCoverageText(f *figures, c *coverage, kreis string) string {
	for _, kr := range Kreise {
		if p := c.official.pop[kr.Key]; p.Valid {
			f.public("amtlich/"+kr.Key+"/"+dayKey(c.official.stichtag), p.Int64)
		}
	}
	return shareOf(f, c, "abdeckung_amtlich", c.official.pop, nil, kreis)
}

// shareOf is the caseload's share of a population (a Kreis's, or "alle" for both) as
// shown, frozen under prefix/kreis/day: whole percent, or "." when the population is not
// wholly known, then with the upper bound from the known cells where there are any.
func shareOf(f *figures, c *coverage, prefix string, pops map[string]sql.NullInt64, knowns map[string]int64, kreis string) string {
	day := dayKey(c.stichtag)
	var b, pop, known int64
	complete := true
	for _, kr := range Kreise {
		if kreis != "alle" && kr.Key != kreis {
			continue
		}
		b += c.bestand[kr.Key]
		known += knowns[kr.Key]
		if p := pops[kr.Key]; p.Valid {
			pop += p.Int64
		} else {
			complete = false
		}
	}
	text := "."
	switch {
	case complete:
		text = wholePercent(float64(b), float64(pop))
	case kreis != "alle" && known >= MinDenominator:
		text = ". (höchstens " + wholePercent(float64(b), float64(known)) + ")"
	}
	text = f.frozen(prefix+"/"+kreis+"/"+day, text)
	key := "bestand/" + kreis + "/" + day
	f.latent(key, b)
	share := func(s string) (float64, bool) {
		v, ok := parsePercent(s)
		return v / 100, ok
	}
	// A text frozen by an earlier publication bounds the caseload as the data stood then.
	// Where they changed since (a late delivery, an erasure), the bound moves to the
	// caseload as it is now, as an equality's constant is the residual of the values now:
	// otherwise the relations would contradict each other. A fresh text never moves.
	now := float64(f.sys.Value(key))
	if v, ok := share(text); ok && complete && pop > 0 {
		// (v−0.005)·pop ≤ bestand ≤ (v+0.005)·pop
		f.sys.AtMostTo(max((v+0.005)*float64(pop), now), suppress.Plus(key))
		f.sys.AtMostTo(-min((v-0.005)*float64(pop), now), suppress.Minus(key))
	} else if i := strings.Index(text, "höchstens "); i >= 0 && known > 0 {
		if v, ok := share(strings.TrimSuffix(text[i+len("höchstens "):], ")")); ok {
			f.sys.AtMostTo(max((v+0.005)*float64(known), now), suppress.Plus(key))
		}
	}
	return text
}

// officialTotals are the official figures as the Monatsbericht shows them: each
// Kreis's, then both together (or "." where one is unknown). They are published by the
// Statistisches Bundesamt (rounded by it) and enter the system as published constants,
// never suppressed (docs/suppression.md).
func officialTotals(f *figures, c *coverage) []string {
	var out []string
	var total int64
	complete := true
	for _, kr := range Kreise {
		text := "."
		if p := c.official.pop[kr.Key]; p.Valid {
			text = f.public("amtlich/"+kr.Key+"/"+dayKey(c.official.stichtag), p.Int64).text()
			total += p.Int64
		} else {
			complete = false
		}
		out = append(out, text)
	}
	if complete {
		return append(out, german.Int(total))
	}
	return append(out, ".")
}

// officialSource names the official figure, its date and its rounding, for a row's note.
func officialSource(c *coverage) string {
	return fmt.Sprintf("Statistisches Bundesamt (Destatis), Statistik über Schutzsuchende, Tabelle 12531-0043, Stichtag %s; "+
		"Schutzsuchende mit offenem, anerkanntem oder abgelehntem Schutzstatus. Destatis rundet jeden Wert auf ein Vielfaches von 5, "+
		"die Summe der gerundeten Werte kann von der wahren Zahl um einige Personen abweichen", german.Date(c.official.stichtag))
}

// populationWhy says, per Kreis whose population from the integration centre is not
// wholly known, why: "" where every one is known.
func populationWhy(c *coverage) string {
	var out []string
	for _, kr := range Kreise {
		if c.pop[kr.Key].Valid {
			continue
		}
		out = append(out, kr.Name+": "+unknownBecause(c.rejected[kr.Key], c.unknownCells[kr.Key], false))
	}
	if len(out) == 0 {
		return ""
	}
	return "Bevölkerungszahl des Kommunalen Integrationszentrums unvollständig, daher unbekannt statt zu klein: " + strings.Join(out, "; ")
}

// officialWhy says, per Kreis whose official figure is unknown, why: "" where both are known.
func officialWhy(c *coverage) string {
	var out []string
	o := c.official
	for _, kr := range Kreise {
		if o.pop[kr.Key].Valid {
			continue
		}
		out = append(out, kr.Name+": "+unknownBecause(o.rejected[kr.Key], o.unknownCells[kr.Key], o.inconsistent[kr.Key]))
	}
	if len(out) == 0 {
		return ""
	}
	return "amtliche Zahl unbekannt: " + strings.Join(out, "; ")
}

// unknownBecause says why a Kreis's population from a table is unknown: rejected rows,
// unknown cells, parts that do not fit their sum (the official hierarchy), or no row.
func unknownBecause(rejected, unknownCells int64, inconsistent bool) string {
	var why []string
	if rejected > 0 {
		why = append(why, plural(rejected, "Zeile", "Zeilen")+" der Lieferung abgewiesen (siehe Datenqualität)")
	}
	if unknownCells > 0 {
		why = append(why, plural(unknownCells, "Wert", "Werte")+" unbekannt oder geheim (.)")
	}
	if inconsistent {
		why = append(why, "die Teile des anerkannten Schutzstatus passen nicht zu seiner Summe")
	}
	if len(why) == 0 {
		why = append(why, "keine Zeile für den Kreis geliefert")
	}
	return strings.Join(why, ", ")
}

// plural is "1 Zeile", "2 Zeilen".
func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return german.Int(n) + " " + many
}

// parsePercent reads "16,2 %".
func parsePercent(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if !strings.HasSuffix(s, " %") {
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.NewReplacer(".", "", ",", ".").Replace(strings.TrimSuffix(s, " %")), 64)
	return v, err == nil
}

func wholePercent(num, den float64) string {
	if den < MinDenominator {
		return "x"
	}
	return german.Decimal(100*num/den, 0) + " %"
}

// withOfficialNote puts the note on the official statistics before the symbols' notes.
func withOfficialNote(notes []Note) []Note {
	for i, n := range notes {
		if n.Term == "*" {
			return append(append(append([]Note{}, notes[:i]...), officialNote), notes[i:]...)
		}
	}
	return append(notes, officialNote)
}

// officialNote is the note on the official statistics for a report's notes.
var officialNote = Note{"Amtliche Statistik", "Schutzsuchende laut Statistischem Bundesamt (Destatis), Statistik über Schutzsuchende, " +
	"Tabelle 12531-0043, jeweils zum 31.12.; gezählt werden Schutzsuchende mit offenem, anerkanntem oder abgelehntem Schutzstatus " +
	"(die übrigen Kategorien der Tabelle sind Teile davon). Destatis rundet jeden Wert auf ein Vielfaches von 5. " +
	"Quelle: Statistisches Bundesamt (Destatis), Datenlizenz Deutschland – Namensnennung – Version 2.0."}
