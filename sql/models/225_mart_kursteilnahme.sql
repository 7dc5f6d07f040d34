-- mart_kursteilnahme: Teilnahme an Sprachkursen je Monat: Eintritte, Austritte und laufende Teilnahmen am Monatsende.
-- * monat: erster Tag des Monats
-- * massnahmeart: Art des Sprachkurses: IK, IK_ALPHA, IK_JUGEND, BSK (dim_code)
-- * eintritte: Teilnahmen mit Beginn im Monat
-- * beendet, abgebrochen: Teilnahmen mit Ende im Monat, nach Ausgang
-- * laufend_monatsende: Teilnahmen, die am letzten Tag des Monats liefen
-- * vollstaendig: true, wenn die Lieferungen der Teilnahmen den ganzen Monat abdecken
CREATE TABLE mart_kursteilnahme AS
WITH monate AS (
    SELECT m::DATE AS monat, (m + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE AS monatsende
    FROM dim_stichtage, generate_series(date_trunc('month', erster_stichtag), date_trunc('month', stand), INTERVAL 1 MONTH) AS t(m)
),
kurse AS (
    SELECT * FROM core_teilnahmen WHERE sprachkurs
)
SELECT m.monat, k.massnahmeart,
       count(*) FILTER (date_trunc('month', k.beginn) = m.monat) AS eintritte,
       count(*) FILTER (k.teilnahmestatus = 'BEENDET' AND date_trunc('month', k.ende_tatsaechlich) = m.monat) AS beendet,
       count(*) FILTER (k.teilnahmestatus = 'ABGEBROCHEN' AND date_trunc('month', k.ende_tatsaechlich) = m.monat) AS abgebrochen,
       count(*) FILTER (k.beginn <= m.monatsende AND coalesce(k.ende_tatsaechlich, k.ende_geplant) > m.monatsende) AS laufend_monatsende,
       abgedeckt('massnahmen', m.monat, m.monatsende) AS vollstaendig
FROM monate m CROSS JOIN kurse k
GROUP BY ALL
ORDER BY ALL;
