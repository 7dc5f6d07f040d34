-- aktualitaet: die neueste Lieferung jedes Exports ist nicht älter als erlaubt (Höchstalter je Export in dim_export).
WITH manifest AS (
    SELECT export, max(stichtag::DATE) AS neuester
    FROM read_json(getvariable('lake') || '/manifest.jsonl', format = 'newline_delimited',
                   columns = {name: 'VARCHAR', export: 'VARCHAR', stichtag: 'VARCHAR', outcome: 'VARCHAR',
                              rows_accepted: 'BIGINT', superseded: 'BOOLEAN'})
    WHERE outcome = 'ingested'
    GROUP BY export
)
SELECT e.export, m.neuester, getvariable('today') - coalesce(m.neuester, DATE '1970-01-01') AS alter_tage,
       e.hoechstalter_tage AS erlaubt_tage
FROM dim_export e
LEFT JOIN manifest m USING (export)
WHERE m.neuester IS NULL OR getvariable('today') - m.neuester > e.hoechstalter_tage;
