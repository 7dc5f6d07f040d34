package reports

import (
	"context"
	"database/sql"
	"time"
)

// undelivered returns the exports of which the lake holds no delivery yet (the first
// nights of an installation), each with its title: a section that rests on one says
// "noch keine Lieferung" instead of showing figures of an export that is empty.
func undelivered(ctx context.Context, db *sql.DB) (map[string]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT export, titel FROM dim_export
		WHERE export NOT IN (SELECT export FROM core_lieferungen WHERE ergebnis = 'ingested')`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, title string
		if err := rows.Scan(&name, &title); err != nil {
			return nil, err
		}
		out[name] = title
	}
	return out, rows.Err()
}

// The exports a section rests on beside the client master (as the catalog names them).
const (
	exportConsultations = "beratungen"
	exportPopulation    = "ki_schutzsuchende"
)

// noDelivery is what a figure resting on an export not delivered yet shows.
const noDelivery = "noch keine Lieferung"

// loadQuality reads the data-quality section for the period from..to: each export's
// newest delivery up to the period's end, the deliveries of the period with their
// rejected rows, the files quarantined in it, and the warehouse's checks.
func loadQuality(ctx context.Context, db *sql.DB, from, to time.Time) (*Quality, error) {
	q := &Quality{}
	f, t := from.Format(time.DateOnly), to.Format(time.DateOnly)
	// The exports, their labels and freshness limits come from the export catalog, as
	// the warehouse keeps it (dim_export).
	type export struct {
		name, label string
		maxAge      int
	}
	var exports []export
	erows, err := db.QueryContext(ctx, `SELECT export, titel || ', ' || turnus, hoechstalter_tage FROM dim_export ORDER BY reihenfolge`)
	if err != nil {
		return nil, err
	}
	for erows.Next() {
		var e export
		if err := erows.Scan(&e.name, &e.label, &e.maxAge); err != nil {
			erows.Close()
			return nil, err
		}
		exports = append(exports, e)
	}
	erows.Close()
	if err := erows.Err(); err != nil {
		return nil, err
	}
	for _, e := range exports {
		st := ExportState{Name: e.name, Label: e.label}
		var newest sql.NullTime
		err := db.QueryRowContext(ctx, `SELECT max(stichtag) FILTER (ergebnis = 'ingested' AND stichtag <= ?::DATE),
			count(*) FILTER (stichtag BETWEEN ?::DATE AND ?::DATE),
			coalesce(sum(zeilen_gelesen) FILTER (stichtag BETWEEN ?::DATE AND ?::DATE AND ergebnis = 'ingested' AND NOT ersetzt), 0)::BIGINT,
			coalesce(sum(zeilen_abgewiesen) FILTER (stichtag BETWEEN ?::DATE AND ?::DATE AND ergebnis = 'ingested' AND NOT ersetzt), 0)::BIGINT
			FROM core_lieferungen WHERE export = ?`, t, f, t, f, t, f, t, e.name).Scan(&newest, &st.Files, &st.Rows, &st.Rejected)
		if err != nil {
			return nil, err
		}
		if newest.Valid {
			st.Newest = newest.Time.UTC()
			st.AgeDays = int(to.Sub(st.Newest).Hours() / 24)
		}
		st.Stale = !newest.Valid || st.AgeDays > e.maxAge
		q.Exports = append(q.Exports, st)
	}
	rows, err := db.QueryContext(ctx, `SELECT name, export, coalesce(grund, '') FROM core_lieferungen
		WHERE ergebnis = 'quarantined' AND stichtag BETWEEN ?::DATE AND ?::DATE ORDER BY stichtag, name`, f, t)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var qf QuarantinedFile
		if err := rows.Scan(&qf.Name, &qf.Export, &qf.Reason); err != nil {
			return nil, err
		}
		q.Quarantined = append(q.Quarantined, qf)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	crows, err := db.QueryContext(ctx, `SELECT name, beschreibung, anzahl, hinweis FROM pruefungen ORDER BY hinweis, name`)
	if err != nil {
		return nil, err
	}
	defer crows.Close()
	for crows.Next() {
		var c Check
		if err := crows.Scan(&c.Name, &c.Description, &c.Rows, &c.Notice); err != nil {
			return nil, err
		}
		q.Checks = append(q.Checks, c)
	}
	return q, crows.Err()
}
