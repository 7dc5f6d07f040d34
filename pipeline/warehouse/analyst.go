package warehouse

import (
	"context"
	"database/sql"
	"strings"

	sqlfiles "ipoint/sql"
)

// OpenAnalyst opens the warehouse for an analyst: read-only, and locked so that SQL
// cannot read or write files on the machine, attach other databases, or install or load
// extensions (OpenLocked: no DSN is built from the path). The pseudonymisation key is
// never involved.
func OpenAnalyst(path string, threads int, memoryLimit string) (*sql.DB, error) {
	db, err := OpenLocked(path, Locked{Threads: threads, MemoryLimit: memoryLimit})
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// TableDoc documents a model: its German description and its columns'.
type TableDoc struct {
	Name        string
	Description string
	Columns     map[string]string
	Order       []string
}

// Dictionary returns the documentation of every model, from the comments at the head
// of its SQL file: "-- name: description" first, "-- * column[, column]: description"
// for columns (continued on lines indented by three spaces), other comment lines add to
// the table's description.
func Dictionary() ([]TableDoc, error) {
	models, err := Models()
	if err != nil {
		return nil, err
	}
	var out []TableDoc
	for _, m := range models {
		d := TableDoc{Name: m.Name, Columns: map[string]string{}}
		var last []string
		for i, line := range strings.Split(m.SQL, "\n") {
			if !strings.HasPrefix(line, "--") {
				break
			}
			text := strings.TrimPrefix(line, "--")
			switch {
			case i == 0:
				_, d.Description, _ = strings.Cut(text, ":")
			case strings.HasPrefix(text, " * "):
				k, v, _ := strings.Cut(strings.TrimPrefix(text, " * "), ":")
				last = last[:0]
				for _, name := range strings.Split(k, ",") {
					name = strings.TrimSpace(name)
					d.Columns[name] = strings.TrimSpace(v)
					d.Order = append(d.Order, name)
					last = append(last, name)
				}
			case strings.HasPrefix(text, "   ") && len(last) > 0:
				for _, name := range last {
					d.Columns[name] += " " + strings.TrimSpace(text)
				}
			default:
				d.Description += " " + strings.TrimSpace(text)
			}
		}
		d.Description = strings.TrimSpace(d.Description)
		out = append(out, d)
	}
	return out, nil
}

// Glossary returns the meaning of the columns that several tables share
// (sql/spalten.txt): one name, one meaning. A model's own comment goes before it.
func Glossary() (map[string]string, error) {
	b, err := sqlfiles.Files.ReadFile("spalten.txt")
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	var last string
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "   ") && last != "":
			out[last] += " " + strings.TrimSpace(line)
		default:
			k, v, _ := strings.Cut(line, ":")
			last = strings.TrimSpace(k)
			out[last] = strings.TrimSpace(v)
		}
	}
	return out, nil
}

// checksDoc documents the table pruefungen, which the build writes after the models.
var checksDoc = TableDoc{Name: "pruefungen",
	Description: "Ergebnis jeder Prüfung des letzten Aufbaus (sql/checks; ipoint status zeigt die fehlgeschlagenen). " +
		"Eine Prüfung ist bestanden, wenn sie keine Zeile findet; ein Hinweis lässt den Lauf nicht scheitern.",
	Columns: map[string]string{
		"name":         "Name der Prüfung (Datei in sql/checks)",
		"beschreibung": "was die Prüfung findet, auf Deutsch",
		"hinweis":      "true, wenn ein Fund nur ein Hinweis ist (etwa Waisen: Aufnahmen von Personen, die der Kundenbestand nicht kennt)",
		"anzahl":       "gefundene Zeilen (0: bestanden)",
	},
	Order: []string{"name", "beschreibung", "hinweis", "anzahl"}}

