-- mart_abdeckung: Abdeckung der geflüchteten Bevölkerung je Monat und Kreis: betreute Kunden am
-- Monatsende im Verhältnis zu den Schutzsuchenden. Unbekannte Zellen (".") bleiben unbekannt.
-- * stichtag: Monatsende
-- * schutzsuchende_bekannt: Summe der bekannten Zellen
-- * zellen_unbekannt: Zahl der Zellen mit unbekanntem Wert
-- * schutzsuchende: Summe, nur wenn keine Zelle unbekannt ist (sonst leer)
-- * bestand: betreute Kunden am Monatsende
-- * abdeckung: bestand / schutzsuchende (leer, wenn die Bevölkerung nicht vollständig bekannt ist)
-- * abdeckung_hoechstens: bestand / schutzsuchende_bekannt (obere Schranke)
CREATE TABLE mart_abdeckung AS
WITH bev AS (
    SELECT stichtag, kreis, sum(anzahl) AS bekannt, count(*) FILTER (anzahl IS NULL) AS unbekannt
    FROM stg_schutzsuchende GROUP BY ALL
),
best AS (
    SELECT b.stichtag, v.kreis, count(*) AS n
    FROM (SELECT DISTINCT stichtag FROM stg_schutzsuchende) b
    JOIN stg_kunden_verlauf v
      ON v.valid_from <= b.stichtag AND (v.valid_to IS NULL OR v.valid_to > b.stichtag)
     AND v.zugang_ip <= b.stichtag AND (v.abgang_ip IS NULL OR v.abgang_ip > b.stichtag)
    GROUP BY ALL
)
SELECT bev.stichtag, bev.kreis, bev.bekannt AS schutzsuchende_bekannt, bev.unbekannt AS zellen_unbekannt,
       CASE WHEN bev.unbekannt = 0 THEN bev.bekannt END AS schutzsuchende,
       coalesce(best.n, 0) AS bestand,
       CASE WHEN bev.unbekannt = 0 AND bev.bekannt > 0 THEN coalesce(best.n, 0) / bev.bekannt END AS abdeckung,
       CASE WHEN bev.bekannt > 0 THEN coalesce(best.n, 0) / bev.bekannt END AS abdeckung_hoechstens
FROM bev LEFT JOIN best USING (stichtag, kreis)
ORDER BY bev.stichtag, bev.kreis;
