-- mart_beratung_woche: Beratungen je ISO-Woche und Kreis, nach Zielgruppe.
-- * montag: Montag der ISO-Woche
-- * kreis: Kreis der Beratung
-- * zielgruppe: GEFLUECHTETE, EHRENAMT (Ehrenamtliche), ARBEITGEBER
-- * anzahl: Beratungen in der Woche
-- * vollstaendig: true, wenn die (monatlichen) Lieferungen der Beratungen die ganze Woche abdecken:
--   jeder Monat, in dem ein Tag der Woche liegt, ist geliefert (eine fehlende oder ganz in die
--   Quarantäne verschobene Monatsdatei ist eine Lücke, keine Woche ohne Beratungen)
CREATE TABLE mart_beratung_woche AS
WITH wochen AS (
    SELECT DISTINCT montag FROM mart_woche_kreis
),
gitter AS (
    SELECT w.montag, k.kreis, z.zielgruppe
    FROM wochen w,
         (SELECT unnest(['05966', '05970']) AS kreis) k,
         (SELECT unnest(['GEFLUECHTETE', 'EHRENAMT', 'ARBEITGEBER']) AS zielgruppe) z
),
b AS (
    SELECT date_trunc('week', datum)::DATE AS montag, kreis, zielgruppe, count(*) AS n
    FROM core_beratungen GROUP BY ALL
),
geliefert AS (
    SELECT DISTINCT stichtag AS monatsende FROM core_lieferungen
    WHERE export = 'beratungen' AND ergebnis = 'ingested' AND NOT abgelaufen
)
SELECT g.montag, g.kreis, g.zielgruppe, coalesce(b.n, 0) AS anzahl,
       abgedeckt('beratungen', g.montag, (g.montag + 6)::DATE)
       AND last_day(g.montag) IN (SELECT monatsende FROM geliefert)
       AND last_day((g.montag + 6)::DATE) IN (SELECT monatsende FROM geliefert) AS vollstaendig
FROM gitter g LEFT JOIN b USING (montag, kreis, zielgruppe)
ORDER BY ALL;