// DescribeWarehouse documents a built warehouse: every table and view an analyst sees, with
// every column in the order the warehouse has them and its meaning (the model's
// comment, else the glossary; empty when neither says), and the macros. Pitfalls and
// joins are part of the descriptions.
func DescribeWarehouse(ctx context.Context, db *sql.DB) ([]TableDoc, error) {
	models, err := Dictionary()
	if err != nil {
		return nil, err
	}
	glossary, err := Glossary()
	if err != nil {
		return nil, err
	}
	cols := map[string][]string{}
	rows, err := db.QueryContext(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = 'main' ORDER BY table_name, ordinal_position`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			return nil, err
		}
		cols[t] = append(cols[t], c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []TableDoc
	seen := map[string]bool{}
	for _, d := range append(models, checksDoc) {
		seen[d.Name] = true
		names, ok := cols[d.Name]
		if !ok {
			out = append(out, TableDoc{Name: d.Name, Description: d.Description, Columns: map[string]string{}})
			continue
		}
		full := TableDoc{Name: d.Name, Description: d.Description, Columns: map[string]string{}, Order: names}
		for _, c := range names {
			if s := d.Column(c); s != "" {
				full.Columns[c] = s
			} else {
				full.Columns[c] = glossary[c]
			}
		}
		out = append(out, full)
	}
	for t := range cols {
		if !seen[t] {
			out = append(out, TableDoc{Name: t, Columns: map[string]string{}, Order: cols[t]})
		}
	}
	return out, nil
}

// Column returns a column's description; a pattern such as "aufnahmen_*" documents
// every column it matches.
func (d TableDoc) Column(name string) string {
	if s, ok := d.Columns[name]; ok {
		return s
	}
	for k, s := range d.Columns {
		if prefix, ok := strings.CutSuffix(k, "*"); ok && strings.HasPrefix(name, prefix) {
			return s
		}
	}
	return ""
}

// Markdown renders the dictionary for docs/.
func Markdown(docs []TableDoc) string {
	var b strings.Builder
	b.WriteString("# Datenwörterbuch der Auswertungsdatenbank\n\n")
	b.WriteString("Jede Tabelle der Auswertungsdatenbank mit jeder Spalte, wie Analysten sie sehen (`ipoint sql`,\n" +
		"`ipoint serve`). Erzeugt aus den Kommentaren in `sql/models/*.sql` und der Liste gemeinsamer Spalten\n" +
		"`sql/spalten.txt` (`go test ./pipeline/warehouse -run Dictionary -update`).\n\n" +
		"Stolpersteine:\n\n" +
		"- **Kunden vor der ersten Lieferung.** `core_kunden` enthält auch Kunden, die schon vor der ersten\n" +
		"  Lieferung zugegangen sind (`zugang_ip` vor `dim_stichtage.erster_stichtag`); ihre frühen\n" +
		"  Arbeitsaufnahmen und Abgänge kennt ipoint nicht. Eine Dauer bis zur ersten Arbeit nur über Kunden mit\n" +
		"  `zugang_ip >= (SELECT erster_stichtag FROM dim_stichtage)` rechnen (wie `mart_kohorte`).\n" +
		"- **Angebrochene Zeiträume.** Die erste und die laufende Woche, der erste und der laufende Monat sind\n" +
		"  nicht vollständig geliefert: jede Zeitraum-Tabelle hat die Spalte `vollstaendig`; Summen und\n" +
		"  Vergleiche nur über `vollstaendig`.\n" +
		"- **Geheimhaltung.** Die Tabellen enthalten ungeschützte Zahlen; veröffentlicht werden nur die Berichte\n" +
		"  (kleine Zahlen geheim gehalten, siehe docs/suppression.md).\n" +
		"- **Verknüpfungen.** Personen über `kunde_token`; Kreise über `kreis` mit `dim_kreis`; Gemeinden über\n" +
		"  `gemeinde` mit `dim_gemeinde`; Codes über (Export, Spalte, Code) mit `dim_code`.\n")
	for _, d := range docs {
		b.WriteString("\n## " + d.Name + "\n\n" + d.Description + "\n")
		if len(d.Order) > 0 {
			b.WriteString("\n| Spalte | Bedeutung |\n| --- | --- |\n")
			for _, c := range d.Order {
				b.WriteString("| `" + c + "` | " + d.Columns[c] + " |\n")
			}
		}
	}
	return b.String()
}
