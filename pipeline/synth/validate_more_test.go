package synth_test

// The independent validator for the XLSX, XML and JSONL exports.

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

// ---- 3. massnahmen (XLSX) ----

var massnDateCols = set("Beginn Ende_geplant Ende_tatsaechlich")

// xdate reads a date cell: a serial number with a date format is a real date; a text
// TT.MM.JJJJ is read but is dirt text_date; anything else is invalid.
func xdate(c *rowCtx, book *xBook, cell *xCell, col string, required bool) (time.Time, bool) {
	if cell == nil || cell.Value == "" {
		if required {
			c.add(col, "!missing_required")
		}
		return time.Time{}, false
	}
	switch cell.Type {
	case "s", "inlineStr", "str":
		if t, ok := parseDE(cell.Value, false); ok {
			c.add(col, "text_date")
			return t, true
		}
		c.add(col, "invalid_date")
		return time.Time{}, false
	case "", "n":
		f, err := parseFloat(cell.Value)
		switch {
		case err != nil:
			c.add(col, "!unreadable_number")
		case !book.DateStyle[cell.Style]:
			c.add(col, "!number_without_date_format")
		case f != math.Floor(f) || f < 61:
			c.add(col, "!date_serial_with_time_or_out_of_range")
		default:
			return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(f)), true
		}
		return time.Time{}, false
	}
	c.add(col, "!date_cell_of_type_"+cell.Type)
	return time.Time{}, false
}

func parseFloat(s string) (float64, error) {
	var f float64
	_, err := fmt.Sscanf(s, "%g", &f)
	return f, err
}

func validateMassnahmen(r *fileReport, b []byte, master map[string]bool) {
	if f, err := excelize.OpenReader(bytes.NewReader(b)); err != nil {
		r.problem("excelize cannot open the workbook: %v", err)
	} else {
		f.Close()
	}
	book, err := readXLSX(b)
	if err != nil {
		r.problem("not a readable XLSX: %v", err)
		return
	}
	if book.Date1904 {
		r.problem("workbook uses the 1904 date system")
	}
	for _, s := range book.Sheets {
		if s.Name != "Teilnahmen" && s.Name != "Info" {
			r.Kinds["extra_sheet"] = true
		}
	}
	if book.sheet("Info") == nil {
		r.problem("no sheet Info")
	}
	sh := book.sheet("Teilnahmen")
	if sh == nil {
		r.problem("no sheet Teilnahmen")
		return
	}
	var hdr []string
	last := 0 // last row with a value
	for _, row := range sh.Rows {
		if sh.hasValue(row) {
			last = row.R
		}
		if row.R == 1 {
			for _, c := range row.Cells {
				for len(hdr) <= c.Col {
					hdr = append(hdr, "")
				}
				hdr[c.Col] = c.Value
			}
		}
	}
	for len(hdr) > 0 && hdr[len(hdr)-1] == "" {
		hdr = hdr[:len(hdr)-1]
	}
	var data []xRow
	for _, row := range sh.Rows {
		switch {
		case row.R > last:
			r.Kinds["trailing_empty_rows"] = true
		case row.R >= 2 && sh.hasValue(row):
			data = append(data, row)
		case row.R >= 2:
			r.problem("empty sheet row %d between data rows", row.R)
		}
	}
	r.DataRows = len(data)
	if !checkHeader(r, hdr) {
		return
	}
	if len(data) == 0 {
		r.Kinds["header_only"] = true
	}
	cols := colMap(hdr)
	acc := newAcc()
	ids := map[string][]int{}
	for _, row := range data {
		cells := map[int]*xCell{}
		for i := range row.Cells {
			cells[row.Cells[i].Col] = &row.Cells[i]
			if row.Cells[i].Col >= len(hdr) && row.Cells[i].Value != "" {
				acc.add(row.R, "", "!value_outside_the_header")
			}
		}
		cell := func(col string) *xCell { return cells[cols[col]] }
		c := &rowCtx{acc: acc, line: row.R, get: func(col string) string {
			if x := cell(col); x != nil {
				if massnDateCols[col] || x.Type == "s" || x.Type == "inlineStr" || x.Type == "str" || x.Type == "" || x.Type == "n" {
					return x.Value
				}
				return "\x00" + x.Type // booleans, errors: never a valid value
			}
			return ""
		}}
		v := map[string]string{}
		for _, col := range headers[exMassn] {
			v[col] = c.get(col)
		}
		if id, ok := c.required("Teilnahme_ID"); ok {
			ids[id] = append(ids[id], row.R)
		}
		c.kunde("Kundennummer", true)
		art := c.code("Massnahmeart", codesMassnahmeart, true)
		beg, bok := xdate(c, book, cell("Beginn"), "Beginn", true)
		eg, egok := xdate(c, book, cell("Ende_geplant"), "Ende_geplant", true)
		if egok && bok && eg.Before(beg) {
			c.add("Ende_geplant", "!ende_geplant_before_beginn")
		}
		et, etok := xdate(c, book, cell("Ende_tatsaechlich"), "Ende_tatsaechlich", false)
		st := c.code("Status", codesTeilnahmeStatus, true)
		// an abandoned participation may end before it began (cancelled beforehand)
		if etok && bok && et.Before(beg) && st != "" && st != "ABGEBROCHEN" {
			c.add("Ende_tatsaechlich", "!ende_tatsaechlich_before_beginn")
		}
		for col, d := range map[string]struct {
			t  time.Time
			ok bool
		}{"Beginn": {beg, bok}, "Ende_geplant": {eg, egok}, "Ende_tatsaechlich": {et, etok}} {
			v[col] = ""
			if d.ok {
				v[col] = ymd(d.t)
			}
		}
		r.Recs = append(r.Recs, record{Line: row.R, V: v})
		if e := c.get("Ergebnis"); e != "" {
			switch {
			case art != "" && !ergebnisCodes(art)[e]:
				c.add("Ergebnis", "unknown_code")
			case st != "" && st != "BEENDET":
				c.add("Ergebnis", "!ergebnis_before_beendet")
			}
		}
	}
	for _, rows := range ids {
		if len(rows) > 1 {
			for _, l := range rows {
				acc.add(l, "Teilnahme_ID", "duplicate_key")
			}
		}
	}
	acc.finish(r, master)
}

