package read

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestRecordLimits (issue 15): a record of more fields than any delivery has is a
// rejected row (a header of them an unreadable file), a JSON object of more members
// likewise; at the limit they are read. Neither is split into millions of strings.
func TestRecordLimits(t *testing.T) {
	header := "a;b\n"
	semis := func(n int) string { return "x" + strings.Repeat(";", n-1) } // n fields, all but the first empty (a line of separators only is blank)
	quoted := func(n int) string { return `"x";` + strings.Repeat(`"";`, n-2) + `""` }
	for _, c := range []struct {
		name, data string
		want       string // the row's error; "" read
	}{
		{"10,001 fields", header + semis(maxFields+1) + "\n", "Zeile 2: mehr als 10.000 Felder: so viele Spalten hat keine Lieferung"},
		{"10,001 quoted fields", header + quoted(maxFields+1) + "\n", "Zeile 2: mehr als 10.000 Felder"},
		{"10,000 fields", header + semis(maxFields) + "\n", "Zeile 2: 10000 Felder statt 2"},
		{"10,000 quoted fields", header + quoted(maxFields) + "\n", "Zeile 2: 10000 Felder statt 2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := NewCSV(strings.NewReader(c.data), CSVOptions{Encoding: UTF8})
			if err != nil {
				t.Fatal(err)
			}
			_, err = r.Next()
			var re *RowError
			if !errors.As(err, &re) || !strings.Contains(re.Error(), c.want) {
				t.Errorf("got %v, want a row error %q", err, c.want)
			}
			if _, err := r.Next(); err != io.EOF {
				t.Errorf("after the row: %v", err)
			}
		})
	}
	if _, err := NewCSV(strings.NewReader(semis(maxFields+1)+"\n"), CSVOptions{Encoding: UTF8}); err == nil ||
		!strings.Contains(err.Error(), "Kopfzeile nicht lesbar: mehr als 10.000 Felder") {
		t.Errorf("a header of 10,001 fields: %v", err)
	}

	object := func(n int) string {
		var b strings.Builder
		b.WriteString(`{"id":"B-1","nested":{"a:b":1,"c":[1,{"d":2}]},"t":"x:y\":z"`)
		for i := 3; i < n; i++ {
			fmt.Fprintf(&b, `,"k%d":0`, i)
		}
		b.WriteString("}\n")
		return b.String()
	}
	r, err := NewJSONL(strings.NewReader(object(maxJSONKeys)+object(maxJSONKeys+1)), []string{"id"})
	if err != nil {
		t.Fatal(err)
	}
	if row, err := r.Next(); err != nil || row.Fields[0] != "B-1" {
		t.Errorf("an object of 1,000 members: %v %v", row, err)
	}
	var re *RowError
	if _, err := r.Next(); !errors.As(err, &re) || !strings.Contains(re.Error(), "Zeile 2: JSON-Objekt mit mehr als 1.000 Feldern") {
		t.Errorf("an object of 1,001 members: %v", err)
	}
}

// TestExtraNamesCut: a name collected for Extra (an unknown JSON key, an XML element)
// is kept to 100 bytes of valid UTF-8, however long it is.
func TestExtraNamesCut(t *testing.T) {
	long := strings.Repeat("ü", 1<<20)
	r, err := NewJSONL(strings.NewReader(`{"id":"B-1","`+long+`":1}`+"\n"), []string{"id"})
	if err != nil {
		t.Fatal(err)
	}
	x, err := NewXML(strings.NewReader(`<?xml version="1.0"?><wurzel><satz><id>1</id><`+strings.Repeat("n", 5000)+`>x</`+strings.Repeat("n", 5000)+`></satz></wurzel>`),
		XMLOptions{Root: "wurzel", Record: "satz", Fields: []string{"id"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, rd := range []Reader{r, x} {
		for {
			if _, err := rd.Next(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatal(err)
			}
		}
		extra := rd.Extra()
		if len(extra) != 1 || len(extra[0]) > maxExtraName || !utf8.ValidString(extra[0]) || !strings.HasSuffix(extra[0], "…") {
			t.Errorf("extra names %q", extra)
		}
	}
}

// TestXMLSyntaxInGerman: a document that is not well-formed is told in German, naming
// markup; the log (Detail) gets the line, never the decoder's message, which may quote
// the document.
func TestXMLSyntaxInGerman(t *testing.T) {
	opt := XMLOptions{Root: "aufenthaltsmeldungen", Record: "meldung", Fields: []string{"status"}}
	for _, c := range []struct{ doc, want string }{
		{"<aufenthaltsmeldungen><meldung></aufenthaltsmeldungen>", "Element <meldung> durch </aufenthaltsmeldungen> geschlossen"},
		{"<aufenthaltsmeldungen><meldung id=1></meldung></aufenthaltsmeldungen>", "Attributwert fehlt oder steht nicht in Anführungszeichen"},
		{"<aufenthaltsmeldungen><meldung a></meldung></aufenthaltsmeldungen>", "Attribut ohne = im Element"},
		{"<aufenthaltsmeldungen><!- x --></aufenthaltsmeldungen>", "Folge <!- ohne Kommentar"},
		{"<aufenthaltsmeldungen><meldung><status>\x01</status></meldung></aufenthaltsmeldungen>", "unzulässiges Zeichen U+0001"},
		{"<aufenthaltsmeldungen></meldung>", "Element <aufenthaltsmeldungen> durch </meldung> geschlossen"},
		{"<aufenthaltsmeldungen><meldung><status>]]></status></meldung></aufenthaltsmeldungen>", "]]> außerhalb eines CDATA-Abschnitts"},
		{"<aufenthaltsmeldungen><meldung><status>&Müller;</status></meldung></aufenthaltsmeldungen>", "ungültiger Entitätsverweis"},
		// Names other than the export's may be a person's: only their length is said.
		{"<aufenthaltsmeldungen><Mueller_Anna></Yilmaz_Ali></aufenthaltsmeldungen>",
			"Element <(Name nicht wiedergegeben, 12 Zeichen)> durch </(Name nicht wiedergegeben, 10 Zeichen)> geschlossen"},
		{"<aufenthaltsmeldungen><meldung><status></Müller></meldung></aufenthaltsmeldungen>",
			"Element <status> durch </(Name nicht wiedergegeben, 6 Zeichen)> geschlossen"},
	} {
		r, err := NewXML(strings.NewReader(`<?xml version="1.0" encoding="UTF-8"?>`+"\n"+c.doc), opt)
		if err == nil {
			for err == nil {
				_, err = r.Next()
			}
		}
		var fe *FileError
		if !errors.As(err, &fe) || !strings.Contains(fe.Reason, "kein wohlgeformtes XML: "+c.want) || !strings.Contains(fe.Detail, "XML syntax error on line") {
			t.Errorf("%q: %v, want %q", c.doc, err, c.want)
			continue
		}
		if strings.Contains(fe.Reason+fe.Detail, "ller") { // the log is outside the quarantine: no name there either
			t.Errorf("%q: the document's text in %q / %q", c.doc, fe.Reason, fe.Detail)
		}
		for _, english := range []string{"closed by", "unquoted", "attribute", "invalid", "illegal", "unescaped", "element <"} {
			if strings.Contains(fe.Reason, english) {
				t.Errorf("%q: English in %q", c.doc, fe.Reason)
			}
		}
	}
}
