-- mart_integrationsquote: gleitende Integrationsquote über 12 Monate nach der Logik der Kennzahl K2
-- (§ 48a SGB II): Integrationen der letzten 12 Monate geteilt durch den durchschnittlichen Bestand
-- am Monatsstichtag (15.) derselben 12 Monate; dazu die Quote der Minijob-Aufnahmen.
-- * monat: letzter Monat des 12-Monats-Zeitraums
-- * bestand_stichtag: betreute Kunden am 15. des Monats
-- * integrationen_12m: Integrationen (K2-Zählweise) der 12 Monate
-- * bestand_durchschnitt_12m: durchschnittlicher Bestand der 12 Monate
-- * integrationsquote_12m: integrationen_12m / bestand_durchschnitt_12m
-- * minijobquote_12m: Minijob-Aufnahmen der 12 Monate / bestand_durchschnitt_12m
-- * vollstaendig: true, wenn alle 12 Monate in den Lieferungen liegen
CREATE TABLE mart_integrationsquote AS
WITH monate AS (
    SELECT monat, (monat + INTERVAL 14 DAY)::DATE AS stichtag,
           integrationen_k2, aufnahmen_mini
    FROM mart_monat
    -- a month counts once its Stichtag (the 15th) lies inside the deliveries
    WHERE monat + INTERVAL 14 DAY >= (SELECT erster_stichtag FROM dim_stichtage)
      AND monat + INTERVAL 14 DAY <= (SELECT stand FROM dim_stichtage)
),
bestand AS (
    SELECT m.monat, count(v.kunde_token) AS n
    FROM monate m
    LEFT JOIN stg_kunden_verlauf v
      ON v.valid_from <= m.stichtag AND (v.valid_to IS NULL OR v.valid_to > m.stichtag)
     AND v.zugang_ip <= m.stichtag AND (v.abgang_ip IS NULL OR v.abgang_ip > m.stichtag)
    GROUP BY m.monat
),
roll AS (
    SELECT m.monat, b.n AS bestand_stichtag,
           sum(m.integrationen_k2) OVER w AS integrationen_12m,
           sum(m.aufnahmen_mini) OVER w AS mini_12m,
           avg(b.n) OVER w AS bestand_durchschnitt_12m,
           count(*) OVER w AS monate
    FROM monate m JOIN bestand b USING (monat)
    WINDOW w AS (ORDER BY m.monat ROWS BETWEEN 11 PRECEDING AND CURRENT ROW)
)
SELECT monat, bestand_stichtag, integrationen_12m, bestand_durchschnitt_12m,
       integrationen_12m / nullif(bestand_durchschnitt_12m, 0) AS integrationsquote_12m,
       mini_12m / nullif(bestand_durchschnitt_12m, 0) AS minijobquote_12m,
       monate = 12 AS vollstaendig
FROM roll
ORDER BY monat;
