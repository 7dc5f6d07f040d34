-- mart_struktur_monat: Zusammensetzung des Bestands am Ende jedes Monats und je Kreis, nach Merkmal.
-- Nur Monatsenden innerhalb der Lieferungen: Gliederungen nach Staatsangehörigkeit und Gemeinde
-- werden nur monatlich veröffentlicht (Geheimhaltung: Bestandsdifferenzen zwischen Wochen könnten
-- einzelne Personen erkennbar machen).
-- * monat: erster Tag des Monats
-- * stichtag: letzter Tag des Monats
-- * merkmal: staatsangehoerigkeit, herkunftsgruppe, altersgruppe, geschlecht, sprachniveau, gemeinde
-- * auspraegung: Ausprägung des Merkmals (Staatsangehörigkeit als ISO-Code, Altersgruppe in Jahren
--   am Stichtag aus dem Geburtsjahr, Sprachniveau nach GER, Gemeinde als Gemeindeschlüssel;
--   "unbekannt", wenn nicht geliefert)
-- * kreis: Kreisschlüssel (dim_kreis)
-- * anzahl: betreute Kunden am Stichtag
-- * vollstaendig: true, wenn eine Lieferung des Kundenbestands den Stichtag abdeckt (hier immer: nur
--   Monatsenden innerhalb der Lieferungen)
CREATE TABLE mart_struktur_monat AS
WITH monate AS (
    SELECT m::DATE AS monat, (m + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE AS stichtag
    FROM dim_stichtage, generate_series(date_trunc('month', erster_stichtag), date_trunc('month', stand), INTERVAL 1 MONTH) AS t(m)
    WHERE m + INTERVAL 1 MONTH - INTERVAL 1 DAY BETWEEN erster_stichtag AND stand
),
bestand AS (
    SELECT w.monat, w.stichtag, v.kreis, v.staatsangehoerigkeit, v.geschlecht, v.sprachniveau, v.gemeinde,
           year(w.stichtag) - v.geburtsjahr AS alter
    FROM monate w
    JOIN stg_kunden_verlauf v
      ON v.valid_from <= w.stichtag AND (v.valid_to IS NULL OR v.valid_to > w.stichtag)
     AND v.zugang_ip <= w.stichtag AND (v.abgang_ip IS NULL OR v.abgang_ip > w.stichtag)
),
merkmale AS (
    SELECT monat, stichtag, kreis, m.merkmal, coalesce(m.wert, 'unbekannt') AS auspraegung
    FROM bestand,
    LATERAL (VALUES
        ('staatsangehoerigkeit', staatsangehoerigkeit),
        ('herkunftsgruppe', herkunftsgruppe(staatsangehoerigkeit)),
        ('altersgruppe', CASE WHEN alter IS NULL THEN NULL
                              WHEN alter < 25 THEN 'unter 25'
                              WHEN alter < 35 THEN '25 bis unter 35'
                              WHEN alter < 45 THEN '35 bis unter 45'
                              WHEN alter < 55 THEN '45 bis unter 55'
                              ELSE '55 und älter' END),
        ('geschlecht', geschlecht),
        ('sprachniveau', nullif(sprachniveau, '')),
        ('gemeinde', nullif(gemeinde, ''))
    ) AS m(merkmal, wert)
)
SELECT monat, stichtag, kreis, merkmal, auspraegung, count(*) AS anzahl,
       abgedeckt('verbis_kunden', stichtag, stichtag) AS vollstaendig
FROM merkmale
GROUP BY ALL
ORDER BY monat, kreis, merkmal, auspraegung;
