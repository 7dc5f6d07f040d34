package synth

import (
	"math"
	"strconv"
	"time"

	"ipoint/pipeline"
)

// The official statistics of protection seekers (sources.md §7): the Statistisches
// Bundesamt's table 12531-0043 as a GENESIS flat file, one a year with Stichtag 31.12.
// The official count is another register's (the Ausländerzentralregister) than the
// integration centre's table: it is drawn from the same expected population per Kreis
// and status group, with a register factor per Kreis and year, and split into the
// table's finest categories, sexes and nationalities. Each published cell, a category of
// the hierarchy (pipeline.ProtectionStatuses) for one Kreis, sex and nationality, is the
// sum of its finest parts rounded to a multiple of 5, and a cell of 0 is left out
// (compress=true), as GENESIS does. Written clean: what the pipeline does with a foreign
// table or a bad line is tested on the real file.

// keyOfficial is the stream purpose of the official statistics (beyond rng.go's list).
const keyOfficial uint64 = 0x0ff1c1a1

// officialYears lists the years Y whose table (Stichtag 31.12.Y) the inbox holds: for
// every month of the window the year before, whose figure is the newest official one
// for that month. (Destatis publishes in the summer after; the demo has the figure at
// once, so that every month of the window has its official denominator.)
func (w *world) officialYears() []int {
	var out []int
	for y := w.first.time().Year() - 1; y < w.asOf.time().Year(); y++ {
		out = append(out, y)
	}
	return out
}

// officialDelivery is the day the official table of a Stichtag is put into the inbox:
// the first workday after it, but not before the window's first day (the demo has the
// figure at once; Destatis publishes in the summer after).
func (w *world) officialDelivery(stichtag day) day {
	return max(nextWorkday(stichtag+1), w.first)
}

// officialLeaf is a category of the finest level, drawn from a status group of the
// integration centre's table. A leaf that is not itself a category of SCHST2 ("" code)
// counts only in its parent: the rejected who are not (yet) obliged to leave.
type officialLeaf struct {
	code, parent, group string
	share               float64 // of the group
}

var officialLeaves = []officialLeaf{
	{pipeline.StatusOpen, "", pipeline.GroupAsyl, 1},
	{pipeline.StatusTemporaryAsylum, pipeline.StatusTemporary, pipeline.GroupSchutz, 0.85},
	{pipeline.StatusPermanent, pipeline.StatusRecognised, pipeline.GroupSchutz, 0.15},
	{pipeline.StatusPermanent, pipeline.StatusRecognised, pipeline.GroupSonstige, 0.4}, // settled with a humanitarian title
	{pipeline.StatusTemporaryOther, pipeline.StatusTemporary, pipeline.GroupUkraine, 1},
	{pipeline.StatusTolerated, pipeline.StatusRejected, pipeline.GroupDuldung, 0.80},
	{pipeline.StatusLatent, pipeline.StatusRejected, pipeline.GroupDuldung, 0.08},
	{pipeline.StatusEnforceable, pipeline.StatusRejected, pipeline.GroupDuldung, 0.04},
	{"", pipeline.StatusRejected, pipeline.GroupDuldung, 0.08},
}

// genesisStatusLabels are SCHST2's labels as GENESIS writes them (typos included).
var genesisStatusLabels = map[string]string{
	pipeline.StatusOpen: "Offener Schutzstatus", pipeline.StatusRecognised: "Anerkannter Schutzstatus",
	pipeline.StatusTemporary: "Befristet anerkannter Schutzstatus", pipeline.StatusTemporaryAsylum: "Befristet anerkannter Schutzstatus aus Asylverf.",
	pipeline.StatusTemporaryOther: "Befristet anerk. Schutzstatus nicht aus Asylverf.", pipeline.StatusPermanent: "Unbefristet anerkannter Schutzstatus",
	pipeline.StatusRejected: "Ohne Schutzsstatus", pipeline.StatusTolerated: "Geduldet ausreisepflichtig",
	pipeline.StatusLatent: "Latent ausreispflichtig", pipeline.StatusEnforceable: "Vollziehbar ausreisepflichtig",
}

