-- aktualitaet: die neueste Lieferung jedes Exports ist nicht älter als erlaubt (Tage, Monatslieferungen 40).
WITH manifest AS (
    SELECT export, max(stichtag::DATE) AS neuester
    FROM read_json(getvariable('lake') || '/manifest.jsonl', format = 'newline_delimited',
                   columns = {name: 'VARCHAR', export: 'VARCHAR', stichtag: 'VARCHAR', outcome: 'VARCHAR',
                              rows_accepted: 'BIGINT', superseded: 'BOOLEAN'})
    WHERE outcome = 'ingested'
    GROUP BY export
),
erlaubt AS (
    SELECT export, CASE WHEN export IN ('beratungen', 'ki_schutzsuchende') THEN 40 ELSE getvariable('max_age_days') END AS tage
    FROM (SELECT unnest(['verbis_kunden', 'massnahmen', 'arbeitsaufnahmen', 'abh_aufenthalt', 'beratungen', 'ki_schutzsuchende']) AS export)
)
SELECT e.export, m.neuester, getvariable('today') - coalesce(m.neuester, DATE '1970-01-01') AS alter_tage, e.tage AS erlaubt_tage
FROM erlaubt e
LEFT JOIN manifest m USING (export)
WHERE m.neuester IS NULL OR getvariable('today') - m.neuester > e.tage;
