-- manifest_zeilen: jede Lieferung von Arbeitsaufnahmen hat so viele Zeilen im Lager wie im Manifest angenommen, abzüglich der seither gelöschten (ipoint erase).
-- Das Lager kennt den Namen der Lieferung nicht (Datenschutz), nur ihren Stichtag: je Stichtag gibt es eine Lieferung.
WITH manifest AS (
    SELECT stichtag::DATE AS stichtag, string_agg(name, ', ' ORDER BY name) AS name,
           sum(rows_accepted) AS rows_accepted, sum(coalesce(rows_erased, 0)) AS rows_erased
    FROM read_json(getvariable('lake') || '/manifest.jsonl', format = 'newline_delimited',
                   columns = {name: 'VARCHAR', export: 'VARCHAR', stichtag: 'VARCHAR', outcome: 'VARCHAR',
                              rows_accepted: 'BIGINT', rows_erased: 'BIGINT', superseded: 'BOOLEAN', expired: 'BOOLEAN'})
    WHERE export = 'arbeitsaufnahmen' AND outcome = 'ingested' AND NOT coalesce(superseded, false)
      AND NOT coalesce(expired, false)  -- retention deleted its rows
    GROUP BY ALL
),
lager AS (
    SELECT stichtag::DATE AS stichtag, count(*) AS zeilen
    FROM stg_arbeitsaufnahmen_meldungen GROUP BY ALL
)
SELECT m.name, m.rows_accepted, m.rows_erased, coalesce(l.zeilen, 0) AS im_lager
FROM manifest m
LEFT JOIN lager l USING (stichtag)
WHERE m.rows_accepted - m.rows_erased <> coalesce(l.zeilen, 0);
