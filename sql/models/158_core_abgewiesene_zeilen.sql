-- core_abgewiesene_zeilen: abgewiesene Zeilen der Zähltabellen (Schutzsuchende des Kommunalen Integrationszentrums und
-- des Statistischen Bundesamts) je Lieferung und Kreis, wie das Manifest sie verzeichnet. Eine abgewiesene Zeile
-- kann beliebig viele Personen enthalten haben: sie macht die Summe ihres Kreises unbekannt, wie ein "." es tut.
-- * export: Export (ki_schutzsuchende, destatis_12531)
-- * stichtag: Stichtag der Lieferung
-- * kreis: Kreis, für den die Zeile zählte; "unbekannt", wo die Zeile es nicht sicher sagt (dann sind die Summen
--   beider Kreise unbekannt)
-- * zeilen: Zahl der abgewiesenen Zeilen
CREATE TABLE core_abgewiesene_zeilen AS
WITH m AS (
    SELECT * FROM read_json(getvariable('lake') || '/manifest.jsonl', format = 'newline_delimited',
        columns = {export: 'VARCHAR', stichtag: 'VARCHAR', outcome: 'VARCHAR', superseded: 'BOOLEAN', expired: 'BOOLEAN',
                   rows_rejected_kreis: 'MAP(VARCHAR, BIGINT)'})
    WHERE outcome = 'ingested' AND NOT coalesce(superseded, false) AND NOT coalesce(expired, false)
      AND rows_rejected_kreis IS NOT NULL
),
e AS (
    SELECT export, stichtag::DATE AS stichtag, unnest(map_entries(rows_rejected_kreis)) AS e FROM m
)
SELECT export, stichtag, e.key AS kreis, sum(e.value)::BIGINT AS zeilen
FROM e GROUP BY ALL
ORDER BY export, stichtag, kreis;
