-- mart_abdeckung: Abdeckung der geflüchteten Bevölkerung je Monatsende und Kreis: betreute Kunden am Monatsende im
-- Verhältnis zu den Schutzsuchenden, gegen zwei Nenner: die monatliche Zahl des Kommunalen Integrationszentrums
-- (zum selben Monatsende) und die jährliche amtliche Zahl des Statistischen Bundesamts (zum letzten 31.12. davor,
-- auf ein Vielfaches von 5 gerundete Werte). Unbekannte Werte (".") und abgewiesene Zeilen machen die Zahl
-- unbekannt, nie kleiner.
-- * stichtag: Monatsende (ab dem ersten gelieferten Stichtag des Kundenbestands)
-- * kreis: Kreisschlüssel
-- * bestand: betreute Kunden am Monatsende
-- * bevoelkerung_geliefert: true, wenn die Tabelle des Kommunalen Integrationszentrums für das Monatsende vorliegt
-- * schutzsuchende_bekannt: Summe der bekannten Zellen der Tabelle des Integrationszentrums
-- * zellen_unbekannt: Zahl der Zellen mit unbekanntem Wert (".")
-- * zeilen_abgewiesen: abgewiesene Zeilen der Tabelle, die für den Kreis zählten oder keinem Kreis sicher zuzuordnen
--   sind
-- * schutzsuchende: Summe, nur wenn keine Zelle unbekannt und keine Zeile abgewiesen ist (sonst leer)
-- * abdeckung: bestand / schutzsuchende (leer, wenn die Bevölkerung nicht vollständig bekannt ist)
-- * abdeckung_hoechstens: bestand / schutzsuchende_bekannt (obere Schranke)
-- * amtlich_stichtag: Stichtag der neuesten amtlichen Zahl bis zum Monatsende (31.12.); leer, wenn keine vorliegt
-- * schutzsuchende_amtlich: Schutzsuchende laut amtlicher Statistik (core_schutzsuchende_amtlich); leer, wenn unbekannt
-- * amtlich_werte_unbekannt: unbekannte Werte (".") der obersten Ebene der amtlichen Tabelle
-- * amtlich_zeilen_abgewiesen: abgewiesene Zeilen der amtlichen Tabelle für den Kreis oder ohne sicheren Kreis
-- * amtlich_hierarchie_stimmig: false, wenn die Teile der amtlichen Tabelle nicht zu ihrer Summe passen
-- * abdeckung_amtlich: bestand / schutzsuchende_amtlich (leer, wenn die amtliche Zahl unbekannt ist)
CREATE TABLE mart_abdeckung AS
WITH monatsenden AS (
    SELECT (m + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE AS stichtag
    FROM dim_stichtage, generate_series(date_trunc('month', erster_stichtag), date_trunc('month', stand), INTERVAL 1 MONTH) AS t(m)
),
stichtage AS (
    SELECT m.stichtag, k.kreis
    FROM monatsenden m, dim_stichtage d, (SELECT unnest(['05966', '05970']) AS kreis) k
    WHERE m.stichtag >= d.erster_stichtag AND m.stichtag <= d.stand
       OR m.stichtag >= d.erster_stichtag AND m.stichtag IN (SELECT stichtag FROM stg_schutzsuchende)
),
geliefert AS (
    SELECT DISTINCT stichtag FROM stg_schutzsuchende
),
bev AS (
    SELECT stichtag, kreis, sum(anzahl) AS bekannt, count(*) FILTER (anzahl IS NULL) AS unbekannt
    FROM stg_schutzsuchende GROUP BY ALL
),
abgewiesen AS (
    SELECT s.stichtag, s.kreis, coalesce(sum(a.zeilen), 0) AS zeilen
    FROM stichtage s
    LEFT JOIN core_abgewiesene_zeilen a
      ON a.export = 'ki_schutzsuchende' AND a.stichtag = s.stichtag AND (a.kreis = s.kreis OR a.kreis = 'unbekannt')
    GROUP BY ALL
),
best AS (
    SELECT b.stichtag, v.kreis, count(*) AS n
    FROM (SELECT DISTINCT stichtag FROM stichtage) b
    JOIN stg_kunden_verlauf v
      ON v.valid_from <= b.stichtag AND (v.valid_to IS NULL OR v.valid_to > b.stichtag)
     AND v.zugang_ip <= b.stichtag AND (v.abgang_ip IS NULL OR v.abgang_ip > b.stichtag)
    GROUP BY ALL
),
amtlich AS (
    SELECT s.stichtag, s.kreis, a.stichtag AS amtlich_stichtag, a.schutzsuchende, a.werte_unbekannt, a.zeilen_abgewiesen,
           a.hierarchie_stimmig
    FROM stichtage s
    JOIN core_schutzsuchende_amtlich a ON a.kreis = s.kreis AND a.stichtag <= s.stichtag
    QUALIFY row_number() OVER (PARTITION BY s.stichtag, s.kreis ORDER BY a.stichtag DESC) = 1
),
ki AS (
    SELECT s.stichtag, s.kreis, g.stichtag IS NOT NULL AS geliefert,
           CASE WHEN g.stichtag IS NOT NULL THEN coalesce(bev.bekannt, 0) END AS bekannt,
           CASE WHEN g.stichtag IS NOT NULL THEN coalesce(bev.unbekannt, 0) END AS unbekannt,
           CASE WHEN g.stichtag IS NOT NULL THEN ab.zeilen END AS abgewiesen,
           -- a Kreis without any row in a delivered table is not known to be empty
           g.stichtag IS NOT NULL AND bev.kreis IS NOT NULL AND bev.unbekannt = 0 AND ab.zeilen = 0 AS vollstaendig
    FROM stichtage s
    LEFT JOIN geliefert g USING (stichtag)
    LEFT JOIN bev USING (stichtag, kreis)
    JOIN abgewiesen ab USING (stichtag, kreis)
)
SELECT s.stichtag, s.kreis, coalesce(best.n, 0) AS bestand,
       ki.geliefert AS bevoelkerung_geliefert, ki.bekannt AS schutzsuchende_bekannt, ki.unbekannt AS zellen_unbekannt,
       ki.abgewiesen AS zeilen_abgewiesen,
       CASE WHEN ki.vollstaendig THEN ki.bekannt END AS schutzsuchende,
       CASE WHEN ki.vollstaendig AND ki.bekannt > 0 THEN coalesce(best.n, 0) / ki.bekannt END AS abdeckung,
       CASE WHEN ki.bekannt > 0 THEN coalesce(best.n, 0) / ki.bekannt END AS abdeckung_hoechstens,
       am.amtlich_stichtag, am.schutzsuchende AS schutzsuchende_amtlich, am.werte_unbekannt AS amtlich_werte_unbekannt,
       am.zeilen_abgewiesen AS amtlich_zeilen_abgewiesen, am.hierarchie_stimmig AS amtlich_hierarchie_stimmig,
       CASE WHEN am.schutzsuchende > 0 THEN coalesce(best.n, 0) / am.schutzsuchende END AS abdeckung_amtlich
FROM stichtage s
JOIN ki USING (stichtag, kreis)
LEFT JOIN best USING (stichtag, kreis)
LEFT JOIN amtlich am USING (stichtag, kreis)
ORDER BY s.stichtag, s.kreis;
