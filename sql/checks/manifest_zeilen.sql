-- manifest_zeilen: jede Lieferung von Arbeitsaufnahmen hat so viele Zeilen im Lager wie im Manifest angenommen.
WITH manifest AS (
    SELECT name, rows_accepted
    FROM read_json(getvariable('lake') || '/manifest.jsonl', format = 'newline_delimited',
                   columns = {name: 'VARCHAR', export: 'VARCHAR', stichtag: 'VARCHAR', outcome: 'VARCHAR',
                              rows_accepted: 'BIGINT', superseded: 'BOOLEAN', expired: 'BOOLEAN'})
    WHERE export = 'arbeitsaufnahmen' AND outcome = 'ingested' AND NOT coalesce(superseded, false)
      AND NOT coalesce(expired, false)  -- retention deleted its rows
),
lager AS (
    SELECT regexp_replace(lieferung, '(\.p[0-9]+)?\.parquet$', '') AS basis, count(*) AS zeilen
    FROM stg_arbeitsaufnahmen_meldungen GROUP BY ALL
)
SELECT m.name, m.rows_accepted, coalesce(l.zeilen, 0) AS im_lager
FROM manifest m
LEFT JOIN lager l ON l.basis = regexp_replace(m.name, '\.csv$', '')
WHERE m.rows_accepted <> coalesce(l.zeilen, 0);