// genesisNationality is a nationality of GENESIS' list STAAG5 with its weight among the
// protection seekers of a status group.
type genesisNationality struct {
	code, label string
	weight      float64
}

var (
	officialNationalities = []genesisNationality{
		{"ST475", "Syrien", 0.35}, {"ST423", "Afghanistan", 0.14}, {"ST438", "Irak", 0.12}, {"ST163", "Türkei", 0.08},
		{"ST439", "Iran, Islamische Republik", 0.06}, {"ST224", "Eritrea", 0.05}, {"ST273", "Somalia", 0.04},
		{"ST232", "Nigeria", 0.03}, {"ST461", "Pakistan", 0.03}, {"ST430", "Georgien", 0.03}, {"ST150", "Kosovo", 0.02},
		{"ST121", "Albanien", 0.02}, {"ST997", "Staatenlos", 0.015}, {"UNK", "Ungeklärt", 0.015},
	}
	ukrainianNationalities = []genesisNationality{{"ST166", "Ukraine", 0.96}, {"ST160", "Russische Föderation", 0.02}, {"UNK", "Ungeklärt", 0.02}}
	genesisKreisLabels     = map[string]string{pipeline.KreisSiegenWittgenstein: "Siegen-Wittgenstein, Landkreis", pipeline.KreisOlpe: "Olpe, Landkreis"}
	genesisSexes           = []struct{ code, label string }{{"GESM", "männlich"}, {"GESW", "weiblich"}}
)

// officialTruth is one Kreis's official figures as the file publishes them: sums of
// the rounded cells of the three top categories.
type officialTruth struct {
	Stichtag   string `json:"stichtag"`
	Kreis      string `json:"kreis"`
	Total      int    `json:"schutzsuchende"`
	Open       int    `json:"offen"`
	Recognised int    `json:"anerkannt"`
	Rejected   int    `json:"abgelehnt"`
	Lines      int    `json:"zeilen"`
	AllLines   int    `json:"summe_aller_zeilen"` // what summing every line gives: not a figure
}

// officialGroup is the expected number of protection seekers of a status group in a
// Kreis at a month's end, as the official register counts them.
func (w *world) officialGroup(kreis, group string, m month, year int) float64 {
	total, share := 0.0, 0.0
	for _, x := range municipalityWeights {
		total += x
	}
	n := 0.0
	for i, mu := range pipeline.Municipalities {
		if mu.Kreis != kreis {
			continue
		}
		n += float64(w.background(mu.AGS, group, m))
		share += municipalityWeights[i] / total
	}
	n += expectedCaseload * w.opt.Scale * share * groupWeights[group]
	// The register counts a few per cent more or fewer than the centre's table.
	return n * (0.97 + 0.08*unit(hash(w.seed, keyOfficial, uint64(year), mustAtoi(kreis))))
}

// writeOfficial writes the official table of 31.12. of each year of officialYears.
func (w *world) writeOfficial(t *truth) error {
	for _, y := range w.officialYears() {
		if err := w.writeOfficialYear(y, t); err != nil {
			return err
		}
	}
	return nil
}

// officialCell is one (Kreis, sex, nationality) of the table: the true counts of its
// finest categories.
type officialCell struct {
	kreis       string
	sex         int
	nationality genesisNationality
	leaves      map[int]int // by index in officialLeaves
}

