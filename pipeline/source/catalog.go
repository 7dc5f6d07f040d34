package source

import (
	"fmt"

	"ipoint/pipeline"
)

// The export catalog: each export is declared once, in its own file of this package
// (verbis.go, massnahmen.go, ...), and listed in All. Everything downstream derives what
// it needs from these declarations: the ingest (format, encoding, columns, rules), the
// lake's layout (snapshot or delta), the warehouse's staging globs and its dim_export
// table, the freshness check, ipoint status, the reports' data-quality section and erase.
// Adding an export means its contract here, its generator writer (pipeline/synth) and its
// staging model (sql/models): nothing else.

// MonthlyMaxAgeDays is how old the newest delivery of a monthly export may be: the
// month's last day plus the ten days the agency has to deliver, rounded to 40.
const MonthlyMaxAgeDays = 40

// YearlyMaxAgeDays is how old the newest delivery of a yearly export may be: the
// official statistics of 31.12. are published in the summer after (Destatis: about June),
// so the newest is up to 18 months old before the next arrives; a quarter more for a
// late publication, rounded to 640 days.
const YearlyMaxAgeDays = 640

// DefaultDailyMaxAgeDays is how old the newest delivery of a daily export may be by
// default (a weekend and a holiday); `ipoint transform --max-age-days` sets another.
const DefaultDailyMaxAgeDays = 3

// Cadence is how often an export is delivered, in German for staff.
func (e *Export) Cadence() string {
	switch {
	case e.Monthly:
		return "monatlich"
	case e.Yearly:
		return "jährlich"
	}
	return "täglich"
}

// MaxAgeDays is how many days old the export's newest delivery may be before it is
// overdue, given the limit for daily exports.
func (e *Export) MaxAgeDays(daily int) int {
	switch {
	case e.Monthly:
		return MonthlyMaxAgeDays
	case e.Yearly:
		return YearlyMaxAgeDays
	}
	return daily
}

// PerKreis reports whether each Kreis delivers the export separately (its file name
// carries the Kreis).
func (e *Export) PerKreis() bool { return e.Pattern.SubexpIndex("kreis") >= 0 }

// Streams are the deliveries that must keep arriving: the export itself, or one per
// Kreis ("abh_aufenthalt/05966").
func (e *Export) Streams() []string {
	if !e.PerKreis() {
		return []string{e.Name}
	}
	out := make([]string, 0, len(pipeline.Kreise))
	for _, k := range pipeline.Kreise {
		out = append(out, Stream(e.Name, k))
	}
	return out
}

// Stream names one delivery stream: the export, and the Kreis where it delivers per Kreis.
func Stream(export, kreis string) string {
	if kreis == "" {
		return export
	}
	return export + "/" + kreis
}

// ClientColumn is the index of the column that holds the client's Kundennummer, or -1.
func (e *Export) ClientColumn() int {
	for i, c := range e.Columns {
		if c.Type == Kundennummer {
			return i
		}
	}
	return -1
}

// ClientMaster reports whether the export is the client master: a snapshot keyed by
// the Kundennummer, against which every other export's clients are checked (orphans).
func (e *Export) ClientMaster() bool {
	k := e.KeyColumn()
	return e.Snapshot && k >= 0 && e.Columns[k].Type == Kundennummer
}

// kindLabels are the German names of the findings' kinds, for staff.
var kindLabels = map[string]string{
	KindInvalidDate: "ungültiges Datum", KindUnknownCode: "unbekannter Schlüssel", KindBadIdentifier: "fehlerhafte Kennung",
	KindOutsideKreis: "Gemeinde außerhalb des Kreises", KindDuplicateKey: "doppelter Schlüssel",
	KindMissingReason: "Abgang ohne Abgangsgrund (übernommen)", KindTruncatedRow: "abgeschnittene Zeile",
	KindOrphan: "Person fehlt im Kundenbestand (übernommen)", KindTextDate: "Datum als Text (übernommen)",
	KindThousands: "Betrag mit Tausenderpunkten (übernommen)", KindMissingValue: "Pflichtfeld leer",
	KindInvalidNumber: "ungültige Zahl", KindInvalidValue: "ungültiger Wert", KindUnreadableRow: "unlesbare Zeile",
	KindInconsistent: "widersprüchliche Angaben", KindTooLong: "Wert zu lang", KindMissingColumn: "Pflichtspalte fehlt",
	KindDuplicateColumn: "Spalte doppelt", KindWrongHeader: "fremde Kopfzeile", KindBadEncoding: "falsche Zeichenkodierung",
	KindTooManyRejects: "zu viele fehlerhafte Zeilen", KindUnreadable: "Datei unlesbar", KindBadName: "Dateiname ungültig",
	KindWrongFormat: "falsches Dateiformat", KindForeignTable: "fremde Tabelle",
}

// KindLabel is the German name of a finding's kind (the kind itself if it has none).
func KindLabel(kind string) string {
	if n, ok := kindLabels[kind]; ok {
		return n
	}
	return kind
}

// Kinds lists every kind of finding, row kinds first.
func Kinds() []string {
	return []string{KindInvalidDate, KindUnknownCode, KindBadIdentifier, KindOutsideKreis, KindDuplicateKey,
		KindMissingReason, KindTruncatedRow, KindOrphan, KindTextDate, KindThousands, KindMissingValue,
		KindInvalidNumber, KindInvalidValue, KindUnreadableRow, KindInconsistent, KindTooLong,
		KindMissingColumn, KindDuplicateColumn, KindWrongHeader, KindBadEncoding, KindTooManyRejects, KindUnreadable, KindBadName, KindWrongFormat, KindForeignTable}
}

// validKreis reports whether a Kreis key from a file name is one of the office's.
func validKreis(k string) error {
	for _, c := range pipeline.Kreise {
		if c == k {
			return nil
		}
	}
	return fmt.Errorf("unbekannter Kreis %s im Dateinamen", k)
}
