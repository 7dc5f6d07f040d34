package read

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// realGenesis is the real Destatis file (table 12531-0043, Stichtag 31.12.2024, Kreise
// 05970 and 05966), as GENESIS delivered it; licence in its folder's README.
var realGenesis = filepath.Join("..", "..", "testdata", "destatis-12531", "12531-0043_siegen-wittgenstein_olpe_2024-12-31_flat.csv")

var opt12531 = GenesisOptions{Encoding: UTF8BOM, Statistic: "12531", Variables: []string{"KREISE", "SCHST2", "GES", "STAAG5"}, Value: "BEV030"}

func readReal(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(realGenesis)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readAll reads every row of a GENESIS file: rows as "line [fields]", row errors as
// "!line column: reason".
func readAll(t *testing.T, data []byte, opt GenesisOptions) (Reader, []string, error) {
	t.Helper()
	r, err := NewGenesis(bytes.NewReader(data), opt)
	if err != nil {
		return nil, nil, err
	}
	var out []string
	for {
		row, err := r.Next()
		if err == io.EOF {
			return r, out, nil
		}
		var re *RowError
		if errors.As(err, &re) {
			out = append(out, "!"+strings.TrimSpace(strings.Join([]string{strconv.Itoa(re.Line), re.Column}, " "))+": "+re.Reason)
			continue
		}
		if err != nil {
			return r, out, err
		}
		out = append(out, strconv.Itoa(row.Line)+" "+strings.Join(row.Fields, "|"))
	}
}

// TestGenesisRealFile reads the real file: its byte-order mark is skipped, its 790 lines
// become rows of the named columns, and the table is the one asked for.
func TestGenesisRealFile(t *testing.T) {
	data := readReal(t)
	if !bytes.HasPrefix(data, []byte("\xEF\xBB\xBFstatistics_code;")) {
		t.Fatal("the test file lost its byte-order mark")
	}
	r, rows, err := readAll(t, data, opt12531)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"KREISE", "KREISE_label", "SCHST2", "SCHST2_label", "GES", "GES_label", "STAAG5", "STAAG5_label", "value"}
	if !slices.Equal(r.Columns(), want) || r.Extra() != nil {
		t.Errorf("columns %v, extra %v", r.Columns(), r.Extra())
	}
	if len(rows) != 790 {
		t.Fatalf("%d rows, want 790", len(rows))
	}
	if rows[0] != "2 05966|Olpe, Landkreis|SCHUTZST-AK-1|Anerkannter Schutzstatus|GESW|weiblich|ST451|Libanon|15" {
		t.Errorf("first row %q", rows[0])
	}
	if last := rows[len(rows)-1]; !strings.HasPrefix(last, "791 ") {
		t.Errorf("last row %q", last)
	}
	tb := r.(*genesisReader).Table()
	if tb.Statistic != (GenesisVariable{"12531", "Statistik über Schutzsuchende"}) || tb.Time != "2024-12-31" ||
		tb.Value != (GenesisVariable{"BEV030", "Schutzsuchende"}) || len(tb.Variables) != 4 || tb.Variables[1] != (GenesisVariable{"SCHST2", "Schutzstatuskategorie"}) {
		t.Errorf("table %+v", tb)
	}
	// Without its byte-order mark, with CRLF line ends, the file reads the same.
	crlf := bytes.ReplaceAll(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")), []byte("\n"), []byte("\r\n"))
	if _, rows2, err := readAll(t, crlf, opt12531); err != nil || !slices.Equal(rows, rows2) {
		t.Errorf("without BOM, CRLF: %v, %d rows", err, len(rows2))
	}
}

// genesisLines is the real file's header and its lines from..to (1-based data lines).
func genesisLines(t *testing.T, from, to int) []string {
	lines := strings.Split(strings.TrimSuffix(string(readReal(t)), "\n"), "\n")
	return append([]string{lines[0]}, lines[from:to+1]...)
}

func join(lines []string) []byte { return []byte(strings.Join(lines, "\n") + "\n") }

// TestGenesisTables: a flat file of another table, or no flat file at all, is refused
// as a whole, naming what it is; a line that does not belong to the table is a row
// error; the order of the dimension blocks and the value markers do not matter.
func TestGenesisTables(t *testing.T) {
	real := genesisLines(t, 1, 3)
	foreign := "statistics_code;statistics_label;time_code;time_label;time;1_variable_code;1_variable_label;1_variable_attribute_code;1_variable_attribute_label;" +
		"2_variable_code;2_variable_label;2_variable_attribute_code;2_variable_attribute_label;value;value_unit;value_variable_code;value_variable_label\n" +
		"12411;Fortschreibung des Bevölkerungsstandes;STAG;Stichtag;2024-12-31;KREISE;Kreise;05966;Olpe, Landkreis;GES;Geschlecht;GESM;männlich;66012;Anzahl;BEVSTD;Bevölkerungsstand\n"
	// The same statistic, another table: ages instead of nationalities.
	ages := strings.ReplaceAll(strings.ReplaceAll(strings.Join(real, "\n")+"\n", ";STAAG5;Staatsangehörigkeit;ST451;Libanon;", ";ALTX20;Altersgruppen;ALTER000B05;unter 5 Jahre;"),
		";STAAG5;Staatsangehörigkeit;ST166;Ukraine;", ";ALTX20;Altersgruppen;ALTER005B10;5 bis unter 10 Jahre;")
	t.Run("foreign tables", func(t *testing.T) {
		for _, c := range []struct {
			name, data, statistic string
			variables             []string
		}{
			{"another statistic", foreign, "12411", []string{"KREISE", "GES"}},
			{"other dimensions", ages, "12531", []string{"KREISE", "SCHST2", "GES", "ALTX20"}},
		} {
			_, err := NewGenesis(strings.NewReader(c.data), opt12531)
			var ft *ForeignTableError
			if !errors.As(err, &ft) || ft.Line != 2 || ft.Found.Statistic.Code != c.statistic || ft.Found.Time != "2024-12-31" {
				t.Errorf("%s: %v", c.name, err)
				continue
			}
			var codes []string
			for _, v := range ft.Found.Variables {
				codes = append(codes, v.Code)
			}
			if !slices.Equal(codes, c.variables) {
				t.Errorf("%s: variables %v", c.name, codes)
			}
		}
	})
	t.Run("no flat file", func(t *testing.T) {
		for _, c := range []struct{ name, data, reason string }{
			{"a statistics table", "Kreis;AGS;Gemeinde;Statusgruppe;Anzahl\n05970;05970040;Siegen;Schutz;1234\n", "keine Kopfzeile einer GENESIS-Tabelle"},
			{"header cut after the blocks", strings.SplitN(real[0], ";value;", 2)[0] + "\n", "keine Kopfzeile einer GENESIS-Tabelle"},
			{"commas", strings.ReplaceAll(real[0], ";", ",") + "\n", "falsches Trennzeichen"},
			{"empty", "", "keine Kopfzeile einer GENESIS-Tabelle"},
			{"UTF-16", "\xFF\xFEs\x00", "UTF-16"},
		} {
			_, err := NewGenesis(strings.NewReader(c.data), opt12531)
			var fe *FileError
			if !errors.As(err, &fe) || !strings.Contains(fe.Reason, c.reason) {
				t.Errorf("%s: %v", c.name, err)
			}
		}
		_, err := NewGenesis(strings.NewReader("Kreis;AGS;Anzahl\n"), opt12531)
		var fe *FileError
		if errors.As(err, &fe); fe == nil || !slices.Equal(fe.Found, []string{"Kreis", "AGS", "Anzahl"}) {
			t.Errorf("the names found: %v", err)
		}
	})
	t.Run("lines", func(t *testing.T) {
		other := strings.Replace(real[2], "12531;", "12411;", 1)
		year := strings.Replace(real[3], ";2024-12-31;", ";2023-12-31;", 1)
		block := strings.Replace(real[3], ";GES;Geschlecht;", ";GESX;Geschlecht;", 1)
		value := strings.Replace(real[3], ";BEV030;", ";BEV001;", 1)
		short := strings.Join(strings.Split(real[3], ";")[:20], ";")
		markers := []string{strings.Replace(real[1], ";15;Anzahl;", ";-;Anzahl;", 1), strings.Replace(real[1], ";15;Anzahl;", ";.;Anzahl;", 1)}
		data := join(append(append([]string{real[0], short, "", real[1], other, year, block, value}, markers...), real[2], real[3][:40]))
		data = data[:len(data)-1] // the last line is cut off: no line end
		_, rows, err := readAll(t, data, opt12531)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			"!2: 20 Felder statt 25",
			"4 05966|Olpe, Landkreis|SCHUTZST-AK-1|Anerkannter Schutzstatus|GESW|weiblich|ST451|Libanon|15",
			"!5 statistics_code: Zeile einer anderen Statistik (12411 statt 12531)",
			"!6 time: anderer Stichtag (2023-12-31) als in der ersten Zeile (2024-12-31)",
			"!7 3_variable_code: anderes Merkmal (GESX statt GES) als in der ersten Zeile",
			"!8 value_variable_code: anderer Wert (BEV001 statt BEV030) als in der ersten Zeile",
			"9 05966|Olpe, Landkreis|SCHUTZST-AK-1|Anerkannter Schutzstatus|GESW|weiblich|ST451|Libanon|-",
			"10 05966|Olpe, Landkreis|SCHUTZST-AK-1|Anerkannter Schutzstatus|GESW|weiblich|ST451|Libanon|.",
			"11 05966|Olpe, Landkreis|SCHUTZST-AK-2|Befristet anerkannter Schutzstatus|GESW|weiblich|ST166|Ukraine|1085",
			"!12: Zeile abgeschnitten: kein Zeilenende am Dateiende",
		}
		if !slices.Equal(rows, want) {
			t.Errorf("rows\n%s\nwant\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
		}
	})
	t.Run("blocks in another order", func(t *testing.T) {
		// GES before SCHST2: the columns keep the order asked for.
		swap := func(line string) string {
			f := strings.Split(line, ";")
			if strings.HasPrefix(f[9], "2_") {
				return line // the header names blocks by position
			}
			out := append(append(append(append([]string{}, f[:9]...), f[13:17]...), f[9:13]...), f[17:]...)
			return strings.Join(out, ";")
		}
		lines := []string{real[0]}
		for _, l := range real[1:] {
			lines = append(lines, swap(l))
		}
		_, rows, err := readAll(t, join(lines), opt12531)
		if err != nil || len(rows) != 3 || rows[0] != "2 05966|Olpe, Landkreis|SCHUTZST-AK-1|Anerkannter Schutzstatus|GESW|weiblich|ST451|Libanon|15" {
			t.Errorf("%v: %q", err, rows)
		}
	})
	t.Run("header only", func(t *testing.T) {
		r, rows, err := readAll(t, []byte(real[0]+"\n"), opt12531)
		if err != nil || len(rows) != 0 || len(r.Columns()) != 9 || r.(*genesisReader).Table().Statistic.Code != "" {
			t.Errorf("%v, %q", err, rows)
		}
	})
	t.Run("extra columns after the value", func(t *testing.T) {
		lines := []string{real[0] + ";value_q"}
		for _, l := range real[1:] {
			lines = append(lines, l+";e")
		}
		r, rows, err := readAll(t, join(lines), opt12531)
		if err != nil || len(rows) != 3 || !slices.Equal(r.Extra(), []string{"value_q"}) {
			t.Errorf("%v, %q, extra %v", err, rows, r.Extra())
		}
	})
	t.Run("invalid UTF-8", func(t *testing.T) {
		bad := strings.Replace(real[1], "Libanon", "Liban\xf6n", 1)
		_, _, err := readAll(t, join([]string{real[0], real[2], bad}), opt12531)
		var fe *FileError
		if !errors.As(err, &fe) || !strings.Contains(fe.Reason, "ungültig") {
			t.Errorf("%v", err)
		}
	})
}
