-- mart_monat: Arbeits- und Ausbildungsaufnahmen je Monat des Beginns.
-- * monat: erster Tag des Monats
-- * aufnahmen_*: Aufnahmen nach Art (gültige Fassung, ohne Stornos)
-- * integrationen_k2: Integrationen nach § 48a SGB II (K2): Personen-Monate mit mindestens einer
--   Aufnahme der Art SVB_VZ, SVB_TZ, AUSB oder SELBST (höchstens eine je Person und Monat)
-- * vollstaendig: true, wenn die Lieferungen der Aufnahmen den ganzen Monat abdecken; false für den
--   ersten und den laufenden Monat und für Monate mit schon gemeldetem künftigem Beginn
CREATE TABLE mart_monat AS
WITH monate AS (
    SELECT m::DATE AS monat
    FROM dim_stichtage, generate_series(date_trunc('month', erster_stichtag), date_trunc('month', stand), INTERVAL 1 MONTH) AS t(m)
    UNION
    SELECT DISTINCT date_trunc('month', beginn)::DATE FROM stg_arbeitsaufnahmen
)
SELECT m.monat,
       count(a.aufnahme_id) FILTER (a.art = 'SVB_VZ') AS aufnahmen_svb_vz,
       count(a.aufnahme_id) FILTER (a.art = 'SVB_TZ') AS aufnahmen_svb_tz,
       count(a.aufnahme_id) FILTER (a.art = 'AUSB') AS aufnahmen_ausb,
       count(a.aufnahme_id) FILTER (a.art = 'SELBST') AS aufnahmen_selbst,
       count(a.aufnahme_id) FILTER (a.art = 'MINI') AS aufnahmen_mini,
       count(a.aufnahme_id) FILTER (a.art = 'PRAK') AS aufnahmen_prak,
       count(a.aufnahme_id) FILTER (a.art = 'EQ') AS aufnahmen_eq,
       count(DISTINCT a.kunde_token) FILTER (a.integration) AS integrationen_k2,
       abgedeckt('arbeitsaufnahmen', m.monat, last_day(m.monat)) AS vollstaendig
FROM monate m
LEFT JOIN stg_arbeitsaufnahmen a ON date_trunc('month', a.beginn) = m.monat
GROUP BY m.monat
ORDER BY m.monat;