func (w *world) writeOfficialYear(y int, t *truth) error {
	stichtag := dayOf(time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC))
	m := monthOf(stichtag)
	name := "destatis_12531_" + stichtag.compact() + ".csv"
	f, err := createText(w.opt.Out, name, nil, "\n", true)
	if err != nil {
		return err
	}
	f.line("statistics_code;statistics_label;time_code;time_label;time;" +
		"1_variable_code;1_variable_label;1_variable_attribute_code;1_variable_attribute_label;" +
		"2_variable_code;2_variable_label;2_variable_attribute_code;2_variable_attribute_label;" +
		"3_variable_code;3_variable_label;3_variable_attribute_code;3_variable_attribute_label;" +
		"4_variable_code;4_variable_label;4_variable_attribute_code;4_variable_attribute_label;" +
		"value;value_unit;value_variable_code;value_variable_label")
	rows := 0
	for _, kreis := range pipeline.Kreise {
		cells := w.officialCells(kreis, m, y)
		tr := officialTruth{Stichtag: stichtag.iso(), Kreis: kreis}
		for _, st := range pipeline.ProtectionStatuses {
			for _, c := range cells {
				v := 0
				for i, n := range c.leaves {
					if officialIn(officialLeaves[i], st.Code) {
						v += n
					}
				}
				v = roundTo5(v)
				if v == 0 { // compress=true
					continue
				}
				sex := genesisSexes[c.sex]
				f.record("12531", "Statistik über Schutzsuchende (synthetische Daten)", "STAG", "Stichtag", stichtag.iso(),
					"KREISE", "Kreise", kreis, genesisKreisLabels[kreis],
					"SCHST2", "Schutzstatuskategorie", st.Code, genesisStatusLabels[st.Code],
					"GES", "Geschlecht", sex.code, sex.label,
					"STAAG5", "Staatsangehörigkeit", c.nationality.code, c.nationality.label,
					strconv.Itoa(v), "Anzahl", "BEV030", "Schutzsuchende")
				rows++
				tr.Lines++
				tr.AllLines += v
				switch st.Code {
				case pipeline.StatusOpen:
					tr.Open += v
				case pipeline.StatusRecognised:
					tr.Recognised += v
				case pipeline.StatusRejected:
					tr.Rejected += v
				}
			}
		}
		tr.Total = tr.Open + tr.Recognised + tr.Rejected
		t.official = append(t.official, tr)
	}
	if err := f.commit(); err != nil {
		return err
	}
	t.addFile(fileInfo{Name: name, Export: exportOfficial, Stichtag: stichtag.iso(), Delivered: w.officialDelivery(stichtag).iso(),
		DataRows: rows, Outcome: outcomeIngest})
	return nil
}

// exportOfficial is the official statistics' export name.
const exportOfficial = "destatis_12531"

// officialCells draws the true counts of a Kreis's cells: per status group its expected
// number, split into the finest categories, the sexes and the nationalities, each part
// rounded stochastically so that counts vary but sum as expected.
func (w *world) officialCells(kreis string, m month, year int) []*officialCell {
	var cells []*officialCell
	index := map[[2]string]*officialCell{}
	for li, leaf := range officialLeaves {
		n := w.officialGroup(kreis, leaf.group, m, year) * leaf.share
		nats, female := officialNationalities, 0.38
		if leaf.group == pipeline.GroupUkraine {
			nats, female = ukrainianNationalities, 0.63
		}
		for sx := range genesisSexes {
			share := female
			if sx == 0 {
				share = 1 - female
			}
			for ni, nat := range nats {
				h := hash(w.seed, keyOfficial, uint64(year), mustAtoi(kreis), uint64(li), uint64(sx), uint64(ni))
				v := int(math.Floor(n*share*nat.weight + unit(h)))
				if v == 0 {
					continue
				}
				k := [2]string{strconv.Itoa(sx), nat.code}
				c := index[k]
				if c == nil {
					c = &officialCell{kreis: kreis, sex: sx, nationality: nat, leaves: map[int]int{}}
					index[k] = c
					cells = append(cells, c)
				}
				c.leaves[li] += v
			}
		}
	}
	return cells
}

// officialIn reports whether a leaf counts in a category: its own, or an ancestor's.
func officialIn(leaf officialLeaf, category string) bool {
	if leaf.code == category {
		return true
	}
	for p := leaf.parent; p != ""; {
		if p == category {
			return true
		}
		next := ""
		for _, s := range pipeline.ProtectionStatuses {
			if s.Code == p {
				next = s.Parent
			}
		}
		p = next
	}
	return false
}

// roundTo5 rounds a count to the nearest multiple of 5, as Destatis does (1 and 2 become 0).
func roundTo5(n int) int { return (n + 2) / 5 * 5 }
