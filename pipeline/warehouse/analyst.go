package warehouse

import (
	"database/sql"
	"strings"
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
	b.WriteString("Erzeugt aus den Kommentaren in `sql/models/*.sql` (`go test ./pipeline/warehouse -run Dictionary -update`).\n")
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
