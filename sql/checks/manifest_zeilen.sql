-- manifest_zeilen: jede Lieferung von Arbeitsaufnahmen hat so viele Zeilen im Lager wie im Manifest angenommen, abzüglich der seither gelöschten (ipoint erase).
WITH manifest AS (
    SELECT name, rows_accepted, coalesce(rows_erased, 0) AS rows_erased
    FROM read_json(getvariable('lake') || '/manifest.jsonl', format = 'newline_delimited',
                   columns = {name: 'VARCHAR', export: 'VARCHAR', stichtag: 'VARCHAR', outcome: 'VARCHAR',
                              rows_accepted: 'BIGINT', rows_erased: 'BIGINT', superseded: 'BOOLEAN', expired: 'BOOLEAN'})
    WHERE export = 'arbeitsaufnahmen' AND outcome = 'ingested' AND NOT coalesce(superseded, false)
      AND NOT coalesce(expired, false)  -- retention deleted its rows
),
lager AS (
    SELECT regexp_replace(lieferung, '(\.p[0-9]+)?\.parquet$', '') AS basis, count(*) AS zeilen
    FROM stg_arbeitsaufnahmen_meldungen GROUP BY ALL
)
SELECT m.name, m.rows_accepted, m.rows_erased, coalesce(l.zeilen, 0) AS im_lager
FROM manifest m
LEFT JOIN lager l ON l.basis = regexp_replace(m.name, '\.csv$', '')
WHERE m.rows_accepted - m.rows_erased <> coalesce(l.zeilen, 0);
