-- core_lieferungen: jede gelieferte Datei, wie das Manifest des Datensees sie verzeichnet (ohne
-- personenbezogene Daten), mit der Datenversion, auf der die Auswertungsdatenbank beruht.
-- * name: Dateiname der Lieferung
-- * export: Export (die Exporte und ihre Titel stehen in dim_export)
-- * stichtag: Stichtag der Lieferung
-- * ergebnis: ingested (im Datensee) oder quarantined (ganz in die Quarantäne verschoben)
-- * grund: Grund der Quarantäne
-- * zeilen_gelesen, zeilen_angenommen, zeilen_abgewiesen, zeilen_markiert: Zeilen der Datei
-- * ersetzt: true, wenn eine korrigierte Neulieferung die Datei ersetzt hat
-- * abgelaufen: true, wenn ipoint retention die Zeilen der Lieferung nach Ablauf der Frist gelöscht hat
-- * zeilen_geloescht: Zeilen, die ipoint erase seither aus der Lieferung gelöscht hat (Löschung einer Person)
-- * datenversion: SHA-256 des Manifests (gleich für alle Zeilen; steht im Fuß jedes Berichts)
CREATE TABLE core_lieferungen AS
WITH m AS (
    SELECT * FROM read_json(getvariable('lake') || '/manifest.jsonl', format = 'newline_delimited',
        columns = {name: 'VARCHAR', export: 'VARCHAR', stichtag: 'VARCHAR', outcome: 'VARCHAR', reason: 'VARCHAR',
                   rows_read: 'BIGINT', rows_accepted: 'BIGINT', rows_rejected: 'BIGINT', rows_flagged: 'BIGINT',
                   superseded: 'BOOLEAN', expired: 'BOOLEAN', rows_erased: 'BIGINT'})
)
SELECT m.name, m.export, m.stichtag::DATE AS stichtag, m.outcome AS ergebnis, m.reason AS grund,
       coalesce(m.rows_read, 0) AS zeilen_gelesen, coalesce(m.rows_accepted, 0) AS zeilen_angenommen,
       coalesce(m.rows_rejected, 0) AS zeilen_abgewiesen, coalesce(m.rows_flagged, 0) AS zeilen_markiert,
       coalesce(m.superseded, false) AS ersetzt, coalesce(m.expired, false) AS abgelaufen,
       coalesce(m.rows_erased, 0) AS zeilen_geloescht, getvariable('datenversion') AS datenversion
FROM m
ORDER BY m.export, m.stichtag, m.name;
