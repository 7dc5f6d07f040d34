-- mart_monat_kreis: Kennzahlen je Kalendermonat und Kreis für den Monatsbericht: Zugänge, Abgänge,
-- Bestand am Monatsende und Integrationen (K2). Personen, die der Kundenbestand nicht kennt,
-- stehen mit Integrationen unter kreis = 'ohne' (so addieren sich die Kreise zur Summe in
-- mart_monat). Abgänge nach Grund je Tag: mart_bewegung_tag.
-- * kreis: Kreisschlüssel (dim_kreis) oder ohne
-- * zugaenge: Zugänge im Monat
-- * abgaenge: Abgänge im Monat
-- * bestand_monatsende: betreute Kunden am letzten Tag des Monats (leer, wenn der Tag nach dem Stand
--   der Daten liegt)
-- * integrationen_k2: Integrationen nach § 48a SGB II (K2) im Monat: Personen mit mindestens einer
--   Aufnahme der Art SVB_VZ, SVB_TZ, AUSB oder SELBST, nach dem Kreis des Kunden
-- * vollstaendig: true, wenn die Lieferungen des Kundenbestands und der Aufnahmen den ganzen Monat
--   abdecken
CREATE TABLE mart_monat_kreis AS
WITH monate AS (
    SELECT m::DATE AS monat, last_day(m::DATE) AS monatsende
    FROM dim_stichtage, generate_series(date_trunc('month', erster_stichtag), date_trunc('month', stand), INTERVAL 1 MONTH) AS t(m)
),
gitter AS (
    SELECT monat, monatsende, kreis FROM monate, (SELECT unnest(['05966', '05970', 'ohne']) AS kreis)
),
bewegung AS (
    SELECT date_trunc('month', tag)::DATE AS monat, kreis,
           sum(anzahl) FILTER (bewegung = 'zugang') AS zugaenge,
           sum(anzahl) FILTER (bewegung = 'abgang') AS abgaenge
    FROM mart_bewegung_tag GROUP BY ALL
),
bestand AS (
    SELECT m.monat, v.kreis, count(*) AS n
    FROM monate m
    JOIN stg_kunden_verlauf v
      ON v.valid_from <= m.monatsende AND (v.valid_to IS NULL OR v.valid_to > m.monatsende)
     AND v.zugang_ip <= m.monatsende AND (v.abgang_ip IS NULL OR v.abgang_ip > m.monatsende)
    WHERE m.monatsende <= (SELECT stand FROM dim_stichtage)
    GROUP BY ALL
),
k2 AS (
    SELECT date_trunc('month', beginn)::DATE AS monat, coalesce(kreis, 'ohne') AS kreis, count(DISTINCT kunde_token) AS n
    FROM core_aufnahmen WHERE integration GROUP BY ALL
)
SELECT g.monat, g.kreis,
       CASE WHEN g.kreis <> 'ohne' THEN coalesce(b.zugaenge, 0) END::BIGINT AS zugaenge,
       CASE WHEN g.kreis <> 'ohne' THEN coalesce(b.abgaenge, 0) END::BIGINT AS abgaenge,
       CASE WHEN g.kreis <> 'ohne' AND g.monatsende <= (SELECT stand FROM dim_stichtage) THEN coalesce(s.n, 0) END AS bestand_monatsende,
       coalesce(k.n, 0) AS integrationen_k2,
       abgedeckt('verbis_kunden', g.monat, g.monatsende) AND abgedeckt('arbeitsaufnahmen', g.monat, g.monatsende) AS vollstaendig
FROM gitter g
LEFT JOIN bewegung b USING (monat, kreis)
LEFT JOIN bestand s USING (monat, kreis)
LEFT JOIN k2 k USING (monat, kreis)
ORDER BY g.monat, g.kreis;
