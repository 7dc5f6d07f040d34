package synth

import (
	"math"
	"strconv"

	"golang.org/x/text/encoding/charmap"

	"ipoint/pipeline"
)

// The population table of the Kommunales Integrationszentrum: protection seekers by
// municipality and status group at the month's end. Clients are part of it; the rest of
// the population (children, the employed, people not registered) is drawn as a slowly
// changing background.

var groupWeights = map[string]float64{
	pipeline.GroupAsyl: 0.08, pipeline.GroupDuldung: 0.07, pipeline.GroupSchutz: 0.50,
	pipeline.GroupUkraine: 0.30, pipeline.GroupSonstige: 0.05,
}

const expectedCaseload = 1060.0

func (w *world) background(ags string, group string, m month) int {
	h := hash(w.seed, keyPopulation, uint64(len(ags)), mustAtoi(ags), uint64(len(group)), uint64(group[0]), uint64(group[1]))
	total := 0.0
	for _, x := range municipalityWeights {
		total += x
	}
	var wa float64
	for i, mu := range pipeline.Municipalities {
		if mu.AGS == ags {
			wa = municipalityWeights[i] / total
		}
	}
	n := (refugeePopulation - expectedCaseload) * w.opt.Scale * wa * groupWeights[group]
	if n < 5 && unit(h) < 0.3 { // a small group that happens to be absent
		return 0
	}
	n *= 1 + 0.04*math.Sin(2*math.Pi*(float64(m)+12*unit(mix(h)))/12)
	return int(n + unit(hash(h, uint64(m))))
}

func mustAtoi(s string) uint64 {
	n, _ := strconv.ParseUint(s, 10, 64)
	return n
}

// writePopulation writes the table of month m from the clients counted at its end; it
// returns the true total (withheld cells included).
func (w *world) writePopulation(m month, clients map[[2]string]int, t *truth) (int, error) {
	name := "ki_schutzsuchende_" + m.compact() + ".csv"
	f, err := createText(w.opt.Out, name, charmap.ISO8859_1, "\r\n", false)
	if err != nil {
		return 0, err
	}
	extra := w.dirt.on && unit(hash(w.seed, keyFileDirt, 40, uint64(m))) < 0.3
	f.line("Kommunales Integrationszentrum;Schutzsuchende nach Gemeinden")
	f.line("Stichtag: " + m.last().german())
	f.line("Hinweis: synthetische Daten")
	f.line(";")
	hdr := populationHeader
	if extra {
		hdr = append(append([]string{}, hdr...), "Quelle")
	}
	f.record(hdr...)
	info := fileInfo{Name: name, Export: exportPopulation, Stichtag: m.last().iso(), Delivered: deliveryDay(m, 3).iso(), Outcome: outcomeIngest}
	if extra {
		info.Kinds = []string{kindExtraColumn}
	}
	var dirt []dirtEntry
	total, rows := 0, 0
	forced := w.dirt.on && monthIn(m, w.populationMonths()) && m == w.populationMonths()[len(w.populationMonths())-1]
	emit := func(fields ...string) {
		if extra {
			fields = append(fields, "Ausländerbehörde/KI")
		}
		f.record(fields...)
		rows++
	}
	for _, mu := range pipeline.Municipalities {
		for _, g := range pipeline.StatusGroups {
			n := clients[[2]string{mu.AGS, g}] + w.background(mu.AGS, g, m)
			total += n
			h := hash(w.seed, keyPopulation, uint64(m), mustAtoi(mu.AGS), uint64(g[0]), uint64(len(g)))
			v := strconv.Itoa(n)
			switch {
			case n == 0:
				v = "-"
			case n < 3 || unit(h) < 0.02: // withheld: too small, or unknown
				v = "."
			}
			emit(mu.Kreis, mu.AGS, mu.Name, g, v)
			keys := []uint64{11, uint64(m), mustAtoi(mu.AGS), uint64(g[0])}
			kind := ""
			if w.dirt.row(1, keys...) {
				kind = w.dirt.kindFor(exportPopulation, keys...)
			}
			if forced && mu.AGS == "05970040" && g == pipeline.GroupSchutz {
				kind = kindUnknownCode
			}
			if forced && mu.AGS == "05966024" && g == pipeline.GroupSchutz {
				kind = kindOutsideKreis
			}
			if kind != "" && !mayReject(len(dirt), rows+1) {
				kind = ""
			}
			switch kind {
			case kindUnknownCode:
				dirt = append(dirt, dirtEntry{name, f.lines + 1, "Statusgruppe", kind, handlingReject})
				emit(mu.Kreis, mu.AGS, mu.Name, "Geduldete", v)
			case kindOutsideKreis:
				other := pipeline.KreisOlpe
				if mu.Kreis == other {
					other = pipeline.KreisSiegenWittgenstein
				}
				dirt = append(dirt, dirtEntry{name, f.lines + 1, "AGS", kind, handlingReject})
				emit(other, mu.AGS, mu.Name, g, v)
			}
		}
	}
	f.line("__________")
	f.line(`"-" = nichts vorhanden, "." = Zahlenwert unbekannt oder geheim zu halten`)
	f.line("Stand: " + deliveryDay(m, 3).german())
	info.DataRows = rows
	if err := f.commit(); err != nil {
		return 0, err
	}
	t.addFile(info)
	return total, t.addDirt(dirt)
}
