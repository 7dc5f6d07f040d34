-- pseudonyme: die Kennungen der Behörden (Aufnahme_ID, Teilnahme_ID, Meldungen, Beratungen) stehen nur als Pseudonym im Lager.
-- Ein Datensee, der vor der Pseudonymisierung der Kennungen übernommen wurde, hält sie im Klartext: er muss neu übernommen werden.
-- Gezählt je Spalte; keine Kennung wird gezeigt.
SELECT spalte, count(*) AS klartext
FROM (
    SELECT 'aufnahme_id' AS spalte, aufnahme_id AS wert FROM stg_arbeitsaufnahmen_meldungen
    UNION ALL SELECT 'teilnahme_id', teilnahme_id FROM stg_massnahmen_verlauf
    UNION ALL SELECT 'meldung_id', meldung_id FROM stg_aufenthalt
    UNION ALL SELECT 'beratung_id', beratung_id FROM stg_beratungen
)
WHERE NOT regexp_full_match(wert, 'R-[a-z2-7]{26}')
GROUP BY spalte;
