package read

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// kiTable is the spec's example, ISO-8859-1 with CRLF line ends.
const kiTable = "Kommunales Integrationszentrum;Schutzsuchende nach Gemeinden\r\n" +
	"Stichtag: 31.10.2026\r\n" +
	";\r\n" +
	"Kreis;AGS;Gemeinde;Statusgruppe;Anzahl\r\n" +
	"05970;05970040;Siegen;Schutz;1234\r\n" +
	"05970;05970040;Siegen;Duldung;.\r\n" +
	"05970;05970012;Erndtebr\xfcck;Ukraine;-\r\n" +
	"__________\r\n" +
	"\"-\" = nichts vorhanden, \".\" = Zahlenwert unbekannt oder geheim zu halten\r\n" +
	"Stand: 04.11.2026\r\n"

var kiRows = []string{
	`5 ["05970" "05970040" "Siegen" "Schutz" "1234"]`,
	`6 ["05970" "05970040" "Siegen" "Duldung" "."]`,
	`7 ["05970" "05970012" "Erndtebrück" "Ukraine" "-"]`,
}

func TestStatTable(t *testing.T) {
	latin1 := StatTableOptions{Encoding: ISO88591, HeaderFirst: "Kreis"}
	tests := []struct {
		name     string
		in       string
		opt      StatTableOptions
		columns  []string
		metaHead map[string]string // after NewStatTable
		meta     map[string]string // after io.EOF
		want     []string
		wantErr  string
	}{
		{name: "spec table", in: kiTable, opt: latin1,
			columns:  []string{"Kreis", "AGS", "Gemeinde", "Statusgruppe", "Anzahl"},
			metaHead: map[string]string{"Stichtag": "31.10.2026"},
			meta:     map[string]string{"Stichtag": "31.10.2026", "Stand": "04.11.2026"},
			want:     kiRows},
		{name: "LF, no footer, blank lines in the data", opt: latin1,
			in:   "Stichtag: 30.09.2026\nKreis;Anzahl\n05970;1\n\n05966;-\n",
			meta: map[string]string{"Stichtag": "30.09.2026"},
			want: []string{`3 ["05970" "1"]`, `5 ["05966" "-"]`}},
		{name: "header first, UTF-8 with BOM", opt: StatTableOptions{Encoding: UTF8, HeaderFirst: "Kreis"},
			in:      "\xEF\xBB\xBFKreis;Anzahl\n05970;\"1\"\n",
			columns: []string{"Kreis", "Anzahl"}, meta: map[string]string{},
			want: []string{`2 ["05970" "1"]`}},
		{name: "quoted header and metadata with quotes", opt: latin1,
			in:      "\"Titel: \"\"Schutz\"\"\";x\n\"Kreis\";\"Anzahl\"\n1;2\n",
			columns: []string{"Kreis", "Anzahl"}, meta: map[string]string{"Titel": `"Schutz"`},
			want: []string{`3 ["1" "2"]`}},
		{name: "unreadable metadata line is skipped", opt: latin1,
			in:   "\"a\"b;c\nStichtag: 31.10.2026\nKreis;Anzahl\n1;2\n",
			meta: map[string]string{"Stichtag": "31.10.2026"},
			want: []string{`4 ["1" "2"]`}},
		{name: "ragged rows and a bad quote", opt: latin1,
			in:   "Kreis;AGS;Anzahl\n05970;05970040\n05970;05970040;1;x\n\"05970\"x;1;2\n05966;05966024;3\n",
			want: []string{"!2 2 Felder statt 3", "!3 4 Felder statt 3", "!4 Zeichen nach schließendem Anführungszeichen in Feld 1", `5 ["05966" "05966024" "3"]`}},
		{name: "last data line without line end", opt: latin1,
			in:   "Kreis;Anzahl\n05970;1\n05966;2",
			want: []string{`2 ["05970" "1"]`, "!3 Zeile abgeschnitten: kein Zeilenende am Dateiende"}},
		{name: "footer without line end", opt: latin1,
			in:   "Kreis;Anzahl\n05970;1\n____\nStand: 04.11.2026",
			meta: map[string]string{"Stand": "04.11.2026"},
			want: []string{`2 ["05970" "1"]`}},
		{name: "data after the footer's rule", opt: latin1,
			in: "Stichtag: 31.10.2026\r\nKreis;AGS;Gemeinde;Statusgruppe;Anzahl\r\n" +
				"05970;05970040;Siegen;Schutz;1234\r\n" +
				"__________\r\n" +
				"05966;05966024;Olpe;Schutz;321\r\n" +
				"05966;05966024;Olpe;Duldung;.\r\n" +
				"\"-\" = nichts vorhanden; \".\" = Zahlenwert unbekannt\r\n" +
				"Stand: 04.11.2026\r\n",
			meta: map[string]string{"Stichtag": "31.10.2026", "Stand": "04.11.2026"},
			want: []string{`3 ["05970" "05970040" "Siegen" "Schutz" "1234"]`,
				"!5 Datenzeile nach der Fußzeile (Trennlinie aus Unterstrichen in Zeile 4): nicht übernommen",
				"!6 Datenzeile nach der Fußzeile (Trennlinie aus Unterstrichen in Zeile 4): nicht übernommen"}},
		{name: "lines of separators only are blank lines", opt: latin1,
			in:   "Kreis;AGS;Anzahl\r\n05970;05970040;1\r\n;;\r\n;;;;;\r\n05966;05966024;2\r\n____\r\n;;\r\n",
			want: []string{`2 ["05970" "05970040" "1"]`, `5 ["05966" "05966024" "2"]`}},
		{name: "header only", opt: latin1, in: "Stichtag: 31.10.2026\nKreis;Anzahl\n",
			meta: map[string]string{"Stichtag": "31.10.2026"}},
		{name: "header only without line end", opt: latin1, in: "Kreis;Anzahl", columns: []string{"Kreis", "Anzahl"}},
		{name: "header and footer only", opt: latin1, in: "Kreis;Anzahl\n__\nStand: 01.11.2026\n",
			meta: map[string]string{"Stand": "01.11.2026"}},

		{name: "missing header", opt: latin1, in: "Stichtag: 31.10.2026\nGemeinde;Anzahl\nSiegen;1\n",
			wantErr: `keine Kopfzeile (beginnend mit "Kreis") gefunden`},
		{name: "wrong delimiter", opt: latin1, in: "Stichtag: 31.10.2026\nKreis,Anzahl\n05970,1\n",
			wantErr: `keine Kopfzeile (beginnend mit "Kreis") gefunden`},
		{name: "0 bytes", opt: latin1, in: "", wantErr: "keine Kopfzeile"},
		{name: "UTF-16", opt: latin1, in: "\xFF\xFEK\x00r\x00", wantErr: "Zeile 1: Datei ist UTF-16-kodiert (Byte-Order-Mark), erwartet ISO-8859-1"},
		{name: "undefined Windows-1252 byte in metadata", opt: StatTableOptions{Encoding: Windows1252, HeaderFirst: "Kreis"},
			in: "Stichtag\x81: 1\nKreis;Anzahl\n", wantErr: "Zeile 1: Feld 1 enthält Bytes, die in Windows-1252 ungültig sind"},
		{name: "undefined Windows-1252 byte in data", opt: StatTableOptions{Encoding: Windows1252, HeaderFirst: "Kreis"},
			in: "Kreis;Anzahl\n1;2\n3;\x9d\n", want: []string{`2 ["1" "2"]`}, wantErr: "Zeile 3: Feld 2 enthält Bytes, die in Windows-1252 ungültig sind"},
		{name: "undefined Windows-1252 byte in the footer", opt: StatTableOptions{Encoding: Windows1252, HeaderFirst: "Kreis"},
			in: "Kreis;Anzahl\n1;2\n___\nStand\x8f\n", want: []string{`2 ["1" "2"]`}, wantErr: "Zeile 4: Fußzeile enthält Bytes, die in Windows-1252 ungültig sind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewStatTable(strings.NewReader(tt.in), tt.opt)
			if err != nil {
				checkEnd(t, err, tt.wantErr)
				if tt.wantErr == "" || len(tt.want) > 0 {
					t.Fatalf("NewStatTable: %v", err)
				}
				return
			}
			defer closeReader(t, r)
			mr, ok := r.(MetaReader)
			if !ok {
				t.Fatalf("%T is not a MetaReader", r)
			}
			if tt.columns != nil && !slices.Equal(r.Columns(), tt.columns) {
				t.Errorf("Columns = %q, want %q", r.Columns(), tt.columns)
			}
			if tt.metaHead != nil && !maps.Equal(mr.Meta(), tt.metaHead) {
				t.Errorf("Meta after the header = %v, want %v", mr.Meta(), tt.metaHead)
			}
			got, err := events(t, r)
			checkEvents(t, got, tt.want)
			checkEnd(t, err, tt.wantErr)
			if tt.meta != nil && !maps.Equal(mr.Meta(), tt.meta) {
				t.Errorf("Meta = %v, want %v", mr.Meta(), tt.meta)
			}
		})
	}
}