// ---- 4. abh_aufenthalt (XML) ----

var (
	reXMLDecl    = regexp.MustCompile(`^<\?xml version="1\.0" encoding="([^"]+)"\?>\n`)
	reMeldungTag = regexp.MustCompile(`<meldung[\s>/]`)
	reErstellt   = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}:\d{2}$`)
	abhElements  = set("azrNummer kundennummer status rechtsgrundlage gueltigAb gueltigBis wohnsitzauflage erwerbstaetigkeit")
)

type meldung struct {
	line   int
	id     string
	hasID  bool
	fields map[string]string
	extra  []string
}

func validateABH(r *fileReport, b []byte, master map[string]bool) {
	kreis := strings.Split(r.Name, "_")[2]
	r.DataRows = len(reMeldungTag.FindAll(b, -1))
	m := reXMLDecl.FindSubmatch(b)
	if m == nil {
		r.problem("no XML declaration with an encoding on the first line")
		return
	}
	switch enc := strings.ToUpper(string(m[1])); enc {
	case "UTF-8":
		if !utf8.Valid(b) {
			r.Kinds["bad_encoding"] = true
		}
	case "ISO-8859-1":
		if latin1Control(b) >= 0 || utf8Mojibake(b) >= 0 {
			r.Kinds["bad_encoding"] = true
		}
	default:
		r.problem("declared encoding %q is neither UTF-8 nor ISO-8859-1", enc)
	}
	if p := lineEndProblem(b, false); p != "" {
		r.problem("%s", p)
	}
	if !bytes.HasSuffix(b, []byte("\n")) {
		r.problem("last line not terminated")
	}
	if r.Kinds["bad_encoding"] {
		return
	}
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		if strings.EqualFold(label, "ISO-8859-1") {
			return charmap.ISO8859_1.NewDecoder().Reader(in), nil
		}
		return nil, fmt.Errorf("unsupported charset %s", label)
	}
	var ms []meldung
	var cur *meldung
	root, child := "", ""
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			r.problem("XML: %v", err)
			return
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case root == "":
				root = t.Name.Local
				if root != "aufenthaltsmeldungen" {
					r.Kinds["wrong_header"] = true
					return
				}
				attrs := map[string]string{}
				for _, a := range t.Attr {
					attrs[a.Name.Local] = a.Value
				}
				if attrs["kreis"] != kreis {
					r.problem("root kreis=%q, file name says %s", attrs["kreis"], kreis)
				}
				if em := reErstellt.FindStringSubmatch(attrs["erstellt"]); em == nil {
					r.problem("root erstellt=%q is not JJJJ-MM-TTThh:mm:ss", attrs["erstellt"])
				} else if d, ok := parseISO(em[1]); !ok || d.Before(r.Stichtag) {
					r.problem("root erstellt=%q lies before the Stichtag", attrs["erstellt"])
				}
			case cur == nil:
				if t.Name.Local != "meldung" {
					r.problem("unexpected element <%s> in the root", t.Name.Local)
					return
				}
				line, _ := dec.InputPos()
				cur = &meldung{line: line, fields: map[string]string{}}
				for _, a := range t.Attr {
					if a.Name.Local == "id" {
						cur.id, cur.hasID = a.Value, true
					}
				}
			case child == "":
				child = t.Name.Local
				text.Reset()
			default:
				r.problem("nested element <%s> in <%s>", t.Name.Local, child)
				return
			}
		case xml.CharData:
			if child != "" {
				text.Write(t)
			}
		case xml.EndElement:
			switch {
			case child != "":
				if _, dup := cur.fields[child]; dup || !abhElements[child] {
					cur.extra = append(cur.extra, child)
				}
				cur.fields[child] = text.String()
				child = ""
			case cur != nil:
				ms = append(ms, *cur)
				cur = nil
			}
		}
	}
	if root == "" {
		r.problem("no root element")
		return
	}
	if len(ms) != r.DataRows {
		r.problem("%d <meldung elements by text, %d parsed", r.DataRows, len(ms))
	}
	if len(ms) == 0 {
		r.Kinds["header_only"] = true
	}
	if len(ms) > 0 && isQuietDay(r.Stichtag) {
		r.problem("a delta on a weekend or NRW holiday holds %d decisions", len(ms))
	}
	acc := newAcc()
	ids := map[string]int{}
	for _, me := range ms {
		me := me
		c := &rowCtx{acc: acc, line: me.line, get: func(col string) string {
			if col == "id" {
				return me.id
			}
			return me.fields[col]
		}}
		for _, x := range me.extra {
			c.add(x, "!unknown_or_repeated_element")
		}
		if id := c.ident("id", reMeldungID, true); id != "" {
			if reMeldungID.FindStringSubmatch(id)[1] != kreis {
				c.add("id", "!id_names_another_kreis")
			}
			if !reMeldungID6.MatchString(id) {
				r.Style = append(r.Style, fmt.Sprintf("meldung id %s (line %d): sources.md shows ABH-KKKKK-JJJJ-NNNNNN, six digits", id, me.line))
			}
		}
		c.ident("azrNummer", reAZR, true)
		if _, ok := me.fields["kundennummer"]; ok && me.fields["kundennummer"] == "" {
			c.add("kundennummer", "!empty_element")
		}
		c.kunde("kundennummer", false)
		c.code("status", codesAufenthaltsstatus, true)
		c.required("rechtsgrundlage")
		ab, aok := c.date("gueltigAb", true, false, true)
		if bis, ok := c.date("gueltigBis", false, false, true); ok && aok && bis.Before(ab) {
			c.add("gueltigBis", "!gueltigBis_before_gueltigAb")
		}
		if w := c.get("wohnsitzauflage"); w != "" {
			switch {
			case !reAGS.MatchString(w) || agsTable[w] == "":
				c.add("wohnsitzauflage", "unknown_code")
			case agsKreis(w) != kreis:
				c.add("wohnsitzauflage", "!wohnsitzauflage_in_another_kreis")
			}
		}
		c.code("erwerbstaetigkeit", codesErwerb, true)
		if !acc.rejected(me.line) && me.id != "" {
			if l, dup := ids[me.id]; dup {
				c.add("id", fmt.Sprintf("!duplicate_meldung_id(line %d)", l))
			}
			ids[me.id] = me.line
		}
	}
	acc.finish(r, master)
}

// ---- 5. beratungen (JSONL) ----

func validateBeratungen(r *fileReport, b []byte, master map[string]bool) {
	if bytes.HasPrefix(b, bom) {
		r.problem("UTF-8 byte order mark (JSONL must have none)")
	}
	if !utf8.Valid(b) {
		r.Kinds["bad_encoding"] = true
	}
	if p := lineEndProblem(b, false); p != "" {
		r.problem("%s", p)
	}
	lines := strings.Split(string(b), "\n")
	terminatedAll := lines[len(lines)-1] == ""
	if terminatedAll {
		lines = lines[:len(lines)-1]
	}
	r.DataRows = len(lines)
	if len(lines) == 0 {
		r.Kinds["header_only"] = true // cannot happen with len(b) > 0; kept for symmetry
	}
	month := r.Stichtag.Format("2006-01")
	acc := newAcc()
	ids := map[string]int{}
	for i, text := range lines {
		line := i + 1
		if i == len(lines)-1 && !terminatedAll {
			acc.add(line, "", "truncated_row") // no single field is at fault
			continue
		}
		var obj map[string]any
		dec := json.NewDecoder(strings.NewReader(text))
		dec.UseNumber()
		if err := dec.Decode(&obj); err != nil || dec.More() {
			acc.add(line, "", "!not_a_json_object")
			continue
		}
		vals := map[string]string{}
		c := &rowCtx{acc: acc, line: line, get: func(col string) string { return vals[col] }}
		for k := range obj {
			if !containsStr(jsonFields, k) {
				c.add(k, "!unknown_field")
			}
		}
		for _, k := range jsonFields {
			v, ok := obj[k]
			switch x := v.(type) {
			case nil:
				if !ok {
					c.add(k, "!missing_field")
				}
			case string:
				if k == "dauer_min" {
					c.add(k, "!dauer_min_not_a_number")
				}
				vals[k] = x
			case json.Number:
				if k != "dauer_min" {
					c.add(k, "!number_where_string_expected")
				}
				vals[k] = x.String()
			default:
				c.add(k, "!wrong_json_type")
			}
		}
		if id := c.ident("id", reBeratungID, true); id != "" {
			if im := reBeratungID.FindStringSubmatch(id); im[1]+"-"+im[2] != month {
				c.add("id", "!id_names_another_month")
			}
		}
		if d, ok := c.date("datum", true, false, true); ok && d.Format("2006-01") != month {
			c.add("datum", "!datum_outside_the_files_month")
		}
		c.code("kreis", codesKreis, true)
		zg := c.code("zielgruppe", codesZielgruppe, true)
		c.code("thema", codesThema, true)
		c.code("kanal", codesKanal, true)
		if d, ok := c.required("dauer_min"); ok && !reCount.MatchString(d) {
			c.add("dauer_min", "!dauer_min_not_a_positive_integer")
		}
		if _, isStr := obj["kundennummer"].(string); isStr {
			if zg != "" && zg != "GEFLUECHTETE" {
				c.add("kundennummer", "!kundennummer_for_"+zg)
			} else if vals["kundennummer"] == "" {
				c.add("kundennummer", "bad_identifier")
			}
		}
		c.kunde("kundennummer", false)
		if _, isStr := obj["betriebsnummer"].(string); isStr {
			if zg != "" && zg != "ARBEITGEBER" {
				c.add("betriebsnummer", "!betriebsnummer_for_"+zg)
			} else if vals["betriebsnummer"] == "" {
				c.add("betriebsnummer", "bad_identifier")
			}
		}
		c.ident("betriebsnummer", reBetriebsnummer, false)
		if !acc.rejected(line) && vals["id"] != "" {
			if l, dup := ids[vals["id"]]; dup {
				c.add("id", fmt.Sprintf("!duplicate_id(line %d)", l))
			}
			ids[vals["id"]] = line
		}
	}
	acc.finish(r, master)
}

// lastJSONKey: the field a cut-off JSON line ends in (the last key that started).
func lastJSONKey(s string) string {
	best, at := "", -1
	for _, k := range jsonFields {
		if i := strings.LastIndex(s, `"`+k+`":`); i > at {
			best, at = k, i
		}
	}
	return best
}
